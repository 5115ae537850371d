def f(a, b=2, c):
    return a
