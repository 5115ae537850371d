/**
 * The state of one code object being compiled, CPython 3.13's
 * `struct compiler_unit` and `_PyCompile_CodeUnitMetadata`
 * (`Python/compile.c`, `Include/internal/pycore_compile.h`): its symbol
 * table block, its instruction sequence, the tables its opargs index into
 * (constants, names, locals, cells, free variables), and the stack of
 * blocks (`fblock`) that `break`, `continue` and `return` unwind.
 */

import type { ConstValue } from './code-unit.js';
import { constKey } from './constant.js';
import { InstructionSequence, type Label, type Location } from './instruction-sequence.js';
import type { SymtableEntry } from './symtable-entry.js';
import type { ExprNode, StmtNode } from '../parser/ast.js';

/** `COMPILER_SCOPE_*`. */
export enum ScopeType {
  Module,
  Class,
  Function,
  AsyncFunction,
  Lambda,
  Comprehension,
}

/** `enum fblocktype`. */
export enum FBlockType {
  WhileLoop,
  ForLoop,
  TryExcept,
  FinallyTry,
  FinallyEnd,
  With,
  AsyncWith,
  HandlerCleanup,
  PopValue,
  ExceptionHandler,
  ExceptionGroupHandler,
  AsyncComprehensionGenerator,
  StopIteration,
}

/** `struct fblockinfo`. */
export interface FBlockInfo {
  readonly type: FBlockType;
  readonly block: Label;
  readonly exit: Label;
  readonly loc: Location;
  /** `fb_datum`: the `finally` body (FinallyTry) or the `except … as` name (HandlerCleanup). */
  readonly datum: StmtNode[] | string | ExprNode | null;
}

/** An insertion-ordered name → index table (CPython's dicts of `u_names`, `u_varnames`…). */
export class IndexedNames {
  readonly map = new Map<string, number>();

  constructor(names: Iterable<string> = [], start = 0) {
    let i = start;
    for (const name of names) this.map.set(name, i++);
  }

  /** `dict_add_o`: the name's index, added at the end if new. */
  add(name: string): number {
    let index = this.map.get(name);
    if (index === undefined) {
      index = this.map.size;
      this.map.set(name, index);
    }
    return index;
  }

  get(name: string): number | undefined {
    return this.map.get(name);
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  get size(): number {
    return this.map.size;
  }

  /** The names ordered by index. */
  ordered(): string[] {
    const out: string[] = new Array(this.map.size);
    for (const [name, i] of this.map) out[i] = name;
    return out;
  }
}

/** `u_consts`: each distinct constant ({@link constKey}) once, in order of first use. */
export class ConstTable {
  readonly values: ConstValue[] = [];
  private readonly index = new Map<string, number>();

  add(value: ConstValue): number {
    const key = constKey(value);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(key, i);
    }
    return i;
  }
}

/** `struct compiler_unit` with its metadata. */
export class CompilerUnit {
  readonly seq = new InstructionSequence();
  readonly consts = new ConstTable();
  readonly names = new IndexedNames();
  readonly varnames: IndexedNames;
  readonly cellvars: IndexedNames;
  readonly freevars: IndexedNames;
  /** `u_fasthidden`: names of a module or class body made fast locals by an inlined comprehension (true while inside it). */
  readonly fasthidden = new Map<string, boolean>();
  /** `u_static_attributes`: `self.X` assigned in the methods of this class. */
  readonly staticAttributes: Set<string> | null;
  readonly fblocks: FBlockInfo[] = [];
  argcount = 0;
  posonlyargcount = 0;
  kwonlyargcount = 0;
  qualname = '';
  /** `u_private`: the class name used for mangling. */
  private_: string | null = null;
  /** `u_in_inlined_comp`. */
  inInlinedComp = 0;

  constructor(
    readonly ste: SymtableEntry,
    readonly scopeType: ScopeType,
    readonly name: string,
    readonly firstlineno: number,
    varnames: IndexedNames,
    cellvars: IndexedNames,
    freevars: IndexedNames,
  ) {
    this.varnames = varnames;
    this.cellvars = cellvars;
    this.freevars = freevars;
    this.staticAttributes = scopeType === ScopeType.Class ? new Set() : null;
  }
}
