/**
 * Constant folding on the AST before the symbol table, CPython 3.13's
 * `_PyAST_Optimize` (`Python/ast_opt.c`): operators on constants are
 * computed (within CPython's size limits), tuples of constants become one
 * constant, `x in [1, 2]` and `for x in [1, 2]` iterate over a constant tuple
 * (`{1, 2}`: a frozenset), `not (a is b)` becomes `a is not b`,
 * `'%s %r' % (a, b)` becomes an f-string, and `__debug__` is `True`.
 *
 * Nodes are changed in place, keeping their identity (the symbol table finds
 * blocks by node). A folded node becomes a `Constant` whose value is in
 * `folded` (a {@link ConstValue}: folding makes tuples and frozensets, which
 * literals cannot be); `kind` is null as in CPython.
 */

import { CmpOperator, ExprContext, NodeType, Operator, UnaryOperator, type ExprNode, type ModNode, type StmtNode } from '../parser/ast.js';
import type { ConstValue } from './code-unit.js';
import { constOfNode, type FoldedConstant } from './constant-node.js';
import { FALSE, strConst, TRUE } from './constant.js';
import { CO_FUTURE_ANNOTATIONS } from './future.js';

const MAX_INT_SIZE = 128;
const MAX_COLLECTION_SIZE = 256;
const MAX_STR_SIZE = 4096;
const MAX_TOTAL_ITEMS = 1024;

/** The folding could not be done (CPython's NULL result with the error cleared). */
const NO = null;

type Value = ConstValue;

function constValue(e: ExprNode): Value | null {
  if (e._type !== NodeType.Constant) return null;
  return (e as unknown as Partial<FoldedConstant>).folded ?? constOfNode(e);
}

/** `make_const`: the node becomes a Constant (location kept). */
function makeConst(node: ExprNode, value: Value | null): void {
  if (value === null) return;
  const n = node as unknown as Record<string, unknown>;
  const keep = new Set(['lineno', 'col_offset', 'end_lineno', 'end_col_offset']);
  for (const key of Object.keys(n)) if (!keep.has(key)) delete n[key];
  n._type = NodeType.Constant;
  n.kind = null;
  n.folded = value;
}

// ---------------------------------------------------------------- Python arithmetic on constants

function isIntLike(v: Value): v is { type: 'int'; value: bigint } | { type: 'bool'; value: boolean } {
  return v.type === 'int' || v.type === 'bool';
}

function asBigInt(v: Value): bigint {
  if (v.type === 'bool') return v.value ? 1n : 0n;
  if (v.type === 'int') return v.value;
  throw new Error('not an int');
}

function numBits(x: bigint): number {
  if (x < 0n) x = -x;
  return x === 0n ? 0 : x.toString(2).length;
}

function isNumber(v: Value): boolean {
  return v.type === 'int' || v.type === 'bool' || v.type === 'float' || v.type === 'complex';
}

function toFloat(v: Value): number {
  if (v.type === 'float') return v.value;
  return Number(asBigInt(v));
}

function int(x: bigint): Value {
  return { type: 'int', value: x };
}

function float(x: number): Value {
  return { type: 'float', value: x };
}

function complex(real: number, imag: number): Value {
  return { type: 'complex', real, imag };
}

function toComplex(v: Value): [number, number] {
  if (v.type === 'complex') return [v.real, v.imag];
  return [toFloat(v), 0];
}

type Complex = [number, number];

