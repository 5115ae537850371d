/**
 * Interpreter frames (`_PyInterpreterFrame`, `Include/internal/pycore_frame.h`)
 * and the thread's data stack they live on (`_PyThreadState_PushFrame`,
 * `_PyThreadStateImpl.datastack_*`): both in the shared heap, so that a
 * collector on another thread can visit them while the world is stopped.
 *
 * A frame is {@link FRAME_SPECIALS_WORDS} header words, then
 * `co_nlocalsplus` local slots (locals, cells, free variables), then the
 * value stack. Every slot holds a strong reference or 0 (CPython's NULL:
 * an unbound local, the "no self" marker of calls).
 *
 * Departure from DESIGN.md §8, said here: slots are one word (a boxed
 * object), not eight bytes with unboxed compact ints and floats; unboxing
 * is the next tier (vm-speed-facts.md measures what it buys).
 */

import { FRAME_SPECIALS_WORDS } from '@ft/objects';
import { pyMemFree, pyMemMalloc } from '@ft/obmalloc';
import type { AllocatorDomains } from '@ft/obmalloc';

/** `f_executable`: the code object (strong). */
export const F_CODE = 0;
/** `f_funcobj`: the function (strong), 0 for module and class bodies run by exec. */
export const F_FUNC = 1;
/** `f_globals`: borrowed from the function when there is one (it holds them), strong otherwise. */
export const F_GLOBALS = 2;
/** `f_builtins`: as `f_globals`. */
export const F_BUILTINS = 3;
/** `f_locals`: the mapping of module and class bodies (strong), 0 for functions. */
export const F_LOCALS = 4;
/** `previous`: the calling frame's byte address (0: none). */
export const F_PREVIOUS = 5;
/** `instr_ptr`: code unit index of the next instruction (saved when the frame is left). */
export const F_INSTR = 6;
/** `stacktop`: slots in use above the frame header (locals plus stack). */
export const F_STACKTOP = 7;
/** `owner`: {@link OWNED_BY_THREAD}, {@link OWNED_BY_GENERATOR} or {@link OWNED_BY_THREAD_INIT}. */
export const F_OWNER = 8;
/** `frame_obj`: the frame object made for it (tracebacks, `sys._getframe`), or 0. */
export const F_FRAME_OBJECT = 9;
/** First local slot. */
export const F_LOCALSPLUS = FRAME_SPECIALS_WORDS;

export const OWNED_BY_THREAD = 0;
export const OWNED_BY_GENERATOR = 1;
/** A thread's frame of an `__init__` that CALL_ALLOC_AND_ENTER_INIT entered: its return value must be None, the caller's result is the instance. */
export const OWNED_BY_THREAD_INIT = 2;

if (F_LOCALSPLUS !== 10) throw new Error('frame.ts: @ft/objects FRAME_SPECIALS_WORDS changed; update the frame layout');

/** Words of a data-stack chunk (`DATA_STACK_CHUNK_SIZE`: 16 KiB in CPython; ours 64 KiB). */
const CHUNK_WORDS = 16384;

/** One chunk of the data stack: word indices. */
interface Chunk {
  readonly block: number;
  readonly base: number;
  readonly limit: number;
  /** The top when the next chunk was entered (restored when it is left). */
  savedTop: number;
}

/**
 * A thread's data stack: frames pushed and popped in LIFO order, in
 * chunks of PyMem blocks linked as CPython's (a frame never straddles two).
 */
export class DataStack {
  private readonly chunks: Chunk[] = [];
  private current = -1;
  /** Word index of the first free word of the current chunk. */
  top = 0;
  /** Word index of the current chunk's end. */
  limit = 0;

  constructor(private readonly domains: AllocatorDomains) {}

  /**
   * `_PyThreadState_PushFrame` when the current chunk is full: moves to
   * the next chunk (allocating it) and returns the frame's word index, or
   * 0 when memory ran out.
   */
  pushSlow(words: number): number {
    if (this.current >= 0) this.chunks[this.current]!.savedTop = this.top;
    let next: Chunk | undefined = this.chunks[this.current + 1];
    if (next !== undefined && next.limit - next.base < words) {
      pyMemFree(this.domains, next.block);
      this.chunks.length = this.current + 1;
      next = undefined;
    }
    if (next === undefined) {
      const size = Math.max(CHUNK_WORDS, words);
      const block = pyMemMalloc(this.domains, size * 4);
      if (block === 0) return 0;
      next = { block, base: block >>> 2, limit: (block >>> 2) + size, savedTop: 0 };
      this.chunks.push(next);
    }
    this.current++;
    this.top = next.base + words;
    this.limit = next.limit;
    return next.base;
  }

  /** `_PyThreadState_PopFrame`: the frame at word index `fw` (the most recent) is gone. */
  pop(fw: number): void {
    const chunk = this.chunks[this.current]!;
    if (fw === chunk.base && this.current > 0) {
      this.current--;
      const prev = this.chunks[this.current]!;
      this.top = prev.savedTop;
      this.limit = prev.limit;
      return;
    }
    this.top = fw;
  }

  /** Frees every chunk (the thread state's deletion; no frame may be live). */
  release(): void {
    for (const c of this.chunks) pyMemFree(this.domains, c.block);
    this.chunks.length = 0;
    this.current = -1;
    this.top = this.limit = 0;
  }
}
