"""The cyclic garbage collector paused around a bulk use case (docs/adr/0011-bulk-calls-pause-the-cycle-collector.md).

A bulk call keeps a result per record until it returns: tens of thousands of small objects that
outlive the collector's young passes and make every older pass walk them again. The pause is
counted: the collector comes back when the last of the calls pausing it at once ends, and only
if it was on when the first began. Reference counting frees everything that is not in a cycle
as usual; cycles made meanwhile wait for the next collection.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._resume = False  # whether the collector was on when the first holder came

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._holders == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0 and self._resume:
                    gc.enable()


#: ``with collector_paused(): ...``
collector_paused = _Pause()