/** `_Py_c_prod`. */
function complexProduct(a: Complex, b: Complex): Complex {
  return [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
}

/** `_Py_c_quot` (Smith's algorithm: scale by the divisor's larger part); null for a zero divisor (ZeroDivisionError). */
function complexQuotient(a: Complex, b: Complex): Complex | null {
  const absReal = Math.abs(b[0]);
  const absImag = Math.abs(b[1]);
  if (absReal >= absImag) {
    if (absReal === 0) return null;
    const ratio = b[1] / b[0];
    const denom = b[0] + b[1] * ratio;
    return [(a[0] + a[1] * ratio) / denom, (a[1] - a[0] * ratio) / denom];
  }
  if (absImag >= absReal) {
    const ratio = b[0] / b[1];
    const denom = b[0] * ratio + b[1];
    return [(a[0] * ratio + a[1]) / denom, (a[1] * ratio - a[0]) / denom];
  }
  // A NaN in the divisor.
  return [NaN, NaN];
}

/**
 * `complex_pow`: an integral exponent of at most 100 in magnitude by
 * `c_powi` (binary powering, the reciprocal for a negative one), any other
 * by `_Py_c_pow` (polar form; JavaScript's `Math` functions stand for libm's,
 * which may differ in the last bit); null when Python raises (zero to a
 * negative or complex power, an infinite result).
 */
function complexPower(a: Complex, b: Complex): Complex | null {
  if (b[1] !== 0 || b[0] !== Math.floor(b[0]) || Math.abs(b[0]) > 100) {
    if (b[0] === 0 && b[1] === 0) return [1, 0];
    if (a[0] === 0 && a[1] === 0) return b[1] !== 0 || b[0] < 0 ? null : [0, 0];
    const vabs = Math.hypot(a[0], a[1]);
    let len = Math.pow(vabs, b[0]);
    const at = Math.atan2(a[1], a[0]);
    let phase = at * b[0];
    if (b[1] !== 0) {
      len /= Math.exp(at * b[1]);
      phase += b[1] * Math.log(vabs);
    }
    const r: Complex = [len * Math.cos(phase), len * Math.sin(phase)];
    if (Math.abs(r[0]) === Infinity || Math.abs(r[1]) === Infinity) return null;
    return r;
  }
  const n = b[0];
  const powu = (x: Complex, m: number): Complex => {
    let r: Complex = [1, 0];
    let p = x;
    for (let mask = 1; mask > 0 && m >= mask; mask *= 2) {
      if (Math.floor(m / mask) % 2 === 1) r = complexProduct(r, p);
      p = complexProduct(p, p);
    }
    return r;
  };
  let r: Complex;
  if (n > 0) {
    r = powu(a, n);
  } else {
    const q = complexQuotient([1, 0], powu(a, -n));
    if (q === null) return null;
    r = q;
  }
  // _Py_ADJUST_ERANGE2: an infinite part is an OverflowError.
  if (Math.abs(r[0]) === Infinity || Math.abs(r[1]) === Infinity) return null;
  return r;
}

/** Python's floor division and modulo of ints. */
function intDivmod(a: bigint, b: bigint): [bigint, bigint] {
  let q = a / b;
  let r = a % b;
  if (r !== 0n && r < 0n !== b < 0n) {
    q -= 1n;
    r += b;
  }
  return [q, r];
}

/** `_float_div_mod`. */
function floatDivmod(vx: number, wx: number): [number, number] {
  let mod = vx % wx;
  let div = (vx - mod) / wx;
  if (mod) {
    if (wx < 0 !== mod < 0) {
      mod += wx;
      div -= 1.0;
    }
  } else {
    mod = Math.sign(wx) < 0 || Object.is(wx, -0) ? -0 : 0;
  }
  let floordiv: number;
  if (div) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    const q = vx / wx;
    floordiv = q < 0 || Object.is(q, -0) ? -0 : 0;
  }
  return [floordiv, mod];
}

function concat(a: Value, b: Value): Value | null {
  if (a.type === 'str' && b.type === 'str') return strConst(a.value + b.value);
  if (a.type === 'bytes' && b.type === 'bytes') {
    const out = new Uint8Array(a.value.length + b.value.length);
    out.set(a.value);
    out.set(b.value, a.value.length);
    return { type: 'bytes', value: out };
  }
  if (a.type === 'tuple' && b.type === 'tuple') return { type: 'tuple', items: [...a.items, ...b.items] };
  return NO;
}

/** `check_complexity`. */
function checkComplexity(obj: Value, limit: number): number {
  if (obj.type === 'tuple') {
    limit -= obj.items.length;
    for (let i = 0; limit >= 0 && i < obj.items.length; i++) {
      limit = checkComplexity(obj.items[i], limit);
      if (limit < 0) return limit;
    }
  }
  return limit;
}

