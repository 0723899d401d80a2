"""Ctrl-C and SIGTERM during a run: stop grading, keep what finished, never leave a file half written.
"""

import signal
import threading
from contextlib import contextmanager


class Interrupted(Exception):
    """Ctrl-C or SIGTERM: stop grading, keep what finished."""

    def __init__(self, signal_name, graded=0, left=0, reports_written=False):
        super().__init__(signal_name)
        self.signal_name, self.graded, self.left = signal_name, graded, left
        self.reports_written = reports_written


class _StopSwitch:
    """Set by Ctrl-C or SIGTERM. Outside :meth:`deferred` blocks the signal raises
    :class:`Interrupted` at once; inside one (a record being saved, reports being written) it
    only sets the switch, so nothing is left half written, and the grading loop stops at its
    next check. A signal while the final reports are written lets them finish: the run ends as usual."""

    def __init__(self):
        self.signal_name, self._deferring = None, 0
        self.event = threading.Event()

    def handle(self, signum, frame):
        if self.event.is_set():
            return  # a second Ctrl-C while stopping: the first one is being carried out
        self.signal_name = signal.Signals(signum).name
        self.event.set()
        if not self._deferring:
            raise Interrupted(self.signal_name)

    @contextmanager
    def deferred(self):
        self._deferring += 1
        try:
            yield
        finally:
            self._deferring -= 1

    def raise_if_set(self):
        if self.event.is_set():
            raise Interrupted(self.signal_name)


@contextmanager
def stop_on_signals():
    stop = _StopSwitch()
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield stop
        return
    previous = {sig: signal.signal(sig, stop.handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
