# sys.exit(0), sys.exit(None) and SystemExit caught: exit code 0, finally blocks and atexit-free cleanup run.
import sys
try:
    sys.exit(5)
except SystemExit as e:
    print('caught SystemExit', e.code, repr(e), e.args)
try:
    sys.exit()
except SystemExit as e:
    print('no argument code', e.code)
try:
    raise SystemExit('text')
except SystemExit as e:
    print('code', e.code)
def cleanup():
    try:
        sys.exit(None)
    finally:
        print('finally before exit')
print('exiting with None')
cleanup()
print('not reached')
