/**
 * The debug hooks (CPython `PYTHONMALLOC=debug`, `_PyMem_DebugMalloc` and
 * friends in `Objects/obmalloc.c`), with S = 8. Every block carries, around
 * the caller's n bytes:
 *
 *   [S bytes: n, big-endian][1 byte: API id 'r' | 'm' | 'o'][S-1 bytes 0xFD]
 *   [n bytes of data][S bytes 0xFD][S bytes: serial number, big-endian — optional]
 *
 * so the address handed out is 2·S bytes into the underlying block. New data
 * is filled with 0xCD, freed memory with 0xDD, guards are 0xFD. Freeing or
 * reallocating checks the API id (freeing with the wrong domain's function,
 * or twice) and both guards (underflow, overflow), and reports damage as a
 * fatal error with CPython's kind of dump. In free-threaded mode the object
 * domain never fills the first 16 data bytes — `ob_tid`, the flags/mutex/gc
 * word, `ob_ref_local` and `ob_ref_shared` — because lock-free readers may
 * look at a just-freed object's refcounts; and realloc does not save and
 * restore the old contents (another thread may be reading them).
 *
 * Given the interpreter's allocator state, the mem and object hooks also
 * catch a block of another interpreter's pymalloc being freed (or
 * reallocated) by this one.
 *
 * The hooks are a checking layer, so unlike the other allocator objects
 * they check their arguments even when called directly: a size that is not
 * one throws as at the domain entry points, and an address whose frame
 * cannot be read (not an integer, outside the heap, too low for a header)
 * is reported like any damaged block — a fatal error naming the address —
 * never an exception from inside the report.
 */

import { describeValue, fatalError, formatAddress, type SharedHeap } from '@ft/atomics';
import { miThreadSetDebugHeader, type MiThread } from '@ft/mimalloc';
import { getAllocator, setAllocator, type AllocatorDomain, type AllocatorDomains, type MemAllocator } from './allocator-domains.js';
import { MAX_REQUEST_SIZE, rejectCallocSizes, rejectSize } from './argument-checks.js';
import {
  DEBUG_API_ID_OFFSET,
  DEBUG_HEADER_SIZE,
  DEBUG_LEADING_GUARD_OFFSET,
  DEBUG_S,
  DEBUG_SERIAL_LOW_OFFSET,
  DEBUG_SERIAL_OFFSET,
  DEBUG_SIZE_LOW_OFFSET,
  DEBUG_SIZE_OFFSET,
  DEBUG_TRAILING_GUARD_OFFSET,
} from './layout.js';
import { foreignBlockMessage, type ObmallocState } from './obmalloc-state.js';

// Module-local copies of the frame layout for the hot paths (root README, "Notes for contributors").
const K_DEBUG_S = DEBUG_S;
const K_HEADER = DEBUG_HEADER_SIZE;
const K_SIZE_OFFSET = DEBUG_SIZE_OFFSET;
const K_SIZE_LOW_OFFSET = DEBUG_SIZE_LOW_OFFSET;
const K_API_ID_OFFSET = DEBUG_API_ID_OFFSET;
const K_TRAILING_GUARD_OFFSET = DEBUG_TRAILING_GUARD_OFFSET;
const K_SERIAL_OFFSET = DEBUG_SERIAL_OFFSET;
const K_SERIAL_LOW_OFFSET = DEBUG_SERIAL_LOW_OFFSET;
/** Fill of freshly allocated memory (`PYMEM_CLEANBYTE`). @public */ export const CLEAN_BYTE = 0xcd;
/** Fill of freed memory (`PYMEM_DEADBYTE`). @public */ export const DEAD_BYTE = 0xdd;
/** Guard bytes (`PYMEM_FORBIDDENBYTE`). @public */ export const FORBIDDEN_BYTE = 0xfd;
/** Data bytes of an object block the object domain never fills (the refcount header). @public */
export const OBJECT_PROTECTED_BYTES = 16;

