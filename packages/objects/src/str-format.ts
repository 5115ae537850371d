/**
 * `str.format(*args, **kwargs)` and `str.format_map(mapping)`
 * (`Objects/stringlib/unicode_format.h`): literal text with `{{` and `}}`
 * escapes, replacement fields `{name.attr[key]!conv:spec}` — the first
 * part an index into the positional arguments (automatic `{}` or manual
 * `{0}` numbering, never both) or a key of the keyword arguments, then
 * attribute and item lookups, a conversion (`!r`, `!s`, `!a`) and a
 * format spec, which may hold replacement fields itself (one level:
 * `{:{w}.{p}}`). Each field is formatted by format-builtin.ts.
 *
 * The parsing is CPython's `MarkupIterator`, `parse_field`,
 * `field_name_split` and `FieldNameIterator`, step for step, so that the
 * errors come in the same order with the same messages: ValueError
 * ("Single '}' encountered in format string", "expected '}' before end of
 * string", "cannot switch from automatic field numbering to manual field
 * specification", "Max string recursion exceeded", …), IndexError
 * "Replacement index 1 out of range for positional args tuple", the
 * KeyError of a missing name, and whatever an attribute or item lookup
 * raises.
 *
 * The format string is read as code points (a str is immutable once
 * published); the result is written by a {@link UnicodeWriter}.
 */

import { decref, incref } from '@ft/refcount';
import { objectGetItem } from './abstract.js';
import { errRaise } from './errors.js';
import { formatObjectInto, objectConvert } from './format-builtin.js';
import { objectGetAttr } from './generic-attr.js';
import { intFromNumber } from './int.js';
import { errSetKeyError } from './key-error.js';
import { StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strFromCodePoints } from './str-methods.js';
import { unicodeDecimal } from './float-format.js';
import { tupleGetItem, tupleSize } from './tuple.js';
import { strCodePoints, UnicodeWriter } from './unicode-writer.js';

/** `PY_SSIZE_T_MAX`, as `get_integer` checks against it. */
const SSIZE_MAX = 2n ** 63n - 1n;

const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const DOT = 0x2e;
const COLON = 0x3a;
const BANG = 0x21;

/** `AutoNumberState`: no numeric field yet, automatic (`{}`), or manual (`{0}`). */
const ANS_INIT = 0;
const ANS_AUTO = 1;
const ANS_MANUAL = 2;

/** `AutoNumber`: the numbering state, shared by the fields and the nested specs of one call. */
interface AutoNumber {
  state: number;
  field: number;
}

/** -1 with ValueError. */
function valueError(t: ObThread, message: string): -1 {
  errRaise(t, StaticType.ValueError, message);
  return -1;
}

/**
 * `get_integer` of unicode_format.h: `cps[start:end]` as a non-negative
 * index when it is all decimal digits (any Unicode decimal digit); -1 when
 * it is empty or holds anything else; -2 with ValueError "Too many decimal
 * digits in format string" when the digits before the first non-digit
 * overflow `Py_ssize_t`.
 */
function getInteger(t: ObThread, cps: readonly number[], start: number, end: number): number {
  if (start >= end) return -1;
  let value = 0;
  let big = -1n;
  for (let i = start; i < end; i++) {
    const d = unicodeDecimal(cps[i]!);
    if (d < 0) return -1;
    if (big < 0n && value < 2 ** 49) value = value * 10 + d;
    else {
      if (big < 0n) big = BigInt(value);
      big = big * 10n + BigInt(d);
      if (big > SSIZE_MAX) {
        valueError(t, 'Too many decimal digits in format string');
        return -2;
      }
      value = Number(big);
    }
  }
  return value;
}

/** A field lookup's object: a new reference, or 0 with the exception. */
function lookupFirst(t: ObThread, cps: readonly number[], start: number, end: number, index: number, args: number, kwargs: number): number {
  if (index === -1) {
    const key = strFromCodePoints(t, cps, start, end);
    if (key === 0) return 0;
    let obj: number;
    if (kwargs === 0) obj = errSetKeyError(t, key);
    else obj = objectGetItem(t, kwargs, key);
    decref(t.rc, key);
    return obj;
  }
  // Only format_map() has no positional arguments.
  if (args === 0) return errRaise(t, StaticType.ValueError, 'Format string contains positional fields');
  if (index >= tupleSize(t, args)) return errRaise(t, StaticType.IndexError, `Replacement index ${index} out of range for positional args tuple`);
  const obj = tupleGetItem(t, args, index);
  incref(t.rc, obj);
  return obj;
}

