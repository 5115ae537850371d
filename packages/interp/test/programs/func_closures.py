# Closures, cells, nonlocal and global.
def counter():
    n = 0
    def inc(by=1):
        nonlocal n
        n += by
        return n
    return inc
c1, c2 = counter(), counter()
print(c1(), c1(), c1(5), c2(), c1.__code__.co_freevars, counter.__code__.co_cellvars)
print(c1.__closure__[0].cell_contents)
def adders():
    return [lambda x, i=i: x + i for i in range(3)], [lambda x: x + i for i in range(3)]
early, late = adders()
print([f(10) for f in early], [f(10) for f in late])
total = 0
def add_global(v):
    global total
    total += v
    return total
print(add_global(3), add_global(4), total)
def make_global():
    global created_later
    created_later = 'made'
make_global()
print(created_later)
def nested():
    x = 'level1'
    def mid():
        def inner():
            return x
        return inner
    return mid()()
print(nested())
def rebinding():
    x = 1
    def get():
        return x
    x = 2
    r1 = get()
    x = 3
    return r1, get()
print(rebinding())
def shadow():
    total = 'local'
    def g():
        global total
        return total
    return total, g()
print(shadow())
def deep():
    a = 1
    def l1():
        b = 2
        def l2():
            nonlocal a, b
            a += 10
            b += 20
            return a, b
        return l2
    f = l1()
    return f(), f(), a
print(deep())
class K:
    y = 'class'
    def m(self):
        return y
y = 'global y'
print(K().m())
def cls_in_func():
    val = 'enclosing'
    class Inner:
        attr = val
        def get(self):
            return val
    return Inner.attr, Inner().get()
print(cls_in_func())
def fib_memo():
    memo = {}
    def fib(n):
        if n in memo:
            return memo[n]
        r = n if n < 2 else fib(n - 1) + fib(n - 2)
        memo[n] = r
        return r
    return fib
fib = fib_memo()
print([fib(i) for i in range(15)], fib(90))
def unbound():
    try:
        print(z)
    except UnboundLocalError as e:
        print('UnboundLocalError', e)
    z = 1
unbound()
def free_unbound():
    def inner():
        return w
    try:
        inner()
    except NameError as e:
        print(type(e).__name__, e)
    w = 2
    return inner()
print(free_unbound())
def del_cell():
    v = 1
    def r():
        return v
    del v
    try:
        r()
    except NameError as e:
        print(type(e).__name__, e)
del_cell()
