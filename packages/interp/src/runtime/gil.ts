/**
 * The GIL (CPython `Python/ceval_gil.c`, as the free-threaded build of
 * 3.13 keeps it for `PYTHON_GIL=1` and for extensions that need it): at most
 * one participant of the threads that passed it is attached at a time.
 *
 * It is an {@link AttachGate} of `@ft/atomics`: `attach` takes it before
 * the thread state becomes ATTACHED and `detach` drops it after it became
 * DETACHED (`_PyThreadState_Attach` / `detach_thread`), so a thread that
 * waits for the GIL is DETACHED — a stop-the-world parks it at once instead
 * of waiting for it — and a thread parked by a stop never holds it.
 *
 * Departures from CPython, on purpose:
 * - Fair: takers are served in ticket order (a ticket lock whose waiters
 *   park on the "now serving" word), where CPython's mutex and condition
 *   variable let a dropping thread race the woken one. A dropped GIL is
 *   handed to the oldest waiter at once, so a thread that was asked to drop
 *   it cannot take it back before every earlier waiter had it — what
 *   CPython's FORCE_SWITCHING achieves with `switch_cond`, without the
 *   dropper having to wait for the switch.
 * - A waiter that the world keeps SUSPENDED does not ask the holder to drop
 *   the GIL: it could not use it.
 *
 * Switching: a waiter parks for the switch interval (5 ms, `sys.setswitchinterval`);
 * if the GIL was not handed on meanwhile it sets the holder's
 * GIL-drop-request bit (bit 0 of the eval breaker, `_PY_GIL_DROP_REQUEST_BIT`),
 * and the holder's handler for that bit, at its next safe point, detaches
 * and attaches again (`_Py_HandlePending`): the drop hands the GIL to the
 * oldest waiter and the retake queues behind it.
 *
 * Enabled or not (`gil->enabled`, 3.13's counting rules): 0 disabled;
 * `INT_MAX` enabled for good (`PYTHON_GIL=1`); in between, the number of
 * transient requests (CPython: importing an extension that did not declare
 * free-threading support). With the GIL disabled the gate lets everyone in
 * (one load). Enabling stops the world, so no thread is attached without
 * the GIL afterwards; disabling is done by the holder, and the waiters it
 * leaves behind go on without the GIL.
 */

import {
  attach,
  clearEvalBreakerBits,
  currentParticipant,
  describeValue,
  detach,
  EVAL_GIL_DROP_REQUEST_BIT,
  fatalError,
  formatAddress,
  type HeapContext,
  park,
  PARK_TIMEOUT,
  type Participant,
  participantStatus,
  regionAlloc,
  regionFree,
  setEvalBreakerBits,
  setEvalBreakerHandler,
  startTheWorldAll,
  STATUS_ATTACHED,
  STATUS_SUSPENDED,
  stopTheWorldAll,
  unparkAll,
  type AttachGate,
} from '@ft/atomics';

// ---------------------------------------------------------------------------
// GIL record (`_gil_runtime_state`; regionAlloc, 64-byte aligned, 64 bytes).
//
//  off  width  field         writer / reader, order
//  0    u32    tag           creator: GIL_TAG, Atomics.store last (publishes); cleared by gilDestroy
//  4    u32    mode          creator: GIL_MODE_* (`config->enable_gil`), never changed
//  8    i32    enabled       Atomics: 0 disabled, 1…INT_MAX−1 transient requests, INT_MAX for good
//                            (`gil->enabled`); raised only with the world stopped or by the holder,
//                            lowered only by the holder
//  12   u32    interval      Atomics: the switch interval in µs (`gil->interval`)
//  16   i32    next          Atomics.add by takers: the next ticket
//  20   i32    serving       Atomics: the ticket that holds the GIL, or will get it next when it is
//                            free (`gil->locked` is next ≠ serving); bumped by each drop; waiters park on it
//  24   u32    holder        the holder (plain, under the GIL): the holding participant's address, 0 while
//                            none runs with it; others read it with Atomics as a hint (drop requests) or a statistic
//  28   u32    lastHolder    the holder (plain, under the GIL): the last participant that took it (`gil->last_holder`)
//  32   u32    switchNumber  the holder (plain, under the GIL): takes by a participant other than the last
//                            holder (`gil->switch_number`); a statistic for others
//  36   u32    dropRequests  Atomics.add: drop requests sent by waiters (a statistic)
//  40        end (the record is 64 bytes: a cache line of its own)
// ---------------------------------------------------------------------------

