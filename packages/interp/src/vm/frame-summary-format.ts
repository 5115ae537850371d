/**
 * One traceback entry as CPython 3.13 prints it
 * (`traceback.StackSummary.format_frame_summary`): the `File "x.py", line
 * 3, in f` line, then the source of the instruction's whole span (every
 * line of a multi-line expression, dedented, the middle of a long one
 * abbreviated to `...<N lines>...`) and, when the span is not the whole
 * line, the marker line under it: `^` under the span, `~` under the
 * operands of a binary operation and the value of a subscript or call
 * (`_extract_caret_anchors_from_line_segment`), none when a
 * `return f(…)` or `x = f(…)` statement is exactly the call
 * (`_should_show_carets`). The segment is parsed with our own parser, as
 * CPython's uses `ast.parse`.
 */

import { parse } from '../parser/adapter.js';
import { NodeType, type ExprNode, type StmtNode } from '../parser/ast.js';
import { byteOffsetToCharOffset, isPySpace, pyRstrip, pySliceBounds, pySplitlines, pyStrip, textwrapDedent, textwrapIndent } from './py-text.js';
import type { SourceLines } from './source-lines.js';

/** `traceback.FrameSummary`: where one traceback entry stopped. */
export interface FrameSummary {
  readonly filename: string;
  /** null: the line is unknown (printed as `None`). */
  readonly lineno: number | null;
  readonly endLineno: number | null;
  /** UTF-8 byte columns of the instruction; null: unknown. */
  readonly colno: number | null;
  readonly endColno: number | null;
  readonly name: string;
}

/** `_Anchors`: where the secondary markers start and end (line index in the segment, code point column). */
interface Anchors {
  readonly leftEndLineno: number;
  readonly leftEndOffset: number;
  readonly rightStartLineno: number;
  readonly rightStartOffset: number;
  readonly primaryChar: string;
  readonly secondaryChar: string;
}

/**
 * East Asian Width W and F ranges (what `unicodedata.east_asian_width`
 * answers 'W' or 'F' for), the blocks source code meets: CJK, kana,
 * Hangul, full-width forms, the wide emoji. Only marker lines depend on it.
 */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3],
  [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1],
  [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea],
  [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b],
  [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55], [0x2e80, 0x303e],
  [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3],
  [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x16fe4],
  [0x17000, 0x18cd5], [0x1b000, 0x1b2fb], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a], [0x1f200, 0x1f251], [0x1f300, 0x1f320], [0x1f32d, 0x1f335], [0x1f337, 0x1f37c],
  [0x1f37e, 0x1f393], [0x1f3a0, 0x1f3ca], [0x1f3cf, 0x1f3d3], [0x1f3e0, 0x1f3f0], [0x1f3f4, 0x1f3f4],
  [0x1f3f8, 0x1f43e], [0x1f440, 0x1f440], [0x1f442, 0x1f4fc], [0x1f4ff, 0x1f53d], [0x1f54b, 0x1f54e],
  [0x1f550, 0x1f567], [0x1f57a, 0x1f57a], [0x1f595, 0x1f596], [0x1f5a4, 0x1f5a4], [0x1f5fb, 0x1f64f],
  [0x1f680, 0x1f6c5], [0x1f6cc, 0x1f6cc], [0x1f6d0, 0x1f6d2], [0x1f6d5, 0x1f6d7], [0x1f6dc, 0x1f6df],
  [0x1f6eb, 0x1f6ec], [0x1f6f4, 0x1f6fc], [0x1f7e0, 0x1f7eb], [0x1f7f0, 0x1f7f0], [0x1f90c, 0x1f93a],
  [0x1f93c, 0x1f945], [0x1f947, 0x1f9ff], [0x1fa70, 0x1faff], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];

function isWide(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c < 0x1100) return false;
  for (const [lo, hi] of WIDE_RANGES) {
    if (c < lo) return false;
    if (c <= hi) return true;
  }
  return false;
}

