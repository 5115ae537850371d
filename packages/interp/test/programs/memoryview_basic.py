# memoryview: attributes, indexing, slicing, assignment, cast, release, errors.


def attempt(label, fn):
    try:
        print(label, fn())
    except Exception as e:
        print(label, type(e).__name__, e)


def describe(m):
    return (m.nbytes, m.readonly, m.itemsize, m.format, m.ndim, m.shape, m.strides,
            m.suboffsets, m.c_contiguous, m.f_contiguous, m.contiguous)


b = b'abcdefgh'
m = memoryview(b)
print(type(m).__name__, m.obj is b, len(m), describe(m))
print(m[0], m[-1], m[7], m[-8], m[1:4].tobytes(), m[::2].tobytes(), m[::-1].tobytes(), m[5:2].tobytes())
print(describe(m[::2]), describe(m[::-3]), describe(m[2:3]), describe(m[3:3]))
print(m[::2][1:].tobytes(), m[::-1][::2].tobytes(), m[1::3].tolist(), m.tolist()[:3])
print(bytes(m), bytes(m[::2]), bytearray(m[1:3]), bytearray(m[::-2]), list(m[:3]), [x for x in m[6:]])
print(repr(m).startswith('<memory at 0x'), str(m) == repr(m), type(iter(m)).__name__)
print(m.hex(), m.hex(':'), m.hex('-', 3), m.hex(b'|', -3), m[::2].hex(), memoryview(b'').hex())
print(m == b, m == b'abcdefgh', m != b'abc', m == bytearray(b), m[::2] == b'aceg', m == m, m == memoryview(b), m == 'abcdefgh', m == [97])
print(hash(m) == hash(b), hash(m[::2]) == hash(b'aceg'), hash(memoryview(b'')) == hash(b''))
print(98 in m, 200 in m, sorted(m[:3], reverse=True), max(m), sum(m[:2]), list(reversed(m[:3])))
print(m.obj is m[1:].obj, memoryview(m).obj is b, m.toreadonly().readonly, m.toreadonly().tobytes())

# writable views over a bytearray
ba = bytearray(b'hello world')
w = memoryview(ba)
print(w.readonly, w.obj is ba, describe(w))
w[0] = 72
w[-1] = ord('D')
w[6:11] = b'WORLD'
print(ba)
w[0:5] = bytearray(b'HOWDY')
w[::2] = b'******'
print(ba)
w[1:4] = w[7:10]
print(ba)
w[::-1] = b'abcdefghijk'
print(ba, w[2:5] == b'ihg')
w[3:3] = b''
print(ba)
attempt('del item', lambda: w.__delitem__(0))
attempt('value range', lambda: w.__setitem__(0, 256))
attempt('value negative', lambda: w.__setitem__(0, -1))
attempt('value type', lambda: w.__setitem__(0, 'a'))
attempt('value float', lambda: w.__setitem__(0, 1.5))
attempt('index range', lambda: w.__setitem__(11, 1))
attempt('index range neg', lambda: w.__setitem__(-12, 1))
attempt('slice size', lambda: w.__setitem__(slice(0, 3), b'ab'))
attempt('slice step size', lambda: w.__setitem__(slice(0, 6, 2), b'abcd'))
attempt('slice not buffer', lambda: w.__setitem__(slice(0, 2), [1, 2]))
attempt('slice int', lambda: w.__setitem__(slice(0, 2), 5))
attempt('slice format', lambda: w.__setitem__(slice(0, 4), memoryview(b'abcd').cast('I')))
attempt('bad key', lambda: w.__setitem__('x', 1))
attempt('readonly', lambda: m.__setitem__(0, 1))
attempt('readonly slice', lambda: m.__setitem__(slice(0, 1), b'x'))
attempt('hash writable', lambda: hash(w))
attempt('hash unhashable obj', lambda: hash(w.toreadonly()))

# exports: a bytearray with a live view cannot change size
ba2 = bytearray(b'12345')
v = memoryview(ba2)
attempt('append', lambda: ba2.append(54))
attempt('extend', lambda: ba2.extend(b'67'))
attempt('pop', lambda: ba2.pop())
attempt('del slice', lambda: ba2.__delitem__(slice(0, 2)))
attempt('iadd', lambda: ba2.__iadd__(b'x'))
attempt('clear', lambda: ba2.clear())
ba2[0] = 48
ba2[1:3] = b'ab'
print(ba2, v.tobytes())
v2 = v[1:]
v.release()
attempt('still exported by slice', lambda: ba2.append(1))
v2.release()
ba2.append(54)
print(ba2)
v.release()
print(repr(v).startswith('<released memory at 0x'))
for name in ('tobytes', 'tolist', 'hex', 'toreadonly', '__enter__'):
    attempt(name, getattr(v, name))
