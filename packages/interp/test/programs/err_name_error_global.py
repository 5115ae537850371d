import math
maximum_value = 10
def f():
    return maximum_valu * 2
f()
