/**
 * What the main thread and every worker of the GC stress scenario share as
 * code: the test types' layout, their behaviours (dealloc, traverse, clear,
 * finalize — the registry every thread builds in the same order), the
 * weakref hooks the collector calls, and the per-thread log of what those
 * behaviours saw. gc-stress.scenario.ts describes the run.
 *
 * Two kinds of objects, both GC containers of the GC heap, both starting
 * with the same body words after `PyObject_VAR_HEAD`:
 *
 *  off  field       written by / read by
 *  24   serial      creator, before the object is published (plain)
 *  28   check       creator: serial ^ CHECK_MAGIC; the dealloc poisons serial and check
 *  32   creator     creator: its tid (what ob_tid must say when the object is not merged)
 *  36   state       0, or CLEARED once the collector's tp_clear ran on it (Atomics)
 *
 * A node (types `node`; `fnode` with a finalizer; `lnode` with a legacy
 * finalizer, `tp_del`, which the `hasLegacyFinalizer` hook reports) is
 * variable size (`ob_size` slots):
 *
 *  40   weakrefs    head of the list of weakrefs to it, newest first: under
 *                   the referent's weakref stripe, or with the world stopped
 *  44+  slots       counted references (or 0): under the node's ob_mutex, or
 *                   with the world stopped (traverse), or by its dealloc
 *
 * A weakref (type `wref`) is a fixed-size container:
 *
 *  40   referent    not counted; 0 once cleared (under the referent's stripe,
 *                   or with the world stopped; read first with Atomics as a hint)
 *  44   next        the next weakref to the same referent (same rules)
 *  48   callback    0 = none, 1 = the logging callback (immutable)
 *  52   payload     a counted reference the callback "closes over" (or 0),
 *                   visited by traverse: a cycle through it is a cycle
 *                   through the callback, as in CPython
 *  56   refSerial   the referent's serial (immutable)
 *
 * Weakref lists are guarded like CPython's (`WEAKREF_LIST_LOCK`): a table of
 * striped PyMutexes keyed by the referent's address, taken without
 * detaching, never across a decref or a safe point. So when the world is
 * stopped nobody is inside a list edit, and the collector's hooks edit the
 * lists without the lock. Lookups (`deref`) take the stripe, then try to
 * incref the referent (`_Py_TryIncref`), which fails once the referent is
 * dying; creating a weakref marks the referent and the weakref
 * MAYBE_WEAKREF, as `_PyObject_SetMaybeWeakref` does, so that their last
 * decref goes through the CAS that such lookups race with.
 *
 * Per-serial tables (Uint8Arrays over SharedArrayBuffers of their own, so a
 * broken heap cannot wreck the bookkeeping): `serials` 0 FREE, 1 ALIVE,
 * 2 DEAD, ≥ 3 deallocated more than once; `finalized` and `callbacks` count
 * finalizer and callback calls. The dealloc marks its serial DEAD (it must
 * have been ALIVE), poisons serial and check, and frees; a holder checks the
 * body, the serial's entry and the state before every use.
 *
 * Thread stacks (deferred reference counting, CPython 3.14): each mutator
 * has `STACK_SLOTS` slots of (address, serial) in `stacks`, an Int32Array of
 * its own, holding *uncounted* references to objects with deferred counting,
 * as the VM's frames hold them: pushed without an incref, popped without a
 * decref, turned into a counted reference with an incref. Only the owning
 * thread writes its slots, with Atomics, never across a safe point in the
 * middle of an operation (the counted reference it came from is dropped
 * after the push, taken before the pop), so when the world is stopped every
 * slot says what its thread holds. The `visitStacks` hook reports every
 * slot of every thread to the collector: a deferred object's count never
 * reaches zero through decrefs (its bias), so without the hook an object
 * held only on a stack would be garbage to the collector and freed under
 * its holder.
 *
 * `exited` (by tid) marks the tids of threads that left the run: the
 * objects they created may then carry, after a collection, the tid of a
 * thread that reclaimed their segment (CPython's `gc_restore_tid`: "this
 * can change ownership") or 0 with MERGED while the segment is abandoned.
 */

import { FatalError, formatAddress, mutexLock, mutexUnlock, stripedLockLock, stripedLockUnlock, type SharedHeap } from '@ft/atomics';
import { miBlockOwner } from '@ft/mimalloc';
import {
  BehaviourRegistry,
  decref,
  enableDeferredRefcount,
  GC_BITS_FINALIZED,
  GC_BITS_FROZEN,
  GC_BITS_UNREACHABLE,
  incref,
  OB_GC_BITS_OFFSET,
  OB_MUTEX_OFFSET,
  OB_REF_SHARED_OFFSET,
  OB_SIZE_OFFSET,
  OB_TID_OFFSET,
  OB_TYPE_OFFSET,
  REF_MERGED,
  REF_SHARED_FLAG_MASK,
  setMaybeWeakref,
  tryIncref,
  VAR_OBJECT_HEADER_SIZE,
  type RcThread,
} from '@ft/refcount';
import { gcDel, gcNew, gcTrack, gcUntrack, type GcCallbackInfo, type GcHooks, type GcThread, type WeakrefHooks } from '../../src/index.js';

// --- layout -------------------------------------------------------------------

