/**
 * The control-flow graph and its passes, CPython 3.13's `Python/flowgraph.c`:
 * the instruction sequence of one code unit is cut into basic blocks; the
 * passes that change what CPython emits run in CPython's order —
 * exception-handler labelling, inlining of small exit blocks, dead code
 * removal, line-number propagation, the peephole optimizer (jump threading,
 * constant conditions, `RETURN_CONST`, tuple folding, `COMPARE_OP`'s bool
 * bit, `LOAD_GLOBAL`'s NULL bit, SWAP elimination), NOP removal, unused
 * constant removal, `LOAD_FAST_CHECK` where a local may be unbound,
 * superinstructions, cold blocks moved to the end, the stack depth, cell and
 * free-variable offsets, the prefix instructions (`MAKE_CELL`,
 * `COPY_FREE_VARS`, `RETURN_GENERATOR`), and jump directions.
 */

import type { ConstValue } from './code-unit.js';
import { constKey, TRUE, FALSE } from './constant.js';
import type { IndexedNames } from './compiler-unit.js';
import { InstructionSequence, NO_LOCATION, type Location } from './instruction-sequence.js';
import * as op from './opcodes.js';

/** `cfg_instr`. */
export interface CfgInstr {
  opcode: number;
  oparg: number;
  loc: Location;
  /** The jump target or exception handler block (`i_target`). */
  target: BasicBlock | null;
  /** The handler active at this instruction (`i_except`). */
  except: BasicBlock | null;
}

/** `basicblock`. */
export class BasicBlock {
  instrs: CfgInstr[] = [];
  next: BasicBlock | null = null;
  label = -1;
  visited = false;
  exceptHandler = false;
  preserveLasti = false;
  cold = false;
  warm = false;
  predecessors = 0;
  startdepth = -2147483648;
  exceptStack: BasicBlock[] | null = null;
  unsafeLocalsMask = 0n;

  get last(): CfgInstr | null {
    return this.instrs.length > 0 ? this.instrs[this.instrs.length - 1] : null;
  }
}

// ---------------------------------------------------------------- opcode classes

export function hasJump(opcode: number): boolean {
  return (op.OPCODE_FLAGS[opcode] & op.HAS_JUMP_FLAG) !== 0;
}

export function hasArg(opcode: number): boolean {
  return (op.OPCODE_FLAGS[opcode] & op.HAS_ARG_FLAG) !== 0;
}

export function hasConst(opcode: number): boolean {
  return (op.OPCODE_FLAGS[opcode] & op.HAS_CONST_FLAG) !== 0;
}

/** `IS_BLOCK_PUSH_OPCODE`. */
export function isBlockPush(opcode: number): boolean {
  return opcode === op.SETUP_FINALLY || opcode === op.SETUP_WITH || opcode === op.SETUP_CLEANUP;
}

/** `HAS_TARGET`. */
export function hasTarget(opcode: number): boolean {
  return hasJump(opcode) || isBlockPush(opcode);
}

/** `IS_SCOPE_EXIT_OPCODE`. */
function isScopeExit(opcode: number): boolean {
  return opcode === op.RETURN_VALUE || opcode === op.RETURN_CONST || opcode === op.RAISE_VARARGS || opcode === op.RERAISE;
}

/** `IS_TERMINATOR_OPCODE`. */
function isTerminator(opcode: number): boolean {
  return hasJump(opcode) || isScopeExit(opcode);
}

/** `IS_UNCONDITIONAL_JUMP_OPCODE`. */
function isUnconditionalJump(opcode: number): boolean {
  return (
    opcode === op.JUMP ||
    opcode === op.JUMP_NO_INTERRUPT ||
    opcode === op.JUMP_FORWARD ||
    opcode === op.JUMP_BACKWARD ||
    opcode === op.JUMP_BACKWARD_NO_INTERRUPT
  );
}

/** `BB_NO_FALLTHROUGH`. */
function noFallthrough(b: BasicBlock): boolean {
  const last = b.last;
  return last !== null && (isScopeExit(last.opcode) || isUnconditionalJump(last.opcode));
}

function hasFallthrough(b: BasicBlock): boolean {
  return !noFallthrough(b);
}

/** `basicblock_exits_scope`. */
function exitsScope(b: BasicBlock): boolean {
  const last = b.last;
  return last !== null && isScopeExit(last.opcode);
}

/** `basicblock_has_eval_break`. */
function hasEvalBreak(b: BasicBlock): boolean {
  for (const i of b.instrs) if (op.OPCODE_FLAGS[i.opcode] & op.HAS_EVAL_BREAK_FLAG) return true;
  return false;
}

function nextNonemptyBlock(b: BasicBlock | null): BasicBlock | null {
  while (b !== null && b.instrs.length === 0) b = b.next;
  return b;
}

/** `INSTR_SET_OP0`. */
function setOp0(i: CfgInstr, opcode: number): void {
  i.opcode = opcode;
  i.oparg = 0;
}

/** `INSTR_SET_OP1`. */
function setOp1(i: CfgInstr, opcode: number, oparg: number): void {
  i.opcode = opcode;
  i.oparg = oparg;
}

function copyInstr(i: CfgInstr): CfgInstr {
  return { opcode: i.opcode, oparg: i.oparg, loc: i.loc, target: i.target, except: i.except };
}

/** The stack effect (`stack_effect` of `compile.c`), on the fall-through path or when jumping. */
export function stackEffect(opcode: number, oparg: number, jump: boolean): number {
  if (opcode > op.MAX_REAL_OPCODE) {
    const e = op.PSEUDO_STACK_EFFECTS.get(opcode);
    if (e === undefined) throw new Error(`no stack effect for opcode ${opcode}`);
    return jump ? e[1] : e[0];
  }
  const popped = op.numPopped(opcode, oparg);
  const pushed = op.numPushed(opcode, oparg);
  if (popped < 0 || pushed < 0) throw new Error(`Invalid stack effect for opcode=${opcode}, arg=${oparg}`);
  return pushed - popped;
}

/** `_PyCompile_InstrSize`: code units taken by an instruction (EXTENDED_ARG prefixes and caches included). */
export function instrSize(opcode: number, oparg: number): number {
  const extendedArgs = (oparg > 0xffffff ? 1 : 0) + (oparg > 0xffff ? 1 : 0) + (oparg > 0xff ? 1 : 0);
  return extendedArgs + 1 + op.INLINE_CACHE_ENTRIES[opcode];
}

