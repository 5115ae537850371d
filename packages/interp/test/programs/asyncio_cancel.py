# asyncio cancellation and everything built on it: Task.cancel (while
# sleeping, before the first step, caught and re-raised, swallowed, with a
# message), cancelling()/uncancel(), wait_for and timeout()/timeout_at()
# raising TimeoutError, shield, wait (FIRST_COMPLETED, FIRST_EXCEPTION,
# ALL_COMPLETED, timeout), as_completed, and TaskGroup success and failure.
import asyncio


def show_error(label, e):
    print(' ', label, '->', type(e).__name__, e)


print('--- cancel a sleeping task')
async def sleepy(log, delay=1):
    log.append('sleepy start')
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError as e:
        log.append(f'sleepy cancelled, args {e.args}')
        raise
    finally:
        log.append('sleepy finally')
    log.append('never here')

async def cancel_sleeping():
    log = []
    t = asyncio.create_task(sleepy(log))
    await asyncio.sleep(0)
    print('  cancel() ->', t.cancel(), 'cancelling', t.cancelling(), 'done', t.done())
    try:
        await t
    except asyncio.CancelledError as e:
        show_error('await cancelled task', e)
    print('  log', log)
    print('  cancelled', t.cancelled(), 'cancel again ->', t.cancel())
    try:
        t.result()
    except asyncio.CancelledError as e:
        show_error('result()', e)

asyncio.run(cancel_sleeping())

print('--- cancel with a message')
async def cancel_message():
    log = []
    t = asyncio.create_task(sleepy(log))
    await asyncio.sleep(0)
    t.cancel('please stop')
    try:
        await t
    except asyncio.CancelledError as e:
        show_error('message reaches the awaiter', e)
    print('  log', log)
    try:
        t.exception()
    except asyncio.CancelledError as e:
        show_error('exception()', e)

asyncio.run(cancel_message())

print('--- cancel before the first step')
async def cancel_early():
    log = []
    t = asyncio.create_task(sleepy(log))
    t.cancel('early')
    try:
        await t
    except asyncio.CancelledError as e:
        show_error('never started', e)
    print('  log is empty:', log, 'cancelled', t.cancelled())

asyncio.run(cancel_early())

print('--- a coroutine that swallows the cancellation goes on')
async def stubborn(log):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log.append('swallowed')
    await asyncio.sleep(0)
    log.append('still running')
    return 'finished anyway'

async def swallow():
    log = []
    t = asyncio.create_task(stubborn(log))
    await asyncio.sleep(0)
    t.cancel()
    print('  result', await t, 'cancelled', t.cancelled(), 'cancelling', t.cancelling())
    print('  log', log)
    print('  uncancel ->', t.uncancel(), 'uncancel at 0 ->', t.uncancel())

asyncio.run(swallow())

print('--- cancelling() counts requests, uncancel() takes one back')
async def counting():
    log = []
    t = asyncio.create_task(stubborn(log))
    await asyncio.sleep(0)
    print('  cancel', t.cancel(), t.cancel(), 'cancelling', t.cancelling())
    print('  uncancel ->', t.uncancel(), 'cancelling', t.cancelling())
    print('  result', await t)

    async def cancels_itself():
        me = asyncio.current_task()
        me.cancel()
        print('  self-cancel pending, cancelling', me.cancelling())
        me.uncancel()
        print('  after uncancel the next await is not interrupted')
        await asyncio.sleep(0)
        return 'ok'
    print(' ', await asyncio.create_task(cancels_itself()))

asyncio.run(counting())

print('--- cancel right when the coroutine returns')
async def quick():
    return 'value lost'

async def cancel_at_return():
    t = asyncio.create_task(quick())
    await asyncio.sleep(0)
    print('  already done:', t.done(), t.result())
    async def ends_after_cancel():
        asyncio.current_task().cancel('late')
        return 'ignored'
    t = asyncio.create_task(ends_after_cancel())
    try:
        await t
    except asyncio.CancelledError as e:
        show_error('returned while cancel pending', e)

asyncio.run(cancel_at_return())

print('--- cancelling a task cancels what it awaits')
async def chain():
    inner_log = []
    inner = asyncio.create_task(sleepy(inner_log))
    async def outer_coro():
        return await inner
    outer = asyncio.create_task(outer_coro())
    await asyncio.sleep(0)
    outer.cancel()
    try:
        await outer
    except asyncio.CancelledError:
        print('  outer cancelled', outer.cancelled(), 'inner cancelled', inner.cancelled())
    print('  inner log', inner_log)

