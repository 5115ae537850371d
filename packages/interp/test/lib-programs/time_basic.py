# time: the clocks move forward, sleep waits, and its errors.
import time


def error(label, fn):
    try:
        fn()
    except Exception as e:
        print(label, type(e).__name__, e)
    else:
        print(label, 'no error')


t0 = time.monotonic()
p0 = time.perf_counter_ns()
time.sleep(0.05)
t1 = time.monotonic()
p1 = time.perf_counter_ns()
print('slept at least 0.05s', t1 - t0 >= 0.049, p1 - p0 >= 49_000_000)
print('time is after 2020', time.time() > 1577836800, time.time_ns() > 1577836800 * 10**9)
print('types', type(time.time()).__name__, type(time.time_ns()).__name__, type(time.process_time()).__name__, type(time.monotonic_ns()).__name__)
print('process_time', time.process_time() >= 0, time.process_time_ns() >= 0)
time.sleep(0)
error('sleep negative', lambda: time.sleep(-1))
error('sleep nan', lambda: time.sleep(float('nan')))
error('sleep str', lambda: time.sleep('1'))
