import { expectLayout, tagText, type LayoutField } from '@ft/harness/layout-check';
import { describe, expect, it } from 'vitest';
import * as L from '../src/layout.js';

const HEADER_FIELDS: LayoutField[] = [
  ['ob_tid', L.OB_TID_OFFSET, 4],
  ['ob_flags', L.OB_FLAGS_OFFSET, 2],
  ['ob_mutex', L.OB_MUTEX_OFFSET, 1],
  ['ob_gc_bits', L.OB_GC_BITS_OFFSET, 1],
  ['ob_ref_local', L.OB_REF_LOCAL_OFFSET, 4],
  ['ob_ref_shared', L.OB_REF_SHARED_OFFSET, 4],
  ['ob_type', L.OB_TYPE_OFFSET, 4],
  ['ob_size', L.OB_SIZE_OFFSET, 4],
];

const TYPE_CORE_FIELDS: LayoutField[] = [
  ['header', 0, L.VAR_OBJECT_HEADER_SIZE, 4],
  ['tp_flags', L.TP_FLAGS_OFFSET, 4],
  ['tp_basicsize', L.TP_BASICSIZE_OFFSET, 4],
  ['tp_itemsize', L.TP_ITEMSIZE_OFFSET, 4],
  ['tp_dealloc', L.TP_DEALLOC_OFFSET, 4],
  ['tp_traverse', L.TP_TRAVERSE_OFFSET, 4],
  ['tp_clear', L.TP_CLEAR_OFFSET, 4],
  ['tp_finalize', L.TP_FINALIZE_OFFSET, 4],
  ['unique_id', L.TP_UNIQUE_ID_OFFSET, 4],
];

const STATE_FIELDS: LayoutField[] = [
  ['tag', L.RC_TAG_OFFSET, 4],
  ['version', L.RC_VERSION_OFFSET, 4],
  ['fingerprint', L.RC_FINGERPRINT_OFFSET, 4],
  ['mode', L.RC_MODE_OFFSET, 4],
  ['refTotal', L.RC_REF_TOTAL_OFFSET, 4],
  ['immortalize', L.RC_IMMORTALIZE_OFFSET, 4],
  ['threads', L.RC_THREADS_OFFSET, 4],
  ['poolMutex', L.RC_POOL_MUTEX_OFFSET, 4],
  ['poolTable', L.RC_POOL_TABLE_OFFSET, 4],
  ['poolSize', L.RC_POOL_SIZE_OFFSET, 4],
  ['poolBitmap', L.RC_POOL_BITMAP_OFFSET, 4],
  ['poolLive', L.RC_POOL_LIVE_OFFSET, 4],
  ['threadsEver', L.RC_THREADS_EVER_OFFSET, 4],
  ['buckets', L.RC_BUCKETS_OFFSET, L.BRC_NUM_BUCKETS * L.BRC_BUCKET_SIZE, 4],
];

const RECORD_FIELDS: LayoutField[] = [
  ['next', L.TR_NEXT_OFFSET, 4],
  ['tid', L.TR_TID_OFFSET, 4],
  ['objectsToMerge', L.TR_OBJECTS_TO_MERGE_OFFSET, 4],
  ['mergeRequest', L.TR_MERGE_REQUEST_OFFSET, 4],
  ['evalBreaker', L.TR_EVAL_BREAKER_OFFSET, 4],
  ['evalBreakerBit', L.TR_EVAL_BREAKER_BIT_OFFSET, 4],
  ['counts', L.TR_COUNTS_OFFSET, 4],
  ['countsSize', L.TR_COUNTS_SIZE_OFFSET, 4],
];

describe('layout', () => {
  it('object header: DESIGN.md §5, 20 bytes (24 with ob_size), the refcount words 4-byte aligned', () => {
    expectLayout(HEADER_FIELDS, L.VAR_OBJECT_HEADER_SIZE);
    expect([L.OBJECT_HEADER_SIZE, L.VAR_OBJECT_HEADER_SIZE]).toEqual([20, 24]);
    expect([L.OB_TID_OFFSET, L.OB_REF_LOCAL_OFFSET, L.OB_REF_SHARED_OFFSET, L.OB_TYPE_OFFSET]).toEqual([0, 8, 12, 16]);
    // The words a freed block keeps readable (DESIGN.md §5) lie in the first 16 bytes, which mimalloc's checked fill skips.
    expect(L.OB_REF_SHARED_OFFSET + 4).toBe(16);
  });

  it('shared-word encoding: flags in the low two bits, the deferred bias far from both limits', () => {
    expect(L.REF_SHARED_UNIT).toBe(4);
    expect([L.REF_SHARED_INIT, L.REF_MAYBE_WEAKREF, L.REF_QUEUED, L.REF_MERGED]).toEqual([0, 1, 2, 3]);
    expect((L.REF_SHARED_COUNT_MAX << 2) | 3).toBe(0x7fffffff);
    expect(L.REF_DEFERRED * 4).toBeLessThan(L.REF_SHARED_COUNT_MAX);
    expect(L.IMMORTAL_REFCNT).toBe(3221225472);
  });

  it('type core: after the variable-size header, inside TYPE_CORE_SIZE', () => {
    expectLayout(TYPE_CORE_FIELDS, L.TYPE_CORE_SIZE);
    expect(L.TYPE_CORE_SIZE % 16).toBe(0);
  });

  it("refcount state: tag 'RCNT' first, aligned, non-overlapping; thread record in 64 bytes", () => {
    expectLayout(STATE_FIELDS, L.RC_STATE_SIZE);
    expect(tagText(L.RC_STATE_TAG)).toBe('RCNT');
    expect(L.RC_TAG_OFFSET).toBe(0);
    expectLayout(RECORD_FIELDS, L.THREAD_RECORD_SIZE);
    expect(L.THREAD_RECORD_SIZE).toBe(64);
    expect(L.STACK_CHUNK_OBJS_OFFSET + 4 * L.STACK_CHUNK_CAPACITY).toBe(L.STACK_CHUNK_SIZE);
  });
});
