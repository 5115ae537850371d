/**
 * Substring search (`Objects/stringlib/fastsearch.h`), shared by str and
 * bytes: the last unit of the needle compared first and a Bloom mask of
 * its units (a bit per unit modulo 32) to jump past windows that cannot
 * match — over any of the views str kinds and bytes are read through.
 */

/** The unit views searched: bytes and latin-1 strs, UCS-2, UCS-4. @internal */
export type Units = Uint8Array | Uint16Array | Uint32Array;

/**
 * `default_find` (FAST_SEARCH / FAST_COUNT): the first index in
 * `h[from:to]` where `n[nf:nf+m]` occurs (`m >= 1`), as an index in the
 * view, or -1; with `maxCount > 0`, the number of non-overlapping
 * occurrences, at most `maxCount`, instead.
 * @internal
 */
export function searchForward(h: Units, from: number, to: number, n: Units, nf: number, m: number, maxCount: number): number {
  let count = 0;
  if (m === 1) {
    const c = n[nf]!;
    // A bounded loop, not the view's indexOf: the view is the whole heap, which indexOf would scan past `to`.
    for (let i = from; i < to; i++) {
      if (h[i] === c) {
        if (maxCount === 0) return i;
        if (++count === maxCount) return count;
      }
    }
    return maxCount === 0 ? -1 : count;
  }
  const mlast = m - 1;
  const last = n[nf + mlast]!;
  let gap = mlast;
  let mask = 0;
  for (let i = 0; i < mlast; i++) {
    const c = n[nf + i]!;
    mask |= 1 << (c & 31);
    if (c === last) gap = mlast - i - 1;
  }
  mask |= 1 << (last & 31);
  const w = to - m;
  for (let i = from; i <= w; i++) {
    if (h[i + mlast] === last) {
      let j = 0;
      while (j < mlast && h[i + j] === n[nf + j]) j++;
      if (j === mlast) {
        if (maxCount === 0) return i;
        if (++count === maxCount) return count;
        i += mlast;
        continue;
      }
      if (i + m < to && (mask & (1 << (h[i + m]! & 31))) === 0) i += m;
      else i += gap;
    } else if (i + m < to && (mask & (1 << (h[i + m]! & 31))) === 0) {
      i += m;
    }
  }
  return maxCount === 0 ? -1 : count;
}

/** `default_rfind` (FAST_RSEARCH): the last index in `h[from:to]` where `n[nf:nf+m]` occurs (`m >= 1`), as an index in the view, or -1. @internal */
export function searchBackward(h: Units, from: number, to: number, n: Units, nf: number, m: number): number {
  if (m === 1) {
    const c = n[nf]!;
    for (let i = to - 1; i >= from; i--) if (h[i] === c) return i;
    return -1;
  }
  const first = n[nf]!;
  const mlast = m - 1;
  let mask = 1 << (first & 31);
  let skip = mlast;
  for (let i = mlast; i > 0; i--) {
    const c = n[nf + i]!;
    mask |= 1 << (c & 31);
    if (c === first) skip = i - 1;
  }
  for (let i = to - m; i >= from; i--) {
    if (h[i] === first) {
      let j = mlast;
      while (j > 0 && h[i + j] === n[nf + j]) j--;
      if (j === 0) return i;
      if (i > from && (mask & (1 << (h[i - 1]! & 31))) === 0) i -= m;
      else i -= skip;
    } else if (i > from && (mask & (1 << (h[i - 1]! & 31))) === 0) {
      i -= m;
    }
  }
  return -1;
}

/** `ADJUST_INDICES`' start: None is 0, a negative counts from the end (floored at 0); not clamped to the length. @internal */
export function adjustStart(length: number, start: number | null): number {
  if (start === null) return 0;
  if (start < 0) {
    start += length;
    return start < 0 ? 0 : start;
  }
  return start;
}

/** `ADJUST_INDICES`' end: None or past the end is the length, a negative counts from the end (floored at 0). @internal */
export function adjustEnd(length: number, end: number | null): number {
  if (end === null || end > length) return length;
  if (end < 0) {
    end += length;
    return end < 0 ? 0 : end;
  }
  return end;
}
