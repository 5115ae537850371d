/**
 * Layouts and constants of `@ft/gc`, declared once.
 *
 * The per-object state of the collector is in the object header, which
 * `@ft/refcount` lays out (`ob_gc_bits`, and `ob_tid`, which the collector
 * borrows while the world is stopped). This package's own shared structure
 * is the interpreter's GC state (CPython's `struct _gc_runtime_state` of the
 * free-threaded build, 3.14 field names), one per interpreter.
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------
// GC state, 128 bytes (regionAlloc, 64-byte aligned).
//
//  off  width  field            writer / reader, order
//  0    u32    tag              creator: GC_STATE_TAG
//  4    u32    version          creator: GC_LAYOUT_VERSION
//  8    i32    collecting       compare-exchange 0 → 1 by the thread that collects, Atomics.store 0 when done
//  12   i32    enabled          Atomics (gc.enable/disable, scheduling reads)
//  16   i32    youngThreshold   Atomics: gc.set_threshold races with scheduling (GH-148613)
//  20   i32    old0Threshold    Atomics
//  24   i32    old1Threshold    Atomics
//  28   i32    youngCount       Atomics.add by threads flushing their buffered counts; the collector stores 0
//  32   i32    old0Count        collector (Atomics) / gc.get_count
//  36   i32    old1Count        collector (Atomics) / gc.get_count
//  40   i32    longLivedTotal   collector (Atomics.store) / scheduling (Atomics.load)
//  44   i32    debug            Atomics: DEBUG_* flags (gc.set_debug)
//  48   i32    freezeActive     Atomics: gc.freeze() ran (3.14's freeze_active: no mark-alive pre-pass)
//  52   u32    group            creator: the world group whose threads a collection stops
//  56   u32    garbage          under garbageMutex: address of gc.garbage's vector (u32 object addresses), 0 = none
//  60   u32    garbageLength    under garbageMutex
//  64   u32    garbageCapacity  under garbageMutex
//  68   u8     garbageMutex     PyMutex
//  72   u32×9  stats            collector (Atomics.store) / gc.get_stats: per generation {collections, collected, uncollectable}
//  108  u32    pauses           collector (the one collecting): stop-the-world pauses so far
//  112  f64    pauseTotalMs     collector: their total, in ms
//  120  f64    pauseMaxMs       collector: the longest, in ms
// ---------------------------------------------------------------------------

/** Type tag of the GC state ('GCST'). @public */ export const GC_STATE_TAG = 0x54534347;
/** Layout version of this package's structures. @public */ export const GC_LAYOUT_VERSION = 1;
/** Bytes of the GC state. @public */ export const GC_STATE_SIZE = 128;
/** @internal */ export const GC_TAG_OFFSET = 0;
/** @internal */ export const GC_VERSION_OFFSET = 4;
/** @internal */ export const GC_COLLECTING_OFFSET = 8;
/** @internal */ export const GC_ENABLED_OFFSET = 12;
/** @internal */ export const GC_YOUNG_THRESHOLD_OFFSET = 16;
/** @internal */ export const GC_OLD0_THRESHOLD_OFFSET = 20;
/** @internal */ export const GC_OLD1_THRESHOLD_OFFSET = 24;
/** @internal */ export const GC_YOUNG_COUNT_OFFSET = 28;
/** @internal */ export const GC_OLD0_COUNT_OFFSET = 32;
/** @internal */ export const GC_OLD1_COUNT_OFFSET = 36;
/** @internal */ export const GC_LONG_LIVED_TOTAL_OFFSET = 40;
/** @internal */ export const GC_DEBUG_OFFSET = 44;
/** @internal */ export const GC_FREEZE_ACTIVE_OFFSET = 48;
/** @internal */ export const GC_GROUP_OFFSET = 52;
/** @internal */ export const GC_GARBAGE_OFFSET = 56;
/** @internal */ export const GC_GARBAGE_LENGTH_OFFSET = 60;
/** @internal */ export const GC_GARBAGE_CAPACITY_OFFSET = 64;
/** @internal */ export const GC_GARBAGE_MUTEX_OFFSET = 68;
/** @internal */ export const GC_STATS_OFFSET = 72;
/** Bytes per generation's statistics: collections, collected, uncollectable. @internal */ export const GC_STATS_SIZE = 12;
/** @internal */ export const GC_PAUSES_OFFSET = 108;
/** @internal */ export const GC_PAUSE_TOTAL_MS_OFFSET = 112;
/** @internal */ export const GC_PAUSE_MAX_MS_OFFSET = 120;

/** Generations the API reports (the free-threaded collector always scans the whole heap). @public */ export const NUM_GENERATIONS = 3;
/** `young.threshold`'s default (`_PyGC_InitState`). @public */ export const GC_DEFAULT_THRESHOLD = 2000;
/** The old generations' default thresholds. @public */ export const GC_DEFAULT_OLD_THRESHOLD = 10;
/**
 * A thread flushes its buffered allocation count into `youngCount` when it
 * reaches ±512 (`LOCAL_ALLOC_COUNT_THRESHOLD`).
 * @public
 */
export const LOCAL_ALLOC_COUNT_THRESHOLD = 512;

/** `gc.DEBUG_STATS`: print statistics during collection. @public */ export const DEBUG_STATS = 1;
/** `gc.DEBUG_COLLECTABLE`: print collectable objects found. @public */ export const DEBUG_COLLECTABLE = 2;
/** `gc.DEBUG_UNCOLLECTABLE`: print unreachable but uncollectable objects found. @public */ export const DEBUG_UNCOLLECTABLE = 4;
/** `gc.DEBUG_SAVEALL`: save objects to gc.garbage rather than freeing them. @public */ export const DEBUG_SAVEALL = 32;
/** `gc.DEBUG_LEAK`: `DEBUG_COLLECTABLE | DEBUG_UNCOLLECTABLE | DEBUG_SAVEALL`. @public */
export const DEBUG_LEAK = DEBUG_COLLECTABLE | DEBUG_UNCOLLECTABLE | DEBUG_SAVEALL;

/** Why a collection runs (`_PyGC_Reason`). @public */
export const GC_REASON_HEAP = 0;
/** Interpreter shutdown: no callbacks, errors cleared. @public */ export const GC_REASON_SHUTDOWN = 1;
/** `gc.collect()`. @public */ export const GC_REASON_MANUAL = 2;
