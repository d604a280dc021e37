"""A preview round, in this process: the letter on screen first, its new pages on the page
before its DOCX and files are written, only changed pages drawn again, and nothing given up
(the files written after the pages, an edited DOCX still not overwritten)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx_edits
import pytest
from conftest import copy_example, edit

from briefing import outputs
from briefing.build import build
from briefing.errors import OutputError
from briefing.preview import _round
from briefing.preview import pages as pages_module
from briefing.preview.state import Preview
from briefing.watch import Watcher

LETTER = "armenie-azerbeidzjan"
ALSO = "vragen-sjoerdsma"  # reads the same shared figures (facts/_armenie.yaml)
FIGURE = ("armeense_soldaten: 207", "armeense_soldaten: 210")


class Round:
    """A watched copy of the example, with the preview's state, built once."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.state = Preview(project, LETTER)
        self.watcher = Watcher(project)
        letters = self.watcher.affected(set())
        self.watcher.changes()
        _round(self.state, self.watcher, letters, lambda line: None)

    def save(self, path: str, old: str, new: str) -> None:
        """Edit a source and run the round the watcher would run for it."""
        edit(self.project / path, old, new)
        self.next_round()

    def next_round(self) -> None:
        """The round the watcher runs for what it sees now."""
        _round(self.state, self.watcher, self.watcher.affected(self.watcher.changes()), lambda line: None)

    def output(self, name: str, fmt: str) -> bytes:
        return (self.project / "output" / f"{name}.{fmt}").read_bytes()


@pytest.fixture
def preview(tmp_path: Path) -> Round:
    return Round(copy_example(tmp_path))


def _text(blob: bytes) -> str:
    return "\n".join(docx_edits.texts(blob))


def test_the_new_pages_are_shown_before_the_files_are_written(preview: Round, monkeypatch) -> None:
    old_pdf, old_docx = preview.output(LETTER, "pdf"), preview.output(LETTER, "docx")
    seen: list[tuple[str, bool, bytes, bytes]] = []  # (letter, new pages?, PDF and DOCX on disk then)
    update = preview.state.update

    def watching(name: str, *args: Any, **kwargs: Any):
        on_disk = preview.output(name, "pdf"), preview.output(name, "docx")
        seen.append((name, kwargs.get("built", False), *on_disk))
        return update(name, *args, **kwargs)

    monkeypatch.setattr(preview.state, "update", watching)
    preview.save("facts/_armenie.yaml", *FIGURE)
    # The letter on screen first, then the other letter that reads the figure.
    assert [(name, built) for name, built, _, _ in seen] == [(LETTER, True), (ALSO, True)]
    _, _, pdf_then, docx_then = seen[0]
    assert (pdf_then, docx_then) == (old_pdf, old_docx)  # shown while the old files were still there
    view = preview.state.view(LETTER)
    assert view.pdf != old_pdf and view.changes["facts"]
    # After the round, the files on disk are the pages shown and a DOCX that says the same.
    assert preview.output(LETTER, "pdf") == view.pdf
    assert " 210 " in _text(preview.output(LETTER, "docx")) and " 207 " in _text(old_docx)
    assert (preview.project / "output" / f"{LETTER}.wijzigingen.docx").is_file()
    # And they are what a build writes: a build now finds the letter up to date, and one
    # that builds it again anyway writes the very PDF the page showed.
    (result,) = build([LETTER], preview.project)
    assert result.unchanged
    build([LETTER], preview.project, force=True)
    assert preview.output(LETTER, "pdf") == view.pdf


def test_the_letter_a_page_looks_at_is_built_first(preview: Round, monkeypatch) -> None:
    preview.state.looking_at(ALSO)
    order: list[str] = []
    update = preview.state.update

    def watching(name: str, *args: Any, **kwargs: Any):
        order.append(name)
        return update(name, *args, **kwargs)

    monkeypatch.setattr(preview.state, "update", watching)
    preview.save("facts/_armenie.yaml", *FIGURE)
    assert order == [ALSO, LETTER]