for name in ('obj', 'nbytes', 'readonly', 'itemsize', 'format', 'ndim', 'shape', 'strides', 'c_contiguous', 'contiguous'):
    attempt(name, lambda: getattr(v, name))
attempt('len', lambda: len(v))
attempt('item', lambda: v[0])
attempt('slice', lambda: v[1:])
attempt('setitem', lambda: v.__setitem__(0, 1))
attempt('cast', lambda: v.cast('B'))
attempt('memoryview of released', lambda: memoryview(v))
attempt('bytes of released', lambda: bytes(v))
attempt('hash released', lambda: hash(v))
print(v == v, v == b'12345', v != v)
with memoryview(bytearray(b'ctx')) as cm:
    print(cm.tobytes(), cm.readonly)
attempt('after with', lambda: cm[0])
ba3 = bytearray(b'xyz')
with memoryview(ba3) as cm2:
    attempt('inside with', lambda: ba3.append(1))
ba3.append(33)
print(ba3)

# a view made from another keeps the exporter after the other's release
base = memoryview(b'abc')
inner = memoryview(base)
base.release()
print(inner.tobytes(), inner.obj)

# cast
raw = bytearray(range(16))
r = memoryview(raw)
for fmt in ('B', 'b', 'c', 'H', 'h', 'I', 'i', 'L', 'l', 'Q', 'q', 'f', 'd', '?', '@B', '@i', 'n', 'N', 'P'):
    c = r.cast(fmt)
    print(fmt, c.format, c.itemsize, len(c), c.nbytes, c.shape, c.strides, c.tolist()[:3])
ints = r.cast('i')
ints[0] = -5
ints[1] = 2 ** 31 - 1
print(ints.tolist(), raw[:8].hex(), ints[-1], ints[::2].tolist())
attempt('int range', lambda: ints.__setitem__(0, 2 ** 31))
attempt('int type', lambda: ints.__setitem__(0, 'x'))
uns = r.cast('H')
uns[0] = 65535
print(uns[0], raw[:2], uns.tolist()[:2])
attempt('H range', lambda: uns.__setitem__(0, -1))
q = r.cast('Q')
q[0] = 2 ** 64 - 1
print(q[0], q.tolist(), r.cast('q')[0])
attempt('Q range', lambda: q.__setitem__(0, 2 ** 64))
fl = r.cast('d')
fl[0] = 1.5
fl[1] = 3
print(fl.tolist(), fl[0] == 1.5)
attempt('d type', lambda: fl.__setitem__(0, 'x'))
f32 = r.cast('f')
f32[0] = 0.1
print(f32[0], f32[0] == 0.1, round(f32[0], 6))
bl = r.cast('?')
bl[0] = []
bl[1] = 'x'
print(bl[0], bl[1], bl[:3].tolist())
cc = r.cast('c')
cc[0] = b'Z'
print(cc[0], cc[:3].tolist())
attempt('c type', lambda: cc.__setitem__(0, 90))
attempt('c value', lambda: cc.__setitem__(0, b'ab'))
bb = r.cast('b')
bb[0] = -128
print(bb[0], r[0])
attempt('b range', lambda: bb.__setitem__(0, 128))
back = ints.cast('B')
print(back.format, len(back), back.tolist() == list(raw))
print(r.cast('B', [16]).shape, r.cast('i', (4,)).shape, r.cast('B', shape=(16,)).ndim)
zero = memoryview(b'\x07').cast('B', [])
print(zero.ndim, zero.shape, zero.strides, zero.tolist(), zero[()], zero[...] is zero, zero.tobytes())
attempt('0-dim len', lambda: len(zero))
attempt('0-dim index', lambda: zero[0])
attempt('0-dim iter', lambda: iter(zero))
print(zero.cast('B').tolist(), zero == memoryview(b'\x07').cast('B', []), memoryview(b'\x01\x00\x00\x00').cast('i', []).tolist())
attempt('cast two non-byte', lambda: ints.cast('H'))
attempt('cast bad format', lambda: r.cast('x'))
attempt('cast long format', lambda: r.cast('BB'))
attempt('cast not multiple', lambda: memoryview(b'abc').cast('H'))
attempt('cast non contiguous', lambda: r[::2].cast('B'))
attempt('cast format type', lambda: r.cast(1))
attempt('cast shape type', lambda: r.cast('B', 16))
attempt('cast shape product', lambda: r.cast('B', [15]))
attempt('cast shape elements', lambda: r.cast('B', ['a']))
attempt('cast shape zero', lambda: r.cast('B', [0]))
attempt('cast empty', lambda: memoryview(b'').cast('B', [0]))
attempt('cast missing', lambda: r.cast())
attempt('hash format', lambda: hash(memoryview(b'abcd').cast('i')))
print(hash(memoryview(b'abcd').cast('c')) == hash(b'abcd'), hash(memoryview(b'ab').cast('b')) == hash(b'ab'))

