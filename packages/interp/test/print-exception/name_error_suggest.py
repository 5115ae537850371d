counter = 5
def f():
    raise NameError("name 'countr' is not defined", name='countr')
f()
