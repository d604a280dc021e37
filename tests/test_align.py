"""align.merge3: two edits of one template paragraph (one line) merged word by word."""

from __future__ import annotations

import pytest

from briefing.align import MergeConflict, merge3

BASE = "Op 13 september vonden er hevige gevechten plaats; 207 soldaten kwamen om."


@pytest.mark.parametrize(
    ("ours", "theirs", "merged"),
    [
        # different words of the same line: both kept (a line merge would call this a conflict)
        ("Op 13 september vonden er zware gevechten plaats; 207 soldaten kwamen om.",
         "Op 13 september vonden er hevige gevechten plaats; 210 soldaten kwamen om.",
         "Op 13 september vonden er zware gevechten plaats; 210 soldaten kwamen om."),
        # the same change on both sides counts once
        ("Op 14 september vonden er hevige gevechten plaats; 207 soldaten kwamen om.",
         "Op 14 september vonden er hevige gevechten plaats; 207 soldaten kwamen om.",
         "Op 14 september vonden er hevige gevechten plaats; 207 soldaten kwamen om."),
        # one side unchanged
        (BASE, BASE + " Meer volgt.", BASE + " Meer volgt."),
        # words added at both ends
        ("Sinds gisteren: " + BASE, BASE + " Meer volgt.", "Sinds gisteren: " + BASE + " Meer volgt."),
    ],
)
def test_merged(ours: str, theirs: str, merged: str) -> None:
    assert merge3(BASE, ours, theirs) == merged


def test_same_words_changed_differently_is_a_conflict() -> None:
    with pytest.raises(MergeConflict) as info:
        merge3(BASE, BASE.replace("hevige", "zware"), BASE.replace("hevige", "felle"))
    assert (info.value.base, info.value.ours, info.value.theirs) == ("hevige", "zware", "felle")


def test_lines_merge_too() -> None:
    base = "a: 1\nb: 2\nc: 3\n"
    assert merge3(base, "a: 1\nb: 20\nc: 3\n", "a: 1\nb: 2\nc: 30\n") == "a: 1\nb: 20\nc: 30\n"
