"""A binary min-heap over a plain list (ft has no `heapq` yet): push, pop and
heapify with heapq's exact algorithm, so that entries that compare equal
come out in the same order as on CPython (the loop's timers compare by
their deadline only, and PriorityQueue items may tie)."""


def _sift_toward_root(heap, top, pos):
    # Move heap[pos] up while it is smaller than its parent, stopping at `top`.
    item = heap[pos]
    while pos > top:
        parent_pos = (pos - 1) >> 1
        parent = heap[parent_pos]
        if item < parent:
            heap[pos] = parent
            pos = parent_pos
            continue
        break
    heap[pos] = item


def _sift_toward_leaves(heap, pos):
    # heapq's "bottom-up" variant: walk the hole at `pos` down to a leaf along the
    # smaller children, drop the item there, then let it bubble back up. Fewer
    # comparisons than the textbook sift-down, and it decides ties differently,
    # which is why it is copied as an algorithm here.
    end = len(heap)
    top = pos
    item = heap[pos]
    child = 2 * pos + 1
    while child < end:
        right = child + 1
        if right < end and not heap[child] < heap[right]:
            child = right
        heap[pos] = heap[child]
        pos = child
        child = 2 * pos + 1
    heap[pos] = item
    _sift_toward_root(heap, top, pos)


def heappush(heap, item):
    heap.append(item)
    _sift_toward_root(heap, 0, len(heap) - 1)


def heappop(heap):
    last = heap.pop()
    if not heap:
        return last
    smallest = heap[0]
    heap[0] = last
    _sift_toward_leaves(heap, 0)
    return smallest


def heapify(heap):
    for i in reversed(range(len(heap) // 2)):
        _sift_toward_leaves(heap, i)
