# assert statements.
assert True
assert 1 == 1, 'never shown'
try:
    assert False
except AssertionError as e:
    print('AssertionError', repr(e), e.args)
try:
    assert 1 > 2, 'one is not greater'
except AssertionError as e:
    print('AssertionError', e)
def check(v):
    assert isinstance(v, int), f'expected int, got {type(v).__name__}'
    return v * 2
print(check(4))
try:
    check('s')
except AssertionError as e:
    print('AssertionError', e)
calls = []
def msg():
    calls.append('msg evaluated')
    return 'lazy'
assert True, msg()
print(calls)
try:
    assert [], msg()
except AssertionError as e:
    print(e, calls)
try:
    assert 0, ('tuple', 'message')
except AssertionError as e:
    print(e.args)
print(__debug__)
