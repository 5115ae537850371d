"""Writes expected/<name>.json = {stderr, exitCode} for every program of this
directory by running it once with CPython 3.13 (the uncaught-exception
display print-exception.test.ts compares with, markers included).

Run from anywhere with the pinned CPython:
    $(pyenv root)/versions/3.13.0/bin/python3 generate_expected.py

Each program runs as `python3 -X utf8 <name>.py` with this directory as its
working directory, without colour; CPython reports the script by its absolute
path, and this directory's prefix is removed (the test removes it too).
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SELF = os.path.basename(__file__)


def main():
    os.makedirs(os.path.join(HERE, 'expected'), exist_ok=True)
    names = sorted(n[:-3] for n in os.listdir(HERE) if n.endswith('.py') and n != SELF)
    env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'PYTHONHASHSEED': '0', 'PYTHON_COLORS': '0',
           'NO_COLOR': '1', 'PYTHONDONTWRITEBYTECODE': '1', 'LANG': 'C.UTF-8'}
    for name in names:
        done = subprocess.run([sys.executable, '-X', 'utf8', name + '.py'], cwd=HERE, env=env,
                              capture_output=True, timeout=60)
        # CPython names the script by its absolute path: the directory is dropped (the test does the same).
        prefix = HERE + os.sep
        result = {'stdout': done.stdout.decode().replace(prefix, ''), 'stderr': done.stderr.decode().replace(prefix, ''),
                  'exitCode': done.returncode}
        with open(os.path.join(HERE, 'expected', name + '.json'), 'w', encoding='utf-8') as f:
            json.dump(result, f, indent=1, ensure_ascii=False)
            f.write('\n')
        print(name, done.returncode)


if __name__ == '__main__':
    main()
