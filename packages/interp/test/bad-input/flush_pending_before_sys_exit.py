import sys
print('a' * 100000, end='')
print()
print('last', end='')
sys.exit('exiting with a message')
