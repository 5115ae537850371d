# sys.argv with arguments (the generator and the runner pass ['alpha', '--beta=2', 'gamma delta', '']).
import sys
print(len(sys.argv), sys.argv[0], sys.argv[1:])
for i, a in enumerate(sys.argv[1:], 1):
    print(i, repr(a), a.startswith('--'), a.partition('=')[2] or '-')
opts = dict(a[2:].split('=', 1) for a in sys.argv[1:] if a.startswith('--'))
print(opts)
sys.argv.append('added')
print(sys.argv[-1], type(sys.argv).__name__)
