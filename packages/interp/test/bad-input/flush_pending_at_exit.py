import sys
print('line one')
print('no newline at the end', end='')
sys.stdout.write(' + written')
sys.stderr.write('to stderr without newline')
