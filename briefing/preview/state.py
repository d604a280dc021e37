"""What the preview page shows, per letter, and the one place that changes it.

The build loop (:mod:`briefing.preview`) updates the :class:`Preview` after every round;
the server's threads read it and wait on it for the next change (server-sent events).
Every value the page shows leaves here as JSON data — text, never HTML — and the page
puts it in as text.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from briefing.diff import Report, value_text
from briefing.errors import InputError
from briefing.preview.pages import Mark, Page

__all__ = ["LetterView", "Preview", "highlights", "problem_json", "report_json"]


@dataclass
class LetterView:
    """One letter as the page shows it: its last good PDF, its problems and its last changes."""

    name: str
    version: int = 0  # counts every change of what the page shows
    pdf: bytes | None = None
    pages: list[Page] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    changes: dict[str, Any] | None = None  # the report of the last build that wrote the letter
    marks: list[Mark] = field(default_factory=list)  # where its changed words are on the pages
    built: float | None = None  # time.time() of that build
    # (page's look, ratio, colour part or not) → PNG
    images: dict[tuple[str, float, bool], bytes] = field(default_factory=dict)
    ratios: dict[float, float] = field(default_factory=dict)  # ratio a page asked for → when (monotonic)
    unserved: set[tuple[str, float, bool]] = field(default_factory=set)  # drawn early, not yet fetched

    def wanted_ratios(self, within: float = 600.0) -> list[float]:
        """The ratios pages asked for lately: a new build's changed pages are drawn at these
        before the page hears of them."""
        now = time.monotonic()
        return sorted(ratio for ratio, at in self.ratios.items() if now - at < within)

    def json(self) -> dict[str, Any]:
        """The page's data for this letter."""
        return {
            "name": self.name,
            "version": self.version,
            "pages": [
                # The URL changes with the page's look: an unchanged page is not fetched again.
                {"url": f"/brief/{quote(self.name)}/pagina/{i + 1}.png?v={page.look}",
                 "width": page.width, "height": page.height,
                 "colour": {"url": f"/brief/{quote(self.name)}/pagina/{i + 1}-kleur.png?v={page.look}",
                            "box": list(page.colour)} if page.colour else None,
                 "marks": [[m.left, m.top, m.width, m.height] for m in self.marks if m.page == i]}
                for i, page in enumerate(self.pages)
            ],
            "problems": self.problems,
            "changes": self.changes,
            "built": self.built,
            "downloads": {fmt: f"/download/{quote(self.name)}.{fmt}" for fmt in ("pdf", "docx")},
        }


