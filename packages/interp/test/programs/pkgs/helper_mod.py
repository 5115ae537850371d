"""A plain module imported by the mod_* programs (pkgs/ is put on sys.path by them)."""
print('helper_mod executing, __name__ =', __name__)
CONSTANT = 42
_private = 'hidden'
calls = 0
def greet(name):
    global calls
    calls += 1
    return f'hello {name} (call {calls})'
class Thing:
    def __repr__(self):
        return f'Thing from {__name__}'
if __name__ == '__main__':
    print('not printed on import')
