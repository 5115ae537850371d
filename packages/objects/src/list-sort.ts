/**
 * `list.sort`'s engine: CPython 3.13's timsort (`Objects/listobject.c`,
 * design notes in `Objects/listsort.txt`), over arrays of u32 elements
 * (object addresses) with the comparison supplied by the caller.
 *
 * The algorithm is CPython's step for step, so that a comparison that runs
 * Python code sees the same calls in the same order as on CPython:
 * natural runs found by the 3.13 `count_run` (gh-116554: a "descending" run
 * may hold runs of equal elements, which are reversed on the fly so that the
 * final reversal restores their order, and a reversed run is extended by a
 * naturally ascending suffix), short runs extended to `minrun` by binary
 * insertion, the merge order of powersort (a run's "power" is its depth in
 * the merge tree of the run midpoints), galloping merges with the adaptive
 * `min_gallop`, and `merge_at` trimming both runs with a gallop before the
 * merge. Only `<` is ever asked.
 *
 * Failure: a comparison that returns -1 (the exception is already set on the
 * thread) stops the sort at once, and as in CPython every merge puts back
 * what it holds in its scratch before returning, so both ranges still hold
 * a permutation of their elements with every value beside its key.
 *
 * Re-entrancy: the comparison may run Python code that sorts another list on
 * this thread, i.e. a nested {@link timsort} call. Each active call takes its
 * own merge state (scratch and pending-run stack) from a per-module stack of
 * states indexed by nesting depth, so a nested sort never clobbers the outer
 * one's scratch, and sorts after the first allocate nothing until they need
 * more scratch than the last one at the same depth.
 *
 * Memory: the sorted ranges are plain accesses to (possibly shared) memory;
 * see the SAFETY note on {@link timsort}. The scratch is private to this
 * thread (ordinary `Uint32Array`s).
 */

/**
 * What a comparison returns: 1 when `a < b`, 0 when not, -1 when it raised (the
 * exception is set on the thread; the sort stops).
 * @beta
 */
export type LessThan = (a: number, b: number) => number;

/** `MIN_GALLOP`: a merge enters galloping mode after this many wins in a row by one run (adapted per sort). */
const MIN_GALLOP = 7;
/**
 * `MAX_MERGE_PENDING` (`SIZEOF_SIZE_T * 8` on CPython's 64-bit builds): powersort
 * keeps at most floor(log2(n)) + 1 runs pending, far below this.
 */
const MAX_MERGE_PENDING = 64;
/** `MAX_MINRUN`: runs shorter than `minrun` (at most this) are extended by binary insertion. */
const MAX_MINRUN = 64;
/** `MERGESTATE_TEMP_SIZE`: the scratch a merge state starts with. */
const MERGESTATE_TEMP_SIZE = 256;
/** Scratch above this many slots is dropped when a sort ends instead of being kept for the next one. */
const TEMP_KEEP_SIZE = 1 << 16;

const EMPTY = new Uint32Array(0);

function noCompare(): number {
  return -1;
}

/**
 * CPython's `MergeState` for one active sort. Element positions are indices
 * into `keys`; the value paired with `keys[i]` is `values[i + voff]`, and the
 * value paired with `tmpKeys[j]` is `tmpValues[j]`.
 */
class MergeState {
  keys: Uint32Array = EMPTY;
  values: Uint32Array = EMPTY;
  hasValues = false;
  voff = 0;
  lt: LessThan = noCompare;
  /** `min_gallop`: raised by merges of random data, lowered by structured data. */
  minGallop = MIN_GALLOP;
  /** `listlen`: the number of elements sorted. */
  listlen = 0;
  /** `basekeys`: index of the first element (run starts are relative to it for `powerloop`). */
  basekeys = 0;
  /** `a.keys`: merge scratch; `alloced` is its length. */
  tmpKeys: Uint32Array = new Uint32Array(MERGESTATE_TEMP_SIZE);
  /** `a.values`: allocated only once a sort with values needs it. */
  tmpValues: Uint32Array = EMPTY;
  /** Number of pending runs (`n`). */
  n = 0;
  /** `pending[i].base` (index into `keys`), `.len`, `.power`. */
  readonly runBase = new Int32Array(MAX_MERGE_PENDING);
  readonly runLen = new Int32Array(MAX_MERGE_PENDING);
  readonly runPower = new Int32Array(MAX_MERGE_PENDING);
}

