"""Warm worker processes, so that letters (and one letter's two formats) build in parallel.

Workers are forked: each starts as a copy of the parent, imports done, then imports
the writers and WeasyPrint once and loads the hyphenation dictionary — the costs of
a first PDF. The pool then lives as long as the process, so that ``briefing watch``
rebuilds with a worker that already has all of that (and the parsed stylesheet and
fonts) at hand. Workers are forked on Linux only (macOS forks unsafely once system
frameworks are loaded, Windows cannot fork); elsewhere, and inside a worker,
:func:`start` gives None and the caller builds in its own process.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import marshal
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing import _compat

if TYPE_CHECKING:  # imported when a pool is made: ≈ 0.04 s that an unchanged build does without
    from concurrent.futures import ProcessPoolExecutor as Pool

_executor: Pool | None = None
_size = 0
_in_worker = False


def cores() -> int:
    """The number of cores this process may run on: the default for ``--jobs``."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def forking() -> bool:
    """Whether warm workers can be forked here: on Linux, where fork is safe and cheap."""
    import multiprocessing

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def start(workers: int, language: str = "nl-NL", pdf: bool = True) -> Pool | None:
    """A pool of at least ``workers`` processes, already started and warming up, or None.

    The pool is kept for later calls in this process. ``language`` is the letters'
    language (for the hyphenation dictionary); with ``pdf`` false the workers do not
    import WeasyPrint up front.
    """
    import multiprocessing

    global _executor, _size
    if _in_worker or workers < 1 or not forking():
        return None
    if _executor is None or _size < workers or _compat.pool_broken(_executor):
        shutdown()
        from concurrent.futures import ProcessPoolExecutor

        fork = multiprocessing.get_context("fork")
        _executor = ProcessPoolExecutor(workers, mp_context=fork, initializer=_warm, initargs=(language, pdf))
        _size = workers
        # Registered (again) after multiprocessing's own exit handler, so that it runs
        # before it: that one joins the workers, which end only once shut down.
        atexit.unregister(shutdown)
        atexit.register(shutdown)
        # With the fork method the first task starts every worker: they warm up from now
        # on, while this process goes on reading and rendering the letter.
        _executor.submit(int)
    return _executor


def shutdown(now: bool = False) -> None:
    """End the workers (they are idle between builds; this only frees their memory).

    With ``now``, for a process that is about to exit once its builds are done, workers are
    stopped rather than waited for: a build that stops at a mistake in the letter, before
    any PDF, would otherwise wait for its worker to finish loading WeasyPrint (≈ 0.6 s).
    """
    global _executor, _size
    if _executor is not None:
        if now:
            # No task of ours is running here: a build waits for every task it gave a worker.
            _compat.terminate_workers(_executor)
        _executor.shutdown(wait=True, cancel_futures=True)
    _executor, _size = None, 0



def warm_up(project: str | Path, formats: Iterable[str] = ("docx", "pdf")) -> None:
    """Ready a long-running process (``briefing watch``) for quick rebuilds from the first one.

    Without it, the first save after ``briefing watch`` found every letter up to date
    pays a cold build (≈ 1.5 s). This imports the DOCX and redline writers here and
    has the PDF worker lay out one line of Dutch (fonts, Pango, hyphenation), in the
    background; with a single core, the PDF writer is warmed here instead.
    """
    from briefing import huisstijl
    from briefing.errors import InputError
    from briefing.writers import docx, redline  # noqa: F401

    try:
        language = huisstijl.load(Path(project)).language
    except InputError:
        language = huisstijl.HouseStyle().language
    if "pdf" not in formats:
        return
    pool = start(1, language) if cores() > 1 else None
    if pool is not None:
        pool.submit(_first_pdf, language)
    else:
        _import_pdf_writer(language)
        _first_pdf(language)


def _first_pdf(language: str) -> None:
    """Lay out and write a line of text: what a process's first PDF pays beyond the imports."""
    import weasyprint

    words = "vredesbesprekingen krijgsgevangenen grensafbakening " * 8
    weasyprint.HTML(string=f'<p lang="{language}" style="hyphens: auto">{words}</p>').write_pdf()


