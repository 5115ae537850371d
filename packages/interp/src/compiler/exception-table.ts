/**
 * The zero-cost exception table (`co_exceptiontable`), as
 * `Objects/exception_handling_notes.txt` describes it and
 * `Python/assemble.c` writes it: for each range of code units covered by a
 * handler, four varints — start, length, handler offset, and
 * `depth << 1 | lasti` (the stack depth to unwind to; whether to push the
 * offset of the raising instruction). Varints here are big-endian, 6 bits a
 * byte, bit 6 set on all but the last byte; bit 7 marks the first byte of an
 * entry.
 */

/** One entry, offsets in code units. */
export interface ExceptionTableEntry {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  readonly target: number;
  readonly depth: number;
  readonly lasti: boolean;
}

const CONTINUATION_BIT = 64;

/** `assemble_emit_exception_table_item`. */
function item(out: number[], value: number, msb: number): void {
  if (value >= 1 << 24) {
    out.push((value >> 24) | CONTINUATION_BIT | msb);
    msb = 0;
  }
  if (value >= 1 << 18) {
    out.push(((value >> 18) & 0x3f) | CONTINUATION_BIT | msb);
    msb = 0;
  }
  if (value >= 1 << 12) {
    out.push(((value >> 12) & 0x3f) | CONTINUATION_BIT | msb);
    msb = 0;
  }
  if (value >= 1 << 6) {
    out.push(((value >> 6) & 0x3f) | CONTINUATION_BIT | msb);
    msb = 0;
  }
  out.push((value & 0x3f) | msb);
}

export function encodeExceptionTable(entries: readonly ExceptionTableEntry[]): Uint8Array {
  const out: number[] = [];
  for (const e of entries) {
    item(out, e.start, 0x80);
    item(out, e.end - e.start, 0);
    item(out, e.target, 0);
    item(out, (e.depth << 1) | (e.lasti ? 1 : 0), 0);
  }
  return Uint8Array.from(out);
}

/** Reads a table back (`dis._parse_exception_table`), for disassemblers and tests. */
export function decodeExceptionTable(table: Uint8Array): ExceptionTableEntry[] {
  const entries: ExceptionTableEntry[] = [];
  let pos = 0;
  const read = (): number => {
    let b = table[pos++];
    let value = b & 0x3f;
    while (b & CONTINUATION_BIT) {
      b = table[pos++];
      value = (value << 6) | (b & 0x3f);
    }
    return value;
  };
  while (pos < table.length) {
    const start = read();
    const length = read();
    const target = read();
    const dl = read();
    entries.push({ start, end: start + length, target, depth: dl >> 1, lasti: (dl & 1) === 1 });
  }
  return entries;
}