/** Tag of a live GIL record ("GIL!"). */
const GIL_TAG = 0x474c4921;
const GIL_TAG_OFFSET = 0;
const GIL_MODE_OFFSET = 4;
const GIL_ENABLED_OFFSET = 8;
const GIL_INTERVAL_OFFSET = 12;
const GIL_NEXT_OFFSET = 16;
const GIL_SERVING_OFFSET = 20;
const GIL_HOLDER_OFFSET = 24;
const GIL_LAST_HOLDER_OFFSET = 28;
const GIL_SWITCH_NUMBER_OFFSET = 32;
const GIL_DROP_REQUESTS_OFFSET = 36;
/** Bytes of a GIL record. @internal */
export const GIL_SIZE = 64;

/** `gil->enabled` when the GIL is on for good. */
const ENABLED_FOR_GOOD = 0x7fffffff;

/** `_PyConfig_GIL_DEFAULT`: off, but transient and permanent enabling (and disabling) work. */
const GIL_MODE_DEFAULT = 0;
/** `_PyConfig_GIL_ENABLE` (`PYTHON_GIL=1`): on for good; enabling and disabling are no-ops. */
const GIL_MODE_ENABLE = 1;
/** `_PyConfig_GIL_DISABLE` (`PYTHON_GIL=0`): off for good; enabling and disabling are no-ops. */
const GIL_MODE_DISABLE = 2;

const MODES = { default: GIL_MODE_DEFAULT, enable: GIL_MODE_ENABLE, disable: GIL_MODE_DISABLE } as const;

/** The switch interval a GIL starts with, in seconds (`DEFAULT_INTERVAL`, 5000 µs). @public */
export const GIL_DEFAULT_SWITCH_INTERVAL = 0.005;

/** The largest interval the record holds, in µs (about 71.6 minutes); longer ones are clamped. */
const MAX_INTERVAL_US = 0xffffffff;

/** Options of {@link gilCreate}. @public */
export interface GilOptions {
  /**
   * `PYTHON_GIL` / `-X gil` (`config->enable_gil`): `'enable'` (`1`: on for
   * good), `'disable'` (`0`: off for good), or `'default'` (unset: off, but
   * {@link gilEnableTransient} and friends may turn it on). Default `'default'`.
   */
  readonly mode?: 'default' | 'enable' | 'disable';
  /** The switch interval in seconds (`sys.setswitchinterval`); default {@link GIL_DEFAULT_SWITCH_INTERVAL}. */
  readonly switchInterval?: number;
}

/** A snapshot of a GIL's counters, for tests and diagnostics. @public */
export interface GilStats {
  /** `gil->enabled`: 0, the number of transient requests, or 2^31 − 1 for good. */
  readonly enabled: number;
  /** Address of the participant that holds it, or 0. */
  readonly holder: number;
  /** Threads that have a ticket and wait for their turn. */
  readonly waiting: number;
  /** Takes by a participant other than the last holder (`gil->switch_number`). */
  readonly switches: number;
  /** Drop requests waiters have sent. */
  readonly dropRequests: number;
}

/**
 * Creates a GIL in `heap` (`_gil_initialize` + `create_gil`, and
 * `init_own_gil`'s starting `enabled`) and returns its address, for
 * {@link gilInstall} on every thread state's participant.
 * @public
 */