/** Merge states of the active sorts on this thread, by nesting depth (see the file comment). */
const statePool: MergeState[] = [];
let poolDepth = 0;

/**
 * Reverses a[lo .. hi) in place (`reverse_slice`).
 *
 * SAFETY: plain accesses; the caller owns the range (as for {@link timsort}).
 * @beta
 */
export function reverseSlice(a: Uint32Array, lo: number, hi: number): void {
  --hi;
  while (lo < hi) {
    const t = a[lo];
    a[lo] = a[hi];
    a[hi] = t;
    ++lo;
    --hi;
  }
}

/** `sortslice_reverse`: reverses n elements from key index lo, values in step. */
function reverseRun(ms: MergeState, lo: number, n: number): void {
  reverseSlice(ms.keys, lo, lo + n);
  if (ms.hasValues) reverseSlice(ms.values, lo + ms.voff, lo + ms.voff + n);
}

/**
 * `binarysort`: stable binary insertion sort of the n elements from key index
 * lo, of which the first `ok` are already sorted (0 or 1 when unknown).
 * Requires 1 <= n <= MAX_MINRUN. Returns 0, or -1 when a comparison failed
 * (the pivot has not been moved yet then, so nothing is lost).
 */
function binarySort(ms: MergeState, lo: number, n: number, ok: number): number {
  const keys = ms.keys;
  const lt = ms.lt;
  if (ok === 0) ++ok;
  for (; ok < n; ++ok) {
    // Invariant: keys[lo .. lo+L) <= pivot < keys[lo+R .. lo+ok).
    let L = 0;
    let R = ok;
    const pivot = keys[lo + ok];
    do {
      const M = (L + R) >> 1;
      const k = lt(pivot, keys[lo + M]);
      if (k < 0) return -1;
      if (k !== 0) R = M;
      else L = M + 1;
    } while (L < R);
    for (let M = ok; M > L; --M) keys[lo + M] = keys[lo + M - 1];
    keys[lo + L] = pivot;
    if (ms.hasValues) {
      const values = ms.values;
      const vlo = lo + ms.voff;
      const vpivot = values[vlo + ok];
      for (let M = ok; M > L; --M) values[vlo + M] = values[vlo + M - 1];
      values[vlo + L] = vpivot;
    }
  }
  return 0;
}

/**
 * `count_run` (3.13, gh-116554): the length of the run starting at key index
 * lo, at most `nremaining` (>= 1) long, made ascending in place. Returns -1
 * when a comparison failed.
 */
function countRun(ms: MergeState, lo: number, nremaining: number): number {
  const keys = ms.keys;
  const lt = ms.lt;
  let n: number;
  let k: number;
  // An ascending run first ("next smaller" ends it).
  for (n = 1; n < nremaining; ++n) {
    k = lt(keys[lo + n], keys[lo + n - 1]);
    if (k !== 0) {
      if (k < 0) return -1;
      break;
    }
  }
  if (n === nremaining) return n;
  // keys[lo+n] < keys[lo+n-1]. With n > 1, the run rose somewhere unless its
  // first element is >= its last, in which case all n are equal: they start a
  // descending run, reversed now so the final reversal restores their order.
  if (n > 1) {
    k = lt(keys[lo], keys[lo + n - 1]);
    if (k < 0) return -1;
    if (k !== 0) return n;
    reverseRun(ms, lo, n);
  }
  ++n;
  // Finish the descending run; each run of equal elements (neq + 1 long,
  // ending at n) is reversed as soon as it ends, for stability.
  let neq = 0;
  for (; n < nremaining; ++n) {
    k = lt(keys[lo + n], keys[lo + n - 1]);
    if (k < 0) return -1;
    if (k !== 0) {
      if (neq !== 0) {
        ++neq;
        reverseRun(ms, lo + n - neq, neq);
        neq = 0;
      }
    } else {
      k = lt(keys[lo + n - 1], keys[lo + n]);
      if (k < 0) return -1;
      if (k !== 0) break; // the descending run is over
      ++neq; // neither is smaller: equal
    }
  }
  if (neq !== 0) {
    ++neq;
    reverseRun(ms, lo + n - neq, neq);
  }
  reverseRun(ms, lo, n);
  // The reversed run may go on with a naturally ascending suffix ([3, 2, 3, 4, 1]).
  for (; n < nremaining; ++n) {
    k = lt(keys[lo + n], keys[lo + n - 1]);
    if (k !== 0) {
      if (k < 0) return -1;
      break;
    }
  }
  return n;
}

