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
 */

import { fatalError, formatAddress, type SharedHeap } from '@ft/atomics';
import { miThreadSetDebugHeader, type MiThread } from '@ft/mimalloc';
import { MAX_REQUEST_SIZE, type AllocatorDomain, type AllocatorDomains, type MemAllocator } from './allocator-domains.js';
import { foreignBlockMessage, type ObmallocState } from './obmalloc-state.js';

/** `S`: the size of the size field and of each guard. @public */ export const DEBUG_S = 8;
/** Fill of freshly allocated memory (`PYMEM_CLEANBYTE`). @public */ export const CLEAN_BYTE = 0xcd;
/** Fill of freed memory (`PYMEM_DEADBYTE`). @public */ export const DEAD_BYTE = 0xdd;
/** Guard bytes (`PYMEM_FORBIDDENBYTE`). @public */ export const FORBIDDEN_BYTE = 0xfd;
/** Data bytes of an object block the object domain never fills (the refcount header). @public */
export const OBJECT_PROTECTED_BYTES = 16;

/** API ids of the domains. @public */
export const API_ID: Readonly<Record<AllocatorDomain, string>> = { raw: 'r', mem: 'm', object: 'o' };

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
    dv: new DataView(heap.buffer, 0, heap.size),
    heapSize: heap.size,
    apiId,
    apiCode,
    apiDouble: doubleOfBytes([apiCode, ...new Array<number>(DEBUG_S - 1).fill(FORBIDDEN_BYTE)]),
    serial,
    extra,
    maxRequest: MAX_REQUEST_SIZE - extra,
    tailBytes: extra - 2 * DEBUG_S,
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
  const p = b + 16; // 2·S
  dv.setUint32(b, 0); // the size's high half: sizes are below 2^31
  dv.setUint32(b + 4, n); // big-endian
  dv.setFloat64(b + DEBUG_S, s.apiDouble, true); // the API id, the leading guard
  dv.setFloat64(p + n, FORBIDDEN_F64, true); // the trailing guard
  if (s.serial) {
    dv.setUint32(p + n + DEBUG_S, 0);
    dv.setUint32(p + n + DEBUG_S + 4, ++serialCounter >>> 0);
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
 * freeing or reallocating it).
 */
function checkFrame(s: DebugHooks, p: number, fn: string): number {
  const dv = s.dv;
  if (p < 2 * DEBUG_S || p > s.heapSize || dv.getFloat64(p - DEBUG_S, true) !== s.apiDouble) return checkFrameSlow(s, p, fn);
  // Sizes are below 2^31: the high four bytes are not read (as before).
  const n = dv.getUint32(p - 12); // big-endian
  if (p + n + DEBUG_S > s.heapSize || dv.getFloat64(p + n, true) !== FORBIDDEN_F64) return checkFrameSlow(s, p, fn);
  return n;
}

/** CPython's byte-wise check (`_PyMem_DebugCheckAddress`), which reports the first problem found. */
function checkFrameSlow(s: DebugHooks, p: number, fn: string): number {
  const u8 = s.u8;
  if (u8[p - DEBUG_S] !== s.apiCode) {
    const found = u8[p - DEBUG_S];
    report(s.heap, p, s.serial, s.options, `${fn}: bad ID: Allocated using API '${printable(found)}', verified using API '${s.apiId}'`);
  }
  for (let i = p - DEBUG_S + 1; i < p; i++) {
    if (u8[i] !== FORBIDDEN_BYTE) report(s.heap, p, s.serial, s.options, `${fn}: bad leading pad byte`);
  }
  const b = p - 2 * DEBUG_S;
  // Sizes are below 2^31: the high four bytes are zero.
  const n = ((u8[b + 4] << 24) | (u8[b + 5] << 16) | (u8[b + 6] << 8) | u8[b + 7]) >>> 0;
  for (let i = p + n; i < p + n + DEBUG_S; i++) {
    if (u8[i] !== FORBIDDEN_BYTE) report(s.heap, p, s.serial, s.options, `${fn}: bad trailing pad byte`);
  }
  return n;
}

/** A block of another interpreter's pymalloc must not be freed here (reported before anything is touched). */
function checkOwner(s: DebugHooks, p: number, fn: string): void {
  const message = foreignBlockMessage(s.interpreter!, p - 2 * DEBUG_S, fn);
  if (message !== undefined) report(s.heap, p, s.serial, s.options, message);
}

function debugMalloc(s: DebugHooks, n: number): number {
  if (s.checkThread !== null) requireAttached(s, s.nameMalloc);
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
  const n = nelem * elsize;
  if (n > s.maxRequest) return 0;
  const b = s.base.calloc(1, n + s.extra);
  if (b === 0) return 0;
  return writeFrame(s, b, n);
}

