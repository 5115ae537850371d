"""Writes expected/<name>.json = {stdout, stderr, exitCode[, argv]} for every
program of this directory by running it once with CPython 3.13.

Run from this directory with the pinned CPython:
    $(pyenv root)/versions/3.13.0/bin/python3 generate_expected.py [name ...]

Each program runs as `python3 -X utf8 <name>.py [argv]` with this directory as
its working directory and PYTHONHASHSEED=0, so tracebacks say
`File "<name>.py"`. Modules imported from pkgs/ are reported by CPython with
their absolute path; that directory prefix is replaced by nothing in both
streams (programs.test.ts does the same with the VM's output), so the fixtures
do not depend on where the repository is checked out.

With --check, every program also runs a second time with another
PYTHONHASHSEED and the two outputs must agree: a development check that no
program depends on the hash seed or on timing.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SELF = os.path.basename(__file__)

# Command-line arguments some programs are run with (sys.argv[1:]).
ARGV = {
    'mod_sys_argv': ['alpha', '--beta=2', 'gamma delta', ''],
}

TIMEOUT_SECONDS = 60


def program_names():
    return sorted(name[:-3] for name in os.listdir(HERE) if name.endswith('.py') and name != SELF)


def run(name, hashseed):
    env = {
        'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
        'PYTHONHASHSEED': hashseed,
        'PYTHON_COLORS': '0',
        'NO_COLOR': '1',
        'PYTHONDONTWRITEBYTECODE': '1',
        'LANG': 'C.UTF-8',
    }
    argv = ARGV.get(name, [])
    done = subprocess.run(
        [sys.executable, '-X', 'utf8', name + '.py', *argv],
        cwd=HERE, env=env, capture_output=True, timeout=TIMEOUT_SECONDS,
    )
    prefix = HERE + os.sep

    def text(data):
        return data.decode('utf-8').replace(prefix, '')

    result = {'stdout': text(done.stdout), 'stderr': text(done.stderr), 'exitCode': done.returncode}
    if argv:
        result['argv'] = argv
    return result


def main():
    if sys.version_info[:2] != (3, 13):
        sys.exit('generate_expected.py needs CPython 3.13, not ' + sys.version)
    args = sys.argv[1:]
    check = '--check' in args
    names = [a for a in args if a != '--check'] or program_names()
    os.makedirs(os.path.join(HERE, 'expected'), exist_ok=True)
    unstable = []
    for name in names:
        result = run(name, '0')
        if check and run(name, '1234') != result:
            unstable.append(name)
        with open(os.path.join(HERE, 'expected', name + '.json'), 'w', encoding='utf-8') as f:
            json.dump(result, f, indent=1, ensure_ascii=False)
            f.write('\n')
        print(f"{name}: exit {result['exitCode']}, {len(result['stdout'])} + {len(result['stderr'])} chars")
    if unstable:
        sys.exit('outputs depend on the hash seed or on timing: ' + ', '.join(unstable))


if __name__ == '__main__':
    main()
