# The specialized-attrs stress program (specialized-attrs.stress.test.ts
# runs it with Python threads on ft): readers hammer the specialized dict
# reads (LOAD_ATTR_INSTANCE_VALUE, LOAD_ATTR_METHOD_WITH_VALUES,
# LOAD_ATTR_MODULE, LOAD_GLOBAL_MODULE, LOAD_GLOBAL_BUILTIN) and stores
# (STORE_ATTR_INSTANCE_VALUE) while writer threads store, delete, re-add,
# replace whole __dict__s, turn split dicts combined, shadow methods and
# builtins. Every value a writer stores is a fresh V (a tag naming the
# attribute, the writer, a sequence number) watched by a weakref: at the
# end, after gc.collect(), every one must be dead (no reference leaked by
# a guarded read that missed or a store). The weakrefs have no callbacks:
# a callback taking a threading.Lock deadlocks when a death runs it while
# its thread holds that lock, and one run while a thread is torn down hits
# recycleTypeCache's check (see the test's header). Output: one
# `name value` line per count, which the test checks exactly.
#
#   specialized_attrs.py full SCALE        stress phases, handshakes, leak check
#   specialized_attrs.py handshake SCALE   the deterministic handshakes only (the controls)
#
# A handshake is sequential: a reader thread warms a read site until it is
# specialized (WARM executions; the adaptive counter specializes at the
# second), waits for a writer thread to change what the guards protect
# (an Event), then reads at the same site: it must see the new state. With a
# guard disabled (the test seams), the specialized instruction keeps
# reading the old place and the handshake counts a failure.

import gc
import sys
import threading
import types
import weakref

MODE = sys.argv[1]
SCALE = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
ITERS = max(50, int(400 * SCALE))   # reader passes over the objects per phase
WARM = 300                          # executions of a read site before a handshake
ROUNDS = max(2, int(4 * SCALE))     # handshake rounds

_len = len
_type = type

# ---- values and their deaths -------------------------------------------------

class V:
    __slots__ = ('tag', 'w', 'n', '__weakref__')

    def __init__(self, tag, w, n):
        self.tag = tag
        self.w = w
        self.n = n


refs = []          # every V's weakref (list.append is atomic)


def val(tag, w, n):
    v = V(tag, w, n)
    refs.append(weakref.ref(v))
    return v


def legal(v, tag):
    return _type(v) is V and v.tag == tag


out = {}
out_lock = threading.Lock()


def add(name, k):
    with out_lock:
        out[name] = out.get(name, 0) + k


def record_bad(name, v):
    add(name, 1)
    with out_lock:
        if _len(out.setdefault('_examples', [])) < 5:
            out['_examples'].append(name + ': ' + repr((_type(v).__name__, getattr(v, 'tag', None), getattr(v, 'n', None)))[:120])


def run_threads(targets):
    ts = [threading.Thread(target=f, args=a) for f, a in targets]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


class Stop:
    """Readers count themselves done; the last one stops the writers."""

    def __init__(self, readers):
        self.left = readers
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.final = threading.Event()

    def reader_done(self):
        with self.lock:
            self.left -= 1
            if self.left == 0:
                self.stop.set()


# ---- 1. instance attributes -----------------------------------------------------

class C:
    def __init__(self, w, n):
        self.x = val('x', w, n)
        self.y = val('y', w, n)


class D:   # the class whose instances turn combined (its shared keys fill up)
    def __init__(self, w, n):
        self.x = val('x', w, n)
        self.y = val('y', w, n)


class Q:   # the same attributes in the other order: a split dict of another layout
    def __init__(self, w, n):
        self.y = val('y', w, n)
        self.x = val('x', w, n)


N_OBJ = 8


def read_x(o):
    return o.x


def read_y(o):
    return o.y