function debugRealloc(s: DebugHooks, p: number, n: number): number {
  if (s.checkThread !== null) requireAttached(s, s.nameRealloc);
  if (n > s.maxRequest) return 0;
  const old = checkFrame(s, p, s.nameRealloc);
  if (s.interpreter !== null) checkOwner(s, p, s.nameRealloc);
  // No save/restore of the old contents around the underlying realloc, as
  // in CPython's free-threaded build: another thread may be reading them.
  const b = s.base.realloc(p - 2 * DEBUG_S, n + s.extra);
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
  const b = p - 16; // 2·S
  const protect = s.protect;
  const end = n + s.tailBytes; // dead bytes from p on
  if (protect === 0) {
    s.fill(b, DEAD_BYTE, 2 * DEBUG_S + end);
  } else {
    s.fill(b, DEAD_BYTE, 2 * DEBUG_S);
    if (end > protect) s.fill(p + protect, DEAD_BYTE, end - protect);
  }
  s.base.free(b);
}

/**
 * Wraps `base` with the debug hooks for API id `apiId` ('r', 'm' or 'o').
 * @public
 */
export function debugAllocator(heap: SharedHeap, base: MemAllocator, domain: AllocatorDomain, options: DebugHookOptions = {}): DebugAllocator {
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

function hex(heap: SharedHeap, from: number, count: number): string {
  return Array.from(heap.u8.subarray(from, from + count), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** `_PyObject_DebugDumpAddress` + `Py_FatalError`: everything known about the block, then a fatal error. */
function report(heap: SharedHeap, p: number, serial: boolean, options: DebugHookOptions, what: string): never {
  const u8 = heap.u8;
  const id = u8[p - DEBUG_S];
  const n = ((u8[p - 12] << 24) | (u8[p - 11] << 16) | (u8[p - 10] << 8) | u8[p - 9]) >>> 0;
  const lines = [`Debug memory block at address p=${formatAddress(p)}: API '${printable(id)}'`];
  lines.push(`    ${n} bytes originally requested`);
  const lead = Array.from(u8.subarray(p - DEBUG_S + 1, p));
  if (lead.every((b) => b === FORBIDDEN_BYTE)) lines.push(`    The ${DEBUG_S - 1} pad bytes at p-${DEBUG_S - 1} are FORBIDDENBYTE, as expected.`);
  else {
    lines.push(`    The ${DEBUG_S - 1} pad bytes at p-${DEBUG_S - 1} are not all FORBIDDENBYTE (0xfd):`);
    lead.forEach((b, i) => lines.push(`        at p-${DEBUG_S - 1 - i}: 0x${b.toString(16).padStart(2, '0')}${b === FORBIDDEN_BYTE ? '' : ' *** OUCH'}`));
  }
  // Only trust the size (and so the tail) when it fits in the heap.
  if (p + n + DEBUG_S <= heap.size) {
    const tail = p + n;
    const trail = Array.from(u8.subarray(tail, tail + DEBUG_S));
    if (trail.every((b) => b === FORBIDDEN_BYTE)) lines.push(`    The ${DEBUG_S} pad bytes at tail=${formatAddress(tail)} are FORBIDDENBYTE, as expected.`);
    else {
      lines.push(`    The ${DEBUG_S} pad bytes at tail=${formatAddress(tail)} are not all FORBIDDENBYTE (0xfd):`);
      trail.forEach((b, i) => lines.push(`        at tail+${i}: 0x${b.toString(16).padStart(2, '0')}${b === FORBIDDEN_BYTE ? '' : ' *** OUCH'}`));
    }
    if (serial) {
      const s = tail + DEBUG_S;
      const serialNo = ((u8[s + 4] << 24) | (u8[s + 5] << 16) | (u8[s + 6] << 8) | u8[s + 7]) >>> 0;
      lines.push(`    The block was made by call #${serialNo}.`);
    }
    lines.push(`    Data at p: ${hex(heap, p, Math.min(n, 16))}${n > 16 ? ' ...' : ''}`);
  }
  const traceback = options.allocationTraceback?.(p);
  lines.push(traceback !== undefined ? `Memory block allocated at (most recent call first):\n${traceback}` : 'Enable tracemalloc to get the memory block allocation traceback');
  fatalError(`${lines.join('\n')}\n${what}`);
}

/**
 * Installs the debug hooks on every domain (`PyMem_SetupDebugHooks`): each
 * domain's current allocator gets wrapped, unless it already is. With
 * `options.mi`, the thread's mimalloc object heaps learn the hooks' header
 * size (see {@link DebugHookOptions.mi}).
 * @public
 */
export function setupDebugHooks(heap: SharedHeap, domains: AllocatorDomains, options: DebugHookOptions = {}): void {
  if (options.mi !== undefined && options.freeThreaded !== false) miThreadSetDebugHeader(options.mi, 2 * DEBUG_S);
  for (const domain of ['raw', 'mem', 'object'] as const) {
    if (!isDebugAllocator(domains[domain])) domains[domain] = debugAllocator(heap, domains[domain], domain, options);
  }
}