function repeat(seq: Value, n: bigint): Value | null {
  const count = n < 0n ? 0 : Number(n);
  if (seq.type === 'str') return strConst(seq.value.repeat(count));
  if (seq.type === 'bytes') {
    const out = new Uint8Array(seq.value.length * count);
    for (let i = 0; i < count; i++) out.set(seq.value, i * seq.value.length);
    return { type: 'bytes', value: out };
  }
  if (seq.type === 'tuple') {
    const items: Value[] = [];
    for (let i = 0; i < count; i++) items.push(...seq.items);
    return { type: 'tuple', items };
  }
  return NO;
}

function sizeOf(v: Value): number {
  if (v.type === 'str') return [...v.value].length;
  if (v.type === 'bytes') return v.value.length;
  if (v.type === 'tuple') return v.items.length;
  return 0;
}

/** `safe_multiply`. */
function safeMultiply(v: Value, w: Value): Value | null {
  if (isIntLike(v) && isIntLike(w) && asBigInt(v) !== 0n && asBigInt(w) !== 0n) {
    if (numBits(asBigInt(v)) + numBits(asBigInt(w)) > MAX_INT_SIZE) return NO;
  } else if (isIntLike(v) && w.type === 'tuple') {
    const size = w.items.length;
    if (size) {
      const n = asBigInt(v);
      if (n < 0n || n > BigInt(Math.floor(MAX_COLLECTION_SIZE / size))) return NO;
      if (n && checkComplexity(w, Math.floor(MAX_TOTAL_ITEMS / Number(n))) < 0) return NO;
    }
  } else if (isIntLike(v) && (w.type === 'str' || w.type === 'bytes')) {
    const size = sizeOf(w);
    if (size) {
      const n = asBigInt(v);
      if (n < 0n || n > BigInt(Math.floor(MAX_STR_SIZE / size))) return NO;
    }
  } else if (isIntLike(w) && (v.type === 'tuple' || v.type === 'str' || v.type === 'bytes')) {
    return safeMultiply(w, v);
  }
  if (isIntLike(v) && (w.type === 'tuple' || w.type === 'str' || w.type === 'bytes')) return repeat(w, asBigInt(v));
  return arith(Operator.Mult, v, w);
}

/** `safe_power`. */
function safePower(v: Value, w: Value): Value | null {
  if (isIntLike(v) && isIntLike(w) && asBigInt(v) !== 0n && asBigInt(w) > 0n) {
    const vbits = numBits(asBigInt(v));
    const wbits = asBigInt(w);
    if (BigInt(vbits) > BigInt(MAX_INT_SIZE) / wbits) return NO;
  }
  return arith(Operator.Pow, v, w);
}

/** `safe_lshift`. */
function safeLshift(v: Value, w: Value): Value | null {
  if (isIntLike(v) && isIntLike(w) && asBigInt(v) !== 0n && asBigInt(w) !== 0n) {
    const vbits = numBits(asBigInt(v));
    const wbits = asBigInt(w);
    if (wbits < 0n) return NO;
    if (wbits > BigInt(MAX_INT_SIZE) || BigInt(vbits) > BigInt(MAX_INT_SIZE) - wbits) return NO;
  }
  return arith(Operator.LShift, v, w);
}