export function gilCreate(heap: HeapContext, options: GilOptions = {}): number {
  if (!isHeap(heap)) throw new TypeError(`gilCreate: heap must be a HeapContext, not ${describeValue(heap)}`);
  const modeName = options.mode ?? 'default';
  const mode = typeof modeName === 'string' && Object.hasOwn(MODES, modeName) ? MODES[modeName] : undefined;
  if (mode === undefined) throw new RangeError(`gilCreate: mode must be 'default', 'enable' or 'disable', not ${describeValue(modeName)}`);
  const interval = intervalMicroseconds('gilCreate', options.switchInterval ?? GIL_DEFAULT_SWITCH_INTERVAL);
  const gil = regionAlloc(heap, GIL_SIZE, 64);
  if (gil === 0) throw new RangeError('gilCreate: the heap has no room for the GIL');
  const u32 = heap.u32;
  // SAFETY: unpublished until the tag; regions come zeroed (next = serving = 0: free).
  u32[(gil + GIL_MODE_OFFSET) >>> 2] = mode;
  heap.i32[(gil + GIL_ENABLED_OFFSET) >>> 2] = mode === GIL_MODE_ENABLE ? ENABLED_FOR_GOOD : 0;
  u32[(gil + GIL_INTERVAL_OFFSET) >>> 2] = interval;
  Atomics.store(u32, (gil + GIL_TAG_OFFSET) >>> 2, GIL_TAG);
  return gil;
}

/**
 * Frees a GIL (`destroy_gil`). Fatal while some thread holds it or waits
 * for it; uninstall it from every participant first.
 * @public
 */
export function gilDestroy(heap: HeapContext, gil: number): void {
  checkGil(heap, gil, 'gilDestroy');
  const i32 = heap.i32;
  if (Atomics.load(i32, (gil + GIL_NEXT_OFFSET) >>> 2) !== Atomics.load(i32, (gil + GIL_SERVING_OFFSET) >>> 2)) {
    fatalError(`the GIL at ${formatAddress(gil)} is destroyed while a thread holds it or waits for it`);
  }
  Atomics.store(heap.u32, (gil + GIL_TAG_OFFSET) >>> 2, 0);
  regionFree(heap, gil, GIL_SIZE);
}

/**
 * One participant's side of the GIL: the gate `attach` and `detach` pass,
 * and `holds` (`tstate->holds_gil`), which only its thread reads and writes.
 */
class GilGate implements AttachGate {
  readonly heap: HeapContext;
  readonly gil: number;
  /** `tstate->holds_gil`. */
  holds = false;
  readonly enabledIndex: number;
  readonly nextIndex: number;
  readonly servingIndex: number;
  readonly holderIndex: number;

  constructor(heap: HeapContext, gil: number) {
    this.heap = heap;
    this.gil = gil;
    this.enabledIndex = (gil + GIL_ENABLED_OFFSET) >>> 2;
    this.nextIndex = (gil + GIL_NEXT_OFFSET) >>> 2;
    this.servingIndex = (gil + GIL_SERVING_OFFSET) >>> 2;
    this.holderIndex = (gil + GIL_HOLDER_OFFSET) >>> 2;
  }

  acquire(p: Participant): void {
    if (Atomics.load(this.heap.i32, this.enabledIndex) !== 0) takeGil(this, p);
  }

  release(p: Participant): void {
    if (this.holds) dropGil(this, p);
  }

  /** CPython: `if (_PyEval_IsGILEnabled(tstate) && !tstate->holds_gil)` detach and retry. */
  admitted(): boolean {
    return this.holds || Atomics.load(this.heap.i32, this.enabledIndex) === 0;
  }
}

/**
 * `take_gil`: takes a ticket and waits for it to be served. If the GIL was
 * disabled meanwhile, hands the turn on and returns without it.
 */
