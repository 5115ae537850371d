# match: mapping patterns (with **rest), class patterns (positional via __match_args__, keyword), dataclass-like.
def event(e):
    match e:
        case {'type': 'click', 'pos': (x, y)}:
            return f'click at {x},{y}'
        case {'type': 'key', 'key': str(k), **rest} if not rest:
            return f'key {k}'
        case {'type': 'key', **rest}:
            return f'key with extras {sorted(rest)}'
        case {'type': t}:
            return f'unknown type {t}'
        case {}:
            return 'mapping without type'
    return 'not a mapping'
for e in [{'type': 'click', 'pos': (1, 2)}, {'type': 'key', 'key': 'q'}, {'type': 'key', 'key': 'q', 'mod': 'ctrl'},
          {'type': 'scroll', 'extra': 1}, {'other': 1}, {}, [('type', 'click')], 'type']:
    print(e, '->', event(e))
class Point:
    __match_args__ = ('x', 'y')
    def __init__(self, x, y):
        self.x, self.y = x, y
class Circle:
    __match_args__ = ('center', 'r')
    def __init__(self, center, r):
        self.center, self.r = center, r
class Rect:
    def __init__(self, w, h):
        self.w, self.h = w, h
def area(s):
    match s:
        case Circle(Point(0, 0), r):
            return f'circle at origin r={r}'
        case Circle(center=Point(x=cx), r=r) if r > 5:
            return f'big circle at x={cx}'
        case Circle(_, r):
            return f'circle r={r}'
        case Rect(w=w, h=h) if w == h:
            return f'square {w}'
        case Rect(w=w, h=h):
            return f'rect {w}x{h}'
        case Point(x, y):
            return f'point {x},{y}'
        case int(n) | float(n):
            return f'number {n}'
        case str(s):
            return f'str {s}'
        case list([*items]):
            return f'list of {len(items)}'
        case dict(d):
            return f'dict {d}'
        case object():
            return 'some object'
for s in [Circle(Point(0, 0), 1), Circle(Point(3, 4), 9), Circle(Point(3, 4), 2), Rect(2, 2), Rect(2, 3), Point(7, 8), 5, 2.5, 'txt', [1, 2], {'a': 1}, None]:
    print(type(s).__name__, '->', area(s))
try:
    match Rect(1, 2):
        case Rect(1, 2):
            pass
except TypeError as e:
    print('TypeError', e)
class TooMany:
    __match_args__ = ('a',)
    a = 1
try:
    match TooMany():
        case TooMany(x, y):
            pass
except TypeError as e:
    print('TypeError', e)
import collections
Pair = collections.namedtuple('Pair', 'left right')
match Pair(1, 2):
    case Pair(left, right=r):
        print('namedtuple', left, r)
match collections.OrderedDict(a=1, b=2):
    case {'a': 1, **others}:
        print('ordered dict', others)
class LoggingMap(dict):
    def get(self, k, d=None):
        print('get', k)
        return super().get(k, d)
match {'k': None}:
    case {'k': None}:
        print('None value matched')
match {'k': 1}:
    case {'missing': _}:
        print('no')
    case {'k': 1 | 2 as v}:
        print('or-pattern value', v)
