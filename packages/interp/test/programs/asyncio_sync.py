# asyncio's queues and locks between tasks (Queue producer/consumer with
# join, LifoQueue, PriorityQueue, shutdown, Lock, Event, Condition,
# Semaphore, BoundedSemaphore, Barrier), and async generators and
# `async with` used with asyncio.
import asyncio


def show_error(label, e):
    print(' ', label, '->', type(e).__name__, e)


print('--- Queue: producer / consumers / join')
async def producer(q, items):
    for item in items:
        await q.put(item)
        print('  put', item, 'qsize', q.qsize())
    print('  producer done')

async def consumer(name, q, seen):
    while True:
        item = await q.get()
        print(' ', name, 'got', item)
        seen.append((name, item))
        await asyncio.sleep(0)
        q.task_done()

async def queue_demo():
    q = asyncio.Queue(maxsize=2)
    print('  empty', q.empty(), 'full', q.full(), 'maxsize', q.maxsize, str(q))
    seen = []
    consumers = [asyncio.create_task(consumer(f'c{i}', q, seen)) for i in range(2)]
    await producer(q, range(5))
    await q.join()
    print('  joined; all items processed:', sorted(item for _, item in seen))
    for c in consumers:
        c.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)
    print('  consumers cancelled:', [c.cancelled() for c in consumers])

asyncio.run(queue_demo())

print('--- Queue: nowait errors, LifoQueue, PriorityQueue')
async def queue_kinds():
    q = asyncio.Queue(1)
    q.put_nowait('a')
    try:
        q.put_nowait('b')
    except asyncio.QueueFull as e:
        show_error('put_nowait on full', e)
    print('  get_nowait', q.get_nowait())
    try:
        q.get_nowait()
    except asyncio.QueueEmpty as e:
        show_error('get_nowait on empty', e)
    q.task_done()
    try:
        q.task_done()
    except ValueError as e:
        show_error('task_done too often', e)
    lifo = asyncio.LifoQueue()
    for i in range(4):
        lifo.put_nowait(i)
    print('  lifo', [lifo.get_nowait() for _ in range(4)])
    pq = asyncio.PriorityQueue()
    for item in [(3, 'c'), (1, 'a'), (4, 'd'), (1, 'a2'), (2, 'b'), (5, 'e'), (0, 'z')]:
        pq.put_nowait(item)
    print('  priority', str(pq))
    print('  priority order', [pq.get_nowait() for _ in range(pq.qsize())])

    # get() waits; a put from another task wakes the first getter first.
    q = asyncio.Queue()
    order = []
    async def getter(n):
        order.append(f'g{n} waits')
        order.append(f'g{n} got {await q.get()}')
    gs = [asyncio.create_task(getter(n)) for n in range(3)]
    await asyncio.sleep(0)
    for x in 'xyz':
        q.put_nowait(x)
    await asyncio.gather(*gs)
    print(' ', order)

    # A bounded put() waits until a get() frees a slot.
    q = asyncio.Queue(1)
    await q.put(1)
    async def late_put():
        await q.put(2)
        return 'put 2 done'
    t = asyncio.create_task(late_put())
    await asyncio.sleep(0)
    print('  putter waiting:', not t.done(), 'full', q.full())
    print('  get', await q.get(), '->', await t, 'then get', await q.get())

    # shutdown (3.13): gets drain then raise; puts raise.
    q = asyncio.Queue()
    q.put_nowait('left')
    q.shutdown()
    try:
        q.put_nowait('more')
    except asyncio.QueueShutDown as e:
        show_error('put after shutdown', e)
    print('  still gets', await q.get())
    try:
        await q.get()
    except asyncio.QueueShutDown as e:
        show_error('get after shutdown, empty', e)

asyncio.run(queue_kinds())

print('--- Lock')
async def locked_section(name, lock, log):
    async with lock:
        log.append(f'{name} in')
        await asyncio.sleep(0.01)
        log.append(f'{name} out')

async def lock_demo():
    lock = asyncio.Lock()
    log = []
    await asyncio.gather(*(locked_section(n, lock, log) for n in 'abc'))
    print(' ', log)
    print('  locked now?', lock.locked())
    await lock.acquire()
    print('  acquired:', lock.locked())
    lock.release()
    try:
        lock.release()
    except RuntimeError as e:
        show_error('release unlocked', e)

    # A cancelled waiter does not get the lock; the next one does.
    await lock.acquire()
    async def waits(name):
        async with lock:
            return name
    w1 = asyncio.create_task(waits('w1'))
    w2 = asyncio.create_task(waits('w2'))
    await asyncio.sleep(0)
    w1.cancel()
    lock.release()
    print('  w2 got it:', await w2, 'w1 cancelled', w1.cancelled())

asyncio.run(lock_demo())

