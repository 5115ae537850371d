/**
 * `_frozen_importlib` (CPython's `importlib._bootstrap`, frozen into the
 * interpreter): here only `ModuleSpec`, the class of a module's
 * `__spec__`, which the import system (vm/import.ts) fills for every
 * module it loads. The class is Python (`MODULE_SPEC_SOURCE`, run when the
 * module is first imported) so that instances behave as CPython's do:
 * plain attributes, a `parent` and a `has_location` computed from them.
 */

import type { ModuleDef } from './module-def.js';
import { execPythonSource } from './python-source-exec.js';

/** `ModuleSpec`, our own code following the documented behaviour of `importlib.machinery.ModuleSpec`. */
const MODULE_SPEC_SOURCE = `
class ModuleSpec:
    """What the import system knows of a module: its name, loader and origin, and for a package where its submodules live."""

    def __init__(self, name, loader, *, origin=None, loader_state=None, is_package=None):
        self.name = name
        self.loader = loader
        self.origin = origin
        self.loader_state = loader_state
        self.submodule_search_locations = [] if is_package else None
        self._set_fileattr = False
        self._cached = None

    def __repr__(self):
        parts = [f'name={self.name!r}', f'loader={self.loader!r}']
        if self.origin is not None:
            parts.append(f'origin={self.origin!r}')
        if self.submodule_search_locations is not None:
            parts.append(f'submodule_search_locations={self.submodule_search_locations}')
        return f'{type(self).__name__}({", ".join(parts)})'

    def __eq__(self, other):
        if not isinstance(other, ModuleSpec):
            return NotImplemented
        return (self.name == other.name and self.loader == other.loader and self.origin == other.origin
                and self.submodule_search_locations == other.submodule_search_locations
                and self.cached == other.cached and self.has_location == other.has_location)

    @property
    def cached(self):
        return self._cached

    @cached.setter
    def cached(self, value):
        self._cached = value

    @property
    def parent(self):
        # A package is its own parent; a plain module's is the name up to its last dot.
        if self.submodule_search_locations is None:
            return self.name.rpartition('.')[0]
        return self.name

    @property
    def has_location(self):
        return self._set_fileattr

    @has_location.setter
    def has_location(self, value):
        self._set_fileattr = bool(value)
`;

export const FROZEN_IMPORTLIB_MODULE: ModuleDef = {
  name: '_frozen_importlib',
  doc: 'Core implementation of import (the part ft needs: ModuleSpec).',
  functions: [],
  exec: execPythonSource(MODULE_SPEC_SOURCE, '<frozen importlib._bootstrap>'),
};
