"""Shared by the free-threading programs (not a program itself: its name starts with _).

SCALE multiplies the programs' loop counts: the runner passes FT_STRESS_SCALE as argv[1].
CONTROL (argv[2] == 'control') asks a program to drop a lock its checks depend on: the
runner's control run must then see that check fail.
"""
import sys
import threading

SCALE = int(sys.argv[1]) if len(sys.argv) > 1 else 1
CONTROL = len(sys.argv) > 2 and sys.argv[2] == 'control'


def run_together(*targets):
    """Runs each target on a thread of its own, all released at once by one Barrier; returns their results in order.

    An exception in a target is recorded and printed (sorted, so the output does not depend on timing).
    """
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)
    errors = []

    def body(index, target):
        barrier.wait()
        try:
            results[index] = target()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(f'{type(e).__name__}: {e}')

    threads = [threading.Thread(target=body, args=(i, t)) for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in sorted(errors):
        print('thread error:', e)
    return results


def check(name, condition, detail=''):
    """Prints `name ok`, or `name FAILED` with what was seen."""
    print(name, 'ok' if condition else f'FAILED {detail}')


class Until:
    """Threads that loop while another works: `finishing(target)` wraps the worker, which sets the flag when it
    returns or raises; the loopers iterate `rounds(least)`, which goes on until the flag is set, and at least
    `least` times (so that their checks never depend on how soon they started)."""

    def __init__(self):
        self._done = []

    def finishing(self, target):
        def body():
            try:
                return target()
            finally:
                self._done.append(1)
        return body

    def rounds(self, least=10):
        i = 0
        while not self._done or i < least:
            yield i
            i += 1
