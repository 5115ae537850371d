"""A producer/consumer pipeline with `queue`.

One producer reads "lines" and puts them on a bounded Queue; three parser
threads take them, turn each into a record and pass it on; one aggregator
totals the records. A None on a queue tells its reader to stop. Which parser
handles which line depends on timing, but every line is handled exactly
once, so the totals are always the same."""

import queue
import threading

LINES = 600
PARSERS = 3

raw = queue.Queue(maxsize=16)  # bounded: the producer waits when the parsers fall behind
parsed = queue.Queue()


def producer():
    for i in range(LINES):
        raw.put(f'order-{i},{i % 7 + 1},{(i * 37) % 100 + 0.5}')
    for _ in range(PARSERS):
        raw.put(None)  # one stop signal per parser


def parser(index, handled):
    while True:
        line = raw.get()
        if line is None:
            break
        name, quantity, price = line.split(',')
        parsed.put((int(name.split('-')[1]), int(quantity), float(price)))
        handled[index] += 1
    parsed.put(None)


def aggregator(result):
    stopped = 0
    seen = set()
    quantity = 0
    revenue = 0.0
    while stopped < PARSERS:
        record = parsed.get()
        if record is None:
            stopped += 1
            continue
        number, qty, price = record
        seen.add(number)
        quantity += qty
        revenue += qty * price
    result.update(orders=len(seen), distinct=seen == set(range(LINES)), quantity=quantity, revenue=round(revenue, 2))


handled = [0] * PARSERS
result = {}
threads = [threading.Thread(target=producer, name='producer')]
threads += [threading.Thread(target=parser, args=(i, handled), name=f'parser-{i}') for i in range(PARSERS)]
threads.append(threading.Thread(target=aggregator, args=(result,), name='aggregator'))
for t in threads:
    t.start()
for t in threads:
    t.join()

print('orders:', result['orders'], 'all distinct and present:', result['distinct'])
print('total quantity:', result['quantity'])
print('revenue:', result['revenue'])
print('lines parsed by the parsers together:', sum(handled))
print('queues empty at the end:', raw.empty(), parsed.empty())

# The same with task_done()/join(): the main thread waits until every item is processed.
work = queue.Queue()
squares = []
squares_lock = threading.Lock()


def square_worker():
    while True:
        n = work.get()
        try:
            if n is None:
                return
            with squares_lock:
                squares.append(n * n)
        finally:
            work.task_done()


workers = [threading.Thread(target=square_worker, daemon=True) for _ in range(4)]
for w in workers:
    w.start()
for n in range(1, 101):
    work.put(n)
work.join()  # every item taken and marked done
print('sum of squares 1..100:', sum(squares), 'items:', len(squares))
for _ in workers:
    work.put(None)
for w in workers:
    w.join()
