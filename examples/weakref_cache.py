"""A cache that does not keep its values alive: weakref.WeakValueDictionary.

An expensive object is built once per key and shared while someone uses it;
when the last user drops it, it leaves the cache by itself. Several threads
ask the cache for the same keys at the same time: under the lock each key is
built exactly once."""

import threading
import weakref


class Image:
    """Stands for something costly to build (a decoded image, a parsed file)."""

    builds = 0

    def __init__(self, name):
        Image.builds += 1
        self.name = name
        self.pixels = [sum(map(ord, name)) % 251 + i for i in range(1000)]

    def checksum(self):
        return sum(self.pixels) % 100003


class ImageCache:
    def __init__(self):
        self._entries = weakref.WeakValueDictionary()
        self._lock = threading.Lock()

    def get(self, name):
        with self._lock:
            image = self._entries.get(name)
            if image is None:
                image = Image(name)
                self._entries[name] = image
            return image

    def names(self):
        with self._lock:
            return sorted(self._entries.keys())


cache = ImageCache()

# Users hold images: the cache hands the same object to everyone.
a = cache.get('cat.png')
b = cache.get('dog.png')
print('same object for the same key:', cache.get('cat.png') is a)
print('cached:', cache.names(), 'builds:', Image.builds)

# The last user lets go: the entry disappears on its own.
del a
print('after dropping cat.png:', cache.names())
b2 = cache.get('dog.png')
print('dog.png still shared:', b2 is b, 'builds:', Image.builds)
del b, b2
print('after dropping dog.png:', cache.names())

# Many threads ask for the same few keys while holding the images: each key is built once.
Image.builds = 0
names = ['img%d.png' % i for i in range(5)]
held = []
held_lock = threading.Lock()
start = threading.Barrier(4)


def user(worker):
    start.wait()
    mine = []
    for round_ in range(50):
        image = cache.get(names[(worker + round_) % len(names)])
        mine.append(image)
    with held_lock:
        held.extend(mine)


threads = [threading.Thread(target=user, args=(w,)) for w in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()

print('threads held', len(held), 'references to', len({id(x) for x in held}), 'images')
print('builds with 4 threads:', Image.builds)
print('cached:', cache.names())
print('checksums:', [cache.get(n).checksum() for n in names] == [Image(n).checksum() for n in names])
held.clear()
print('after the threads let go:', cache.names())

# A weakref.finalize callback says when an object goes.
gone = []
tmp = Image('tmp.png')
weakref.finalize(tmp, gone.append, 'tmp.png collected')
del tmp
print(gone)
