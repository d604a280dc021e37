"""Where a build's time goes: named moments, noted only while someone listens.

The build notes moments (``prepared``, ``pdf-layout`` …) with :func:`mark`; nothing is
kept unless :func:`listening` is active in this process, so a normal build pays one
``if`` per moment. ``briefing preview`` listens to its rounds and hands the moments to
the page, where ``benchmarks/preview.py`` reads them with the browser's own. A worker
process listens with :func:`collect` and hands its moments back with its result, to be
:func:`replay`-ed here (``time.time()`` is one clock for every process of a machine).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

__all__ = ["Moments", "collect", "listening", "mark", "replay"]

Moments = list[tuple[str, float]]  # (what, time.time())
_local = threading.local()


def mark(what: str) -> None:
    """Note that ``what`` is done now, if this thread is listening."""
    moments = getattr(_local, "moments", None)
    if moments is not None:
        moments.append((what, time.time()))


@contextlib.contextmanager
def listening() -> Iterator[Moments]:
    """Collect this thread's moments in the list it gives, until the block ends."""
    previous = getattr(_local, "moments", None)
    _local.moments = moments = []
    try:
        yield moments
    finally:
        _local.moments = previous


def collect(func, *args):
    """``(func(*args), moments)``: a worker's result with the moments noted while it ran."""
    with listening() as moments:
        return func(*args), moments


def replay(moments: Moments) -> None:
    """Note moments noted elsewhere (in a worker), if this thread is listening."""
    mine = getattr(_local, "moments", None)
    if mine is not None:
        mine.extend(moments)