/** The metadata the late passes need (`_PyCompile_CodeUnitMetadata`). */
export interface UnitMetadata {
  readonly varnames: IndexedNames;
  readonly cellvars: IndexedNames;
  readonly freevars: IndexedNames;
  readonly firstlineno: number;
}

/** Truth of a constant (`PyObject_IsTrue`). */
function constIsTrue(c: ConstValue): boolean {
  switch (c.type) {
    case 'None':
      return false;
    case 'Ellipsis':
    case 'code':
      return true;
    case 'bool':
      return c.value;
    case 'int':
      return c.value !== 0n;
    case 'float':
      return c.value !== 0;
    case 'complex':
      return c.real !== 0 || c.imag !== 0;
    case 'str':
      return c.value.length > 0;
    case 'bytes':
      return c.value.length > 0;
    case 'tuple':
    case 'frozenset':
      return c.items.length > 0;
  }
}

/** `cfg_builder`. */
export class CfgBuilder {
  entry: BasicBlock;
  private cur: BasicBlock;
  private currentLabel = -1;

  constructor() {
    this.entry = this.cur = new BasicBlock();
  }

  /** `_PyCfg_FromInstructionSequence`: blocks start at jump targets and after terminators. */
  static fromSequence(seq: InstructionSequence): CfgBuilder {
    seq.applyLabelMap(hasTarget);
    const isTarget = new Uint8Array(seq.instrs.length + 1);
    for (const instr of seq.instrs) if (hasTarget(instr.opcode)) isTarget[instr.oparg] = 1;
    const g = new CfgBuilder();
    for (let i = 0; i < seq.instrs.length; i++) {
      const instr = seq.instrs[i];
      if (isTarget[i]) g.useLabel(i);
      g.addOp(instr.opcode, instr.oparg, instr.loc);
    }
    return g;
  }

  private currentBlockIsTerminated(): boolean {
    const last = this.cur.last;
    if (last !== null && isTerminator(last.opcode)) return true;
    if (this.currentLabel >= 0) {
      if (last !== null || this.cur.label >= 0) return true;
      this.cur.label = this.currentLabel;
      this.currentLabel = -1;
    }
    return false;
  }

  private maybeStartNewBlock(): void {
    if (this.currentBlockIsTerminated()) {
      const b = new BasicBlock();
      b.label = this.currentLabel;
      this.currentLabel = -1;
      this.cur.next = b;
      this.cur = b;
    }
  }

  private useLabel(label: number): void {
    this.currentLabel = label;
    this.maybeStartNewBlock();
  }

  private addOp(opcode: number, oparg: number, loc: Location): void {
    this.maybeStartNewBlock();
    this.cur.instrs.push({ opcode, oparg, loc, target: null, except: null });
  }

  *blocks(): Generator<BasicBlock> {
    for (let b: BasicBlock | null = this.entry; b !== null; b = b.next) yield b;
  }

  private maxLabel(): number {
    let lbl = -1;
    for (const b of this.blocks()) if (b.label > lbl) lbl = b.label;
    return lbl;
  }

  // ---------------------------------------------------------------- preprocessing

  /** `check_cfg`. */
  private checkCfg(): void {
    for (const b of this.blocks()) {
      for (let i = 0; i < b.instrs.length; i++) {
        if (isTerminator(b.instrs[i].opcode) && i !== b.instrs.length - 1) throw new Error('malformed control flow graph.');
      }
    }
  }

  /** `translate_jump_labels_to_targets`. */
  private translateJumpLabelsToTargets(): void {
    const byLabel = new Map<number, BasicBlock>();
    for (const b of this.blocks()) if (b.label >= 0) byLabel.set(b.label, b);
    for (const b of this.blocks()) {
      for (const instr of b.instrs) {
        if (hasTarget(instr.opcode)) {
          const target = byLabel.get(instr.oparg);
          if (target === undefined) throw new Error(`no block for label ${instr.oparg}`);
          instr.target = target;
        }
      }
    }
  }

  /** `mark_except_handlers`. */
  private markExceptHandlers(): void {
    for (const b of this.blocks()) for (const instr of b.instrs) if (isBlockPush(instr.opcode)) instr.target!.exceptHandler = true;
  }

  /** `label_exception_targets`: the handler of every instruction, from the SETUP_* / POP_BLOCK nesting. */
  private labelExceptionTargets(): void {
    for (const b of this.blocks()) b.visited = false;
    const todo: BasicBlock[] = [this.entry];
    this.entry.visited = true;
    // The except stack: handlers[0] is null (no handler), then innermost last.
    this.entry.exceptStack = [];
    while (todo.length > 0) {
      const b = todo.pop()!;
      let exceptStack: BasicBlock[] | null = b.exceptStack!;
      b.exceptStack = null;
      let handler: BasicBlock | null = exceptStack.length > 0 ? exceptStack[exceptStack.length - 1] : null;
      let lastYieldExceptDepth = -1;
      for (let i = 0; i < b.instrs.length; i++) {
        const instr = b.instrs[i];
        if (isBlockPush(instr.opcode)) {
          const target = instr.target!;
          if (!target.visited) {
            target.exceptStack = [...exceptStack!];
            todo.push(target);
            target.visited = true;
          }
          if (instr.opcode === op.SETUP_WITH || instr.opcode === op.SETUP_CLEANUP) target.preserveLasti = true;
          exceptStack!.push(target);
          handler = target;
        } else if (instr.opcode === op.POP_BLOCK) {
          exceptStack!.pop();
          handler = exceptStack!.length > 0 ? exceptStack![exceptStack!.length - 1] : null;
          setOp0(instr, op.NOP);
        } else if (hasJump(instr.opcode)) {
          instr.except = handler;
          const target = instr.target!;
          if (!target.visited) {
            if (hasFallthrough(b)) {
              target.exceptStack = [...exceptStack!];
            } else {
              target.exceptStack = exceptStack;
              exceptStack = null;
            }
            todo.push(target);
            target.visited = true;
          }
        } else if (instr.opcode === op.YIELD_VALUE) {
          instr.except = handler;
          lastYieldExceptDepth = exceptStack!.length;
        } else if (instr.opcode === op.RESUME) {
          instr.except = handler;
          if (instr.oparg !== op.RESUME_AT_FUNC_START) {
            if (lastYieldExceptDepth === 1) instr.oparg |= op.RESUME_OPARG_DEPTH1_MASK;
            lastYieldExceptDepth = -1;
          }
        } else {
          instr.except = handler;
        }
      }
      if (hasFallthrough(b) && !b.next!.visited) {
        b.next!.exceptStack = exceptStack;
        todo.push(b.next!);
        b.next!.visited = true;
      }
    }
  }