def phase_instances():
    split_objs = [C(0, 0) for i in range(N_OBJ)]       # values stored, attributes deleted and re-added
    swap_objs = [C(0, 0) for i in range(N_OBJ)]        # whole __dict__s replaced
    comb_objs = [D(0, 0) for i in range(N_OBJ)]        # replaced by fresh objects that turn combined
    groups = (split_objs, swap_objs, comb_objs)
    readers = 2
    ctl = Stop(readers)
    barrier = threading.Barrier(readers + 2)
    final_n = [0]

    def reader(rid):
        last = {}
        reads = ok = missing = 0
        barrier.wait()
        for _ in range(ITERS):
            for g in groups:
                for i in range(N_OBJ):
                    o = g[i]
                    for tag, rd in (('x', read_x), ('y', read_y)):
                        reads += 1
                        try:
                            v = rd(o)
                        except AttributeError:
                            missing += 1
                            continue
                        if not legal(v, tag):
                            record_bad('inst_bad', v)
                            continue
                        ok += 1
                        key = (id(g), i, tag)   # one writer per object: its n never goes back
                        if v.n < last.get(key, -1):
                            record_bad('inst_backwards', v)
                        last[key] = v.n
        add('inst_reads', reads)
        add('inst_ok', ok)
        add('inst_missing', missing)
        ctl.reader_done()
        ctl.final.wait()
        # After the writers' Event: the final values at the same (warm) sites.
        for g in groups:
            for i in range(N_OBJ):
                for tag, rd in (('x', read_x), ('y', read_y)):
                    v = rd(g[i])
                    if not (legal(v, tag) and v.n == final_n[0]):
                        record_bad('inst_final_bad', v)
                    else:
                        add('inst_final_ok', 1)

    def writer_split(w):
        # Stores through STORE_ATTR_INSTANCE_VALUE, deletes, re-adds.
        n = 0
        barrier.wait()
        while not ctl.stop.is_set() or n < 200:
            n += 1
            for o in split_objs:
                o.x = val('x', w, n)
                o.y = val('y', w, n)
            if n % 7 == 0:
                o = split_objs[n % N_OBJ]
                del o.x
                o.x = val('x', w, n)
            if n % 11 == 0:
                o = split_objs[(n + 3) % N_OBJ]
                del o.y
                o.y = val('y', w, n)
        add('writer_split_rounds', n)
        return n

    def writer_swap(w):
        # Replaces __dict__s wholesale (combined dicts, and split dicts of a C or of a Q), turns D objects combined.
        n = 0
        barrier.wait()
        while not ctl.stop.is_set() or n < 200:
            n += 1
            i = n % N_OBJ
            k = n % 3
            if k == 0:
                swap_objs[i].__dict__ = {'x': val('x', w, n), 'y': val('y', w, n)}
            elif k == 1:
                swap_objs[i].__dict__ = C(w, n).__dict__
            else:
                swap_objs[i].__dict__ = Q(w, n).__dict__
            fresh = D(w, n)
            comb_objs[i] = fresh
            fresh.x = val('x', w, n)
            if n % 5 == 0:
                for a in range(40):   # past SHARED_KEYS_MAX_SIZE: this dict turns combined
                    setattr(fresh, 'a%d' % a, a)
                fresh.x = val('x', w, n)
                fresh.y = val('y', w, n)
        add('writer_swap_rounds', n)
        return n

    results = []

    def run_split():
        results.append(('split', writer_split(1)))

    def run_swap():
        results.append(('swap', writer_swap(2)))

    # The writers finish, then the main thread sets the final state and the Event.
    ts = [threading.Thread(target=reader, args=(r,)) for r in range(readers)]
    ws = [threading.Thread(target=run_split), threading.Thread(target=run_swap)]
    for t in ts + ws:
        t.start()
    for t in ws:
        t.join()
    final_n[0] = 10 ** 6
    for o in split_objs:
        o.x = val('x', 9, final_n[0])
        del o.y
        o.y = val('y', 9, final_n[0])
    for i, o in enumerate(swap_objs):
        o.__dict__ = Q(9, final_n[0]).__dict__ if i % 2 else {'x': val('x', 9, final_n[0]), 'y': val('y', 9, final_n[0])}
    for i in range(N_OBJ):
        comb_objs[i] = D(9, final_n[0])
    ctl.final.set()
    for t in ts:
        t.join()
    add('inst_expected_reads', readers * ITERS * 3 * N_OBJ * 2)
    add('inst_expected_final', readers * 3 * N_OBJ * 2)
    split_objs.clear()
    swap_objs.clear()
    comb_objs.clear()


# ---- 2. method calls -------------------------------------------------------------

class M:
    def m(self):
        return 'class'


def m_class2(self):
    return 'class2'


def m_final(self):
    return 'final'


LEGAL_M = ('class', 'class2', 'inst', 'final')


def call_m(o):
    return o.m()