class Preview:
    """Every letter's view and a condition that wakes the event streams on each change."""

    def __init__(self, root: Path, first: str | None = None) -> None:
        self.root = root
        self.first = first
        self.letters: dict[str, LetterView] = {}
        self.looked_at: str | None = None  # the letter a page asked for last
        self.streams = 0  # open event streams: pages that are looking
        self.busy: list[str] = []
        self.rounds = 0  # build rounds finished (the page is up to date with each)
        self.moments: list[tuple[str, float]] = []  # of the last round: (what, time.time())
        self.event = 0  # counts changes; an event stream sends what it has not sent yet
        self.closed = False
        self.changed = threading.Condition()

    # ----------------------------------------------------------------- read by the server

    def view(self, name: str) -> LetterView | None:
        """The letter called ``name``, if the project has it."""
        with self.changed:
            return self.letters.get(name)

    def looking_at(self, name: str) -> None:
        """A page fetched letter ``name``: a build round builds it first."""
        with self.changed:
            if name in self.letters:
                self.looked_at = name

    def asked_ratio(self, name: str, ratio: float) -> None:
        """A page asked for letter ``name``'s pages at device pixel ratio ``ratio``."""
        with self.changed:
            view = self.letters.get(name)
            if view is not None:
                view.ratios[ratio] = time.monotonic()

    def served(self, name: str, key: tuple[str, float, bool]) -> None:
        """A page fetched the image ``key`` of letter ``name`` (at whatever ratio: a page that
        now asks for another one no longer needs those drawn at the old one)."""
        look, _, colour = key
        with self.changed:
            view = self.letters.get(name)
            if view is not None and view.unserved:
                view.unserved = {k for k in view.unserved if (k[0], k[2]) != (look, colour)}
                self.changed.notify_all()

    def wait_served(self, name: str, timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) until an open page has fetched the images drawn
        early for letter ``name``'s new pages: until then this process leaves the processor
        to the server (the DOCX made meanwhile would hold Python's lock, and the page would
        wait for its images). Immediately when no page is open. Whether they were fetched."""
        with self.changed:
            return self.changed.wait_for(
                lambda: self.closed or not self.streams or not (name in self.letters and
                                                               self.letters[name].unserved), timeout)

    def stream(self, opened: bool) -> None:
        """An event stream opened (a page is looking) or closed."""
        with self.changed:
            self.streams += 1 if opened else -1
            self.changed.notify_all()

    def focus(self) -> str | None:
        """The letter most likely on screen: the one a page asked for last, else the first shown."""
        with self.changed:
            if self.looked_at in self.letters:
                return self.looked_at
            names = sorted(self.letters)
            return self.first if self.first in self.letters else (names[0] if names else None)

    def state_json(self) -> dict[str, Any]:
        """The project's letters, which one to show first, what is being built, which have problems."""
        with self.changed:
            names = sorted(self.letters)
            first = self.first if self.first in self.letters else (names[0] if names else None)
            return {"project": self.root.name, "letters": names, "first": first,
                    "busy": list(self.busy), "rounds": self.rounds, "event": self.event,
                    "faulty": [name for name in names if self.letters[name].problems],
                    # A page fetches its letter again when its version changes, busy or not.
                    "versions": {name: self.letters[name].version for name in names}}

    def wait(self, after: int, timeout: float) -> int:
        """Wait until an event later than ``after`` (or ``timeout``, or closing); the latest event."""
        with self.changed:
            self.changed.wait_for(lambda: self.event > after or self.closed, timeout)
            return self.event

    def close(self) -> None:
        """Wake every waiting stream for good (the preview stops)."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    # ----------------------------------------------------------------- written by the build loop

    def set_letters(self, names: Iterable[str]) -> None:
        """The project's letters now (one added or removed in ``facts/``)."""
        names = set(names)
        with self.changed:
            if names == set(self.letters):
                return
            for gone in set(self.letters) - names:
                del self.letters[gone]
            for name in names - set(self.letters):
                self.letters[name] = LetterView(name)
            self._notify()

    def set_busy(self, names: list[str]) -> None:
        """The letters a round is building."""
        with self.changed:
            self.busy = names
            self._notify()

    def round_done(self, moments: list[tuple[str, float]] | None = None) -> None:
        """A round is over: every letter it built has been updated. ``moments``: where its
        time went (:mod:`briefing.timing`), kept for ``/api/moments``."""
        with self.changed:
            self.moments = list(moments or [])
            self.busy = []
            self.rounds += 1
            self._notify()

    def update(
        self,
        name: str,
        pdf: bytes | None = None,
        pages: list[Page] | None = None,
        problems: list[dict[str, Any]] | None = None,
        changes: dict[str, Any] | None = None,
        marks: list[Mark] | None = None,
        built: bool = False,
        images: dict[tuple[str, float, bool], bytes] | None = None,
    ) -> LetterView:
        """A round's outcome for one letter: new pages (``built``, with ``images`` of them drawn
        already), its problems (none: cleared). Returns the view as it was before (a copy)."""
        with self.changed:
            view = self.letters.setdefault(name, LetterView(name))
            before = replace(view, images=dict(view.images))
            if built:
                looks = {page.look for page in pages or []}
                view.images = {key: png for key, png in {**view.images, **(images or {})}.items()
                               if key[0] in looks}
                view.unserved = set(images or ())
                view.pdf, view.pages = pdf, pages or []
                view.changes, view.marks, view.built = changes, marks or [], time.time()
            elif pdf is not None and view.pdf is None:  # unchanged since before the preview began
                view.pdf, view.pages = pdf, pages or []
            view.problems = problems or []
            view.version += 1
            self._notify()
            return before

    def restore(self, before: LetterView, problems: list[dict[str, Any]]) -> None:
        """Show ``before`` (what :meth:`update` returned) again, with ``problems``: pages shown
        early whose build then failed give way to the last good ones."""
        with self.changed:
            view = self.letters.get(before.name)
            if view is None:
                return
            view.pdf, view.pages, view.images = before.pdf, before.pages, before.images
            view.changes, view.marks, view.built = before.changes, before.marks, before.built
            view.problems, view.unserved = problems, set()
            view.version += 1
            self._notify()

    def _notify(self) -> None:
        self.event += 1
        self.changed.notify_all()


# --------------------------------------------------------------------------- as data for the page


def problem_json(problem: InputError, root: Path) -> dict[str, Any]:
    """An input problem as the page lists it, with a link that opens its place in an editor."""
    link = None
    if problem.file:
        path = Path(problem.file)
        path = path if path.is_absolute() else root / path
        where = path.as_posix() if path.as_posix().startswith("/") else "/" + path.as_posix()  # C:/…
        link = "vscode://file" + quote(where) + (f":{problem.line}" if problem.line else "")
    return {"location": problem.location, "message": problem.message, "hint": problem.hint,
            "text": str(problem), "link": link}


def highlights(report: Report | None) -> list[tuple[str, list[tuple[int, int]]]]:
    """The added words of each changed sentence (a new sentence whole), as spans of the new
    sentence: what :func:`briefing.preview.pages.find_marks` looks for on the pages. One
    phrase per sentence of the report, in its order (a removed sentence has no spans)."""
    out: list[tuple[str, list[tuple[int, int]]]] = []
    for section in report.sections if report else ():
        for change in section.sentences:
            if change.new is None:
                out.append(("", []))
                continue
            spans, at = [], 0
            for op, text in change.pieces:
                if op == "-":
                    continue
                if op == "+" and text.strip():
                    spans.append((at, at + len(text)))
                at += len(text)
            out.append((change.new, spans))
    return out


def report_json(report: Report | None, marks: Iterable[Mark] = ()) -> dict[str, Any] | None:
    """``briefing diff``'s report as data: changed facts, and per section the changed sentences
    as pieces ``[op, text]`` (``=`` unchanged, ``-`` removed, ``+`` added), each with the place
    ``[page, top]`` of its first mark on the pages (``marks`` of :func:`highlights`' phrases),
    if it has one. None: no earlier build."""
    if report is None:
        return None
    places: dict[int, list[float]] = {}
    for mark in marks:
        places.setdefault(mark.phrase, [mark.page, mark.top])
    numbers = itertools.count()
    return {
        "facts": [{"path": c.path, "old": value_text(c.old), "new": value_text(c.new)} for c in report.facts],
        "sections": [
            {"title": section.title,
             "sentences": [
                 {"pieces": [list(piece) for piece in change.pieces], "place": places.get(next(numbers))}
                 for change in section.sentences
             ]}
            for section in report.sections
        ],
    }
