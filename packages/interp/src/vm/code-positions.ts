/**
 * The source span of one instruction (`code.co_positions()`, the
 * iterator `positionsiter_next` over the 3.11+ location table with
 * `advance_with_locations`): start line, end line, start and end column
 * (UTF-8 byte offsets), each null where the table has none. The traceback
 * printer reads it for the instruction an entry stopped at (`tb_lasti`),
 * to show every line of a multi-line expression and where the markers go.
 */

import { bytesAsUint8Array, CODE_FIRSTLINENO_OFFSET, CODE_LINETABLE_OFFSET, type ObThread } from '@ft/objects';

/** `(lineno, end_lineno, col_offset, end_col_offset)` of one instruction; null: None. */
export interface CodePosition {
  readonly lineno: number | null;
  readonly endLineno: number | null;
  readonly colno: number | null;
  readonly endColno: number | null;
}

const NO_POSITION: CodePosition = { lineno: null, endLineno: null, colno: null, endColno: null };

/** Location-table entry kinds (`_PyCodeLocationInfoKind`). */
const LOCATION_LONG = 14;
const LOCATION_NO_COLUMNS = 13;
const LOCATION_ONE_LINE0 = 10;
const LOCATION_NONE = 15;

/** -1 (the table's "none") as null (`_source_offset_converter`). */
function orNull(v: number): number | null {
  return v < 0 ? null : v;
}

/**
 * `_get_code_position(code, lasti)`: the position of the instruction at
 * byte offset `lasti` of `code` (all null for a negative `lasti` or one
 * past the table's end).
 */
export function codePositionAt(t: ObThread, code: number, lasti: number): CodePosition {
  if (lasti < 0) return NO_POSITION;
  const target = lasti >> 1;
  const table = bytesAsUint8Array(t, t.u32[(code + CODE_LINETABLE_OFFSET) >>> 2]!);
  let pos = 0;
  const varint = (): number => {
    let b = table[pos++]!;
    let value = b & 0x3f;
    let shift = 6;
    while (b & 0x40) {
      b = table[pos++]!;
      value |= (b & 0x3f) << shift;
      shift += 6;
    }
    return value;
  };
  const signedVarint = (): number => {
    const v = varint();
    return v & 1 ? -(v >>> 1) : v >>> 1;
  };
  let computedLine = t.i32[(code + CODE_FIRSTLINENO_OFFSET) >>> 2]!;
  let unit = 0;
  while (pos < table.length) {
    const first = table[pos++]!;
    const kind = (first >> 3) & 15;
    const length = (first & 7) + 1;
    let line: number;
    let endLine: number;
    let column: number;
    let endColumn: number;
    if (kind === LOCATION_NONE) {
      line = endLine = column = endColumn = -1;
    } else if (kind === LOCATION_LONG) {
      computedLine += signedVarint();
      line = computedLine;
      endLine = line + varint();
      column = varint() - 1;
      endColumn = varint() - 1;
    } else if (kind === LOCATION_NO_COLUMNS) {
      computedLine += signedVarint();
      line = endLine = computedLine;
      column = endColumn = -1;
    } else if (kind >= LOCATION_ONE_LINE0) {
      computedLine += kind - LOCATION_ONE_LINE0;
      line = endLine = computedLine;
      column = table[pos++]!;
      endColumn = table[pos++]!;
    } else {
      // Short forms: the column's high bits are in the kind.
      const second = table[pos++]!;
      line = endLine = computedLine;
      column = (kind << 3) | (second >> 4);
      endColumn = column + (second & 15);
    }
    if (target < unit + length) {
      return { lineno: orNull(line), endLineno: orNull(endLine), colno: orNull(column), endColno: orNull(endColumn) };
    }
    unit += length;
  }
  return NO_POSITION;
}
