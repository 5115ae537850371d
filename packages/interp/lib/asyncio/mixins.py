"""_LoopBoundMixin: locks and queues are made without a loop and bind to the
loop that first waits on them; using them from another loop is an error."""

import threading

from . import events

_bind_lock = threading.Lock()


class _LoopBoundMixin:
    _loop = None

    def _get_loop(self):
        loop = events._get_running_loop()
        if self._loop is None:
            # Two threads' loops may race to bind the same object: one wins.
            with _bind_lock:
                if self._loop is None:
                    self._loop = loop
        if loop is not self._loop:
            raise RuntimeError(f'{self!r} is bound to a different event loop')
        return loop
