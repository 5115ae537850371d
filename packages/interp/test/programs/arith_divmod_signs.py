# Floor division and modulo signs for ints and floats.
pairs = [(7, 3), (-7, 3), (7, -3), (-7, -3), (0, 5), (6, 3), (-6, 3), (1, 10), (-1, 10)]
for a, b in pairs:
    print(f'{a:3} {b:3} | // {a // b:3} % {a % b:3} divmod {divmod(a, b)} / {a / b}')
for a, b in pairs:
    fa, fb = float(a), float(b)
    print(f'{fa} {fb} | // {fa // fb} % {fa % fb} divmod {divmod(fa, fb)}')
print(-0.0 % 5, 0.0 % -5, 5 % -0.5, -5.5 % 2, 5.5 % -2)
print(10 ** 20 // -3, -(10 ** 20) % 7, 10 ** 20 % -7)
import math
print(math.fmod(-7, 3), math.fmod(7, -3), math.remainder(7, 3), math.remainder(8, 3))
for n in range(-5, 6):
    print(n, n // 2, n % 2, n >> 1, -n // 2, n // -2)
for d in (1, 2, 3, 7, -7):
    print(d, [i % d for i in range(-4, 5)])
print(True // 1, 7 // True, divmod(True, 2))
print(2 ** -1, (-2) ** 3, (-2) ** -3, 0 ** 0, 0.0 ** 0)
