"""A development check of the bytecode compiler on real code: dumps the
code object CPython 3.13.0 compiles for every .py file under a directory
(the pinned interpreter's standard library by default) into an output
directory, one JSON file each ({"path", "code"} in the fixture format of
gen_codegen_fixtures.py). tools/compiler/stdlib-sweep.ts then compiles the
same files with our compiler and lists the ones that differ. Nothing of
this is committed or run in CI.

    $(pyenv root)/versions/3.13.0/bin/python3 tools/compiler/stdlib_sweep.py OUT [ROOT]
    npx tsx tools/compiler/stdlib-sweep.ts OUT
"""

import glob
import importlib.util
import json
import os
import sys
import sysconfig
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('gen_codegen_fixtures', os.path.join(HERE, 'gen_codegen_fixtures.py'))


def load_dump_code():
    # gen_codegen_fixtures.py runs main() when executed; take its dump_code only.
    with open(spec.origin, encoding='utf-8') as f:
        source = f.read().replace('\nmain()\n', '\n')
    namespace = {'__file__': spec.origin, '__name__': 'gen_codegen_fixtures'}
    exec(compile(source, spec.origin, 'exec'), namespace)
    return namespace['dump_code']


def main():
    out = sys.argv[1]
    root = sys.argv[2] if len(sys.argv) > 2 else sysconfig.get_paths()['stdlib']
    dump_code = load_dump_code()
    os.makedirs(out, exist_ok=True)
    written = 0
    for path in sorted(glob.glob(os.path.join(root, '**', '*.py'), recursive=True)):
        try:
            with open(path, encoding='utf-8') as f:
                source = f.read()
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                code = compile(source, os.path.basename(path), 'exec', dont_inherit=True)
        except (SyntaxError, ValueError, UnicodeDecodeError):
            continue  # test data meant not to compile
        name = os.path.relpath(path, root).replace(os.sep, '__')
        with open(os.path.join(out, name + '.json'), 'w', encoding='utf-8') as f:
            json.dump({'path': path, 'code': dump_code(code)}, f)
        written += 1
    print(f'{written} files dumped to {out}')


main()
