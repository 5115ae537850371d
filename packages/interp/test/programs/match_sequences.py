# match: sequence patterns (fixed, starred, nested), with lists, tuples, ranges; strings are not sequences here.
def shape(v):
    match v:
        case []:
            return 'empty'
        case [x]:
            return f'one: {x}'
        case [x, y]:
            return f'two: {x}, {y}'
        case [0, *rest]:
            return f'starts with 0, rest {rest}'
        case [first, *_, last] if first == last:
            return f'bookends {first}'
        case [(a, b), *others]:
            return f'pair first {a}+{b}, {len(others)} more'
        case [*init, 'end']:
            return f'ends with end after {init}'
        case [_, _, _, *more]:
            return f'three or more ({len(more)} extra)'
    return 'no match'
cases = [[], [1], (1, 2), [0, 9, 8], [5, 1, 5], [(1, 2), 3, 4], ['a', 'b', 'end'], [1, 2, 3, 4, 5], range(3), 'ab', b'ab', {1, 2}, 7]
for v in cases:
    print(repr(v), '->', shape(v))
def cmd(command):
    match command.split():
        case ['go', ('north' | 'south' | 'east' | 'west') as direction]:
            return f'going {direction}'
        case ['pick', 'up', *items] if items:
            return f'picking {" and ".join(items)}'
        case ['drop', item, *_]:
            return f'dropping {item}'
        case ['quit' | 'exit']:
            return 'bye'
        case [verb, *_]:
            return f'unknown verb {verb}'
        case []:
            return 'nothing'
for c in ['go north', 'go up', 'pick up key lamp', 'pick up', 'drop sword now', 'exit', 'dance', '']:
    print(repr(c), '->', cmd(c))
match [1, [2, [3, [4]]]]:
    case [a, [b, [c, [d]]]]:
        print('deep', a, b, c, d)
match (1, 2, 3):
    case [1, *mid, 3]:
        print('tuple matched list pattern, mid', mid)
match [1, 2]:
    case (x, y):
        print('list matched tuple pattern', x, y)
class Seq:
    def __len__(self):
        return 2
    def __getitem__(self, i):
        return [10, 20][i]
match Seq():
    case [a, b]:
        print('custom seq?', a, b)
    case _:
        print('custom class without Sequence registration is not a sequence')
import collections
match collections.deque([1, 2, 3]):
    case [1, *rest]:
        print('deque is a sequence', rest)
