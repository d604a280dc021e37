"""The preview's state: which letter is on screen, and waiting for a page to fetch new pages."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from briefing.preview.pages import Page
from briefing.preview.state import Preview

PAGES = [Page(794, 1123, "look-1"), Page(794, 1123, "look-2")]


def _shown_early(state: Preview) -> None:
    """Letter ``a`` gets new pages with page 1 drawn ahead at ratio 2."""
    state.update("a", b"%PDF", PAGES, built=True, images={("look-1", 2.0, False): b"png"})


def test_the_letter_on_screen_is_the_one_a_page_asked_for_last(tmp_path: Path) -> None:
    state = Preview(tmp_path, "b")
    state.set_letters(["a", "b", "c"])
    assert state.focus() == "b"  # the letter the preview was started with
    state.looking_at("c")
    assert state.focus() == "c"
    state.looking_at("gone")  # not a letter of the project
    assert state.focus() == "c"
    assert Preview(tmp_path).focus() is None


def test_no_waiting_for_a_page_when_none_is_open(tmp_path: Path) -> None:
    state = Preview(tmp_path)
    _shown_early(state)
    start = time.monotonic()
    assert state.wait_served("a", 5)
    assert time.monotonic() - start < 1


def test_an_open_page_is_waited_for_until_it_fetched_the_new_images(tmp_path: Path) -> None:
    state = Preview(tmp_path)
    state.stream(opened=True)
    _shown_early(state)
    assert not state.wait_served("a", 0.05)  # not fetched: the wait ends at its timeout
    state.served("a", ("look-2", 2.0, False))  # another page: still waiting
    assert not state.wait_served("a", 0.05)
    # The page asks for page 1 at ratio 1 now (it moved to another screen): that will do.
    threading.Timer(0.1, state.served, ("a", ("look-1", 1.0, False))).start()
    start = time.monotonic()
    assert state.wait_served("a", 5)
    assert time.monotonic() - start < 2