def test_a_save_during_a_round_comes_before_the_other_letters(preview: Round, monkeypatch) -> None:
    old_also = preview.output(ALSO, "pdf")
    update = preview.state.update
    saved: list[str] = []

    def save_meanwhile(name: str, *args: Any, **kwargs: Any):
        if not saved:  # the letter on screen is shown: the writer saves again at once
            edit(preview.project / "facts" / "_armenie.yaml", FIGURE[1], "armeense_soldaten: 211")
            saved.append(name)
        return update(name, *args, **kwargs)

    monkeypatch.setattr(preview.state, "update", save_meanwhile)
    preview.save("facts/_armenie.yaml", *FIGURE)
    assert saved == [LETTER]
    # The other letter waits for the next round; its files and its view are as they were.
    assert [p.stem for p in preview.watcher.pending] == [ALSO]
    assert preview.output(ALSO, "pdf") == old_also and not preview.state.view(ALSO).problems
    # The next round (at once: the watcher sees the save) builds the newest figure, the
    # letter on screen first, and then the other letter too.
    order: list[str] = []

    def watching(name: str, *args: Any, **kwargs: Any):
        order.append(name)
        return update(name, *args, **kwargs)

    monkeypatch.setattr(preview.state, "update", watching)
    preview.next_round()
    assert order == [LETTER, ALSO] and preview.watcher.pending == []
    assert " 211 " in _text(preview.output(LETTER, "docx")) and preview.output(ALSO, "pdf") != old_also


def test_only_the_changed_pages_are_drawn_again(preview: Round, monkeypatch) -> None:
    view = preview.state.view(LETTER)
    preview.state.asked_ratio(ALSO, 1.0)  # looked at before, not now: not drawn ahead
    preview.state.looking_at(LETTER)
    preview.state.asked_ratio(LETTER, 1.0)  # a page on a screen of ratio 1 shows the letter
    before = {page.look: page for page in view.pages}
    drawn: list[tuple[int, float, bool]] = []
    draw = pages_module._draw

    def counting(document, index: int, ratio: float, box):
        drawn.append((index, ratio, box is not None))
        return draw(document, index, ratio, box)

    monkeypatch.setattr(pages_module, "_draw", counting)
    preview.save("facts/_armenie.yaml", *FIGURE)
    view = preview.state.view(LETTER)
    changed = [i for i, page in enumerate(view.pages) if page.look not in before]
    assert changed == [0]  # the figure is on page 1; pages 2 and 3 look as they did
    # Page 1 drawn before the page heard of it, grey and its colour part; nothing else (the
    # other letter's pages are drawn when a page asks for them).
    assert sorted(drawn) == [(0, 1.0, False), (0, 1.0, True)]
    assert {key[0] for key in view.images} == {view.pages[0].look}


def test_an_edited_docx_is_not_overwritten_and_the_last_good_pages_stay(preview: Round) -> None:
    docx = preview.project / "output" / f"{LETTER}.docx"
    docx_edits.replace(docx, "hevige", "zware")  # the letter edited in Word
    edited, old_pdf = docx.read_bytes(), preview.output(LETTER, "pdf")
    shown = preview.state.view(LETTER).pdf
    preview.save("facts/_armenie.yaml", *FIGURE)
    view = preview.state.view(LETTER)
    (problem,) = view.problems
    assert "bewerkt" in problem["message"] and problem["location"] == f"output/{LETTER}.docx"
    assert view.pdf == shown  # no new pages were shown
    assert docx.read_bytes() == edited and preview.output(LETTER, "pdf") == old_pdf
    assert not preview.state.view(ALSO).problems  # the other letter is built as usual


def test_pages_shown_early_give_way_when_the_files_cannot_be_written(preview: Round, monkeypatch) -> None:
    old = {fmt: preview.output(LETTER, fmt) for fmt in ("pdf", "docx")}
    shown = preview.state.view(LETTER)
    pdf, pages, version = shown.pdf, shown.pages, shown.version
    commit = outputs.Transaction.commit

    def full_disk(self: outputs.Transaction) -> None:
        if self.name == LETTER:
            raise OutputError("schijf vol")
        commit(self)

    monkeypatch.setattr(outputs.Transaction, "commit", full_disk)
    preview.save(f"facts/{LETTER}.yaml", "betreft: Verslag", "betreft: Nieuw verslag")
    view = preview.state.view(LETTER)
    assert view.version >= version + 2  # the new pages were shown, then taken back
    assert (view.pdf, view.pages) == (pdf, pages)
    assert "schijf vol" in view.problems[0]["message"]
    assert {fmt: preview.output(LETTER, fmt) for fmt in ("pdf", "docx")} == old  # no half-written pair