/** API ids of the domains. @public */
export const API_ID: Readonly<Record<AllocatorDomain, string>> = Object.freeze({ raw: 'r', mem: 'm', object: 'o' });

/**
 * Options of the debug hooks.
 * @public
 */
export interface DebugHookOptions {
  /** Append an S-byte serial number to every block (`PYMEM_DEBUG_SERIALNO`). Default false. */
  serialNumbers?: boolean;
  /**
   * Whether the calling thread is attached (has a thread state); the mem and
   * object hooks call it and fail fatally when it says no. The interpreter
   * plugs its own in; default: always attached.
   */
  isAttached?: () => boolean;
  /** Describes where a block was allocated, for reports (tracemalloc plugs in here). */
  allocationTraceback?: (address: number) => string | undefined;
  /** Free-threaded mode: protect object headers and skip realloc's save/restore (default true). */
  freeThreaded?: boolean;
  /**
   * The calling thread's mimalloc state. When given (and in free-threaded
   * mode), {@link setupDebugHooks} widens the debug offset of its object heaps
   * by the hooks' 2·S-byte header (`miThreadSetDebugHeader`), as CPython does
   * when the hooks are on: checked mimalloc's 0xDD fill of a freed block then
   * skips the object header, which sits 2·S bytes into the block. Install
   * the hooks before the thread allocates objects.
   */
  mi?: MiThread;
  /**
   * The calling thread's interpreter allocator state (GIL mode, pymalloc
   * domains). When given, the mem and object hooks check every free and
   * realloc: a block that is not in this interpreter's pymalloc but lies in
   * another living interpreter's pymalloc arenas is a fatal error naming the
   * address and both interpreters (see `obmallocForeignOwner`).
   */
  interpreter?: ObmallocState;
}

/** A debug allocator remembers what it wraps and how (for `setupDebugHooks`' idempotence). @public */
export interface DebugAllocator extends MemAllocator {
  /** The allocator underneath. */
  readonly wrapped: MemAllocator;
  /** The API id it checks. */
  readonly apiId: string;
}

function isDebugAllocator(a: MemAllocator): a is DebugAllocator {
  return (a as Partial<DebugAllocator>).wrapped !== undefined;
}

let serialCounter = 0;

// ---------------------------------------------------------------------------
// Wide stores. The fills go through the heap's `fill` (WebAssembly's
// memory.fill, the engine's memset): a JavaScript store loop paid two
// mispredicted loop exits per fill for the random lengths of real requests,
// and `TypedArray.prototype.fill` on shared memory stores element by
// element behind a runtime call. The frames are a few DataView accesses, at
// any alignment:
//
// - an 8-byte pattern — 0xFD × 8, or [API id, 0xFD × 7] — is one
//   little-endian float64 store of the double those bytes make: both are
//   finite doubles, never NaN, so no NaN canonicalization can touch them,
//   and comparing such a double (neither NaN nor ±0) compares its bits;
// - the size field is two u32 stores, big-endian as CPython writes it.
//
// Every access names its byte order, so the platform's never matters.
// ---------------------------------------------------------------------------

/** Eight `FORBIDDEN_BYTE`s as a double. */
const FORBIDDEN_F64 = -7.845911676394542e298;

/** The double whose 8 bytes, stored little-endian, are `bytes`; it must not be a NaN. */
function doubleOfBytes(bytes: readonly number[]): number {
  const d = new DataView(new Uint8Array(bytes).buffer).getFloat64(0, true);
  if (Number.isNaN(d)) throw new Error(`debug hooks: the pattern ${bytes.join(',')} is a NaN`);
  return d;
}

// Checked once, at load: the double is the byte pattern.
if (!Object.is(doubleOfBytes(new Array<number>(8).fill(FORBIDDEN_BYTE)), FORBIDDEN_F64)) throw new Error('debug hooks: wrong double pattern for 0xfd');

