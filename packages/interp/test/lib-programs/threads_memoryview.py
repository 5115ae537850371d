# memoryview with threads: views of one bytearray written by several threads at once, each in its
# own region and counter byte; resizes refused while any view is alive, allowed once all are released.
import threading

shared = bytearray(400)
refused = []


def writer(k):
    for i in range(49):
        with memoryview(shared) as view:
            part = view[k * 100:(k + 1) * 100]
            part[i] = k + 1
            part[50 + i:51 + i] = bytes([k + 10])
            counter = view.cast("B")[k * 100 + 99:k * 100 + 100]
            counter[0] = (counter[0] + 1) % 256
            try:
                shared.append(0)
            except BufferError as e:
                refused.append(str(e))
            counter.release()
            part.release()


threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
for th in threads:
    th.start()
for th in threads:
    th.join()
print([shared[k * 100:k * 100 + 49].count(k + 1) for k in range(4)], [shared[k * 100 + 50:k * 100 + 99].count(k + 10) for k in range(4)])
print([shared[k * 100 + 99] for k in range(4)], len(refused), set(refused))
shared.append(1)
print(len(shared))
