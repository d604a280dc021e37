"""Bounds on what rendering a template may cost: time, memory and the size of values.

A template is code a user wrote (or copied), so it can ask for the impossible:
``{{ 10 ** 100000000 }}``, ``{{ 'a' * 10**9 }}``, two nested ``range(100000)`` loops.
Two layers keep a letter within seconds and bounded memory:

- :class:`LimitedSandbox`, the Jinja sandbox with the operators, filters and string
  methods that can explode checked *before* they run (a single C-level operation such
  as ``'x'.center(10**9)`` allocates before any later check, and no signal interrupts
  it), a budget for ``range()`` over the whole render, and a cap on the rendered text;
- :func:`run_limited`, which runs the render in a forked process with an address-space
  limit and limits on processor time (Python-level work is stopped with its template
  line after ``SOFT_SECONDS``; the system ends the process at ``HARD_SECONDS``; one
  that waits without working is killed after ``WALL_SECONDS``). Processor time, not the
  clock, so that a busy machine does not fail a big letter. Where the system cannot
  fork, the render runs here, with the sandbox and the soft limit only.

Every limit reached is a :class:`LimitError` (a ``ValueError``), which the renderer
reports as a template problem at its line, in Dutch.
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import pickle
import re
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from jinja2 import filters as jinja_filters
from jinja2.runtime import Context
from jinja2.sandbox import MAX_RANGE, SandboxedEnvironment

from briefing._compat import lorem_ipsum, template_depth
from briefing.errors import TemplateError

__all__ = [
    "HARD_SECONDS",
    "MAX_MEMORY",
    "MAX_TEXT",
    "SOFT_SECONDS",
    "WALL_SECONDS",
    "LimitError",
    "LimitedSandbox",
    "capped",
    "make_spare",
    "run_limited",
]

MAX_TEXT = 1_000_000  # characters (or items) of one value made in a template
MAX_OUTPUT = 600_000  # characters of a letter's rendered Markdown: about 200 pages of prose
MAX_BITS = 4_000  # a whole number made in a template: about 1,200 digits
MAX_WIDTH = 10_000  # a width or precision in a format ('{:>10}', '%10s', center(10))
MAX_RANGE_TOTAL = 1_000_000  # numbers produced by every range() of one render together
MAX_INCLUDE_DEPTH = 25  # templates included within templates
SOFT_SECONDS = 5.0  # processor seconds: Python-level work is stopped here, with its template line
HARD_SECONDS = 10.0  # processor seconds: the system ends the render's process here
WALL_SECONDS = 60.0  # seconds on the clock: a render process still there is killed
MAX_MEMORY = 1 << 30  # bytes a render may add to the process's address space

T = TypeVar("T")


class LimitError(ValueError):
    """A template asked for more than a letter can need; the message says what, in Dutch."""


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# --------------------------------------------------------------------------- checks


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse ``left operator right`` before it runs when its result would be too big."""
    ints = isinstance(left, int) and isinstance(right, int)
    if operator == "**":
        if ints and abs(left) > 1 and right > 0 and right * math.log2(abs(left)) > MAX_BITS:
            raise LimitError(f"{left} ** {right} is te groot (meer dan {_fmt(MAX_BITS * 3 // 10)} cijfers)")
    elif operator == "*":
        if ints and left.bit_length() + right.bit_length() > MAX_BITS:
            raise LimitError(f"het product is te groot (meer dan {_fmt(MAX_BITS * 3 // 10)} cijfers)")
        for seq, n in ((left, right), (right, left)):
            size = _size(seq)
            if size is not None and isinstance(n, int) and size * n > MAX_TEXT:
                raise LimitError(f"een herhaalde tekst of lijst wordt te lang (meer dan {_fmt(MAX_TEXT)})")
    elif operator == "+":
        a, b = _size(left), _size(right)
        if a is not None and b is not None and a + b > MAX_TEXT:
            raise LimitError(f"een samengevoegde tekst of lijst wordt te lang (meer dan {_fmt(MAX_TEXT)})")
    elif operator == "%" and isinstance(left, str):
        check_printf(left)


