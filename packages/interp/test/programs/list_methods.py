# list operations and methods.
a = [3, 1, 4, 1, 5, 9, 2, 6]
print(a, len(a), a[0], a[-1], a.count(1), a.index(5), a.index(1, 2))
a.append(5); print(a)
a.extend([8, 9]); print(a)
a.insert(0, 100); print(a)
a.insert(-1, 200); print(a)
a.insert(1000, 300); print(a)
print(a.pop(), a.pop(0), a.pop(2), a)
a.remove(1); print(a)
a.sort(); print(a)
a.sort(reverse=True); print(a)
a.reverse(); print(a)
words = ['banana', 'Apple', 'cherry', 'date', 'Elder', 'fig']
print(sorted(words), sorted(words, key=str.lower), sorted(words, key=len), sorted(words, key=len, reverse=True))
pairs = [(2, 'b'), (1, 'z'), (2, 'a'), (1, 'y')]
pairs.sort(key=lambda p: p[0]); print(pairs)
c = a.copy(); c.append('new'); print(a is c, len(a), len(c))
b = a * 2; print(b)
print(a + [0], [0] * 5, [[]] * 3, [1, 2] == [1, 2], [1, 2] < [1, 2, 3], 5 in a, 42 not in a)
a.clear(); print(a, bool(a), bool([0]))
grid = [[0] * 3 for _ in range(3)]
grid[1][1] = 5
print(grid)
alias = [[0] * 2] * 2
alias[0][0] = 7
print(alias)
nested = [1, [2, [3, [4]]]]
print(nested[1][1][1][0], repr(nested), str(nested))
lst = list(range(10))
lst[2:5] = ['x']
print(lst)
del lst[::3]
print(lst)
lst += 'ab'
print(lst)
print(list(reversed(lst)), list(enumerate(['p', 'q'], 1)), list(zip([1, 2], 'ab')))
stack = []
for i in range(5):
    stack.append(i * i)
while stack:
    print('pop', stack.pop())
rec = [1, 2]
rec.append(rec)
print(rec)
print(list(map(str, [1, 2, 3])), list(filter(None, [0, 1, '', 'a', None])), [x for x in range(20) if x % 3 == 0])
print(sum([[1], [2, 3]], []), max([3, 7, 2]), min([[2], [1, 5]]), sorted([3, 1, 2], reverse=True))
try:
    [].pop()
except IndexError as e:
    print('IndexError', e)
try:
    [1].remove(2)
except ValueError as e:
    print('ValueError', e)
try:
    [1, 2].index(3)
except ValueError as e:
    print('ValueError', e)
try:
    [1, 'a'].sort()
except TypeError as e:
    print('TypeError', e)
try:
    print([1, 2][5])
except IndexError as e:
    print('IndexError', e)
