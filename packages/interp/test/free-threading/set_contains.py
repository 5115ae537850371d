# Sets read with `in` while other threads add and discard: members that
# are never removed are always found, values never added are never found,
# and the end state is exact. Also repr() racing clear() (one of the two
# states), a frozenset holding a set-valued key while that set mutates,
# and a set iterator drained by several threads (no invented items).
from _harness import SCALE, Until, run_together, check

STABLE = list(range(1000, 1040))
NEVER = list(range(5000, 5040))
s = set(STABLE)
ROUNDS = 80 * SCALE


def mutator(base):
    def body():
        for r in range(ROUNDS):
            for j in range(20):  # grows past the small table, then shrinks back
                s.add(base + j)
            for j in range(20):
                s.discard(base + j)
            s.add(base + 100 + r % 3)  # ends with base+100 .. base+102 present
    return body


def reader():
    bad = 0
    for _ in range(ROUNDS):
        for x in STABLE:
            if x not in s:
                bad += 1
        for x in NEVER:
            if x in s:
                bad += 1
    return bad


res = run_together(mutator(0), mutator(200), reader)
check('contains: stable members always found, absent never', res[2] == 0, res)
check('contains: end state', s == set(STABLE) | {100, 101, 102, 300, 301, 302}, sorted(s - set(STABLE)))

# The same against clear() and in-place intersection, which replace the table.
t = set()
churning = Until()


def churn():
    for i in range(200 * SCALE):
        t.clear()
        t.update(range(20))
        for j in range(20):
            t.discard(j)
        t.__iand__(set(range(10, 20)))  # swaps the table bodies


def probe():
    return sum(((i >> 1) in t) not in (True, False) for _ in churning.rounds() for i in range(10))


res = run_together(churning.finishing(churn), probe, probe)
check('contains vs clear and &=: only booleans, ends empty', res[1:] == [0, 0] and t == set(), res)

# repr() while another thread clears.
ok = True
for _ in range(6 * SCALE):
    u = {1, 2, 3, 4, 5, 6, 7, 8}
    reprs = run_together(u.clear, *[lambda: repr(u)] * 2)[1:]
    ok = ok and all(x in ('set()', '{1, 2, 3, 4, 5, 6, 7, 8}') for x in reprs)
check('repr vs clear: one of the two states', ok)

# A mutable set as the key looked up in a frozenset of frozensets.
key = set()
container = frozenset([frozenset([0])])
looking = Until()


def key_mutator():
    for _ in looking.rounds():
        key.add(0)
        key.add(1)
        key.clear()


def key_reader():
    return {key in container for _ in range(400 * SCALE)}


res = run_together(looking.finishing(key_reader), key_mutator)
check('set key in frozenset: only booleans', res[0] <= {True, False}, res[0])

# A set iterator shared by 3 threads.
src = set(range(300 * SCALE))
it = iter(src)


def drain():
    got = []
    while True:
        try:
            got.append(next(it))
        except StopIteration:
            return got


parts = run_together(drain, drain, drain)
check('shared set iterator: no invented items', set(x for p in parts for x in p) <= src)
check('shared set iterator: exhausted', next(it, 'done') == 'done')
