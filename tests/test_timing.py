"""Moments of a build are noted only while someone listens, and come back from a worker."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from briefing import timing


def _work(n: int) -> int:
    timing.mark("worked")
    return n * 2


def test_moments_are_kept_only_while_listening() -> None:
    timing.mark("unheard")
    with timing.listening() as moments:
        timing.mark("a")
        with timing.listening() as inner:
            timing.mark("b")
        timing.mark("c")
    timing.mark("after")
    assert [what for what, _ in moments] == ["a", "c"]
    assert [what for what, _ in inner] == ["b"]
    assert moments[0][1] <= moments[1][1]


def test_a_workers_moments_are_replayed_here() -> None:
    with ProcessPoolExecutor(1, mp_context=get_context("fork")) as pool:
        result, moments = pool.submit(timing.collect, _work, 21).result()
    assert result == 42 and [what for what, _ in moments] == ["worked"]
    with timing.listening() as here:
        timing.replay(moments)
    assert here == moments
    timing.replay(moments)  # not listening: nothing happens
