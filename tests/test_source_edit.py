"""source_edit: a YAML value changed in place — comments, order, quoting and indentation stay."""

from __future__ import annotations

from datetime import date

import pytest

from briefing.source_edit import EditError, replace_spans, set_value, split_path, value_line

YAML = """\
# Feiten van de brief
slachtoffers:
    armeense_soldaten: 207     # bron: Armeense overheid
    azerbeidzjaanse_soldaten: 80
naam: 'D''Hondt'
titel: "Verslag: bezoek"
datum: 2022-10-31
landen: [Armenië, Azerbeidzjan]
overig:
  - de EU-Golfstaten-dialoog
  - de situatie in Soedan
"""


@pytest.mark.parametrize(
    ("path", "value", "line"),
    [
        ("slachtoffers.armeense_soldaten", 210, "    armeense_soldaten: 210     # bron: Armeense overheid"),
        ("naam", "O'Neill", "naam: 'O''Neill'"),
        ("titel", "Verslag: bezoek ambassadeur", 'titel: "Verslag: bezoek ambassadeur"'),
        ("datum", date(2022, 11, 1), "datum: 2022-11-01"),
        ("landen", ["Armenië", "Georgië"], "landen: [Armenië, Georgië]"),
        ("overig[1]", "de situatie in Soedan: zorgelijk", '  - "de situatie in Soedan: zorgelijk"'),
    ],
)
def test_one_line_changes(path: str, value: object, line: str) -> None:
    edited = set_value(YAML, split_path(path), value)
    before, after = YAML.splitlines(), edited.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert [b for _, b in changed] == [line]


def test_split_path_and_line() -> None:
    assert split_path("overig[1].naam") == ["overig", 1, "naam"]
    assert value_line(YAML, ["slachtoffers", "azerbeidzjaanse_soldaten"]) == 4


def test_refuses_what_is_not_a_value() -> None:
    with pytest.raises(EditError):
        set_value(YAML, ["slachtoffers"], 3)
    with pytest.raises(EditError):
        set_value(YAML, ["landen"], ["een", "twee", "drie"])
    with pytest.raises(EditError):
        set_value(YAML, ["bestaat_niet"], 1)


def test_replace_spans_refuses_overlap() -> None:
    assert replace_spans("abcdef", [(0, 1, "X"), (4, 6, "YZ!")]) == "XbcdYZ!"
    with pytest.raises(EditError):
        replace_spans("abcdef", [(0, 3, "X"), (2, 4, "Y")])
