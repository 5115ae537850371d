# time: only outputs that do not depend on the clock.
import time
t0 = time.time()
m0 = time.monotonic()
p0 = time.perf_counter()
n0 = time.monotonic_ns()
time.sleep(0.01)
time.sleep(0)
print(time.time() >= t0, time.monotonic() - m0 >= 0.009, time.perf_counter() > p0, time.monotonic_ns() > n0)
print(type(time.time()).__name__, type(time.time_ns()).__name__, type(time.perf_counter_ns()).__name__)
g = time.gmtime(0)
print(g.tm_year, g.tm_mon, g.tm_mday, g.tm_hour, g.tm_wday, g.tm_yday, tuple(g))
print(time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(86400 * 365)), time.gmtime(1e9)[:6])
print(time.process_time() >= 0, time.thread_time() >= 0)
try:
    time.sleep(-1)
except ValueError as e:
    print('ValueError', e)