/**
 * `gallop_left`: where `key` belongs in the sorted a[base .. base+n) (n > 0),
 * left of any equal elements: the k in 0..n with a[base+k-1] < key <= a[base+k].
 * The search starts at `hint` (0 <= hint < n) and gallops outwards. Returns -1
 * when a comparison failed.
 */
function gallopLeft(lt: LessThan, key: number, a: Uint32Array, base: number, n: number, hint: number): number {
  const p = base + hint;
  let lastofs = 0;
  let ofs = 1;
  let k = lt(a[p], key);
  if (k < 0) return -1;
  if (k !== 0) {
    // a[hint] < key: gallop right until a[hint+lastofs] < key <= a[hint+ofs].
    const maxofs = n - hint;
    while (ofs < maxofs) {
      k = lt(a[p + ofs], key);
      if (k < 0) return -1;
      if (k === 0) break;
      lastofs = ofs;
      ofs = ofs * 2 + 1;
    }
    if (ofs > maxofs) ofs = maxofs;
    lastofs += hint;
    ofs += hint;
  } else {
    // key <= a[hint]: gallop left until a[hint-ofs] < key <= a[hint-lastofs].
    const maxofs = hint + 1;
    while (ofs < maxofs) {
      k = lt(a[p - ofs], key);
      if (k < 0) return -1;
      if (k !== 0) break;
      lastofs = ofs;
      ofs = ofs * 2 + 1;
    }
    if (ofs > maxofs) ofs = maxofs;
    const t = lastofs;
    lastofs = hint - ofs;
    ofs = hint - t;
  }
  // a[lastofs] < key <= a[ofs]: binary search in between.
  ++lastofs;
  while (lastofs < ofs) {
    const m = lastofs + ((ofs - lastofs) >> 1);
    k = lt(a[base + m], key);
    if (k < 0) return -1;
    if (k !== 0) lastofs = m + 1;
    else ofs = m;
  }
  return ofs;
}

/**
 * `gallop_right`: as {@link gallopLeft} but right of any equal elements: the k
 * with a[base+k-1] <= key < a[base+k].
 */
function gallopRight(lt: LessThan, key: number, a: Uint32Array, base: number, n: number, hint: number): number {
  const p = base + hint;
  let lastofs = 0;
  let ofs = 1;
  let k = lt(key, a[p]);
  if (k < 0) return -1;
  if (k !== 0) {
    // key < a[hint]: gallop left until a[hint-ofs] <= key < a[hint-lastofs].
    const maxofs = hint + 1;
    while (ofs < maxofs) {
      k = lt(key, a[p - ofs]);
      if (k < 0) return -1;
      if (k === 0) break;
      lastofs = ofs;
      ofs = ofs * 2 + 1;
    }
    if (ofs > maxofs) ofs = maxofs;
    const t = lastofs;
    lastofs = hint - ofs;
    ofs = hint - t;
  } else {
    // a[hint] <= key: gallop right until a[hint+lastofs] <= key < a[hint+ofs].
    const maxofs = n - hint;
    while (ofs < maxofs) {
      k = lt(key, a[p + ofs]);
      if (k < 0) return -1;
      if (k !== 0) break;
      lastofs = ofs;
      ofs = ofs * 2 + 1;
    }
    if (ofs > maxofs) ofs = maxofs;
    lastofs += hint;
    ofs += hint;
  }
  // a[lastofs] <= key < a[ofs]: binary search in between.
  ++lastofs;
  while (lastofs < ofs) {
    const m = lastofs + ((ofs - lastofs) >> 1);
    k = lt(key, a[base + m]);
    if (k < 0) return -1;
    if (k !== 0) ofs = m;
    else lastofs = m + 1;
  }
  return ofs;
}