_PRINTF = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?")
_BRACES = re.compile(r"\{[^{}]*?:([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")


def check_printf(text: str) -> None:
    """Refuse a ``%``-format with a width or precision that would make a huge text."""
    for match in _PRINTF.finditer(text):
        for part in match.groups():
            if part == "*" or (part and len(part) > 6) or (part and int(part) > MAX_WIDTH):
                raise LimitError(f"een breedte in '%'-opmaak is te groot (hoogstens {_fmt(MAX_WIDTH)})")


def check_format(text: str) -> None:
    """Refuse a ``str.format`` spec with a huge width or precision, or one computed at run time."""
    for match in _BRACES.finditer(text):
        spec = match.group(1)
        if "{" in spec:
            raise LimitError("een breedte in '{}'-opmaak moet een vast getal zijn")
        for number in re.findall(r"\d+", spec):
            if len(number) > 6 or int(number) > MAX_WIDTH:
                raise LimitError(f"een breedte in '{{}}'-opmaak is te groot (hoogstens {_fmt(MAX_WIDTH)})")


def _check_width(name: str, width: Any) -> None:
    if isinstance(width, int) and width > MAX_WIDTH:
        raise LimitError(f"{name}({width}) is te breed (hoogstens {_fmt(MAX_WIDTH)})")


def _check_replace(text: Any, old: Any, new: Any, count: Any = -1) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        times = len(text) + 1 if old == "" else text.count(old)
        if isinstance(count, int) and count >= 0:
            times = min(times, count)
        if len(text) + times * max(0, len(new) - len(old)) > MAX_TEXT:
            raise LimitError(f"replace maakt de tekst te lang (meer dan {_fmt(MAX_TEXT)} tekens)")


# String methods a template can call that make a text as big as an argument asks.
_STR_METHODS: dict[str, Callable[..., None]] = {
    "center": lambda s, width=0, *_: _check_width("center", width),
    "ljust": lambda s, width=0, *_: _check_width("ljust", width),
    "rjust": lambda s, width=0, *_: _check_width("rjust", width),
    "zfill": lambda s, width=0, *_: _check_width("zfill", width),
    "expandtabs": lambda s, tabsize=8, *_: _check_width("expandtabs", tabsize),
    "replace": _check_replace,
}


# --------------------------------------------------------------------------- the sandbox


class _Budget(threading.local):
    """What one render has used of the budgets that span it (per thread)."""

    range_total = 0


_budget = _Budget()