export const SERIAL_OFFSET = VAR_OBJECT_HEADER_SIZE;
export const CHECK_OFFSET = SERIAL_OFFSET + 4;
export const CREATOR_OFFSET = SERIAL_OFFSET + 8;
export const STATE_OFFSET = SERIAL_OFFSET + 12;
export const WEAKREFS_OFFSET = SERIAL_OFFSET + 16;
export const SLOTS_OFFSET = SERIAL_OFFSET + 20;
export const NODE_BASIC_SIZE = SLOTS_OFFSET;
export const REFERENT_OFFSET = SERIAL_OFFSET + 16;
export const NEXT_OFFSET = SERIAL_OFFSET + 20;
export const CALLBACK_OFFSET = SERIAL_OFFSET + 24;
export const PAYLOAD_OFFSET = SERIAL_OFFSET + 28;
export const REF_SERIAL_OFFSET = SERIAL_OFFSET + 32;
export const WREF_BASIC_SIZE = SERIAL_OFFSET + 36;

/** Most slots a node has. */
export const MAX_SLOTS = 6;
/** XORed into the serial to make the check word. */
export const CHECK_MAGIC = 0x6c0d_5eed;
/** What a deallocated object's serial and check words hold. */
export const POISON = 0xdead_beef;
/** The state word once tp_clear ran. */
export const CLEARED = 0xc1ea_ed00;
/** Slots of the graveyard, where finalizers store what they resurrect. */
export const GRAVE_SLOTS = 64;
/** Stack slots per thread (slot 0 holds the thread's pinned deferred witness). */
export const STACK_SLOTS = 16;
/** Entries of the `exited` table (tids). */
export const TID_TABLE = 64;

export const SERIAL_FREE = 0;
export const SERIAL_ALIVE = 1;
export const SERIAL_DEAD = 2;

const TYPE = OB_TYPE_OFFSET >>> 2;

export function checkWord(serial: number): number {
  return (serial ^ CHECK_MAGIC) >>> 0;
}

/** What every thread needs to know about the run (from the scenario's params). */
export interface GcStressTables {
  serials: Uint8Array;
  finalized: Uint8Array;
  callbacks: Uint8Array;
  /** GRAVE_SLOTS counted references (0 = empty), written with Atomics. */
  graveyard: Int32Array;
  /** Per worker, STACK_SLOTS pairs (address, serial) of uncounted references, written with Atomics by their thread only. */
  stacks: Int32Array;
  /** By tid: 1 once that thread has left the run (its heaps abandoned). */
  exited: Uint8Array;
  /** Address of the striped-lock table of the weakref lists. */
  stripes: number;
  node: number;
  fnode: number;
  /** The node type with a legacy finalizer (tp_del). */
  lnode: number;
  wref: number;
  /** Serials per thread range: worker w allocates [w × perWorker, (w + 1) × perWorker). */
  serialsPerWorker: number;
  /** Mixed into the finalizers' choices. */
  seed: number;
}

/**
 * What this thread's behaviours saw. JavaScript module scope is
 * thread-local, so each worker (and the main thread) has its own.
 */
export interface GcStressLog {
  tid: number;
  deallocs: number;
  weakrefDeallocs: number;
  /** Deallocs of objects another thread created. */
  crossDeallocs: number;
  /** Deallocs run while this thread merged its queue (the last reference was released elsewhere). */
  mergeDeallocs: number;
  doubleDeallocs: number;
  badDeallocs: number;
  finalizers: number;
  doubleFinalizers: number;
  /** Finalizers called on a dead or poisoned object. */
  badFinalizers: number;
  /** Finalizers called without the FINALIZED bit set. */
  finalizedBitMissing: number;
  /** Finalizers that stored their object in the graveyard. */
  resurrections: number;
  /** Finalizers that made a new weakref to their object (GH-91636: it must be cleared). */
  finalizerWeakrefs: number;
  /** Finalizers that broke their own cycle. */
  suicides: number;
  /** tp_clear calls. */
  clears: number;
  /** tp_clear of an object with a finalizer that had not run. */
  clearedUnfinalized: number;
  /** tp_clear of a dead or poisoned object. */
  badClears: number;
  /** tp_clear or tp_finalize of an object with its FROZEN bit (gc.freeze() must hide it from collections). */
  frozenCollected: number;
  /** tp_clear of an object with a legacy finalizer (it must go to gc.garbage instead). */
  legacyCleared: number;
  /** tp_clear of an object in a segment no thread owns (abandoned by a thread that left). */
  abandonedClears: number;
  /** Deallocs of objects whose creator had left the run. */
  exitedDeallocs: number;
  gcCallbacks: number;
  deallocCallbacks: number;
  /** Callbacks of dead, garbage or uncleared weakrefs, second calls, dead payloads. */
  badCallbacks: number;
  /** Unraisable errors the collector reported. */
  unraisable: number;
  /** FatalErrors caught around this thread's own operations. */
  fatalErrors: number;
  /** Collections that ran on this thread (the 'stop' callback) and what they collected. */
  collections: number;
  collected: number;
  /** Durations of this thread's collections, ms. */
  collectionMs: number[];
  /** Set while this thread merges its queue. */
  merging: boolean;
  problems: string[];
}