/**
 * `get_field_object`: the object the field name `cps[start:end]` names —
 * `field_name_split` (the first part, automatic numbering), then each
 * `.attr` and `[key]` of `FieldNameIterator` in turn. A new reference, or
 * 0 with the exception.
 */
function getFieldObject(t: ObThread, cps: readonly number[], start: number, end: number, args: number, kwargs: number, auto: AutoNumber | null): number {
  let i = start;
  while (i < end && cps[i] !== LBRACKET && cps[i] !== DOT) i++;
  const firstEnd = i;
  let index = getInteger(t, cps, start, firstEnd);
  if (index === -2) return 0;
  const empty = firstEnd === start;
  const numeric = empty || index !== -1;
  if (auto !== null) {
    if (auto.state === ANS_INIT && numeric) auto.state = empty ? ANS_AUTO : ANS_MANUAL;
    if (numeric) {
      if (auto.state === ANS_MANUAL && empty) return errRaise(t, StaticType.ValueError, 'cannot switch from manual field specification to automatic field numbering');
      if (auto.state === ANS_AUTO && !empty) return errRaise(t, StaticType.ValueError, 'cannot switch from automatic field numbering to manual field specification');
    }
    if (empty) index = auto.field++;
  }
  let obj = lookupFirst(t, cps, start, firstEnd, index, args, kwargs);
  if (obj === 0) return 0;
  // FieldNameIterator_next: '.name' or '[key]', until the end.
  let pos = firstEnd;
  while (pos < end) {
    const c = cps[pos++]!;
    let nameStart: number;
    let nameEnd: number;
    let isAttribute: boolean;
    if (c === DOT) {
      isAttribute = true;
      nameStart = pos;
      while (pos < end && cps[pos] !== LBRACKET && cps[pos] !== DOT) pos++;
      nameEnd = pos;
    } else if (c === LBRACKET) {
      isAttribute = false;
      nameStart = pos;
      while (pos < end && cps[pos] !== RBRACKET) pos++;
      if (pos >= end) {
        decref(t.rc, obj);
        return errRaise(t, StaticType.ValueError, "Missing ']' in format string");
      }
      nameEnd = pos++;
    } else {
      decref(t.rc, obj);
      return errRaise(t, StaticType.ValueError, "Only '.' or '[' may follow ']' in format field specifier");
    }
    const itemIndex = isAttribute ? -1 : getInteger(t, cps, nameStart, nameEnd);
    if (itemIndex === -2) {
      decref(t.rc, obj);
      return 0;
    }
    if (nameStart === nameEnd) {
      decref(t.rc, obj);
      return errRaise(t, StaticType.ValueError, 'Empty attribute in format string');
    }
    let next: number;
    if (itemIndex === -1) {
      // getattr, or getitem_str: the name as a str.
      const name = strFromCodePoints(t, cps, nameStart, nameEnd);
      if (name === 0) {
        decref(t.rc, obj);
        return 0;
      }
      next = isAttribute ? objectGetAttr(t, obj, name) : objectGetItem(t, obj, name);
      decref(t.rc, name);
    } else {
      // getitem_sequence / getitem_idx: the index as an int.
      const key = intFromNumber(t, itemIndex);
      next = key === 0 ? 0 : objectGetItem(t, obj, key);
      if (key !== 0) decref(t.rc, key);
    }
    decref(t.rc, obj);
    if (next === 0) return 0;
    obj = next;
  }
  return obj;
}

/**
 * `output_markup`: one replacement field — its object, the conversion,
 * the spec (expanded first when it holds fields), then the object
 * formatted into `w`. 0, or -1 with the exception.
 */
function outputMarkup(
  t: ObThread,
  w: UnicodeWriter,
  cps: readonly number[],
  nameStart: number,
  nameEnd: number,
  specStart: number,
  specEnd: number,
  expand: boolean,
  conversion: number,
  args: number,
  kwargs: number,
  depth: number,
  auto: AutoNumber,
): number {
  let obj = getFieldObject(t, cps, nameStart, nameEnd, args, kwargs, auto);
  if (obj === 0) return -1;
  if (conversion !== 0) {
    const converted = objectConvert(t, obj, conversion);
    decref(t.rc, obj);
    if (converted === 0) return -1;
    obj = converted;
  }
  let spec: readonly number[] = cps;
  let start = specStart;
  let end = specEnd;
  if (expand) {
    const inner = new UnicodeWriter();
    if (buildString(t, inner, cps, specStart, specEnd, args, kwargs, depth - 1, auto) < 0) {
      decref(t.rc, obj);
      return -1;
    }
    spec = inner.cps;
    start = 0;
    end = inner.cps.length;
  }
  const status = formatObjectInto(t, w, obj, spec, start, end);
  decref(t.rc, obj);
  return status;
}