asyncio.run(chain())

print('--- wait_for')
async def slow(x, delay):
    await asyncio.sleep(delay)
    return x

async def waiting_for():
    print('  in time:', await asyncio.wait_for(slow('quick', 0.01), timeout=1))
    print('  no timeout:', await asyncio.wait_for(slow('none', 0), timeout=None))
    try:
        await asyncio.wait_for(slow('late', 1), timeout=0.02)
    except TimeoutError as e:
        show_error('too slow', e)
        print('  caused by', type(e.__cause__).__name__)
    t = asyncio.create_task(slow('task', 1))
    try:
        await asyncio.wait_for(t, 0.01)
    except TimeoutError:
        print('  the task was cancelled by the timeout:', t.cancelled())
    t = asyncio.create_task(slow('zero', 1))
    try:
        await asyncio.wait_for(t, 0)
    except TimeoutError:
        print('  timeout 0 cancels at once:', t.cancelled())
    log = []
    async def cleans_up():
        try:
            await asyncio.sleep(1)
        finally:
            log.append('cleanup ran before wait_for returned')
    try:
        await asyncio.wait_for(cleans_up(), 0.01)
    except TimeoutError:
        print(' ', log)
    try:
        await asyncio.wait_for(fails(), 1)
    except ValueError as e:
        show_error('exception passes through', e)

async def fails():
    await asyncio.sleep(0)
    raise ValueError('inner failure')

asyncio.run(waiting_for())

print('--- timeout() and timeout_at()')
async def timeouts():
    async with asyncio.timeout(1) as cm:
        await asyncio.sleep(0.01)
    print('  in time; expired:', cm.expired())
    try:
        async with asyncio.timeout(0.01) as cm:
            await asyncio.sleep(1)
            print('  never')
    except TimeoutError as e:
        show_error('timeout(0.01)', e)
        print('  expired:', cm.expired(), 'cause', type(e.__cause__).__name__)
    print('  current task not cancelling afterwards:', asyncio.current_task().cancelling())
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout_at(loop.time() + 0.01):
            await asyncio.sleep(1)
    except TimeoutError:
        print('  timeout_at expired')
    async with asyncio.timeout(None) as cm:
        print('  timeout(None) when:', cm.when())
        cm.reschedule(loop.time() + 0.01)
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            print('  the body sees CancelledError')
            raise
    print('  unreachable')

async def run_timeouts():
    try:
        await timeouts()
    except TimeoutError:
        print('  rescheduled timeout fired')
    cm = asyncio.timeout(1)
    try:
        cm.reschedule(None)
    except RuntimeError as e:
        show_error('reschedule before enter', e)
    async with cm:
        pass
    try:
        async with cm:
            pass
    except RuntimeError as e:
        show_error('enter twice', e)
    try:
        cm.reschedule(None)
    except RuntimeError as e:
        show_error('reschedule after exit', e)

    # An outside cancel during a timeout stays a CancelledError.
    async def inner():
        async with asyncio.timeout(1):
            await asyncio.sleep(1)
    t = asyncio.create_task(inner())
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print('  outside cancel is not turned into TimeoutError')

asyncio.run(run_timeouts())

print('--- shield')
async def shielding():
    log = []
    inner = asyncio.create_task(slow('shielded result', 0.02))
    async def waiter():
        return await asyncio.shield(inner)
    w = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    w.cancel()
    try:
        await w
    except asyncio.CancelledError:
        print('  waiter cancelled; inner cancelled?', inner.cancelled())
    print('  inner still finishes:', await inner)
    try:
        await asyncio.wait_for(asyncio.shield(slow('x', 0.03)), 0.01)
    except TimeoutError:
        print('  wait_for(shield(...)) timed out')
    done = asyncio.create_task(slow('d', 0))
    await done
    print('  shield of a done task is the task:', asyncio.shield(done) is done)

asyncio.run(shielding())

