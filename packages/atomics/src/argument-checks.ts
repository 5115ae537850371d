/**
 * The rule every layer's public entry points apply to the numbers a
 * JavaScript caller passes (sizes, counts, addresses), with the messages
 * they share. C's types do half of CPython's checking — a `size_t` is an
 * integer, a pointer is a pointer — and JavaScript callers can pass anything:
 * a string size or a `NaN` address that reached the heap arithmetic would
 * corrupt shared memory (`"100" + 24` is a string; `NaN >>> 2` is word 0,
 * the heap's magic). So a non-number is a `TypeError`, and a number that is
 * negative, fractional or not finite is a `RangeError` (sizes are never
 * rounded), before anything is written. Each package documents what its
 * entry points do with integers out of range (0, NULL, as C, for sizes).
 */

/**
 * A value as an error message shows it, e.g. `"100" (a string)`,
 * `100n (a bigint)`, `NaN`, `-0`, `an array`, `an object`. Never converts
 * the value (no `valueOf`, no `toString` of an object).
 * @beta
 */
export function describeValue(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'string':
      return `${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)} (a string)`;
    case 'bigint':
      return `${v}n (a bigint)`;
    case 'boolean':
      return `${v} (a boolean)`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return v === null ? 'null' : Array.isArray(v) ? 'an array' : 'an object';
  }
}

/**
 * Throws the error for a value that is not a size or count: `TypeError` for a
 * non-number, `RangeError` for a negative, fractional or non-finite number.
 * @beta
 */
export function throwNotASize(fn: string, what: string, v: unknown): never {
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${what} must be a number, got ${describeValue(v)}`);
  throw new RangeError(`${fn}: ${what} must be a non-negative integer, got ${describeValue(v)}`);
}
