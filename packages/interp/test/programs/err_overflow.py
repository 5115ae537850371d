import math
def grow(x):
    return math.exp(x)
print(grow(1))
grow(1000)