print('--- Event')
async def event_demo():
    ev = asyncio.Event()
    log = []
    async def waiter(n):
        log.append(f'w{n} waiting')
        r = await ev.wait()
        log.append(f'w{n} woke {r}')
    ws = [asyncio.create_task(waiter(n)) for n in range(3)]
    await asyncio.sleep(0)
    print('  is_set', ev.is_set())
    ev.set()
    print('  set; waiters not run yet:', log[-1])
    await asyncio.gather(*ws)
    print(' ', log)
    print('  wait when set returns at once:', await ev.wait())
    ev.clear()
    print('  cleared', ev.is_set())
    try:
        await asyncio.wait_for(ev.wait(), 0.01)
    except TimeoutError:
        print('  waiting on a cleared event timed out')

asyncio.run(event_demo())

print('--- Semaphore and BoundedSemaphore')
async def limited(name, steps, sem, log, state):
    async with sem:
        state['now'] += 1
        state['max'] = max(state['max'], state['now'])
        log.append(f'{name} in')
        for _ in range(steps):
            await asyncio.sleep(0)
        state['now'] -= 1
        log.append(f'{name} out')

async def semaphore_demo():
    sem = asyncio.Semaphore(2)
    log = []
    state = {'now': 0, 'max': 0}
    await asyncio.gather(*(limited(n, steps, sem, log, state) for n, steps in zip('abcde', [1, 3, 1, 2, 1])))
    print('  at most', state['max'], 'at a time')
    print(' ', log)
    print('  locked?', sem.locked())
    s0 = asyncio.Semaphore(0)
    print('  Semaphore(0) locked:', s0.locked())
    s0.release()
    print('  released once; acquire ->', await s0.acquire())
    try:
        asyncio.Semaphore(-1)
    except ValueError as e:
        show_error('Semaphore(-1)', e)
    b = asyncio.BoundedSemaphore(1)
    await b.acquire()
    b.release()
    try:
        b.release()
    except ValueError as e:
        show_error('BoundedSemaphore', e)

asyncio.run(semaphore_demo())

print('--- Condition')
async def condition_demo():
    cond = asyncio.Condition()
    items = []
    log = []
    async def consumer(n):
        async with cond:
            await cond.wait_for(lambda: items)
            log.append(f'c{n} takes {items.pop(0)}')
    cs = [asyncio.create_task(consumer(n)) for n in range(3)]
    await asyncio.sleep(0)
    async with cond:
        items.append('one')
        cond.notify()
    await asyncio.sleep(0.01)
    async with cond:
        items.extend(['two', 'three'])
        cond.notify_all()
    await asyncio.gather(*cs)
    print(' ', log)
    try:
        await cond.wait()
    except RuntimeError as e:
        show_error('wait without the lock', e)
    try:
        cond.notify()
    except RuntimeError as e:
        show_error('notify without the lock', e)

asyncio.run(condition_demo())

print('--- Barrier')
async def barrier_demo():
    barrier = asyncio.Barrier(3)
    log = []
    async def party(n):
        log.append(f'p{n} arrives')
        index = await barrier.wait()
        log.append(f'p{n} passes')
        return index
    indexes = await asyncio.gather(*(party(n) for n in range(3)))
    print('  indexes', sorted(indexes))
    print(' ', log)
    print('  parties', barrier.parties, 'waiting', barrier.n_waiting, 'broken', barrier.broken)
    t = asyncio.create_task(barrier.wait())
    await asyncio.sleep(0)
    await barrier.abort()
    try:
        await t
    except asyncio.BrokenBarrierError as e:
        show_error('aborted while waiting', e)
    try:
        await barrier.wait()
    except asyncio.BrokenBarrierError as e:
        show_error('wait on a broken barrier', e)

asyncio.run(barrier_demo())

print('--- async generators and async with under asyncio')
async def ticks(n, delay):
    try:
        for i in range(n):
            await asyncio.sleep(delay)
            yield i
    finally:
        print('  ticks closed')

class Resource:
    def __init__(self, name):
        self.name = name

    async def __aenter__(self):
        await asyncio.sleep(0)
        print('  open', self.name)
        return self

    async def __aexit__(self, et, e, tb):
        await asyncio.sleep(0)
        print('  close', self.name, 'exc', None if et is None else et.__name__)
        return False

async def agen_demo():
    async with Resource('r1') as r:
        async for i in ticks(3, 0.001):
            print('  tick', i, 'in', r.name)
    print('  comprehension', [i async for i in ticks(4, 0)])
    gen = ticks(10, 0)
    print('  anext', await anext(gen), await anext(gen))
    await gen.aclose()
    try:
        async with Resource('r2'):
            raise KeyError('inside')
    except KeyError as e:
        show_error('error through async with', e)
    async def merged():
        async def feed(name, n):
            async for i in ticks(n, 0):
                yield f'{name}{i}'
        out = []
        async def drain(name, n):
            async for x in feed(name, n):
                out.append(x)
        await asyncio.gather(drain('a', 2), drain('b', 2))
        return out
    print('  two generators interleaved:', await merged())
    try:
        async with asyncio.timeout(0.02):
            async for i in ticks(100, 0.01):
                pass
    except TimeoutError:
        print('  timeout inside async for')

asyncio.run(agen_demo())