function takeGil(gate: GilGate, p: Participant): void {
  const i32 = gate.heap.i32;
  const ticket = Atomics.add(i32, gate.nextIndex, 1);
  if (Atomics.load(i32, gate.servingIndex) !== ticket) waitForTurn(gate, p, ticket);
  if (Atomics.load(i32, gate.enabledIndex) === 0) {
    // CPython: "Another thread disabled the GIL between our check above and
    // now": don't take it, let the next waiter go (it will do the same).
    handOn(gate);
    return;
  }
  const u32 = gate.heap.u32;
  const address = p.address;
  // SAFETY: holder, lastHolder and switchNumber are written only by the GIL's
  // holder, which we are now (our turn came through the Atomics on
  // `serving`, and our drop publishes them through the Atomics.add on it).
  // Other threads read them only as a hint (the target of a drop request: a
  // stale one costs a spurious switch, as with CPython's relaxed
  // `last_holder`) or for statistics. Plain, because each Atomics call costs
  // ~8 ns on the uncontended path (DESIGN.md §3).
  u32[gate.holderIndex] = address;
  const last = (gate.gil + GIL_LAST_HOLDER_OFFSET) >>> 2;
  if (u32[last] !== address) {
    u32[last] = address;
    u32[(gate.gil + GIL_SWITCH_NUMBER_OFFSET) >>> 2]++;
  }
  gate.holds = true;
  // A request aimed at us before we got here is answered. SAFETY: a plain
  // read as a hint; one set after it makes us switch once more, harmlessly.
  if ((i32[p.breakerIndex] & EVAL_GIL_DROP_REQUEST_BIT) !== 0) clearEvalBreakerBits(gate.heap, address, EVAL_GIL_DROP_REQUEST_BIT);
}

/**
 * `take_gil`'s loop: park on the serving word for the switch interval at a
 * time; after a whole interval without the turn moving, ask the holder to
 * drop the GIL (`SET_GIL_DROP_REQUEST`). Parks without the detach hook: the
 * participant is not attached.
 */
function waitForTurn(gate: GilGate, p: Participant, ticket: number): void {
  const { heap, gil } = gate;
  const i32 = heap.i32;
  const servingAddress = gil + GIL_SERVING_OFFSET;
  const intervalIndex = (gil + GIL_INTERVAL_OFFSET) >>> 2;
  for (;;) {
    const serving = Atomics.load(i32, gate.servingIndex);
    if (serving === ticket) return;
    // CPython: `if (interval < 1) interval = 1;` (µs).
    const intervalMs = Math.max(1, Atomics.load(heap.u32, intervalIndex)) / 1000;
    const result = park(heap, servingAddress, serving, 4, intervalMs, 0, false);
    if (result === PARK_TIMEOUT && Atomics.load(i32, gate.servingIndex) === serving && Atomics.load(i32, p.statusIndex) !== STATUS_SUSPENDED) {
      const holder = Atomics.load(heap.u32, gate.holderIndex);
      if (holder !== 0) {
        setEvalBreakerBits(heap, holder, EVAL_GIL_DROP_REQUEST_BIT);
        Atomics.add(heap.u32, (gil + GIL_DROP_REQUESTS_OFFSET) >>> 2, 1);
      }
    }
  }
}

/** `drop_gil`: the turn goes to the next ticket (the oldest waiter), woken if it waits. */
function dropGil(gate: GilGate, _p: Participant): void {
  gate.holds = false;
  // SAFETY: as in takeGil; published by handOn's Atomics.add.
  gate.heap.u32[gate.holderIndex] = 0;
  handOn(gate);
}

/** Ends the current turn: bump the serving word and wake the waiters if there are any. */
function handOn(gate: GilGate): void {
  const i32 = gate.heap.i32;
  const serving = Atomics.add(i32, gate.servingIndex, 1) + 1;
  // A taker that got its ticket after this load finds the turn already its own.
  if (Atomics.load(i32, gate.nextIndex) !== serving) unparkAll(gate.heap, gate.gil + GIL_SERVING_OFFSET);
}

/** The GIL-drop-request handler (`_Py_HandlePending`): "give another thread a chance". */
function handleDropRequest(p: Participant): void {
  detach(p);
  // Other threads may run now.
  attach(p);
}

