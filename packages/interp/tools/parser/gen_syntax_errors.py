"""Writes test/fixtures/parser/syntax-errors.json: for each bad snippet below,
the SyntaxError CPython 3.13 raises for `compile(source, '<string>', mode)`
(its class, msg, lineno, offset, end_lineno, end_offset). The parser test
compares ours with it. Run with the pinned interpreter after editing SNIPPETS:

    $(pyenv root)/versions/3.13.0/bin/python3 tools/parser/gen_syntax_errors.py
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'parser', 'syntax-errors.json')

# (name, source[, mode]); every snippet must fail to compile.
SNIPPETS = [
    # tokenizer: indentation and tabs
    ('tab-error', 'if True:\n        a = 1\n\tb = 2\n'),
    ('tab-error-nested', 'def f():\n\tif x:\n\t\tpass\n        return 1\n'),
    ('unindent-mismatch', 'if x:\n        a = 1\n    b = 2\n'),
    ('unexpected-indent', 'x = 1\n    y = 2\n'),
    ('unexpected-indent-first-line', '  x = 1\n'),
    ('expected-indented-if', 'if x:\npass\n'),
    ('expected-indented-if-eof', 'if x:\n'),
    ('expected-indented-def', 'def f():\nreturn 1\n'),
    ('expected-indented-for', 'for i in x:\nprint(i)\n'),
    ('expected-indented-while', 'while x:\nx -= 1\n'),
    ('expected-indented-class', 'class C:\nx = 1\n'),
    ('expected-indented-else', 'if x:\n    pass\nelse:\npass\n'),
    ('expected-indented-elif', 'if x:\n    pass\nelif y:\npass\n'),
    ('expected-indented-try', 'try:\nx = 1\nexcept E:\n    pass\n'),
    ('expected-indented-except', 'try:\n    x = 1\nexcept E:\npass\n'),
    ('expected-indented-finally', 'try:\n    x = 1\nfinally:\npass\n'),
    ('expected-indented-with', 'with a:\npass\n'),
    ('expected-indented-nested', 'def f():\n    if x:\n    return 1\n'),
    ('too-deep-indent', ''.join(' ' * i + 'if x:\n' for i in range(101)) + ' ' * 101 + 'pass\n'),
    # tokenizer: strings
    ('unterminated-string', "s = 'abc\n"),
    ('unterminated-string-double', 'x = 1\ns = "abc\ny = 2\n'),
    ('unterminated-triple', 's = """abc\n\nmore\n'),
    ('unterminated-fstring', "s = f'abc{x}\n"),
    ('string-eol-in-call', "print('hello)\n"),
    # tokenizer: brackets
    ('never-closed-paren', 'x = (1, 2\n'),
    ('never-closed-paren-later-lines', 'x = (1, 2\ny = 3\n'),
    ('never-closed-bracket', 'x = [1,\n  2\n'),
    ('never-closed-brace', 'd = {1: 2\n'),
    ('unmatched-close', 'x = 1)\n'),
    ('unmatched-close-bracket', 'x = ]\n'),
    ('mismatched-close', 'x = (1, 2]\n'),
    ('mismatched-close-other-line', 'x = [1,\n 2)\n'),
    ('tokenizer-error-wins', '1 = x\nx = )\n'),
    ('too-many-nested-parens', 'x = ' + '(' * 201 + '1' + ')' * 201 + '\n'),
    ('too-many-nested-brackets', 'x = ' + '[' * 250 + ']' * 250 + '\n'),
    # tokenizer: characters and numbers
    ('invalid-character', 'x = 1 € 2\n'),
    ('invalid-character-dollar', 'x = $\n'),
    ('invalid-non-printable', 'x = 1\u00a0+ 2\n'),
    ('invalid-decimal-literal', 'x = 1abc\n'),
    ('leading-zeros', 'x = 0123\n'),
    ('invalid-hex', 'x = 0xg\n'),
    ('invalid-octal-digit', 'x = 0o8\n'),
    ('invalid-binary-digit', 'x = 0b2\n'),
    ('continuation-garbage', 'x = 1 \\ 2\n'),
    ('continuation-eof', 'x = 1 + \\'),
    # parser: generic and specific
    ('invalid-syntax', 'a b\n'),
    ('invalid-syntax-operator-end', 'x = 1 +\n'),
    ('invalid-syntax-keyword', 'x = if\n'),
    ('forgot-comma-call', 'print(1 2)\n'),
    ('forgot-comma-list', '[a b c]\n'),
    ('forgot-comma-paren', '(a b)\n'),
    ('expected-colon-if', 'if x\n    pass\n'),
    ('expected-colon-def', 'def f()\n    pass\n'),
    ('expected-colon-class', 'class C\n    pass\n'),
    ('expected-colon-for', 'for x in y\n    pass\n'),
    ('expected-colon-while', 'while x\n    pass\n'),
    ('cannot-assign-literal', '1 = x\n'),
    ('cannot-assign-literal-str', "'a' = 1\n"),
    ('cannot-assign-literal-in-tuple', 'x, 1 = y\n'),
    ('cannot-assign-call', 'f() = 1\n'),
    ('cannot-assign-none', 'None = 1\n'),
    ('generator-not-parenthesized', 'f(x for x in y, 1)\n'),
    ('generator-not-parenthesized-second', 'f(1, x for x in y)\n'),
    ('walrus-attribute', '(a.b := 1)\n'),
    ('walrus-subscript', '(a[0] := 1)\n'),
    ('except-comma-pep758', 'try:\n    pass\nexcept A, B:\n    pass\n'),
    ('except-comma-as', 'try:\n    pass\nexcept A, B as e:\n    pass\n'),
    ('t-string', 'x = t"hello"\n'),
    ('missing-expression', 'x =\n'),
    ('unexpected-eof-def', 'def f(\n'),
    ('bad-escape-name', 's = "\\N{NOT A REAL NAME}"\n'),
    ('bad-escape-x', 's = "\\x4"\n'),
    ('bytes-non-ascii', "b = b'caf\u00e9'\n"),
    ('eval-statement', 'x = 1\n', 'eval'),
    ('single-two-statements', 'x = 1\ny = 2\n', 'single'),
]


def main():
    assert sys.version_info[:3] == (3, 13, 0), 'run with the pinned CPython 3.13.0'
    cases = []
    for entry in SNIPPETS:
        name, source = entry[0], entry[1]
        mode = entry[2] if len(entry) > 2 else 'exec'
        try:
            compile(source, '<string>', mode)
        except SyntaxError as e:
            cases.append({
                'name': name, 'source': source, 'mode': mode,
                'type': type(e).__name__, 'msg': e.msg,
                'lineno': e.lineno, 'offset': e.offset,
                'end_lineno': e.end_lineno, 'end_offset': e.end_offset,
            })
        else:
            raise SystemExit(f'{name}: compiles without error')
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)
        f.write('\n')
    for c in cases:
        print(f"{c['name']:40} {c['type']:16} {c['msg'][:70]!r:72} {c['lineno']},{c['offset']}-{c['end_lineno']},{c['end_offset']}")


main()
