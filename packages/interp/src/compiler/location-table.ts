/**
 * The location table of a code object (`co_linetable`), CPython 3.11+'s
 * format (`Objects/locations.md`), written as `Python/assemble.c` writes it
 * (`write_location_info_entry`): one entry per run of at most 8 code units
 * with the same source span. The first byte of an entry is
 * `1ccccnnn` (code `cccc`, `nnn` = units − 1); then, by code:
 *
 * - 0–9 (short): one byte `(column & 7) << 4 | (end − column)`, the column's
 *   high bits in the code; same line as before, span on one line;
 * - 10–12 (one line): line delta 0–2 in the code, then column and end column;
 * - 13 (no column): a signed varint line delta;
 * - 14 (long): signed varint line delta, varints end-line delta, column + 1,
 *   end column + 1;
 * - 15: no location.
 *
 * Varints are 6 bits a byte, low bits first, bit 6 set on all but the last;
 * a signed varint is the magnitude shifted left with the sign in bit 0.
 */

import type { Location } from './instruction-sequence.js';

const SHORT0 = 0;
const ONE_LINE0 = 10;
const NO_COLUMNS = 13;
const LONG = 14;
const NONE = 15;

/** Writes location entries; tracks the line the previous entry left off at. */
export class LocationTableWriter {
  private readonly out: number[] = [];

  constructor(private lineno: number) {}

  private firstByte(code: number, length: number): void {
    this.out.push(0x80 | (code << 3) | (length - 1));
  }

  private varint(value: number): void {
    while (value >= 64) {
      this.out.push(0x40 | (value & 0x3f));
      value >>>= 6;
    }
    this.out.push(value);
  }

  private signedVarint(value: number): void {
    this.varint(value < 0 ? ((-value) << 1) | 1 : value << 1);
  }

  /** `assemble_emit_location`: `units` code units at `loc`, in entries of at most 8. */
  emit(loc: Location, units: number): void {
    if (units === 0) return;
    while (units > 8) {
      this.entry(loc, 8);
      units -= 8;
    }
    this.entry(loc, units);
  }

  /** `write_location_info_entry`. */
  private entry(loc: Location, length: number): void {
    if (loc.lineno < 0) {
      this.firstByte(NONE, length);
      return;
    }
    const lineDelta = loc.lineno - this.lineno;
    const column = loc.col_offset;
    const endColumn = loc.end_col_offset;
    if (column < 0 || endColumn < 0) {
      if (loc.end_lineno === loc.lineno || loc.end_lineno === -1) {
        this.firstByte(NO_COLUMNS, length);
        this.signedVarint(lineDelta);
        this.lineno = loc.lineno;
        return;
      }
    } else if (loc.end_lineno === loc.lineno) {
      if (lineDelta === 0 && column < 80 && endColumn - column < 16 && endColumn >= column) {
        this.firstByte(SHORT0 + (column >> 3), length);
        this.out.push(((column & 7) << 4) | (endColumn - column));
        return;
      }
      if (lineDelta >= 0 && lineDelta < 3 && column < 128 && endColumn < 128) {
        this.firstByte(ONE_LINE0 + lineDelta, length);
        this.out.push(column, endColumn);
        this.lineno = loc.lineno;
        return;
      }
    }
    this.firstByte(LONG, length);
    this.signedVarint(lineDelta);
    this.varint(loc.end_lineno - loc.lineno);
    this.varint(loc.col_offset + 1);
    this.varint(loc.end_col_offset + 1);
    this.lineno = loc.lineno;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}
