# async with, async for and async comprehensions, driven by hand (no asyncio): the protocol
# methods are called in order, exceptions reach __aexit__, and CPython's error messages.


class Yield:
    """Awaitable that suspends once: yields its value to the driver, returns the reply."""
    def __init__(self, value=None):
        self.value = value

    def __await__(self):
        got = yield self.value
        return got


def run(coro):
    """Send None until the coroutine finishes; print what it yields; return its value."""
    while True:
        try:
            out = coro.send(None)
        except StopIteration as e:
            return e.value
        print('  (driver got', repr(out) + ')')


def check(coro):
    """Run the coroutine; print its result or the exception it raised."""
    try:
        print('  ->', run(coro))
    except Exception as e:
        print('  raised', type(e).__name__ + ':', e)


print('--- async with: order of calls, the value bound by as')
class ACM:
    def __init__(self, name, suppress=False, value=None):
        self.name = name
        self.suppress = suppress
        self.value = value

    async def __aenter__(self):
        print('  enter', self.name)
        await Yield('entering ' + self.name)
        return self.value if self.value is not None else self

    async def __aexit__(self, exc_type, exc, tb):
        print('  exit', self.name, 'exc_type', None if exc_type is None else exc_type.__name__,
              'exc', repr(exc), 'tb is None', tb is None)
        if exc is not None:
            print('  exit args types', type(exc_type).__name__, type(exc).__name__, type(tb).__name__,
                  'exc is instance of exc_type', isinstance(exc, exc_type))
        await Yield('exiting ' + self.name)
        return self.suppress

async def basic():
    async with ACM('a', value='bound-a') as v:
        print('  body, v =', v)
    cm = ACM('b')
    async with cm as v:
        print('  body, v is cm', v is cm)
    async with ACM('c'):
        print('  body without as')
    return 'basic done'

check(basic())

async def nested():
    async with ACM('outer', value=1) as a, ACM('inner', value=2) as b:
        print('  body', a, b)
    async with ACM('x', value='X') as x:
        async with ACM('y', value='Y') as y:
            print('  nested body', x, y)
    return 'nested done'

check(nested())

async def multiple_targets():
    async with ACM('t', value=(1, (2, 3))) as (p, (q, r)):
        print('  unpacked', p, q, r)
    d = {}
    async with ACM('s', value='subscript') as d['k']:
        pass
    return d

check(multiple_targets())

print('--- exceptions and __aexit__')
async def suppressed():
    async with ACM('sup', suppress=True):
        print('  raising ValueError')
        raise ValueError('swallowed')
        print('  not reached')
    return 'after suppressed block'

check(suppressed())

async def not_suppressed():
    async with ACM('nosup', suppress=False):
        raise KeyError('escapes')
    return 'not reached'

check(not_suppressed())

async def truthy_suppress():
    async with ACM('truthy', suppress=[1]):
        raise IndexError('truthy list suppresses')
    async with ACM('falsy', suppress=0):
        raise IndexError('zero does not suppress')

check(truthy_suppress())

async def exit_on_return():
    async with ACM('ret'):
        return 'returned from inside'

check(exit_on_return())

async def exit_on_break():
    out = []
    for i in range(5):
        async with ACM('loop' + str(i)):
            if i == 1:
                continue
            if i == 2:
                break
            out.append(i)
    return out

check(exit_on_break())

class RaisingExit:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *args):
        raise RuntimeError('from __aexit__')

async def exit_raises():
    try:
        async with RaisingExit():
            raise ValueError('original')
    except RuntimeError as e:
        print('  caught', e, '| context', type(e.__context__).__name__, e.__context__)
    return 'exit_raises done'

check(exit_raises())

class RaisingEnter:
    async def __aenter__(self):
        raise LookupError('from __aenter__')

    async def __aexit__(self, *args):
        print('  __aexit__ must not run')

async def enter_raises():
    async with RaisingEnter():
        print('  body must not run')