  // ---------------------------------------------------------------- optimizations

  /** `remove_unreachable`. */
  private removeUnreachable(): void {
    for (const b of this.blocks()) {
      b.predecessors = 0;
      b.visited = false;
    }
    const stack: BasicBlock[] = [this.entry];
    this.entry.predecessors = 1;
    this.entry.visited = true;
    while (stack.length > 0) {
      const b = stack.pop()!;
      if (b.next !== null && hasFallthrough(b)) {
        if (!b.next.visited) {
          stack.push(b.next);
          b.next.visited = true;
        }
        b.next.predecessors++;
      }
      for (const instr of b.instrs) {
        if (hasJump(instr.opcode) || isBlockPush(instr.opcode)) {
          const target = instr.target!;
          if (!target.visited) {
            stack.push(target);
            target.visited = true;
          }
          target.predecessors++;
        }
      }
    }
    for (const b of this.blocks()) {
      if (b.predecessors === 0) {
        b.instrs.length = 0;
        b.exceptHandler = false;
      }
    }
  }

  /** `basicblock_remove_redundant_nops`: returns how many were removed. */
  private static removeRedundantNopsIn(bb: BasicBlock): number {
    const instrs = bb.instrs;
    let dest = 0;
    let prevLineno = -1;
    for (let src = 0; src < instrs.length; src++) {
      const lineno = instrs[src].loc.lineno;
      if (instrs[src].opcode === op.NOP) {
        if (lineno < 0) continue;
        if (prevLineno === lineno) continue;
        if (src < instrs.length - 1) {
          const nextLineno = instrs[src + 1].loc.lineno;
          if (nextLineno === lineno) continue;
          if (nextLineno < 0) {
            instrs[src + 1].loc = instrs[src].loc;
            continue;
          }
        } else {
          const next = nextNonemptyBlock(bb.next);
          if (next !== null) {
            let nextLoc = NO_LOCATION;
            for (const instr of next.instrs) {
              if (instr.opcode === op.NOP && instr.loc.lineno < 0) continue;
              nextLoc = instr.loc;
              break;
            }
            if (lineno === nextLoc.lineno) continue;
          }
        }
      }
      instrs[dest++] = instrs[src];
      prevLineno = lineno;
    }
    const removed = instrs.length - dest;
    instrs.length = dest;
    return removed;
  }

  private removeRedundantNops(): number {
    let changes = 0;
    for (const b of this.blocks()) changes += CfgBuilder.removeRedundantNopsIn(b);
    return changes;
  }

  /** `remove_redundant_nops_and_pairs`: also `LOAD_CONST; POP_TOP` and `COPY 1; POP_TOP`. */
  private removeRedundantNopsAndPairs(): void {
    let done = false;
    while (!done) {
      done = true;
      let prev: CfgInstr | null = null;
      let instr: CfgInstr | null = null;
      for (const b of this.blocks()) {
        CfgBuilder.removeRedundantNopsIn(b);
        if (b.label >= 0) instr = null;
        for (let i = 0; i < b.instrs.length; i++) {
          prev = instr;
          instr = b.instrs[i];
          const prevOpcode = prev !== null ? prev.opcode : 0;
          const prevOparg = prev !== null ? prev.oparg : 0;
          if (instr.opcode === op.POP_TOP && (prevOpcode === op.LOAD_CONST || (prevOpcode === op.COPY && prevOparg === 1))) {
            setOp0(prev!, op.NOP);
            setOp0(instr, op.NOP);
            done = false;
          }
        }
        if ((instr !== null && hasJump(instr.opcode)) || !hasFallthrough(b)) instr = null;
      }
    }
  }

  /** `remove_redundant_jumps`: a jump to the next block is a NOP. */
  private removeRedundantJumps(): number {
    let changes = 0;
    for (const b of this.blocks()) {
      const last = b.last;
      if (last === null) continue;
      if (isUnconditionalJump(last.opcode)) {
        const jumpTarget = nextNonemptyBlock(last.target);
        if (jumpTarget === null) throw new Error('jump with NULL target');
        const next = nextNonemptyBlock(b.next);
        if (jumpTarget === next) {
          changes++;
          setOp0(last, op.NOP);
        }
      }
    }
    return changes;
  }

  /** `remove_redundant_nops_and_jumps`. */
  private removeRedundantNopsAndJumps(): void {
    let removed: number;
    do {
      removed = this.removeRedundantNops();
      removed += this.removeRedundantJumps();
    } while (removed > 0);
  }

  /** `basicblock_inline_small_or_no_lineno_blocks`. */
  private static inlineSmallOrNoLinenoBlock(bb: BasicBlock): boolean {
    let last = bb.last;
    if (last === null || !isUnconditionalJump(last.opcode)) return false;
    const target = last.target!;
    const smallExitBlock = exitsScope(target) && target.instrs.length <= 4;
    const noLinenoNoFallthrough = hasNoLineno(target) && !hasFallthrough(target);
    if (smallExitBlock || noLinenoNoFallthrough) {
      const removedJumpOpcode = last.opcode;
      setOp0(last, op.NOP);
      for (const instr of target.instrs) bb.instrs.push(copyInstr(instr));
      if (noLinenoNoFallthrough) {
        last = bb.last!;
        if (isUnconditionalJump(last.opcode) && removedJumpOpcode === op.JUMP) {
          // Keep the eval-breaker check of the jump that was removed.
          last.opcode = op.JUMP;
        }
      }
      target.predecessors--;
      return true;
    }
    return false;
  }

  /** `inline_small_or_no_lineno_blocks`. */
  private inlineSmallOrNoLinenoBlocks(): void {
    let changes: boolean;
    do {
      changes = false;
      for (const b of this.blocks()) if (CfgBuilder.inlineSmallOrNoLinenoBlock(b)) changes = true;
    } while (changes);
  }

  /** `jump_thread`: a jump to a jump goes straight to the second's target (the first becomes a NOP, a new jump is appended). */
  private static jumpThread(bb: BasicBlock, inst: CfgInstr, target: CfgInstr, opcode: number): boolean {
    if (inst.target !== target.target) {
      setOp0(inst, op.NOP);
      bb.instrs.push({ opcode, oparg: target.target!.label, loc: target.loc, target: target.target, except: null });
      return true;
    }
    return false;
  }

  /** `add_const` of flowgraph.c: the index of `value` in `consts`, appended if new. */
  private static addConst(value: ConstValue, consts: ConstValue[]): number {
    const key = constKey(value);
    for (let i = 0; i < consts.length; i++) if (constKey(consts[i]) === key) return i;
    consts.push(value);
    return consts.length - 1;
  }