print('--- wait')
async def waiting():
    a = asyncio.create_task(slow('a', 0.01), name='a')
    b = asyncio.create_task(slow('b', 0.05), name='b')
    done, pending = await asyncio.wait([a, b], return_when=asyncio.FIRST_COMPLETED)
    print('  FIRST_COMPLETED done', sorted(t.get_name() for t in done), 'pending', sorted(t.get_name() for t in pending))
    done, pending = await asyncio.wait([a, b])
    print('  ALL_COMPLETED done', sorted(t.get_name() for t in done), 'pending', len(pending))

    async def boom():
        await asyncio.sleep(0.01)
        raise KeyError('k')
    c = asyncio.create_task(boom(), name='c')
    d = asyncio.create_task(slow('d', 1), name='d')
    done, pending = await asyncio.wait([c, d], return_when=asyncio.FIRST_EXCEPTION)
    print('  FIRST_EXCEPTION done', [t.get_name() for t in done], 'pending', [t.get_name() for t in pending])
    print('  the exception is kept in the task:', repr(c.exception()))
    done, pending = await asyncio.wait([d], timeout=0.01)
    print('  timeout: done', len(done), 'pending', len(pending), 'not cancelled:', not d.cancelled())
    d.cancel()
    for bad, kwargs in [([], {}), ([d], {'return_when': 'SOMETIMES'})]:
        try:
            await asyncio.wait(bad, **kwargs)
        except ValueError as e:
            show_error('wait', e)
    coro = slow(1, 0)
    try:
        await asyncio.wait([coro])
    except TypeError as e:
        show_error('wait([coro])', e)
    coro.close()
    try:
        await asyncio.wait(a)
    except TypeError as e:
        show_error('wait(task)', e)

asyncio.run(waiting())

print('--- as_completed')
async def completing():
    tasks = [asyncio.create_task(slow(name, delay)) for name, delay in [('c', 0.05), ('a', 0.01), ('b', 0.03)]]
    for aw in asyncio.as_completed(tasks):
        print('  next:', await aw)
    tasks = [asyncio.create_task(slow(name, delay)) for name, delay in [('late', 1), ('soon', 0.01)]]
    try:
        for aw in asyncio.as_completed(tasks, timeout=0.03):
            print('  got', await aw)
    except TimeoutError:
        print('  as_completed timed out')
    for t in tasks:
        t.cancel()
    tasks = [asyncio.create_task(slow(n, d)) for n, d in [('y', 0.02), ('x', 0.01)]]
    async for fut in asyncio.as_completed(tasks):
        print('  async for gives the task itself:', fut in tasks, fut.result())

asyncio.run(completing())

print('--- TaskGroup')
async def worker(name, delay, log):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log.append(f'{name} cancelled')
        raise
    log.append(f'{name} finished')
    return name

async def crasher(name, delay, exc):
    await asyncio.sleep(delay)
    raise exc

async def groups():
    log = []
    async with asyncio.TaskGroup() as tg:
        t1 = tg.create_task(worker('one', 0.03, log))
        t2 = tg.create_task(worker('two', 0.01, log), name='second')
        print('  inside the block; t2 name', t2.get_name())
    print('  all done after the block:', t1.result(), t2.result(), log)

    log = []
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker('sibling', 1, log))
            tg.create_task(crasher('bad', 0.01, ValueError('child failed')))
            await asyncio.sleep(1)
            log.append('body not interrupted?!')
    except ExceptionGroup as eg:
        show_error('failure', eg)
        print('  contents', [f'{type(e).__name__}: {e}' for e in eg.exceptions])
    print('  log', log, 'main not cancelling:', asyncio.current_task().cancelling())

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(crasher('x', 0.01, ValueError('v')))
            tg.create_task(crasher('y', 0.01, KeyError('k')))
    except* ValueError as eg:
        print('  except* ValueError', [str(e) for e in eg.exceptions])
    except* KeyError as eg:
        print('  except* KeyError', [repr(e) for e in eg.exceptions])

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker('w', 1, log))
            raise RuntimeError('body failed')
    except ExceptionGroup as eg:
        show_error('body error joins the group', eg)
        print('  contents', [f'{type(e).__name__}: {e}' for e in eg.exceptions])

    tg = asyncio.TaskGroup()
    coro = worker('z', 0, log)
    try:
        tg.create_task(coro)
    except RuntimeError as e:
        show_error('not entered', e)
    async with tg:
        pass
    coro = worker('z', 0, log)
    try:
        tg.create_task(coro)
    except RuntimeError as e:
        show_error('finished', e)

    async def wrapper():
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker('inner', 1, log2))
            await asyncio.sleep(1)
    log2 = []
    t = asyncio.create_task(wrapper())
    await asyncio.sleep(0.01)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print('  cancelling the parent cancels the group:', log2)

asyncio.run(groups())
