/**
 * Warming the eval loop up: a small Python program run once per
 * JavaScript isolate (the main thread, each pooled worker) before any
 * user code, so that V8 has type feedback for every path of `runFrames`
 * when it first compiles it.
 *
 * Why: TurboFan compiles a path it has no feedback for into a deopt. Each
 * first run of such a path in a program (the first float subtraction, the
 * first generator, the first exception caught) threw the optimized loop
 * away, and the loop ran unoptimized, two to five times slower, until the
 * next compile landed 0.2 s later on a background thread (measured: four
 * such cycles in a three-line timing loop). The program below runs each
 * instruction the loop holds inline (out-of-line.ts), in each of its
 * specialized forms (four iterations specialize them), and through the
 * guard misses back to the generic bodies; it costs a few milliseconds
 * once per isolate.
 */

import { dictNew, errClear } from '@ft/objects';
import { gcCollect } from '@ft/gc';
import { decref } from '@ft/refcount';
import { compileToCode, evalCode } from './exec.js';
import type { VmThread } from './vm-thread.js';

/** The program (our own): every construct runs enough times to specialize, then with other types. */
const WARM_UP = `
import sys as _sys

class _P:
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def m(self, a):
        return self.x + a
    @property
    def p(self):
        return self.y
    def __getitem__(self, i):
        return i

class _Q(_P):
    __slots__ = ()

class _R:
    def m(self, a):
        return a

class _It:
    def __init__(self):
        self.n = 0
    def __iter__(self):
        return self
    def __next__(self):
        self.n += 1
        if self.n > 2:
            raise StopIteration
        return self.n

class _Ctx:
    def __enter__(self):
        return self
    def __exit__(self, *a):
        return False

def _f(a, b):
    return a + b

def _g(n):
    for i in range(n):
        yield i
    return n

def _h(n):
    r = yield from _g(n)
    return r

def _y(it):
    r = yield from it
    return r

async def _a0(v):
    return v

async def _a1(v):
    return await _a0(v) + await _a0(v)

def _run(co):
    try:
        co.send(None)
    except StopIteration as e:
        return e.value

def _poly(v, w, cont, pq):
    a = v + w
    b = v * 2
    c = v == w and v < w
    e = cont[0]
    cont[0] = e
    for x in cont:
        pass
    p, q = cont
    p, q = pq
    return e

def _k(*args, **kw):
    return len(args) + len(kw)

def _fail(i):
    raise KeyError(i)

def _cl():
    c = 0
    def inner():
        nonlocal c
        c += 1
        return c
    return inner

_G = 0

def _warm(n):
    global _G
    lst = [1, 2, 3, 4]
    tup = (1, 2, 3, 4)
    pair = (5, 6)
    d = {'a': 1, 'b': 2}
    ba = bytearray(4)
    s = 0
    x = 0.5
    big = 1 << 40
    o = _P(1, 2)
    inc = _cl()
    for i in range(n):
        s = s + i - 1 * 2 + i * 3
        s = s % 7 + s // 3 + (s & 5) + (s | 1) + (s ^ 3) + (s << 1) + (s >> 1) - -s + ~s
        x = x + 1.5 - 0.25 * x
        x = x / 3.0 + x % 2.0
        big = big + big - big * 1
        if i < n and x > 0.0 and i == i and x != 1.0 and i <= big and i is not None and not (i >= 100):
            s += lst[i % 4] + lst[-1] + tup[i % 4] + tup[-1] + d['a']
        if x < 0.0 or i > 100:
            s += 1
        lst[i % 4] = i
        lst[-1] = i
        d['c'] = i
        ba[i % 4] = i
        for v in lst if i % 2 else tup:
            s += v
        for v in d:
            s += len(v)
        for v in _g(3):
            s += v
        for v in _It():
            s += v
        for v in _h(2):
            s += v
        s += len(list(_g(2))) + sum(_h(2))
        s += o.x + o.m(1) + o.p + o[2] + _f(1, 2) + _k(1, 2, a=3) + inc()
        o.x = i
        o.y = i
        q = _Q(i, i)
        s += q.m(2)
        s += _R().m(i)
        s += (max if i % 3 else _f)(1, 2)
        (lst.append if i % 3 else _R().m)(i)
        s += len(str(i)) + abs(-i) + max(i, 2) + _G
        _G = i
        a, b = i, i + 1
        a, b = pair
        a, b, c = tup[:3]
        a, b, c = [a, b, i]
        s += a + b + c
        s += sum([j for j in range(3)]) + sum(j for j in range(3))
        flag = not (i % 2)
        flag = o is q
        flag = o is not q
        s += sum(_y([1, 2])) + sum(_y(_It())) + _run(_a1(i))
        s += len(list(map(_g, [1, 2])))
        globals()['_n' + str(i)] = i
        s += len(tup if i % 2 else lst)
        try:
            if i == 2:
                raise ValueError(i)
        except ValueError as e:
            s += 1
        except (TypeError, KeyError):
            pass
        finally:
            s += 0
        try:
            try:
                s += 1 + _fail(i)
            except KeyError:
                raise
        except KeyError:
            s += 1
        try:
            with _Ctx():
                _fail(i)
        except KeyError:
            s += 1
        try:
            sorted(lst, key=_fail)
        except KeyError:
            s += 1
        gen = _g(3)
        next(gen)
        try:
            gen.throw(KeyError(i))
        except KeyError:
            s += 1
        try:
            s += tup[i + 10]
        except IndexError:
            s += 1
        try:
            d[[i]] = i
        except TypeError:
            s += 1
        if i > 2:
            late = 1
        try:
            s += late
        except UnboundLocalError:
            s += _sys.maxsize & 1
        t = s if s else i
        u = None if i % 2 else i
        if u is None:
            s += 1
        if u is not None:
            s += 1
        if lst and not d.get('z'):
            s += 1
        while s > 1000:
            s -= 1000
    return s

_warm(6)
_conts = ([1, 2], [3, 4], [5, 6], {0: 1, 1: 2}, bytearray(2), [7, 8], {0: 3, 1: 4})
for _i, _v in enumerate((1, 2, 3, 4.0, 5.0, 6.0, 'a', 'b', [5], (6,), 7, 8, 9.0, 10, 11)):
    _poly(_v, _v, _conts[_i % 7], (_i, _i) if _i % 3 else [_i, _i])
`;

/** Whether this isolate's loop has run {@link WARM_UP} (feedback is per isolate, not per Python thread). */
let warmed = false;

/**
 * Runs the warm-up program on `vm` once per isolate (later calls do
 * nothing). Nothing of it stays: its namespace is dropped, its cycles
 * collected when `collect` says so (a Python thread joining a running
 * interpreter leaves them to the next collection rather than stop the
 * world), and an error (none is expected) is cleared.
 */
export function warmUpEvalLoop(vm: VmThread, collect: boolean): void {
  if (warmed) return;
  warmed = true;
  const t = vm.t;
  const code = compileToCode(t, WARM_UP, '<warm-up>', 'exec');
  if (code === 0) {
    errClear(t);
    return;
  }
  const globals = dictNew(t);
  if (globals !== 0) {
    const r = evalCode(vm, code, globals);
    if (r !== 0) decref(t.rc, r);
    else errClear(t);
    decref(t.rc, globals);
  } else errClear(t);
  decref(t.rc, code);
  // Its classes are cycles: collected now (the interpreter's first thread, before any user code), so that
  // a program's first `gc.collect()` counts only its own garbage, as CPython's does.
  if (collect) gcCollect(t.gc, 2);
}