function freshLog(tid: number): GcStressLog {
  return {
    tid,
    deallocs: 0,
    weakrefDeallocs: 0,
    crossDeallocs: 0,
    mergeDeallocs: 0,
    doubleDeallocs: 0,
    badDeallocs: 0,
    finalizers: 0,
    doubleFinalizers: 0,
    badFinalizers: 0,
    finalizedBitMissing: 0,
    resurrections: 0,
    finalizerWeakrefs: 0,
    suicides: 0,
    clears: 0,
    clearedUnfinalized: 0,
    badClears: 0,
    frozenCollected: 0,
    legacyCleared: 0,
    abandonedClears: 0,
    exitedDeallocs: 0,
    gcCallbacks: 0,
    deallocCallbacks: 0,
    badCallbacks: 0,
    unraisable: 0,
    fatalErrors: 0,
    collections: 0,
    collected: 0,
    collectionMs: [],
    merging: false,
    problems: [],
  };
}

/** This thread's log (reset by {@link joinGcStress}). */
export let log: GcStressLog = freshLog(0);

let tables: GcStressTables | null = null;
let gt: GcThread | null = null;
let heap: SharedHeap | null = null;
let nextSerial = 0;
let serialEnd = 0;
/** Index in `stacks` of this thread's first slot (-1: no stack). */
let stackBase = -1;
let collectionStart = 0;

export function problem(message: string): void {
  if (log.problems.length < 6) log.problems.push(message);
}

/**
 * Points this thread's behaviours at the run: its GcThread (allocation,
 * gcDel), the tables, and serial range `range` (the worker index; the main
 * thread allocates nothing and passes -1).
 */
export function joinGcStress(thread: GcThread, t: GcStressTables, range: number): void {
  gt = thread;
  heap = thread.heap as SharedHeap;
  tables = t;
  log = freshLog(thread.rc.tid);
  nextSerial = range < 0 ? 0 : range * t.serialsPerWorker;
  serialEnd = range < 0 ? 0 : nextSerial + t.serialsPerWorker;
  stackBase = range < 0 ? -1 : range * STACK_SLOTS * 2;
}

/** Serials this thread has used (its next serial), for the bookkeeping. */
export function serialsUsed(): number {
  return nextSerial;
}

function theTables(): GcStressTables {
  if (tables === null) throw new Error('gc stress: a test object was touched on a thread that has not joined (joinGcStress)');
  return tables;
}

// --- object checks ---------------------------------------------------------------

/** Why a held object cannot be used: 0 fine. */
export const LIVE_OK = 0;
export const LIVE_BODY = 1;
export const LIVE_DEAD = 2;
export const LIVE_CLEARED = 3;

/**
 * The holder's check before touching `op`: an intact body (not poisoned, not
 * another object's), its serial ALIVE, not tp_cleared by the collector.
 * SAFETY: plain reads of the body words, which are immutable while the
 * object lives; a dead object's poisoned or reused words fail the check.
 */
export function liveStatus(t: RcThread, op: number): number {
  const tb = theTables();
  const u32 = t.u32;
  const serial = u32[(op + SERIAL_OFFSET) >>> 2];
  if (serial >= tb.serials.length || u32[(op + CHECK_OFFSET) >>> 2] !== checkWord(serial)) return LIVE_BODY;
  if (Atomics.load(tb.serials, serial) !== SERIAL_ALIVE) return LIVE_DEAD;
  if (Atomics.load(u32, (op + STATE_OFFSET) >>> 2) === CLEARED) return LIVE_CLEARED;
  return LIVE_OK;
}

export function describeLive(t: RcThread, op: number, status: number): string {
  const u32 = t.u32;
  const serial = u32[(op + SERIAL_OFFSET) >>> 2];
  const what = status === LIVE_BODY ? `body poisoned or reused (serial word ${serial.toString(16)})` : status === LIVE_DEAD ? `serial ${serial} is ${Atomics.load(theTables().serials, serial)}, not ALIVE` : `serial ${serial} was tp_cleared by the collector`;
  return `${formatAddress(op)}: ${what}`;
}

/** What {@link ownerKind} found in `ob_tid`. */
export const OWNER_BAD = 0;
/** The creator's tid. */
export const OWNER_CREATOR = 1;
/** 0 with the shared word MERGED. */
export const OWNER_MERGED = 2;
/** The creator left; the tid of the thread that reclaimed the object's segment (gc_restore_tid). */
export const OWNER_ADOPTED = 3;

/** Something to sleep on for a tenth of a millisecond. */
const napWord = new Int32Array(new SharedArrayBuffer(4));
/** What is left of this thread's time for waiting out owners' merges, ms. */
let napBudgetMs = 1000;

/**
 * What `op`'s `ob_tid` says, which biased reference counting needs to be one
 * of: its creator's tid (the segment owner the collector restores), 0 with
 * the shared word MERGED, or — once the creator has left the run and
 * another thread reclaimed the abandoned segment — that thread's tid, which
 * a collection gives survivors (`gc_restore_tid`). An owner's own merge
 * clears ob_tid just before its MERGED CAS (gh-119999), so a 0 without
 * MERGED is read again until it settles (for up to 100 ms). Only for an
 * object the caller holds.
 */
