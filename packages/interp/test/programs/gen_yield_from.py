# yield from: delegation, return values, send/throw/close forwarding.
def inner():
    x = yield 'inner-1'
    print('inner got', x)
    y = yield 'inner-2'
    print('inner got', y)
    return 'inner-result'
def outer():
    result = yield from inner()
    print('outer got result', result)
    z = yield 'outer-1'
    return z
g = outer()
print(next(g))
print(g.send('a'))
print(g.send('b'))
try:
    g.send('final')
except StopIteration as e:
    print('outer returned', e.value)
def chain(*iterables):
    for it in iterables:
        yield from it
print(list(chain([1, 2], 'ab', range(3), (x * x for x in range(3)))))
def tree(depth):
    if depth == 0:
        yield 'leaf'
        return 1
    left = yield from tree(depth - 1)
    right = yield from tree(depth - 1)
    return left + right
t = tree(3)
leaves = []
while True:
    try:
        leaves.append(next(t))
    except StopIteration as e:
        print('leaf count', e.value, len(leaves))
        break
def handler():
    while True:
        try:
            v = yield
            print('handler value', v)
        except ValueError:
            print('handler caught ValueError')
def delegator():
    yield from handler()
d = delegator()
next(d)
d.send(1)
d.throw(ValueError)
d.send(2)
def closing_inner():
    try:
        yield 1
        yield 2
    finally:
        print('inner finally on close')
def closing_outer():
    try:
        yield from closing_inner()
    finally:
        print('outer finally on close')
co = closing_outer()
next(co)
co.close()
def gen_return_only():
    return 'direct'
    yield
def wrap():
    v = yield from gen_return_only()
    yield v
print(list(wrap()))
def from_list():
    r = yield from [10, 20]
    yield r
print(list(from_list()))
def flatten(seq):
    for item in seq:
        if isinstance(item, list):
            yield from flatten(item)
        else:
            yield item
print(list(flatten([1, [2, [3, [4, 5]], 6], [[7]]])))
def catch_stop():
    v = yield from iter([])
    return v
try:
    next(catch_stop())
except StopIteration as e:
    print('empty delegation value', e.value)
def thrower():
    yield 1
    raise OSError('from inner')
def guard():
    try:
        yield from thrower()
    except OSError as e:
        yield 'outer handled ' + str(e)
print(list(guard()))