  /** `fold_tuple_on_constants`: `LOAD_CONST`×n, `BUILD_TUPLE n` → one `LOAD_CONST` of the tuple. */
  private static foldTupleOnConstants(instrs: CfgInstr[], start: number, n: number, consts: ConstValue[]): void {
    for (let i = 0; i < n; i++) if (instrs[start + i].opcode !== op.LOAD_CONST) return;
    const items: ConstValue[] = [];
    for (let i = 0; i < n; i++) items.push(consts[instrs[start + i].oparg]);
    const index = CfgBuilder.addConst({ type: 'tuple', items }, consts);
    for (let i = 0; i < n; i++) setOp0(instrs[start + i], op.NOP);
    setOp1(instrs[start + n], op.LOAD_CONST, index);
  }

  /** `optimize_basic_block`: the peephole optimizer. */
  private static optimizeBasicBlock(bb: BasicBlock, consts: ConstValue[]): void {
    const nop: CfgInstr = { opcode: op.NOP, oparg: 0, loc: NO_LOCATION, target: null, except: null };
    const instrs = bb.instrs;
    let opcode = 0;
    let oparg = 0;
    for (let i = 0; i < instrs.length; i++) {
      const inst = instrs[i];
      // `COPY 1` right after a `LOAD_CONST` is one more load of that
      // constant (`False and x` folds as `False`).
      const isCopyOfLoadConst = opcode === op.LOAD_CONST && inst.opcode === op.COPY && inst.oparg === 1;
      if (!isCopyOfLoadConst) {
        opcode = inst.opcode;
        oparg = inst.oparg;
      }
      const target = (hasTarget(opcode) ? inst.target!.instrs[0] : undefined) ?? nop;
      const nextop = i + 1 < instrs.length ? instrs[i + 1].opcode : 0;
      switch (opcode) {
        case op.LOAD_CONST:
          switch (nextop) {
            case op.POP_JUMP_IF_FALSE:
            case op.POP_JUMP_IF_TRUE: {
              const isTrue = constIsTrue(consts[oparg]);
              setOp0(inst, op.NOP);
              const jumpIfTrue = nextop === op.POP_JUMP_IF_TRUE;
              if (isTrue === jumpIfTrue) instrs[i + 1].opcode = op.JUMP;
              else setOp0(instrs[i + 1], op.NOP);
              break;
            }
            case op.IS_OP: {
              if (consts[oparg].type !== 'None') break;
              if (instrs.length <= i + 2) break;
              const isInstr = instrs[i + 1];
              let jumpInstr = instrs[i + 2];
              if (jumpInstr.opcode === op.TO_BOOL) {
                setOp0(jumpInstr, op.NOP);
                if (instrs.length <= i + 3) break;
                jumpInstr = instrs[i + 3];
              }
              let invert = isInstr.oparg !== 0;
              if (jumpInstr.opcode === op.POP_JUMP_IF_FALSE) invert = !invert;
              else if (jumpInstr.opcode !== op.POP_JUMP_IF_TRUE) break;
              setOp0(inst, op.NOP);
              setOp0(isInstr, op.NOP);
              jumpInstr.opcode = invert ? op.POP_JUMP_IF_NOT_NONE : op.POP_JUMP_IF_NONE;
              break;
            }
            case op.RETURN_VALUE:
              setOp0(inst, op.NOP);
              setOp1(instrs[++i], op.RETURN_CONST, oparg);
              break;
            case op.TO_BOOL: {
              const index = CfgBuilder.addConst(constIsTrue(consts[oparg]) ? TRUE : FALSE, consts);
              setOp0(inst, op.NOP);
              setOp1(instrs[i + 1], op.LOAD_CONST, index);
              break;
            }
          }
          break;
        case op.BUILD_TUPLE:
          if (nextop === op.UNPACK_SEQUENCE && oparg === instrs[i + 1].oparg) {
            if (oparg === 1) {
              setOp0(inst, op.NOP);
              setOp0(instrs[i + 1], op.NOP);
              continue;
            }
            if (oparg === 2 || oparg === 3) {
              setOp0(inst, op.NOP);
              instrs[i + 1].opcode = op.SWAP;
              continue;
            }
          }
          if (i >= oparg) CfgBuilder.foldTupleOnConstants(instrs, i - oparg, oparg, consts);
          break;
        case op.POP_JUMP_IF_NOT_NONE:
        case op.POP_JUMP_IF_NONE:
        case op.POP_JUMP_IF_FALSE:
        case op.POP_JUMP_IF_TRUE:
          if (target.opcode === op.JUMP) i -= CfgBuilder.jumpThread(bb, inst, target, opcode) ? 1 : 0;
          break;
        case op.JUMP:
        case op.JUMP_NO_INTERRUPT:
          if (target.opcode === op.JUMP) {
            i -= CfgBuilder.jumpThread(bb, inst, target, op.JUMP) ? 1 : 0;
            continue;
          }
          if (target.opcode === op.JUMP_NO_INTERRUPT) {
            i -= CfgBuilder.jumpThread(bb, inst, target, opcode) ? 1 : 0;
            continue;
          }
          break;
        case op.STORE_FAST:
          if (opcode === nextop && oparg === instrs[i + 1].oparg && inst.loc.lineno === instrs[i + 1].loc.lineno) {
            inst.opcode = op.POP_TOP;
            inst.oparg = 0;
          }
          break;
        case op.SWAP:
          if (oparg === 1) setOp0(inst, op.NOP);
          break;
        case op.LOAD_GLOBAL:
          if (nextop === op.PUSH_NULL && (oparg & 1) === 0) {
            setOp1(inst, op.LOAD_GLOBAL, oparg | 1);
            setOp0(instrs[i + 1], op.NOP);
          }
          break;
        case op.COMPARE_OP:
          if (nextop === op.TO_BOOL) {
            setOp0(inst, op.NOP);
            setOp1(instrs[i + 1], op.COMPARE_OP, oparg | 16);
            continue;
          }
          break;
        case op.CONTAINS_OP:
        case op.IS_OP:
          if (nextop === op.TO_BOOL) {
            setOp0(inst, op.NOP);
            setOp1(instrs[i + 1], opcode, oparg);
            continue;
          }
          if (nextop === op.UNARY_NOT) {
            setOp0(inst, op.NOP);
            setOp1(instrs[i + 1], opcode, oparg ^ 1);
            continue;
          }
          break;
        case op.TO_BOOL:
          if (nextop === op.TO_BOOL) {
            setOp0(inst, op.NOP);
            continue;
          }
          break;
        case op.UNARY_NOT:
          if (nextop === op.TO_BOOL) {
            setOp0(inst, op.NOP);
            setOp0(instrs[i + 1], op.UNARY_NOT);
            continue;
          }
          if (nextop === op.UNARY_NOT) {
            setOp0(inst, op.NOP);
            setOp0(instrs[i + 1], op.NOP);
            continue;
          }
          break;
        // 3.13.0 keeps `CALL_INTRINSIC_1 INTRINSIC_LIST_TO_TUPLE` before GET_ITER
        // (`for _ in (*a, *b)`): dropping it came later.
      }
    }
    for (let i = 0; i < instrs.length; i++) {
      if (instrs[i].opcode === op.SWAP) {
        i = swaptimize(bb, i);
        applyStaticSwaps(bb, i);
      }
    }
  }