/**
 * Puts the GIL at `gil` on the calling thread's participant `p`: its gate
 * (taken in `attach`, dropped in `detach`) and its handler for the
 * GIL-drop-request bit. `p` must not be attached (it would run without the
 * GIL it is now supposed to hold). Install it on every thread state of the
 * runtime, whatever the mode, so that enabling it later reaches them all.
 * @public
 */
export function gilInstall(p: Participant, gil: number): void {
  if (!isParticipant(p)) throw new TypeError(`gilInstall: p must be a Participant, not ${describeValue(p)}`);
  checkGil(p.heap, gil, 'gilInstall');
  checkOwn(p, 'gilInstall');
  if (participantStatus(p) === STATUS_ATTACHED) fatalError(`gilInstall: participant ${p.id} (thread ${p.heap.tid}) is attached; install the GIL while it is detached`);
  if (p.gate !== null) fatalError(`gilInstall: participant ${p.id} (thread ${p.heap.tid}) already has an attach gate`);
  p.gate = new GilGate(p.heap, gil);
  setEvalBreakerHandler(p, EVAL_GIL_DROP_REQUEST_BIT, handleDropRequest);
}

/**
 * Takes the GIL off the calling thread's participant `p` (it must be
 * detached, so it does not hold the GIL). Does nothing if it has none.
 * @public
 */
export function gilUninstall(p: Participant): void {
  if (!isParticipant(p)) throw new TypeError(`gilUninstall: p must be a Participant, not ${describeValue(p)}`);
  if (!(p.gate instanceof GilGate)) return;
  checkOwn(p, 'gilUninstall');
  if (participantStatus(p) === STATUS_ATTACHED || p.gate.holds) fatalError(`gilUninstall: participant ${p.id} (thread ${p.heap.tid}) is attached; uninstall the GIL while it is detached`);
  p.gate = null;
  setEvalBreakerHandler(p, EVAL_GIL_DROP_REQUEST_BIT, null);
}

/**
 * Whether the calling thread's participant `p` holds the GIL
 * (`tstate->holds_gil`; `PyGILState_Check` in a GIL build). False when the
 * GIL is disabled or not installed on `p`.
 * @public
 */
export function holdsGil(p: Participant): boolean {
  const gate = p.gate;
  return gate instanceof GilGate && gate.holds;
}

/**
 * Whether the GIL is enabled (`_PyEval_IsGILEnabled`, `sys._is_gil_enabled()`).
 * @public
 */
export function gilEnabled(heap: HeapContext, gil: number): boolean {
  checkGil(heap, gil, 'gilEnabled');
  return Atomics.load(heap.i32, (gil + GIL_ENABLED_OFFSET) >>> 2) !== 0;
}

/**
 * Sets the switch interval, in seconds (`sys.setswitchinterval`,
 * `_PyEval_SetSwitchInterval`): stored in whole microseconds, truncated as
 * CPython does (so below 1 µs it reads back as 0 and waits 1 µs), and
 * clamped to about 71.6 minutes. RangeError unless strictly positive
 * (`sys.setswitchinterval` raises `ValueError: switch interval must be
 * strictly positive`).
 * @public
 */
export function gilSetSwitchInterval(heap: HeapContext, gil: number, seconds: number): void {
  checkGil(heap, gil, 'gilSetSwitchInterval');
  Atomics.store(heap.u32, (gil + GIL_INTERVAL_OFFSET) >>> 2, intervalMicroseconds('gilSetSwitchInterval', seconds));
}

/**
 * The switch interval in seconds (`sys.getswitchinterval`: `1e-6 *` the
 * stored microseconds).
 * @public
 */
export function gilGetSwitchInterval(heap: HeapContext, gil: number): number {
  checkGil(heap, gil, 'gilGetSwitchInterval');
  return 1e-6 * Atomics.load(heap.u32, (gil + GIL_INTERVAL_OFFSET) >>> 2);
}