/**
 * One debug allocator's state, read by the module-level hot functions below
 * (monomorphic, no closures, no per-call objects or strings). Made by
 * {@link makeDebugHooks} as one object literal, so every field has its
 * final representation from the start (a class with declared fields would
 * first define them as undefined, and the numbers would then be loaded as
 * generic tagged values).
 */
interface DebugHooks {
  readonly heap: SharedHeap;
  readonly base: MemAllocator;
  /** The heap's memset (`heap.fill`). */
  readonly fill: (address: number, byte: number, length: number) => void;
  readonly u8: Uint8Array;
  /** The heap's lowest allocatable address (`regionStart`), for reports. */
  readonly lowAddress: number;
  /** The whole heap as a DataView (fixed length, like the typed-array views). */
  readonly dv: DataView;
  /** Heap size in bytes (the trailing guard of a sane block ends below it). */
  readonly heapSize: number;
  readonly apiId: string;
  readonly apiCode: number;
  /** The 8 bytes at p - S as a little-endian double: the API id, then 7 guard bytes. */
  readonly apiDouble: number;
  readonly serial: boolean;
  /** Bytes added to each request: 3·S, or 4·S with serial numbers. */
  readonly extra: number;
  /** Largest request that still fits with the frame. */
  readonly maxRequest: number;
  /** Bytes after the data: the trailer guard and the serial number. */
  readonly tailBytes: number;
  /** Data bytes never filled (the object header in the free-threaded object domain). */
  readonly protect: number;
  readonly checkThread: (() => boolean) | null;
  readonly interpreter: ObmallocState | null;
  readonly options: DebugHookOptions;
  /** Function names for reports, made once (`_PyMem_DebugRawFree` …). */
  readonly nameMalloc: string;
  readonly nameCalloc: string;
  readonly nameRealloc: string;
  readonly nameFree: string;
}

function makeDebugHooks(heap: SharedHeap, base: MemAllocator, domain: AllocatorDomain, options: DebugHookOptions): DebugHooks {
  const apiId = API_ID[domain];
  const apiCode = apiId.charCodeAt(0);
  const serial = options.serialNumbers === true;
  const extra = (serial ? 4 : 3) * DEBUG_S;
  const name = `_PyMem_Debug${domain === 'raw' ? 'Raw' : ''}`;
  return {
    heap,
    base,
    fill: heap.fill,
    u8: heap.u8,
    lowAddress: heap.regionStart,
    dv: new DataView(heap.buffer, 0, heap.size),
    heapSize: heap.size,
    apiId,
    apiCode,
    apiDouble: doubleOfBytes([apiCode, ...new Array<number>(DEBUG_S - 1).fill(FORBIDDEN_BYTE)]),
    serial,
    extra,
    maxRequest: MAX_REQUEST_SIZE - extra,
    tailBytes: extra - DEBUG_HEADER_SIZE,
    protect: domain === 'object' && options.freeThreaded !== false ? OBJECT_PROTECTED_BYTES : 0,
    checkThread: domain !== 'raw' && options.isAttached !== undefined ? options.isAttached : null,
    interpreter: domain !== 'raw' && options.interpreter !== undefined ? options.interpreter : null,
    options,
    nameMalloc: `${name}Malloc`,
    nameCalloc: `${name}Calloc`,
    nameRealloc: `${name}Realloc`,
    nameFree: `${name}Free`,
  };
}

function requireAttached(s: DebugHooks, fn: string): void {
  if (!s.checkThread!()) {
    fatalError(`${fn}: Python memory allocator called without an attached thread state (API '${s.apiId}')`);
  }
}

/**
 * Writes the frame around the n data bytes of block `b` (size, API id,
 * leading guard, trailing guard, serial number); returns p = b + 2·S.
 * SAFETY: plain stores — the block was just handed to this thread (malloc,
 * calloc, realloc) and nobody else can reach it yet.
 */
