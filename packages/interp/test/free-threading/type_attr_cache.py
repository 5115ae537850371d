# The type attribute cache (and the specialized reads behind it) while a
# class attribute changes: one writer increments C.x, readers must never
# see the class attribute older than the value just read from the class
# dict, nor see it go back; the same through a subclass; methods replaced
# on the class while instances call them; `__class__` swapped by several
# threads at once; a class renamed under readers.
from _harness import SCALE, run_together, check

N = 500 * SCALE


class C:
    x = 0


class D(C):
    pass


def writer():
    for _ in range(N):
        C.x
        D.x
        C.x += 1


def reader(cls):
    def body():
        bad = 0
        last = 0
        for _ in range(N):
            a = C.__dict__['x']
            b = cls.x
            if b < a or b < last:
                bad += 1
            last = b
        return bad
    return body


res = run_together(writer, reader(C), reader(D))
check('C.x never older than C.__dict__', res[1] == 0, res)
check('D.x (inherited) never older than C.__dict__', res[2] == 0, res)
check('writer increments all landed', C.x == N and D.x == N, C.x)


# Methods replaced on the class while instances call them.
class M:
    def m(self):
        return 0


def versioned(v):
    def m(self):
        return v
    return m


def method_writer():
    for v in range(1, 150 * SCALE + 1):
        M.m = versioned(v)


def method_caller():
    obj = M()
    bad = 0
    last = 0
    for _ in range(500 * SCALE):
        v = obj.m()
        if v < last:
            bad += 1
        last = v
    return bad, last


res = run_together(method_writer, method_caller, method_caller)
check('method replaced under callers: never goes back', all(r[0] == 0 for r in res[1:]), res)
check('method: final version seen', M().m() == 150 * SCALE)


# __class__ swapped by several threads; type() is always one of the two.
class Foo:
    def who(self):
        return 'foo'


class Bar:
    def who(self):
        return 'bar'


thing = Foo()


def swapper():
    bad = 0
    for _ in range(200 * SCALE):
        thing.__class__ = Bar
        if type(thing) not in (Foo, Bar) or thing.who() not in ('foo', 'bar'):
            bad += 1
        thing.__class__ = Foo
        if type(thing) not in (Foo, Bar):
            bad += 1
    return bad


res = run_together(swapper, swapper, swapper)
check('__class__ swaps: always one of the two classes', res == [0, 0, 0], res)
thing.__class__ = Foo
check('__class__ swaps: settles', type(thing) is Foo and thing.who() == 'foo')


# __class__ changed while the instance dict is held elsewhere.
class Base:
    def __init__(self):
        self.attr = 123


class A1(Base):
    pass


class B1(Base):
    pass


obj = A1()
kept = obj.__dict__
obj.__class__ = B1
check('__class__ change keeps the dict', obj.attr == 123 and kept is obj.__dict__ and type(obj) is B1)


# A class renamed under readers.
class Named:
    pass


def renamer():
    for i in range(500 * SCALE):
        Named.__name__ = 'Renamed' if i % 2 else 'Named'
    Named.__name__ = 'Final'


def name_reader():
    bad = 0
    for _ in range(500 * SCALE):
        if Named.__name__ not in ('Named', 'Renamed', 'Final'):
            bad += 1
    return bad


res = run_together(renamer, name_reader, name_reader)
check('__name__ under readers', res[1:] == [0, 0] and Named.__name__ == 'Final', res)