export function ownerKind(t: RcThread, op: number): number {
  const u32 = t.u32;
  const creator = u32[(op + CREATOR_OFFSET) >>> 2]; // SAFETY: immutable while the object lives
  // The window lasts a time slice when the owner is preempted (2 cores, 4
  // threads: a run here saw it outlast 100 quick re-reads); a wrong word
  // stays wrong. The naps come out of a budget per thread, so that a
  // collector that leaves thousands of wrong words (a control) is not slowed.
  const start = performance.now();
  for (let k = 0; ; k++) {
    if (k >= 100) {
      const waited = performance.now() - start;
      if (waited >= Math.min(100, napBudgetMs)) {
        napBudgetMs -= waited;
        return OWNER_BAD;
      }
      Atomics.wait(napWord, 0, 0, 0.1);
    }
    const tid = Atomics.load(u32, (op + OB_TID_OFFSET) >>> 2);
    if (tid === creator) return OWNER_CREATOR;
    if (tid !== 0) {
      const tb = theTables();
      const exited = creator < tb.exited.length && Atomics.load(tb.exited, creator) !== 0;
      return exited && tid === miBlockOwner(gt!.mi, op) ? OWNER_ADOPTED : OWNER_BAD;
    }
    if ((Atomics.load(t.i32, (op + OB_REF_SHARED_OFFSET) >>> 2) & REF_SHARED_FLAG_MASK) === REF_MERGED) {
      if (k >= 100) napBudgetMs -= performance.now() - start;
      return OWNER_MERGED;
    }
  }
}

/** {@link ownerKind} is not OWNER_BAD. */
export function ownerStatusOk(t: RcThread, op: number): boolean {
  return ownerKind(t, op) !== OWNER_BAD;
}

/** Whether `op`'s creator has left the run. SAFETY: the creator word is immutable while the object lives. */
export function creatorExited(t: RcThread, op: number): boolean {
  const creator = t.u32[(op + CREATOR_OFFSET) >>> 2];
  const exited = theTables().exited;
  return creator < exited.length && Atomics.load(exited, creator) !== 0;
}

/** Whether no thread owns the segment of `op` (its thread left and nobody reclaimed it). */
export function inAbandonedSegment(op: number): boolean {
  return miBlockOwner(gt!.mi, op) === 0;
}

export function isNode(t: RcThread, op: number): boolean {
  const type = t.u32[(op >>> 2) + TYPE];
  const tb = theTables();
  return type === tb.node || type === tb.fnode || type === tb.lnode;
}

/** Whether `op` has a legacy finalizer (`tp_del`): the type `lnode`. */
export function isLegacy(t: RcThread, op: number): boolean {
  return t.u32[(op >>> 2) + TYPE] === theTables().lnode;
}

export function isWeakref(t: RcThread, op: number): boolean {
  return t.u32[(op >>> 2) + TYPE] === theTables().wref;
}

/** Slots of a node. SAFETY: ob_size is immutable after allocation. */
export function slotCount(t: RcThread, op: number): number {
  return t.u32[(op + OB_SIZE_OFFSET) >>> 2];
}

// --- allocation ------------------------------------------------------------------

function takeSerial(): number {
  if (nextSerial >= serialEnd) return -1;
  return nextSerial++;
}

function initBody(t: RcThread, op: number, serial: number): void {
  const tb = theTables();
  if (Atomics.load(tb.serials, serial) !== SERIAL_FREE) problem(`serial ${serial} was not FREE at allocation`);
  Atomics.store(tb.serials, serial, SERIAL_ALIVE);
  const u32 = t.u32;
  // SAFETY: the object is not yet published to any other thread.
  u32[(op + SERIAL_OFFSET) >>> 2] = serial;
  u32[(op + CHECK_OFFSET) >>> 2] = checkWord(serial);
  u32[(op + CREATOR_OFFSET) >>> 2] = t.tid;
}

/** Node kinds of {@link newNode}. */
export const NODE_PLAIN = 0;
export const NODE_FINALIZER = 1;
export const NODE_LEGACY = 2;

/**
 * A tracked node of `n` empty slots with one reference, of the finalizer
 * type when `finalizer`, of the legacy-finalizer type when `legacy`, with
 * deferred reference counting when `deferred` (enabled before the node is
 * published, as CPython does for the objects it defers); 0 when this
 * thread's serials are used up.
 */
export function newNode(t: RcThread, n: number, finalizer: boolean, legacy = false, deferred = false): number {
  const serial = takeSerial();
  if (serial < 0) return 0;
  const tb = theTables();
  const op = gcNew(gt!, legacy ? tb.lnode : finalizer ? tb.fnode : tb.node, n);
  if (op === 0) throw new Error('gc stress: out of memory');
  initBody(t, op, serial);
  gcTrack(t, op);
  if (deferred && !enableDeferredRefcount(t, op)) problem(`enableDeferredRefcount refused a fresh node ${formatAddress(op)}`);
  return op;
}

/** Stores a new reference to `child` (or 0) in slot `i` of node `op`, dropping the old one after the unlock. */
export function setSlot(t: RcThread, op: number, i: number, child: number): void {
  if (child !== 0) incref(t, child);
  const h = heap!;
  mutexLock(h, op + OB_MUTEX_OFFSET);
  const at = (op + SLOTS_OFFSET + 4 * i) >>> 2;
  // SAFETY: slots under the node's mutex (the collector reads them with the world stopped).
  const old = t.u32[at];
  t.u32[at] = child;
  mutexUnlock(h, op + OB_MUTEX_OFFSET);
  if (old !== 0) decref(t, old);
}

/** A new reference to what slot `i` of node `op` holds, or 0. */
export function getSlotRef(t: RcThread, op: number, i: number): number {
  const h = heap!;
  mutexLock(h, op + OB_MUTEX_OFFSET);
  // SAFETY: under the node's mutex.
  const child = t.u32[(op + SLOTS_OFFSET + 4 * i) >>> 2];
  if (child !== 0) incref(t, child);
  mutexUnlock(h, op + OB_MUTEX_OFFSET);
  return child;
}

