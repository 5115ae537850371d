# Small-int arithmetic through the number slots.
a, b = 17, 5
print(a + b, a - b, a * b, a / b, a // b, a % b, a ** 2)
print(-a, +a, abs(-a), ~a)
print(a == b, a != b, a < b, a <= b, a > b, a >= b)
for x in (0, 1, -1, 7, -7, 255, -256):
    print(x, hex(x), oct(x), bin(x), x.bit_length(), int.__index__(x))
print(int('42'), int('-0x1f', 16), int('0b101', 0), int('  12  '), int('1_000'))
print(int(3.99), int(-3.99), int(True), int('z', 36))
print(round(2.5), round(3.5), round(-2.5), round(1234, -2), round(1250, -2), round(1350, -2))
print(divmod(17, 5), divmod(-17, 5), divmod(17, -5), divmod(-17, -5))
total = 0
for i in range(1, 101):
    total += i * i
print('sum of squares', total)
n = 1
for i in range(1, 21):
    n *= i
    print(i, n)
x = 10
x += 3; print(x)
x -= 1; print(x)
x *= 4; print(x)
x //= 5; print(x)
x %= 6; print(x)
x **= 3; print(x)
x <<= 2; print(x)
x >>= 1; print(x)
x |= 0x100; print(x)
x &= 0x1f0; print(x)
x ^= 0xff; print(x)
print(True + True, True * 10, False - 1, True / 2)
print((5).__add__(3), (5).__radd__(3), (5).__sub__(2.0), (5).__truediv__(0) if False else 'skip')
print(int.from_bytes(b'\x01\x00', 'big'), int.from_bytes(b'\x01\x00', 'little'), (1024).to_bytes(2, 'big'))
print((-1).to_bytes(2, 'big', signed=True), int.from_bytes(b'\xff\xfe', 'big', signed=True))
print((12).conjugate(), (12).real, (12).imag, (12).numerator, (12).denominator, (12).as_integer_ratio())
print((255).bit_count(), (-255).bit_count(), (10).is_integer())
print(max(3, 9, 2), min(3, 9, 2), sum(range(10)), pow(3, 4), pow(3, 4, 5), pow(3, -1, 7))
print(1 if 0 else 2, 0 or 5, 3 and 4, not 0, not 7)
print(format(1234567, ','), format(1234567, '_'), format(255, '#x'), format(255, '08b'), format(-42, '+d'))