/** `_display_width(line, offset)`: columns the first `offset` code points take on a terminal. */
function displayWidth(line: readonly string[], offset: number = line.length): number {
  if (line.every((ch) => ch.codePointAt(0)! < 0x80)) return offset;
  let width = 0;
  for (const ch of line.slice(0, offset)) width += isWide(ch) ? 2 : 1;
  return width;
}

/** The first statement of `source` parsed as a module, null when it does not parse or is empty. */
function firstStatement(source: string): { body: StmtNode[] } | null {
  try {
    return parse(source, '<unknown>', 'exec');
  } catch {
    return null;
  }
}

/** Thrown where CPython's helper fails an assertion or indexes past the end (its caller suppresses any exception). */
class NoAnchors extends Error {}

/** `_extract_caret_anchors_from_line_segment(segment)`. */
function extractCaretAnchors(segment: string): Anchors | null {
  const tree = firstStatement(`(\n${segment}\n)`);
  if (tree === null || tree.body.length !== 1) return null;
  const lines = pySplitlines(segment).map((line) => Array.from(line));
  const lineText = pySplitlines(segment);
  const charAt = (lineno: number, col: number): string => {
    const ch = lines[lineno]?.[col];
    if (ch === undefined) throw new NoAnchors();
    return ch;
  };
  const normalize = (lineno: number, offset: number): number => {
    const text = lineText[lineno];
    if (text === undefined) throw new NoAnchors();
    return byteOffsetToCharOffset(text, offset);
  };
  const nextValidChar = (lineno: number, col: number): [number, number] => {
    while (lineno < lines.length && col >= lines[lineno]!.length) {
      col = 0;
      lineno++;
    }
    if (!(lineno < lines.length && col < lines[lineno]!.length)) throw new NoAnchors();
    return [lineno, col];
  };
  const increment = (lineno: number, col: number): [number, number] => nextValidChar(lineno, col + 1);
  const nextline = (lineno: number): [number, number] => nextValidChar(lineno + 1, 0);
  const incrementUntil = (lineno: number, col: number, stop: (ch: string) => boolean): [number, number] => {
    for (;;) {
      const ch = charAt(lineno, col);
      if (ch === '\\' || ch === '#') [lineno, col] = nextline(lineno);
      else if (!stop(ch)) [lineno, col] = increment(lineno, col);
      else return [lineno, col];
    }
  };
  const setupPositions = (expr: ExprNode, forceValid = true): [number, number] => {
    const lineno = expr.end_lineno - 2;
    const col = normalize(lineno, expr.end_col_offset);
    return forceValid ? nextValidChar(lineno, col) : [lineno, col];
  };
  const statement = tree.body[0]!;
  if (statement._type !== NodeType.Expr) return null;
  const expr = statement.value;
  const anchors = (l1: number, c1: number, l2: number, c2: number): Anchors => ({
    leftEndLineno: l1,
    leftEndOffset: c1,
    rightStartLineno: l2,
    rightStartOffset: c2,
    primaryChar: '~',
    secondaryChar: '^',
  });
  try {
    if (expr._type === NodeType.BinOp) {
      let [lineno, col] = setupPositions(expr.left);
      [lineno, col] = incrementUntil(lineno, col, (x) => !isPySpace(x) && x !== ')');
      // The operator is one or two characters, on one line, before the right operand.
      let rightCol = col + 1;
      if (rightCol < lines[lineno]!.length && (expr.right.lineno - 2 > lineno || rightCol < normalize(expr.right.lineno - 2, expr.right.col_offset))) {
        const ch = lines[lineno]![rightCol]!;
        if (!isPySpace(ch) && ch !== '\\' && ch !== '#') rightCol++;
      }
      return anchors(lineno, col, lineno, rightCol);
    }
    if (expr._type === NodeType.Subscript || expr._type === NodeType.Call) {
      const inner = expr._type === NodeType.Subscript ? expr.value : expr.func;
      const bracket = expr._type === NodeType.Subscript ? '[' : '(';
      let [leftLineno, leftCol] = setupPositions(inner);
      [leftLineno, leftCol] = incrementUntil(leftLineno, leftCol, (x) => x === bracket);
      const [rightLineno, rightCol] = setupPositions(expr, false);
      return anchors(leftLineno, leftCol, rightLineno, rightCol);
    }
  } catch (error) {
    if (error instanceof NoAnchors) return null;
    throw error;
  }
  return null;
}

