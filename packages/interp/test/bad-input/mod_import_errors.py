# Import failures, caught: type, message, and the name/path attributes.
import sys

cases = [
    'import no_such_module_xyz',
    'import no_such_package_xyz.sub',
    'import math.nope',
    'import sys.nope',
    'from no_such_module_xyz import a',
    'from sys import no_such_name',
    'from sys import maxsize, no_such_name',
    'from . import sibling',
    'from .sibling import x',
    "__import__('')",
    "__import__('no_such_module_xyz')",
    '__import__(5)',
    "__import__('sys', level=-1)",
    "__import__('x', level=1)",
]
for source in cases:
    try:
        exec(source)
    except Exception as e:
        print(f'{source}: {type(e).__name__}: {e}', getattr(e, 'name', '-'))
    else:
        print(f'{source}: imported')
print('no_such_module_xyz' in sys.modules)


def import_in_function():
    import no_such_module_in_function


try:
    import_in_function()
except ModuleNotFoundError as e:
    print(type(e).__name__, e.name, e.msg)