def _warm(language: str, pdf: bool) -> None:
    """Runs once in each new worker: pay the PDF writer's start-up costs before the first letter."""
    global _in_worker
    _in_worker = True
    _end_with_parent()
    # The DOCX writer is left to its first use: a worker beside a DOCX made in the parent
    # only makes the PDF, and this warm-up is the longest step of a single letter's build.
    if pdf:
        _import_pdf_writer(language)


def _end_with_parent() -> None:
    """A worker ends when its parent does, whether it stops cleanly or is killed (Linux), and
    is stopped by SIGTERM/SIGHUP plainly (not by the parent's handlers, inherited by the fork)."""
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    with contextlib.suppress(Exception):  # not on Linux: the parent's clean-up ends the workers
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent ended before the line above: end now
        os._exit(0)


def _import_pdf_writer(language: str) -> None:
    from briefing.writers import pdf as pdf_writer

    pdf_writer.load_weasyprint()  # about a second: the bulk of a cold PDF
    load_hyphenation(language)


def load_hyphenation(language: str) -> None:
    """Load the hyphenation dictionary WeasyPrint will use for ``language``.

    pyphen parses a dictionary's patterns on first use (Dutch: ≈ 0.2 s of every cold
    PDF) and keeps it for the life of the process. The parsed patterns are also kept
    in the user's cache folder, which loads in ≈ 0.01 s; the patterns, and so every
    hyphen, are the same. The cache carries a checksum of its content and is checked
    for pyphen's shape: a damaged one is ignored (pyphen parses as before), so it can
    never change a PDF.
    """
    import pyphen

    loaded = _compat.hyphenation_cache()  # pyphen's own cache of parsed dictionaries
    lang = pyphen.language_fallback(language)
    if loaded is None or not lang or pyphen.LANGUAGES[lang] in loaded:
        return
    source = Path(pyphen.LANGUAGES[lang])
    try:
        stat = source.stat()
        cache = _cache_dir() / f"{lang}-{pyphen.__version__}-{stat.st_size}-{stat.st_mtime_ns}.marshal"
    except (OSError, AttributeError):
        return
    hyph = _read_patterns(cache)
    if hyph is None:
        hyph = _compat.parse_hyphenation(source)
        _write_patterns(cache, hyph)
    loaded[pyphen.LANGUAGES[lang]] = hyph


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "briefing"


def _read_patterns(cache: Path) -> Any:
    """A pyphen ``HyphDict`` from its cached patterns, or None."""
    try:
        blob = cache.read_bytes()
    except OSError:
        return None
    digest, payload = blob[:32], blob[32:]
    if hashlib.sha256(payload).digest() != digest:  # damaged, or not written by us
        return None
    try:
        patterns = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if not _valid_patterns(patterns):
        return None
    return _compat.hyphenator_from_patterns(patterns)


def _valid_patterns(patterns: Any) -> bool:
    """Whether ``patterns`` has the shape of pyphen's: ``{'.aan': (4, (5,)), …}``."""
    if not isinstance(patterns, dict) or not patterns:
        return False
    for key, value in patterns.items():
        if not (isinstance(key, str) and key and isinstance(value, tuple) and len(value) == 2):
            return False
        start, values = value
        if type(start) is not int or not isinstance(values, tuple):
            return False
        if not all(type(v) is int and 0 <= v <= 9 for v in values):
            return False
    return True


def _write_patterns(cache: Path, hyph: Any) -> None:
    """Keep ``hyph``'s patterns, if they are plain numbers (dictionaries with nonstandard
    hyphenation, such as Hungarian's, carry extra data per pattern and are not kept)."""
    patterns = _compat.hyphenation_patterns(hyph)  # None: a HyphDict of an unknown shape
    if patterns is None or not all(type(v) is int for _, values in patterns.values() for v in values):
        return
    with contextlib.suppress(OSError):  # no cache then: the next process parses again
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        payload = marshal.dumps(patterns)
        tmp.write_bytes(hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, cache)
