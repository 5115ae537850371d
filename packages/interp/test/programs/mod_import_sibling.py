# import of a plain .py module: execution once, attributes, from-import, aliases, sys.modules, reload-free caching.
import sys
sys.path.insert(0, sys.path[0] + '/pkgs')
print('before import')
import helper_mod
print('after import')
import helper_mod
import helper_mod as hm
from helper_mod import greet, CONSTANT as C
print(helper_mod is hm, hm.CONSTANT, C, greet('ann'), hm.greet('bob'), hm.calls)
print(helper_mod.__name__, type(helper_mod).__name__, helper_mod.__doc__)
print(helper_mod.__file__.endswith('pkgs/helper_mod.py'), helper_mod.__file__)
print(repr(hm.Thing()), hm.Thing.__module__, greet.__module__, greet.__globals__ is vars(hm))
print('helper_mod' in sys.modules, sys.modules['helper_mod'] is hm)
ns = {}
exec('from helper_mod import *', ns)
print(sorted(k for k in ns if not k.startswith('__')))
hm.CONSTANT = 'patched'
from helper_mod import CONSTANT
print(CONSTANT)
import math, itertools as it
print(math.floor(2.5), list(it.islice(it.count(), 3)))
def local_import():
    import helper_mod as inner
    from math import sqrt
    return inner.CONSTANT, sqrt(16)
print(local_import(), 'sqrt' in globals())
try:
    from helper_mod import does_not_exist
except ImportError as e:
    print('ImportError', e, e.name)
try:
    import no_such_module_anywhere
except ModuleNotFoundError as e:
    print('ModuleNotFoundError', e, e.name)
try:
    import helper_mod.sub
except ModuleNotFoundError as e:
    print('ModuleNotFoundError', e)
mod_type = type(sys)
m = mod_type('made_by_hand', 'a doc')
m.x = 5
print(m.__name__, m.__doc__, m.x, repr(m))
sys.modules['made_by_hand'] = m
import made_by_hand
print(made_by_hand.x)
print(__import__('helper_mod').CONSTANT, __import__('math').pi)
