"""N-queens: every placement of n non-attacking queens on an n x n board.

Usage: nqueens.py [n] [rounds]   (default 8, 1)

A generator yields each solution as a tuple of column indexes, one per row,
found by recursive backtracking over the free columns, with the occupied
diagonals kept in sets; the run enumerates them `rounds` times. Prints the
number of solutions and a checksum of all of them, position-weighted so
that the order and contents both count.
"""

import sys
import time


def solutions(n):
    columns = [0] * n
    used_columns = set()
    used_down = set()   # row - column is constant along a \ diagonal
    used_up = set()     # row + column is constant along a / diagonal

    def place(row):
        if row == n:
            yield tuple(columns)
            return
        for col in range(n):
            if col in used_columns or (row - col) in used_down or (row + col) in used_up:
                continue
            columns[row] = col
            used_columns.add(col)
            used_down.add(row - col)
            used_up.add(row + col)
            yield from place(row + 1)
            used_columns.discard(col)
            used_down.discard(row - col)
            used_up.discard(row + col)

    return place(0)


def solve(n):
    count = 0
    checksum = 0
    for board in solutions(n):
        count += 1
        checksum = (checksum * 31 + sum((row + 1) * col for row, col in enumerate(board))) % 1000000007
    return count, checksum


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    start = time.perf_counter()
    for _ in range(rounds):
        count, checksum = solve(n)
    elapsed = time.perf_counter() - start
    print(f"{n} queens: {count} solutions")
    print("elapsed", elapsed)
    print("checksum", count, checksum)


if __name__ == "__main__":
    main()