/**
 * `merge_getmem`: makes the scratch hold at least `need` slots (keys, and
 * values when the sort has them). Its old contents are not kept: a merge
 * fills it after asking.
 */
function mergeGetmem(ms: MergeState, need: number): void {
  if (need <= ms.tmpKeys.length && (!ms.hasValues || need <= ms.tmpValues.length)) return;
  // Grow geometrically (CPython mallocs exactly `need` each time), but never
  // past half the list: no merge needs more than min(na, nb).
  let size = Math.max(need, ms.tmpKeys.length * 2);
  const half = (ms.listlen + 1) >>> 1;
  if (size > half) size = Math.max(need, half);
  if (need > ms.tmpKeys.length) ms.tmpKeys = new Uint32Array(size);
  if (ms.hasValues && need > ms.tmpValues.length) ms.tmpValues = new Uint32Array(Math.max(size, ms.tmpKeys.length));
}

/**
 * `merge_lo`: stably merges the na elements at key index pa with the nb
 * elements right after them, in place, with na <= nb, keys[pa] > keys[pa+na]
 * and keys[pa+na-1] belonging at the end of the merge (`merge_at` trimmed
 * both runs). Run A goes to the scratch; the merge fills from the left.
 * Returns 0, or -1 when a comparison failed; either way the remainder of A is
 * copied back first, so nothing is lost.
 */
function mergeLo(ms: MergeState, pa: number, na: number, pb: number, nb: number): number {
  const lt = ms.lt;
  const keys = ms.keys;
  const hasV = ms.hasValues;
  const values = ms.values;
  const voff = ms.voff;
  mergeGetmem(ms, na);
  const tk = ms.tmpKeys;
  const tv = ms.tmpValues;
  for (let i = 0; i < na; i++) tk[i] = keys[pa + i];
  if (hasV) for (let i = 0; i < na; i++) tv[i] = values[pa + voff + i];
  let dest = pa;
  let ia = 0; // next of A, in the scratch
  let ib = pb; // next of B, in place
  let result = -1;
  let k: number;

  // SAFETY (every access below): the caller's ranges belong to this sort alone (see timsort).
  tail: {
    copyB: {
      keys[dest] = keys[ib];
      if (hasV) values[dest + voff] = values[ib + voff];
      ++dest;
      ++ib;
      if (--nb === 0) {
        result = 0;
        break tail;
      }
      if (na === 1) break copyB;

      let minGallop = ms.minGallop;
      for (;;) {
        let acount = 0; // times A won in a row
        let bcount = 0; // times B won in a row
        // One compare at a time until one run wins min_gallop times in a row.
        for (;;) {
          k = lt(keys[ib], tk[ia]);
          if (k !== 0) {
            if (k < 0) break tail;
            keys[dest] = keys[ib];
            if (hasV) values[dest + voff] = values[ib + voff];
            ++dest;
            ++ib;
            ++bcount;
            acount = 0;
            if (--nb === 0) {
              result = 0;
              break tail;
            }
            if (bcount >= minGallop) break;
          } else {
            keys[dest] = tk[ia];
            if (hasV) values[dest + voff] = tv[ia];
            ++dest;
            ++ia;
            ++acount;
            bcount = 0;
            if (--na === 1) break copyB;
            if (acount >= minGallop) break;
          }
        }
        // Galloping mode, until neither run wins MIN_GALLOP in a row.
        ++minGallop;
        do {
          if (minGallop > 1) --minGallop;
          ms.minGallop = minGallop;
          k = gallopRight(lt, keys[ib], tk, ia, na, 0);
          acount = k;
          if (k !== 0) {
            if (k < 0) break tail;
            for (let i = 0; i < k; i++) keys[dest + i] = tk[ia + i];
            if (hasV) for (let i = 0; i < k; i++) values[dest + voff + i] = tv[ia + i];
            dest += k;
            ia += k;
            na -= k;
            if (na === 1) break copyB;
            // na == 0 is impossible for a consistent comparison, which is not assumed.
            if (na === 0) {
              result = 0;
              break tail;
            }
          }
          keys[dest] = keys[ib];
          if (hasV) values[dest + voff] = values[ib + voff];
          ++dest;
          ++ib;
          if (--nb === 0) {
            result = 0;
            break tail;
          }

          k = gallopLeft(lt, tk[ia], keys, ib, nb, 0);
          bcount = k;
          if (k !== 0) {
            if (k < 0) break tail;
            // dest < ib: a forward copy is a correct memmove.
            for (let i = 0; i < k; i++) keys[dest + i] = keys[ib + i];
            if (hasV) for (let i = 0; i < k; i++) values[dest + voff + i] = values[ib + voff + i];
            dest += k;
            ib += k;
            nb -= k;
            if (nb === 0) {
              result = 0;
              break tail;
            }
          }
          keys[dest] = tk[ia];
          if (hasV) values[dest + voff] = tv[ia];
          ++dest;
          ++ia;
          if (--na === 1) break copyB;
        } while (acount >= MIN_GALLOP || bcount >= MIN_GALLOP);
        ++minGallop; // penalize leaving galloping mode
        ms.minGallop = minGallop;
      }
    }
    // CopyB: one element of A is left and belongs after all of B's rest.
    for (let i = 0; i < nb; i++) keys[dest + i] = keys[ib + i];
    keys[dest + nb] = tk[ia];
    if (hasV) {
      for (let i = 0; i < nb; i++) values[dest + voff + i] = values[ib + voff + i];
      values[dest + voff + nb] = tv[ia];
    }
    return 0;
  }
  // Succeed / Fail: what is left of A goes back in place.
  for (let i = 0; i < na; i++) keys[dest + i] = tk[ia + i];
  if (hasV) for (let i = 0; i < na; i++) values[dest + voff + i] = tv[ia + i];
  return result;
}

