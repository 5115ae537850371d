# setattr() racing with `obj.__dict__ = {}` (CPython gh-149816, its
# free-threading test of dict update vs __dict__ replacement): once a dict
# has been replaced, no thread's setattr may still write into it. The
# replacer snapshots the keys of each dict it detached; every detached
# dict must still have exactly those keys at the end.
from _harness import SCALE, Until, run_together, check


class Target:
    pass


target = Target()
target.origin = 0
detaching = Until()
snapshots = []
changed_while_read = []


def appender(k):
    def body():
        for i in detaching.rounds():
            setattr(target, f'p{k}_{i}', i)
    return body


def detacher():
    for _ in range(1500 * SCALE):
        old = target.__dict__
        target.__dict__ = {}
        try:
            keys = frozenset(old)
        except RuntimeError:  # the detached dict changed size while its keys were read
            changed_while_read.append(1)
            continue
        snapshots.append((old, keys))


run_together(appender(0), appender(1), detaching.finishing(detacher))
check('a detached __dict__ never changed while its keys were read', not changed_while_read, len(changed_while_read))
check('setattr never wrote into a detached __dict__ later', all(set(d) == keys for d, keys in snapshots))
check('the last __dict__ holds only appended attributes', all(k.startswith('p') for k in target.__dict__))
