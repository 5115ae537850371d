/**
 * `types.GenericAlias` (PEP 585; CPython's `Objects/genericaliasobject.c`):
 * what `list[int]`, `dict[str, int]` or `type[C]` evaluate to, a
 * parameterized view of a builtin class. The class is Python
 * (`GENERIC_ALIAS_SOURCE`, run when the hidden module `_ftgenericalias` is
 * first imported); the objects layer reaches it through the VM's
 * `genericAlias` type hook ({@link genericAlias}), which builtin classes'
 * `__class_getitem__` calls.
 */

import { callArgs, objectGetAttr, strInternFromJs, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';
import { importModule } from '../vm/import.js';
import type { ModuleDef } from './module-def.js';
import { execPythonSource } from './python-source-exec.js';

/** Our own code, after the documented behaviour of `types.GenericAlias`. */
const GENERIC_ALIAS_SOURCE = `
def _item_repr(item):
    # How an argument shows inside the brackets: ... for Ellipsis, a nested alias as itself,
    # a class by its qualified name (without 'builtins.'), a list of them in brackets.
    if item is ...:
        return '...'
    if isinstance(item, list):
        return '[' + ', '.join(_item_repr(x) for x in item) + ']'
    if hasattr(item, '__origin__') and hasattr(item, '__args__'):
        return repr(item)
    qualname = getattr(item, '__qualname__', None)
    module = getattr(item, '__module__', None)
    if qualname is None or module is None:
        return repr(item)
    return qualname if module == 'builtins' else f'{module}.{qualname}'


def _collect_parameters(args):
    # The type variables among the arguments, in order, each once (a nested alias contributes its own).
    params = []
    for arg in args:
        if isinstance(arg, type):
            continue
        if hasattr(arg, '__typing_subst__'):
            found = (arg,)
        else:
            found = getattr(arg, '__parameters__', ())
        for p in found:
            if p not in params:
                params.append(p)
    return tuple(params)


_NOT_FORWARDED = frozenset({
    '__class__', '__origin__', '__args__', '__unpacked__', '__parameters__', '__typing_unpacked_tuple_args__',
    '__mro_entries__', '__reduce_ex__', '__reduce__', '__copy__', '__deepcopy__',
})


class GenericAlias:
    """Represent a PEP 585 generic type

E.g. for t = list[int], t.__origin__ is list and t.__args__ is (int,)."""

    def __init__(self, origin, args, /):
        if not isinstance(args, tuple):
            args = (args,)
        object.__setattr__(self, '__origin__', origin)
        object.__setattr__(self, '__args__', args)
        object.__setattr__(self, '__unpacked__', False)
        object.__setattr__(self, '__parameters__', _collect_parameters(args))

    def __repr__(self):
        args = self.__args__
        inner = ', '.join(_item_repr(a) for a in args) if args else '()'
        return f'{"*" if self.__unpacked__ else ""}{_item_repr(self.__origin__)}[{inner}]'

    def __call__(self, *args, **kwargs):
        result = self.__origin__(*args, **kwargs)
        try:
            result.__orig_class__ = self
        except (AttributeError, TypeError):
            pass
        return result

    def __mro_entries__(self, bases):
        return (self.__origin__,)

    def __getattr__(self, name):
        # Attributes the alias does not have are the origin's (list[int].__name__ is 'list').
        if name in _NOT_FORWARDED:
            raise AttributeError(name)
        return getattr(self.__origin__, name)

    def __setattr__(self, name, value):
        raise AttributeError(f"'types.GenericAlias' object attribute '{name}' is read-only")

    def __eq__(self, other):
        if not isinstance(other, GenericAlias):
            return NotImplemented
        return (self.__origin__ == other.__origin__ and self.__args__ == other.__args__
                and self.__unpacked__ == other.__unpacked__)

    def __hash__(self):
        return hash(self.__origin__) ^ hash(self.__args__)

    def __getitem__(self, item):
        if not self.__parameters__:
            raise TypeError(f'{self!r} is not a generic class')
        if not isinstance(item, tuple):
            item = (item,)
        if len(item) != len(self.__parameters__):
            raise TypeError(f"Too {'many' if len(item) > len(self.__parameters__) else 'few'} arguments for {self!r}; "
                            f'actual {len(item)}, expected {len(self.__parameters__)}')
        subst = dict(zip(self.__parameters__, item))
        return GenericAlias(self.__origin__, tuple(subst.get(a, a) for a in self.__args__))

    def __instancecheck__(self, obj):
        raise TypeError('isinstance() argument 2 cannot be a parameterized generic')

    def __subclasscheck__(self, cls):
        raise TypeError('issubclass() argument 2 cannot be a parameterized generic')

    def __reduce__(self):
        return GenericAlias, (self.__origin__, self.__args__)

    def __dir__(self):
        return sorted(set(dir(self.__origin__)) | {'__origin__', '__args__', '__parameters__', '__unpacked__'})


GenericAlias.__module__ = 'types'
`;

export const GENERIC_ALIAS_MODULE: ModuleDef = {
  name: '_ftgenericalias',
  doc: 'types.GenericAlias, the type of list[int] (PEP 585).',
  functions: [],
  exec: execPythonSource(GENERIC_ALIAS_SOURCE, '<ft generic alias>'),
};

/**
 * `Py_GenericAlias(origin, args)`, the VM's `genericAlias` type hook:
 * `_ftgenericalias.GenericAlias(origin, args)`; a new reference, or 0 with
 * the exception.
 */
export function genericAlias(t: ObThread, origin: number, args: number): number {
  const module = importModule(t, '_ftgenericalias');
  if (module === 0) return 0;
  const name = strInternFromJs(t, 'GenericAlias');
  const cls = name === 0 ? 0 : objectGetAttr(t, module, name);
  decref(t.rc, module);
  if (cls === 0) return 0;
  const alias = callArgs(t, cls, [origin, args]);
  decref(t.rc, cls);
  return alias;
}
