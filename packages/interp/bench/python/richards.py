"""Richards: Martin Richards' simulation of an operating system's task
scheduler (an idle task, a worker, two packet handlers, two devices).

Usage: richards.py [count] [rounds]   (default 1000, 1)

The idle task runs `count` times before holding itself, waking the devices
in a pseudo-random order; packets travel worker -> handlers -> devices and
back. The checksum is the number of packets queued and of times a task held
itself (2322 and 928 for count 1000, the figures the original program
checks), which any scheduling mistake changes.
"""

import sys
import time

IDLE, WORKER, HANDLER_A, HANDLER_B, DEVICE_A, DEVICE_B = range(6)
TASK_COUNT = 6
DEVICE_PACKET, WORK_PACKET = 0, 1
BUFFER_SIZE = 4

# A task's state is a set of flags: it has a packet waiting, it is
# suspended (waiting for a packet), it is held (waiting to be released).
PACKET_PENDING = 1
SUSPENDED = 2
HELD = 4


class Packet:
    def __init__(self, link, destination, kind):
        self.link = link
        self.destination = destination  # the task it goes to; on arrival, the task it came from
        self.kind = kind
        self.datum = 0
        self.data = [0] * BUFFER_SIZE

    def append_to(self, queue):
        """Puts this packet at the end of `queue` and returns the queue's head."""
        self.link = None
        if queue is None:
            return self
        last = queue
        while last.link is not None:
            last = last.link
        last.link = self
        return queue


class TaskControlBlock:
    def __init__(self, next_tcb, ident, priority, inbox, task):
        self.next = next_tcb
        self.ident = ident
        self.priority = priority
        self.inbox = inbox
        self.task = task
        self.state = SUSPENDED | PACKET_PENDING if inbox is not None else SUSPENDED

    def blocked(self):
        return self.state & HELD != 0 or self.state == SUSPENDED

    def run(self):
        if self.state == SUSPENDED | PACKET_PENDING:
            packet = self.inbox
            self.inbox = packet.link
            self.state = PACKET_PENDING if self.inbox is not None else 0
        else:
            packet = None
        return self.task.run(packet)

    def receive(self, sender, packet):
        """Delivers `packet`; returns the block that should run next."""
        if self.inbox is None:
            self.inbox = packet
            self.state |= PACKET_PENDING
            if self.priority > sender.priority:
                return self
        else:
            self.inbox = packet.append_to(self.inbox)
        return sender


class Scheduler:
    def __init__(self):
        self.blocks = [None] * TASK_COUNT
        self.first = None
        self.current = None
        self.current_ident = 0
        self.queued = 0
        self.holds = 0

    def add(self, ident, priority, inbox, task):
        tcb = TaskControlBlock(self.first, ident, priority, inbox, task)
        self.first = tcb
        self.blocks[ident] = tcb
        self.current = tcb
        return tcb

    def run(self):
        tcb = self.first
        while tcb is not None:
            if tcb.blocked():
                tcb = tcb.next
            else:
                self.current = tcb
                self.current_ident = tcb.ident
                tcb = tcb.run()

    # What tasks call; each returns the block to run next.

    def release(self, ident):
        tcb = self.blocks[ident]
        tcb.state &= ~HELD
        return tcb if tcb.priority > self.current.priority else self.current

    def hold_self(self):
        self.holds += 1
        self.current.state |= HELD
        return self.current.next

    def wait(self):
        self.current.state |= SUSPENDED
        return self.current

    def send(self, packet):
        target = self.blocks[packet.destination]
        self.queued += 1
        packet.link = None
        packet.destination = self.current_ident
        return target.receive(self.current, packet)


class IdleTask:
    def __init__(self, scheduler, count):
        self.scheduler = scheduler
        self.seed = 1
        self.count = count

    def run(self, packet):
        self.count -= 1
        if self.count == 0:
            return self.scheduler.hold_self()
        # A 16-bit shift register decides which device to wake.
        if self.seed & 1 == 0:
            self.seed >>= 1
            return self.scheduler.release(DEVICE_A)
        self.seed = (self.seed >> 1) ^ 0xD008
        return self.scheduler.release(DEVICE_B)


class WorkerTask:
    def __init__(self, scheduler):
        self.scheduler = scheduler
        self.handler = HANDLER_A
        self.letter = 0

    def run(self, packet):
        if packet is None:
            return self.scheduler.wait()
        self.handler = HANDLER_B if self.handler == HANDLER_A else HANDLER_A
        packet.destination = self.handler
        packet.datum = 0
        for i in range(BUFFER_SIZE):
            self.letter = self.letter + 1 if self.letter < 26 else 1
            packet.data[i] = self.letter
        return self.scheduler.send(packet)


class HandlerTask:
    def __init__(self, scheduler):
        self.scheduler = scheduler
        self.work = None     # work packets waiting to be processed
        self.devices = None  # device packets waiting to carry data

    def run(self, packet):
        if packet is not None:
            if packet.kind == WORK_PACKET:
                self.work = packet.append_to(self.work)
            else:
                self.devices = packet.append_to(self.devices)
        work = self.work
        if work is not None:
            position = work.datum
            if position < BUFFER_SIZE:
                device = self.devices
                if device is not None:
                    self.devices = device.link
                    device.datum = work.data[position]
                    work.datum = position + 1
                    return self.scheduler.send(device)
            else:
                self.work = work.link
                return self.scheduler.send(work)
        return self.scheduler.wait()


class DeviceTask:
    def __init__(self, scheduler):
        self.scheduler = scheduler
        self.pending = None

    def run(self, packet):
        if packet is None:
            pending = self.pending
            if pending is None:
                return self.scheduler.wait()
            self.pending = None
            return self.scheduler.send(pending)
        self.pending = packet
        return self.scheduler.hold_self()


def packets(count, destination, kind):
    head = None
    for _ in range(count):
        head = Packet(head, destination, kind)
    return head


def simulate(count):
    s = Scheduler()
    s.add(IDLE, 0, None, IdleTask(s, count)).state = 0  # the idle task starts running
    s.add(WORKER, 1000, packets(2, WORKER, WORK_PACKET), WorkerTask(s))
    s.add(HANDLER_A, 2000, packets(3, DEVICE_A, DEVICE_PACKET), HandlerTask(s))
    s.add(HANDLER_B, 3000, packets(3, DEVICE_B, DEVICE_PACKET), HandlerTask(s))
    s.add(DEVICE_A, 4000, None, DeviceTask(s))
    s.add(DEVICE_B, 5000, None, DeviceTask(s))
    s.run()
    return s.queued, s.holds


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    start = time.perf_counter()
    for _ in range(rounds):
        queued, holds = simulate(count)
    elapsed = time.perf_counter() - start
    print(f"queued {queued}, held {holds}")
    print("elapsed", elapsed)
    print("checksum", queued, holds)


if __name__ == "__main__":
    main()
