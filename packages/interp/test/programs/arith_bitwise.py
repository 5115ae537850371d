# Bitwise operators on ints and bools.
vals = [0, 1, 5, 12, -1, -6, 255, 1 << 40, -(1 << 40)]
for a in vals:
    for b in (3, -3, 0xff):
        print(a, b, a & b, a | b, a ^ b)
for a in vals:
    print(a, ~a, a << 3, a >> 2, a >> 70)
print(True & False, True | False, True ^ True, type(True & True).__name__, True & 3, ~True)
print(1 << 100, (1 << 100) >> 99, -1 >> 100, 0 << 1000)
mask = 0
for bit in (0, 3, 7, 31, 63, 64):
    mask |= 1 << bit
    print(bin(mask), mask.bit_length(), mask.bit_count())
flags = 0b1011_0110
print([(flags >> i) & 1 for i in range(8)])
print(f'{flags:#010b} {flags:o} {flags:X}')
try:
    1 << -1
except ValueError as e:
    print('ValueError', e)
try:
    1.0 & 1
except TypeError as e:
    print('TypeError', e)
