"""The bounds on rendering a template (issue 15, kind 2): the process-level limit itself.

The hostile templates are in the bad-input corpus (``tests/fixtures/bad/sjabloon-*``);
these tests check the mechanism under them with work that no sandbox check can see: a
C-level stall that ignores signals, an allocation beyond the memory limit, a process
that dies.
"""

from __future__ import annotations

import os
import select
import signal
import time

import pytest

from briefing import limits
from briefing.errors import TemplateError


def stall() -> None:
    time.sleep(30)  # waits without working


def burn() -> None:
    signal.signal(signal.SIGPROF, signal.SIG_IGN)  # as a C call that no signal interrupts
    while True:
        pass


def allocate() -> int:
    return len(bytearray(3 << 30))  # 3 GB, beyond the limit


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture(params=["forked", "spare"])
def process(request: pytest.FixtureRequest):
    """Each test with a render process forked when called, and with one forked ahead
    (``make_spare``, as ``briefing watch`` does between rounds), before any limit is changed."""
    if request.param == "spare":
        limits.make_spare()
        _until_ready()
    yield request.param
    if limits._spare is not None:  # not used: end it
        _, pid, job, result = limits._spare
        limits._spare = None
        os.close(job)
        os.close(result)
        os.waitpid(pid, 0)


def test_a_result_and_an_exception_come_back(process: str) -> None:
    assert limits.run_limited(sorted, [3, 1, 2]) == [1, 2, 3]
    with pytest.raises(TemplateError, match="fout") as caught:
        limits.run_limited(_raise_template_error)
    assert caught.value.file == "templates/x.md.j2" and caught.value.line == 7


def _raise_template_error() -> None:
    raise TemplateError("fout", "templates/x.md.j2", 7, hint="hint")


def test_work_that_ignores_the_timer_is_ended_at_the_hard_limit(
    monkeypatch: pytest.MonkeyPatch, process: str
) -> None:
    monkeypatch.setattr(limits, "SOFT_SECONDS", 0.2)
    monkeypatch.setattr(limits, "HARD_SECONDS", 1.0)
    with pytest.raises(TemplateError, match="duurt te lang") as caught:
        limits.run_limited(burn, file="templates/brief.md.j2")
    assert caught.value.file == "templates/brief.md.j2"


def test_a_render_that_waits_is_killed_on_the_clock(monkeypatch: pytest.MonkeyPatch, process: str) -> None:
    monkeypatch.setattr(limits, "WALL_SECONDS", 1.0)
    start = time.monotonic()
    with pytest.raises(TemplateError, match="duurt te lang"):
        limits.run_limited(stall, file="templates/brief.md.j2")
    assert time.monotonic() - start < 5


def test_python_work_is_stopped_at_the_soft_limit(monkeypatch: pytest.MonkeyPatch, process: str) -> None:
    monkeypatch.setattr(limits, "SOFT_SECONDS", 0.2)
    with pytest.raises(limits.LimitError, match="duurt te lang"):
        limits.run_limited(_spin)


def _spin() -> None:
    while True:
        pass


def test_memory_beyond_the_limit_is_refused(process: str) -> None:
    with pytest.raises(MemoryError):
        limits.run_limited(allocate)


def test_a_render_process_that_dies_is_reported(process: str) -> None:
    with pytest.raises(TemplateError, match="onverwacht gestopt"):
        limits.run_limited(die, file="templates/brief.md.j2")


@pytest.mark.parametrize(
    ("operator", "left", "right"),
    [
        ("**", 10, 10**8), ("*", "a", 10**9), ("*", [0], 10**9), ("*", 10**700, 10**700),
        ("+", "a" * 600_000, "b" * 600_000), ("%", "%999999999d", 1), ("%", "%*d", (5, 1)),
    ],
)
def test_operators_that_would_explode_are_refused_before_they_run(operator, left, right) -> None:
    with pytest.raises(limits.LimitError):
        limits.check_binop(operator, left, right)


def test_the_spare_process_does_the_work_and_is_used_once(process: str) -> None:
    pid = limits.run_limited(os.getpid)
    assert pid != os.getpid() and limits._spare is None
    if process == "spare":  # the next call forks anew (watch makes the next spare between rounds)
        assert limits.run_limited(os.getpid) not in (pid, os.getpid())


def test_a_spare_that_was_ended_is_replaced_by_a_new_process(process: str) -> None:
    if process == "spare":
        os.kill(limits._spare[1], signal.SIGKILL)
        time.sleep(0.1)
    assert limits.run_limited(sorted, [2, 1]) == [1, 2]


def _until_ready() -> None:
    """Wait until the spare has warmed up (it says so on its result pipe)."""
    assert limits._spare is not None
    assert select.select([limits._spare[3]], [], [], 30)[0], "the spare did not get ready"


WARMED: list[str] = []


def _warmed() -> list[str]:
    return WARMED


def test_the_spare_warms_up_before_its_job() -> None:
    limits.make_spare(lambda: WARMED.append("compiled"))  # runs in the spare, not here
    _until_ready()
    assert limits.run_limited(_warmed) == ["compiled"] and WARMED == []


def test_a_spare_whose_warm_up_fails_or_is_not_done_still_renders() -> None:
    limits.make_spare(lambda: 1 / 0)
    _until_ready()
    assert limits.run_limited(sorted, [2, 1]) == [1, 2]
    limits.make_spare(lambda: time.sleep(30))  # not ready when the job comes: a new process
    start = time.monotonic()
    assert limits.run_limited(_warmed) == []
    assert time.monotonic() - start < 10


def test_ordinary_arithmetic_passes() -> None:
    ordinary = [("**", 2, 64), ("*", "-", 40), ("+", "a", "b"), ("%", "%5.1f", 2.5), ("*", 10**20, 10**20)]
    for operator, left, right in ordinary:
        limits.check_binop(operator, left, right)