/** `StackSummary._should_show_carets`. */
function shouldShowCarets(startOffset: number, endOffset: number, allLines: readonly string[][], anchors: Anchors | null): boolean {
  const tree = firstStatement(allLines.map((line) => line.join('')).join('\n'));
  if (tree !== null) {
    if (tree.body.length === 0) return false;
    const statement = tree.body[0]!;
    let value: ExprNode | null = null;
    if (statement._type === NodeType.Return && statement.value !== null && statement.value._type === NodeType.Call) {
      if (statement.value.func._type === NodeType.Name) value = statement.value;
    } else if (statement._type === NodeType.Assign && statement.value._type === NodeType.Call) {
      if (statement.targets.length === 1 && statement.targets[0]!._type === NodeType.Name) value = statement.value;
    }
    // CPython compares the node's byte columns with character offsets, as here.
    if (
      value !== null &&
      value.lineno === 1 &&
      value.end_lineno === allLines.length &&
      value.col_offset === startOffset &&
      value.end_col_offset === endOffset
    ) {
      return false;
    }
  }
  if (anchors !== null) return true;
  const before = allLines[0]!.slice(0, startOffset).join('');
  const after = allLines[allLines.length - 1]!.slice(endOffset).join('');
  // Code before or after the span on its lines: the markers say which part failed.
  return Array.from(before).some((ch) => !isPySpace(ch)) || Array.from(after).some((ch) => !isPySpace(ch));
}

/** The source lines `lineno..endLineno` of the entry, right-stripped, each ended by `\n` (`FrameSummary._set_lines`); null without a line. */
function originalLines(fs: FrameSummary, source: SourceLines): string | null {
  if (fs.lineno === null) return null;
  const end = fs.endLineno ?? fs.lineno;
  const lines: string[] = [];
  for (let lineno = fs.lineno; lineno <= end; lineno++) lines.push(pyRstrip(source.getline(fs.filename, lineno)));
  return `${lines.join('\n')}\n`;
}