/**
 * `build_string` / `output_markup`'s loop (`MarkupIterator_next` and
 * `parse_field`): the format string `cps[start:end]` rendered into `w`;
 * 0, or -1 with the exception.
 */
function buildString(t: ObThread, w: UnicodeWriter, cps: readonly number[], start: number, end: number, args: number, kwargs: number, depth: number, auto: AutoNumber): number {
  if (depth <= 0) return valueError(t, 'Max string recursion exceeded');
  let pos = start;
  while (pos < end) {
    // Literal text up to the first '{' or '}'.
    const literalStart = pos;
    let c = 0;
    let markup = false;
    while (pos < end) {
      c = cps[pos++]!;
      if (c === LBRACE || c === RBRACE) {
        markup = true;
        break;
      }
    }
    const atEnd = pos >= end;
    let literalEnd = pos;
    if (c === RBRACE && markup && (atEnd || cps[pos] !== RBRACE)) return valueError(t, "Single '}' encountered in format string");
    if (atEnd && c === LBRACE && markup) return valueError(t, "Single '{' encountered in format string");
    if (markup && !atEnd) {
      if (cps[pos] === c) {
        // '{{' or '}}': the brace is literal text, and no field follows.
        pos++;
        markup = false;
      } else {
        literalEnd--;
      }
    }
    w.codePoints(cps, literalStart, literalEnd);
    if (!markup) continue;

    // parse_field: the name ends at ':', '!' or '}' ('[…]' may hold them).
    const nameStart = pos;
    c = 0;
    let terminated = false;
    while (pos < end) {
      c = cps[pos++]!;
      if (c === LBRACE) return valueError(t, "unexpected '{' in field name");
      if (c === LBRACKET) {
        while (pos < end && cps[pos] !== RBRACKET) pos++;
        continue;
      }
      if (c === RBRACE || c === COLON || c === BANG) {
        terminated = true;
        break;
      }
    }
    const nameEnd = terminated ? pos - 1 : pos;
    let conversion = 0;
    let specStart = pos;
    let specEnd = pos;
    let expand = false;
    if (terminated && (c === BANG || c === COLON)) {
      let specFollows = true;
      if (c === BANG) {
        if (pos >= end) return valueError(t, 'end of string while looking for conversion specifier');
        conversion = cps[pos++]!;
        if (pos < end) {
          const next = cps[pos++]!;
          if (next === RBRACE) specFollows = false;
          else if (next !== COLON) return valueError(t, "expected ':' after conversion specifier");
        }
      }
      if (specFollows) {
        specStart = pos;
        let count = 1;
        let closed = false;
        while (pos < end) {
          const d = cps[pos++]!;
          if (d === LBRACE) {
            expand = true;
            count++;
          } else if (d === RBRACE) {
            if (--count === 0) {
              specEnd = pos - 1;
              closed = true;
              break;
            }
          }
        }
        if (!closed) return valueError(t, "unmatched '{' in format spec");
      }
    } else if (!terminated || c !== RBRACE) {
      return valueError(t, "expected '}' before end of string");
    }
    if (outputMarkup(t, w, cps, nameStart, nameEnd, specStart, specEnd, expand, conversion, args, kwargs, depth, auto) < 0) return -1;
  }
  return 0;
}

/** `do_string_format` / `do_string_format_map` on a str's code points. */
function doStringFormat(t: ObThread, self: number, args: number, kwargs: number): number {
  const cps = strCodePoints(t, self);
  const w = new UnicodeWriter();
  // Recursion depth 2: a spec may hold fields, a spec inside a spec may not.
  if (buildString(t, w, cps, 0, cps.length, args, kwargs, 2, { state: ANS_INIT, field: 0 }) < 0) return 0;
  return w.finish(t);
}

/**
 * `str.format(*args, **kwargs)` (`do_string_format`): `self` a str, `args`
 * a tuple, `kwargs` a dict or 0; a new str, or 0 with the exception (see
 * the file's comment for the errors).
 * @example
 * ```ts
 * strFormatArgs(t, strFromJs(t, '{0:>{1}}|{x!r}'), args, kwargs);
 * ```
 * @public
 */
export function strFormatArgs(t: ObThread, self: number, args: number, kwargs: number): number {
  return doStringFormat(t, self, args, kwargs);
}

/**
 * `str.format_map(mapping)` (`do_string_format_map`): names looked up in
 * any `mapping` (by `__getitem__`); a positional field is a ValueError
 * "Format string contains positional fields". A new str, or 0 with the
 * exception.
 * @public
 */
export function strFormatMap(t: ObThread, self: number, mapping: number): number {
  return doStringFormat(t, self, 0, mapping);
}
