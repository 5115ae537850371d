/**
 * The slots module of the specialized-attrs stress runner: every thread
 * (the main one and each pooled worker) loads it before it runs Python, so
 * it is where a control turns the dict-specialize test seams off on every
 * thread (FT_SPECIALIZE_SEAMS_OFF, a comma-separated list of
 * `specializeSeams` keys, read by this test-only module alone); then it
 * registers the VM's modules as vm/slots.ts does.
 */

import { specializeSeams } from '@ft/objects';

for (const name of (process.env.FT_SPECIALIZE_SEAMS_OFF ?? '').split(',')) {
  if (name === '') continue;
  if (!(name in specializeSeams)) throw new Error(`specialized-attrs.slots: no seam '${name}'`);
  specializeSeams[name as keyof typeof specializeSeams] = false;
}

export { registerSlots } from '../../src/vm/slots.js';
