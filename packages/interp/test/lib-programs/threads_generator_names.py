# Two threads set the same generator's __name__ and __qualname__ while they
# read them back: every read is one of the names written, and no name is
# released twice (a race of the setters once drove a str's count below zero).
import threading


def g():
    yield 1


gen = g()
names = ['n%d' % i for i in range(64)]
bad = []


def setter(k):
    for i in range(150000):
        gen.__name__ = names[(i * 7 + k) % 64]
        gen.__qualname__ = gen.__name__
        if gen.__qualname__ not in names:
            bad.append(gen.__qualname__)


threads = [threading.Thread(target=setter, args=(k,)) for k in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print('names always written ones:', bad == [], gen.__name__ in names, next(gen))