  /** `optimize_cfg`. */
  private optimizeCfg(consts: ConstValue[], firstlineno: number): void {
    this.checkCfg();
    this.inlineSmallOrNoLinenoBlocks();
    this.removeUnreachable();
    this.resolveLineNumbers(firstlineno);
    for (const b of this.blocks()) CfgBuilder.optimizeBasicBlock(b, consts);
    this.removeRedundantNopsAndPairs();
    this.removeUnreachable();
    this.removeRedundantNopsAndJumps();
  }

  /** `remove_unused_consts`: drop constants no instruction loads (the first is kept: it may be the docstring). */
  private removeUnusedConsts(consts: ConstValue[]): void {
    const n = consts.length;
    if (n === 0) return;
    const used = new Uint8Array(n);
    used[0] = 1;
    for (const b of this.blocks()) for (const instr of b.instrs) if (hasConst(instr.opcode)) used[instr.oparg] = 1;
    const reverse = new Int32Array(n).fill(-1);
    let nUsed = 0;
    for (let i = 0; i < n; i++) {
      if (used[i]) {
        reverse[i] = nUsed;
        consts[nUsed++] = consts[i];
      }
    }
    if (nUsed === n) return;
    consts.length = nUsed;
    for (const b of this.blocks()) for (const instr of b.instrs) if (hasConst(instr.opcode)) instr.oparg = reverse[instr.oparg];
  }

  /** `scan_block_for_locals`. */
  private static scanBlockForLocals(b: BasicBlock, stack: BasicBlock[]): void {
    let unsafe = b.unsafeLocalsMask;
    for (const instr of b.instrs) {
      if (instr.except !== null) maybePush(instr.except, unsafe, stack);
      if (instr.oparg >= 64) continue;
      const bit = 1n << BigInt(instr.oparg);
      switch (instr.opcode) {
        case op.DELETE_FAST:
        case op.LOAD_FAST_AND_CLEAR:
        case op.STORE_FAST_MAYBE_NULL:
          unsafe |= bit;
          break;
        case op.STORE_FAST:
        case op.LOAD_FAST_CHECK:
          unsafe &= ~bit;
          break;
        case op.LOAD_FAST:
          if (unsafe & bit) instr.opcode = op.LOAD_FAST_CHECK;
          unsafe &= ~bit;
          break;
      }
    }
    if (b.next !== null && hasFallthrough(b)) maybePush(b.next, unsafe, stack);
    const last = b.last;
    if (last !== null && hasJump(last.opcode)) maybePush(last.target!, unsafe, stack);
  }

  /** `fast_scan_many_locals`: locals beyond the 64th, one block at a time. */
  private fastScanManyLocals(nlocals: number): void {
    const states = new Array<number>(nlocals - 64).fill(0);
    let blocknum = 0;
    for (const b of this.blocks()) {
      blocknum++;
      for (const instr of b.instrs) {
        const arg = instr.oparg;
        if (arg < 64) continue;
        switch (instr.opcode) {
          case op.DELETE_FAST:
          case op.LOAD_FAST_AND_CLEAR:
          case op.STORE_FAST_MAYBE_NULL:
            states[arg - 64] = blocknum - 1;
            break;
          case op.STORE_FAST:
            states[arg - 64] = blocknum;
            break;
          case op.LOAD_FAST:
            if (states[arg - 64] !== blocknum) instr.opcode = op.LOAD_FAST_CHECK;
            states[arg - 64] = blocknum;
            break;
        }
      }
    }
  }

  /** `add_checks_for_loads_of_uninitialized_variables`: LOAD_FAST_CHECK where a local may be unbound. */
  private addChecksForLoadsOfUninitializedVariables(nlocals: number, nparams: number): void {
    if (nlocals === 0) return;
    if (nlocals > 64) {
      this.fastScanManyLocals(nlocals);
      nlocals = 64;
    }
    for (const b of this.blocks()) b.visited = false;
    const stack: BasicBlock[] = [];
    let startMask = 0n;
    for (let i = nparams; i < nlocals; i++) startMask |= 1n << BigInt(i);
    maybePush(this.entry, startMask, stack);
    for (const b of this.blocks()) CfgBuilder.scanBlockForLocals(b, stack);
    while (stack.length > 0) {
      const b = stack.pop()!;
      b.visited = false;
      CfgBuilder.scanBlockForLocals(b, stack);
    }
  }

  /** `insert_superinstructions`. */
  private insertSuperinstructions(): void {
    for (const b of this.blocks()) {
      const instrs = b.instrs;
      for (let i = 0; i < instrs.length; i++) {
        const inst = instrs[i];
        const nextop = i + 1 < instrs.length ? instrs[i + 1].opcode : 0;
        switch (inst.opcode) {
          case op.LOAD_FAST:
            if (nextop === op.LOAD_FAST) makeSuperInstruction(inst, instrs[i + 1], op.LOAD_FAST_LOAD_FAST);
            break;
          case op.STORE_FAST:
            if (nextop === op.LOAD_FAST) makeSuperInstruction(inst, instrs[i + 1], op.STORE_FAST_LOAD_FAST);
            else if (nextop === op.STORE_FAST) makeSuperInstruction(inst, instrs[i + 1], op.STORE_FAST_STORE_FAST);
            break;
        }
      }
    }
    this.removeRedundantNops();
  }

  /** `mark_warm`. */
  private markWarm(): void {
    for (const b of this.blocks()) b.visited = false;
    const stack: BasicBlock[] = [this.entry];
    this.entry.visited = true;
    while (stack.length > 0) {
      const b = stack.pop()!;
      b.warm = true;
      const next = b.next;
      if (next !== null && hasFallthrough(b) && !next.visited) {
        stack.push(next);
        next.visited = true;
      }
      for (const instr of b.instrs) {
        if (hasJump(instr.opcode) && !instr.target!.visited) {
          stack.push(instr.target!);
          instr.target!.visited = true;
        }
      }
    }
  }

