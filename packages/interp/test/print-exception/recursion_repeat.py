def down(n):
    if n == 0:
        raise ValueError('bottom reached')
    return down(n - 1)

def twice(n):
    if n == 0:
        return down(30)
    twice(n - 1)

twice(5)
