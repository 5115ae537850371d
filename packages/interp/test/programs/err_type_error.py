# Uncaught TypeError raised three calls deep.
def combine(a, b):
    return a + b
def middle(items):
    return combine(items[0], items[1])
def outer():
    print('about to fail')
    return middle([1, 'two'])
outer()
print('not reached')