def _limited_range(*args: int) -> range:
    """``range()`` in a template: at most ``MAX_RANGE`` numbers, ``MAX_RANGE_TOTAL`` per render."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise LimitError(f"range geeft te veel getallen: {_fmt(len(numbers))} (hoogstens {_fmt(MAX_RANGE)})")
    _budget.range_total += len(numbers)
    if _budget.range_total > MAX_RANGE_TOTAL:
        raise LimitError(
            f"de lussen van het sjabloon tellen samen meer dan {_fmt(MAX_RANGE_TOTAL)} keer rond"
        )
    return numbers


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    if any(isinstance(v, int) and v > 1000 for v in (n, min, max)):
        raise LimitError("lipsum vraagt te veel tekst (hoogstens 1000 alinea's of woorden)")
    return lorem_ipsum(n, html, min, max)


def _capped_filters() -> dict[str, Callable[..., Any]]:
    """Jinja's filters that can make a huge value from a small one, with their arguments checked."""

    def center(value: Any, width: int = 80) -> str:
        _check_width("center", width)
        return jinja_filters.do_center(value, width)

    def indent(value: Any, width: int | str = 4, *args: Any, **kwargs: Any) -> str:
        _check_width("indent", width)
        if isinstance(width, str) and len(width) > MAX_WIDTH:
            raise LimitError("indent: de inspringtekst is te lang")
        result_lines = str(value).count("\n") + 1
        step = width if isinstance(width, int) else len(width)
        if result_lines * step > MAX_TEXT:
            raise LimitError(f"indent maakt de tekst te lang (meer dan {_fmt(MAX_TEXT)} tekens)")
        return jinja_filters.do_indent(value, width, *args, **kwargs)

    def format_(value: Any, *args: Any, **kwargs: Any) -> str:
        if isinstance(value, str):
            check_printf(value)
        return jinja_filters.do_format(value, *args, **kwargs)

    def replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: int | None = None) -> str:
        _check_replace(str(s), old, new, -1 if count is None else count)
        return jinja_filters.do_replace(eval_ctx, s, old, new, count)

    replace.jinja_pass_arg = jinja_filters.do_replace.jinja_pass_arg  # type: ignore[attr-defined]

    def batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
        _check_width("batch", linecount)
        return jinja_filters.do_batch(value, linecount, fill_with)

    def slice_(value: Any, slices: int, fill_with: Any = None) -> Any:
        _check_width("slice", slices)
        return jinja_filters.do_slice(value, slices, fill_with)

    def wordwrap(*args: Any, **kwargs: Any) -> str:
        return jinja_filters.do_wordwrap(*args, **kwargs)

    wordwrap.jinja_pass_arg = jinja_filters.do_wordwrap.jinja_pass_arg  # type: ignore[attr-defined]

    def truncate(*args: Any, **kwargs: Any) -> str:
        return jinja_filters.do_truncate(*args, **kwargs)

    truncate.jinja_pass_arg = jinja_filters.do_truncate.jinja_pass_arg  # type: ignore[attr-defined]

    return {
        "center": center, "indent": indent, "format": format_, "replace": replace,
        "batch": batch, "slice": slice_, "wordwrap": wordwrap, "truncate": truncate,
    }  # fmt: skip