function writeFrame(s: DebugHooks, b: number, n: number): number {
  const dv = s.dv;
  const p = b + K_HEADER;
  dv.setUint32(b + K_SIZE_OFFSET, 0); // the size's high half: sizes are below 2^31
  dv.setUint32(b + K_SIZE_LOW_OFFSET, n); // big-endian
  dv.setFloat64(b + K_API_ID_OFFSET, s.apiDouble, true); // the API id, the leading guard
  const end = p + n;
  dv.setFloat64(end + K_TRAILING_GUARD_OFFSET, FORBIDDEN_F64, true);
  if (s.serial) {
    dv.setUint32(end + K_SERIAL_OFFSET, 0);
    dv.setUint32(end + K_SERIAL_LOW_OFFSET, ++serialCounter >>> 0);
  }
  return p;
}

/**
 * Checks the API id and both guards of the block at p and returns its
 * requested size: one 8-byte compare per guard, and on any mismatch
 * CPython's byte-wise check, which reports the first problem.
 * A double compare is a bit compare here: the expected patterns are neither
 * NaN nor ±0, and any NaN read is unequal, so it takes the byte-wise path.
 * SAFETY: plain loads — the block belongs to the calling thread (it is
 * freeing or reallocating it). When `p` is not a block at all (the misuse
 * this check exists for), the bytes may be anyone's: the loads stay inside
 * the heap and only decide whether to report.
 */
function checkFrame(s: DebugHooks, p: number, fn: string): number {
  const dv = s.dv;
  // A Number (tested first: nothing else is converted), an integer, with
  // its header inside the heap; anything else takes the slow path, which
  // reports it.
  if (typeof p !== 'number' || p >>> 0 !== p || p < K_HEADER || p > s.heapSize || dv.getFloat64(p - K_HEADER + K_API_ID_OFFSET, true) !== s.apiDouble) {
    return checkFrameSlow(s, p, fn);
  }
  // Sizes are below 2^31: the high four bytes are not read (as before).
  const n = dv.getUint32(p - K_HEADER + K_SIZE_LOW_OFFSET); // big-endian
  if (p + n + K_DEBUG_S > s.heapSize || dv.getFloat64(p + n + K_TRAILING_GUARD_OFFSET, true) !== FORBIDDEN_F64) return checkFrameSlow(s, p, fn);
  return n;
}

/** Whether a debug header could sit before `p`: a u32 integer with the 2·S header bytes inside the heap. */
function headerInHeap(heapSize: number, p: unknown): p is number {
  return typeof p === 'number' && p >>> 0 === p && p >= DEBUG_HEADER_SIZE && p <= heapSize;
}

/**
 * CPython's byte-wise check (`_PyMem_DebugCheckAddress`), which reports the
 * first problem found. SAFETY: plain loads, as in {@link checkFrame}; a
 * byte outside the heap is never read (`u8` past its end reads undefined).
 */
function checkFrameSlow(s: DebugHooks, p: number, fn: string): number {
  if (!headerInHeap(s.heapSize, p)) {
    report(s, p, `${fn}: bad address: ${describeAddress(p)} cannot be a memory block of the heap`);
  }
  const u8 = s.u8;
  const b = p - DEBUG_HEADER_SIZE;
  const found = u8[b + DEBUG_API_ID_OFFSET];
  if (found !== s.apiCode) {
    report(s, p, `${fn}: bad ID: Allocated using API '${printable(found)}', verified using API '${s.apiId}'`);
  }
  for (let i = b + DEBUG_LEADING_GUARD_OFFSET; i < p; i++) {
    if (u8[i] !== FORBIDDEN_BYTE) report(s, p, `${fn}: bad leading pad byte`);
  }
  const n = frameSize(u8, b);
  // A trailing guard that would leave the heap is damaged by definition
  // (`u8` reads past its end give undefined, which is not FORBIDDEN_BYTE).
  for (let i = p + n; i < p + n + DEBUG_S; i++) {
    if (u8[i] !== FORBIDDEN_BYTE) report(s, p, `${fn}: bad trailing pad byte`);
  }
  return n;
}

