/**
 * Frames and the collector (issue 21's "Frames visible to the collector"):
 * a cycle reachable only from a suspended generator's frame survives a
 * collection, and becomes garbage the collector frees once the generator
 * finishes; garbage referenced only from a finished frame is collected.
 * Each check has a control that must come out the other way.
 */

import { describe, expect, it } from 'vitest';
import { runProgram } from '../../src/cli/run-program.js';

async function run(code: string): Promise<string> {
  const r = await runProgram({ code });
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

const CYCLE = `
import gc, weakref
class Node:
    pass
def make_cycle():
    a = Node(); b = Node()
    a.other = b; b.other = a
    return a
`;

describe('frames and the cycle collector', () => {
  it('a cycle held only by a suspended generator frame survives a collection; it is collected after the generator finishes', async () => {
    const out = await run(`${CYCLE}
def holder():
    a = make_cycle()
    yield weakref.ref(a)
    yield a.other.other is a
g = holder()
r = next(g)
gc.collect()
print('alive while suspended', r() is not None)
print('frame still sees it', next(g))
for _ in g:
    pass
del g
collected = gc.collect()
print('dead after the generator finished', r() is None, collected >= 2)
`);
    expect(out).toBe('alive while suspended True\nframe still sees it True\ndead after the generator finished True True\n');
  });

  it('control: without the generator holding it, the same cycle is collected at once', async () => {
    const out = await run(`${CYCLE}
r = weakref.ref(make_cycle())
gc.collect()
print(r() is None)
`);
    expect(out).toBe('True\n');
  });

  it('garbage referenced only from a finished frame is collected; a closure cell keeps its cycle alive until the closure goes', async () => {
    const out = await run(`${CYCLE}
def finished():
    a = make_cycle()
    return weakref.ref(a)
r = finished()
gc.collect()
print('finished frame', r() is None)
def keeper():
    a = make_cycle()
    def inner():
        return a
    return inner, weakref.ref(a)
inner, r2 = keeper()
gc.collect()
print('closure alive', r2() is not None)
del inner
gc.collect()
print('closure gone', r2() is None)
`);
    expect(out).toBe('finished frame True\nclosure alive True\nclosure gone True\n');
  });
});
