/**
 * Python threads on the VM (issue 22's start): `threading.Thread`s run on
 * pooled workers at the same time as the main thread, over the same
 * objects. Exact invariants: per-thread results, a counter under a Lock;
 * the control (the same counter without the lock) must lose updates —
 * the threads really ran in parallel. Run through the `ft` command (the
 * built package: pooled workers load built modules).
 */

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runNode, type ChildResult } from './spawn.js';

const FT = fileURLToPath(new URL('../bin/ft.mjs', import.meta.url));
const SCALE = Number(process.env.FT_STRESS_SCALE ?? '1');

function ft(code: string, args: string[] = []): Promise<ChildResult> {
  return runNode([FT, ...args, '-c', code]);
}

const COUNTER = (locked: boolean, n: number) => `
import threading
N = ${n}
counter = [0]
lock = threading.Lock()
start = threading.Barrier(4)
def work():
    start.wait()
    for _ in range(N):
        ${locked ? 'with lock:\n            counter[0] += 1' : 'counter[0] += 1'}
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print(counter[0], 4 * N)
`;

describe('Python threads', () => {
  it('threads compute in parallel and their results come back; current_thread, idents and join', async () => {
    const r = await ft(`
import threading
results = {}
def work(i, n):
    s = 0
    for k in range(n):
        s += k * i
    results[i] = (s, threading.current_thread().name, threading.get_ident() != threading.main_thread().ident)
threads = [threading.Thread(target=work, args=(i, 20000), name=f'w{i}') for i in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print(sorted(results.items()))
print(threading.current_thread().name, threading.active_count(), all(not t.is_alive() for t in threads))
`);
    const expected = [0, 1, 2, 3].map((i) => `(${i}, (${i * ((20000 * 19999) / 2)}, 'w${i}', True))`).join(', ');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`[${expected}]\nMainThread 1 True\n`);
  });

  it('_thread._count() counts the threads running now, not the main thread nor the finished ones', async () => {
    const r = await ft(`
import _thread, threading
print(_thread._count())
go = threading.Event()
started = threading.Barrier(4)
def work():
    started.wait()
    go.wait()
threads = [threading.Thread(target=work) for _ in range(3)]
for t in threads: t.start()
started.wait()
print(_thread._count())
go.set()
for t in threads: t.join()
print(_thread._count())
`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('0\n3\n0\n');
  });

  it('a counter under a Lock is exact across 4 threads', async () => {
    const n = 3000 * SCALE;
    const r = await ft(COUNTER(true, n));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${4 * n} ${4 * n}\n`);
  });

  it('control: without the lock the threads race and lose increments (they ran at the same time)', async () => {
    const n = 100000 * SCALE;
    const r = await ft(COUNTER(false, n));
    expect(r.stderr).toBe('');
    const [got, want] = r.stdout.trim().split(' ').map(Number);
    expect(want).toBe(4 * n);
    expect(got).toBeLessThan(want!);
  });

  it('an exception in a thread is printed as threading.excepthook does; the program goes on', async () => {
    const r = await ft(`
import threading
def boom():
    raise ValueError('bad')
t = threading.Thread(target=boom, name='T1')
t.start(); t.join()
print('after')
`);
    expect(r.stdout).toBe('after\n');
    expect(r.stderr).toContain('Exception in thread T1:');
    expect(r.stderr).toContain('ValueError: bad');
    expect(r.status).toBe(0);
  });

  it('queue: producers and consumers on a bounded Queue hand every item over exactly once; PriorityQueue, LifoQueue and Empty as CPython', async () => {
    const r = await ft(`
import threading, queue
q = queue.Queue(maxsize=8)
out = queue.Queue()
def producer(base):
    for i in range(500):
        q.put(base + i)
def consumer():
    total = 0
    while True:
        item = q.get()
        if item is None:
            q.task_done()
            break
        total += item
        q.task_done()
    out.put(total)
ps = [threading.Thread(target=producer, args=(k * 1000,)) for k in range(2)]
cs = [threading.Thread(target=consumer) for _ in range(2)]
for t in ps + cs: t.start()
for t in ps: t.join()
for _ in cs: q.put(None)
q.join()
for t in cs: t.join()
print(sum(out.get() for _ in cs), sum(range(500)) * 2 + 1000 * 500)
pq = queue.PriorityQueue()
for x in [5, 1, 4, 2, 3]: pq.put(x)
print([pq.get() for _ in range(5)])
lq = queue.LifoQueue()
for x in 'abc': lq.put(x)
print([lq.get() for _ in range(3)])
try:
    queue.Queue().get(timeout=0.05)
except queue.Empty:
    print('Empty')
`);
    // python3.13 prints the same four lines for this program.
    expect(r).toEqual({ stdout: "749500 749500\n[1, 2, 3, 4, 5]\n['c', 'b', 'a']\nEmpty\n", stderr: '', status: 0 });
  });
});