/**
 * The requested size in the frame at `b`, byte-wise (the low half of the
 * big-endian u64; sizes are below 2^31). SAFETY: plain loads under the
 * caller's condition (checkFrameSlow, report).
 */
function frameSize(u8: Uint8Array, b: number): number {
  const i = b + DEBUG_SIZE_LOW_OFFSET;
  return ((u8[i] << 24) | (u8[i + 1] << 16) | (u8[i + 2] << 8) | u8[i + 3]) >>> 0;
}

/** A block of another interpreter's pymalloc must not be freed here (reported before anything is touched). */
function checkOwner(s: DebugHooks, p: number, fn: string): void {
  const message = foreignBlockMessage(s.interpreter!, p - K_HEADER, fn);
  if (message !== undefined) report(s, p, message);
}

function debugMalloc(s: DebugHooks, n: number): number {
  if (s.checkThread !== null) requireAttached(s, s.nameMalloc);
  // The domain entry points checked n already; a direct call is checked here (see the file comment).
  if (typeof n !== 'number' || (n | 0) !== n || n < 0) return rejectSize(s.nameMalloc, 'the size', n);
  if (n > s.maxRequest) return 0;
  const b = s.base.malloc(n + s.extra);
  if (b === 0) return 0;
  const p = writeFrame(s, b, n);
  // SAFETY: plain stores into the block just handed to this thread.
  const start = s.protect;
  if (n > start) s.fill(p + start, CLEAN_BYTE, n - start);
  return p;
}

function debugCalloc(s: DebugHooks, nelem: number, elsize: number): number {
  if (s.checkThread !== null) requireAttached(s, s.nameCalloc);
  if (typeof nelem !== 'number' || typeof elsize !== 'number' || (nelem | 0) !== nelem || (elsize | 0) !== elsize || nelem < 0 || elsize < 0) {
    return rejectCallocSizes(s.nameCalloc, nelem, elsize);
  }
  const n = nelem * elsize;
  if (n > s.maxRequest) return 0;
  const b = s.base.calloc(1, n + s.extra);
  if (b === 0) return 0;
  return writeFrame(s, b, n);
}

function debugRealloc(s: DebugHooks, p: number, n: number): number {
  if (s.checkThread !== null) requireAttached(s, s.nameRealloc);
  if (typeof n !== 'number' || (n | 0) !== n || n < 0) return rejectSize(s.nameRealloc, 'the size', n);
  // As CPython's debug realloc: too large fails before p is looked at, and p stays valid.
  if (n > s.maxRequest) return 0;
  const old = checkFrame(s, p, s.nameRealloc);
  if (s.interpreter !== null) checkOwner(s, p, s.nameRealloc);
  // No save/restore of the old contents around the underlying realloc, as
  // in CPython's free-threaded build: another thread may be reading them.
  const b = s.base.realloc(p - K_HEADER, n + s.extra);
  if (b === 0) return 0; // p is untouched and still valid
  const q = writeFrame(s, b, n);
  // SAFETY: plain stores into this thread's block, never over the
  // protected object header (the fills start at `protect` at the earliest).
  const protect = s.protect;
  if (n > old) {
    // Growth: the new bytes are clean.
    const start = old > protect ? old : protect;
    if (n > start) s.fill(q + start, CLEAN_BYTE, n - start);
  } else if (n < old && q === p) {
    // Shrunk in place: the bytes cut off (up to the old trailer's end) are dead.
    const from = n + s.tailBytes;
    const start = from > protect ? from : protect;
    const to = old + s.tailBytes;
    if (to > start) s.fill(q + start, DEAD_BYTE, to - start);
  }
  return q;
}

