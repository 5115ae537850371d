# bytes and bytearray.
b = b'hello world'
print(b, len(b), b[0], b[-1], b[1:4], b[::-1], b[::2], list(b[:3]))
print(b.upper(), b.split(), b.replace(b'o', b'0'), b.find(b'wor'), b.count(b'l'), b.startswith(b'he'))
print(b.hex(), b.hex(':'), bytes.fromhex('de ad be ef'), b'\x00\xff'.hex(), b'ab'.hex('-', 1))
print(bytes(3), bytes([65, 66, 67]), bytes(range(5)), bytes('é', 'utf-8'), b'abc' + b'def', b'ab' * 3)
print(b'abc'.decode(), b'\xc3\xa9'.decode('utf-8'), b'\xe9'.decode('latin-1'), b'\xff'.decode('utf-8', 'replace'))
print(b'\xff'.decode('utf-8', 'ignore'), b'a\xffb'.decode('ascii', 'backslashreplace'))
print(repr(b'\n\t\\\'"'), repr(b"'"), repr(b'\x7f\x80'), b'abc' == b'abc', b'a' < b'b', 97 in b'abc', b'bc' in b'abc')
print(b'-'.join([b'a', b'b']), b' x '.strip(), b'a,b'.split(b','), b'abc'.center(7, b'*'), b'12'.zfill(4))
print(b'abc'.isalpha(), b'123'.isdigit(), b'Ab'.islower(), b'  '.isspace(), b'Hello World'.title(), b'x'.isascii())
print(b'%s=%d %x %r' % (b'k', 5, 255, b'v'), b'%5s|%-5s|' % (b'r', b'l'), b'%c' % 65)
ba = bytearray(b'abc')
ba.append(100)
ba.extend(b'ef')
ba[0] = 65
ba[1:3] = b'XYZ'
print(ba, len(ba), ba.pop(), ba, bytes(ba))
del ba[0]
ba.insert(0, 122)
ba.reverse()
print(ba, ba.index(b'X'), ba.remove(88), ba)
ba += b'!!'
ba *= 2
print(ba, ba.count(b'!'), bytearray(4), bytearray(b'x') == b'x', type(ba[0]).__name__)
print(ba.decode(), bytearray.fromhex('41 42'), ba.upper(), ba.find(b'Z'))
m = memoryview(b'abcdef')
print(m[1], bytes(m[1:3]), m.tobytes(), len(m), m.readonly, list(m[:2]))
mba = memoryview(bytearray(b'xyz'))
mba[0] = 65
print(mba.tobytes(), mba.obj)
print(b'%b' % b'bin', int.from_bytes(b'\x12\x34', 'big'), (0x1234).to_bytes(2, 'little'))
for i, byte in enumerate(b'ok!'):
    print(i, byte, chr(byte), bytes([byte]))
print(sorted(b'hello'), max(b'abc'), sum(b'\x01\x02\x03'), b''.join(bytes([i]) for i in range(65, 70)))
print(hash(b'abc') == hash(b'abc'), bytes(b'q'), b'a b'.split(b' ', 1), b'x\ny\n'.splitlines())
print(b'abc'.translate(bytes.maketrans(b'abc', b'ABC')), b'aXbXc'.partition(b'X'), b'abc'.removeprefix(b'a'))
try:
    b'abc'[0] = 1
except TypeError as e:
    print('TypeError', e)
try:
    bytes([256])
except ValueError as e:
    print('ValueError', e)
try:
    b'\xff'.decode('utf-8')
except UnicodeDecodeError as e:
    print('UnicodeDecodeError', e)
try:
    'é'.encode('ascii')
except UnicodeEncodeError as e:
    print('UnicodeEncodeError', e)
try:
    b'a' + 'b'
except TypeError as e:
    print('TypeError', e)
