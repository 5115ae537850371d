/**
 * QSBR sequence numbers (CPython `Python/qsbr.c`, after FreeBSD's "GUS"):
 * 32-bit values compared with wrap-around-safe arithmetic, as FreeBSD did on
 * 32-bit machines. They travel as int32 (what `Atomics` on the Int32 view
 * returns, a small integer to V8), though a u32 of the same bits compares
 * the same; compare them only with these functions. The write sequence starts at 1 and moves in steps of 2, so
 * it is always odd and never equals the offline marker 0, even after it wraps.
 */

/** Sequence of a thread that is detached: it holds nobody back (`QSBR_OFFLINE`). @public */
export const QSBR_OFFLINE = 0;
/** First value of the write and read sequences (`QSBR_INITIAL`). @public */
export const QSBR_INITIAL = 1;
/** Step of the write sequence (`QSBR_INCR`). @public */
export const QSBR_INCR = 2;
/** Calls to deferred advance per real advance (`QSBR_DEFERRED_LIMIT`, CPython 3.13). @public */
export const QSBR_DEFERRED_LIMIT = 10;

/**
 * `a` comes before `b`, modulo 2^32 (`QSBR_LT`): valid while the two are less
 * than 2^31 apart, i.e. while no thread lags a billion advances behind.
 * @public
 */
export function seqLessThan(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** `a` comes before or equals `b`, modulo 2^32 (`QSBR_LEQ`). @public */
export function seqLessOrEqual(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

/** `seq + QSBR_INCR`, wrapped to 32 bits (as an int32, the representation the shared state uses). @public */
export function seqNext(seq: number): number {
  return (seq + QSBR_INCR) | 0;
}
