"""The same CPU-bound work on one thread, then split over every core.

Counts the primes below a limit by trial division (pure Python: no C
extension does the work), first on one thread, then on one thread per core
at once. On ft the threads run at the same time (no GIL), so the second run
is faster on a multi-core machine; the counts are the same.

    ft examples/speedup.py          # the counts only (what the tests compare)
    ft examples/speedup.py --demo   # a live progress line, the times and the speedup
                                    # (what `npm start` runs)
"""

import sys
import threading
import time

DEMO = '--demo' in sys.argv
LIMIT = 400_000 if DEMO else 60_000
BLOCK = 1_000


def cpu_count():
    # os.cpu_count() where there is an os module; ft's threads module otherwise.
    try:
        import os
        return os.cpu_count() or 1
    except ImportError:
        import _ftthread
        return _ftthread.cpu_count()


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


def count_primes(k, nthreads, done):
    """Primes in blocks k, k + nthreads, k + 2 * nthreads ... of BLOCK numbers below LIMIT
    (interleaved, so that every thread gets small and large numbers); done[k] counts the numbers seen."""
    found = 0
    seen = 0
    for block in range(k * BLOCK, LIMIT, nthreads * BLOCK):
        for n in range(block, min(block + BLOCK, LIMIT)):
            if is_prime(n):
                found += 1
        seen += min(BLOCK, LIMIT - block)
        done[k] = seen  # each thread writes its own slot: no lock needed
    return found


def run(nthreads, label):
    """Counts the primes with nthreads threads at once: their total, and the wall time."""
    done = [0] * nthreads
    found = [0] * nthreads

    def body(k):
        found[k] = count_primes(k, nthreads, done)

    threads = [threading.Thread(target=body, args=(k,), name='%s-%d' % (label, k)) for k in range(nthreads)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    if DEMO:
        while any(t.is_alive() for t in threads):
            percent = 100 * sum(done) // LIMIT
            print('\r  %-26s %3d%%  %5.1f s' % (label, percent, time.perf_counter() - start), end='', flush=True)
            time.sleep(0.1)
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if DEMO:
        print('\r  %-26s 100%%  %5.1f s' % (label, elapsed), flush=True)
    return sum(found), elapsed


def warm_up(nthreads):
    # ft runs Python threads on pooled workers started on first use, and each worker's JavaScript
    # engine compiles the interpreter loop while it first runs: start them and warm them up before timing.
    def some_work():
        for n in range(120_000):
            is_prime(n)

    threads = [threading.Thread(target=some_work) for k in range(nthreads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main():
    cores = cpu_count()
    warm_up(max(cores, 2))
    if DEMO:
        print('Counting the primes below %d in pure Python, on ft (free-threaded: no GIL).' % LIMIT)
        print('gil enabled: %s; cores: %d' % (sys._is_gil_enabled(), cores))
    one, t1 = run(1, 'on 1 thread')
    many, tn = run(max(cores, 2), 'on %d threads at once' % max(cores, 2))
    print('primes below %d: %d on one thread, %d split over threads' % (LIMIT, one, many))
    if one != many:
        raise SystemExit('the counts differ')
    if DEMO:
        print('speedup: %.2fx with %d threads (ideal %dx on %d cores)' % (t1 / tn, max(cores, 2), min(cores, max(cores, 2)), cores))


main()
