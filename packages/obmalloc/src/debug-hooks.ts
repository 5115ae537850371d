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

/**
 * Wraps `base` with the debug hooks for API id `apiId` ('r', 'm' or 'o').
 * @public
 */
export function debugAllocator(heap: SharedHeap, base: MemAllocator, domain: AllocatorDomain, options: DebugHookOptions = {}): DebugAllocator {
  const u8 = heap.u8;
  const apiId = API_ID[domain];
  const apiCode = apiId.charCodeAt(0);
  const serial = options.serialNumbers === true;
  const extra = (serial ? 4 : 3) * DEBUG_S;
  /** Bytes after the data: the trailer guard and the serial number. */
  const tailBytes = extra - 2 * DEBUG_S;
  const protect = domain === 'object' && options.freeThreaded !== false ? OBJECT_PROTECTED_BYTES : 0;
  const checkThread = domain !== 'raw' && options.isAttached !== undefined ? options.isAttached : null;
  const interpreter = domain !== 'raw' && options.interpreter !== undefined ? options.interpreter : null;
  const name = `_PyMem_Debug${domain === 'raw' ? 'Raw' : ''}`;

  const requireAttached = (fn: string): void => {
    if (checkThread !== null && !checkThread()) {
      fatalError(`${name}${fn}: Python memory allocator called without an attached thread state (API '${apiId}')`);
    }
  };
  const readSize = (p: number): number => {
    const b = p - 2 * DEBUG_S;
    // Sizes are below 2^31: the high four bytes are zero.
    return ((u8[b + 4] << 24) | (u8[b + 5] << 16) | (u8[b + 6] << 8) | u8[b + 7]) >>> 0;
  };
  const writeFrame = (base: number, n: number): number => {
    const p = base + 2 * DEBUG_S;
    u8.fill(0, base, base + 4);
    u8[base + 4] = (n >>> 24) & 0xff;
    u8[base + 5] = (n >>> 16) & 0xff;
    u8[base + 6] = (n >>> 8) & 0xff;
    u8[base + 7] = n & 0xff;
    u8[base + DEBUG_S] = apiCode;
    u8.fill(FORBIDDEN_BYTE, base + DEBUG_S + 1, p);
    u8.fill(FORBIDDEN_BYTE, p + n, p + n + DEBUG_S);
    if (serial) {
      const s = ++serialCounter >>> 0;
      const tail = p + n + DEBUG_S;
      u8.fill(0, tail, tail + 4);
      u8[tail + 4] = s >>> 24;
      u8[tail + 5] = (s >>> 16) & 0xff;
      u8[tail + 6] = (s >>> 8) & 0xff;
      u8[tail + 7] = s & 0xff;
    }
    return p;
  };
  const fill = (p: number, from: number, to: number, byte: number): void => {
    const start = Math.max(from, protect);
    if (to > start) u8.fill(byte, p + start, p + to);
  };
  /** A block of another interpreter's pymalloc must not be freed here (reported before anything is touched). */
  const checkOwner = (p: number, fn: string): void => {
    if (interpreter === null) return;
    const message = foreignBlockMessage(interpreter, p - 2 * DEBUG_S, `${name}${fn}`);
    if (message !== undefined) report(heap, p, serial, options, message);
  };
  const check = (p: number, fn: string): number => {
    if (u8[p - DEBUG_S] !== apiCode) {
      const found = u8[p - DEBUG_S];
      report(heap, p, serial, options, `${name}${fn}: bad ID: Allocated using API '${printable(found)}', verified using API '${apiId}'`);
    }
    for (let i = p - DEBUG_S + 1; i < p; i++) {
      if (u8[i] !== FORBIDDEN_BYTE) report(heap, p, serial, options, `${name}${fn}: bad leading pad byte`);
    }
    const n = readSize(p);
    for (let i = p + n; i < p + n + DEBUG_S; i++) {
      if (u8[i] !== FORBIDDEN_BYTE) report(heap, p, serial, options, `${name}${fn}: bad trailing pad byte`);
    }
    return n;
  };

  return {
    wrapped: base,
    apiId,
    malloc(n: number): number {
      requireAttached('Malloc');
      if (n > MAX_REQUEST_SIZE - extra) return 0;
      const b = base.malloc(n + extra);
      if (b === 0) return 0;
      const p = writeFrame(b, n);
      fill(p, 0, n, CLEAN_BYTE);
      return p;
    },
    calloc(nelem: number, elsize: number): number {
      requireAttached('Calloc');
      const n = nelem * elsize;
      if (n > MAX_REQUEST_SIZE - extra) return 0;
      const b = base.calloc(1, n + extra);
      if (b === 0) return 0;
      return writeFrame(b, n);
    },
    realloc(p: number, n: number): number {
      requireAttached('Realloc');
      if (n > MAX_REQUEST_SIZE - extra) return 0;
      const old = check(p, 'Realloc');
      checkOwner(p, 'Realloc');
      // No save/restore of the old contents around the underlying realloc, as
      // in CPython's free-threaded build: another thread may be reading them.
      const b = base.realloc(p - 2 * DEBUG_S, n + extra);
      if (b === 0) return 0; // p is untouched and still valid
      const q = writeFrame(b, n);
      if (n > old) fill(q, old, n, CLEAN_BYTE);
      // Shrunk in place: the bytes cut off (up to the old trailer's end) are dead.
      else if (n < old && q === p) fill(q, n + tailBytes, old + tailBytes, DEAD_BYTE);
      return q;
    },
    free(p: number): void {
      requireAttached('Free');
      const n = check(p, 'Free');
      checkOwner(p, 'Free');
      // The header and the data are dead (the object header bytes excepted).
      u8.fill(DEAD_BYTE, p - 2 * DEBUG_S, p);
      fill(p, 0, n, DEAD_BYTE);
      base.free(p - 2 * DEBUG_S);
    },
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
