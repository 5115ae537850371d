/**
 * Fatal errors: misuse that C would turn into memory corruption (unlocking a
 * mutex nobody holds, a foreign pointer, a broken layout). CPython calls
 * `Py_FatalError` and aborts; a library in a Node.js process throws instead,
 * with a message that names the address and what was wrong, and the caller
 * must treat the heap as poisoned.
 */

/**
 * Thrown when a shared-memory invariant is broken (the equivalent of CPython's
 * `Py_FatalError`). The shared heap must not be used further by this thread.
 * @public
 */
export class FatalError extends Error {
  /** Always `'FatalError'`. */
  override readonly name = 'FatalError';
}

/**
 * Throws a {@link FatalError}. Kept out of line so hot paths stay small.
 * @public
 */
export function fatalError(message: string): never {
  throw new FatalError(`ft fatal error: ${message}`);
}

/** Formats an address the way every fatal message does: `0x0001f2a0`. @public */
export function formatAddress(addr: number): string {
  return '0x' + (addr >>> 0).toString(16).padStart(8, '0');
}
