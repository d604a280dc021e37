"""``briefing watch``: rebuild the affected letters on every save, in one warm process.

The project's ``facts/``, ``templates/`` and ``briefing.toml`` (and the logo and font
files the house style names) are polled every ``interval`` seconds by their
modification time and size — plain ``os.stat``, no extra dependency, and it works the
same on network drives, where file-system events often do not arrive. A change
rebuilds the letters whose dependency lists (:func:`briefing.build.dependencies`,
before or after the change) hold a changed file. An input problem is printed as
``build`` prints it, and watching goes on; Ctrl-C ends it.
"""

from __future__ import annotations

import functools
import signal
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from briefing import limits, parallel, render
from briefing.build import FORMATS, BuildProblems, BuildResult, PdfReady, build, dependencies
from briefing.errors import BriefingError, InputError, Problems, UsageError
from briefing.facts import letter_files

__all__ = ["Watcher", "build_round", "watch"]

Stamp = tuple[int, int]  # (st_mtime_ns, st_size)


class Watcher:
    """The state of one watched project: file stamps and each letter's dependencies."""

    def __init__(
        self, project: str | Path = ".", formats: Iterable[str] = FORMATS, draft: bool = False
    ) -> None:
        self.root = Path(project).resolve()
        self.formats = tuple(formats)
        self.draft = draft
        self.deps: dict[Path, set[Path]] = {}
        self.stamps: dict[Path, Stamp] = {}
        self.pending: list[Path] = []  # letters a round left to the next one (a save came first)

    # ----------------------------------------------------------------- what changed

    def scan(self) -> dict[Path, Stamp]:
        """The stamp of every watched file now."""
        stamps: dict[Path, Stamp] = {}
        paths: set[Path] = {self.root / "briefing.toml"}
        for folder in (self.root / "facts", self.root / "templates"):
            if folder.is_dir():
                paths.update(p for p in folder.rglob("*") if not p.name.startswith("."))
        for deps in self.deps.values():  # the house style's logo and fonts, wherever they are
            paths.update(deps)
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                continue
            if not path.is_dir():
                stamps[path] = (st.st_mtime_ns, st.st_size)
        return stamps

    def saved(self) -> bool:
        """Whether a watched file changed since the last :meth:`changes` (which will report it)."""
        return self.scan() != self.stamps

    def changes(self) -> set[Path]:
        """Files added, removed or modified since the last call (empty on the first one)."""
        now = self.scan()
        changed = {p for p in now.keys() | self.stamps.keys() if now.get(p) != self.stamps.get(p)}
        self.stamps = now
        return changed

    def affected(self, changed: set[Path]) -> list[Path]:
        """The letters that depend on a changed file (before or after the change), and those
        the last round left for this one (:attr:`pending`).

        A letter seen for the first time counts as affected; so, on the first call, all.
        """
        letters = letter_files(self.root)
        out = []
        pending, self.pending = set(self.pending), []
        for letter in letters:
            before = self.deps.get(letter)
            after = set(dependencies(self.root, letter))
            self.deps[letter] = after
            if before is None or letter in changed or letter in pending or changed & (before | after):
                out.append(letter)
        for gone in set(self.deps) - set(letters):
            del self.deps[gone]
        return out

    # ----------------------------------------------------------------- building

    def spare(self) -> None:
        """Fork the next save's render process now, between rounds, its templates compiled
        (:func:`briefing.limits.make_spare`): a save then renders without waiting for a new
        process or a compiler."""
        folder = self.root / "templates"
        templates = sorted({dep for deps in self.deps.values() for dep in deps if dep.is_relative_to(folder)})
        limits.make_spare(functools.partial(render.compile_templates, self.root, templates))

    def build(
        self, letters: list[Path], on_pdf: PdfReady | None = None
    ) -> tuple[list[BuildResult], list[InputError]]:
        """Build ``letters``; their results and input problems (other problems too, as text).

        ``on_pdf``: see :func:`briefing.build.build` (each PDF handed over before the rest)."""
        try:
            return build(letters, self.root, self.formats, self.draft, on_pdf=on_pdf), []
        except BuildProblems as exc:
            return exc.results, exc.problems
        except Problems as exc:
            return [], exc.problems
        except InputError as exc:
            return [], [exc]
        except (UsageError, BriefingError) as exc:  # e.g. an output that cannot be written
            return [], [InputError(str(exc))]
        except Exception as exc:  # a fault of briefing itself: reported, and watching goes on
            return [], [InputError(f"onverwachte fout bij het bouwen: {type(exc).__name__}: {exc}")]


