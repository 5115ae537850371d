import { describe, expect, it } from 'vitest';
import { FreeCallbackRegistry } from '../src/index.js';

describe('FreeCallbackRegistry', () => {
  it('hands out ids in registration order', () => {
    const r = new FreeCallbackRegistry();
    const a = () => {};
    const b = () => {};
    expect(r.register('a', a)).toBe(0);
    expect(r.register('b', b)).toBe(1);
    expect(r.get(0)).toBe(a);
    expect(r.get(1)).toBe(b);
    expect(r.get(2)).toBeUndefined();
    expect(r.size).toBe(2);
    expect(() => r.register('a', a)).toThrow(/already registered/);
  });

  it('fingerprints the names in order, never as 0', () => {
    const make = (...names: string[]): number => {
      const r = new FreeCallbackRegistry();
      for (const n of names) r.register(n, () => {});
      return r.fingerprint();
    };
    expect(make('x', 'y')).toBe(make('x', 'y'));
    expect(make('x', 'y')).not.toBe(make('y', 'x'));
    expect(make('ab', 'c')).not.toBe(make('a', 'bc'));
    expect(make()).not.toBe(0);
  });
});
