# asyncio basics: the order in which tasks and callbacks run (sleep(0), short
# sleeps, call_soon/call_later/call_at), create_task and await, gather (values,
# exceptions, return_exceptions), Future's API and errors, task names,
# current_task/all_tasks, and asyncio.run()'s errors.
import asyncio


def show_error(label, e):
    print(' ', label, '->', type(e).__name__, e)


print('--- interleaving with sleep(0)')
async def ticker(name, n, log):
    for i in range(n):
        log.append(f'{name}{i}')
        print('  tick', name, i)
        await asyncio.sleep(0)
    return f'{name} done'

async def interleave():
    log = []
    a = asyncio.create_task(ticker('a', 3, log))
    b = asyncio.create_task(ticker('b', 2, log))
    print('  tasks created, nothing ran yet:', log)
    await asyncio.sleep(0)
    print('  after one sleep(0):', log)
    print('  awaited a:', await a)
    print('  b done?', b.done(), 'result', b.result())
    print('  log', log)

asyncio.run(interleave())

print('--- short sleeps order by deadline')
async def sleeper(name, delay, log):
    log.append(f'start {name}')
    await asyncio.sleep(delay)
    log.append(f'end {name}')
    return delay

async def sleeps():
    log = []
    tasks = [asyncio.create_task(sleeper(n, d, log)) for n, d in [('slow', 0.06), ('fast', 0.01), ('mid', 0.03)]]
    for t in tasks:
        await t
    print(' ', log)
    print('  sleep result argument:', await asyncio.sleep(0, result='r0'), await asyncio.sleep(0.001, result='r1'))

asyncio.run(sleeps())

print('--- call_soon / call_later / call_at ordering')
async def callbacks():
    loop = asyncio.get_running_loop()
    log = []
    loop.call_later(0.05, log.append, 'later 0.05')
    loop.call_later(0.03, log.append, 'later 0.03')
    loop.call_at(loop.time() + 0.04, log.append, 'at +0.04')
    loop.call_soon(log.append, 'soon 1')
    h = loop.call_soon(log.append, 'soon cancelled')
    loop.call_soon(log.append, 'soon 2')
    h.cancel()
    print('  handle cancelled:', h.cancelled())
    t = loop.call_later(0.005, log.append, 'timer cancelled')
    t.cancel()
    th = loop.call_later(10, log.append, 'never')
    print('  when() is loop time + delay:', abs(th.when() - loop.time() - 10) < 1)
    th.cancel()
    def chain(n):
        log.append(f'chain {n}')
        if n < 3:
            loop.call_soon(chain, n + 1)
    loop.call_soon(chain, 1)
    loop.call_soon(log.append, 'soon 3')
    await asyncio.sleep(0)
    print('  after sleep(0):', log)
    await asyncio.sleep(0.07)
    print('  after 0.07 s:', log)

asyncio.run(callbacks())

print('--- a task starts at the next loop iteration, FIFO with callbacks')
async def order():
    loop = asyncio.get_running_loop()
    log = []
    async def job(n):
        log.append(f'job {n} step 1')
        await asyncio.sleep(0)
        log.append(f'job {n} step 2')
    loop.call_soon(log.append, 'callback before')
    t1 = asyncio.create_task(job(1))
    loop.call_soon(log.append, 'callback between')
    t2 = asyncio.create_task(job(2))
    loop.call_soon(log.append, 'callback after')
    await t1
    await t2
    for line in log:
        print(' ', line)

asyncio.run(order())

print('--- done callbacks run soon, in order added, after the result is set')
async def done_callbacks():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    fut.add_done_callback(lambda f: print('  cb1 sees', f.result()))
    fut.add_done_callback(lambda f: print('  cb2 sees', f.result()))
    def removed(f):
        print('  never')
    fut.add_done_callback(removed)
    fut.add_done_callback(removed)
    print('  removed count', fut.remove_done_callback(removed))
    loop.call_soon(print, '  call_soon queued before set_result')
    fut.set_result(42)
    print('  set_result returned; callbacks not run yet')
    await asyncio.sleep(0)
    fut.add_done_callback(lambda f: print('  late callback also scheduled with call_soon'))
    print('  added late callback')
    await asyncio.sleep(0)

asyncio.run(done_callbacks())