/** `StackSummary.format_frame_summary(frame_summary)` without colour. */
export function formatFrameSummary(fs: FrameSummary, source: SourceLines): string {
  const filename = fs.filename.startsWith('<stdin>-') ? '<stdin>' : fs.filename;
  const row = [`  File "${filename}", line ${fs.lineno ?? 'None'}, in ${fs.name}\n`];
  const original = originalLines(fs, source);
  if (original === null) return row.join('');
  const dedented = textwrapDedent(original);
  if (pyStrip(dedented) === '') return row.join('');
  const lineno = fs.lineno!;
  const endLineno = fs.endLineno ?? lineno;
  if (fs.colno === null || fs.endColno === null) {
    // Without columns only the first line is shown.
    const first = pyStrip(original.slice(0, original.indexOf('\n')));
    row.push(`${textwrapIndent(first, '    ')}\n`);
    return row.join('');
  }
  const allOriginal = pySplitlines(original);
  const firstLine = allOriginal[0]!;
  const lastLine = allOriginal[endLineno - lineno] ?? '';
  let startOffset = byteOffsetToCharOffset(firstLine, fs.colno);
  let endOffset = byteOffsetToCharOffset(lastLine, fs.endColno);
  const allLines = pySplitlines(dedented)
    .slice(0, endLineno - lineno + 1)
    .map((line) => Array.from(line));
  const dedentChars = Array.from(firstLine).length - allLines[0]!.length;
  startOffset = Math.max(0, startOffset - dedentChars);
  endOffset = Math.max(0, endOffset - dedentChars);
  const lastIndex = allLines.length - 1;
  const dpStartOffset = displayWidth(allLines[0]!, startOffset);
  const dpEndOffset = displayWidth(allLines[lastIndex]!, endOffset);

  // The exact code of the instruction.
  const joined = Array.from(allLines.map((line) => line.join('')).join('\n'));
  const [segStart, segStop] = pySliceBounds(joined.length, startOffset, joined.length - (allLines[lastIndex]!.length - endOffset));
  const segment = joined.slice(segStart, Math.max(segStart, segStop)).join('');

  let anchors: Anchors | null = null;
  try {
    anchors = extractCaretAnchors(segment);
  } catch {
    anchors = null;
  }
  const showCarets = shouldShowCarets(startOffset, endOffset, allLines, anchors);

  // Only the first and last lines and those around the anchors are shown.
  const significant = new Set<number>([0, lastIndex]);
  let anchorsLeftEndOffset = 0;
  let anchorsRightStartOffset = 0;
  let primaryChar = '^';
  let secondaryChar = '^';
  if (anchors !== null) {
    anchorsLeftEndOffset = anchors.leftEndOffset;
    anchorsRightStartOffset = anchors.rightStartOffset;
    // Anchor columns on the segment's first line are relative to the segment's start.
    if (anchors.leftEndLineno === 0) anchorsLeftEndOffset += startOffset;
    if (anchors.rightStartLineno === 0) anchorsRightStartOffset += startOffset;
    anchorsLeftEndOffset = displayWidth(lineAt(allLines, anchors.leftEndLineno), anchorsLeftEndOffset);
    anchorsRightStartOffset = displayWidth(lineAt(allLines, anchors.rightStartLineno), anchorsRightStartOffset);
    primaryChar = anchors.primaryChar;
    secondaryChar = anchors.secondaryChar;
    for (let i = anchors.leftEndLineno - 1; i < anchors.leftEndLineno + 2; i++) significant.add(i);
    for (let i = anchors.rightStartLineno - 1; i < anchors.rightStartLineno + 2; i++) significant.add(i);
  }
  significant.delete(-1);
  significant.delete(allLines.length);

  const result: string[] = [];
  const outputLine = (index: number): void => {
    const line = allLines[index]!;
    result.push(`${line.join('')}\n`);
    if (!showCarets) return;
    let numSpaces = 0;
    while (numSpaces < line.length && isPySpace(line[numSpaces]!)) numSpaces++;
    const numCarets = index === lastIndex ? dpEndOffset : displayWidth(line);
    let carets = '';
    for (let col = 0; col < numCarets; col++) {
      if (col < numSpaces || (index === 0 && col < dpStartOffset)) carets += ' ';
      else if (
        anchors !== null &&
        (index > anchors.leftEndLineno || (index === anchors.leftEndLineno && col >= anchorsLeftEndOffset)) &&
        (index < anchors.rightStartLineno || (index === anchors.rightStartLineno && col < anchorsRightStartOffset))
      ) {
        carets += secondaryChar;
      } else carets += primaryChar;
    }
    result.push(`${carets}\n`);
  };
  const sorted = [...significant].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    const index = sorted[i]!;
    if (i > 0) {
      const diff = index - sorted[i - 1]!;
      if (diff === 2) outputLine(index - 1);
      else if (diff > 2) result.push(`...<${diff - 1} lines>...\n`);
    }
    outputLine(index);
  }
  row.push(textwrapIndent(textwrapDedent(result.join('')), '    ', () => true));
  return row.join('');
}

/** `all_lines[i]` with Python's negative indexing. */
function lineAt(lines: readonly string[][], i: number): string[] {
  const line = lines[i < 0 ? lines.length + i : i];
  if (line === undefined) throw new RangeError('anchor line out of range');
  return line;
}
