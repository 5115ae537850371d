# Slicing: reads with every step, slice objects, indices().
s = list(range(10))
t = tuple(s)
st = 'abcdefghij'
for sl in [slice(None), slice(2, 5), slice(-3, None), slice(None, -3), slice(None, None, 2), slice(1, None, 3),
           slice(None, None, -1), slice(8, 2, -2), slice(-1, -5, -1), slice(100, 200), slice(-100, 3), slice(5, 2),
           slice(2, 8, -1), slice(None, None, -3), slice(0, 0), slice(3, -3, 2)]:
    print(sl, s[sl], t[sl], st[sl], sl.indices(10))
print(s[::-1][::2], st[1:-1][::-1], st[:3] + st[3:] == st, s[:] is s, t[:] is t)
print(slice(1, 2, 3).start, slice(1, 2, 3).stop, slice(1, 2, 3).step, slice(5), slice(1, 2) == slice(1, 2))
print(b'abcdef'[1::2], bytearray(b'xyz')[::-1], range(10)[2:8:3], range(10)[::-1], list(range(10)[-3:]))
class Seq:
    def __getitem__(self, key):
        return key
q = Seq()
print(q[1], q[1:2], q[::3], q[1:2, 3], q[..., 1], q[:, ::-1])
try:
    s[::0]
except ValueError as e:
    print('ValueError', e)
try:
    s['a':]
except TypeError as e:
    print('TypeError', e)
class Idx:
    def __index__(self):
        return 3
print(s[Idx()], s[Idx():], st[:Idx()])
