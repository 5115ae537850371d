"""Writes expected/<name>.json = {stdout, stderr, exitCode[, sourceSha256]}
for every bad-input program by running it once with CPython 3.13.

Run from this directory with the pinned CPython:
    $(pyenv root)/versions/3.13.0/bin/python3 generate_expected.py [name ...]

Programs are the `*.py` files of this directory (but this one), run as
`python3 -X utf8 <name>.py` with this directory as the working directory
and PYTHONHASHSEED=0, and the generated programs of GENERATED below: their
source is too big to commit, so it is written to a temporary `<name>.py` here
for the run and removed after; bad-input.test.ts builds the same source (the
fixture's sourceSha256 proves it is the same) and runs it under that name.
"""

import hashlib
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SELF = os.path.basename(__file__)
TIMEOUT_SECONDS = 120


def lines_100000():
    """100,000 module-level statements, one a line, over 40,000 globals."""
    lines = ['total = 0']
    for i in range(1, 99999):
        k = (i - 1) % 5
        if k == 0:
            lines.append(f'a{i} = {i} * 3 + 1')
        elif k == 1:
            lines.append(f'total += a{i - 1} % 7')
        elif k == 2:
            lines.append(f'total ^= {i}')
        elif k == 3:
            lines.append(f"s{i} = 'x{i}'")
        else:
            lines.append(f'total += len(s{i - 1})')
    lines.append("print(total, len([k for k in globals() if k[0] in 'as' and k[1:].isdigit()]))")
    return '\n'.join(lines) + '\n'


def functions_25000():
    """25,000 two-line functions, then 49,999 calls of them: 100,000 lines."""
    lines = []
    for i in range(25000):
        lines.append(f'def f{i}(x):')
        lines.append(f'    return (x * 31 + {i}) % 1000003')
    lines.append('t = 1')
    for j in range(49998):
        lines.append(f't = f{(j * 7919) % 25000}(t)')
    lines.append('print(t)')
    return '\n'.join(lines) + '\n'


def big_literals():
    """A 100,000-item list display, a 1,000,000-character string, a 4,000-digit int."""
    items = ', '.join(str(i * 7 % 1000) for i in range(100000))
    text = 'ab' * 500000
    digits = ''.join(str(i % 10) for i in range(1, 4001))
    return (f'xs = [{items}]\n'
            f"s = '{text}'\n"
            f'n = {digits}\n'
            'print(len(xs), sum(xs), len(s), s[-3:], n % 1000003, len(str(n)))\n')


def syntax_error_at_line_100000():
    """99,999 valid lines, then a SyntaxError on the last one."""
    return ''.join(f'x{i} = {i}\n' for i in range(99999)) + 'x = (1 +\n'


GENERATED = {
    'gen_lines_100000': lines_100000,
    'gen_functions_25000': functions_25000,
    'gen_big_literals': big_literals,
    'gen_syntax_error_at_line_100000': syntax_error_at_line_100000,
}


def program_names():
    files = sorted(name[:-3] for name in os.listdir(HERE) if name.endswith('.py') and name != SELF)
    return files + sorted(GENERATED)


def run(name):
    env = {
        'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
        'PYTHONHASHSEED': '0',
        'PYTHON_COLORS': '0',
        'NO_COLOR': '1',
        'PYTHONDONTWRITEBYTECODE': '1',
        'LANG': 'C.UTF-8',
    }
    path = os.path.join(HERE, name + '.py')
    source = None
    if name in GENERATED:
        source = GENERATED[name]()
        with open(path, 'w', encoding='utf-8') as f:
            f.write(source)
    try:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, '-X', 'utf8', name + '.py'],
            cwd=HERE, env=env, capture_output=True, timeout=TIMEOUT_SECONDS,
        )
        seconds = time.perf_counter() - started
    finally:
        if source is not None:
            os.remove(path)
    prefix = HERE + os.sep

    def text(data):
        return data.decode('utf-8').replace(prefix, '')

    result = {'stdout': text(done.stdout), 'stderr': text(done.stderr), 'exitCode': done.returncode}
    if source is not None:
        result['sourceSha256'] = hashlib.sha256(source.encode('utf-8')).hexdigest()
    return result, seconds


def main():
    if sys.version_info[:2] != (3, 13):
        sys.exit('generate_expected.py needs CPython 3.13, not ' + sys.version)
    names = sys.argv[1:] or program_names()
    os.makedirs(os.path.join(HERE, 'expected'), exist_ok=True)
    for name in names:
        result, seconds = run(name)
        with open(os.path.join(HERE, 'expected', name + '.json'), 'w', encoding='utf-8') as f:
            json.dump(result, f, indent=1, ensure_ascii=False)
            f.write('\n')
        print(f"{name}: exit {result['exitCode']}, {len(result['stdout'])} + {len(result['stderr'])} chars, {seconds:.2f} s")


if __name__ == '__main__':
    main()
