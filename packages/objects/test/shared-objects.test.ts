/**
 * The JavaScript façade (shared-objects.ts): SharedDict and SharedList as a
 * JavaScript user meets them, on one thread and from two workers at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getRefcount } from '@ft/refcount';
import { nextMessage, spawnTsWorker } from '@ft/harness';
import { PyError, SharedDict, SharedList } from '../src/index.js';
import { makeRuntime, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

describe('SharedDict and SharedList', () => {
  it('work like a Map and an array; nested containers come back as views of the same objects', () => {
    r = makeRuntime();
    const d = SharedDict.create(r, { a: 1, nested: { xs: [1, 2] } });
    expect(d.get('a')).toBe(1);
    expect(d.get('missing')).toBeUndefined();
    expect(d.has('a')).toBe(true);
    expect(d.length).toBe(2);
    d.set('b', 'two').set(3, [null, true]);
    expect(d.size).toBe(4);
    expect(d.get(3)).toBeInstanceOf(SharedList);
    const nested = d.get('nested') as SharedDict;
    const xs = nested.get('xs') as SharedList;
    xs.push(3);
    // The change shows through the outer dict: one shared object, not a copy.
    expect((d.toJS() as Map<unknown, unknown>).get('nested')).toEqual({ xs: [1, 2, 3] });
    expect(xs.get(-1)).toBe(3);
    expect(xs.get(10)).toBeUndefined();
    expect(xs.pop()).toBe(3);
    expect(xs.delete(0)).toBe(true);
    expect(xs.delete(5)).toBe(false);
    expect([...xs]).toEqual([2]);
    expect(xs.includes(2)).toBe(true);
    expect(d.delete('a')).toBe(true);
    expect(d.delete('a')).toBe(false);
    expect([...d.keys()]).toEqual(['nested', 'b', 3]);
    // A view stored into another container stores the container itself.
    const l = SharedList.create(r, []);
    l.push(nested);
    const again = l.get(0) as SharedDict;
    expect(again.address).toBe(nested.address);
    for (const v of [again, xs, nested, l]) v.release();
    d.release();
    expect(() => d.get('b')).toThrow(new TypeError('SharedDict: the view was released'));
  });

  it('errors: Python exceptions as PyErrors named after their type; bad handles and indexes as TypeError/RangeError', () => {
    r = makeRuntime();
    const d = SharedDict.create(r);
    let error: unknown;
    try {
      d.set([1], 2);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PyError);
    expect((error as PyError).name).toBe('TypeError');
    expect((error as PyError).message).toBe("TypeError: unhashable type: 'list'");
    const l = SharedList.create(r, [1]);
    expect(() => l.set(5, 0)).toThrow(expect.objectContaining({ name: 'IndexError', message: 'IndexError: list assignment index out of range' }));
    expect(() => l.get(1.5)).toThrow(RangeError);
    expect(() => SharedDict.open(r, l.handle)).toThrow(TypeError);
    expect(() => SharedList.open(r, { kind: 'list', address: d.address })).toThrow(new TypeError("SharedList.open: the handle's object is not a list"));
    expect(() => SharedDict.create(r, [1] as never)).toThrow(TypeError);
    d.release();
    l.release();
  });

  it('a view holds one reference, given back once by release()', () => {
    r = makeRuntime();
    const d = SharedDict.create(r, { k: [1] });
    const inner = d.get('k') as SharedList;
    const address = inner.address;
    const count = getRefcount(r.rc, address);
    const view = d.get('k') as SharedList;
    expect(getRefcount(r.rc, address)).toBe(count + 1);
    view.release();
    view.release(); // twice: no effect
    expect(getRefcount(r.rc, address)).toBe(count);
    inner.release();
    expect(getRefcount(r.rc, address)).toBe(count - 1); // the dict's own
    d.release();
  });

  it('two workers fill one dict and one list at once and each reads the other’s entries', async () => {
    r = makeRuntime();
    const d = SharedDict.create(r);
    const l = SharedList.create(r);
    const count = 2000;
    const module = new URL('./workers/shared-objects.worker.ts', import.meta.url);
    const workers = [0, 1].map((id) => spawnTsWorker(module, { runtime: r.handle, dict: d.handle, list: l.handle, id, count }));
    r.detach();
    const results = await Promise.all(workers.map((w) => nextMessage<{ worker: number; i: number; tags: number[] }>(w)));
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
    r.attach();
    expect(results.map((x) => [x.worker, x.i, x.tags])).toEqual([
      [1, count - 1, [1, count - 1]],
      [0, count - 1, [0, count - 1]],
    ]);
    expect(d.length).toBe(2 * count);
    expect(l.length).toBe(2 * count);
    // Every append landed once, and each worker's appends kept their order.
    const items = [...l] as number[];
    for (const id of [0, 1]) expect(items.filter((x) => Math.floor(x / 1_000_000) === id).map((x) => x % 1_000_000)).toEqual(Array.from({ length: count }, (_, i) => i));
    const entry = d.get(`w0-${count - 1}`) as SharedDict;
    expect(entry.toJS()).toEqual({ worker: 0, i: count - 1, tags: [0, count - 1] });
    entry.release();
    d.release();
    l.release();
  }, 60_000);
});
