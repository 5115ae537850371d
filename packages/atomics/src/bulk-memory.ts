/**
 * Bulk memory over the heap: `fill` (C's `memset`) and `copy` (`memmove`),
 * done by WebAssembly's `memory.fill` and `memory.copy` on the shared
 * `WebAssembly.Memory` whose buffer is the heap's SharedArrayBuffer.
 *
 * Why WebAssembly: on a SharedArrayBuffer, `TypedArray.prototype.fill` and
 * `copyWithin` go element by element behind a runtime call (about 40 ns for
 * 256 bytes on Node 20), and a JavaScript loop of 8-byte stores pays a
 * mispredicted loop exit on every call whose length varies (an allocator's
 * calloc, realloc and debug fills). `memory.fill` and `memory.copy` are the
 * engine's own memset and memmove: a few nanoseconds of call, then wide
 * stores whatever the length. That is why the heap is a shared
 * WebAssembly.Memory at all; to everything else its buffer is just the
 * SharedArrayBuffer of DESIGN.md §2, with the same fixed-length views.
 *
 * Memory order: the stores are plain (unordered), exactly like typed-array
 * stores, so a caller needs the same `SAFETY:` reason as for a plain store
 * (the bytes are its own block, or a lock is held); publishing them to
 * another thread still takes an `Atomics` release/acquire pair.
 */

/**
 * The shared `WebAssembly.Memory` that holds a heap (`buffer` is the heap's
 * SharedArrayBuffer). It is postable to workers like the buffer itself.
 * Declared structurally because TypeScript's ES2022 library does not
 * describe WebAssembly (its types live in the DOM library).
 * @public
 */
export interface HeapMemory {
  /** The memory's bytes: the heap. */
  readonly buffer: SharedArrayBuffer;
}

/** Sets `length` bytes from `address` to `byte` (memset). */
export type FillBytes = (address: number, byte: number, length: number) => void;
/** Copies `length` bytes from `from` to `to`; the ranges may overlap (memmove). */
export type CopyBytes = (to: number, from: number, length: number) => void;

/** The part of the WebAssembly JavaScript API used here. */
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => HeapMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: { fill: FillBytes; copy: CopyBytes } };
}

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Bytes of a WebAssembly page: heap memories come in whole pages. */
export const WASM_PAGE_SIZE = 65536;

/**
 * The module, in WebAssembly's binary format. In the text format:
 *
 *   (module
 *     (import "ft" "heap" (memory 0 65536 shared))
 *     (func (export "fill") (param i32 i32 i32)     ;; address, byte, length
 *       local.get 0  local.get 1  local.get 2  memory.fill)
 *     (func (export "copy") (param i32 i32 i32)     ;; to, from, length
 *       local.get 0  local.get 1  local.get 2  memory.copy))
 *
 * Addresses and lengths are passed as JavaScript numbers and become i32s
 * modulo 2^32, which WebAssembly reads as unsigned: u32 addresses above
 * 2 GiB arrive intact.
 */
// prettier-ignore
const MODULE_BYTES = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  // type section: one type, (i32 i32 i32) -> ()
  0x01, 0x07, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x00,
  // import section: "ft" "heap", a memory: flags 3 (shared, has maximum), minimum 0, maximum 65536 pages
  0x02, 0x0f, 0x01, 0x02, 0x66, 0x74, 0x04, 0x68, 0x65, 0x61, 0x70, 0x02, 0x03, 0x00, 0x80, 0x80, 0x04,
  // function section: two functions of type 0
  0x03, 0x03, 0x02, 0x00, 0x00,
  // export section: "fill" = function 0, "copy" = function 1
  0x07, 0x0f, 0x02, 0x04, 0x66, 0x69, 0x6c, 0x6c, 0x00, 0x00, 0x04, 0x63, 0x6f, 0x70, 0x79, 0x00, 0x01,
  // code section: two bodies without locals
  0x0a, 0x1a, 0x02,
  0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0b, 0x00, 0x0b, //       local.get 0 1 2, memory.fill 0, end
  0x0c, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0a, 0x00, 0x00, 0x0b, // local.get 0 1 2, memory.copy 0 0, end
]);

let compiled: object | undefined;

/**
 * A fixed-size shared memory of at least `size` bytes (whole pages; the
 * OS commits a page only when it is first touched).
 */
export function newHeapMemory(size: number): HeapMemory {
  const pages = Math.ceil(size / WASM_PAGE_SIZE);
  return new wasm.Memory({ initial: pages, maximum: pages, shared: true });
}

/** Whether `value` is a shared WebAssembly.Memory. */
export function isHeapMemory(value: unknown): value is HeapMemory {
  return value instanceof wasm.Memory && (value as HeapMemory).buffer instanceof SharedArrayBuffer;
}

/** This thread's `fill` and `copy` over `memory` (one small instance per thread and memory). */
export function bindBulkMemory(memory: HeapMemory): { fill: FillBytes; copy: CopyBytes } {
  compiled ??= new wasm.Module(MODULE_BYTES);
  const { fill, copy } = new wasm.Instance(compiled, { ft: { heap: memory } }).exports;
  return { fill, copy };
}