/**
 * A tracked weakref to node `referent` (held by the caller), with the
 * logging callback when `callback`, holding `payload` (or 0); one reference;
 * 0 when this thread's serials are used up.
 */
export function newWeakref(t: RcThread, referent: number, callback: boolean, payload: number): number {
  const serial = takeSerial();
  if (serial < 0) return 0;
  const tb = theTables();
  const h = heap!;
  const wr = gcNew(gt!, tb.wref);
  if (wr === 0) throw new Error('gc stress: out of memory');
  initBody(t, wr, serial);
  const u32 = t.u32;
  if (payload !== 0) incref(t, payload);
  // SAFETY: the weakref is not yet published.
  u32[(wr + CALLBACK_OFFSET) >>> 2] = callback ? 1 : 0;
  u32[(wr + PAYLOAD_OFFSET) >>> 2] = payload;
  u32[(wr + REF_SERIAL_OFFSET) >>> 2] = u32[(referent + SERIAL_OFFSET) >>> 2];
  setMaybeWeakref(t, referent);
  setMaybeWeakref(t, wr);
  stripedLockLock(h, tb.stripes, referent);
  // SAFETY: the referent's list under its stripe.
  u32[(wr + NEXT_OFFSET) >>> 2] = u32[(referent + WEAKREFS_OFFSET) >>> 2];
  Atomics.store(u32, (wr + REFERENT_OFFSET) >>> 2, referent);
  u32[(referent + WEAKREFS_OFFSET) >>> 2] = wr;
  stripedLockUnlock(h, tb.stripes, referent);
  gcTrack(t, wr);
  return wr;
}

/** `wr()`: a new reference to the referent, or 0 when the weakref is cleared or the referent dying. */
export function deref(t: RcThread, wr: number): number {
  const u32 = t.u32;
  const tb = theTables();
  const h = heap!;
  const referent = Atomics.load(u32, (wr + REFERENT_OFFSET) >>> 2);
  if (referent === 0) return 0;
  stripedLockLock(h, tb.stripes, referent);
  // SAFETY: under the referent's stripe; a referent's dealloc clears its weakrefs under the same stripe before freeing it.
  const ok = u32[(wr + REFERENT_OFFSET) >>> 2] === referent && tryIncref(t, referent);
  stripedLockUnlock(h, tb.stripes, referent);
  return ok ? referent : 0;
}

/** Unlinks `wr` from the list of `referent` and clears it. SAFETY: the referent's stripe is held, or the world is stopped. */
function unlinkWeakref(u32: Uint32Array, wr: number, referent: number): void {
  let link = (referent + WEAKREFS_OFFSET) >>> 2;
  while (u32[link] !== wr) {
    if (u32[link] === 0) {
      problem(`weakref ${formatAddress(wr)} is missing from the list of its referent ${formatAddress(referent)}`);
      break;
    }
    link = (u32[link] + NEXT_OFFSET) >>> 2;
  }
  if (u32[link] === wr) u32[link] = u32[(wr + NEXT_OFFSET) >>> 2];
  u32[(wr + NEXT_OFFSET) >>> 2] = 0;
  Atomics.store(u32, (wr + REFERENT_OFFSET) >>> 2, 0);
}

/** Clears `wr` if it is not yet, with the world running. */
function clearWeakrefRunning(t: RcThread, wr: number): void {
  const u32 = t.u32;
  const referent = Atomics.load(u32, (wr + REFERENT_OFFSET) >>> 2);
  if (referent === 0) return;
  const tb = theTables();
  stripedLockLock(heap!, tb.stripes, referent);
  // SAFETY: under the referent's stripe.
  if (u32[(wr + REFERENT_OFFSET) >>> 2] === referent) unlinkWeakref(u32, wr, referent);
  stripedLockUnlock(heap!, tb.stripes, referent);
}

// --- thread stacks ------------------------------------------------------------

/** The address in stack slot `k` of this thread, or 0. */
export function stackAt(k: number): number {
  return Atomics.load(theTables().stacks, stackBase + 2 * k) >>> 0;
}

/** The serial `op` had when it was pushed into slot `k`. */
export function stackSerialAt(k: number): number {
  return Atomics.load(theTables().stacks, stackBase + 2 * k + 1) >>> 0;
}

/**
 * Pushes an uncounted reference to `op` (a deferred object the caller holds
 * a counted reference to, or already has on its stack) into slot `k`.
 * SAFETY: the serial word is immutable while `op` lives.
 */
export function stackPush(t: RcThread, k: number, op: number): void {
  const stacks = theTables().stacks;
  Atomics.store(stacks, stackBase + 2 * k + 1, t.u32[(op + SERIAL_OFFSET) >>> 2]);
  Atomics.store(stacks, stackBase + 2 * k, op);
}

/** Empties slot `k` (no decref: the reference was not counted). */
export function stackPop(k: number): void {
  const stacks = theTables().stacks;
  Atomics.store(stacks, stackBase + 2 * k, 0);
  Atomics.store(stacks, stackBase + 2 * k + 1, 0);
}

// --- graveyard -----------------------------------------------------------------