def phase_methods():
    objs = [M() for _ in range(N_OBJ)]
    for i, o in enumerate(objs):
        o.a = i              # an instance dict, split over M's shared keys
    readers = 2
    ctl = Stop(readers)
    barrier = threading.Barrier(readers + 1)

    def reader(rid):
        calls = ok = 0
        barrier.wait()
        for _ in range(ITERS):
            for o in objs:
                calls += 1
                r = call_m(o)
                if r in LEGAL_M:
                    ok += 1
                else:
                    record_bad('meth_bad', r)
        add('meth_calls', calls)
        add('meth_ok', ok)
        ctl.reader_done()
        ctl.final.wait()
        for i, o in enumerate(objs):
            r = call_m(o)
            want = 'inst' if i % 3 == 0 else 'final'
            if r == want:
                add('meth_final_ok', 1)
            else:
                record_bad('meth_final_bad', r)

    def writer():
        n = 0
        inst = lambda: 'inst'
        barrier.wait()
        while not ctl.stop.is_set() or n < 200:
            n += 1
            o = objs[n % N_OBJ]
            if n % 2:
                o.m = inst
            elif 'm' in o.__dict__:
                del o.m
            if n % 13 == 0:
                M.m = m_class2
            elif n % 13 == 6:
                M.m = m_orig
        for i, o in enumerate(objs):
            if i % 3 == 0:
                o.m = inst
            elif 'm' in o.__dict__:
                del o.m
        M.m = m_final
        add('meth_writer_rounds', n)
        ctl.final.set()

    m_orig = M.__dict__['m']
    run_threads([(reader, (r,)) for r in range(readers)] + [(writer, ())])
    M.m = m_orig
    add('meth_expected_calls', readers * ITERS * N_OBJ)
    add('meth_expected_final', readers * N_OBJ)


# ---- 3. globals, builtins, module attributes ------------------------------------

G = val('G', 0, 0)
helper = types.ModuleType('helper')
helper.pi = val('pi', 0, 0)


def read_G():
    return G


def read_len(s):
    return len(s)


def read_pi():
    return helper.pi


def shadow_len(s):
    return -1


def phase_globals():
    readers = 2
    ctl = Stop(readers)
    barrier = threading.Barrier(readers + 1)
    seq = (1, 2, 3)
    final = 10 ** 6

    def reader(rid):
        reads = ok = missing = 0
        last_g = last_pi = -1
        barrier.wait()
        for _ in range(ITERS * 4):
            reads += 3
            try:
                g = read_G()
            except NameError:
                missing += 1
                g = None
            if g is not None:
                if not legal(g, 'G'):
                    record_bad('glob_bad', g)
                elif g.n < last_g:
                    record_bad('glob_backwards', g)
                else:
                    last_g = g.n
                    ok += 1
            k = read_len(seq)
            if k == 3 or k == -1:
                ok += 1
            else:
                record_bad('len_bad', k)
            try:
                p = read_pi()
            except AttributeError:
                missing += 1
                p = None
            if p is not None:
                if not legal(p, 'pi'):
                    record_bad('pi_bad', p)
                elif p.n < last_pi:
                    record_bad('pi_backwards', p)
                else:
                    last_pi = p.n
                    ok += 1
        add('glob_reads', reads)
        add('glob_ok', ok)
        add('glob_missing', missing)
        ctl.reader_done()
        ctl.final.wait()
        g = read_G()
        p = read_pi()
        k = read_len(seq)
        add('glob_final_ok', int(legal(g, 'G') and g.n == final) + int(legal(p, 'pi') and p.n == final) + int(k == -1))

    def writer():
        global G
        gl = globals()
        n = 0
        barrier.wait()
        while not ctl.stop.is_set() or n < 200:
            n += 1
            G = val('G', 1, n)
            helper.pi = val('pi', 1, n)
            if n % 3 == 0:
                gl['len'] = shadow_len
            elif n % 3 == 1 and 'len' in gl:
                del gl['len']
            if n % 17 == 0:
                del G
                del helper.pi
                for f in range(12):   # grow (and compact) the tables in between
                    gl['_filler_%d_%d' % (n, f)] = f
                    setattr(helper, 'f_%d_%d' % (n, f), f)
                for f in range(12):
                    del gl['_filler_%d_%d' % (n, f)]
                G = val('G', 1, n)
                helper.pi = val('pi', 1, n)
        add('glob_writer_rounds', n)
        del G
        G = val('G', 1, final)
        helper.pi = val('pi', 1, final)
        gl['len'] = shadow_len
        ctl.final.set()

    run_threads([(reader, (r,)) for r in range(readers)] + [(writer, ())])
    del globals()['len']
    add('glob_expected_reads', readers * ITERS * 4 * 3)
    add('glob_expected_final', readers * 3)