/** A binary operator on two constants, as Python computes it; null when Python raises or the result is not representable here. */
function arith(opr: Operator, a: Value, b: Value): Value | null {
  if (opr === Operator.Add) {
    const c = concat(a, b);
    if (c !== null) return c;
  }
  if (!isNumber(a) || !isNumber(b)) return NO;
  if (a.type === 'complex' || b.type === 'complex') {
    const [ar, ai] = toComplex(a);
    const [br, bi] = toComplex(b);
    switch (opr) {
      case Operator.Add:
        return complex(ar + br, ai + bi);
      case Operator.Sub:
        return complex(ar - br, ai - bi);
      case Operator.Mult:
        return complex(ar * br - ai * bi, ar * bi + ai * br);
      case Operator.Div: {
        const q = complexQuotient([ar, ai], [br, bi]);
        return q === null ? NO : complex(q[0], q[1]);
      }
      case Operator.Pow: {
        const p = complexPower([ar, ai], [br, bi]);
        return p === null ? NO : complex(p[0], p[1]);
      }
      default:
        return NO;
    }
  }
  if (a.type === 'float' || b.type === 'float') {
    const x = toFloat(a);
    const y = toFloat(b);
    switch (opr) {
      case Operator.Add:
        return float(x + y);
      case Operator.Sub:
        return float(x - y);
      case Operator.Mult:
        return float(x * y);
      case Operator.Div:
        return y === 0 ? NO : float(x / y);
      case Operator.FloorDiv:
        return y === 0 ? NO : float(floatDivmod(x, y)[0]);
      case Operator.Mod:
        return y === 0 ? NO : float(floatDivmod(x, y)[1]);
      case Operator.Pow: {
        if (x === 0 && y < 0) return NO;
        if (x < 0 && !Number.isInteger(y) && Number.isFinite(y)) return NO;
        const r = Math.pow(x, y);
        if (!Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y)) return NO;
        return float(r);
      }
      default:
        return NO;
    }
  }
  // int (or bool) with int (or bool).
  const x = asBigInt(a);
  const y = asBigInt(b);
  const bothBool = a.type === 'bool' && b.type === 'bool';
  switch (opr) {
    case Operator.Add:
      return int(x + y);
    case Operator.Sub:
      return int(x - y);
    case Operator.Mult:
      return int(x * y);
    case Operator.Div: {
      if (y === 0n) return NO;
      const r = Number(x) / Number(y);
      return Number.isFinite(r) ? float(r) : NO;
    }
    case Operator.FloorDiv:
      return y === 0n ? NO : int(intDivmod(x, y)[0]);
    case Operator.Mod:
      return y === 0n ? NO : int(intDivmod(x, y)[1]);
    case Operator.Pow:
      if (y < 0n) {
        if (x === 0n) return NO;
        return float(Math.pow(Number(x), Number(y)));
      }
      return int(x ** y);
    case Operator.LShift:
      return y < 0n ? NO : int(x << y);
    case Operator.RShift:
      return y < 0n ? NO : int(x >> y);
    case Operator.BitOr:
      return bothBool ? (x | y ? TRUE : FALSE) : int(x | y);
    case Operator.BitXor:
      return bothBool ? (x ^ y ? TRUE : FALSE) : int(x ^ y);
    case Operator.BitAnd:
      return bothBool ? (x & y ? TRUE : FALSE) : int(x & y);
    default:
      return NO;
  }
}

/** Truth value (`PyObject_IsTrue`). */
function isTrue(v: Value): boolean {
  switch (v.type) {
    case 'None':
      return false;
    case 'bool':
      return v.value;
    case 'int':
      return v.value !== 0n;
    case 'float':
      return v.value !== 0;
    case 'complex':
      return v.real !== 0 || v.imag !== 0;
    case 'str':
      return v.value.length > 0;
    case 'bytes':
      return v.value.length > 0;
    case 'tuple':
    case 'frozenset':
      return v.items.length > 0;
    default:
      return true;
  }
}

function unary(opr: UnaryOperator, v: Value): Value | null {
  switch (opr) {
    case UnaryOperator.Not:
      return isTrue(v) ? FALSE : TRUE;
    case UnaryOperator.Invert:
      return isIntLike(v) ? int(~asBigInt(v)) : NO;
    case UnaryOperator.UAdd:
      if (isIntLike(v)) return int(asBigInt(v));
      if (v.type === 'float' || v.type === 'complex') return v;
      return NO;
    case UnaryOperator.USub:
      if (isIntLike(v)) return int(-asBigInt(v));
      if (v.type === 'float') return float(-v.value);
      if (v.type === 'complex') return complex(-v.real, -v.imag);
      return NO;
  }
}

/** `PyObject_GetItem` on constants: str, bytes and tuple indexing. */
function getItem(container: Value, index: Value): Value | null {
  if (!isIntLike(index)) return NO;
  let i = asBigInt(index);
  if (container.type === 'str') {
    const chars = [...container.value];
    if (i < 0n) i += BigInt(chars.length);
    return i >= 0n && i < BigInt(chars.length) ? strConst(chars[Number(i)]) : NO;
  }
  if (container.type === 'bytes') {
    if (i < 0n) i += BigInt(container.value.length);
    return i >= 0n && i < BigInt(container.value.length) ? int(BigInt(container.value[Number(i)])) : NO;
  }
  if (container.type === 'tuple') {
    if (i < 0n) i += BigInt(container.items.length);
    return i >= 0n && i < BigInt(container.items.length) ? container.items[Number(i)] : NO;
  }
  return NO;
}