check(enter_raises())

async def exception_then_handled():
    try:
        async with ACM('h'):
            1 / 0
    except ZeroDivisionError as e:
        return 'handled outside: ' + str(e)

check(exception_then_handled())

print('--- protocol errors')
async def with_int():
    async with 1:
        pass

check(with_int())

class EnterOnly:
    async def __aenter__(self):
        return self

async def with_enter_only():
    async with EnterOnly():
        pass

check(with_enter_only())

class ExitOnly:
    async def __aexit__(self, *a):
        return False

async def with_exit_only():
    async with ExitOnly():
        pass

check(with_exit_only())

class SyncEnter:
    def __aenter__(self):
        return 1

    async def __aexit__(self, *a):
        print('  __aexit__ must not run')

async def with_sync_enter():
    async with SyncEnter():
        print('  body must not run')

check(with_sync_enter())

class SyncExit:
    async def __aenter__(self):
        return 'entered'

    def __aexit__(self, *a):
        return 1

async def with_sync_exit():
    async with SyncExit() as v:
        print('  body ran with', v)

check(with_sync_exit())

async def with_sync_exit_raising():
    async with SyncExit():
        raise ValueError('in body')

check(with_sync_exit_raising())

class SyncCM:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False

async def async_with_sync_cm():
    async with SyncCM():
        pass

check(async_with_sync_cm())

def sync_with_async_cm():
    with ACM('sync'):
        pass

try:
    sync_with_async_cm()
except TypeError as e:
    print('  raised', type(e).__name__ + ':', e)

print('--- async for over __aiter__/__anext__')
class Counter:
    def __init__(self, n, pause=False):
        self.n = n
        self.i = 0
        self.pause = pause

    def __aiter__(self):
        print('  __aiter__')
        return self

    async def __anext__(self):
        if self.i >= self.n:
            print('  __anext__ -> StopAsyncIteration')
            raise StopAsyncIteration
        self.i += 1
        if self.pause:
            await Yield('tick ' + str(self.i))
        return self.i

async def loop_basic():
    out = []
    async for x in Counter(3):
        out.append(x)
    return out

check(loop_basic())

async def loop_pausing():
    out = []
    async for x in Counter(2, pause=True):
        out.append(x * 10)
    return out

check(loop_pausing())

async def loop_else():
    async for x in Counter(2):
        print('  item', x)
    else:
        print('  else ran after exhaustion')
    async for x in Counter(5):
        if x == 2:
            continue
        if x == 4:
            print('  break at', x)
            break
        print('  item', x)
    else:
        print('  else must not run after break')
    async for x in Counter(0):
        print('  never')
    else:
        print('  else ran for empty iterator')
    return 'loop_else done'

check(loop_else())

async def loop_targets():
    class Pairs:
        def __init__(self):
            self.items = [(1, 'a'), (2, 'b')]

        def __aiter__(self):
            return self

        async def __anext__(self):
            if not self.items:
                raise StopAsyncIteration
            return self.items.pop(0)

    out = []
    async for n, s in Pairs():
        out.append(s * n)
    return out

check(loop_targets())

async def loop_nested():
    out = []
    async for a in Counter(2):
        async for b in Counter(2):
            out.append((a, b))
    return out

check(loop_nested())

async def loop_return_inside():
    async for x in Counter(10):
        if x == 3:
            return 'returned at 3'

check(loop_return_inside())

class FailingNext:
    def __init__(self):
        self.i = 0

    def __aiter__(self):
        return self

    async def __anext__(self):
        self.i += 1
        if self.i == 3:
            raise ValueError('anext failed at 3')
        return self.i

async def loop_failing():
    seen = []
    try:
        async for x in FailingNext():
            seen.append(x)
    except ValueError as e:
        print('  caught', e, 'after', seen)
    return seen

check(loop_failing())

class StopWithValue:
    def __aiter__(self):
        return self

    async def __anext__(self):
        raise StopAsyncIteration('with a value')

