def f(*a):
    return a
f(x for x in range(3), 1)
