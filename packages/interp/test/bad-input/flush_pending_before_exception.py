import sys
for i in range(3):
    print(i, end=' ')
sys.stdout.write('pending')
sys.stderr.write('warning: ')
raise ValueError('after pending output')