/**
 * `merge_hi`: as {@link mergeLo} with na >= nb: run B goes to the scratch and
 * the merge fills from the right.
 */
function mergeHi(ms: MergeState, pa: number, na: number, pb: number, nb: number): number {
  const lt = ms.lt;
  const keys = ms.keys;
  const hasV = ms.hasValues;
  const values = ms.values;
  const voff = ms.voff;
  mergeGetmem(ms, nb);
  const tk = ms.tmpKeys;
  const tv = ms.tmpValues;
  for (let i = 0; i < nb; i++) tk[i] = keys[pb + i];
  if (hasV) for (let i = 0; i < nb; i++) tv[i] = values[pb + voff + i];
  let dest = pb + nb - 1;
  let ia = pa + na - 1; // last of A, in place
  let ib = nb - 1; // last of B, in the scratch
  let result = -1;
  let k: number;

  // SAFETY (every access below): the caller's ranges belong to this sort alone (see timsort).
  tail: {
    copyA: {
      keys[dest] = keys[ia];
      if (hasV) values[dest + voff] = values[ia + voff];
      --dest;
      --ia;
      if (--na === 0) {
        result = 0;
        break tail;
      }
      if (nb === 1) break copyA;

      let minGallop = ms.minGallop;
      for (;;) {
        let acount = 0; // times A won in a row
        let bcount = 0; // times B won in a row
        for (;;) {
          k = lt(tk[ib], keys[ia]);
          if (k !== 0) {
            if (k < 0) break tail;
            keys[dest] = keys[ia];
            if (hasV) values[dest + voff] = values[ia + voff];
            --dest;
            --ia;
            ++acount;
            bcount = 0;
            if (--na === 0) {
              result = 0;
              break tail;
            }
            if (acount >= minGallop) break;
          } else {
            keys[dest] = tk[ib];
            if (hasV) values[dest + voff] = tv[ib];
            --dest;
            --ib;
            ++bcount;
            acount = 0;
            if (--nb === 1) break copyA;
            if (bcount >= minGallop) break;
          }
        }
        ++minGallop;
        do {
          if (minGallop > 1) --minGallop;
          ms.minGallop = minGallop;
          k = gallopRight(lt, tk[ib], keys, pa, na, na - 1);
          if (k < 0) break tail;
          k = na - k;
          acount = k;
          if (k !== 0) {
            dest -= k;
            ia -= k;
            // dest > ia: a backward copy is a correct memmove.
            for (let i = k; i >= 1; i--) keys[dest + i] = keys[ia + i];
            if (hasV) for (let i = k; i >= 1; i--) values[dest + voff + i] = values[ia + voff + i];
            na -= k;
            if (na === 0) {
              result = 0;
              break tail;
            }
          }
          keys[dest] = tk[ib];
          if (hasV) values[dest + voff] = tv[ib];
          --dest;
          --ib;
          if (--nb === 1) break copyA;

          k = gallopLeft(lt, keys[ia], tk, 0, nb, nb - 1);
          if (k < 0) break tail;
          k = nb - k;
          bcount = k;
          if (k !== 0) {
            dest -= k;
            ib -= k;
            for (let i = 1; i <= k; i++) keys[dest + i] = tk[ib + i];
            if (hasV) for (let i = 1; i <= k; i++) values[dest + voff + i] = tv[ib + i];
            nb -= k;
            if (nb === 1) break copyA;
            // nb == 0 is impossible for a consistent comparison, which is not assumed.
            if (nb === 0) {
              result = 0;
              break tail;
            }
          }
          keys[dest] = keys[ia];
          if (hasV) values[dest + voff] = values[ia + voff];
          --dest;
          --ia;
          if (--na === 0) {
            result = 0;
            break tail;
          }
        } while (acount >= MIN_GALLOP || bcount >= MIN_GALLOP);
        ++minGallop; // penalize leaving galloping mode
        ms.minGallop = minGallop;
      }
    }
    // CopyA: one element of B is left and belongs before all of A's rest.
    for (let i = 0; i < na; i++) keys[dest - i] = keys[ia - i];
    if (hasV) for (let i = 0; i < na; i++) values[dest + voff - i] = values[ia + voff - i];
    dest -= na;
    keys[dest] = tk[ib];
    if (hasV) values[dest + voff] = tv[ib];
    return 0;
  }
  // Succeed / Fail: what is left of B (the scratch's first nb) goes back in place.
  const to = dest - (nb - 1);
  for (let i = 0; i < nb; i++) keys[to + i] = tk[i];
  if (hasV) for (let i = 0; i < nb; i++) values[to + voff + i] = tv[i];
  return result;
}

