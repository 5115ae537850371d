"""Float: allocating, normalizing and comparing many small float objects.

Usage: float.py [points] [rounds]   (default 10000, 1)

Builds `points` 3-D points from sines and cosines of their index, scales
each to unit length, then folds them into one point holding the largest
coordinate seen on each axis; `rounds` times. The work is dominated by
creating float objects and reading and writing instance attributes.

The checksum rounds to 12 significant digits: math.sin and math.cos are not
correctly rounded, so their last bit may differ between C libraries.
"""

import math
import sys
import time


class Point:
    def __init__(self, i):
        self.x = x = math.sin(i)
        self.y = math.cos(i) * 3
        self.z = (x * x) / 2

    def __repr__(self):
        return f"<Point: x={self.x:.12g}, y={self.y:.12g}, z={self.z:.12g}>"

    def normalize(self):
        x = self.x
        y = self.y
        z = self.z
        length = math.sqrt(x * x + y * y + z * z)
        self.x = x / length
        self.y = y / length
        self.z = z / length

    def take_max(self, other):
        self.x = self.x if self.x > other.x else other.x
        self.y = self.y if self.y > other.y else other.y
        self.z = self.z if self.z > other.z else other.z
        return self


def fold_max(points):
    best = points[0]
    for p in points[1:]:
        best = best.take_max(p)
    return best


def run(count):
    points = [Point(i) for i in range(count)]
    for p in points:
        p.normalize()
    return fold_max(points)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    start = time.perf_counter()
    for _ in range(rounds):
        best = run(count)
    elapsed = time.perf_counter() - start
    print(best)
    print("elapsed", elapsed)
    print("checksum", f"{best.x:.12g}", f"{best.y:.12g}", f"{best.z:.12g}")


if __name__ == "__main__":
    main()
