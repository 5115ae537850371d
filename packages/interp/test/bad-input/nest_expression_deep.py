# Source nested past the parser's and the compiler's limits, given to
# exec(): the program goes on after each error.
for label, source in [
    ('attribute chain', 'x = a' + '.b' * 50000),
    ('unary minus', 'x = ' + '-' * 50000 + '1'),
    ('nested lambdas', 'x = ' + 'lambda:' * 50000 + '1'),
    ('sum', 'x = ' + ' + '.join(['1'] * 50000)),
]:
    try:
        exec(source)
    except (RecursionError, MemoryError, SyntaxError) as e:
        print(label, '->', type(e).__name__, e)
print(eval('+'.join(['1'] * 500)))
print(eval('-' * 500 + '1'))
print(eval('(' * 200 + '7' + ')' * 200))
print(len(eval('[' * 100 + ']' * 100)))
