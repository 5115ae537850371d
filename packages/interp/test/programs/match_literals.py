# match: literal, capture, wildcard, value, or-patterns, guards, as-patterns.
class Color:
    RED = 'red-value'
    GREEN = 'green-value'
class Const:
    LIMIT = 10
def describe(v):
    match v:
        case 0:
            return 'zero'
        case 1 | 2 | 3:
            return 'small'
        case -1:
            return 'minus one'
        case 1.5:
            return 'one and a half'
        case 'hello' | 'hi':
            return 'greeting'
        case b'raw':
            return 'bytes'
        case None:
            return 'none'
        case True:
            return 'true'
        case Color.RED:
            return 'red'
        case Const.LIMIT:
            return 'at limit'
        case int(n) if n > 100:
            return f'big {n}'
        case int() as n if n < 0:
            return f'negative {n}'
        case str() as s:
            return f'other string {s!r}'
        case _:
            return f'something else: {v!r}'
for v in [0, 2, -1, 1.5, 'hi', b'raw', None, True, False, Color.RED, Color.GREEN, 10, 500, -7, 'x', 42, 3.0, 2 + 0j, 'red-value']:
    print(repr(v), '->', describe(v))
def http(status):
    match status:
        case 200 | 201 | 204 as ok:
            return f'success {ok}'
        case 301 | 302:
            return 'redirect'
        case code if 400 <= code < 500:
            return 'client error'
        case code:
            return f'other {code}'
print([http(s) for s in (200, 204, 302, 404, 503)])
x = 'captured?'
match 99:
    case x:
        pass
print('capture binds:', x)
evaluated = []
def guard(v):
    evaluated.append(v)
    return v > 1
match 5:
    case 1 if guard(1):
        pass
    case 5 if guard(0):
        pass
    case 5 if guard(2):
        print('third case matched')
print(evaluated)
match 0.0:
    case -0.0:
        print('0.0 matches -0.0 by ==')
match 1:
    case True:
        print('not printed: True matches by identity')
    case 1:
        print('1 matched 1')
