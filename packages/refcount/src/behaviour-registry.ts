/**
 * Behaviour registries: code cannot live in shared memory, so a type object
 * names its dealloc/traverse/clear/finalize behaviours by small integer ids
 * into registries that every thread builds in the same order (DESIGN.md §2).
 * A thread that joins a runtime compares a fingerprint of its registries with
 * the one recorded at creation and is refused if they differ: a mismatched id
 * would call the wrong code on shared objects.
 */

import { objectDealloc, typeDealloc } from './object-memory.js';
import type { RcThread } from './rc-thread.js';

/**
 * A dealloc behaviour (`tp_dealloc`): called exactly once, on the thread that
 * dropped the last reference, with the object's counts at zero. It must release
 * what the object references and its memory (see `freeObject`).
 * @public
 */
export type DeallocFn = (t: RcThread, op: number) => void;

/**
 * A traverse behaviour (`tp_traverse`): calls `visit` for every object address
 * `op` references; stops and returns a non-zero result of `visit`.
 * @public
 */
export type TraverseFn = (t: RcThread, op: number, visit: (child: number) => number) => number;

/** A clear behaviour (`tp_clear`): drops the references `op` holds. @public */
export type ClearFn = (t: RcThread, op: number) => void;

/** A finalize behaviour (`tp_finalize`). @public */
export type FinalizeFn = (t: RcThread, op: number) => void;

/** The behaviour kinds a type names. @public */
export type BehaviourKind = 'dealloc' | 'traverse' | 'clear' | 'finalize';

/**
 * The behaviours of one thread, by id. Id 0 of traverse, clear and finalize
 * means "none". Every registry starts with two dealloc behaviours: id 0, the
 * default object dealloc (free the memory, release a heap type), and id 1,
 * the heap-type dealloc.
 *
 * @example
 * ```ts
 * // in every thread, in the same order:
 * const registry = new BehaviourRegistry();
 * const LIST_DEALLOC = registry.add('dealloc', 'list', (t, op) => { ... freeObject(t, op); });
 * ```
 * @public
 */
export class BehaviourRegistry {
  /** Dealloc behaviours by id. */
  readonly dealloc: DeallocFn[] = [];
  /** Traverse behaviours by id (0 = none). */
  readonly traverse: (TraverseFn | null)[] = [null];
  /** Clear behaviours by id (0 = none). */
  readonly clear: (ClearFn | null)[] = [null];
  /** Finalize behaviours by id (0 = none). */
  readonly finalize: (FinalizeFn | null)[] = [null];
  private readonly names: string[] = [];
  private sealed = false;

  constructor() {
    // Ids 0 and 1: OBJECT_DEALLOC and TYPE_DEALLOC, in every registry.
    this.add('dealloc', 'object', objectDealloc);
    this.add('dealloc', 'heap-type', typeDealloc);
  }

  /**
   * Registers a behaviour under a name unique within its kind and returns its
   * id. Throws once the registry has been used to join a runtime (ids must not
   * change after that) or when the name is taken.
   */
  /** Registers a dealloc behaviour; returns its id. */
  add(kind: 'dealloc', name: string, fn: DeallocFn): number;
  /** Registers a traverse behaviour; returns its id. */
  add(kind: 'traverse', name: string, fn: TraverseFn): number;
  /** Registers a clear behaviour; returns its id. */
  add(kind: 'clear', name: string, fn: ClearFn): number;
  /** Registers a finalize behaviour; returns its id. */
  add(kind: 'finalize', name: string, fn: FinalizeFn): number;
  add(kind: BehaviourKind, name: string, fn: DeallocFn | TraverseFn | ClearFn | FinalizeFn): number {
    if (this.sealed) throw new Error(`BehaviourRegistry.add(${kind}, ${name}): the registry is in use by a runtime; register every behaviour before joining`);
    const key = `${kind}:${name}`;
    if (this.names.includes(key)) throw new Error(`BehaviourRegistry.add: a ${kind} behaviour named '${name}' is already registered`);
    this.names.push(key);
    const table = this[kind] as unknown[];
    table.push(fn);
    return table.length - 1;
  }

  /**
   * FNV-1a hash of the registered names in order: equal registries (same
   * names, same order) have equal fingerprints.
   */
  fingerprint(): number {
    let h = 0x811c9dc5;
    for (const key of this.names) {
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
      h = Math.imul(h ^ 0x0a, 0x01000193);
    }
    return h >>> 0;
  }

  /** Forbids further additions (called when a thread joins with this registry). */
  seal(): void {
    this.sealed = true;
  }

  /** The registered names in order, `kind:name` (for error messages). */
  list(): readonly string[] {
    return this.names;
  }
}
