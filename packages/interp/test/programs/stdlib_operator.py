# operator module.
import operator as op
print(op.add(2, 3), op.sub(5, 8), op.mul('ab', 2), op.truediv(7, 2), op.floordiv(7, 2), op.mod(-7, 3), op.pow(2, 8), op.neg(4), op.pos(-4), op.abs(-4))
print(op.and_(12, 10), op.or_(12, 10), op.xor(12, 10), op.invert(5), op.lshift(1, 4), op.rshift(32, 2), op.matmul if hasattr(op, 'matmul') else '')
print(op.lt(1, 2), op.le(2, 2), op.eq(1, 1.0), op.ne(1, 2), op.gt(1, 2), op.ge(3, 2), op.not_(0), op.truth([1]), op.is_(None, None), op.is_not(1, None))
print(op.contains([1, 2], 2), op.countOf([1, 2, 1], 1), op.indexOf('abc', 'c'), op.getitem([5, 6], 1), op.concat([1], [2]), op.index(7))
l = [1, 2, 3]
op.setitem(l, 0, 'x'); op.delitem(l, 1); print(l)
get1 = op.itemgetter(1)
get02 = op.itemgetter(0, 2)
print(get1('abc'), get02('abc'), get1({1: 'one'}), sorted([(1, 'b'), (2, 'a')], key=op.itemgetter(1)))
class P:
    def __init__(self):
        self.name = 'pname'
        self.child = self
    def greet(self, who, punct='!'):
        return f'hi {who}{punct}'
p = P()
print(op.attrgetter('name')(p), op.attrgetter('child.child.name')(p), op.attrgetter('name', 'child.name')(p))
print(op.methodcaller('greet', 'bob')(p), op.methodcaller('greet', 'amy', punct='?')(p), op.methodcaller('upper')('q'))
x = [1]
x = op.iadd(x, [2]); print(x)
print(op.iconcat([0], [1]), op.imul([1], 3), op.ipow(2, 5), op.length_hint([1, 2, 3]), op.length_hint(iter([]), 5))
import functools
print(functools.reduce(op.mul, range(1, 6)), list(map(op.add, [1, 2], [10, 20])), sorted(['bb', 'a'], key=op.methodcaller('__len__')))
print(repr(op.itemgetter(1)), repr(op.attrgetter('a.b')), op.call(len, 'four'))
