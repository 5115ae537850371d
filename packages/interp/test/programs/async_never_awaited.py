# A coroutine created and never awaited: when it is freed, CPython prints
# "RuntimeWarning: coroutine '<qualname>' was never awaited" to stderr (once per location).
class Box:
    async def method(self):
        return 'never'


async def forgotten(x):
    return x


print('creating a coroutine and dropping it')
c = forgotten(1)
del c
print('after del of an unawaited coroutine')
m = Box().method()
del m
print('after del of an unawaited method coroutine')
closed = forgotten(2)
closed.close()
del closed
print('a closed coroutine gives no warning')
started = forgotten(3)
try:
    started.send(None)
except StopIteration as e:
    print('awaited by hand:', e.value)
del started
print('a finished coroutine gives no warning')
print('end')