function debugFree(s: DebugHooks, p: number): void {
  if (s.checkThread !== null) requireAttached(s, s.nameFree);
  const n = checkFrame(s, p, s.nameFree);
  if (s.interpreter !== null) checkOwner(s, p, s.nameFree);
  // The whole frame is dead, as in CPython: header, data, trailing guard and
  // serial number (the object header bytes excepted).
  // SAFETY: plain stores — the caller owns the block until base.free below;
  // the object header that lock-free readers may still read is not touched.
  const b = p - K_HEADER;
  const protect = s.protect;
  const end = n + s.tailBytes; // dead bytes from p on
  if (protect === 0) {
    s.fill(b, DEAD_BYTE, K_HEADER + end);
  } else {
    s.fill(b, DEAD_BYTE, K_HEADER);
    if (end > protect) s.fill(p + protect, DEAD_BYTE, end - protect);
  }
  s.base.free(b);
}

/**
 * Wraps `base` with the debug hooks of `domain` (API id 'r', 'm' or 'o').
 * Unlike other allocator objects, the result checks its arguments (see the
 * module documentation).
 * @throws RangeError for a domain other than 'raw', 'mem' and 'object'.
 * @public
 */
export function debugAllocator(heap: SharedHeap, base: MemAllocator, domain: AllocatorDomain, options: DebugHookOptions = {}): DebugAllocator {
  if (domain !== 'raw' && domain !== 'mem' && domain !== 'object') {
    throw new RangeError(`debugAllocator: unknown allocator domain ${describeValue(domain)}; the domains are 'raw', 'mem' and 'object'`);
  }
  const s = makeDebugHooks(heap, base, domain, options);
  // Own-property methods (not a class's prototype methods), so that
  // `{ ...previous, malloc }` wrappers keep working.
  return {
    wrapped: base,
    apiId: s.apiId,
    malloc: (n: number): number => debugMalloc(s, n),
    calloc: (nelem: number, elsize: number): number => debugCalloc(s, nelem, elsize),
    realloc: (p: number, n: number): number => debugRealloc(s, p, n),
    free: (p: number): void => debugFree(s, p),
  };
}

function printable(code: number): string {
  return code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : `\\x${code.toString(16).padStart(2, '0')}`;
}

