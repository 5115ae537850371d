# operator: the functions, itemgetter/attrgetter/methodcaller with reprs and messages.
import operator as op


def error(label, fn):
    try:
        fn()
    except Exception as e:
        print(label, type(e).__name__, e)
    else:
        print(label, 'no error')


print('arith', op.add(2, 3), op.sub(2, 3), op.mul(4, 5), op.truediv(7, 2), op.floordiv(7, 2), op.mod(7, 3), op.pow(2, 10))
print('bits', op.and_(12, 10), op.or_(12, 10), op.xor(12, 10), op.lshift(1, 5), op.rshift(64, 3), op.invert(5), op.inv(0))
print('unary', op.neg(3), op.pos(-3), op.abs(-4.5), op.index(7), op.not_([]), op.truth([0]))
print('compare', op.lt(1, 2), op.le(2, 2), op.eq(1, 1.0), op.ne('a', 'b'), op.gt(1, 2), op.ge(3, 3))
print('identity', op.is_(None, None), op.is_not(1, None))
print('sequences', op.concat([1], [2]), op.contains('abc', 'b'), op.countOf([1, 2, 1, 1], 1), op.indexOf('abcb', 'b'))
data = [1, 2, 3]
op.setitem(data, 0, 9)
op.delitem(data, 1)
print('items', data, op.getitem('hello', slice(1, 3)))
x = [1]
y = op.iadd(x, [2])
print('inplace', x, y is x, op.iadd(1, 2), op.imul('ab', 2), op.ipow(3, 2), op.iconcat([0], (1,)))
print('length_hint', op.length_hint([1, 2, 3]), op.length_hint(iter(range(5))), op.length_hint(1, 7))
print('call', op.call(max, 3, 9, 4), op.call(sorted, [3, 1, 2], reverse=True))
error('concat int', lambda: op.concat(1, 2))
error('indexOf missing', lambda: op.indexOf([1, 2], 3))
error('countOf int', lambda: op.countOf(1, 1))
error('lt mixed', lambda: op.lt(1, 'a'))
error('add arity', lambda: op.add(1))

g = op.itemgetter(1)
print('itemgetter', g('abc'), g([10, 20]), op.itemgetter(2, 0)('xyz'), op.itemgetter('k')({'k': 5}))
print('itemgetter repr', repr(op.itemgetter(1, 'a')), repr(op.itemgetter(slice(1, 2))))
error('itemgetter none', lambda: op.itemgetter())
error('itemgetter call', lambda: g())


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
        self.inner = self if x == 0 else None

    def scaled(self, k, offset=0):
        return (self.x * k + offset, self.y * k + offset)


p = Point(0, 4)
print('attrgetter', op.attrgetter('x')(p), op.attrgetter('x', 'y')(p), op.attrgetter('inner.y')(p))
print('attrgetter repr', repr(op.attrgetter('a.b', 'c')))
error('attrgetter missing', lambda: op.attrgetter('z')(p))
error('attrgetter type', lambda: op.attrgetter(1))
m = op.methodcaller('scaled', 3, offset=1)
print('methodcaller', m(Point(1, 2)), op.methodcaller('upper')('abc'))
print('methodcaller repr', repr(m), repr(op.methodcaller('f')))
error('methodcaller none', lambda: op.methodcaller())
print('sorted with itemgetter', sorted([('b', 2), ('a', 3), ('c', 1)], key=op.itemgetter(1)))
print('dunder', op.__add__ is op.add, op.__getitem__([5, 6], 1))