class LimitedSandbox(SandboxedEnvironment):
    """The Jinja sandbox with bounds on the operations that can exhaust time or memory."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters.update(_capped_filters())
        self.globals.update(range=_limited_range, lipsum=_lipsum)

    def get_template(self, name: Any, parent: str | None = None, globals: Any = None) -> Any:
        # Called by every {% include %} while rendering: a template that includes itself
        # is stopped at a fixed depth, at its include line, before its output piles up.
        if template_depth(self) > MAX_INCLUDE_DEPTH:
            raise LimitError(
                f"sjablonen nemen elkaar meer dan {MAX_INCLUDE_DEPTH} niveaus diep op "
                "(neemt het sjabloon zichzelf op?)"
            )
        return super().get_template(name, parent, globals)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        check_binop(operator, left, right)
        try:
            return super().call_binop(context, operator, left, right)
        except OverflowError:
            raise LimitError(f"de uitkomst van '{operator}' is te groot") from None

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            check = _STR_METHODS.get(getattr(__obj, "__name__", ""))
            if check is not None:
                check(owner, *args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        formatter = super().wrap_str_format(value)
        if formatter is None:
            return None
        text = getattr(value, "__self__", "")

        def checked(*args: Any, **kwargs: Any) -> str:
            check_format(str(text))
            return formatter(*args, **kwargs)

        return checked


def capped(chunks: Iterable[str]) -> str:
    """Join a template's rendered chunks, stopping once they pass ``MAX_OUTPUT`` characters.

    Resets the render's ``range()`` budget first (call it on a fresh ``Template.generate``).
    """
    _budget.range_total = 0
    out: list[str] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > MAX_OUTPUT:
            error = LimitError(f"de brief wordt te lang: meer dan {_fmt(MAX_OUTPUT)} tekens")
            throw = getattr(chunks, "throw", None)
            if throw is not None:  # raised where the template is writing: Jinja names its line
                throw(error)
            raise error
        out.append(chunk)
    return "".join(out)


# --------------------------------------------------------------------------- the process limit


class _Timeout(LimitError):
    pass


def _on_alarm(*_: Any) -> None:
    raise _Timeout(f"het invullen van het sjabloon duurt te lang (meer dan {SOFT_SECONDS:g} s)")


def _address_space() -> int | None:
    """This process's current address-space size in bytes (Linux), or None."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _die_with_parent() -> None:
    """Linux: end this (forked) process when its parent ends, however that happens."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _can_fork() -> bool:
    """Linux: fork is safe here and the address-space limit is enforced (macOS enforces none)."""
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def run_limited(func: Callable[..., T], *args: Any, what: str = "het sjabloon", file: Any = None) -> T:
    """``func(*args)`` in a forked process limited in memory and time; its result or exception.

    ``file`` is named when the process had to be killed (the line is then unknown).
    Without ``fork`` (Windows, macOS) the call runs here, under a Python-level timer where
    signals can be used. A process forked ahead by :func:`make_spare` is used when there
    is one (its limits are the same, set when the call reaches it).
    """
    if not _can_fork():
        return _run_here(func, args)
    job = (func, args, SOFT_SECONDS, HARD_SECONDS, MAX_MEMORY, file)
    taken = _take_spare(job)
    if taken is not None:
        pid, read_fd = taken
    else:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            _child(write_fd, job)
        os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + WALL_SECONDS
    killed = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                killed = True
                break
            ready, _, _ = select.select([read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        with contextlib.suppress(OSError):
            if killed or not chunks:
                os.kill(pid, signal.SIGKILL)
        status, cpu = 0, 0.0
        with contextlib.suppress(ChildProcessError):
            _, status, usage = os.wait4(pid, 0)
            cpu = usage.ru_utime + usage.ru_stime
    ended = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    if killed or ended == signal.SIGXCPU or (ended == signal.SIGKILL and cpu >= HARD_SECONDS - 0.5):
        seconds = WALL_SECONDS if killed else HARD_SECONDS
        raise TemplateError(
            f"het invullen van {what} duurt te lang (meer dan {seconds:g} s) en is gestopt", file,
            hint="een lus die niet ophoudt, of een berekening met enorme getallen?",
        )
    try:
        kind, value = pickle.loads(b"".join(chunks))
    except Exception:
        raise TemplateError(
            f"het invullen van {what} is onverwacht gestopt", file,
            hint=f"meer dan {MAX_MEMORY >> 20} MB geheugen nodig: een lus of tekst die enorm groot wordt?",
        ) from None
    if kind == "error":
        raise value
    return value


# func, args, and the limits when it was given (soft, hard, memory), the file to name
Job = tuple[Callable[..., Any], tuple[Any, ...], float, float, int, Any]
_spare: tuple[int, int, int, int] | None = None  # (made by pid, its pid, job pipe, result pipe)


_READY = b"R"  # a spare's first byte: warmed up, waiting for its job


def make_spare(warm: Callable[[], object] | None = None) -> None:
    """Fork the next render's process now, while nothing waits for it (``briefing watch``
    and ``preview`` between rounds), and have it run ``warm`` (compile the templates).

    A process forked when the render is asked for pays, before it renders, for being
    new: on a busy machine it waits for a processor, and every page of its parent's
    memory it writes to is copied (compiling a template touches many): ≈ 0.05 s on a
    quiet machine, 0.1 s on a busy one. The spare pays that ahead and then waits on a
    pipe. ``warm`` runs under the soft time limit; should it fail, or not be done when
    the job comes, the job goes to a new process as before. The spare ends with this
    process. Nothing where the system cannot fork."""
    global _spare
    if _spare is not None or not _can_fork():
        return
    job_read, job_write = os.pipe()
    result_read, result_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(job_write)
        os.close(result_read)
        _child(result_write, None, job_read, warm)
    os.close(job_read)
    os.close(result_write)
    _spare = (os.getpid(), pid, job_write, result_read)


def _take_spare(job: Job) -> tuple[int, int] | None:
    """Hand ``job`` to the spare process; its pid and result pipe, or None (no spare here,
    or it cannot take the job: it was ended, or the job cannot be pickled)."""
    global _spare
    spare, _spare = _spare, None
    if spare is None:
        return None
    owner, pid, job_write, result_read = spare
    if owner != os.getpid():  # a copy inherited by a forked process: the spare is its parent's
        return None
    try:
        if not select.select([result_read], [], [], 0)[0] or os.read(result_read, 1) != _READY:
            raise ChildProcessError("the spare is not ready")  # still warming up, or gone
        blob = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(len(blob).to_bytes(8, "big") + blob)
        while view:
            view = view[os.write(job_write, view):]
    except Exception:  # (BrokenPipeError, a value that cannot be pickled): a new process then
        os.close(result_read)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        return None
    finally:
        os.close(job_write)
    return pid, result_read


def _warm_up(warm: Callable[[], object]) -> None:
    """Run a spare's ``warm`` under the soft limit; a failure only leaves it less warm."""
    signal.signal(signal.SIGPROF, _on_alarm)
    signal.setitimer(signal.ITIMER_PROF, SOFT_SECONDS)
    try:
        warm()
    except Exception:  # a template that does not compile: the render reports it
        pass
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    _budget.range_total = 0