def watch(
    project: str | Path = ".",
    interval: float = 0.05,
    out: Callable[[str], None] = print,
    formats: Iterable[str] = FORMATS,
    draft: bool = False,
    stop: Callable[[], bool] = lambda: False,
    on_round: Callable[[Watcher, list[Path]], object] | None = None,
) -> None:
    """Build the project, then rebuild what a save affects until ``stop()`` or Ctrl-C.

    Each round prints, per letter, what was written and how long it took, then every
    problem as ``fout: file:line: message``. ``on_round(watcher, letters)``, when given,
    runs each round instead (``briefing preview`` wraps :func:`build_round` in it).
    """
    watcher = Watcher(project, formats, draft)
    if not (watcher.root / "facts").is_dir():
        raise UsageError(f"geen map facts/ in {watcher.root}; maak een brief met 'briefing new NAAM'")
    letters = watcher.affected(set())  # every letter's dependencies: their files are watched too
    watcher.changes()  # the state the first round builds; a save during it is seen after it
    interrupted = []
    # Ctrl-C ends watching between rounds, never halfway through writing. The handler is
    # inherited by the build's forked workers, so they do not die with a traceback either.
    main = threading.current_thread() is threading.main_thread()  # signals: main thread only
    previous = signal.signal(signal.SIGINT, lambda *_: interrupted.append(True)) if main else None
    try:
        out(f"briefing bewaakt {watcher.root} (stoppen met Ctrl-C)")
        rebuild = on_round or (lambda w, letters: build_round(w, letters, out))
        rebuild(watcher, letters)
        parallel.warm_up(watcher.root, watcher.formats)  # the first save rebuilds as fast as later ones
        watcher.spare()
        _loop(watcher, interval, rebuild, lambda: bool(interrupted) or stop())
        if interrupted:
            out("gestopt")
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


def _loop(
    watcher: Watcher,
    interval: float,
    rebuild: Callable[[Watcher, list[Path]], object],
    stop: Callable[[], bool],
) -> None:
    while not stop():
        time.sleep(interval)
        changed = watcher.changes()
        if not changed:
            continue
        # An editor may save in steps (a temporary file, then a rename): wait until still.
        for _ in range(10):
            time.sleep(min(interval, 0.02))
            more = watcher.changes()
            if not more:
                break
            changed |= more
        # Also with no letter to build (one was removed): a preview updates its list of letters.
        rebuild(watcher, watcher.affected(changed))
        watcher.spare()


def build_round(
    watcher: Watcher,
    letters: list[Path],
    out: Callable[[str], None],
    on_pdf: PdfReady | None = None,
    one_by_one: bool = False,
) -> tuple[list[BuildResult], list[InputError]]:
    """Build ``letters`` and print what was written and every problem; return both.

    ``one_by_one`` (``briefing preview``): the letters are built one after another, in the
    order given, and a save that comes meanwhile ends the round before the next letter;
    the letters not built are left in ``watcher.pending`` for the next round, which then
    follows at once (the letter on screen shows the newest save first).
    """
    if not letters:
        return [], []
    start = time.perf_counter()
    if one_by_one:
        results, problems = [], []
        for index, letter in enumerate(letters):
            if index and watcher.saved():
                watcher.pending = letters[index:]
                out(f"uitgesteld tot na de nieuwe wijziging: {', '.join(p.stem for p in watcher.pending)}")
                break
            built, found = watcher.build([letter], on_pdf)
            results += built
            problems += found
    else:
        results, problems = watcher.build(letters, on_pdf)
    for result in results:
        if result.unchanged:
            out(f"{result.name}: ongewijzigd")
        else:
            names = ", ".join(p.name for p in result.written)
            out(f"{result.name}: {names} herbouwd in {result.seconds:.2f} s")
    for problem in problems:
        out(f"fout: {problem}")
    took = time.perf_counter() - start
    status = f"{len(problems)} {'probleem' if len(problems) == 1 else 'problemen'}" if problems else "klaar"
    out(f"[{time.strftime('%H:%M:%S')}] {status} ({took:.2f} s); wacht op wijzigingen")
    return results, problems
