# Nesting limits of CPython 3.13's tokenizer, parser and compiler, reached
# through compile(): the exception type, message and location each gives.


def attempt(label, source, mode='exec'):
    try:
        compile(source, '<nested>', mode)
    except (SyntaxError, RecursionError, MemoryError) as e:
        where = (e.lineno, e.offset, e.end_lineno, e.end_offset) if isinstance(e, SyntaxError) else ''
        print(label, type(e).__name__, e.args[0], where)
    else:
        print(label, 'compiles')


def parens(n):
    return 'x = ' + '(' * n + '1' + ')' * n


def brackets(n):
    return 'x = ' + '[' * n + ']' * n


def braces(n):
    return 'x = ' + '{' * n + '}' * n


def nested(header, n, footer=None):
    lines = [' ' * i + header for i in range(n)] + [' ' * n + 'pass']
    if footer is not None:
        lines += [' ' * i + footer for i in reversed(range(n))]
    return '\n'.join(lines) + '\n'


# The tokenizer: at most 200 open brackets, 100 indentation levels.
for n in (199, 200, 201, 250):
    attempt(f'parens {n}', parens(n))
    attempt(f'brackets {n}', brackets(n))
attempt('braces 201', braces(201))
attempt('mixed 201', 'x = ' + '([{' * 67 + '}])' * 67)
attempt('unbalanced deep', 'x = ' + '(' * 150)
for n in (99, 100, 101):
    attempt(f'if-levels {n}', nested('if 1:', n))

# The compiler: at most 20 statically nested blocks (loops, try, with).
for n in (20, 21, 22):
    attempt(f'for-blocks {n}', nested('for x in y:', n))
    attempt(f'while-blocks {n}', nested('while x:', n))
    attempt(f'with-blocks {n}', nested('with x:', n))
    attempt(f'try-blocks {n}', nested('try:', n, 'finally: pass'))
attempt('with-items 22', 'with ' + ', '.join(['x'] * 22) + ': pass\n')
mixed = ['for x in y:', 'while x:', 'with x:', 'for z in w:']
attempt('mixed blocks 21', '\n'.join(' ' * i + mixed[i % 4] for i in range(21)) + '\n' + ' ' * 21 + 'pass\n')
attempt('mixed blocks 22', '\n'.join(' ' * i + mixed[i % 4] for i in range(22)) + '\n' + ' ' * 22 + 'pass\n')
attempt('blocks in two functions 15 + 15', 'def f():\n' + ''.join(' ' + line + '\n' for line in nested('for x in y:', 15).splitlines()) + 'def g():\n' + ''.join(' ' + line + '\n' for line in nested('while x:', 15).splitlines()))
attempt('if-blocks do not count 50', nested('if x:', 50))

# Long flat constructs compile.
for n in (1000, 20000):
    attempt(f'and-chain {n}', 'x = ' + ' and '.join(['a'] * n))
    attempt(f'compare-chain {n}', 'x = ' + ' < '.join(['a'] * n))
    attempt(f'tuple {n}', 'x = (' + ','.join(['1'] * n) + ')')
    attempt(f'elif 1000', 'if x: pass\n' + 'elif x: pass\n' * 1000)
attempt('plus-chain 1000', 'x = ' + '+'.join(['1'] * 1000))
attempt('unary 1000', 'x = ' + '-' * 1000 + '1')
attempt('not 1000', 'x = ' + 'not ' * 1000 + '1')
attempt('attributes 1000', 'x = a' + '.b' * 1000)
attempt('calls 1000', 'x = f' + '()' * 1000)
attempt('lambdas 500', 'x = ' + 'lambda:' * 500 + '1')

# Far past the parser's and the compiler's recursion limits.
attempt('plus-chain 100000', 'x = ' + '+'.join(['1'] * 100000))
attempt('string-concat 100000', 'x = ' + '+'.join(["'a'"] * 100000))
attempt('attributes 100000', 'x = a' + '.b' * 100000)
attempt('calls 100000', 'x = f' + '()' * 100000)
attempt('subscripts 100000', 'x = a' + '[0]' * 100000)
attempt('unary 100000', 'x = ' + '-' * 100000 + '1')
attempt('not 100000', 'x = ' + 'not ' * 100000 + '1')
attempt('lambdas 100000', 'x = ' + 'lambda:' * 100000 + '1')
attempt('conditional 100000', 'x = ' + '1 if 1 else ' * 100000 + '1')
attempt('power 100000', 'x = ' + '2**' * 100000 + '1')
attempt('elif 100000', 'if x: pass\n' + 'elif x: pass\n' * 100000)
attempt('eval plus-chain 100000', '+'.join(['1'] * 100000), 'eval')
attempt('f-strings 300', 'x = ' + 'f"{' * 300 + '1' + '}"' * 300)
print('done')
