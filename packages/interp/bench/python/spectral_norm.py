"""Spectral norm: the largest singular value of the infinite matrix
A[i][j] = 1 / ((i + j) * (i + j + 1) / 2 + i + 1), truncated to n x n.

Usage: spectral_norm.py [n]   (default 100)

Power iteration on A^T A (ten rounds of v = A^T A u, u = A^T A v), each
product computed without storing A. The estimate sqrt(u.v / v.v) is the
checksum: sums in a fixed order of correctly rounded operations, so every
conforming Python prints the same digits.
"""

import math
import sys
import time


def entry(i, j):
    s = i + j
    return 1.0 / (s * (s + 1) // 2 + i + 1)


def times_a(v):
    n = len(v)
    out = []
    for i in range(n):
        total = 0.0
        for j in range(n):
            total += entry(i, j) * v[j]
        out.append(total)
    return out


def times_a_transposed(v):
    n = len(v)
    out = []
    for i in range(n):
        total = 0.0
        for j in range(n):
            total += entry(j, i) * v[j]
        out.append(total)
    return out


def times_ata(v):
    return times_a_transposed(times_a(v))


def dot(a, b):
    total = 0.0
    for x, y in zip(a, b):
        total += x * y
    return total


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    start = time.perf_counter()
    u = [1.0] * n
    v = u
    for _ in range(10):
        v = times_ata(u)
        u = times_ata(v)
    norm = math.sqrt(dot(u, v) / dot(v, v))
    elapsed = time.perf_counter() - start
    print("spectral norm", f"{norm:.9f}")
    print("elapsed", elapsed)
    print("checksum", repr(norm))


if __name__ == "__main__":
    main()
