/**
 * "Did you mean …?" (`Python/suggestions.c`, `_Py_CalculateSuggestions`):
 * the candidate nearest to a misspelt name by a Levenshtein distance where
 * a case flip costs 1 and every other edit 2, accepted only when at most
 * about a third of the characters involved change. The argument parser
 * uses it for unexpected keyword arguments ("sort() got an unexpected
 * keyword argument 'keys'. Did you mean 'key'?"); the VM's NameError and
 * AttributeError messages can use it too.
 */

/** Cost of inserting, deleting or replacing a character. */
const MOVE_COST = 2;
/** Cost of replacing a letter by its other case. */
const CASE_COST = 1;
/** Longer strings than this (after the common affixes go) are never compared. */
const MAX_STRING_SIZE = 40;
/** Past this many candidates no suggestion is looked for. */
const MAX_CANDIDATE_ITEMS = 750;

/** What replacing byte `a` by byte `b` costs. */
function substitutionCost(a: number, b: number): number {
  if ((a & 31) !== (b & 31)) return MOVE_COST;
  if (a === b) return 0;
  const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
  return lower(a) === lower(b) ? CASE_COST : MOVE_COST;
}

/**
 * The weighted edit distance between the byte strings `a` and `b` (UTF-8,
 * as CPython compares them), or `maxCost + 1` as soon as it is known to be
 * larger than `maxCost`.
 */
function levenshtein(a: Uint8Array, b: Uint8Array, maxCost: number): number {
  let aStart = 0;
  let bStart = 0;
  let aEnd = a.length;
  let bEnd = b.length;
  // The common prefix and suffix cost nothing.
  while (aStart < aEnd && bStart < bEnd && a[aStart] === b[bStart]) {
    aStart++;
    bStart++;
  }
  while (aStart < aEnd && bStart < bEnd && a[aEnd - 1] === b[bEnd - 1]) {
    aEnd--;
    bEnd--;
  }
  let aSize = aEnd - aStart;
  let bSize = bEnd - bStart;
  if (aSize === 0 || bSize === 0) return (aSize + bSize) * MOVE_COST;
  if (aSize > MAX_STRING_SIZE || bSize > MAX_STRING_SIZE) return maxCost + 1;
  // The shorter one indexes the row.
  let s = a;
  let sStart = aStart;
  let l = b;
  let lStart = bStart;
  if (bSize < aSize) {
    [s, sStart, l, lStart] = [b, bStart, a, aStart];
    [aSize, bSize] = [bSize, aSize];
  }
  if ((bSize - aSize) * MOVE_COST > maxCost) return maxCost + 1;
  const row = new Array<number>(aSize);
  for (let i = 0; i < aSize; i++) row[i] = (i + 1) * MOVE_COST;
  let result = 0;
  for (let j = 0; j < bSize; j++) {
    const code = l[lStart + j]!;
    let distance = j * MOVE_COST;
    result = distance;
    let minimum = Infinity;
    for (let i = 0; i < aSize; i++) {
      const substitute = distance + substitutionCost(code, s[sStart + i]!);
      distance = row[i]!;
      const insertDelete = Math.min(result, distance) + MOVE_COST;
      result = Math.min(insertDelete, substitute);
      row[i] = result;
      if (result < minimum) minimum = result;
    }
    if (minimum > maxCost) return maxCost + 1;
  }
  return result;
}

const encoder = new TextEncoder();

/**
 * `_Py_CalculateSuggestions(candidates, name)`: the candidate closest to
 * `name` within the distance allowed for the pair (ties: the first), or
 * null when none is close enough.
 * @public
 */
export function calculateSuggestion(candidates: readonly string[], name: string): string | null {
  if (candidates.length >= MAX_CANDIDATE_ITEMS) return null;
  const nameBytes = encoder.encode(name);
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const item of candidates) {
    if (item === name) continue;
    const itemBytes = encoder.encode(item);
    // No more than a third of the characters involved may change; never worse than the best so far.
    const maxDistance = Math.min(Math.floor(((nameBytes.length + itemBytes.length + 3) * MOVE_COST) / 6), bestDistance - 1);
    const distance = levenshtein(nameBytes, itemBytes, maxDistance);
    if (distance > maxDistance) continue;
    if (best === null || distance < bestDistance) {
      best = item;
      bestDistance = distance;
    }
  }
  return best;
}
