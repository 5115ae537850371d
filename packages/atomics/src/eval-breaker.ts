/**
 * The eval breaker (CPython `Include/internal/pycore_ceval.h`,
 * `_Py_HandlePending` in `Python/ceval_gil.c`): one word per participant
 * that other threads set bits in (atomic OR/AND) and its own thread polls at
 * safe points — backward jumps and function entry in the VM, every few
 * thousand steps of a long library loop. The low 8 bits are events with
 * CPython's bit numbers; the bits above hold the instrumentation version,
 * copied into every participant of a group by a CAS loop that keeps the
 * events.
 *
 * Please-stop (bit 5) is handled here: the participant suspends and blocks
 * in attach until the world restarts. Every other bit is handed to the
 * handler a higher layer registered for it on that participant (refcount's
 * explicit merge, the GC's scheduled collection, the GIL's drop request), in
 * CPython's order; a bit without a handler stays set.
 */

import { attach, suspend } from './attach-detach.js';
import type { HeapContext } from './heap-context.js';
import {
  EVAL_EVENTS_MASK,
  EVAL_PLEASE_STOP_BIT,
  EVAL_VERSION_UNIT,
  GROUP_PARTICIPANTS_OFFSET,
  GROUP_VERSION_OFFSET,
  PARTICIPANT_EVAL_BREAKER_OFFSET,
  PARTICIPANT_NEXT_OFFSET,
} from './layout.js';
import { checkGroup, headLock, headUnlock, type EvalBreakerHandler, type Participant } from './world-state.js';

/**
 * How many {@link pollSafePoint} calls share one load of the eval breaker:
 * the load is an `Atomics.load` (~8 ns), so a poll costs a decrement and a
 * branch most of the time and a stop waits at most this many safe points.
 * @public
 */
export const SAFE_POINT_POLL_INTERVAL = 64;

/** `_Py_HandlePending`'s order for the bits other than please-stop: signals, calls, merge, GC, GIL drop, async exception, JIT. */
const HANDLER_ORDER = [1, 2, 6, 4, 0, 3, 7];

/**
 * A safe point that looks at the eval breaker every time
 * (`CHECK_EVAL_BREAKER`): one `Atomics.load`, and {@link handlePending} when
 * an event bit is set.
 * @public
 */
export function safePoint(p: Participant): void {
  if ((Atomics.load(p.heap.i32, p.breakerIndex) & EVAL_EVENTS_MASK) !== 0) handlePending(p);
}

/**
 * A safe point for hot loops: looks at the eval breaker once every
 * {@link SAFE_POINT_POLL_INTERVAL} calls (DESIGN.md §4, ≤ 1 ns amortised).
 * @example
 * ```ts
 * for (let i = 0; i < n; i++) {
 *   work(i);
 *   pollSafePoint(p);   // a stop-the-world can suspend us here
 * }
 * ```
 * @public
 */
export function pollSafePoint(p: Participant): void {
  if (--p.pollCountdown === 0) {
    p.pollCountdown = SAFE_POINT_POLL_INTERVAL;
    if ((Atomics.load(p.heap.i32, p.breakerIndex) & EVAL_EVENTS_MASK) !== 0) handlePending(p);
  }
}

/**
 * A safe point for a loop with a counter of its own: looks at the eval
 * breaker when `step` is a multiple of {@link SAFE_POINT_POLL_INTERVAL}.
 * It keeps no state (no countdown to load and store), so in a tight loop it
 * costs a mask and a branch on the loop's own induction variable — what a
 * JIT does when it strip-mines a counted loop's safepoint poll.
 * @example
 * ```ts
 * for (let i = 0; i < n; i++) {
 *   work(i);
 *   pollSafePointAt(p, i);   // every 64th iteration looks at the eval breaker
 * }
 * ```
 * @public
 */
export function pollSafePointAt(p: Participant, step: number): void {
  if ((step & POLL_MASK) === 0) safePoint(p);
}

/** The mask of {@link pollSafePointAt}, a module-local constant (root README, "Notes for contributors"). */
const POLL_MASK = SAFE_POINT_POLL_INTERVAL - 1;

/**
 * Handles the set event bits (`_Py_HandlePending`): please-stop first
 * (suspend, then attach again, which blocks until the world restarts), then
 * the registered handlers in CPython's order, each after clearing its bit.
 * The participant must be attached.
 * @public
 */
export function handlePending(p: Participant): void {
  const i32 = p.heap.i32;
  const index = p.breakerIndex;
  let bits = Atomics.load(i32, index);
  if ((bits & EVAL_PLEASE_STOP_BIT) !== 0) {
    // Cleared once suspended, not before: the stopper re-sets the bit of
    // every participant it still sees ATTACHED at each rescan (under the head
    // lock, as suspend changes the status), so a clear before suspend could
    // leave a stale bit and a spurious suspension after the restart.
    suspend(p);
    Atomics.and(i32, index, ~EVAL_PLEASE_STOP_BIT);
    attach(p);
    bits = Atomics.load(i32, index);
  }
  const handlers = p.handlers;
  for (let k = 0; k < HANDLER_ORDER.length; k++) {
    const bit = 1 << HANDLER_ORDER[k];
    const handler = handlers[HANDLER_ORDER[k]];
    if ((bits & bit) !== 0 && handler !== null) {
      Atomics.and(i32, index, ~bit);
      handler(p);
    }
  }
}