// ---------------------------------------------------------------- %-format to f-string

/** `parse_literal`: text up to the next lone `%` (`%%` becomes `%`). */
function parseLiteral(fmt: string[], pos: { i: number }): ExprNode | null {
  const start = pos.i;
  let hasPercents = false;
  while (pos.i < fmt.length) {
    if (fmt[pos.i] !== '%') pos.i++;
    else if (pos.i + 1 < fmt.length && fmt[pos.i + 1] === '%') {
      hasPercents = true;
      pos.i += 2;
    } else break;
  }
  if (pos.i === start) return null;
  let s = fmt.slice(start, pos.i).join('');
  if (hasPercents) s = s.split('%%').join('%');
  return constantAt(strConst(s), -1, -1, -1, -1);
}

function constantAt(value: Value, lineno: number, col: number, endLineno: number, endCol: number): ExprNode {
  return { _type: NodeType.Constant, kind: null, folded: value, lineno, col_offset: col, end_lineno: endLineno, end_col_offset: endCol } as unknown as ExprNode;
}

/** `simple_format_arg_parse` + `parse_format`: one `%[flags][width][.prec](s|r|a)` unit. */
function parseFormat(fmt: string[], pos: { i: number }, arg: ExprNode): ExprNode | null {
  let i = pos.i;
  let ch: string;
  const next = (): boolean => {
    if (i >= fmt.length) return false;
    ch = fmt[i++];
    return true;
  };
  let ljust = false;
  for (;;) {
    if (!next()) return null;
    if (ch! === '-') ljust = true;
    else if (ch! === '+' || ch! === ' ' || ch! === '#' || ch! === '0') continue;
    else break;
  }
  let width = -1;
  let prec = -1;
  if (ch! >= '0' && ch! <= '9') {
    width = 0;
    let digits = 0;
    while (ch! >= '0' && ch! <= '9') {
      width = width * 10 + Number(ch!);
      if (!next()) return null;
      if (++digits >= 3) return null;
    }
  }
  if (ch! === '.') {
    if (!next()) return null;
    prec = 0;
    let digits = 0;
    while (ch! >= '0' && ch! <= '9') {
      prec = prec * 10 + Number(ch!);
      if (!next()) return null;
      if (++digits >= 3) return null;
    }
  }
  const spec = ch!;
  pos.i = i;
  if (spec !== 's' && spec !== 'r' && spec !== 'a') return null;
  let buf = '';
  if (!ljust && width > 0) buf += '>';
  if (width >= 0) buf += String(width);
  if (prec >= 0) buf += `.${prec}`;
  const formatSpec = buf !== '' ? constantAt(strConst(buf), -1, -1, -1, -1) : null;
  return {
    _type: NodeType.FormattedValue,
    value: arg,
    conversion: spec.charCodeAt(0),
    format_spec: formatSpec,
    lineno: arg.lineno,
    col_offset: arg.col_offset,
    end_lineno: arg.end_lineno,
    end_col_offset: arg.end_col_offset,
  } as ExprNode;
}

/** `optimize_format`: `'…' % (a, b)` with only `%s`, `%r`, `%a` becomes an f-string. */
function optimizeFormat(node: ExprNode, fmtText: string, elts: ExprNode[]): void {
  const fmt = [...fmtText];
  const pos = { i: 0 };
  const seq: ExprNode[] = [];
  let cnt = 0;
  for (;;) {
    const lit = parseLiteral(fmt, pos);
    if (lit !== null) seq.push(lit);
    if (pos.i >= fmt.length) break;
    if (cnt >= elts.length) return;
    pos.i++;
    const expr = parseFormat(fmt, pos, elts[cnt]);
    cnt++;
    if (expr === null) return;
    seq.push(expr);
  }
  if (cnt < elts.length) return;
  const n = node as unknown as Record<string, unknown>;
  for (const key of ['left', 'op', 'right']) delete n[key];
  n._type = NodeType.JoinedStr;
  n.values = seq;
}

