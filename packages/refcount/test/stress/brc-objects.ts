/**
 * What the main thread and every worker of the BRC stress scenarios share as
 * code: the behaviour registry (built by each thread, in the same order — the
 * runtime refuses a thread whose registry fingerprint differs), the layout of
 * the test objects, and the poisoning dealloc with its per-thread death log.
 *
 * Test object (32 bytes, `OBJECT_BASIC_SIZE`):
 *
 *  off  width  field     written by
 *  0    20     header    @ft/refcount
 *  20   u32    serial    creator, before publishing (plain; published by the ring's Atomics.store)
 *  24   u32    creator   creator: worker index + 1
 *  28   u32    check     creator: serial ^ CHECK_MAGIC
 *
 * The serial table is a Uint8Array over a SharedArrayBuffer of its own (a
 * broken refcount cannot wreck the bookkeeping), one byte per serial:
 *
 *  0 FREE     never allocated
 *  1 ALIVE    allocated, not yet deallocated (the creator's Atomics.store, before publishing)
 *  2 DEAD     deallocated once (the dealloc's Atomics.add, before the memory is freed)
 *  ≥ 3        deallocated more than once
 *
 * The dealloc checks the body (serial and check word intact, serial ALIVE),
 * marks the serial DEAD, poisons the body (POISON in the three words; the
 * header is left readable, as DESIGN.md §5 requires of freed object memory),
 * then chains to the default dealloc (`OBJECT_DEALLOC`: free the memory and,
 * for a heap type's instance, drop the type reference through the per-thread
 * count). A holder that checks its object before touching it — serial and
 * check word as expected, table entry ALIVE — therefore sees any premature
 * dealloc: a poisoned body, a reused block (another serial) or a DEAD entry.
 */

import { BehaviourRegistry, OBJECT_DEALLOC, OBJECT_HEADER_SIZE, type RcThread } from '../../src/index.js';
import { OB_TYPE_INDEX } from '../../src/layout.js';

/** Byte offset of the serial in a test object. */
export const OBJ_SERIAL_OFFSET = OBJECT_HEADER_SIZE;
/** Byte offset of the creator (worker index + 1). */
export const OBJ_CREATOR_OFFSET = OBJECT_HEADER_SIZE + 4;
/** Byte offset of the check word (serial ^ CHECK_MAGIC). */
export const OBJ_CHECK_OFFSET = OBJECT_HEADER_SIZE + 8;
/** `tp_basicsize` of both test types. */
export const OBJECT_BASIC_SIZE = OBJECT_HEADER_SIZE + 12;
export const OBJ_SERIAL_INDEX = OBJ_SERIAL_OFFSET >>> 2;
export const OBJ_CREATOR_INDEX = OBJ_CREATOR_OFFSET >>> 2;
export const OBJ_CHECK_INDEX = OBJ_CHECK_OFFSET >>> 2;
/** XORed into the serial to make the check word. */
export const CHECK_MAGIC = 0x5eed_c0de;
/** What a deallocated object's body words hold. */
export const POISON = 0xdead_beef;

/** Serial table states (see above). */
export const SERIAL_FREE = 0;
export const SERIAL_ALIVE = 1;
export const SERIAL_DEAD = 2;

/** The check word of `serial`. */
export function checkWord(serial: number): number {
  return (serial ^ CHECK_MAGIC) >>> 0;
}

/**
 * What the deallocs of this thread saw. JavaScript module scope is
 * thread-local, so each worker has its own.
 */
export interface DeathLog {
  /** The serial table (null until {@link attachDeathLog}). */
  serials: Uint8Array | null;
  /** This thread's worker index (-1 on the main thread). */
  me: number;
  /** The heap type's address (its instances are counted apart). */
  heapType: number;
  /** Objects this thread deallocated (first dealloc of an intact, ALIVE object). */
  deallocs: number;
  /** Of those, instances of the heap type. */
  heapTypeDeallocs: number;
  /** Of those, objects another worker created. */
  crossDeallocs: number;
  /** Of the cross ones, heap-type instances. */
  heapTypeCrossDeallocs: number;
  /** Of those, deallocs run by the owner merging its queue (the last reference was released elsewhere). */
  mergeDeallocs: number;
  /** Set by the worker while it merges its queue (processMergeQueue, rcThreadExit). */
  merging: boolean;
  /** Deallocs of an object whose serial was not ALIVE (a second dealloc). */
  doubleDeallocs: number;
  /** Deallocs of an object whose body was poisoned or not a test object's. */
  badDeallocs: number;
  /** First few problems. */
  problems: string[];
}

