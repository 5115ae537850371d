import sys
try:
    print('in try', end='')
    sys.exit(4)
finally:
    print(' / in finally', end='')
