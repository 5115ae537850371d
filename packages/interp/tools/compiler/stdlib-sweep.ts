/**
 * The other half of tools/compiler/stdlib_sweep.py (see there): compiles
 * every dumped file with our compiler and reports those whose code objects
 * differ from CPython's (the first differing code object and field) and
 * those we refuse, grouped by message. A development check, not a test.
 *
 *   npx tsx tools/compiler/stdlib-sweep.ts OUT [FILTER]
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSource } from '../../src/compiler/compile.js';
import { allCodes, dumpCode, type FullDump } from '../../test/compiler/code-dump.js';

const [dir, filter] = process.argv.slice(2);
if (dir === undefined) throw new TypeError('usage: stdlib-sweep.ts OUT [FILTER]');

/** Nested code objects compare on their own: a parent's constant only says "code". */
function shallow(value: unknown): unknown {
  return Array.isArray(value) ? value.map((c) => (c !== null && typeof c === 'object' && 'code' in c ? 'code' : c)) : value;
}

function firstDifference(ours: FullDump, theirs: FullDump): string | null {
  const a = allCodes(ours);
  const b = allCodes(theirs);
  if (a.length !== b.length) return `code object count ${a.length}, CPython ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    for (const key of Object.keys(b[i]) as (keyof FullDump)[]) {
      if (JSON.stringify(shallow(a[i][key])) !== JSON.stringify(shallow(b[i][key]))) return `${b[i].qualname}: ${key}`;
    }
  }
  return null;
}

let same = 0;
const differing: string[] = [];
const refused = new Map<string, string[]>();
for (const file of readdirSync(dir).sort()) {
  if (!file.endsWith('.json') || (filter !== undefined && !file.includes(filter))) continue;
  const { path, code } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { path: string; code: FullDump };
  let ours: FullDump;
  try {
    ours = dumpCode(compileSource(readFileSync(path, 'utf8'), path.split('/').pop()!));
  } catch (e) {
    const reason = String((e as Error).message).replace(/ \(.*$/, '');
    refused.set(reason, [...(refused.get(reason) ?? []), path]);
    continue;
  }
  const difference = firstDifference(ours, code);
  if (difference === null) same++;
  else differing.push(`${path}: ${difference}`);
}
for (const line of differing) console.log(`differs  ${line}`);
for (const [reason, paths] of refused) console.log(`refused  ${reason} (${paths.length}): ${paths.slice(0, 3).join(' ')}`);
console.log(`${same} the same, ${differing.length} differ, ${[...refused.values()].reduce((n, p) => n + p.length, 0)} refused`);
