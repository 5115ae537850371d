# compile() of many kinds of bad source: the exception's type, message and
# location (lineno, offset, end_lineno, end_offset) and text as CPython 3.13
# gives them.

CASES = [
    ('unterminated string', "x = 'abc\n"),
    ('unterminated triple-quoted string', 'x = 1\ny = """abc\n\n'),
    ('unterminated f-string', "x = f'{1}\n"),
    ('mismatched brackets', 'x = (1, 2]\n'),
    ('unmatched closing', 'x = 1)\n'),
    ('never closed', 'x = (1,\ny = 2\n'),
    ('never closed at EOF', 'foo(1, [2,\n'),
    ('invalid character', 'x = 5 \u20ac 3\n'),
    ('invalid non-printable', 'x = 5 \x01 3\n'),
    ('dollar', 'x = $y\n'),
    ('print statement', 'print "hi"\n'),
    ('exec statement', 'exec "x = 1"\n'),
    ('assignment in if', 'if x = 1:\n    pass\n'),
    ('missing colon', 'if x\n    pass\n'),
    ('missing colon def', 'def f()\n    pass\n'),
    ('else without if', 'else:\n    pass\n'),
    ('break outside loop', 'break\n'),
    ('continue outside loop', 'def f():\n    continue\n'),
    ('return outside function', 'return 1\n'),
    ('yield outside function', 'yield 1\n'),
    ('await outside function', 'await x\n'),
    ('duplicate argument', 'def f(a, b, a):\n    pass\n'),
    ('default before non-default', 'def f(a=1, b):\n    pass\n'),
    ('bare star', 'def f(*):\n    pass\n'),
    ('star after star', 'def f(*a, *b):\n    pass\n'),
    ('keyword repeated', 'f(a=1, a=2)\n'),
    ('positional after keyword', 'f(a=1, 2)\n'),
    ('unpacking after keyword unpacking', 'f(**k, *a)\n'),
    ('generator not parenthesized', 'f(x for x in y, 1)\n'),
    ('assign to literal', '1 = x\n'),
    ('assign to call', 'f() = 1\n'),
    ('assign to operator', 'a + 1 = 2\n'),
    ('assign to keyword', 'None = 1\n'),
    ('assign to __debug__', '__debug__ = 1\n'),
    ('augmented tuple', 'a, b += 1\n'),
    ('augmented literal', '1 += 1\n'),
    ('starred alone', '*a = [1]\n'),
    ('two starred', '*a, *b = [1]\n'),
    ('starred in expression', 'x = *a\n'),
    ('delete call', 'del f()\n'),
    ('delete literal', 'del 1\n'),
    ('walrus at statement level', 'x := 1\n'),
    ('walrus on attribute', '(a.b := 1)\n'),
    ('invalid decimal literal', 'x = 1abc\n'),
    ('leading zeros', 'x = 0777\n'),
    ('invalid hexadecimal', 'x = 0xg\n'),
    ('invalid binary digit', 'x = 0b102\n'),
    ('invalid octal digit', 'x = 0o78\n'),
    ('underscore at end', 'x = 1_\n'),
    ('double underscore', 'x = 1__0\n'),
    ('invalid imaginary', 'x = 1jj\n'),
    ('bytes with non-ASCII', "x = b'caf\u00e9'\n"),
    ('unknown unicode name', "x = '\\N{NOT A REAL NAME}'\n"),
    ('truncated \\x escape', "x = '\\x4'\n"),
    ('truncated \\u escape', "x = '\\u12'\n"),
    ('truncated bytes \\x escape', "x = b'\\x4'\n"),
    ('continuation character', 'x = 1 + \\ 2\n'),
    ('EOF after continuation', 'x = 1 + \\'),
    ('f-string empty expression', "x = f'{}'\n"),
    ('f-string single closing brace', "x = f'}'\n"),
    ('f-string lambda', "x = f'{lambda x: 1}'\n"),
    ('f-string bad conversion', "x = f'{x!z}'\n"),
    ('f-string backslash in expression', "x = f'{\"\\n\".join(y)}'\n"),
    ('f-string unterminated expression', "x = f'{x'\n"),
    ('unexpected indent', 'x = 1\n    y = 2\n'),
    ('expected indent', 'if x:\npass\n'),
    ('unindent mismatch', 'if x:\n        a = 1\n    b = 2\n'),
    ('tab inconsistency', 'if x:\n\tif y:\n        pass\n'),
    ('nonlocal at module level', 'nonlocal x\n'),
    ('nonlocal without binding', 'def f():\n    nonlocal x\n'),
    ('global after use', 'def f():\n    x = 1\n    global x\n'),
    ('global and parameter', 'def f(x):\n    global x\n'),
    ('nonlocal and global', 'def f():\n    x = 1\n    def g():\n        global x\n        nonlocal x\n'),
    ('import star in function', 'def f():\n    from sys import *\n'),
    ('future braces', 'from __future__ import braces\n'),
    ('future unknown', 'from __future__ import spam\n'),
    ('future not first', 'x = 1\nfrom __future__ import annotations\n'),
    ('lambda with yield in comprehension', 'x = [(yield) for y in z]\n'),
    ('comprehension iteration variable walrus', '[i := 0 for i in range(3)]\n'),
    ('try without except', 'try:\n    pass\nx = 1\n'),
    ('except star and except', 'try:\n    pass\nexcept* A:\n    pass\nexcept B:\n    pass\n'),
    ('default except not last', 'try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass\n'),
    ('return with value in async-less generator ok, in class body', 'class A:\n    return 1\n'),
    ('keyword argument expression', 'f(a.b=1)\n'),
    ('lambda default order', 'lambda a=1, b: 0\n'),
    ('match without cases', 'match x:\n    pass\n'),
    ('match irrefutable not last', 'match x:\n    case y:\n        pass\n    case 1:\n        pass\n'),
    ('match duplicate capture', 'match x:\n    case [a, a]:\n        pass\n'),
    ('match keyword repeated', 'match x:\n    case C(a=1, a=2):\n        pass\n'),
    ('dict unpacking in comprehension', '{**a for a in b}\n'),
    ('star in index assignment target', 'del *a\n'),
    ('too many starred in call', 'print(*)\n'),
    ('comparison chain typo', 'x = 1 === 2\n'),
    ('trailing comma in import', 'from a import b,\n'),
    ('empty source eval', ''),
    ('null byte', 'x = 1\x00\n'),
]

EVAL_CASES = [
    ('eval of statement', 'x = 1'),
    ('eval of empty', ''),
    ('eval of two expressions', '1 2'),
    ('eval of unclosed', '(1 +'),
    ('eval trailing operator', '1 +'),
]


def show(label, source, mode):
    try:
        compile(source, '<case>', mode)
    except SyntaxError as e:
        print(f'{label}: {type(e).__name__}: {e.msg!r} at {e.lineno}:{e.offset}-{e.end_lineno}:{e.end_offset} text={e.text!r}')
    except Exception as e:
        print(f'{label}: {type(e).__name__}: {e}')
    else:
        print(f'{label}: compiles')


for label, source in CASES:
    show(label, source, 'exec')
for label, source in EVAL_CASES:
    show(label, source, 'eval')
show('single of two statements', 'x = 1\ny = 2\n', 'single')
