class BadStr(Exception):
    def __str__(self):
        raise RuntimeError('no')

class Loud(Exception):
    pass
Loud.__module__ = 'alerts.core'

try:
    raise BadStr()
except BadStr as e:
    e.add_note('first note')
    e.add_note('two\nlines')
    try:
        raise Loud('with module')
    except Loud as l:
        l.__notes__ = 'not a list'
        raise l
