"""Fannkuch-redux: pancake flips over every permutation of 1..n.

Usage: fannkuch.py [n]   (default 7)

For each permutation (in the order of the classic counting scheme: rotate
the first k elements, k growing as the lower counters wrap), repeatedly
reverse the first p[0] + 1 elements until 0 comes first, and count the
flips. Reports the maximum flip count and a checksum that adds the counts
of even-numbered permutations and subtracts the odd ones.
"""

import sys
import time


def fannkuch(n):
    perm = list(range(n))
    # count[k] is how many more rotations of the first k + 1 elements remain
    # before the next larger prefix rotates.
    count = [0] * n
    max_flips = 0
    checksum = 0
    index = 0
    k = n
    while True:
        while k > 1:
            count[k - 1] = k
            k -= 1

        first = perm[0]
        if first:
            work = perm[:]
            flips = 0
            while first:
                # Reverse work[0..first] in place, swapping from both ends.
                lo = 0
                hi = first
                while lo < hi:
                    work[lo], work[hi] = work[hi], work[lo]
                    lo += 1
                    hi -= 1
                flips += 1
                first = work[0]
            if flips > max_flips:
                max_flips = flips
            checksum += flips if index % 2 == 0 else -flips
        index += 1

        # Next permutation: rotate the first k + 1 elements left by one; when
        # that prefix has made all its rotations, move on to a longer one
        # (the loop at the top then resets the shorter prefixes' counters).
        while True:
            if k == n:
                return checksum, max_flips
            head = perm[0]
            for i in range(k):
                perm[i] = perm[i + 1]
            perm[k] = head
            count[k] -= 1
            if count[k] > 0:
                break
            k += 1


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    start = time.perf_counter()
    checksum, max_flips = fannkuch(n)
    elapsed = time.perf_counter() - start
    print(checksum)
    print(f"Pfannkuchen({n}) = {max_flips}")
    print("elapsed", elapsed)
    print("checksum", checksum, max_flips)


if __name__ == "__main__":
    main()
