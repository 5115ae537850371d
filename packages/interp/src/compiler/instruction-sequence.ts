/**
 * What code generation produces for one code unit: a flat list of
 * instructions with jump targets given as labels, CPython 3.13's
 * `_PyInstructionSequence` (`Python/instruction_sequence.c`).
 *
 * A jump's oparg is a label id until {@link InstructionSequence.applyLabelMap}
 * turns it into the index of the instruction the label was placed before;
 * the control-flow graph (`flowgraph.ts`) is built from that.
 */

/** A source span (`_Py_SourceLocation`): lines from 1, columns in UTF-8 bytes from 0; -1 where unknown. */
export interface Location {
  readonly lineno: number;
  readonly end_lineno: number;
  readonly col_offset: number;
  readonly end_col_offset: number;
}

/** `NO_LOCATION`: an artificial instruction; the flow graph gives it its neighbour's line. */
export const NO_LOCATION: Location = Object.freeze({ lineno: -1, end_lineno: -1, col_offset: -1, end_col_offset: -1 });

export function sameLocation(a: Location, b: Location): boolean {
  return a.lineno === b.lineno && a.end_lineno === b.end_lineno && a.col_offset === b.col_offset && a.end_col_offset === b.end_col_offset;
}

/** `_PyInstruction`. */
export interface SeqInstruction {
  opcode: number;
  oparg: number;
  loc: Location;
}

/** A label (`_PyJumpTargetLabel`): an id, placed later with {@link InstructionSequence.useLabel}. */
export type Label = number;

/** `NO_LABEL`. */
export const NO_LABEL: Label = -1;

/** `_PyInstructionSequence`. */
export class InstructionSequence {
  readonly instrs: SeqInstruction[] = [];
  /** `s_labelmap`: label id → index of the instruction it stands before (-1: not placed). */
  private readonly labelMap: number[] = [];
  private nextLabel = 0;

  /** `_PyInstructionSequence_NewLabel`. */
  newLabel(): Label {
    return this.nextLabel++;
  }

  /** `_PyInstructionSequence_UseLabel`: the label stands before the next instruction added. */
  useLabel(label: Label): void {
    while (this.labelMap.length <= label) this.labelMap.push(-1);
    this.labelMap[label] = this.instrs.length;
  }

  /** `_PyInstructionSequence_Addop`. */
  addOp(opcode: number, oparg: number, loc: Location): void {
    this.instrs.push({ opcode, oparg, loc });
  }

  /** `_PyInstructionSequence_InsertInstruction`: insert at `pos`, moving labels after it along. */
  insert(pos: number, opcode: number, oparg: number, loc: Location): void {
    this.instrs.splice(pos, 0, { opcode, oparg, loc });
    for (let i = 0; i < this.labelMap.length; i++) {
      if (this.labelMap[i] >= pos) this.labelMap[i]++;
    }
  }

  /** `_PyInstructionSequence_ApplyLabelMap`: jump targets become instruction indices. */
  applyLabelMap(hasTarget: (opcode: number) => boolean): void {
    for (const instr of this.instrs) {
      if (hasTarget(instr.opcode)) {
        const index = this.labelMap[instr.oparg];
        if (index === undefined || index < 0) throw new Error(`label ${instr.oparg} was never placed`);
        instr.oparg = index;
      }
    }
  }
}