# comparisons across formats
print(memoryview(b'\x01\x02').cast('b') == memoryview(b'\x01\x02'), memoryview(b'a').cast('c') == b'a')
print(memoryview(b'\x00' * 8).cast('d') == memoryview(b'\x00' * 8).cast('q'), memoryview(b'\x01\x00').cast('?') == [True, False])
nan = memoryview(bytearray(8)).cast('d')
nan[0] = float('nan')
print(nan == nan, nan.tolist()[0] != nan.tolist()[0])
attempt('lt', lambda: m < m)

# errors
attempt('ctor int', lambda: memoryview(5))
attempt('ctor str', lambda: memoryview('abc'))
attempt('ctor none', lambda: memoryview())
attempt('ctor kw', lambda: memoryview(object=b'ab').tobytes())
attempt('ctor kw bad', lambda: memoryview(obj=b'ab'))
attempt('index', lambda: m[8])
attempt('index neg', lambda: m[-9])
attempt('index str', lambda: m['a'])
attempt('index float', lambda: m[1.0])
attempt('index tuple', lambda: m[1, 2])
attempt('index tuple1', lambda: m[(1,)])
attempt('index empty tuple', lambda: m[()])
attempt('multi slice', lambda: m[0:1, 0:1])
attempt('slice step 0', lambda: m[::0])
attempt('big index', lambda: m[2 ** 100])
attempt('tobytes order', lambda: m.tobytes('X'))
print(m.tobytes('C'), m.tobytes(order='F'), m.tobytes(None), m.tobytes('A'))
attempt('hex sep', lambda: m.hex('ab'))
attempt('hex sep type', lambda: m.hex(1))
attempt('bytes join', lambda: b'-'.join([m[:2], memoryview(b'zz')]))
attempt('join strided', lambda: b'-'.join([m[::2]]))
attempt('from_bytes', lambda: int.from_bytes(memoryview(b'\x01\x02'), 'big'))
attempt('from_bytes strided', lambda: int.from_bytes(m[::4], 'little'))
attempt('concat', lambda: b'x' + memoryview(b'yz'))
attempt('bytearray concat', lambda: bytearray(b'x') + memoryview(b'yz'))
attempt('bytes find', lambda: b'abcabc'.find(memoryview(b'ca')))
attempt('bytes startswith', lambda: b'abc'.startswith(memoryview(b'ab')))
attempt('bytes in', lambda: memoryview(b'bc') in b'abcd')
attempt('decode', lambda: str(memoryview(b'h\xc3\xa9'), 'utf-8'))
attempt('bytearray extend', lambda: bytearray(b'a') + bytearray(memoryview(b'bc')))
attempt('iadd', lambda: m.__iadd__(b'x'))
attempt('percent', lambda: b'%b|%s' % (m[:2], m[6:]))
attempt('maketrans', lambda: bytes.maketrans(m[:2], b'xy'))
attempt('translate delete', lambda: b'abcabc'.translate(None, m[:2]))
attempt('count split replace', lambda: (b'abab'.count(m[:2]), b'xaby'.split(m[:2]), b'xaby'.replace(m[:2], b'-')))
attempt('dict key', lambda: {b'ab': 1}[memoryview(b'ab')])
attempt('str strided', lambda: str(m[::2], 'ascii'))
attempt('bytes strided', lambda: bytes(memoryview(b'abcdef')[::2]))
ba4 = bytearray(b'abcdef')
attempt('bytearray slice from strided', lambda: ba4.__setitem__(slice(0, 3), memoryview(bytearray(b'xyzuvw'))[::2]))
print(ba4)
ba4 += memoryview(b'!?')
ba4.extend(memoryview(b'.'))
print(ba4)
attempt('subclass', lambda: type('M', (memoryview,), {}))
attempt('setattr', lambda: setattr(m, 'x', 1))
attempt('set readonly attr', lambda: setattr(m, 'readonly', False))
print(memoryview.__name__, memoryview.__module__ if hasattr(memoryview, '__module__') else None, callable(memoryview.cast))

# weak references
import weakref
wv = memoryview(b'weak')
ref = weakref.ref(wv)
print(ref() is wv, ref().tobytes())
del wv
print(ref())
