/**
 * Behaviour registries: code cannot live in shared memory, so a type object
 * names its dealloc/traverse/clear/finalize behaviours by small integer ids
 * into registries that every thread builds in the same order (DESIGN.md §2).
 * A thread that joins a runtime compares a fingerprint of its registries with
 * the one recorded at creation and is refused if they differ: a mismatched id
 * would call the wrong code on shared objects.
 */

import type { ClearFn, DeallocFn, FinalizeFn, TraverseFn } from './rc-thread.js';

/** Id of the default dealloc behaviour (`object_dealloc` / `subtype_dealloc`). @public */ export const OBJECT_DEALLOC = 0;
/** Id of the heap-type dealloc behaviour (`type_dealloc`). @public */ export const TYPE_DEALLOC = 1;
/**
 * How many dealloc ids are built in: registered deallocs get ids from here
 * on. `rcThreadInit` puts the built-in behaviours (object-memory.ts) in front
 * of the registry's in every thread's dispatch table.
 */
const BUILTIN_DEALLOCS = 2;

/** The behaviour kinds a type names. @public */
export type BehaviourKind = 'dealloc' | 'traverse' | 'clear' | 'finalize';

/**
 * The behaviours one thread registers, by id. Id 0 of traverse, clear and
 * finalize means "none". Dealloc ids 0 and 1 are built in
 * ({@link OBJECT_DEALLOC}: free the memory, release a heap type;
 * {@link TYPE_DEALLOC}: a heap type's), so registered deallocs start at 2;
 * the registry holds only what was added.
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
  /** Registered dealloc behaviours; the one with id `i` is at `i - 2` (ids 0 and 1 are built in). */
  readonly dealloc: DeallocFn[] = [];
  /** Traverse behaviours by id (0 = none). */
  readonly traverse: (TraverseFn | null)[] = [null];
  /** Clear behaviours by id (0 = none). */
  readonly clear: (ClearFn | null)[] = [null];
  /** Finalize behaviours by id (0 = none). */
  readonly finalize: (FinalizeFn | null)[] = [null];
  private readonly names: string[] = [];
  private sealed = false;
  private sealedFingerprint = 0;

  /**
   * Registers a dealloc behaviour under a name unique among deallocs and
   * returns its id. Throws once the registry has been used to join a runtime
   * (ids must not change after that) or when the name is taken.
   */
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
    return kind === 'dealloc' ? BUILTIN_DEALLOCS + table.length - 1 : table.length - 1;
  }

  /**
   * FNV-1a hash of the registered names in order: equal registries (same
   * names, same order) have equal fingerprints.
   */
  fingerprint(): number {
    // Sealed, the names never change: hashed once (every thread state a worker makes checks it).
    if (this.sealedFingerprint !== 0) return this.sealedFingerprint;
    let h = 0x811c9dc5;
    for (const key of this.names) {
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
      h = Math.imul(h ^ 0x0a, 0x01000193);
    }
    const fingerprint = h >>> 0;
    if (this.sealed) this.sealedFingerprint = fingerprint;
    return fingerprint;
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