// ---------------------------------------------------------------- the walk

function makeConstTuple(elts: ExprNode[]): Value | null {
  const items: Value[] = [];
  for (const e of elts) {
    const v = constValue(e);
    if (v === null) return null;
    items.push(v);
  }
  return { type: 'tuple', items };
}

/** `fold_iter`: a list or set iterated over (or tested with `in`) becomes a tuple or frozenset. */
function foldIter(arg: ExprNode): void {
  if (arg._type === NodeType.List) {
    if (arg.elts.some((e) => e._type === NodeType.Starred)) return;
    (arg as unknown as { _type: NodeType })._type = NodeType.Tuple;
    makeConst(arg, makeConstTuple(arg.elts));
  } else if (arg._type === NodeType.Set) {
    const t = makeConstTuple(arg.elts);
    if (t !== null && t.type === 'tuple') makeConst(arg, { type: 'frozenset', items: dedupe(t.items) });
  }
}

function dedupe(items: readonly Value[]): Value[] {
  const out: Value[] = [];
  const seen = new Set<string>();
  for (const v of items) {
    const key = v.type === 'bool' ? `i${v.value ? 1 : 0}` : v.type === 'int' ? `i${v.value}` : v.type === 'float' && Number.isInteger(v.value) ? `i${BigInt(v.value)}` : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Array.from(x) : x));
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

class AstOptimizer {
  constructor(
    private readonly optimize: number,
    private readonly futureAnnotations: boolean,
  ) {}

  /** `astfold_body`: folding must not make a docstring of something that was not one. */
  body(stmts: StmtNode[]): void {
    const hadDoc = isDocString(stmts);
    for (const s of stmts) this.stmt(s);
    if (!hadDoc && isDocString(stmts)) {
      const st = stmts[0] as StmtNode & { _type: NodeType.Expr };
      st.value = { _type: NodeType.JoinedStr, values: [st.value], lineno: st.lineno, col_offset: st.col_offset, end_lineno: st.end_lineno, end_col_offset: st.end_col_offset } as ExprNode;
    }
  }

  mod(m: ModNode): void {
    switch (m._type) {
      case NodeType.Module:
        this.body(m.body);
        break;
      case NodeType.Interactive:
        for (const s of m.body) this.stmt(s);
        break;
      case NodeType.Expression:
        this.expr(m.body);
        break;
    }
  }

  private stmts(stmts: StmtNode[]): void {
    for (const s of stmts) this.stmt(s);
  }

  private exprs(es: (ExprNode | null)[]): void {
    for (const e of es) if (e !== null) this.expr(e);
  }

  private arguments(a: import('../parser/ast.js').Arguments): void {
    for (const arg of [...a.posonlyargs, ...a.args]) this.annotation(arg.annotation);
    if (a.vararg !== null) this.annotation(a.vararg.annotation);
    for (const arg of a.kwonlyargs) this.annotation(arg.annotation);
    this.exprs(a.kw_defaults);
    if (a.kwarg !== null) this.annotation(a.kwarg.annotation);
    this.exprs(a.defaults);
  }

  private annotation(e: ExprNode | null): void {
    if (e !== null && !this.futureAnnotations) this.expr(e);
  }

