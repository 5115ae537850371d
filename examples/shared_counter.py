"""A shared dict updated by many threads, with a Lock.

Eight threads count words from their own share of a text into one dict.
`counts[word] = counts.get(word, 0) + 1` is a read followed by a write: two
threads can read the same old value and one increment is lost. Under the
lock the final counts are exact, whatever the interleaving. On ft the
threads really run at the same time (no GIL), so the lock is what makes it
right."""

import threading

WORDS = ['apple', 'banana', 'cherry', 'date', 'elderberry', 'fig', 'grape']
THREADS = 8
PER_THREAD = 2_000

counts = {}
lock = threading.Lock()
start = threading.Barrier(THREADS)


def count_words(seed):
    start.wait()  # all threads begin together
    for i in range(PER_THREAD):
        word = WORDS[(seed * 31 + i * 7 + i // 3) % len(WORDS)]
        with lock:
            counts[word] = counts.get(word, 0) + 1


threads = [threading.Thread(target=count_words, args=(s,)) for s in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()

# What each word must end at, counted on one thread.
expected = {}
for seed in range(THREADS):
    for i in range(PER_THREAD):
        word = WORDS[(seed * 31 + i * 7 + i // 3) % len(WORDS)]
        expected[word] = expected.get(word, 0) + 1

for word in sorted(counts):
    print(f'{word:<11} {counts[word]}')
print('total:', sum(counts.values()), 'of', THREADS * PER_THREAD)
print('exact:', counts == expected)

# The same pattern with a per-key setdefault into a dict of lists, and a threading.local scratch.
per_thread = {}
local = threading.local()


def collect(seed):
    local.mine = [seed * 100 + i for i in range(10)]
    with lock:
        per_thread.setdefault(seed % 3, []).extend(local.mine)


threads = [threading.Thread(target=collect, args=(s,)) for s in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print({key: (len(values), sum(values)) for key, values in sorted(per_thread.items())})