/** Stores `op` (with the reference the caller gives) in a free graveyard slot; false when none is free. */
export function graveStore(op: number, start: number): boolean {
  const grave = theTables().graveyard;
  for (let k = 0; k < 8; k++) {
    const slot = (start + k) % GRAVE_SLOTS;
    if (Atomics.compareExchange(grave, slot, 0, op) === 0) return true;
  }
  return false;
}

// --- behaviours ----------------------------------------------------------------

/** Common start of both deallocs: untrack, check the body, mark the serial DEAD; false when the object must not be touched. */
function deathOf(t: RcThread, op: number, what: string): boolean {
  gcUntrack(t, op);
  const tb = theTables();
  const u32 = t.u32;
  const serial = u32[(op + SERIAL_OFFSET) >>> 2];
  if (serial >= tb.serials.length || u32[(op + CHECK_OFFSET) >>> 2] !== checkWord(serial)) {
    log.badDeallocs++;
    problem(`thread ${t.tid}: dealloc of ${what} ${formatAddress(op)} whose body is not intact (serial word ${serial.toString(16)})`);
    return false;
  }
  const previous = Atomics.add(tb.serials, serial, 1);
  if (previous !== SERIAL_ALIVE) {
    log.doubleDeallocs++;
    problem(`thread ${t.tid}: dealloc of ${what} ${formatAddress(op)} (serial ${serial}) whose serial was ${previous}, not ALIVE`);
    return false;
  }
  log.deallocs++;
  if (log.merging) log.mergeDeallocs++;
  const creator = u32[(op + CREATOR_OFFSET) >>> 2];
  if (creator !== t.tid) log.crossDeallocs++;
  if (creator < tb.exited.length && Atomics.load(tb.exited, creator) !== 0) log.exitedDeallocs++;
  return true;
}

function poison(t: RcThread, op: number): void {
  // SAFETY: the last reference is gone; nobody else reads the body.
  t.u32[(op + SERIAL_OFFSET) >>> 2] = POISON;
  t.u32[(op + CHECK_OFFSET) >>> 2] = POISON;
}

/**
 * `PyObject_ClearWeakRefs` of a dying node: every weakref to it cleared
 * under its stripe before any callback runs; the callbacks of those still
 * alive (try-incref) are called after the unlock.
 */
function clearWeakrefsOnDealloc(t: RcThread, op: number): void {
  const u32 = t.u32;
  if (Atomics.load(u32, (op + WEAKREFS_OFFSET) >>> 2) === 0) return;
  const tb = theTables();
  const pending: number[] = [];
  stripedLockLock(heap!, tb.stripes, op);
  // SAFETY: the list under the node's stripe.
  for (let wr = u32[(op + WEAKREFS_OFFSET) >>> 2]; wr !== 0; ) {
    const next = u32[(wr + NEXT_OFFSET) >>> 2];
    u32[(wr + NEXT_OFFSET) >>> 2] = 0;
    Atomics.store(u32, (wr + REFERENT_OFFSET) >>> 2, 0);
    if (u32[(wr + CALLBACK_OFFSET) >>> 2] !== 0 && tryIncref(t, wr)) pending.push(wr);
    wr = next;
  }
  u32[(op + WEAKREFS_OFFSET) >>> 2] = 0;
  stripedLockUnlock(heap!, tb.stripes, op);
  for (const wr of pending) {
    weakrefCallback(t, wr, false);
    decref(t, wr);
  }
}

function nodeDealloc(t: RcThread, op: number): void {
  if (!deathOf(t, op, 'node')) return;
  clearWeakrefsOnDealloc(t, op);
  const u32 = t.u32;
  const n = slotCount(t, op);
  const children: number[] = [];
  for (let i = 0; i < n; i++) {
    const at = (op + SLOTS_OFFSET + 4 * i) >>> 2;
    // SAFETY: the last reference is gone: the slots are the dealloc's alone.
    const child = u32[at];
    if (child !== 0) {
      u32[at] = 0;
      children.push(child);
    }
  }
  poison(t, op);
  gcDel(gt!, op);
  for (const child of children) decref(t, child);
}

function weakrefDealloc(t: RcThread, wr: number): void {
  if (!deathOf(t, wr, 'weakref')) return;
  log.weakrefDeallocs++;
  clearWeakrefRunning(t, wr);
  // SAFETY: the last reference is gone.
  const payload = t.u32[(wr + PAYLOAD_OFFSET) >>> 2];
  t.u32[(wr + PAYLOAD_OFFSET) >>> 2] = 0;
  poison(t, wr);
  gcDel(gt!, wr);
  if (payload !== 0) decref(t, payload);
}

/** tp_traverse. SAFETY: the collector calls it only with the world stopped, so the slots are read plainly. */
function nodeTraverse(t: RcThread, op: number, visit: (child: number) => number): number {
  const u32 = t.u32;
  const n = slotCount(t, op);
  for (let i = 0; i < n; i++) {
    // SAFETY: the world is stopped while the collector traverses.
    const child = u32[(op + SLOTS_OFFSET + 4 * i) >>> 2];
    if (child !== 0) {
      const r = visit(child);
      if (r !== 0) return r;
    }
  }
  return 0;
}

function weakrefTraverse(t: RcThread, wr: number, visit: (child: number) => number): number {
  // SAFETY: the world is stopped while the collector traverses.
  const payload = t.u32[(wr + PAYLOAD_OFFSET) >>> 2];
  return payload === 0 ? 0 : visit(payload);
}