  /** `mark_cold`: blocks reachable only from exception handlers. */
  private markCold(): void {
    this.markWarm();
    for (const b of this.blocks()) b.visited = false;
    const stack: BasicBlock[] = [];
    for (const b of this.blocks()) {
      if (b.exceptHandler) {
        stack.push(b);
        b.visited = true;
      }
    }
    while (stack.length > 0) {
      const b = stack.pop()!;
      b.cold = true;
      const next = b.next;
      if (next !== null && hasFallthrough(b) && !next.warm && !next.visited) {
        stack.push(next);
        next.visited = true;
      }
      for (const instr of b.instrs) {
        if (hasJump(instr.opcode)) {
          const target = instr.target!;
          if (!target.warm && !target.visited) {
            stack.push(target);
            target.visited = true;
          }
        }
      }
    }
  }

  /** `push_cold_blocks_to_end`. */
  private pushColdBlocksToEnd(): void {
    if (this.entry.next === null) return;
    this.markCold();
    let nextLbl = this.maxLabel() + 1;
    for (let b: BasicBlock | null = this.entry; b !== null; b = b.next) {
      if (b.cold && hasFallthrough(b) && b.next !== null && b.next.warm) {
        const explicitJump = new BasicBlock();
        if (b.next.label < 0) b.next.label = nextLbl++;
        explicitJump.instrs.push({ opcode: op.JUMP_NO_INTERRUPT, oparg: b.next.label, loc: NO_LOCATION, target: b.next, except: null });
        explicitJump.cold = true;
        explicitJump.next = b.next;
        explicitJump.predecessors = 1;
        b.next = explicitJump;
      }
    }
    let coldBlocks: BasicBlock | null = null;
    let coldTail: BasicBlock | null = null;
    let b = this.entry;
    while (b.next !== null) {
      while (b.next !== null && !b.next.cold) b = b.next;
      if (b.next === null) break;
      let bEnd = b.next;
      while (bEnd.next !== null && bEnd.next.cold) bEnd = bEnd.next;
      if (coldBlocks === null) coldBlocks = b.next;
      else coldTail!.next = b.next;
      coldTail = bEnd;
      b.next = bEnd.next;
      bEnd.next = null;
    }
    b.next = coldBlocks;
    if (coldBlocks !== null) this.removeRedundantNopsAndJumps();
  }

  /** `duplicate_exits_without_lineno`. */
  private duplicateExitsWithoutLineno(): void {
    let nextLbl = this.maxLabel() + 1;
    for (let b: BasicBlock | null = this.entry; b !== null; b = b.next) {
      const last = b.last;
      if (last === null) continue;
      if (hasJump(last.opcode)) {
        const target = nextNonemptyBlock(last.target)!;
        if (isExitOrEvalCheckWithoutLineno(target) && target.predecessors > 1) {
          const newTarget = new BasicBlock();
          for (const instr of target.instrs) newTarget.instrs.push(copyInstr(instr));
          newTarget.instrs[0].loc = last.loc;
          last.target = newTarget;
          target.predecessors--;
          newTarget.predecessors = 1;
          newTarget.next = target.next;
          newTarget.label = nextLbl++;
          target.next = newTarget;
        }
      }
    }
    for (let b: BasicBlock | null = this.entry; b !== null; b = b.next) {
      if (hasFallthrough(b) && b.next !== null && b.instrs.length > 0) {
        if (isExitOrEvalCheckWithoutLineno(b.next)) b.next.instrs[0].loc = b.last!.loc;
      }
    }
  }

  /** `propagate_line_numbers`. */
  private propagateLineNumbers(): void {
    for (let b: BasicBlock | null = this.entry; b !== null; b = b.next) {
      const last = b.last;
      if (last === null) continue;
      let prev = NO_LOCATION;
      for (const instr of b.instrs) {
        if (instr.loc.lineno === NO_LOCATION.lineno) instr.loc = prev;
        else prev = instr.loc;
      }
      if (hasFallthrough(b) && b.next!.predecessors === 1) {
        if (b.next!.instrs.length > 0 && b.next!.instrs[0].loc.lineno === NO_LOCATION.lineno) b.next!.instrs[0].loc = prev;
      }
      if (hasJump(last.opcode)) {
        const target = last.target!;
        // An emptied target has no instruction to take the location (CPython writes into the unused slot).
        if (target.predecessors === 1 && target.instrs.length > 0 && target.instrs[0].loc.lineno === NO_LOCATION.lineno) target.instrs[0].loc = prev;
      }
    }
  }

  /** `resolve_line_numbers`. */
  private resolveLineNumbers(_firstlineno: number): void {
    this.duplicateExitsWithoutLineno();
    this.propagateLineNumbers();
  }

  /** `_PyCfg_OptimizeCodeUnit`. */
  optimizeCodeUnit(consts: ConstValue[], nlocals: number, nparams: number, firstlineno: number): void {
    this.translateJumpLabelsToTargets();
    this.markExceptHandlers();
    this.labelExceptionTargets();
    this.optimizeCfg(consts, firstlineno);
    this.removeUnusedConsts(consts);
    this.addChecksForLoadsOfUninitializedVariables(nlocals, nparams);
    this.insertSuperinstructions();
    this.pushColdBlocksToEnd();
    this.resolveLineNumbers(firstlineno);
  }

  // ---------------------------------------------------------------- to instructions

  /** `calculate_stackdepth`: the deepest the stack gets on any path; sets each block's start depth. */
  calculateStackdepth(): number {
    for (const b of this.blocks()) b.startdepth = -2147483648;
    const stack: BasicBlock[] = [];
    const push = (b: BasicBlock, depth: number): void => {
      if (!(b.startdepth < 0 || b.startdepth === depth)) throw new Error('Invalid CFG, inconsistent stackdepth');
      if (b.startdepth < depth && b.startdepth < 100) {
        b.startdepth = depth;
        stack.push(b);
      }
    };
    let maxdepth = 0;
    push(this.entry, 0);
    while (stack.length > 0) {
      const b = stack.pop()!;
      let depth = b.startdepth;
      let next = b.next;
      for (const instr of b.instrs) {
        const newDepth = depth + stackEffect(instr.opcode, instr.oparg, false);
        if (newDepth < 0) throw new Error('Invalid CFG, stack underflow');
        if (newDepth > maxdepth) maxdepth = newDepth;
        if (hasTarget(instr.opcode)) {
          const targetDepth = depth + stackEffect(instr.opcode, instr.oparg, true);
          if (targetDepth > maxdepth) maxdepth = targetDepth;
          push(instr.target!, targetDepth);
        }
        depth = newDepth;
        if (isUnconditionalJump(instr.opcode) || isScopeExit(instr.opcode)) {
          next = null;
          break;
        }
      }
      if (next !== null) push(next, depth);
    }
    // CPython 3.13.0 never reports a depth of 0 (`def f(): pass` has
    // co_stacksize 1): measured, not found in the source read.
    return Math.max(maxdepth, 1);
  }

