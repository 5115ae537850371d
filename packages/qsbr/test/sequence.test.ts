import { describe, expect, it } from 'vitest';
import { QSBR_INCR, QSBR_INITIAL, QSBR_OFFLINE, seqLessOrEqual, seqLessThan, seqNext } from '../src/index.js';

describe('sequence arithmetic', () => {
  it('orders ordinary values', () => {
    expect(seqLessThan(1, 3)).toBe(true);
    expect(seqLessThan(3, 1)).toBe(false);
    expect(seqLessThan(3, 3)).toBe(false);
    expect(seqLessOrEqual(3, 3)).toBe(true);
    expect(seqLessOrEqual(5, 3)).toBe(false);
  });

  it('orders values across the 2^32 wrap-around', () => {
    const beforeWrap = 0xfffffffd;
    const afterWrap = seqNext(seqNext(beforeWrap)); // 0xfffffffd → 0xffffffff → 1
    expect(afterWrap).toBe(1);
    expect(seqLessThan(beforeWrap, afterWrap)).toBe(true);
    expect(seqLessThan(afterWrap, beforeWrap)).toBe(false);
    expect(seqLessOrEqual(0xffffffff, 1)).toBe(true);
    expect(seqLessThan(0xfffffff1, 0x0000000f)).toBe(true);
  });

  it('treats values up to 2^31 − 1 apart as ordered, in both directions', () => {
    expect(seqLessThan(5, (5 + 0x7fffffff) >>> 0)).toBe(true);
    expect(seqLessThan((5 + 0x7fffffff) >>> 0, 5)).toBe(false);
    // Exactly 2^31 apart is the ambiguous point: each reads as behind the other.
    expect(seqLessThan(5, (5 + 0x80000000) >>> 0)).toBe(true);
    expect(seqLessThan((5 + 0x80000000) >>> 0, 5)).toBe(true);
  });

  it('the write sequence stays odd, so it never equals the offline marker, even when it wraps', () => {
    let seq = 0xfffffff9;
    for (let i = 0; i < 10; i++) {
      seq = seqNext(seq);
      expect(seq & 1).toBe(1);
      expect(seq).not.toBe(QSBR_OFFLINE);
    }
    expect(QSBR_INITIAL & 1).toBe(1);
    expect(QSBR_INCR).toBe(2);
  });
});
