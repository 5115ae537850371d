# Errors raised by the language and the builtins themselves (no `raise`):
# type and message of each, and the program goes on.
import sys


class Slotted:
    __slots__ = ('a',)


class NoLen:
    pass


def unbound():
    print(y)
    y = 1


def gen():
    yield 1


def stop_inside():
    yield next(iter([]))


def running():
    yield g.send(None)


cases = [
    ('ZeroDivisionError int', lambda: 1 // 0),
    ('ZeroDivisionError float', lambda: 1.0 / 0),
    ('ZeroDivisionError mod', lambda: 5 % 0),
    ('ZeroDivisionError pow', lambda: 0.0 ** -1),
    ('OverflowError float pow', lambda: 10.0 ** 400),
    ('OverflowError int to float', lambda: float(10 ** 400)),
    ('OverflowError range len', lambda: len(range(10 ** 30))),
    ('ValueError int()', lambda: int('12x')),
    ('ValueError int() base', lambda: int('9', 8)),
    ('ValueError float()', lambda: float('nope')),
    ('ValueError unpack many', lambda: [a for a, b in [(1, 2, 3)]]),
    ('ValueError unpack few', lambda: [a for a, b, c in [(1, 2)]]),
    ('ValueError list.index', lambda: [1, 2].index(3)),
    ('ValueError list.remove', lambda: [1].remove(2)),
    ('ValueError chr', lambda: chr(-1)),
    ('ValueError negative shift', lambda: 1 << -1),
    ('ValueError str digits', lambda: int('1' * 5000)),
    ('TypeError add', lambda: 1 + 'a'),
    ('TypeError call', lambda: nothing()),
    ('TypeError len', lambda: len(NoLen())),
    ('TypeError iterate', lambda: iter(5)),
    ('TypeError subscript', lambda: five[0]),
    ('TypeError unhashable', lambda: {[]: 1}),
    ('TypeError arguments', lambda: (lambda a: a)()),
    ('TypeError too many', lambda: (lambda a: a)(1, 2)),
    ('TypeError keyword', lambda: (lambda a: a)(b=1)),
    ('TypeError item assignment', lambda: (1, 2).__setitem__(0, 1)),
    ('TypeError compare', lambda: 1 < 'a'),
    ('TypeError unary', lambda: -'a'),
    ('TypeError str index', lambda: abc['1']),
    ('TypeError abstract', lambda: int.__new__(str)),
    ('IndexError list', lambda: [][0]),
    ('IndexError tuple', lambda: ()[5]),
    ('IndexError str', lambda: ''[0]),
    ('IndexError pop', lambda: [].pop()),
    ('KeyError dict', lambda: {}['missing']),
    ('KeyError tuple key', lambda: {}[(1, 2)]),
    ('KeyError set.remove', lambda: set().remove(1)),
    ('KeyError popitem', lambda: {}.popitem()),
    ('AttributeError object', lambda: object().nope),
    ('AttributeError slots', lambda: setattr(Slotted(), 'b', 1)),
    ('AttributeError readonly', lambda: setattr((1).real, 'x', 1)),
    ('AttributeError module', lambda: sys.nope),
    ('NameError', lambda: undefined_name),
    ('UnboundLocalError', unbound),
    ('StopIteration next', lambda: next(iter([]))),
    ('StopIteration generator', lambda: next(gen()) and next(g2)),
    ('RuntimeError StopIteration in generator', lambda: list(stop_inside())),
    ('RuntimeError dict changed size', lambda: [d.__setitem__(k + 1, 0) for k in d]),
    ('UnicodeDecodeError', lambda: b'ab\xff'.decode('utf-8')),
    ('UnicodeEncodeError', lambda: 'caf\xe9'.encode('ascii')),
    ('LookupError codec', lambda: 'a'.encode('no-such-codec')),
    ('AssertionError', lambda: exec('assert 1 == 2, "one is not two"')),
    ('AssertionError bare', lambda: exec('assert []')),
    ('ImportError name', lambda: exec('from sys import no_such_name')),
    ('ModuleNotFoundError', lambda: exec('import no_such_module_here')),
    ('RecursionError', lambda: exec('def r(): r()\nr()', {})),
    ('NotImplementedError', lambda: exec('class A:\n  def f(self): raise NotImplementedError\nA().f()')),
    ('SystemError-free super', lambda: super()),
]

d = {1: 0}
nothing = None
five = 5
abc = 'abc'
g2 = gen()
for label, fn in cases:
    try:
        fn()
    except BaseException as e:
        print(f'{label}: {type(e).__name__}: {e}')
    else:
        print(f'{label}: no error')