  /** `prepare_localsplus`: cell offsets and the prefix instructions; returns the number of locals-plus slots. */
  prepareLocalsplus(umd: UnitMetadata, codeFlags: number): number {
    const nlocals = umd.varnames.size;
    const ncellvars = umd.cellvars.size;
    const nfreevars = umd.freevars.size;
    const nlocalsplus = nlocals + ncellvars + nfreevars;
    // build_cellfixedoffsets: a cell that is also an argument lives in the argument's slot.
    const noffsets = ncellvars + nfreevars;
    const fixed: number[] = [];
    for (let i = 0; i < noffsets; i++) fixed.push(nlocals + i);
    for (const [name, cellindex] of umd.cellvars.map) {
      const varindex = umd.varnames.get(name);
      if (varindex !== undefined) fixed[cellindex] = varindex;
    }
    this.insertPrefixInstructions(umd, fixed, nfreevars, codeFlags);
    const numdropped = this.fixCellOffsets(umd, fixed);
    return nlocalsplus - numdropped;
  }

  /** `insert_prefix_instructions`. */
  private insertPrefixInstructions(umd: UnitMetadata, fixed: number[], nfreevars: number, codeFlags: number): void {
    const entry = this.entry.instrs;
    if (codeFlags & (0x20 | 0x80 | 0x200)) {
      const loc: Location = { lineno: umd.firstlineno, end_lineno: umd.firstlineno, col_offset: -1, end_col_offset: -1 };
      entry.splice(0, 0, { opcode: op.RETURN_GENERATOR, oparg: 0, loc, target: null, except: null }, { opcode: op.POP_TOP, oparg: 0, loc, target: null, except: null });
    }
    const ncellvars = umd.cellvars.size;
    if (ncellvars) {
      const nvars = ncellvars + umd.varnames.size;
      const sorted = new Array<number>(nvars).fill(0);
      for (let i = 0; i < ncellvars; i++) sorted[fixed[i]] = i + 1;
      for (let i = 0, used = 0; used < ncellvars; i++) {
        const oldindex = sorted[i] - 1;
        if (oldindex === -1) continue;
        entry.splice(used, 0, { opcode: op.MAKE_CELL, oparg: oldindex, loc: NO_LOCATION, target: null, except: null });
        used++;
      }
    }
    if (nfreevars) entry.splice(0, 0, { opcode: op.COPY_FREE_VARS, oparg: nfreevars, loc: NO_LOCATION, target: null, except: null });
  }

  /** `fix_cell_offsets`: deref opargs become locals-plus indices; returns how many cells share an argument's slot. */
  private fixCellOffsets(umd: UnitMetadata, fixedmap: number[]): number {
    const nlocals = umd.varnames.size;
    const noffsets = umd.cellvars.size + umd.freevars.size;
    let numdropped = 0;
    for (let i = 0; i < noffsets; i++) {
      if (fixedmap[i] === i + nlocals) fixedmap[i] -= numdropped;
      else numdropped++;
    }
    for (const b of this.blocks()) {
      for (const inst of b.instrs) {
        switch (inst.opcode) {
          case op.MAKE_CELL:
          case op.LOAD_CLOSURE:
          case op.LOAD_DEREF:
          case op.STORE_DEREF:
          case op.DELETE_DEREF:
          case op.LOAD_FROM_DICT_OR_DEREF:
            inst.oparg = fixedmap[inst.oparg];
        }
      }
    }
    return numdropped;
  }

  /** `convert_pseudo_ops`. */
  convertPseudoOps(): void {
    for (const b of this.blocks()) {
      for (const instr of b.instrs) {
        if (isBlockPush(instr.opcode)) setOp0(instr, op.NOP);
        else if (instr.opcode === op.LOAD_CLOSURE) instr.opcode = op.LOAD_FAST;
        else if (instr.opcode === op.STORE_FAST_MAYBE_NULL) instr.opcode = op.STORE_FAST;
      }
    }
    this.removeRedundantNopsAndJumps();
  }

  /** `normalize_jumps`: jump directions; a backward conditional jump becomes a forward one over a JUMP back. */
  normalizeJumps(): void {
    for (const b of this.blocks()) b.visited = false;
    for (let b: BasicBlock | null = this.entry; b !== null; b = b.next) {
      b.visited = true;
      const last = b.last;
      if (last === null || !hasJump(last.opcode)) continue;
      const isForward = !last.target!.visited;
      if (last.opcode === op.JUMP) {
        last.opcode = isForward ? op.JUMP_FORWARD : op.JUMP_BACKWARD;
        continue;
      }
      if (last.opcode === op.JUMP_NO_INTERRUPT) {
        last.opcode = isForward ? op.JUMP_FORWARD : op.JUMP_BACKWARD_NO_INTERRUPT;
        continue;
      }
      let reversed = 0;
      switch (last.opcode) {
        case op.POP_JUMP_IF_NOT_NONE:
          reversed = op.POP_JUMP_IF_NONE;
          break;
        case op.POP_JUMP_IF_NONE:
          reversed = op.POP_JUMP_IF_NOT_NONE;
          break;
        case op.POP_JUMP_IF_FALSE:
          reversed = op.POP_JUMP_IF_TRUE;
          break;
        case op.POP_JUMP_IF_TRUE:
          reversed = op.POP_JUMP_IF_FALSE;
          break;
      }
      if (isForward) continue;
      const target = last.target!;
      const backwardsJump = new BasicBlock();
      backwardsJump.instrs.push({ opcode: op.JUMP, oparg: target.label, loc: last.loc, target, except: null });
      last.opcode = reversed;
      last.target = b.next;
      backwardsJump.cold = b.cold;
      backwardsJump.next = b.next;
      b.next = backwardsJump;
      // The new block is visited next, where its JUMP becomes JUMP_BACKWARD.
    }
  }

