"""Runs a lib-programs test program in CPython 3.13 with packages/interp/lib's
modules (itertools, operator, functools, collections) in place of CPython's,
so that its output can be compared with expected/<name>.out before the VM
runs it. A development check; CI never runs CPython.

    $(pyenv root)/versions/3.13.0/bin/python3 -I packages/interp/test/lib-check/run_with_lib.py PROGRAM.py
"""

import importlib.abc
import importlib.util
import os
import runpy
import sys

LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'lib')
OURS = {'itertools', 'operator', 'functools', 'collections'}


class LibFinder(importlib.abc.MetaPathFinder):
    """Finds our lib's modules first (before CPython's builtin itertools)."""

    def find_spec(self, name, path=None, target=None):
        if name not in OURS:
            return None
        file = os.path.join(LIB, name + '.py')
        if os.path.exists(file):
            return importlib.util.spec_from_file_location(name, file)
        file = os.path.join(LIB, name, '__init__.py')
        return importlib.util.spec_from_file_location(name, file, submodule_search_locations=[os.path.dirname(file)])


for name in OURS:
    sys.modules.pop(name, None)
sys.meta_path.insert(0, LibFinder())
program = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(program, run_name='__main__')
