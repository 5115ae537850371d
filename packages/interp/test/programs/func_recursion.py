# Recursion, mutual recursion, RecursionError caught and recovered.
import sys
def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)
print([fact(i) for i in range(10)], fact(30))
def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))
print([[ackermann(m, n) for n in range(4)] for m in range(3)])
def is_even(n):
    return True if n == 0 else is_odd(n - 1)
def is_odd(n):
    return False if n == 0 else is_even(n - 1)
print(is_even(100), is_odd(77), is_even(7))
def hanoi(n, a, b, c, moves):
    if n:
        hanoi(n - 1, a, c, b, moves)
        moves.append((a, c))
        hanoi(n - 1, b, a, c, moves)
    return moves
print(len(hanoi(10, 'A', 'B', 'C', [])), hanoi(3, 'A', 'B', 'C', []))
def perms(items):
    if len(items) <= 1:
        return [items]
    out = []
    for i in range(len(items)):
        for p in perms(items[:i] + items[i + 1:]):
            out.append(items[i:i + 1] + p)
    return out
print(perms('abc'), len(perms([1, 2, 3, 4, 5])))
def depth(n):
    return depth(n + 1)
try:
    depth(0)
except RecursionError as e:
    print('RecursionError', e)
print('recovered', fact(50) % 1000007)
print(sys.getrecursionlimit())
sys.setrecursionlimit(200)
def count(n):
    return n if n == 0 else count(n - 1)
print(count(150))
try:
    count(500)
except RecursionError as e:
    print('RecursionError again', e)
sys.setrecursionlimit(1000)
print(count(800))
def flatten(x):
    if isinstance(x, list):
        return [z for y in x for z in flatten(y)]
    return [x]
print(flatten([1, [2, [3, [4, [5]]]], 6]))
class Node:
    def __init__(self, v, kids=()):
        self.v, self.kids = v, list(kids)
    def total(self):
        return self.v + sum(k.total() for k in self.kids)
    def __repr__(self):
        return f'Node({self.v}, {self.kids})' if self.kids else f'Node({self.v})'
tree = Node(1, [Node(2, [Node(4)]), Node(3)])
print(tree.total(), tree)
r = []
r.append(r)
print(repr(r), str({'k': r}))
