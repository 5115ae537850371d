# Slice assignment and deletion on lists and bytearrays.
a = list(range(10))
a[2:4] = ['a', 'b', 'c']; print(a)
a[:0] = [-1]; print(a)
a[len(a):] = [99]; print(a)
a[1:3] = []; print(a)
a[::2] = 'x' * len(a[::2]); print(a)
a[::-3] = [0] * len(a[::-3]); print(a)
del a[::4]; print(a)
del a[1:3]; print(a)
del a[-2:]; print(a)
del a[:]; print(a)
b = list(range(6))
b[1:5:2] = (10, 30); print(b)
b[4:1:-1] = 'PQR'; print(b)
try:
    b[::2] = [1]
except ValueError as e:
    print('ValueError', e)
try:
    b[0:2] = 5
except TypeError as e:
    print('TypeError', e)
c = [1, 2, 3]
c[1:2] = c; print(c)
c[:] = range(3); print(c)
c[5:10] = [7]; print(c)
c[-100:1] = ['front']; print(c)
ba = bytearray(b'0123456789')
ba[2:5] = b'__'; print(ba)
del ba[::3]; print(ba)
ba[::-1] = ba; print(ba)
d = [[1, 2], [3, 4]]
d[0][:] = [9]; print(d)
del d[0][0], d[1]; print(d)
e = list(range(20))
del e[2:18:5]; print(e)
e[1:1] = ['ins']; print(e)
