# List, dict, set and generator comprehensions; scoping (inlined comprehensions keep their own iteration variable).
print([x * x for x in range(8)])
print([x for x in range(20) if x % 2 if x % 3])
print([(x, y) for x in range(3) for y in range(x)])
print([[x * y for y in range(4)] for x in range(3)])
print({x: x ** 3 for x in range(5)})
print({c for c in 'hello world' if c != ' '} == set('helowrd'))
print(sum(x for x in range(101)), max(len(w) for w in ['a', 'abc', 'ab']))
print(list(x if x % 2 else -x for x in range(6)))
x = 'outer'
r = [x for x in 'abc']
print(r, x)
y = 5
print([y + i for i in range(3)])
def make():
    k = 10
    return [lambda: k + i for i in range(3)]
print([f() for f in make()])
print([[row[i] for row in [[1, 2, 3], [4, 5, 6]]] for i in range(3)])
flat = [v for row in [[1, 2], [3], [], [4, 5, 6]] for v in row]
print(flat)
print([(i, j) for i in range(4) if i % 2 == 0 for j in range(i, 4) if j != i])
print([w.upper() for w in 'one two three'.split() if len(w) > 3])
words = ['apple', 'bob', 'civic', 'dad', 'eve', 'fig']
print({w: w == w[::-1] for w in words})
print([n for n in range(2, 50) if all(n % d for d in range(2, int(n ** 0.5) + 1))])
print([(a, b, c) for a in range(1, 20) for b in range(a, 20) for c in range(b, 20) if a * a + b * b == c * c])
g = (i * 2 for i in range(4))
print(next(g), next(g), list(g), list(g))
class C:
    vals = [1, 2, 3]
    doubled = [v * 2 for v in vals]
    total = sum(v for v in vals)
print(C.doubled, C.total)
print([(yield_ := v) for v in range(3)], yield_)
print([last := i for i in range(4)], last)
matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
print([list(col) for col in zip(*matrix)], [matrix[i][i] for i in range(3)])
print(dict((k, v) for k, v in zip('abc', range(3))), set(i // 3 for i in range(9)))