/** tp_clear's common check: the collector clears only live objects, and those with a finalizer only once it ran. */
function clearing(t: RcThread, op: number): boolean {
  log.clears++;
  const status = liveStatus(t, op);
  if (status !== LIVE_OK) {
    log.badClears++;
    problem(`tp_clear of ${describeLive(t, op, status)}`);
    return false;
  }
  const tb = theTables();
  const type = t.u32[(op >>> 2) + TYPE];
  if (type === tb.fnode && Atomics.load(tb.finalized, t.u32[(op + SERIAL_OFFSET) >>> 2]) !== 1) {
    log.clearedUnfinalized++;
    problem(`tp_clear of ${formatAddress(op)} whose finalizer ran ${Atomics.load(tb.finalized, t.u32[(op + SERIAL_OFFSET) >>> 2])} times`);
  }
  if ((Atomics.load(t.u8, op + OB_GC_BITS_OFFSET) & GC_BITS_FROZEN) !== 0) {
    log.frozenCollected++;
    problem(`tp_clear of ${formatAddress(op)}, which is frozen (gc.freeze)`);
  }
  if (type === tb.lnode) {
    log.legacyCleared++;
    problem(`tp_clear of ${formatAddress(op)}, which has a legacy finalizer (it belongs in gc.garbage)`);
  }
  if (inAbandonedSegment(op)) log.abandonedClears++;
  Atomics.store(t.u32, (op + STATE_OFFSET) >>> 2, CLEARED);
  return true;
}

function nodeClear(t: RcThread, op: number): void {
  if (!clearing(t, op)) return;
  const n = slotCount(t, op);
  for (let i = 0; i < n; i++) setSlot(t, op, i, 0);
}

function weakrefClear(t: RcThread, wr: number): void {
  if (!clearing(t, wr)) return;
  clearWeakrefRunning(t, wr);
  const payload = Atomics.exchange(t.u32, (wr + PAYLOAD_OFFSET) >>> 2, 0);
  if (payload !== 0) decref(t, payload);
}