  /** `_PyCfg_ToInstructionSequence`: blocks numbered in order, handlers recorded per instruction. */
  toInstructions(): AssemblerInstr[] {
    const out: AssemblerInstr[] = [];
    const blockStart = new Map<BasicBlock, number>();
    for (const b of this.blocks()) {
      blockStart.set(b, out.length);
      for (const instr of b.instrs) {
        out.push({ opcode: instr.opcode, oparg: instr.oparg, loc: instr.loc, targetBlock: instr.target, exceptBlock: instr.except, target: -1, handler: null, offset: 0 });
      }
    }
    // Blocks may be empty: a label stands before the next instruction.
    for (const i of out) {
      if (hasTarget(i.opcode)) i.target = blockStart.get(i.targetBlock!)!;
      if (i.exceptBlock !== null) {
        const h = i.exceptBlock;
        i.handler = { index: blockStart.get(h)!, startdepth: h.startdepth, preserveLasti: h.preserveLasti };
      }
    }
    return out;
  }
}

/** An instruction as the assembler takes it: targets as instruction indices. */
export interface AssemblerInstr {
  opcode: number;
  oparg: number;
  loc: Location;
  targetBlock: BasicBlock | null;
  exceptBlock: BasicBlock | null;
  /** Index of the target instruction (jumps). */
  target: number;
  /** `i_except_handler_info`. */
  handler: { index: number; startdepth: number; preserveLasti: boolean } | null;
  /** Offset in code units, set by the assembler. */
  offset: number;
}

/** `basicblock_has_no_lineno`. */
function hasNoLineno(b: BasicBlock): boolean {
  for (const i of b.instrs) if (i.loc.lineno >= 0) return false;
  return true;
}

/** `is_exit_or_eval_check_without_lineno`. */
function isExitOrEvalCheckWithoutLineno(b: BasicBlock): boolean {
  if (exitsScope(b) || hasEvalBreak(b)) return hasNoLineno(b);
  return false;
}

/** `maybe_push`: push `b` if the mask tells it something new. */
function maybePush(b: BasicBlock, unsafeMask: bigint, stack: BasicBlock[]): void {
  const both = b.unsafeLocalsMask | unsafeMask;
  if (b.unsafeLocalsMask !== both) {
    b.unsafeLocalsMask = both;
    if (!b.visited) {
      stack.push(b);
      b.visited = true;
    }
  }
}

/** `make_super_instruction`. */
function makeSuperInstruction(inst1: CfgInstr, inst2: CfgInstr, superOp: number): void {
  const line1 = inst1.loc.lineno;
  const line2 = inst2.loc.lineno;
  if (line1 >= 0 && line2 >= 0 && line1 !== line2) return;
  if (inst1.oparg >= 16 || inst2.oparg >= 16) return;
  setOp1(inst1, superOp, (inst1.oparg << 4) | inst2.oparg);
  setOp0(inst2, op.NOP);
}

const VISITED = -1;

/** `swaptimize`: a run of SWAPs and NOPs replaced by the shortest one with the same effect; returns the index of the run's last instruction. */
function swaptimize(block: BasicBlock, ix: number): number {
  const instrs = block.instrs;
  let depth = instrs[ix].oparg;
  let len = 0;
  let more = false;
  const limit = instrs.length - ix;
  while (++len < limit) {
    const opcode = instrs[ix + len].opcode;
    if (opcode === op.SWAP) {
      depth = Math.max(depth, instrs[ix + len].oparg);
      more = true;
    } else if (opcode !== op.NOP) {
      break;
    }
  }
  if (!more) return ix;
  const stack: number[] = [];
  for (let i = 0; i < depth; i++) stack.push(i);
  for (let i = 0; i < len; i++) {
    if (instrs[ix + i].opcode === op.SWAP) {
      const oparg = instrs[ix + i].oparg;
      const top = stack[0];
      stack[0] = stack[oparg - 1];
      stack[oparg - 1] = top;
    }
  }
  let current = len - 1;
  for (let i = 0; i < depth; i++) {
    if (stack[i] === VISITED || stack[i] === i) continue;
    let j = i;
    for (;;) {
      if (j) {
        instrs[ix + current].opcode = op.SWAP;
        instrs[ix + current].oparg = j + 1;
        current--;
      }
      if (stack[j] === VISITED) break;
      const nextJ = stack[j];
      stack[j] = VISITED;
      j = nextJ;
    }
  }
  while (current >= 0) setOp0(instrs[ix + current--], op.NOP);
  return ix + len - 1;
}

function swappable(opcode: number): boolean {
  return opcode === op.STORE_FAST || opcode === op.STORE_FAST_MAYBE_NULL || opcode === op.POP_TOP;
}

function storesTo(instr: CfgInstr): number {
  return instr.opcode === op.STORE_FAST || instr.opcode === op.STORE_FAST_MAYBE_NULL ? instr.oparg : -1;
}

/** `next_swappable_instruction`. */
function nextSwappableInstruction(block: BasicBlock, i: number, lineno: number): number {
  const instrs = block.instrs;
  while (++i < instrs.length) {
    const instruction = instrs[i];
    if (lineno >= 0 && instruction.loc.lineno !== lineno) return -1;
    if (instruction.opcode === op.NOP) continue;
    if (swappable(instruction.opcode)) return i;
    return -1;
  }
  return -1;
}

/** `apply_static_swaps`: `SWAP 2; POP_TOP; STORE_FAST x` → `NOP; STORE_FAST x; POP_TOP` (the instructions swap instead). */
function applyStaticSwaps(block: BasicBlock, i: number): void {
  const instrs = block.instrs;
  for (; i >= 0; i--) {
    const swap = instrs[i];
    if (swap.opcode !== op.SWAP) {
      if (swap.opcode === op.NOP || swappable(swap.opcode)) continue;
      return;
    }
    const j = nextSwappableInstruction(block, i, -1);
    if (j < 0) return;
    let k = j;
    const lineno = instrs[j].loc.lineno;
    for (let count = swap.oparg - 1; count > 0; count--) {
      k = nextSwappableInstruction(block, k, lineno);
      if (k < 0) return;
    }
    const storeJ = storesTo(instrs[j]);
    const storeK = storesTo(instrs[k]);
    if (storeJ >= 0 || storeK >= 0) {
      if (storeJ === storeK) return;
      for (let idx = j + 1; idx < k; idx++) {
        const storeIdx = storesTo(instrs[idx]);
        if (storeIdx >= 0 && (storeIdx === storeJ || storeIdx === storeK)) return;
      }
    }
    setOp0(swap, op.NOP);
    const temp = instrs[j];
    instrs[j] = instrs[k];
    instrs[k] = temp;
  }
}
