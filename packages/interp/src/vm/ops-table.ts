/**
 * Every instruction the eval loop runs out of line (out-of-line.ts), by
 * opcode: one table, so that the loop calls them all from one call site.
 * An opcode nobody runs raises SystemError, as CPython's `unknown opcode`.
 */

import { errRaise, StaticType } from '@ft/objects';
import { OPS as ASYNC_OPS } from './ops-async.js';
import { OPS as BUILD_OPS } from './ops-build.js';
import { OPS as EXCEPTION_OPS } from './ops-exceptions.js';
import { OPS as GENERIC_OPS } from './ops-generic.js';
import { OPS as MATCH_OPS } from './ops-match.js';
import { OPS as NAME_OPS } from './ops-names.js';
import type { OutOfLineOp } from './out-of-line.js';

/** The body of an opcode that has none. */
function unknownOpcode(opcode: number): OutOfLineOp {
  return (vm, fw, sp, oparg, here) => {
    errRaise(vm.t, StaticType.SystemError, `unknown opcode ${opcode} at code unit ${here}`);
    return -sp;
  };
}

/** The out-of-line body of each opcode (an array of 256 functions: one shape, no holes). */
export const OUT_OF_LINE: readonly OutOfLineOp[] = (() => {
  const table = Array.from({ length: 256 }, (_, opcode) => unknownOpcode(opcode));
  const seen = new Set<number>();
  for (const ops of [GENERIC_OPS, BUILD_OPS, NAME_OPS, EXCEPTION_OPS, ASYNC_OPS, MATCH_OPS]) {
    for (const [opcode, op] of ops) {
      if (seen.has(opcode)) throw new Error(`OUT_OF_LINE: opcode ${opcode} has two bodies`);
      seen.add(opcode);
      table[opcode] = op;
    }
  }
  return table;
})();