/**
 * Turns the GIL on for a while (`_PyEval_EnableGILTransient`), for the
 * calling thread's attached participant `p`: counts one more transient
 * request. Turning it on from 0 detaches `p`, stops the world (all groups),
 * counts, restarts the world and attaches `p` again, which then holds the
 * GIL (others may have had it first; harmless). Returns true if this call
 * turned it on. A no-op (false) when the mode is not `'default'` or the GIL
 * is on for good. Fatal after 2^31 − 2 requests.
 * @public
 */
export function gilEnableTransient(p: Participant, gil: number): boolean {
  const i32 = checkAttachedWithGil(p, gil, 'gilEnableTransient');
  if (modeOf(p.heap, gil) !== GIL_MODE_DEFAULT) return false;
  const index = (gil + GIL_ENABLED_OFFSET) >>> 2;
  let enabled = Atomics.load(i32, index);
  if (enabled === ENABLED_FOR_GOOD) return false;
  if (enabled === ENABLED_FOR_GOOD - 1) fatalError('Too many transient requests to enable the GIL');
  if (enabled > 0) {
    // Enabled, so we hold it: nobody else is attached or changes the count.
    Atomics.store(i32, index, enabled + 1);
    return false;
  }
  // Enabling changes what "attached" means: detach, stop everyone, count,
  // restart; whoever attaches from now on passes the GIL.
  detach(p);
  stopTheWorldAll(p.heap);
  enabled = Atomics.load(i32, index);
  Atomics.store(i32, index, enabled + 1);
  startTheWorldAll(p.heap);
  attach(p);
  return enabled === 0;
}

/**
 * Turns the GIL on for good (`_PyEval_EnableGILPermanent`). The calling
 * thread's participant `p` must hold it. Returns true if this call did it; a
 * no-op (false) when the mode is not `'default'` or it is already on for good.
 * @public
 */
export function gilEnablePermanent(p: Participant, gil: number): boolean {
  const i32 = checkAttachedWithGil(p, gil, 'gilEnablePermanent');
  if (modeOf(p.heap, gil) !== GIL_MODE_DEFAULT) return false;
  checkHolds(p, 'gilEnablePermanent');
  const index = (gil + GIL_ENABLED_OFFSET) >>> 2;
  if (Atomics.load(i32, index) === ENABLED_FOR_GOOD) return false;
  Atomics.store(i32, index, ENABLED_FOR_GOOD);
  return true;
}

/**
 * Withdraws one transient request (`_PyEval_DisableGIL`). The calling
 * thread's participant `p` must hold the GIL. When the count reaches 0 the
 * GIL is dropped at once (the waiters go on without it; `p` stays attached,
 * free-threaded) and `p`'s pending drop request is cleared; returns true
 * then. A no-op (false) when the mode is not `'default'` or the GIL is on
 * for good.
 * @public
 */
export function gilDisable(p: Participant, gil: number): boolean {
  const i32 = checkAttachedWithGil(p, gil, 'gilDisable');
  if (modeOf(p.heap, gil) !== GIL_MODE_DEFAULT) return false;
  checkHolds(p, 'gilDisable');
  const index = (gil + GIL_ENABLED_OFFSET) >>> 2;
  const enabled = Atomics.load(i32, index);
  if (enabled === ENABLED_FOR_GOOD) return false;
  // We hold it: nobody else is attached, and only a holder lowers the count.
  Atomics.store(i32, index, enabled - 1);
  if (enabled - 1 !== 0) return false;
  // `drop_gil_impl`: the waiters wake, find it disabled and hand the turn on.
  dropGil(p.gate as GilGate, p);
  clearEvalBreakerBits(p.heap, p.address, EVAL_GIL_DROP_REQUEST_BIT);
  return true;
}

