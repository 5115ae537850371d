"""Parallel map with a thread pool: CPU-bound work split over threads.

Counts the primes below 100 000 in 8 chunks, once on one thread and once with
concurrent.futures.ThreadPoolExecutor.map. On ft the pool's threads run at the
same time on several cores (no GIL), so the second run is faster on a
multi-core machine; the results are the same. Pass --time to print the wall
times too (they vary from run to run, so they are not printed by default)."""

import sys
import time
from concurrent.futures import ThreadPoolExecutor

LIMIT = 100_000
CHUNKS = 8


def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def count_primes(bounds):
    lo, hi = bounds
    count = 0
    for n in range(lo, hi):
        if is_prime(n):
            count += 1
    return count


step = LIMIT // CHUNKS
chunks = [(i * step, (i + 1) * step) for i in range(CHUNKS)]

t0 = time.perf_counter()
serial = [count_primes(c) for c in chunks]
t1 = time.perf_counter()
with ThreadPoolExecutor(max_workers=4) as pool:
    parallel = list(pool.map(count_primes, chunks))
t2 = time.perf_counter()

for (lo, hi), n in zip(chunks, parallel):
    print(f'primes in [{lo:>6}, {hi:>6}): {n}')
print('total primes below', LIMIT, '=', sum(parallel))
print('same as one thread:', serial == parallel)

if '--time' in sys.argv[1:]:
    print(f'1 thread: {t1 - t0:.2f} s, pool of 4: {t2 - t1:.2f} s, speedup {(t1 - t0) / (t2 - t1):.2f}x')
