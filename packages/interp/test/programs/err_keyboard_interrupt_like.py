class Fatal(BaseException):
    pass
def go():
    raise Fatal('a BaseException that is not an Exception')
try:
    go()
except Exception:
    print('not caught here')