/** A small hash of a serial and the run's seed: the finalizer's choice, the same on every thread. */
function choice(serial: number, seed: number): number {
  let h = Math.imul(serial ^ seed, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  return (h ^ (h >>> 13)) >>> 0;
}

/**
 * The finalizer of `fnode` (tp_finalize), run by the collector with the
 * world running: logs the call; by its serial, resurrects the object into
 * the graveyard (a quarter), makes a new weakref with a callback to it and
 * keeps that in the graveyard (GH-91636: the collector must clear it unless
 * the object survives), or breaks its own cycle (a "suicidal" finalizer).
 */
function nodeFinalize(t: RcThread, op: number): void {
  const tb = theTables();
  const status = liveStatus(t, op);
  if (status !== LIVE_OK) {
    log.badFinalizers++;
    problem(`finalizer of ${describeLive(t, op, status)}`);
    return;
  }
  if ((Atomics.load(t.u8, op + OB_GC_BITS_OFFSET) & GC_BITS_FINALIZED) === 0) {
    log.finalizedBitMissing++;
    problem(`finalizer of ${formatAddress(op)} without its FINALIZED bit`);
  }
  if ((Atomics.load(t.u8, op + OB_GC_BITS_OFFSET) & GC_BITS_FROZEN) !== 0) {
    log.frozenCollected++;
    problem(`finalizer of ${formatAddress(op)}, which is frozen (gc.freeze)`);
  }
  const serial = t.u32[(op + SERIAL_OFFSET) >>> 2];
  if (Atomics.add(tb.finalized, serial, 1) !== 0) {
    log.doubleFinalizers++;
    problem(`finalizer of ${formatAddress(op)} (serial ${serial}) ran again`);
  }
  log.finalizers++;
  const c = choice(serial, tb.seed);
  const kind = c & 15;
  if (kind < 4) {
    incref(t, op);
    if (graveStore(op, c >>> 8)) log.resurrections++;
    else decref(t, op);
  } else if (kind < 7) {
    const wr = newWeakref(t, op, true, 0);
    if (wr !== 0) {
      if (graveStore(wr, c >>> 8)) log.finalizerWeakrefs++;
      else decref(t, wr);
    }
  } else if (kind < 9 && slotCount(t, op) > 0) {
    setSlot(t, op, 0, 0);
    log.suicides++;
  }
}

/**
 * The weakref callback (from the collector or from a referent's dealloc):
 * the weakref must be alive, not itself garbage (bpo-38006), already
 * cleared, called once, and what it closes over alive.
 */
function weakrefCallback(t: RcThread, wr: number, fromGc: boolean): void {
  const tb = theTables();
  const u32 = t.u32;
  if (fromGc) log.gcCallbacks++;
  else log.deallocCallbacks++;
  const status = liveStatus(t, wr);
  if (status !== LIVE_OK) {
    log.badCallbacks++;
    problem(`callback of weakref ${describeLive(t, wr, status)}`);
    return;
  }
  if ((Atomics.load(t.u8, wr + OB_GC_BITS_OFFSET) & GC_BITS_UNREACHABLE) !== 0) {
    log.badCallbacks++;
    problem(`callback of weakref ${formatAddress(wr)}, which is itself unreachable (bpo-38006)`);
  }
  if (Atomics.load(u32, (wr + REFERENT_OFFSET) >>> 2) !== 0) {
    log.badCallbacks++;
    problem(`callback of weakref ${formatAddress(wr)} before it was cleared`);
  }
  const serial = u32[(wr + SERIAL_OFFSET) >>> 2];
  if (Atomics.add(tb.callbacks, serial, 1) !== 0) {
    log.badCallbacks++;
    problem(`callback of weakref ${formatAddress(wr)} (serial ${serial}) called again`);
  }
  const payload = Atomics.load(u32, (wr + PAYLOAD_OFFSET) >>> 2);
  if (payload !== 0) {
    const p = liveStatus(t, payload);
    if (p !== LIVE_OK) {
      log.badCallbacks++;
      problem(`callback of weakref ${formatAddress(wr)}: its payload ${describeLive(t, payload, p)}`);
    }
  }
}

/** Behaviour ids of the registry. */
export interface GcStressBehaviours {
  nodeDealloc: number;
  weakrefDealloc: number;
  nodeTraverse: number;
  weakrefTraverse: number;
  nodeClear: number;
  weakrefClear: number;
  nodeFinalize: number;
}

/** The registry every thread builds, in this order. */
export function buildGcStressRegistry(): { registry: BehaviourRegistry; ids: GcStressBehaviours } {
  const registry = new BehaviourRegistry();
  const ids: GcStressBehaviours = {
    nodeDealloc: registry.add('dealloc', 'gc-stress:node', nodeDealloc),
    weakrefDealloc: registry.add('dealloc', 'gc-stress:weakref', weakrefDealloc),
    nodeTraverse: registry.add('traverse', 'gc-stress:node', nodeTraverse),
    weakrefTraverse: registry.add('traverse', 'gc-stress:weakref', weakrefTraverse),
    nodeClear: registry.add('clear', 'gc-stress:node', nodeClear),
    weakrefClear: registry.add('clear', 'gc-stress:weakref', weakrefClear),
    nodeFinalize: registry.add('finalize', 'gc-stress:node', nodeFinalize),
  };
  return { registry, ids };
}

// --- the collector's hooks -------------------------------------------------------

/**
 * The weakref hooks over the shared lists. The collector calls all but
 * `callCallback` with the world stopped: no thread is inside a list edit
 * (edits hold a stripe, which is never held across a safe point or a
 * detaching wait), so the hooks read and write the lists plainly.
 */
const weakrefHooks: WeakrefHooks = {
  isWeakref: (t, op) => isWeakref(t, op),
  weakrefsTo: (t, op) => {
    if (!isNode(t, op)) return [];
    const u32 = t.u32;
    const refs: number[] = [];
    // SAFETY: world stopped.
    for (let wr = u32[(op + WEAKREFS_OFFSET) >>> 2]; wr !== 0; wr = u32[(wr + NEXT_OFFSET) >>> 2]) refs.push(wr);
    return refs;
  },
  clear: (t, wr) => {
    // SAFETY: world stopped.
    const referent = t.u32[(wr + REFERENT_OFFSET) >>> 2];
    if (referent !== 0) unlinkWeakref(t.u32, wr, referent);
  },
  hasCallback: (t, wr) => t.u32[(wr + CALLBACK_OFFSET) >>> 2] !== 0,
  callCallback: (t, wr) => weakrefCallback(t, wr, true),
};

/**
 * `gc_visit_thread_stacks`' source: every slot of every thread's stack.
 * SAFETY: the collector calls it with the world stopped; each thread wrote
 * its slots with Atomics before it suspended or detached.
 */
function visitStacks(_t: RcThread, visit: (op: number) => void): void {
  const stacks = theTables().stacks;
  for (let k = 0; k < stacks.length; k += 2) {
    const op = Atomics.load(stacks, k);
    if (op !== 0) visit(op);
  }
}

/**
 * The hooks every thread joins the collector with. `stacks: false` is the
 * 'skip-stacks' control's: the hook that reports the threads' uncounted
 * stack references reports none.
 */
export function gcStressHooks(options: { stacks?: boolean } = {}): GcHooks {
  return {
    weakrefs: weakrefHooks,
    hasLegacyFinalizer: (t, op) => t.u32[(op >>> 2) + TYPE] === theTables().lnode,
    visitStacks: options.stacks === false ? (_t, _visit) => {} : visitStacks,
    // The graveyard is a known root: the mark-alive pre-pass starts there (world stopped).
    visitRoots: (_t, visit) => {
      const grave = theTables().graveyard;
      for (let k = 0; k < GRAVE_SLOTS; k++) {
        const op = Atomics.load(grave, k);
        if (op !== 0) visit(op);
      }
    },
    callbacks: (phase: 'start' | 'stop', info: GcCallbackInfo) => {
      if (phase === 'start') {
        collectionStart = performance.now();
        return;
      }
      log.collections++;
      log.collected += info.collected;
      if (log.collectionMs.length < 20_000) log.collectionMs.push(performance.now() - collectionStart);
    },
    unraisable: (message, error) => {
      log.unraisable++;
      problem(`unraisable: ${message}: ${error instanceof Error ? error.message : String(error)}`);
    },
    write: (text) => problem(`gc output: ${text.trim()}`),
  };
}

/** Counts a FatalError (anything else is rethrown). */
export function onFatal(error: unknown, what: string): void {
  if (!(error instanceof FatalError)) throw error;
  log.fatalErrors++;
  problem(`${what}: ${error.message}`);
}
