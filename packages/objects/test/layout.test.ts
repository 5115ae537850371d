import { expectLayout, type LayoutField } from '@ft/harness/layout-check';
import { OB_SIZE_OFFSET, OBJECT_HEADER_SIZE, TYPE_CORE_SIZE } from '@ft/refcount';
import { describe, expect, it } from 'vitest';
import * as L from '../src/layout.js';
import { SLOT_KINDS } from '../src/ob-thread.js';

describe('layout', () => {
  it('objects state: aligned, non-overlapping', () => {
    const fields: LayoutField[] = [
      ['tag', L.OS_TAG_OFFSET, 4],
      ['version', L.OS_VERSION_OFFSET, 4],
      ['fingerprint', L.OS_FINGERPRINT_OFFSET, 4],
      ['typeLock', L.OS_TYPE_LOCK_OFFSET, 1],
      ['nextStaticVersion', L.OS_NEXT_STATIC_VERSION_OFFSET, 4],
      ['nextHeapVersion', L.OS_NEXT_HEAP_VERSION_OFFSET, 4],
      ['methodCache', L.OS_METHOD_CACHE_OFFSET, 4],
      ['internedCount', L.OS_INTERNED_COUNT_OFFSET, 4],
      ['interned', L.OS_INTERNED_OFFSET, 4],
      ['internLock', L.OS_INTERN_LOCK_OFFSET, 1],
      ['staticTypes', L.OS_STATIC_TYPES_OFFSET, 4 * L.OS_STATIC_TYPES_MAX],
      ['smallInts', L.OS_SMALL_INTS_OFFSET, 4 * (L.SMALL_INT_MAX - L.SMALL_INT_MIN + 1)],
      ['singletons', L.OS_SINGLETONS_OFFSET, 4 * 16],
      ['hashKey', L.OS_HASH_KEY_OFFSET, 16],
      ['intMaxStrDigits', L.OS_INT_MAX_STR_DIGITS_OFFSET, 4],
    ];
    expectLayout(fields, L.OBJECTS_STATE_SIZE);
    expect(L.StaticType.Count).toBeLessThanOrEqual(L.OS_STATIC_TYPES_MAX);
  });

  it('type object: the refcount core, then this layer’s fields and one word per slot kind', () => {
    const fields: LayoutField[] = [
      ['core', 0, 56],
      ['tp_version_tag', L.TP_VERSION_TAG_OFFSET, 4],
      ['tp_versions_used', L.TP_VERSIONS_USED_OFFSET, 2],
      ['tp_flags2', L.TP_FLAGS2_OFFSET, 2],
      ['tp_name', L.TP_NAME_OFFSET, 4],
      ['tp_base', L.TP_BASE_OFFSET, 4],
      ['tp_bases', L.TP_BASES_OFFSET, 4],
      ['tp_mro', L.TP_MRO_OFFSET, 4],
      ['tp_dict', L.TP_DICT_OFFSET, 4],
      ['tp_subclasses', L.TP_SUBCLASSES_OFFSET, 4],
      ['tp_dictoffset', L.TP_DICTOFFSET_OFFSET, 4],
      ['tp_weaklistoffset', L.TP_WEAKLISTOFFSET_OFFSET, 4],
      ['slots', L.TP_SLOTS_OFFSET, 4 * L.TP_SLOTS_MAX],
      ['ht_cached_keys', L.TP_CACHED_KEYS_OFFSET, 4],
    ];
    expectLayout(fields, L.TYPE_OBJECT_SIZE);
    expect(L.TP_NAME_OFFSET).toBe(TYPE_CORE_SIZE);
    expect(SLOT_KINDS.length).toBeLessThanOrEqual(L.TP_SLOTS_MAX);
  });

  it('method cache entry: 16 bytes, 4096 entries', () => {
    expectLayout(
      [
        ['version', L.MC_VERSION_OFFSET, 4],
        ['sequence', L.MC_SEQUENCE_OFFSET, 4],
        ['name', L.MC_NAME_OFFSET, 4],
        ['value', L.MC_VALUE_OFFSET, 4],
      ],
      L.MCACHE_ENTRY_SIZE,
    );
    expect(L.MCACHE_ENTRIES).toBe(4096);
  });

  it('object bodies start after the header; variable-size ones after ob_size', () => {
    expect(L.LONG_TAG_OFFSET).toBe(OBJECT_HEADER_SIZE);
    expect(L.STR_LENGTH_OFFSET).toBe(OBJECT_HEADER_SIZE);
    expect(L.STR_DATA_OFFSET % 16).toBe(0); // whole-word compares of str data (str.ts)
    expect([L.TUPLE_SIZE_OFFSET, L.LIST_SIZE_OFFSET, L.DICT_USED_OFFSET]).toEqual([OB_SIZE_OFFSET, OB_SIZE_OFFSET, OB_SIZE_OFFSET]);
    expectLayout(
      [
        ['ob_size', L.LIST_SIZE_OFFSET, 4],
        ['ob_item', L.LIST_ITEMS_OFFSET, 4],
        ['allocated', L.LIST_ALLOCATED_OFFSET, 4],
      ].map(([n, o, w]) => [n as string, (o as number) - OB_SIZE_OFFSET, w as number] as const),
      L.LIST_OBJECT_SIZE - OB_SIZE_OFFSET,
    );
    expectLayout(
      [
        ['dk_refcnt', L.DK_REFCNT_OFFSET, 4],
        ['dk_log2_size', L.DK_LOG2_SIZE_OFFSET, 1],
        ['dk_log2_index_bytes', L.DK_LOG2_INDEX_BYTES_OFFSET, 1],
        ['dk_kind', L.DK_KIND_OFFSET, 1],
        ['dk_mutex', L.DK_MUTEX_OFFSET, 1],
        ['dk_version', L.DK_VERSION_OFFSET, 4],
        ['dk_usable', L.DK_USABLE_OFFSET, 4],
        ['dk_nentries', L.DK_NENTRIES_OFFSET, 4],
      ],
      L.DK_INDICES_OFFSET,
    );
  });

  it('CPython’s constants', () => {
    expect([L.MAX_GLOBAL_TYPE_VERSION_TAG, L.TYPE_BASE_VERSION_TAG, L.MAX_VERSIONS_PER_CLASS]).toEqual([131071, 131072, 1000]);
    expect([L.DKIX_EMPTY, L.DKIX_DUMMY, L.DKIX_ERROR, L.DKIX_KEY_CHANGED]).toEqual([-1, -2, -3, -4]);
    expect([L.DICT_MIN_SIZE, L.PERTURB_SHIFT, L.MCACHE_MAX_ATTR_SIZE, L.LONG_SHIFT]).toEqual([8, 5, 100, 30]);
    expect(L.HASH_MODULUS).toBe(2 ** 31 - 1);
  });
});
