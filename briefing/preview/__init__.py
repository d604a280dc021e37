"""``briefing preview``: the letters' pages live in the browser while you write.

The project is built and watched as by ``briefing watch`` (:func:`briefing.watch.watch`,
whose rounds this wraps). A round builds the letter on screen first, and the page learns
of its new pages, through server-sent events, as soon as its PDF is made and the changed
pages are drawn — before its DOCX and redline are made and its files written (should
that fail, the last good pages come back, with the problem). After the round, the page
learns which other letters have new pages, new problems or problems gone. What changed
is ``briefing diff``'s report of the new build against the one before it (the snapshot
that build replaces). The web server (:mod:`briefing.preview.server`) runs in a thread
beside the build loop; Ctrl-C stops both.
"""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from briefing import timing
from briefing.errors import InputError, OutputError, UsageError
from briefing.preview.state import Preview, highlights, problem_json, report_json

if TYPE_CHECKING:
    from briefing.build import BuildResult, Prepared
    from briefing.preview.state import LetterView
    from briefing.snapshot import Snapshot
    from briefing.watch import Watcher

__all__ = ["preview"]

SERVE_WAIT = 0.3  # seconds the DOCX waits, at most, for an open page to fetch new pages' images


def preview(
    project: str | Path = ".",
    letter: str | None = None,
    port: int | None = None,
    open_browser: bool = True,
    out: Callable[[str], None] = print,
    draft: bool = False,
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Serve the project's letters on 127.0.0.1 and rebuild them on every save, until Ctrl-C.

    ``letter`` (a name or a path) is shown first; ``port`` None takes 8150 or the next
    free port. Raises :class:`UsageError` for an unknown letter or a port in use.
    """
    from briefing.build import resolve_letters
    from briefing.facts import letter_files
    from briefing.preview.server import make_server
    from briefing.watch import watch

    root = Path(project).resolve()
    paths = resolve_letters(root, [letter] if letter else None)  # an unknown letter: exit 2
    state = Preview(root, paths[0].stem if letter else None)
    state.set_letters(p.stem for p in letter_files(root))  # listed at once; built by the first round
    try:
        server = make_server(state, port)
    except OSError as exc:
        reason = exc.strerror or exc
        which = f"poort {port} is" if port is not None else "poorten 8150–8159 en een vrije poort zijn"
        raise UsageError(f"{which} niet vrij ({reason}); kies een andere met --port") from None
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    url = server.url + (f"?brief={quote(state.first)}" if state.first else "")
    out(f"briefing preview: {url} (stoppen met Ctrl-C)")
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    try:
        watch(root, out=out, draft=draft, stop=stop, on_round=lambda watcher, letters: _round(
            state, watcher, letters, out))
    finally:
        state.close()
        server.shutdown()
        server.server_close()


def _round(state: Preview, watcher: Watcher, letters: list[Path], out: Callable[[str], None]) -> None:
    """One build round, with the page told what it built, what changed and what went wrong."""
    state.set_letters(p.stem for p in watcher.deps)
    if not letters:
        return
    focus = state.focus()
    letters = sorted(letters, key=lambda path: path.stem != focus)  # the letter on screen first
    state.set_busy([p.stem for p in letters])
    with timing.listening() as moments:  # where the round's time goes, for the page (benchmarks)
        timing.mark("round")
        try:
            _build_and_show(state, watcher, letters, out)
        finally:
            state.round_done(moments)


def _build_and_show(
    state: Preview, watcher: Watcher, letters: list[Path], out: Callable[[str], None]
) -> None:
    """Build ``letters`` one by one, each put on the page as soon as its PDF is made, until
    a save comes; then tell the page the outcome of the others (problems, or unchanged)."""
    from briefing.watch import build_round

    before = {path.stem: _snapshot(watcher.root / "output", path.stem) for path in letters}
    shown: dict[str, LetterView] = {}  # letters shown early → their views as they were

    def on_pdf(name: str, pdf: bytes, prepared: Prepared) -> None:
        shown[name] = _show_new(state, name, pdf, prepared, before.get(name))
        state.wait_served(name, SERVE_WAIT)  # then its DOCX, redline and files
        timing.mark("pages-served")

    results, problems = build_round(watcher, letters, out, on_pdf, one_by_one=True)
    done = {result.name: result for result in results}
    for path in letters:
        if path in watcher.pending:
            continue  # left for the next round: a save came first
        result, early = done.get(path.stem), shown.get(path.stem)
        if result is not None and early is not None:
            continue  # its pages are on the page since its PDF was made
        if early is not None:  # shown early, then its build failed: the last good pages again
            state.restore(early, _problems_json(watcher, path, problems))
            continue
        _show(state, watcher, path, result, problems)


def _show_new(
    state: Preview, name: str, pdf: bytes, prepared: Prepared, before: Snapshot | None
) -> LetterView:
    """Put a letter's new PDF on the page at once, with what changed since ``before`` (the
    snapshot of the build it replaces); if a page is looking at the letter, its changed
    pages are drawn first, at the resolutions the page asked for. Returns the letter's
    view as it was."""
    from briefing.diff import compare
    from briefing.preview.pages import describe_pages, find_marks, render_new
    from briefing.snapshot import letter_facts

    sizes = describe_pages(pdf)
    timing.mark("pages-described")
    facts = letter_facts(prepared.facts)  # as its snapshot will hold them
    report = compare(before.letter, prepared.letter, before.facts, facts) if before else None
    marks = find_marks(pdf, highlights(report)) if report else []
    timing.mark("diff")
    view = state.view(name)
    images = {}
    if view is not None and name == state.focus():
        with state.changed:
            looks, have, ratios = [page.look for page in view.pages], set(view.images), view.wanted_ratios()
        images = render_new(pdf, sizes, ratios, looks, have)  # the pages on screen now keep theirs
    timing.mark("pages-drawn")
    return state.update(name, pdf, sizes, changes=report_json(report, marks), marks=marks, built=True,
                        images=images)


def _show(
    state: Preview, watcher: Watcher, path: Path, result: BuildResult | None, problems: list[InputError]
) -> None:
    """Tell the page the outcome of a letter not shown early: its problems, or that it is
    unchanged (its pages, if the page has none yet)."""
    from briefing.preview.pages import describe_pages

    name = path.stem
    if result is None:  # the letter has problems: its last good pages stay
        state.update(name, problems=_problems_json(watcher, path, problems))
        return
    view = state.view(name)
    if result.unchanged and view is not None and view.pdf is not None:
        state.update(name)  # up to date, and its problems (if any) gone
        return
    pdf = _read(watcher.root / "output" / f"{name}.pdf")
    state.update(name, pdf, describe_pages(pdf) if pdf is not None else [], built=not result.unchanged)


def _problems_json(watcher: Watcher, letter: Path, problems: list[InputError]) -> list[dict]:
    return [problem_json(p, watcher.root) for p in _problems_of(watcher, letter, problems)]


def _problems_of(watcher: Watcher, letter: Path, problems: list[InputError]) -> list[InputError]:
    """The problems of a round that are in ``letter``'s files; all of them if none are."""
    deps = {p.resolve() for p in watcher.deps.get(letter, ())} | {letter.resolve()}
    mine = [p for p in problems if p.file and (watcher.root / p.file).resolve() in deps]
    return mine or problems


def _snapshot(output: Path, name: str) -> Snapshot | None:
    from briefing import snapshot

    try:
        return snapshot.load(output, name)
    except OutputError:
        return None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
