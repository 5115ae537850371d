# str.join over a list another thread extends and clears: every result is
# the join of a prefix of what the writer puts in (its items go in order);
# join over a list whose items another thread replaces: always 7
# characters, each one of the values stored at that index.
from _harness import SCALE, Until, run_together, check

ROUNDS = 40 * SCALE
PIECES = [str(i) for i in range(ROUNDS)]
PREFIXES = {''.join(PIECES[:k]) for k in range(ROUNDS + 1)}
lst = []
extending = Until()


def writer():
    for i in range(ROUNDS):
        lst.extend(map(str, range(i)))
        lst.clear()


def joiner():
    return sum(''.join(lst) not in PREFIXES for _ in extending.rounds())


res = run_together(extending.finishing(writer), joiner, joiner)
check('join vs extend/clear: always a prefix', res[1:] == [0, 0], res)
check('join vs extend/clear: ends empty', ''.join(lst) == '')

# Items replaced while joined.
chars = [*'abcdefg']
LEGAL = [set(c) for c in chars]
for i, code in zip(range(10**9), range(128, 128 + 400 * SCALE)):
    LEGAL[i % 7].add(chr(code))
replacing = Until()


def replacer():
    for i, code in zip(range(10**9), range(128, 128 + 400 * SCALE)):
        chars[i % 7] = chr(code)


def char_joiner():
    bad = 0
    for _ in replacing.rounds():
        s = ''.join(chars)
        if len(s) != 7 or any(c not in LEGAL[i] for i, c in enumerate(s)):
            bad += 1
    return bad


res = run_together(replacing.finishing(replacer), char_joiner, char_joiner)
check('join vs item replacement: 7 legal characters', res[1:] == [0, 0], res)
check('join vs item replacement: final', ''.join(chars) == ''.join(chr(128 + 400 * SCALE - 7 + ((i - 400 * SCALE) % 7)) for i in range(7)))