async def loop_stop_value():
    async for x in StopWithValue():
        print('  never')
    return 'StopAsyncIteration with args ends the loop'

check(loop_stop_value())

class AwaitableNext:
    """__anext__ is a plain method returning an awaitable object (not a coroutine)."""
    def __init__(self):
        self.i = 0

    def __aiter__(self):
        return self

    def __anext__(self):
        self.i += 1
        if self.i > 2:
            raise StopAsyncIteration
        return Yield('plain anext ' + str(self.i))

async def loop_awaitable_next():
    out = []
    async for x in AwaitableNext():
        out.append(x)
    return out

check(loop_awaitable_next())

print('--- async for protocol errors')
async def for_int():
    async for x in 1:
        pass

check(for_int())

async def for_list():
    async for x in [1, 2]:
        pass

check(for_list())

class NoAnext:
    def __aiter__(self):
        return self

async def for_no_anext():
    async for x in NoAnext():
        pass

check(for_no_anext())

class AiterReturnsInt:
    def __aiter__(self):
        return 5

async def for_aiter_int():
    async for x in AiterReturnsInt():
        pass

check(for_aiter_int())

class SyncAnext:
    def __aiter__(self):
        return self

    def __anext__(self):
        return 1

async def for_sync_anext():
    async for x in SyncAnext():
        print('  body must not run')

check(for_sync_anext())

class RaisingAiter:
    def __aiter__(self):
        raise KeyError('from __aiter__')

async def for_raising_aiter():
    async for x in RaisingAiter():
        pass

check(for_raising_aiter())

def sync_for_over_async():
    for x in Counter(1):
        pass

try:
    sync_for_over_async()
except TypeError as e:
    print('  raised', type(e).__name__ + ':', e)

print('--- async comprehensions')
class ARange:
    def __init__(self, n, pause=False):
        self.n = n
        self.pause = pause

    def __aiter__(self):
        return ARangeIter(self.n, self.pause)

class ARangeIter:
    def __init__(self, n, pause):
        self.i = 0
        self.n = n
        self.pause = pause

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.i >= self.n:
            raise StopAsyncIteration
        v = self.i
        self.i += 1
        if self.pause:
            await Yield('comp ' + str(v))
        return v

async def double(x):
    return x * 2

async def comprehensions():
    print('  list', [x async for x in ARange(4)])
    print('  list if', [x async for x in ARange(6) if x % 2])
    print('  set', sorted({x % 3 async for x in ARange(7)}))
    print('  dict', {x: x * x async for x in ARange(4)})
    print('  await in element', [await double(x) async for x in ARange(3)])
    print('  await in condition', [x async for x in ARange(5) if await double(x) > 4])
    print('  await in sync comprehension', [await double(x) for x in range(3)])
    print('  nested async/sync', [(a, b) async for a in ARange(2) for b in range(2)])
    print('  nested sync/async', [(a, b) for a in range(2) async for b in ARange(2)])
    print('  nested async/async', [(a, b) async for a in ARange(2) async for b in ARange(a + 1)])
    print('  pausing', [x async for x in ARange(2, pause=True)])
    print('  dict await value', {k: await double(k) async for k in ARange(3)})
    gen = (x * 3 async for x in ARange(3))
    print('  async genexp type', type(gen).__name__)
    print('  consumed', [y async for y in gen])
    outer = 10
    print('  closure', [x + outer async for x in ARange(2)])
    return 'comprehensions done'

check(comprehensions())

async def comprehension_errors():
    try:
        [x async for x in 1]
    except TypeError as e:
        print('  raised', type(e).__name__ + ':', e)
    try:
        [x async for x in ARange(3) if 1 / (x - 1)]
    except ZeroDivisionError as e:
        print('  raised', type(e).__name__ + ':', e)
    return 'comprehension_errors done'

check(comprehension_errors())

print('--- done')
