"""Objects a thread made and another thread released die in the first
thread's teardown (its merge queue): their weakref callbacks and __del__
run there, Python code, while the thread state is still whole. Each round
must finish (a hang here was a teardown that had released the thread's
caches and data stack first)."""

import threading
import time
import weakref


class Node:
    deleted = []

    def __init__(self, tag):
        self.tag = tag

    def __del__(self):
        Node.deleted.append(self.tag)


callbacks = []
box = []
refs = []


def owner(tag):
    node = Node(tag)
    refs.append(weakref.ref(node, lambda r, tag=tag: callbacks.append(tag)))
    box.append(node)
    del node
    time.sleep(0.2)


def other():
    time.sleep(0.05)
    box.pop()


for i in range(4):
    a = threading.Thread(target=owner, args=(i,))
    b = threading.Thread(target=other)
    a.start()
    b.start()
    b.join()
    a.join()
    print(i, sorted(callbacks), sorted(Node.deleted), [r() for r in refs])
