# Numeric builtins: abs, round, divmod, pow, int, float, complex, bin/oct/hex, bool, hash of numbers.
print(abs(-5), abs(5.5), abs(-0.0), abs(3 + 4j), abs(True), abs(-(2 ** 70)))
for v in (0.5, 1.5, 2.5, -0.5, -1.5, 2.675, 0.125, 1e20, -7.45):
    print(v, round(v), round(v, 1), round(v, 2), round(v, -1))
print(round(1234.5678, -2), round(15, -1), round(25, -1), round(-25, -1), round(7), type(round(2.5)).__name__, type(round(2.5, 0)).__name__)
print(divmod(7, 2), divmod(-7, 2), divmod(7.5, -2), divmod(2 ** 65, 3))
print(int('101', 2), int('ff', 16), int('0o17', 0), int('0x_ff', 0), int(' -9 '), int(9.99), int('٣'))
for bad in ('', '1.5', '0x', '12a', ' ', '1__0'):
    try:
        int(bad)
    except ValueError as e:
        print('ValueError', e)
try:
    int('9', 8)
except ValueError as e:
    print('ValueError', e)
try:
    int([])
except TypeError as e:
    print('TypeError', e)
print(float('1.5'), float('-inf'), float('1e3'), float(' 2 '), float(3), float('0x10') if False else float.fromhex('0x10'))
try:
    float('abc')
except ValueError as e:
    print('ValueError', e)
print(complex(1, 2), complex('3+4j'), (1 + 2j) * (3 - 1j), (1 + 2j).conjugate(), (2j).real, (2j).imag, 1j ** 2, complex(2))
print(bin(10), oct(64), hex(255), bin(-5), hex(-255), hex(2 ** 64))
print(bool(0), bool(1), bool(''), bool('x'), bool([]), bool(None), bool(0.0), bool(-0.0), bool(0j), bool(float('nan')))
print(int(True), True + 1, isinstance(True, int), True == 1)
print(chr(65), ord('z'), chr(0x263a), ord('\n'))
try:
    chr(-1)
except ValueError as e:
    print('ValueError', e)
try:
    ord('ab')
except TypeError as e:
    print('TypeError', e)
print(pow(2, 100), pow(2, -1), pow(2.5, 2), pow(-1, 0.5) if False else 'skip', pow(10, 3, 7))
print(max(1, 2.5), min(-1, -1.0), max(True, 0), sum([1, 2.0]), type(sum([1, 2.0])).__name__)
print(int.__name__, float.__mro__, (5).__class__, (2.0).__class__.__name__)
print(7 / 2, 7 // 2, -7 // 2, 7 % -2, 2 ** 0.5, 10 / 4, 1e3 // 7)
print(float('nan') != float('nan'), round(float('inf')) if False else 'skip')
try:
    round(float('inf'))
except OverflowError as e:
    print('OverflowError', e)
try:
    round(float('nan'))
except ValueError as e:
    print('ValueError', e)
try:
    1 / 0
except ZeroDivisionError as e:
    print('ZeroDivisionError', e)
try:
    1 % 0
except ZeroDivisionError as e:
    print('ZeroDivisionError', e)
try:
    1.0 / 0
except ZeroDivisionError as e:
    print('ZeroDivisionError', e)
try:
    divmod(1, 0)
except ZeroDivisionError as e:
    print('ZeroDivisionError', e)
try:
    float(10 ** 400)
except OverflowError as e:
    print('OverflowError', e)
try:
    2.0 ** 10000
except OverflowError as e:
    print('OverflowError', e)
