# Lists read while one thread appends or extends: every reader pass sees the
# items in order (item i has v == i), none lost, none duplicated, and the
# last pass sees them all. Also a shared list iterator drained by several
# threads (no invented items; each item at most once per thread) and
# iteration while other threads replace the whole contents by slice
# assignment (only items of either contents).
from _harness import SCALE, Until, run_together, check

N = 300 * SCALE
READERS = 3


class Item:
    def __init__(self, v):
        self.v = v


def race(grow):
    lst = []

    def writer():
        for i in range(N):
            grow(lst, i)
        return len(lst)

    def reader():
        bad = 0
        passes = 0
        while True:
            count = len(lst)
            seen = 0
            for i, x in enumerate(lst):
                if x.v != i:
                    bad += 1
                seen += 1
            passes += 1
            if seen < count:
                bad += 1  # a pass saw fewer items than len() said before it
            if count == N:
                return bad, seen

    results = run_together(writer, *[reader] * READERS)
    check(f'{grow.__name__}: writer wrote all', results[0] == N, results[0])
    check(f'{grow.__name__}: readers saw items in order', all(r[0] == 0 for r in results[1:]), results[1:])
    check(f'{grow.__name__}: last pass saw every item', all(r[1] == N for r in results[1:]), results[1:])
    check(f'{grow.__name__}: final list', [x.v for x in lst] == list(range(N)))


def append(lst, i):
    lst.append(Item(i))


def extend(lst, i):
    lst.extend([Item(i)])


race(append)
race(extend)

# A shared iterator drained by 3 threads.
M = 1000 * SCALE
data = list(range(M))
it = iter(data)


def drain():
    got = []
    for x in it:
        got.append(x)
    return got


parts = run_together(drain, drain, drain)
flat = [x for p in parts for x in p]
check('shared iterator: no invented items', set(flat) <= set(data))
check('shared iterator: every item at least once', set(flat) == set(data))
check('shared iterator: exhausted', next(it, 'done') == 'done')

# Iteration while two threads swap the whole contents by slice assignment.
orig = list(range(400))
replacement = (orig * 3)[200:]
seq = orig[:]
iterating = Until()


def mutator():
    for _ in iterating.rounds():
        seq[:] = replacement
        seq[:] = orig


def iterate():
    invented = 0
    for _ in range(5 * SCALE):
        for x in seq:
            if not 0 <= x < 400:
                invented += 1
    return invented


res = run_together(iterating.finishing(iterate), iterating.finishing(iterate), mutator)
check('slice assignment vs iteration: no invented items', res[0] == 0 and res[1] == 0, res)
check('slice assignment: ends as one of the two', seq == orig or seq == replacement)