function hex(u8: Uint8Array, from: number, count: number): string {
  return Array.from(u8.subarray(from, from + count), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** An address as a report shows it: `0x0001f2a0` for a u32 integer, else the value and its kind. */
function describeAddress(p: unknown): string {
  return typeof p === 'number' && p >>> 0 === p ? formatAddress(p) : describeValue(p);
}

/**
 * `_PyObject_DebugDumpAddress` + `Py_FatalError`: everything known about the
 * block, then a fatal error. Reads only bytes inside the heap, so any `p`
 * gets its report: one whose header cannot lie in the heap gets a line
 * saying so instead of a dump.
 * SAFETY: plain loads of bytes that are only printed: the block's, or, when
 * `p` is not a block, whoever's they are (a racy dump is still a dump).
 */
function report(s: DebugHooks, p: number, what: string): never {
  if (!headerInHeap(s.heapSize, p)) {
    const where = typeof p === 'number' && p >>> 0 === p && p <= s.heapSize ? `too close to the heap's start for a ${DEBUG_HEADER_SIZE}-byte debug header` : 'not an address inside the heap';
    fatalError(
      `Debug memory block at address p=${describeAddress(p)}: ${where} ` +
        `(blocks lie from ${formatAddress(s.lowAddress)} to ${formatAddress(s.heapSize - 1)}); nothing to dump\n` +
        `${allocationTracebackLines(s.options, p)}\n${what}`,
    );
  }
  const u8 = s.u8;
  const b = p - DEBUG_HEADER_SIZE;
  const id = u8[b + DEBUG_API_ID_OFFSET];
  const n = frameSize(u8, b);
  const lines = [`Debug memory block at address p=${formatAddress(p)}: API '${printable(id)}'`];
  lines.push(`    ${n} bytes originally requested`);
  const lead = Array.from(u8.subarray(b + DEBUG_LEADING_GUARD_OFFSET, p));
  if (lead.every((b) => b === FORBIDDEN_BYTE)) lines.push(`    The ${DEBUG_S - 1} pad bytes at p-${DEBUG_S - 1} are FORBIDDENBYTE, as expected.`);
  else {
    lines.push(`    The ${DEBUG_S - 1} pad bytes at p-${DEBUG_S - 1} are not all FORBIDDENBYTE (0xfd):`);
    lead.forEach((b, i) => lines.push(`        at p-${DEBUG_S - 1 - i}: 0x${b.toString(16).padStart(2, '0')}${b === FORBIDDEN_BYTE ? '' : ' *** OUCH'}`));
  }
  // Only trust the size (and so the tail) when it fits in the heap.
  if (p + n + DEBUG_S <= s.heapSize) {
    const tail = p + n;
    const trail = Array.from(u8.subarray(tail + DEBUG_TRAILING_GUARD_OFFSET, tail + DEBUG_TRAILING_GUARD_OFFSET + DEBUG_S));
    if (trail.every((b) => b === FORBIDDEN_BYTE)) lines.push(`    The ${DEBUG_S} pad bytes at tail=${formatAddress(tail)} are FORBIDDENBYTE, as expected.`);
    else {
      lines.push(`    The ${DEBUG_S} pad bytes at tail=${formatAddress(tail)} are not all FORBIDDENBYTE (0xfd):`);
      trail.forEach((b, i) => lines.push(`        at tail+${i}: 0x${b.toString(16).padStart(2, '0')}${b === FORBIDDEN_BYTE ? '' : ' *** OUCH'}`));
    }
    // The serial number only when it lies in the heap too.
    const serial = tail + DEBUG_SERIAL_LOW_OFFSET;
    if (s.serial && serial + 4 <= s.heapSize) {
      const serialNo = ((u8[serial] << 24) | (u8[serial + 1] << 16) | (u8[serial + 2] << 8) | u8[serial + 3]) >>> 0;
      lines.push(`    The block was made by call #${serialNo}.`);
    }
    lines.push(`    Data at p: ${hex(u8, p, Math.min(n, 16))}${n > 16 ? ' ...' : ''}`);
  }
  lines.push(allocationTracebackLines(s.options, p));
  fatalError(`${lines.join('\n')}\n${what}`);
}

/** The allocation traceback part of a report; a provider that throws must not hide the report. */
function allocationTracebackLines(options: DebugHookOptions, p: number): string {
  let traceback: string | undefined;
  try {
    traceback = options.allocationTraceback?.(p);
  } catch (e) {
    return `The memory block allocation traceback is unavailable (the provider threw: ${String(e)})`;
  }
  return traceback !== undefined ? `Memory block allocated at (most recent call first):\n${traceback}` : 'Enable tracemalloc to get the memory block allocation traceback';
}

/**
 * Installs the debug hooks on every domain (`PyMem_SetupDebugHooks`): each
 * domain's current allocator gets wrapped, unless it already is. With
 * `options.mi`, the thread's mimalloc object heaps learn the hooks' header
 * size (see {@link DebugHookOptions.mi}).
 * @public
 */
export function setupDebugHooks(heap: SharedHeap, domains: AllocatorDomains, options: DebugHookOptions = {}): void {
  if (options.mi !== undefined && options.freeThreaded !== false) miThreadSetDebugHeader(options.mi, DEBUG_HEADER_SIZE);
  for (const domain of ['raw', 'mem', 'object'] as const) {
    const current = getAllocator(domains, domain);
    if (!isDebugAllocator(current)) setAllocator(domains, domain, debugAllocator(heap, current, domain, options));
  }
}
