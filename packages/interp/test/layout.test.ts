/** The interpreter's layouts: fields inside their structures, no overlaps, aligned words. */
import { describe, expect, it } from 'vitest';
import * as L from '../src/layout.js';

function fields(prefix: string): [string, number][] {
  return Object.entries(L).filter(([k, v]) => k.startsWith(prefix) && k.endsWith('_OFFSET') && typeof v === 'number') as [string, number][];
}

describe('layout', () => {
  it('interpreter state, thread records and mailboxes: words aligned, inside their size, distinct', () => {
    for (const [prefix, size] of [
      ['IS_', L.INTERP_STATE_SIZE],
      ['TR_', L.THREAD_RECORD_SIZE],
      ['WM_', L.WORKER_MAILBOX_SIZE],
    ] as const) {
      const offsets = fields(prefix).map(([, v]) => v);
      expect(offsets.length).toBeGreaterThan(1);
      expect(new Set(offsets).size).toBe(offsets.length);
      for (const o of offsets) expect(o).toBeLessThan(size);
    }
    // Word fields are 4-aligned (the byte fields of a record are the event and the daemon flag).
    for (const [name, v] of [...fields('IS_'), ...fields('WM_'), ...fields('TR_')]) {
      if (name === 'TR_DONE_OFFSET' || name === 'TR_DAEMON_OFFSET') continue;
      expect(v % 4, name).toBe(0);
    }
    expect(L.THREAD_RECORD_SIZE % 8).toBe(0);
  });
});
