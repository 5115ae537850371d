/**
 * The layout assertions every package's test/layout.test.ts makes about the
 * shared structures it declares: each field at a non-negative offset aligned
 * to its width (capped at 4 bytes, or an explicit alignment), inside the
 * structure, and no two fields overlapping. A subpath export of its own
 * (`@ft/harness/layout-check`): it imports vitest, which stress workers must not load.
 */

import { expect } from 'vitest';

/** name, byte offset, byte width, alignment (default: the width, at most 4). */
export type LayoutField = readonly [name: string, offset: number, width: number, align?: number];

export function expectLayout(fields: readonly LayoutField[], size: number): void {
  for (const [name, offset, width, align = Math.min(width, 4)] of fields) {
    expect(Number.isInteger(offset) && offset >= 0, `${name} offset`).toBe(true);
    expect(offset % align, `${name} aligned to ${align}`).toBe(0);
    expect(offset + width, `${name} inside the structure`).toBeLessThanOrEqual(size);
  }
  const sorted = [...fields].sort((a, b) => a[1] - b[1]);
  for (let i = 1; i < sorted.length; i++) {
    expect(sorted[i][1], `${sorted[i][0]} after ${sorted[i - 1][0]}`).toBeGreaterThanOrEqual(sorted[i - 1][1] + sorted[i - 1][2]);
  }
}

/** A 32-bit type tag as the four ASCII characters it spells in little-endian memory. */
export function tagText(tag: number): string {
  return String.fromCharCode(tag & 0xff, (tag >>> 8) & 0xff, (tag >>> 16) & 0xff, tag >>> 24);
}