/** `merge_at`: merges the pending runs i and i+1 (i is the second- or third-last). */
function mergeAt(ms: MergeState, i: number): number {
  const runBase = ms.runBase;
  const runLen = ms.runLen;
  let pa = runBase[i];
  let na = runLen[i];
  const pb = runBase[i + 1];
  let nb = runLen[i + 1];

  runLen[i] = na + nb;
  if (i === ms.n - 3) {
    runBase[i + 1] = runBase[i + 2];
    runLen[i + 1] = runLen[i + 2];
    ms.runPower[i + 1] = ms.runPower[i + 2];
  }
  --ms.n;

  const lt = ms.lt;
  const keys = ms.keys;
  // Elements of A before where B's first belongs are already in place.
  const k = gallopRight(lt, keys[pb], keys, pa, na, 0);
  if (k < 0) return -1;
  pa += k;
  na -= k;
  if (na === 0) return 0;
  // So are the elements of B after where A's last belongs.
  nb = gallopLeft(lt, keys[pa + na - 1], keys, pb, nb, nb - 1);
  if (nb <= 0) return nb;
  return na <= nb ? mergeLo(ms, pa, na, pb, nb) : mergeHi(ms, pa, na, pb, nb);
}

/**
 * `powerloop`: the power of the run of length n1 starting s1 elements into a
 * list of n, followed by a run of n2: one more than the number of leading bits
 * the binary expansions of the two runs' midpoints (as fractions of n) share.
 */
function powerloop(s1: number, n1: number, n2: number, n: number): number {
  let result = 0;
  // Twice the midpoints, so they are integers; the quotient bits only shift.
  let a = 2 * s1 + n1;
  let b = a + n1 + n2;
  for (;;) {
    ++result;
    if (a >= n) {
      // Both bits 1.
      a -= n;
      b -= n;
    } else if (b >= n) {
      break; // The bits differ.
    }
    a *= 2;
    b *= 2;
  }
  return result;
}

/**
 * `found_new_run`: before a run of n2 is pushed, merges the pending runs whose
 * power exceeds the power of the topmost one (powersort's merge order).
 */