print('--- Future API and its errors')
async def future_api():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    print(' ', repr(f), f.done(), f.cancelled(), f.get_loop() is loop)
    for name in ('result', 'exception'):
        try:
            getattr(f, name)()
        except asyncio.InvalidStateError as e:
            show_error(name, e)
    f.set_result([1, 2, 3])
    print(' ', repr(f), f.result(), f.exception())
    try:
        f.set_result(0)
    except asyncio.InvalidStateError as e:
        show_error('set_result again', e)
    try:
        f.set_exception(ValueError('x'))
    except asyncio.InvalidStateError as e:
        show_error('set_exception after result', e)
    print('  cancel a done future:', f.cancel())

    g = loop.create_future()
    g.set_exception(KeyError)
    print(' ', repr(g), type(g.exception()).__name__)
    try:
        g.result()
    except KeyError as e:
        show_error('result of failed future', e)
    h = loop.create_future()
    h.set_exception(StopIteration(7))
    print(' ', repr(h), 'cause', repr(h.exception().__cause__))
    bad = loop.create_future()
    try:
        bad.set_exception(1)
    except TypeError as e:
        show_error('set_exception(1)', e)
    c = loop.create_future()
    print('  cancel:', c.cancel('stop it'), c.cancel(), repr(c), c.cancelled(), c.done())
    try:
        c.result()
    except asyncio.CancelledError as e:
        show_error('result of cancelled', e)
    try:
        c.exception()
    except asyncio.CancelledError as e:
        show_error('exception of cancelled', e)

    later = loop.create_future()
    loop.call_later(0.01, later.set_result, 'from a timer')
    print('  awaited future:', await later)
    print('  isfuture:', asyncio.isfuture(later), asyncio.isfuture(1), asyncio.isfuture(asyncio.current_task()))
    print('  CancelledError is BaseException only:', issubclass(asyncio.CancelledError, BaseException),
          issubclass(asyncio.CancelledError, Exception))
    print('  TimeoutError is builtin:', asyncio.TimeoutError is TimeoutError)

asyncio.run(future_api())

print('--- create_task, names, current_task, all_tasks')
async def child(x):
    await asyncio.sleep(0)
    return x * 10

async def names():
    me = asyncio.current_task()
    print('  main is a Task:', isinstance(me, asyncio.Task), me.get_name().startswith('Task-'))
    t = asyncio.create_task(child(4), name='worker')
    print('  name', t.get_name())
    t.set_name(99)
    print('  renamed', repr(t.get_name()))
    u = asyncio.create_task(child(5))
    print('  default names count up:', int(u.get_name()[5:]) > int(me.get_name()[5:]))
    print('  get_coro is the coroutine:', asyncio.iscoroutine(t.get_coro()), t.get_coro().__name__)
    print('  all_tasks has 3:', len(asyncio.all_tasks()), me in asyncio.all_tasks())
    print('  results', await t, await u)
    print('  all_tasks after:', asyncio.all_tasks() == {me})
    try:
        t.set_result(1)
    except RuntimeError as e:
        show_error('Task.set_result', e)
    try:
        t.set_exception(ValueError())
    except RuntimeError as e:
        show_error('Task.set_exception', e)
    try:
        asyncio.Task(42)
    except TypeError as e:
        show_error('Task(42)', e)
    coro = child(1)
    t2 = asyncio.ensure_future(coro)
    print('  ensure_future(coro) is a Task:', isinstance(t2, asyncio.Task), await t2)
    print('  ensure_future(task) is the task:', asyncio.ensure_future(t2) is t2)
    try:
        asyncio.ensure_future(3)
    except TypeError as e:
        show_error('ensure_future(3)', e)
    print('  iscoroutinefunction', asyncio.iscoroutinefunction(child), asyncio.iscoroutinefunction(show_error),
          asyncio.iscoroutine(coro), asyncio.iscoroutine(child))
    return 'names done'

print(' ', asyncio.run(names()))

print('--- gather')
async def value(x, delay=0):
    await asyncio.sleep(delay)
    return x

async def fail(msg, delay=0):
    await asyncio.sleep(delay)
    raise ValueError(msg)