/**
 * Registers the calling thread's handler for eval-breaker `bit` (a single
 * event bit other than please-stop) on its participant `p`; null removes it.
 * @beta
 */
export function setEvalBreakerHandler(p: Participant, bit: number, handler: EvalBreakerHandler | null): void {
  const n = Math.log2(bit);
  if (!Number.isInteger(n) || n < 0 || n > 7 || bit === EVAL_PLEASE_STOP_BIT) {
    throw new RangeError(`setEvalBreakerHandler: bit must be one event bit (1 << 0 … 1 << 7) other than please-stop, got ${bit}`);
  }
  p.handlers[n] = handler;
}

/**
 * Sets event `bits` in the eval breaker of the participant at `participant`
 * (`_Py_set_eval_breaker_bit`: an atomic OR, from any thread).
 * @public
 */
export function setEvalBreakerBits(heap: HeapContext, participant: number, bits: number): void {
  Atomics.or(heap.i32, (participant + PARTICIPANT_EVAL_BREAKER_OFFSET) >>> 2, bits & EVAL_EVENTS_MASK);
}

/**
 * Clears event `bits` in the eval breaker of the participant at
 * `participant` (`_Py_unset_eval_breaker_bit`: an atomic AND).
 * @public
 */
export function clearEvalBreakerBits(heap: HeapContext, participant: number, bits: number): void {
  Atomics.and(heap.i32, (participant + PARTICIPANT_EVAL_BREAKER_OFFSET) >>> 2, ~(bits & EVAL_EVENTS_MASK));
}

/**
 * Sets event `bits` on every participant of `group`
 * (`_Py_set_eval_breaker_bit_all`), under HEAD_LOCK so that none is missed.
 * @public
 */
export function setEvalBreakerBitsAll(heap: HeapContext, group: number, bits: number): void {
  const world = checkGroup(heap, group);
  headLock(heap, world);
  // SAFETY: the participant list is read under HEAD_LOCK.
  const u32 = heap.u32;
  for (let p = u32[(group + GROUP_PARTICIPANTS_OFFSET) >>> 2]; p !== 0; p = u32[(p + PARTICIPANT_NEXT_OFFSET) >>> 2]) {
    Atomics.or(heap.i32, (p + PARTICIPANT_EVAL_BREAKER_OFFSET) >>> 2, bits & EVAL_EVENTS_MASK);
  }
  headUnlock(heap, world);
}

/**
 * The event bits set in a participant's eval breaker (a snapshot).
 * @public
 */
export function evalBreakerBits(heap: HeapContext, participant: number): number {
  return Atomics.load(heap.i32, (participant + PARTICIPANT_EVAL_BREAKER_OFFSET) >>> 2) & EVAL_EVENTS_MASK;
}

/**
 * Publishes a new instrumentation version to `group` (`set_version_raw` on
 * every thread state): stored in the group for participants created later
 * and copied into every participant's eval breaker by a CAS loop that keeps
 * its event bits. `version` is a multiple of 256 (the bits above the events).
 * @public
 */
export function setInstrumentationVersion(heap: HeapContext, group: number, version: number): void {
  if (!Number.isInteger(version) || version < 0 || version % EVAL_VERSION_UNIT !== 0 || version > 0x7fffff00) {
    throw new RangeError(`setInstrumentationVersion: the version must be a non-negative multiple of ${EVAL_VERSION_UNIT} below 2^31, got ${version}`);
  }
  const world = checkGroup(heap, group);
  const { i32, u32 } = heap;
  headLock(heap, world);
  Atomics.store(i32, (group + GROUP_VERSION_OFFSET) >>> 2, version);
  // SAFETY: the participant list is read under HEAD_LOCK.
  for (let p = u32[(group + GROUP_PARTICIPANTS_OFFSET) >>> 2]; p !== 0; p = u32[(p + PARTICIPANT_NEXT_OFFSET) >>> 2]) {
    const index = (p + PARTICIPANT_EVAL_BREAKER_OFFSET) >>> 2;
    let seen = Atomics.load(i32, index);
    for (;;) {
      const next = (seen & EVAL_EVENTS_MASK) | version;
      const found = Atomics.compareExchange(i32, index, seen, next);
      if (found === seen) break;
      seen = found;
    }
  }
  headUnlock(heap, world);
}

/**
 * The instrumentation version in a participant's eval breaker (the bits above the events).
 * @public
 */
export function instrumentationVersion(heap: HeapContext, participant: number): number {
  return Atomics.load(heap.i32, (participant + PARTICIPANT_EVAL_BREAKER_OFFSET) >>> 2) & ~EVAL_EVENTS_MASK;
}
