import sys

def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)

print(sys.getrecursionlimit())
print(depth(950))
sys.setrecursionlimit(50)
try:
    depth(100)
except RecursionError as e:
    print('limit 50:', e)
print(depth(40))
for bad in (0, -5):
    try:
        sys.setrecursionlimit(bad)
    except ValueError as e:
        print(bad, e)
try:
    sys.setrecursionlimit('x')
except TypeError as e:
    print(e)
sys.setrecursionlimit(5000)
print(depth(4000))
