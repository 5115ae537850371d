# The power operator and pow().
for base in (2, -2, 3, 10, 0, 1, -1):
    print(base, [base ** e for e in range(0, 9)])
print(2 ** -2, 4 ** 0.5, 8 ** (1 / 3), (-8) ** 2, -8 ** 2, 2 ** 3 ** 2, (2 ** 3) ** 2)
print(pow(2, 10), pow(2, 10, 1000), pow(-2, 3, 5), pow(3, -2, 11), pow(2, 0, 1))
print(pow(2.0, 3), pow(2, 3.0), pow(9, 0.5), 1.5 ** 2, 0.5 ** -2)
print(10 ** 18, 10 ** 19, 10 ** -1, 7 ** 23, (-3) ** 21)
print(pow(5, 100, 97), pow(12345, 6789, 10 ** 9 + 7), pow(-5, 2, -7))
print(type(2 ** 2).__name__, type(2 ** -2).__name__, type(2.0 ** 2).__name__)
c = (-8) ** 0.5
print(type(c).__name__, round(c.real, 12), c.imag)
x = 3
x **= 4
print(x)
try:
    pow(2, 3, 0)
except ValueError as e:
    print('ValueError', e)
try:
    0 ** -1
except ZeroDivisionError as e:
    print('ZeroDivisionError', e)
try:
    pow(2, -1, 4)
except ValueError as e:
    print('ValueError', e)
try:
    10.0 ** 400
except OverflowError as e:
    print('OverflowError', e)
