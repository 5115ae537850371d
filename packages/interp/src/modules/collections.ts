/**
 * `_collections` (CPython's `Modules/_collectionsmodule.c`): the types
 * lib/collections/__init__.py builds on. Only `deque` is here — the
 * @ft/objects deque type, already thread-safe; `defaultdict` and the
 * rest are Python in lib/collections.
 */

import { moduleDict, StaticType } from '@ft/objects';
import { dictSetItemStr } from './dict-util.js';
import type { ModuleDef } from './module-def.js';

export const COLLECTIONS_MODULE: ModuleDef = {
  name: '_collections',
  doc: 'High performance data structures.\n- deque:        ordered collection accessible from endpoints only\n- defaultdict:  dict subclass with a default value factory\n',
  functions: [],
  exec: (t, module) => dictSetItemStr(t, moduleDict(t, module), 'deque', t.types[StaticType.Deque]!),
};
