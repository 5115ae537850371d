# asyncio and real threads: run_in_executor with the default and with an
# own executor, to_thread, call_soon_threadsafe waking a waiting loop,
# run_coroutine_threadsafe, wrap_future, and one event loop per thread.
# Only results are printed. Few threads at a time: on ft each new thread
# starts a pooled worker, which is slow the first time.
import asyncio
import concurrent.futures
import threading
import time


def show_error(label, e):
    print(' ', label, '->', type(e).__name__, e)


print('--- threads: run_in_executor, to_thread, call_soon_threadsafe')
def blocking_sum(n, pause):
    time.sleep(pause)
    return sum(range(n))

def in_other_thread():
    return threading.current_thread() is not threading.main_thread()

async def thread_demo():
    loop = asyncio.get_running_loop()
    # One worker thread: each call reuses it (the default executor would
    # start a second thread when a call comes before the first is idle again).
    loop.set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=1))
    print('  run_in_executor:', await loop.run_in_executor(None, blocking_sum, 1000, 0.01))
    print('  to_thread:', await asyncio.to_thread(blocking_sum, 100, 0.01))
    print('  ran in another thread:', await asyncio.to_thread(in_other_thread))
    print('  kwargs:', await asyncio.to_thread(sorted, [3, 1, 2], reverse=True))
    try:
        await asyncio.to_thread(int, 'nope')
    except ValueError as e:
        show_error('exception from a thread', e)

    # Another thread hands work to the loop while it waits for a far timer.
    fut = loop.create_future()
    def from_thread():
        time.sleep(0.02)
        loop.call_soon_threadsafe(fut.set_result, 'woken by a thread')
    loop.run_in_executor(None, from_thread)
    print(' ', await asyncio.wait_for(fut, 5))

    async def on_loop(x):
        await asyncio.sleep(0)
        return x * 2
    def submit_from_thread():
        return asyncio.run_coroutine_threadsafe(on_loop(21), loop).result(timeout=5)
    print('  run_coroutine_threadsafe:', await asyncio.to_thread(submit_from_thread))

asyncio.run(thread_demo())

print('--- an executor of our own, wrap_future')
async def own_executor():
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        print('  own executor:', await loop.run_in_executor(pool, blocking_sum, 5, 0))
        cf = pool.submit(blocking_sum, 6, 0.01)
        print('  wrap_future:', await asyncio.wrap_future(cf))
        results = await asyncio.gather(*(loop.run_in_executor(pool, blocking_sum, n, 0.01) for n in (10, 20)))
        print('  gathered from the pool:', results)

asyncio.run(own_executor())

print('--- one loop per thread')
def thread_main(results, n):
    async def work():
        await asyncio.sleep(0.01)
        return n * n
    results[n] = asyncio.run(work())

results = {}
threads = [threading.Thread(target=thread_main, args=(results, n)) for n in range(2, 4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print('  results from loops in threads:', sorted(results.items()))