/** A snapshot of the GIL's counters. @public */
export function gilStats(heap: HeapContext, gil: number): GilStats {
  checkGil(heap, gil, 'gilStats');
  const { i32, u32 } = heap;
  const outstanding = (Atomics.load(i32, (gil + GIL_NEXT_OFFSET) >>> 2) - Atomics.load(i32, (gil + GIL_SERVING_OFFSET) >>> 2)) | 0;
  return {
    enabled: Atomics.load(i32, (gil + GIL_ENABLED_OFFSET) >>> 2),
    holder: Atomics.load(u32, (gil + GIL_HOLDER_OFFSET) >>> 2),
    waiting: Math.max(0, outstanding - 1),
    switches: Atomics.load(u32, (gil + GIL_SWITCH_NUMBER_OFFSET) >>> 2),
    dropRequests: Atomics.load(u32, (gil + GIL_DROP_REQUESTS_OFFSET) >>> 2),
  };
}

function modeOf(heap: HeapContext, gil: number): number {
  // SAFETY: written once before the tag publishes the record.
  return heap.u32[(gil + GIL_MODE_OFFSET) >>> 2];
}

/** Seconds → whole µs as `sys.setswitchinterval` stores them (truncated), or a RangeError. */
function intervalMicroseconds(where: string, seconds: number): number {
  if (typeof seconds !== 'number') throw new TypeError(`${where}: the switch interval must be a number of seconds, not ${describeValue(seconds)}`);
  if (!(seconds > 0)) throw new RangeError('switch interval must be strictly positive');
  return Math.min(MAX_INTERVAL_US, Math.trunc(1e6 * seconds));
}

/** RangeError unless `gil` is the address of a live GIL of `heap`. */
function checkGil(heap: HeapContext, gil: number, where: string): void {
  if (!isHeap(heap)) throw new TypeError(`${where}: heap must be a HeapContext, not ${describeValue(heap)}`);
  if (!Number.isInteger(gil) || gil <= 0 || (gil & 63) !== 0 || gil + GIL_SIZE > heap.size) {
    throw new RangeError(`${where}: ${describeValue(gil)} is not the address of a GIL`);
  }
  // SAFETY: the tag is published with Atomics.store after the record.
  if (Atomics.load(heap.u32, (gil + GIL_TAG_OFFSET) >>> 2) !== GIL_TAG) throw new RangeError(`${where}: no GIL at ${formatAddress(gil)}`);
}

function checkOwn(p: Participant, where: string): void {
  if (currentParticipant() !== p) fatalError(`${where}: participant ${p.id} is not the current participant of thread ${p.heap.tid}`);
}

/** Checks the enable/disable calls' common preconditions; returns the heap's i32 view. */
function checkAttachedWithGil(p: Participant, gil: number, where: string): Int32Array {
  if (!isParticipant(p)) throw new TypeError(`${where}: p must be a Participant, not ${describeValue(p)}`);
  checkGil(p.heap, gil, where);
  checkOwn(p, where);
  if (participantStatus(p) !== STATUS_ATTACHED) fatalError(`${where}: participant ${p.id} (thread ${p.heap.tid}) must be attached`);
  const gate = p.gate;
  if (!(gate instanceof GilGate) || gate.gil !== gil) fatalError(`${where}: the GIL at ${formatAddress(gil)} is not installed on participant ${p.id}`);
  return p.heap.i32;
}

function checkHolds(p: Participant, where: string): void {
  // CPython: `assert(current_thread_holds_gil(gil, tstate))`.
  if (!holdsGil(p)) fatalError(`${where}: participant ${p.id} (thread ${p.heap.tid}) does not hold the GIL`);
}

/** Duck-typed, so that a second copy of `@ft/atomics` (source and dist) does not fail an `instanceof`. */
function isHeap(value: unknown): value is HeapContext {
  return typeof value === 'object' && value !== null && (value as HeapContext).u32 instanceof Uint32Array && typeof (value as HeapContext).tid === 'number';
}

function isParticipant(value: unknown): value is Participant {
  return typeof value === 'object' && value !== null && typeof (value as Participant).statusIndex === 'number' && isHeap((value as Participant).heap) && 'gate' in value;
}