  private stmt(s: StmtNode): void {
    switch (s._type) {
      case NodeType.FunctionDef:
      case NodeType.AsyncFunctionDef:
        this.arguments(s.args);
        this.body(s.body);
        this.exprs(s.decorator_list);
        this.annotation(s.returns);
        return;
      case NodeType.ClassDef:
        this.exprs(s.bases);
        for (const k of s.keywords) this.expr(k.value);
        this.body(s.body);
        this.exprs(s.decorator_list);
        return;
      case NodeType.Return:
        if (s.value !== null) this.expr(s.value);
        return;
      case NodeType.Delete:
        this.exprs(s.targets);
        return;
      case NodeType.Assign:
        this.exprs(s.targets);
        this.expr(s.value);
        return;
      case NodeType.TypeAlias:
        return;
      case NodeType.AugAssign:
        this.expr(s.target);
        this.expr(s.value);
        return;
      case NodeType.AnnAssign:
        this.expr(s.target);
        this.annotation(s.annotation);
        if (s.value !== null) this.expr(s.value);
        return;
      case NodeType.For:
      case NodeType.AsyncFor:
        this.expr(s.target);
        this.expr(s.iter);
        this.stmts(s.body);
        this.stmts(s.orelse);
        if (s._type === NodeType.For) foldIter(s.iter);
        return;
      case NodeType.While:
      case NodeType.If:
        this.expr(s.test);
        this.stmts(s.body);
        this.stmts(s.orelse);
        return;
      case NodeType.With:
      case NodeType.AsyncWith:
        for (const item of s.items) {
          this.expr(item.context_expr);
          if (item.optional_vars !== null) this.expr(item.optional_vars);
        }
        this.stmts(s.body);
        return;
      case NodeType.Match:
        this.expr(s.subject);
        for (const c of s.cases) {
          this.pattern(c.pattern);
          if (c.guard !== null) this.expr(c.guard);
          this.stmts(c.body);
        }
        return;
      case NodeType.Raise:
        if (s.exc !== null) this.expr(s.exc);
        if (s.cause !== null) this.expr(s.cause);
        return;
      case NodeType.Try:
      case NodeType.TryStar:
        this.stmts(s.body);
        for (const h of s.handlers) {
          if (h.type !== null) this.expr(h.type);
          this.stmts(h.body);
        }
        this.stmts(s.orelse);
        this.stmts(s.finalbody);
        return;
      case NodeType.Assert:
        this.expr(s.test);
        if (s.msg !== null) this.expr(s.msg);
        return;
      case NodeType.Expr:
        this.expr(s.value);
        return;
      default:
        return;
    }
  }

  private pattern(p: import('../parser/ast.js').PatternNode): void {
    switch (p._type) {
      case NodeType.MatchValue:
        this.expr(p.value);
        return;
      case NodeType.MatchSequence:
      case NodeType.MatchOr:
        for (const q of p.patterns) this.pattern(q);
        return;
      case NodeType.MatchMapping:
        this.exprs(p.keys);
        for (const q of p.patterns) this.pattern(q);
        return;
      case NodeType.MatchClass:
        this.expr(p.cls);
        for (const q of p.patterns) this.pattern(q);
        for (const q of p.kwd_patterns) this.pattern(q);
        return;
      case NodeType.MatchAs:
        if (p.pattern !== null) this.pattern(p.pattern);
        return;
      default:
        return;
    }
  }

  private comprehensions(gens: import('../parser/ast.js').Comprehension[]): void {
    for (const g of gens) {
      this.expr(g.target);
      this.expr(g.iter);
      this.exprs(g.ifs);
      foldIter(g.iter);
    }
  }

