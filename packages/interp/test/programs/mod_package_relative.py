# Packages: __init__.py, submodules, relative imports (., .., from . import), __package__, __path__, __all__.
import sys
sys.path.insert(0, sys.path[0] + '/pkgs')
import geometry
print(geometry.__name__, geometry.__package__, len(geometry.__path__), geometry.__path__[0].endswith('pkgs/geometry'))
print(geometry.__file__.endswith('geometry/__init__.py'), geometry.__spec__.name, geometry.units.__name__)
c = geometry.Circle(2)
print(c, c.area(), c.scaled(), geometry.Square(3).area(), geometry.area_sum(c, geometry.Square(1)))
print(sorted(k for k in sys.modules if k.startswith('geometry')))
from geometry import *
print(Circle, Square.__module__, 'units' in dir(), area_sum(Circle(1)))
import geometry.sub.deep
print(geometry.sub.deep.describe(), geometry.sub.deep.__package__)
from geometry.sub import deep as d2
print(d2 is geometry.sub.deep, 'sibling' in dir(geometry.sub))
from geometry.shapes import PI
print(PI, geometry.shapes.units is geometry.units)
try:
    import geometry.sub.bad_relative
except ImportError as e:
    print('ImportError', e)
try:
    from geometry import nope
except ImportError as e:
    print('ImportError', e)
try:
    import geometry.missing
except ModuleNotFoundError as e:
    print('ModuleNotFoundError', e)
try:
    exec('from . import x', {'__name__': 'top', '__package__': ''})
except ImportError as e:
    print('ImportError', e)
print(sorted(k for k in sys.modules if k.startswith('geometry')))