async def gathering():
    print('  in argument order:', await asyncio.gather(value('a', 0.02), value('b'), value('c', 0.01)))
    print('  empty:', await asyncio.gather())
    t = asyncio.create_task(value('shared'))
    print('  same task twice:', await asyncio.gather(t, t, value('x')))
    try:
        await asyncio.gather(value(1), fail('boom'), fail('late', 0.01))
    except ValueError as e:
        show_error('first exception propagates', e)
    print('  return_exceptions:', [
        f'{type(r).__name__}:{r}' for r in await asyncio.gather(value(1), fail('bad'), value(3), return_exceptions=True)])
    slow = asyncio.create_task(value('slow', 0.01))
    try:
        await asyncio.gather(fail('quick'), slow)
    except ValueError as e:
        show_error('other children keep running', e)
    print('  slow still running:', not slow.done(), 'then', await slow)

    async def long():
        await asyncio.sleep(1)
    g = asyncio.gather(long(), long())
    await asyncio.sleep(0)
    print('  cancel the gather:', g.cancel())
    try:
        await g
    except asyncio.CancelledError:
        print('  gather raised CancelledError; cancelled:', g.cancelled())
    c1 = asyncio.create_task(value(1, 1))
    c2 = asyncio.create_task(value(2))
    g2 = asyncio.gather(c1, c2, return_exceptions=True)
    await asyncio.sleep(0)
    c1.cancel('child msg')
    res = await g2
    print('  cancelled child as a result:', type(res[0]).__name__, res[0], res[1])

asyncio.run(gathering())

print('--- exceptions out of tasks')
async def exceptions_from_tasks():
    t = asyncio.create_task(fail('inside task'))
    try:
        await t
    except ValueError as e:
        show_error('await failed task', e)
    print('  done', t.done(), 'cancelled', t.cancelled(), 'exception', repr(t.exception()))

    async def returns_after_catching():
        try:
            await fail('caught')
        except ValueError as e:
            return f'recovered from {e}'
    print(' ', await asyncio.create_task(returns_after_catching()))

    async def awaits_itself():
        await asyncio.sleep(0)
        await me
    me = asyncio.create_task(awaits_itself())
    try:
        await me
    except RuntimeError as e:
        print('  awaiting itself: RuntimeError', str(e).split(':')[0])

asyncio.run(exceptions_from_tasks())

print('--- run() and the running loop')
try:
    asyncio.get_running_loop()
except RuntimeError as e:
    show_error('get_running_loop outside', e)

async def nested_run():
    inner = value(1)
    try:
        asyncio.run(inner)
    except RuntimeError as e:
        show_error('run inside run', e)
    inner.close()
    loop = asyncio.get_running_loop()
    print('  get_event_loop in a coroutine is the running loop:', asyncio.get_event_loop() is loop, loop.is_running())
    other = value(2)
    try:
        loop.run_until_complete(other)
    except RuntimeError as e:
        show_error('run_until_complete while running', e)
    other.close()
    return loop

loop = asyncio.run(nested_run())
print('  after run: running', loop.is_running(), 'closed', loop.is_closed())
try:
    loop.call_soon(print)
except RuntimeError as e:
    show_error('call_soon on closed loop', e)
try:
    asyncio.run(42)
except ValueError as e:
    show_error('run(42)', e)
try:
    asyncio.get_event_loop()
except RuntimeError as e:
    show_error('get_event_loop after run', e)
print('  run returns the value:', asyncio.run(value('v')))

print('--- leftover tasks are cancelled when run() ends')
async def leftover_job():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print('  leftover got CancelledError')
        raise

async def leaves_a_task():
    asyncio.create_task(leftover_job())
    await asyncio.sleep(0)
    print('  main returns')
    return 'main result'

print(' ', asyncio.run(leaves_a_task()))

print('--- new_event_loop / run_until_complete / run_forever / stop')
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
print('  get_event_loop is it:', asyncio.get_event_loop() is loop, 'running', loop.is_running())
print('  run_until_complete:', loop.run_until_complete(value('ruc', 0.01)))
fut = loop.create_future()
loop.call_soon(fut.set_result, 'set by callback')
print('  run_until_complete(future):', loop.run_until_complete(fut))
steps = []
def step(n):
    steps.append(n)
    if n == 3:
        loop.stop()
    else:
        loop.call_soon(step, n + 1)
loop.call_soon(step, 1)
loop.run_forever()
print('  run_forever ran until stop():', steps)
loop.call_soon(loop.stop)
try:
    loop.run_until_complete(loop.create_future())
except RuntimeError as e:
    show_error('stopped early', e)
loop.close()
print('  closed', loop.is_closed(), 'close twice is fine:', loop.close())
try:
    loop.run_forever()
except RuntimeError as e:
    show_error('run closed loop', e)
asyncio.set_event_loop(None)
