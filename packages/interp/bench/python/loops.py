"""Micro loops: the per-iteration cost of the eval loop's commonest paths.

Usage: loops.py   (each loop runs 3,000,000 iterations once untimed, then
twice timed; prints ns per iteration)

Not a kernel of vm.bench.ts: a quick look at one path at a time (a range
loop, int and float arithmetic, list indexing, a while loop, attribute
reads and writes, a function call, a method call), to run with ft and with
python3.13 in the same minutes.
"""
import time, sys
N = 3_000_000
def l1():
    for i in range(N): pass
def l2():
    s = 0
    for i in range(N): s = s + i
def l3():
    x = 0.5; a = 0.999; b = 0.001
    for i in range(N): x = x * a + b
def l4():
    lst = list(range(1024)); s = 0
    for i in range(N):
        t = lst[i & 1023]; s = s + t
def l5():
    i = 0; s = 0
    while i < N:
        s = s + i; i = i + 1
class P:
    def __init__(self): self.x = 1; self.y = 2
def l6():
    p = P(); s = 0
    for i in range(N): s = s + p.x
def l7():
    p = P()
    for i in range(N): p.x = i
def f(a): return a
def l8():
    for i in range(N): f(i)
class Q:
    def m(self, a): return a
def l9():
    q = Q()
    for i in range(N): q.m(i)
for fn in [l1, l2, l3, l4, l5, l6, l7, l8, l9]:
    fn()
    t0 = time.perf_counter(); fn(); fn(); dt = (time.perf_counter() - t0) / 2
    print(f"{fn.__name__} {dt / N * 1e9:.1f} ns/iter")
