import { expect } from 'vitest';
import { FatalError } from '../../src/index.js';

/** Runs `fn`, expects it to throw a FatalError, and returns the message. */
export function fatalMessage(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FatalError);
    return (e as Error).message;
  }
  throw new Error('expected a FatalError, nothing was thrown');
}
