# eval, exec and compile given bad input: CPython's exception type and
# message for each; the program goes on.
cases = [
    ('eval syntax', lambda: eval('1 +')),
    ('eval statement', lambda: eval('x = 1')),
    ('eval empty', lambda: eval('')),
    ('eval whitespace', lambda: eval('   ')),
    ('eval leading spaces ok', lambda: eval('  1 + 1')),
    ('eval tabs and newlines ok', lambda: eval('\t1\n\n')),
    ('eval name error', lambda: eval('undefined_thing')),
    ('eval not a string', lambda: eval(42)),
    ('eval None', lambda: eval(None)),
    ('eval bytes', lambda: eval(b'1 + 2')),
    ('eval bad bytes', lambda: eval(b'"\xff"')),
    ('eval null byte', lambda: eval('1\x00')),
    ('eval globals not dict', lambda: eval('1', [])),
    ('eval locals not mapping', lambda: eval('1', {}, 5)),
    ('exec syntax', lambda: exec('def f(:\n  pass')),
    ('exec return', lambda: exec('return 1')),
    ('exec yield', lambda: exec('yield 1')),
    ('exec not a string', lambda: exec(3.5)),
    ('exec runtime error', lambda: exec('x = 1 / 0')),
    ('exec indentation', lambda: exec('if 1:\npass')),
    ('compile bad mode', lambda: compile('1', 'f', 'nope')),
    ('compile bad flags', lambda: compile('1', 'f', 'exec', 0x7fffffff)),
    ('compile not a string', lambda: compile(1, 'f', 'exec')),
    ('compile filename type', lambda: compile('1', 3, 'exec')),
    ('compile eval statement', lambda: compile('import sys', 'f', 'eval')),
    ('compile single two', lambda: compile('1\n2\n', 'f', 'single')),
    ('compile null bytes', lambda: compile('x\x00', 'f', 'exec')),
    ('compile surrogate', lambda: compile('x = "\ud800"', 'f', 'exec')),
    ('compile lone surrogate name', lambda: compile('\ud800 = 1', 'f', 'exec')),
    ('compile code object eval', lambda: eval(compile('1 + 1', 'f', 'eval'))),
    ('exec code from eval mode', lambda: exec(compile('2 * 3', 'f', 'eval'))),
    ('eval exec-mode code', lambda: eval(compile('y = 2', 'f', 'exec'))),
    ('eval deep parens', lambda: eval('(' * 201 + ')' * 201)),
    ('exec deep blocks', lambda: exec(''.join(' ' * i + 'while 0:\n' for i in range(22)) + ' ' * 22 + 'pass\n')),
    ('int literal limit', lambda: eval('1' * 4301)),
    ('int literal at limit ok', lambda: len(str(eval('1' * 4300)))),
    ('float literal huge', lambda: eval('1e999')),
    ('hex literal huge ok', lambda: eval('0x' + 'f' * 5000) % 1000),
]
for label, fn in cases:
    try:
        result = fn()
    except BaseException as e:
        where = f' line {e.lineno} offset {e.offset}' if isinstance(e, SyntaxError) else ''
        print(f'{label}: {type(e).__name__}: {e}{where}')
    else:
        print(f'{label}: -> {result!r}')
