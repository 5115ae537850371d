# Name resolution: LEGB, class bodies, comprehensions in class bodies, shadowed builtins, global declared late.
x = 'global x'
def reader():
    return x
def shadower():
    x = 'local x'
    return x, reader()
print(reader(), shadower())
def builtin_shadow():
    len = lambda v: 'shadowed len'
    return len([1, 2])
print(builtin_shadow(), len([1, 2]))
import builtins
builtins.custom_builtin = 'from builtins'
print(custom_builtin)
del builtins.custom_builtin
class C:
    x = 'class x'
    y = x + ' used in class body'
    def method(self):
        return x
    z = [x for _ in range(1)]
    w = (lambda: x)()
print(C.y, C().method(), C.z, C.w)
def enclosing():
    v = 'enclosing v'
    class Inner:
        v = 'class v'
        seen = v
        def m(self):
            return v
    return Inner.seen, Inner().m()
print(enclosing())
def conditional_local(flag):
    if flag:
        value = 'set'
    try:
        return value
    except UnboundLocalError as e:
        return 'UnboundLocalError'
print(conditional_local(True), conditional_local(False))
counter = 0
def bump():
    global counter
    counter += 1
for _ in range(3):
    bump()
print(counter)
def outer():
    a = 1
    def middle():
        def inner():
            nonlocal a
            a += 1
            return a
        return inner()
    middle()
    middle()
    return a
print(outer())
print([i for i in range(3)], 'i' in globals())
for loop_var in range(2):
    pass
print(loop_var)
def defaults_bind_early(v=x):
    return v
x = 'rebound global'
print(defaults_bind_early(), reader())
def exec_scope():
    exec('new_local = 5')
    return 'new_local' in locals()
print(exec_scope())
lam = [lambda: n for n in range(3)]
print([f() for f in lam])
print(type(globals()).__name__, '__builtins__' in globals(), sorted(k for k in vars(C) if not k.startswith('__')))
