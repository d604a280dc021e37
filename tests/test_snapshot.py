"""Snapshots: a built letter kept as JSON, read back exactly as it was."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import sample_letter, sample_meta

from briefing import snapshot
from briefing.errors import OutputError
from briefing.model import Letter
from briefing.numbering import number
from briefing.parse import parse

MARKDOWN = """\
Inleiding met een [link](https://www.rijksoverheid.nl) en `code`.

# Stand van zaken {#stand}

Tekst met *nadruk*, **vet** en een voetnoot[^1]. Zie <ref:bijlage>.\\
Tweede regel.

1. een
2. twee
   - genest

| Land | Aantal |
|---|--:|
| Armenië | 207 |

> Een citaat.

# Bijlage {#bijlage .ongenummerd}

Slot.

[^1]: Kamerstuk 21 501-02, nr. 2540.
"""


@pytest.mark.parametrize("letter", [
    sample_letter(),
    sample_letter(concept=True, uw_kenmerk=None, slot=None, bijlagen=()),
    number(parse(MARKDOWN, sample_meta())),
], ids=["hand-built", "sparse-meta", "parsed"])
def test_round_trip_is_lossless(letter: Letter) -> None:
    assert snapshot.loads(snapshot.dumps(letter, {})).letter == letter


def test_every_node_is_tagged_and_dates_are_iso_strings() -> None:
    data = json.loads(snapshot.dumps(sample_letter(), {}))
    letter = data["letter"]
    assert letter["type"] == "Letter"
    assert letter["meta"]["type"] == "Meta"
    assert letter["meta"]["datum"] == "2022-12-09"
    assert letter["meta"]["afzender"]["type"] == "Afzender"

    def untagged(node, path="letter"):
        if isinstance(node, dict):
            if "type" not in node:
                yield path
            for key, value in node.items():
                yield from untagged(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from untagged(value, f"{path}[{i}]")

    assert list(untagged(letter)) == []
    kinds = json.dumps(letter)
    for tag in ("Heading", "Paragraph", "ListBlock", "ListItem", "Table", "BlockQuote", "Footnote",
                "Text", "Emph", "Strong", "Link", "LineBreak", "NoteRef", "Ref", "Ondertekenaar"):
        assert f'"type": "{tag}"' in kinds


def test_facts_are_kept_json_safe() -> None:
    facts = {
        "gevechten": {"begin": date(2022, 9, 13)},
        "moment": datetime(2022, 9, 13, 8, 30),
        "grensgesprekken": ["Moskou", "Brussel"],
        "personen": {"minister_bz": "W.B. Hoekstra"},
        "leeg": None,
        "aantal": 207,
    }
    kept = snapshot.loads(snapshot.dumps(sample_letter(), facts)).facts
    assert kept == {
        "gevechten": {"begin": "2022-09-13"},
        "moment": "2022-09-13T08:30:00",
        "grensgesprekken": ["Moskou", "Brussel"],
        "personen": {"minister_bz": "W.B. Hoekstra"},
        "leeg": None,
        "aantal": 207,
    }


def test_same_build_gives_the_same_bytes() -> None:
    assert snapshot.dumps(sample_letter(), {"a": 1}) == snapshot.dumps(sample_letter(), {"a": 1})


def test_save_and_load_next_to_the_manifest(tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert snapshot.load(output, "brief") is None
    path = snapshot.save(output, "brief", sample_letter(), {"slachtoffers": {"armeense_soldaten": 207}})
    assert path == output / ".briefing" / "brief.snapshot.json"
    kept = snapshot.load(output, "brief")
    assert kept.letter == sample_letter()
    assert kept.facts == {"slachtoffers": {"armeense_soldaten": 207}}


@pytest.mark.parametrize("content", [b"{not json", b'{"briefing-snapshot": 99, "letter": {}}',
                                     b'{"briefing-snapshot": 1, "letter": {"type": "Unknown"}}'])
def test_unreadable_snapshot_is_an_output_error(tmp_path: Path, content: bytes) -> None:
    path = snapshot.path_for(tmp_path, "brief")
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(OutputError, match=r"brief\.snapshot\.json"):
        snapshot.load(tmp_path, "brief")
