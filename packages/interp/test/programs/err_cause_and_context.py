def level1():
    raise ValueError('root cause')
def level2():
    try:
        level1()
    except ValueError as e:
        raise TypeError('wrapped') from e
def level3():
    try:
        level2()
    except TypeError:
        raise LookupError('while handling')
level3()
