"""The gc/collect and gc/automatic workloads of gc.bench.ts in CPython, for a
figure from the same machine (CI has no CPython; run it by hand with any
python3.13 or python3.13t):  python3.13 packages/gc/bench/cpython-gc.py
Each container is a one-slot list, as small a GC container as Python has."""
import gc, statistics, sys, time

N = 1_000_000

def pairs(n):
    held = []
    for _ in range(n):
        a = [None]; b = [a]; a[0] = b
        held.append(a)
    return held

def collect(shape):
    gc.disable(); gc.collect()
    held = pairs(N // 2)
    if shape == 'garbage':
        held = None
    t0 = time.perf_counter(); found = gc.collect(); t1 = time.perf_counter()
    gc.enable()
    return (t1 - t0) * 1e9 / N, found

def allocate(count, automatic):
    gc.collect()
    (gc.enable if automatic else gc.disable)()
    previous = None
    t0 = time.perf_counter()
    for _ in range(count):
        previous = [previous]
    t1 = time.perf_counter()
    gc.enable()
    del previous
    return (t1 - t0) * 1e9 / count

print(sys.version.replace('\n', ' '), 'free-threaded' if hasattr(sys, '_is_gil_enabled') and not sys._is_gil_enabled() else 'GIL')
for shape in ('garbage', 'live'):
    runs = [collect(shape) for _ in range(5)]
    print(f'collect 1M {shape}: {statistics.median(r[0] for r in runs):.1f} ns/object (found {runs[0][1]})')
for count in (1_000_000, 4_000_000):
    off = statistics.median(allocate(count, False) for _ in range(3))
    on = statistics.median(allocate(count, True) for _ in range(3))
    print(f'allocate {count // 1_000_000}M live: off {off:.1f} ns, on {on:.1f} ns = {on / off:.2f}x')