  expr(e: ExprNode): void {
    switch (e._type) {
      case NodeType.BoolOp:
        this.exprs(e.values);
        return;
      case NodeType.BinOp: {
        this.expr(e.left);
        this.expr(e.right);
        const lv = constValue(e.left);
        if (lv === null) return;
        if (e.op === Operator.Mod && e.right._type === NodeType.Tuple && lv.type === 'str' && !e.right.elts.some((x) => x._type === NodeType.Starred)) {
          optimizeFormat(e, lv.value, e.right.elts);
          return;
        }
        const rv = constValue(e.right);
        if (rv === null) return;
        let value: Value | null;
        switch (e.op) {
          case Operator.Mult:
            value = safeMultiply(lv, rv);
            break;
          case Operator.Pow:
            value = safePower(lv, rv);
            break;
          case Operator.LShift:
            value = safeLshift(lv, rv);
            break;
          case Operator.Mod:
            value = lv.type === 'str' || lv.type === 'bytes' ? NO : arith(e.op, lv, rv);
            break;
          case Operator.MatMult:
            return;
          default:
            value = arith(e.op, lv, rv);
        }
        makeConst(e, value);
        return;
      }
      case NodeType.UnaryOp: {
        this.expr(e.operand);
        const arg = e.operand;
        const v = constValue(arg);
        if (v === null) {
          // `not (a is b)` → `a is not b` (only for the inversions that are exact).
          if (e.op === UnaryOperator.Not && arg._type === NodeType.Compare && arg.ops.length === 1) {
            const inverse: Partial<Record<CmpOperator, CmpOperator>> = {
              [CmpOperator.Is]: CmpOperator.IsNot,
              [CmpOperator.IsNot]: CmpOperator.Is,
              [CmpOperator.In]: CmpOperator.NotIn,
              [CmpOperator.NotIn]: CmpOperator.In,
            };
            const inv = inverse[arg.ops[0]];
            if (inv !== undefined) {
              arg.ops[0] = inv;
              copyNode(e, arg);
            }
          }
          return;
        }
        makeConst(e, unary(e.op, v));
        return;
      }
      case NodeType.Lambda:
        this.arguments(e.args);
        this.expr(e.body);
        return;
      case NodeType.IfExp:
        this.expr(e.test);
        this.expr(e.body);
        this.expr(e.orelse);
        return;
      case NodeType.Dict:
        this.exprs(e.keys);
        this.exprs(e.values);
        return;
      case NodeType.Set:
        this.exprs(e.elts);
        return;
      case NodeType.ListComp:
      case NodeType.SetComp:
      case NodeType.GeneratorExp:
        this.expr(e.elt);
        this.comprehensions(e.generators);
        return;
      case NodeType.DictComp:
        this.expr(e.key);
        this.expr(e.value);
        this.comprehensions(e.generators);
        return;
      case NodeType.Await:
      case NodeType.YieldFrom:
        this.expr(e.value);
        return;
      case NodeType.Yield:
        if (e.value !== null) this.expr(e.value);
        return;
      case NodeType.Compare: {
        this.expr(e.left);
        this.exprs(e.comparators);
        const i = e.ops.length - 1;
        if (e.ops[i] === CmpOperator.In || e.ops[i] === CmpOperator.NotIn) foldIter(e.comparators[i]);
        return;
      }
      case NodeType.Call:
        this.expr(e.func);
        this.exprs(e.args);
        for (const k of e.keywords) this.expr(k.value);
        return;
      case NodeType.FormattedValue:
        this.expr(e.value);
        if (e.format_spec !== null) this.expr(e.format_spec);
        return;
      case NodeType.JoinedStr:
        this.exprs(e.values);
        return;
      case NodeType.Attribute:
        this.expr(e.value);
        return;
      case NodeType.Subscript: {
        this.expr(e.value);
        this.expr(e.slice);
        if (e.ctx !== ExprContext.Load) return;
        const a = constValue(e.value);
        const i = constValue(e.slice);
        if (a !== null && i !== null) makeConst(e, getItem(a, i));
        return;
      }
      case NodeType.Starred:
        this.expr(e.value);
        return;
      case NodeType.Slice:
        if (e.lower !== null) this.expr(e.lower);
        if (e.upper !== null) this.expr(e.upper);
        if (e.step !== null) this.expr(e.step);
        return;
      case NodeType.List:
        this.exprs(e.elts);
        return;
      case NodeType.Tuple:
        this.exprs(e.elts);
        if (e.ctx === ExprContext.Load) makeConst(e, makeConstTuple(e.elts));
        return;
      case NodeType.Name:
        if (e.ctx === ExprContext.Load && e.id === '__debug__') makeConst(e, this.optimize ? FALSE : TRUE);
        return;
      case NodeType.NamedExpr:
        this.expr(e.value);
        return;
      default:
        return;
    }
  }
}

/** `COPY_NODE`: `node` takes every field of `from` (its position included). */
function copyNode(node: ExprNode, from: ExprNode): void {
  const n = node as unknown as Record<string, unknown>;
  for (const key of Object.keys(n)) delete n[key];
  Object.assign(n, from);
}

function isDocString(stmts: StmtNode[]): boolean {
  const st = stmts[0];
  if (st === undefined || st._type !== NodeType.Expr) return false;
  const v = constValue(st.value);
  return v !== null && v.type === 'str';
}

/** `_PyAST_Optimize`: folds `mod` in place. `futureFeatures` are the module's `CO_FUTURE_*` bits. */
export function optimizeAst(mod: ModNode, optimize: number, futureFeatures: number): void {
  new AstOptimizer(optimize, (futureFeatures & CO_FUTURE_ANNOTATIONS) !== 0).mod(mod);
}

