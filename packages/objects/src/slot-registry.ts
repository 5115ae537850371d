/**
 * Slot behaviours by id (DESIGN.md §2, §7): a type names its `tp_hash`,
 * `tp_richcompare`, … by small integers into per-kind tables that every
 * thread builds in the same order — the builtin types' first (this
 * package registers them), then those of the layers above (the VM's slot
 * wrappers that call Python methods). A thread joining the runtime compares
 * the registry's fingerprint with the one the runtime was created with.
 */

import { SLOT_KINDS, type SlotKind, type SlotShapes, type SlotTables } from './ob-thread.js';

/**
 * The slot behaviours one thread registers. Id 0 of every kind means
 * "none" (the slot is empty; `PyType_Ready` may inherit it).
 * @public
 */
export class SlotRegistry {
  private readonly tables: { [K in SlotKind]: (SlotShapes[K] | null)[] };
  private readonly names: string[] = [];
  private sealed = false;
  private sealedFingerprint = 0;

  constructor() {
    this.tables = Object.fromEntries(SLOT_KINDS.map((k) => [k, [null]])) as unknown as { [K in SlotKind]: (SlotShapes[K] | null)[] };
  }

  /** Registers a behaviour for slot `kind` under a name unique for that kind; returns its id (≥ 1). */
  add<K extends SlotKind>(kind: K, name: string, fn: SlotShapes[K]): number {
    if (this.sealed) throw new Error(`SlotRegistry.add(${kind}, ${name}): the registry is in use by a runtime; register every slot before joining`);
    const key = `${kind}:${name}`;
    if (this.names.includes(key)) throw new Error(`SlotRegistry.add: a ${kind} slot named '${name}' is already registered`);
    this.names.push(key);
    const table = this.tables[kind];
    table.push(fn);
    return table.length - 1;
  }

  /** The tables, by kind and id (read-only for the thread that joined with them). */
  get slots(): SlotTables {
    return this.tables;
  }

  /** FNV-1a over the registered names in order (never 0). */
  fingerprint(): number {
    // Sealed, the names never change: hashed once (every thread state a worker makes checks it).
    if (this.sealedFingerprint !== 0) return this.sealedFingerprint;
    let h = 0x811c9dc5;
    for (const key of this.names) {
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
      h = Math.imul(h ^ 0x0a, 0x01000193);
    }
    const fingerprint = h >>> 0 || 1;
    if (this.sealed) this.sealedFingerprint = fingerprint;
    return fingerprint;
  }

  /** Forbids further additions (a thread joined with this registry). */
  seal(): void {
    this.sealed = true;
  }
}