export const deathLog: DeathLog = {
  serials: null,
  me: -1,
  heapType: 0,
  deallocs: 0,
  heapTypeDeallocs: 0,
  crossDeallocs: 0,
  heapTypeCrossDeallocs: 0,
  mergeDeallocs: 0,
  merging: false,
  doubleDeallocs: 0,
  badDeallocs: 0,
  problems: [],
};

/** Points this thread's deallocs at the serial table. */
export function attachDeathLog(serials: Uint8Array, me: number, heapType: number): void {
  deathLog.serials = serials;
  deathLog.me = me;
  deathLog.heapType = heapType;
}

function logProblem(message: string): void {
  if (deathLog.problems.length < 4) deathLog.problems.push(message);
}

/** The poisoning dealloc of both test types (see the file comment). */
function poisonDealloc(t: RcThread, op: number): void {
  const log = deathLog;
  const table = log.serials;
  if (table === null) throw new Error('brc stress: a test object was deallocated on a thread without a death log');
  const u32 = t.u32;
  const i = op >>> 2;
  const serial = u32[i + OBJ_SERIAL_INDEX];
  if (u32[i + OBJ_CHECK_INDEX] !== checkWord(serial) || serial >= table.length) {
    // Already poisoned (a second dealloc) or a reused block's other object: leave the memory alone.
    log.badDeallocs++;
    logProblem(`thread ${t.tid}: dealloc of ${op} whose body is not an intact test object (serial word ${serial.toString(16)})`);
    return;
  }
  const previous = Atomics.add(table, serial, 1);
  if (previous !== SERIAL_ALIVE) {
    log.doubleDeallocs++;
    logProblem(`thread ${t.tid}: dealloc of ${op} (serial ${serial}) whose serial was ${previous}, not ALIVE`);
    return;
  }
  const creator = u32[i + OBJ_CREATOR_INDEX];
  const heapInstance = u32[i + OB_TYPE_INDEX] === log.heapType;
  log.deallocs++;
  if (heapInstance) log.heapTypeDeallocs++;
  if (log.merging) log.mergeDeallocs++;
  if (creator !== log.me + 1) {
    log.crossDeallocs++;
    if (heapInstance) log.heapTypeCrossDeallocs++;
  }
  u32[i + OBJ_SERIAL_INDEX] = POISON;
  u32[i + OBJ_CREATOR_INDEX] = POISON;
  u32[i + OBJ_CHECK_INDEX] = POISON;
  // The default dealloc: frees the block, then (heap type) decrefType through this thread's count.
  t.deallocs[OBJECT_DEALLOC](t, op);
}

function unusedDealloc(): void {
  throw new Error('brc stress: the control-only dealloc behaviour ran');
}

/**
 * The registry every thread of the scenario builds, in this order. `extra`
 * (the registry control) registers one more behaviour, so the fingerprint
 * differs and the runtime must refuse the thread.
 */
export function buildBrcRegistry(extra = false): { registry: BehaviourRegistry; poisonDeallocId: number } {
  const registry = new BehaviourRegistry();
  const poisonDeallocId = registry.add('dealloc', 'brc-stress:poison', poisonDealloc);
  if (extra) registry.add('dealloc', 'brc-stress:unused', unusedDealloc);
  return { registry, poisonDeallocId };
}

// Control words of the hand-off rings (@ft/harness; word 0 is the done counter).
/** Int32 index of the count of peers that finished draining (the sampling barrier). */
export const RINGS_QUIET_INDEX = 1;
/** Int32 index of the flag the peer that sampled the heap at the barrier sets. */
export const RINGS_SAMPLED_INDEX = 2;
/** Int32 index of the flag the early worker sets once it has called rcThreadExit. */
export const RINGS_EARLY_EXITED_INDEX = 3;
