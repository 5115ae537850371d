/**
 * The first place two JSON values differ, as a path and both sides, so that
 * a failing conformance case names the node instead of printing two trees.
 */

export interface Difference {
  readonly path: string;
  readonly actual: unknown;
  readonly expected: unknown;
}

export function firstDifference(actual: unknown, expected: unknown, path = '$'): Difference | null {
  if (Object.is(actual, expected)) return null;
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) {
    return { path, actual, expected };
  }
  if (Array.isArray(actual) !== Array.isArray(expected)) return { path, actual, expected };
  if (Array.isArray(actual) && Array.isArray(expected)) {
    const n = Math.min(actual.length, expected.length);
    for (let i = 0; i < n; i++) {
      const d = firstDifference(actual[i], expected[i], `${path}[${i}]`);
      if (d) return d;
    }
    return actual.length === expected.length ? null : { path: `${path}.length`, actual: actual.length, expected: expected.length };
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const where = typeof e._type === 'string' ? `${path}<${e._type}${typeof e.lineno === 'number' ? ` ${e.lineno}:${e.col_offset}` : ''}>` : path;
  for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
    const d = firstDifference(a[key], e[key], `${where}.${key}`);
    if (d) return d;
  }
  return null;
}
