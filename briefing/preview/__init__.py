"""``briefing preview``: the letters' pages live in the browser while you write.

The project is built and watched as by ``briefing watch`` (:func:`briefing.watch.watch`,
whose rounds this wraps); after each round the page learns, through server-sent events,
which letters have new pages, new problems or problems gone. What changed is
``briefing diff``'s report of the new build against the one before it (the snapshot
that build replaced). The web server (:mod:`briefing.preview.server`) runs in a thread
beside the build loop; Ctrl-C stops both.
"""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from briefing.errors import InputError, OutputError, UsageError
from briefing.preview.state import Preview, highlights, problem_json, report_json

if TYPE_CHECKING:
    from briefing.build import BuildResult
    from briefing.snapshot import Snapshot
    from briefing.watch import Watcher

__all__ = ["preview"]


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
    from briefing.watch import build_round

    output = watcher.root / "output"
    state.set_letters(p.stem for p in watcher.deps)
    if not letters:
        return
    state.set_busy([p.stem for p in letters])
    try:
        before = {path: _snapshot(output, path.stem) for path in letters}
        results, problems = build_round(watcher, letters, out)
        done = {result.name: result for result in results}
        for path in letters:
            _show(state, watcher, path, done.get(path.stem), problems, before[path])
    finally:
        state.round_done()  # the page fetches what changed once the round is over


def _show(
    state: Preview,
    watcher: Watcher,
    path: Path,
    result: BuildResult | None,
    problems: list[InputError],
    before: Snapshot | None,
) -> None:
    """Tell the page one letter's outcome: its problems, or its new pages and what changed."""
    from briefing.diff import compare
    from briefing.preview.pages import describe_pages, find_marks

    root, output, name = watcher.root, watcher.root / "output", path.stem
    if result is None:  # the letter has problems: its last good pages stay
        mine = _problems_of(watcher, path, problems)
        state.update(name, problems=[problem_json(p, root) for p in mine])
        return
    pdf = _read(output / f"{name}.pdf")
    sizes = describe_pages(pdf) if pdf is not None else []
    if result.unchanged:
        state.update(name, pdf, sizes)
        return
    after = _snapshot(output, name)
    report = compare(before.letter, after.letter, before.facts, after.facts) if before and after else None
    marks = find_marks(pdf, highlights(report)) if pdf is not None and report else []
    state.update(name, pdf, sizes, changes=report_json(report, marks), marks=marks, built=True)


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
