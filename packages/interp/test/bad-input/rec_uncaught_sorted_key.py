def key(x):
    return sorted([x, x], key=key)

sorted([3, 1, 2], key=key)