# ---- handshakes (deterministic; the controls) ---------------------------------


def handshake(name, warm, change, check):
    """A reader thread warms its sites, the writer thread changes the state, the reader checks."""
    warmed = threading.Event()
    changed = threading.Event()

    def reader():
        warm()
        warmed.set()
        changed.wait()
        if check():
            add(name + '_ok', 1)
        else:
            add(name + '_stale', 1)

    def writer():
        warmed.wait()
        change()
        changed.set()

    run_threads([(reader, ()), (writer, ())])


def hs_read_len(s):
    return len(s)


def hs_read_mod(m):
    return m.target


def hs_read_x(o):
    return o.x


def hs_call(o):
    return o.m()


def handshakes():
    gl = globals()
    for r in range(ROUNDS):
        # LOAD_GLOBAL_BUILTIN: `len` shadowed by a global (the globals' keys version changes).
        seq = (1, 2, 3)
        handshake('hs_builtin',
                  lambda: [hs_read_len(seq) for _ in range(WARM)],
                  lambda: gl.__setitem__('len', shadow_len),
                  lambda: hs_read_len(seq) == -1)
        del gl['len']

        # LOAD_GLOBAL_MODULE: H deleted, the table grown (a resize compacts it: H_next, the entry after
        # H's, moves to H's index), H re-added at a new index. The globals are a namespace of their own,
        # so that no other entry (no deleted one) moves.
        ns = {}
        exec('def hs_read_H():\n    return H\n', ns)
        ns['H'] = val('H', 0, r)
        ns['H_next'] = val('H_next', 0, r)

        def change_H(ns=ns, r=r):
            del ns['H']
            for f in range(40):
                ns['_hs_%d' % f] = f
            ns['H'] = val('H', 1, r)
        read_H = ns['hs_read_H']
        handshake('hs_global',
                  lambda: [read_H() for _ in range(WARM)],
                  change_H,
                  lambda: legal(read_H(), 'H') and read_H().w == 1)
        ns.clear()

        # LOAD_ATTR_MODULE: the same on a module object's dict.
        mod = types.ModuleType('hs_mod_%d' % r)
        mod.target = val('target', 0, r)
        mod.after = val('after', 0, r)

        def change_mod(mod=mod, r=r):
            del mod.target
            for f in range(40):
                setattr(mod, 'f%d' % f, f)
            mod.target = val('target', 1, r)
        handshake('hs_module',
                  lambda: [hs_read_mod(mod) for _ in range(WARM)],
                  change_mod,
                  lambda: legal(hs_read_mod(mod), 'target') and hs_read_mod(mod).w == 1)

        # LOAD_ATTR_METHOD_WITH_VALUES: an instance gets its own `m` (the shared keys' version changes).
        K = type('K%d' % r, (), {'m': lambda self: 'class'})
        ko = [K() for _ in range(2)]
        for o in ko:
            o.a = 1

        def set_inst(o=ko[0]):
            o.m = lambda: 'inst'
        handshake('hs_method',
                  lambda: [hs_call(o) for _ in range(WARM) for o in ko],
                  set_inst,
                  lambda: hs_call(ko[0]) == 'inst' and hs_call(ko[1]) == 'class')

        # LOAD_ATTR_INSTANCE_VALUE: the instance's __dict__ becomes a split dict over another class's keys.
        co = C(0, r)
        qo = Q(1, r)

        def swap(co=co, qo=qo):
            co.__dict__ = qo.__dict__
        # Three reads after the change: the first (the dict not yet shared with the reader) falls back and shares it.
        handshake('hs_instance',
                  lambda: [hs_read_x(co) for _ in range(WARM)],
                  swap,
                  lambda: all(legal(hs_read_x(co), 'x') for _ in range(3)))
    add('hs_rounds', ROUNDS)


# ---- main ---------------------------------------------------------------------------

if MODE == 'full':
    phase_instances()
    phase_methods()
    phase_globals()
handshakes()

if MODE == 'full':
    # The last stored values still reachable are G's and pi's: without them every V must die.
    del G
    del helper.pi
    gc.collect()
    gc.collect()
    add('values_made', _len(refs))
    add('values_dead', sum(1 for r in refs if r() is None))

examples = out.pop('_examples', [])
for k in sorted(out):
    print(k, out[k])
for e in examples:
    print('example', e)