function foundNewRun(ms: MergeState, n2: number): number {
  if (ms.n !== 0) {
    const top = ms.n - 1;
    const s1 = ms.runBase[top] - ms.basekeys;
    const power = powerloop(s1, ms.runLen[top], n2, ms.listlen);
    while (ms.n > 1 && ms.runPower[ms.n - 2] > power) {
      if (mergeAt(ms, ms.n - 2) < 0) return -1;
    }
    ms.runPower[ms.n - 1] = power;
  }
  return 0;
}

/** `merge_force_collapse`: merges all pending runs, the smaller neighbour of the top first. */
function mergeForceCollapse(ms: MergeState): number {
  const runLen = ms.runLen;
  while (ms.n > 1) {
    let n = ms.n - 2;
    if (n > 0 && runLen[n - 1] < runLen[n + 1]) --n;
    if (mergeAt(ms, n) < 0) return -1;
  }
  return 0;
}

/**
 * `merge_compute_minrun`: n if n < 64; else a k in 32..64 such that n / k is
 * close to, but strictly less than, a power of 2.
 */
function computeMinrun(n: number): number {
  let r = 0; // 1 once any 1 bit is shifted off
  while (n >= MAX_MINRUN) {
    r |= n & 1;
    n = Math.floor(n / 2);
  }
  return n + r;
}

function sortRuns(ms: MergeState, start: number, n: number): number {
  const minrun = computeMinrun(n);
  let lo = start;
  let nremaining = n;
  do {
    let r = countRun(ms, lo, nremaining);
    if (r < 0) return -1;
    if (r < minrun) {
      const force = nremaining <= minrun ? nremaining : minrun;
      if (binarySort(ms, lo, force, r) < 0) return -1;
      r = force;
    }
    if (foundNewRun(ms, r) < 0) return -1;
    ms.runBase[ms.n] = lo;
    ms.runLen[ms.n] = r;
    ++ms.n;
    lo += r;
    nremaining -= r;
  } while (nremaining !== 0);
  return mergeForceCollapse(ms);
}

/**
 * `listsort`'s engine (CPython 3.13 Objects/listobject.c, timsort): sorts
 * keys[start .. start + n) ascending by `lt`, stably, moving values[vstart ..
 * vstart + n) in step when `values` is not null (the key= case: keys are the
 * computed keys, values the list items). Returns 0, or -1 as soon as `lt`
 * returned -1; then both ranges still hold every element they held before
 * exactly once (in some order): nothing is lost or duplicated, as CPython's
 * merge code guarantees on failure.
 *
 * `keys` and `values` may be views of the same memory (even the same array)
 * as long as the two ranges do not overlap. `lt` may sort other arrays (a
 * nested call); the number and order of its calls are CPython's.
 *
 * SAFETY: the ranges are read and written with plain accesses; the caller
 * must own them for the whole sort (`list.sort` takes the item array out of
 * the list first, so no other thread can reach it, and a comparison that
 * mutates the list only sees the empty list).
 * @beta
 */
export function timsort(keys: Uint32Array, start: number, n: number, values: Uint32Array | null, vstart: number, lt: LessThan): number {
  if (n < 2) return 0;
  let ms = statePool[poolDepth];
  if (ms === undefined) {
    ms = new MergeState();
    statePool.push(ms);
  }
  ++poolDepth;
  ms.keys = keys;
  ms.lt = lt;
  if (values !== null) {
    ms.values = values;
    ms.hasValues = true;
    ms.voff = vstart - start;
  }
  ms.minGallop = MIN_GALLOP;
  ms.listlen = n;
  ms.basekeys = start;
  ms.n = 0;
  try {
    return sortRuns(ms, start, n);
  } finally {
    --poolDepth;
    // Do not keep the caller's arrays or comparison alive from the pool.
    ms.keys = EMPTY;
    ms.values = EMPTY;
    ms.hasValues = false;
    ms.lt = noCompare;
    if (ms.tmpKeys.length > TEMP_KEEP_SIZE) ms.tmpKeys = new Uint32Array(MERGESTATE_TEMP_SIZE);
    if (ms.tmpValues.length > TEMP_KEEP_SIZE) ms.tmpValues = EMPTY;
  }
}
