/**
 * `PyThreadState_SetAsyncExc`: another thread's next safe point raises the
 * exception (eval-breaker bit 3); a thread that is not running is not
 * changed; bad input is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { intAsNumber, listGetItemRef, listNew, StaticType } from '@ft/objects';
import { decref } from '@ft/refcount';
import { createRuntime, type Runtime } from '../src/index.js';
import { workerLoader } from './spawn.js';

const BODIES = new URL('./bodies/basic.ts', import.meta.url);
let rt: Runtime | null = null;
afterEach(async () => {
  await rt?.close();
  rt = null;
});

describe('async exceptions', () => {
  it('a spinning thread raises the exception at its next safe point and ends with it', async () => {
    rt = await createRuntime({ threadBodies: BODIES, workerLoader, maxWorkers: 1 });
    const r = rt;
    const raised = listNew(r.t, 0);
    try {
      const h = r.startThread('spinUntilRaised', raised);
      const keyboardInterrupt = r.t.type(StaticType.KeyboardInterrupt);
      // The thread may not be running yet: retry until it is.
      let changed = 0;
      for (let i = 0; i < 2000 && changed === 0; i++) {
        changed = r.setAsyncExc(h.ident, keyboardInterrupt);
        if (changed === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      }
      expect(changed).toBe(1);
      h.join(); // it would spin forever without the exception
      expect(r.setAsyncExc(h.ident, keyboardInterrupt)).toBe(0); // done: nothing to change
      // The thread saw KeyboardInterrupt set on it (and ended reporting it: "Exception in thread …").
      const v = listGetItemRef(r.t, raised, 0);
      expect(intAsNumber(r.t, v)).toBe(keyboardInterrupt);
      decref(r.objects.rc, v);
    } finally {
      decref(r.objects.rc, raised);
    }
  });

  it('refuses what is not an exception class', async () => {
    rt = await createRuntime({ threadBodies: BODIES, workerLoader });
    expect(() => rt!.setAsyncExc(5, rt!.t.none)).toThrow('setAsyncExc: exc must be an exception class (a subclass of BaseException) or 0');
    expect(() => rt!.setAsyncExc(5, rt!.t.type(StaticType.Int))).toThrow(TypeError);
    expect(rt.setAsyncExc(12345, 0)).toBe(0);
  });
});
