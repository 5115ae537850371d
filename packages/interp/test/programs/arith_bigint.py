# Arbitrary-precision integers.
a = 2 ** 100
b = 3 ** 70
print(a)
print(b)
print(a + b, a - b, b - a)
print(a * b)
print(a // 12345, a % 12345, -a // 12345, -a % 12345)
print(divmod(b, a), divmod(-b, a), divmod(b, -a))
print(a >> 37, a << 50, (-a) >> 3)
print(a & b, a | b, a ^ b, ~a)
print(a.bit_length(), b.bit_length(), (a - 1).bit_count())
print(a == 1267650600228229401496703205376, a > b, a < b, -a < 0)
print(hex(a), oct(b)[:20], bin(a)[:10], len(str(b)))
f = 1
for i in range(1, 51):
    f *= i
print('50! =', f)
print(f % (10 ** 9 + 7), f // 10 ** 50, str(f).count('0'))
print(int('123456789012345678901234567890') * 10, -int('98765432109876543210'))
print(pow(2, 200, 10 ** 9 + 7), pow(12345678901234567890, 3), pow(7, 128) % 1000)
print(abs(-a), -(-a), +a, a * 0, a * -1)
print(float(a), float(b) > 1e33, a / 2 ** 98, int(1e20), int(1.5e30))
print(hash(a) == hash(a + 0), hash(2 ** 61 - 1), hash(2 ** 61), hash(-(2 ** 61)))
print(round(b, -20), round(123456789123456789, -5))
fib = [0, 1]
while len(fib) < 120:
    fib.append(fib[-1] + fib[-2])
print(fib[100], fib[119], fib[119] % fib[60])
print(sum(fib) // len(fib))
print(a.to_bytes(13, 'big'), int.from_bytes(a.to_bytes(13, 'little'), 'little') == a)
print((10 ** 40).__index__(), (10 ** 40) // (10 ** 20) == 10 ** 20, (-7) ** 41)
print(sorted([a, b, -a, 5, 0, -b]))
print(max(a, b) - min(a, b), 10 ** 30 - 1 == int('9' * 30))
print(format(a, ','), format(b, 'x'), f'{a:>40}', f'{-b:_}')
