# __getattr__, __getattribute__, __setattr__, __delattr__, __dir__.
class Fallback:
    def __init__(self):
        self.real = 'real value'
    def __getattr__(self, name):
        if name.startswith('magic_'):
            return name[6:].upper()
        raise AttributeError(f'no {name!r} here')
f = Fallback()
print(f.real, f.magic_word, getattr(f, 'magic_x'), hasattr(f, 'other'), getattr(f, 'other', 'dflt'))
try:
    f.other
except AttributeError as e:
    print('AttributeError', e)
class Logged:
    def __init__(self):
        object.__setattr__(self, 'log', [])
    def __getattribute__(self, name):
        if name != 'log':
            object.__getattribute__(self, 'log').append('get ' + name)
        return object.__getattribute__(self, name)
    def __setattr__(self, name, value):
        self.log.append(f'set {name}={value!r}')
        object.__setattr__(self, name, value)
    def __delattr__(self, name):
        self.log.append('del ' + name)
        object.__delattr__(self, name)
    def method(self):
        return 'method result'
lg = Logged()
lg.x = 1
lg.x += 1
print(lg.x, lg.method())
del lg.x
print(lg.log)
class Both:
    def __getattribute__(self, name):
        if name == 'boom':
            raise AttributeError('boom from getattribute')
        return super().__getattribute__(name)
    def __getattr__(self, name):
        return f'fallback for {name}'
bo = Both()
print(bo.boom, bo.anything)
class Proxy:
    def __init__(self, target):
        self._target = target
    def __getattr__(self, name):
        print('proxy forwarding', name)
        return getattr(self._target, name)
pr = Proxy([3, 1, 2])
pr.append(0)
pr.sort()
print(pr._target, pr.count(1))
class ReadOnly:
    __slots__ = ()
    def __setattr__(self, name, value):
        raise AttributeError(f'{type(self).__name__} is read-only ({name})')
try:
    ReadOnly().x = 1
except AttributeError as e:
    print('AttributeError', e)
class Dirs:
    def __dir__(self):
        return ['b', 'a', 'c']
print(dir(Dirs()))
class Special:
    def __getattr__(self, name):
        return 'via getattr'
s = Special()
try:
    len(s)
except TypeError as e:
    print('TypeError', e)
print(s.__len__ if False else 'implicit lookups skip the instance', s.whatever)
class Attrs:
    cls_attr = 'class'
a = Attrs()
a.inst = 'inst'
print(getattr(a, 'cls_attr'), a.__dict__, 'cls_attr' in dir(a), 'inst' in dir(a))
try:
    getattr(a, 5)
except TypeError as e:
    print('TypeError', e)
try:
    object().x = 1
except AttributeError as e:
    print('AttributeError', e)
try:
    del a.nope
except AttributeError as e:
    print('AttributeError', e)
try:
    (1).real = 5
except AttributeError as e:
    print('AttributeError', e)
try:
    a.inst2
except AttributeError as e:
    print('AttributeError', e, e.name, e.obj is a)
try:
    [].appendx
except AttributeError as e:
    print('AttributeError', e)
