# Float values and their shortest repr.
vals = [0.0, -0.0, 1.0, 0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 1e16, 1e15, 123456789.0, 1e-5, 1e-4, 0.0001234,
        1.5e300, 5e-324, 1.7976931348623157e308, 3.141592653589793, 2.5, 100.0, 1e22, 1e23, 12345678901234567890.0]
for v in vals:
    print(repr(v), str(v), v.is_integer(), v.hex())
print(float('inf'), float('-inf'), float('nan'), -float('inf'))
print(float('1e500'), float(' 3.5 '), float('-1_000.5'), float('InFiNiTy'), float(7))
inf = float('inf'); nan = float('nan')
print(inf > 1e308, inf == inf, nan == nan, nan != nan, inf - inf != inf - inf)
print(1e308 * 10, -1e308 * 10, 2.0 ** 0.5, 10.0 ** -2, (-8.0) ** (1 / 3) if False else 'skip')
print(0.1 * 3, 0.3 == 0.1 * 3, round(0.1 * 3, 10), 1.1 + 2.2)
print(round(2.675, 2), round(1.005, 2), round(0.5), round(1.5), round(-0.5), round(2.5), round(3.14159, 3))
print(int(2.9), int(-2.9), float.fromhex('0x1.8p1'), (0.75).as_integer_ratio(), (0.1).as_integer_ratio())
print(7.0 // 2, -7.0 // 2, 7.0 % 2, -7.0 % 2, 7.0 % -2, divmod(7.5, 2), divmod(-7.5, 2))
print(5 / 2, 4 / 2, -5 / 2, 1 / 7, 22 / 7)
print(1e16 + 1, 2 ** 53 + 1.0, float(2 ** 53 + 1))
print(3 * 1.1, 1.1 * 1.1, 100 * 1.1, 0.1 + 0.7)
print(f'{3.14159:.2f} {2.5:e} {1234.5:g} {0.00001234:g} {1e20:g} {42.0:%} {0.5:.0%}')
print(f'{1234567.891:,.2f} {-3.5:+.1f} {3.0:08.3f} {1.5:>10} {2.25:<8}|')
print(format(1e-7, ''), format(1e16, ''), format(123.456, '.5'), format(0.1, '.20f'))
print(str(1e-7), str(1.0e+16), str(123e-10), repr(1.23456789e-300))
print(sum([0.1] * 10), sum([1e100, 1.0, -1e100]), min(0.0, -0.0), max(-0.0, 0.0))
print(float(True), 3 + 0.5, 3 == 3.0, 3 < 3.5, hash(3.0) == hash(3), hash(0.5))
print((1.5).__floor__() if hasattr(1.5, '__floor__') else 'no floor', (2.5).__round__(), (-2.5).__trunc__())
print(abs(-2.5), -0.0 == 0.0, 1 / inf, -1 / inf)
x = 1.0
for i in range(12):
    x = x * 1.7 - 0.3
    print(i, x)