def _read_job(fd: int) -> Job | None:
    """The job sent to a spare process (length, then pickle); None when its parent is gone."""
    data = b""
    while len(data) < 8 or len(data) < 8 + int.from_bytes(data[:8], "big"):
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return None
        data += chunk
    return pickle.loads(data[8:])


def _child(
    write_fd: int, job: Job | None, job_fd: int | None = None, warm: Callable[[], object] | None = None
) -> None:
    """The forked process: limit itself, take its job (a spare: warm up, say it is ready,
    and read the job from ``job_fd``), compute, send the outcome, and leave without
    running any exit handler."""
    status = 0
    try:
        # No garbage collection: a collection touches every object, and so copies every
        # page the child shares with its parent (≈ 30 ms); the child lives a moment.
        gc.disable()
        _die_with_parent()
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):  # the parent's handlers are no use here
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_DFL)
        if job is None and job_fd is not None:
            if warm is not None:
                _warm_up(warm)
            os.write(write_fd, _READY)
            job = _read_job(job_fd)
            os.close(job_fd)
        if job is None:  # a spare whose parent ended
            os._exit(0)
        func, args, soft, hard, memory, file = job
        base = _address_space()
        if base is not None:
            import resource

            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_AS, (base + memory, resource.RLIM_INFINITY))
            with contextlib.suppress(ValueError, OSError):
                used = resource.getrusage(resource.RUSAGE_SELF)
                limit = math.ceil(used.ru_utime + used.ru_stime + hard)  # a spare's own start-up not counted
                resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))  # SIGXCPU, then SIGKILL
        signal.signal(signal.SIGPROF, _on_alarm)
        signal.setitimer(signal.ITIMER_PROF, soft)
        _budget.range_total = 0  # a render of its own, whatever this process did before
        try:
            outcome: tuple[str, Any] = ("ok", func(*args))
        except BaseException as exc:  # handed to the parent, which raises it
            outcome = ("error", exc)
        signal.setitimer(signal.ITIMER_PROF, 0)
        try:
            blob = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an exception that cannot be pickled: its text
            blob = pickle.dumps(("error", TemplateError(f"{type(exc).__name__}: {exc}", file)))
        view = memoryview(blob)
        while view:
            view = view[os.write(write_fd, view):]
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _run_here(func: Callable[..., T], args: tuple[Any, ...]) -> T:
    """The call in this process, with the soft limit where signals can be used (main thread)."""
    timer = hasattr(signal, "ITIMER_PROF") and threading.current_thread() is threading.main_thread()
    if not timer:
        return func(*args)
    previous = signal.signal(signal.SIGPROF, _on_alarm)
    signal.setitimer(signal.ITIMER_PROF, SOFT_SECONDS)
    try:
        return func(*args)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
