"""One house style, two formats: with a non-default emblem width, margins and list indent,
the woordmerk, the colofon and the lists stand at the same place in our PDF and in
LibreOffice's rendering of our DOCX — where the house style says, not where a constant in
one writer put them.

Positions are read from page 1 with ``pdftotext -bbox`` (points from the page's top-left
corner) and compared in millimetres. List markers are read with pypdfium2: poppler does
not extract LibreOffice's list labels.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pypdfium2
import pytest
from conftest import copy_example

from briefing.build import build
from briefing.huisstijl import load

LETTER = "armenie-azerbeidzjan"
LISTS = "lijsten"  # a letter of lists: bullets and numbers, three levels, a list from 3
MM = 72 / 25.4  # points per millimetre
SETTINGS = """\
[huisstijl]
logo_width = 20.0
logo_height = 34.0
margin_left = 25.0
margin_top = 52.0
list_indent = 7.0
woordmerk = "Proefministerie van Woordmerken"
"""
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>')
TOLERANCE = 1.5  # mm: two renderers, two fonts (DejaVu in ours, LibreOffice's for Verdana/Georgia)
LIST_TOLERANCE = 1.0  # mm: a list marker or item text in the one format against the other
LIST_TEMPLATE = """\
De lijsten van deze brief staan in beide formaten op dezelfde plaats:

- een eerste punt;
- een tweede punt, met deelpunten:
  1. een eerste deelpunt;
  2. een tweede deelpunt, lang genoeg om over meer dan een regel te lopen, zodat ook de \
tweede regel van het deelpunt te meten valt;
     - een punt op het derde niveau;
     - nog een punt op het derde niveau, ook dit lang genoeg om over meer dan een regel te lopen;
  3. een derde deelpunt;
- een derde punt, lang genoeg om over meer dan een regel te lopen, zodat ook de tweede regel \
van het punt te meten valt.

De genummerde lijst begint bij drie:

3. het derde punt;
4. het vierde punt, met een opsomming:
   - een streepje;
   - nog een streepje.
5. het vijfde punt.

Een punt dat met een lijst begint krijgt zijn eigen regel met het streepje:

- - een lijst in een punt zonder eigen tekst;
  - nog een.
"""
# (marker, level) of every item of LIST_TEMPLATE, in order.
LIST_ITEMS = [
    ("–", 0), ("–", 0), ("1.", 1), ("2.", 1), ("–", 2), ("–", 2), ("3.", 1), ("–", 0),
    ("3.", 0), ("4.", 0), ("–", 1), ("–", 1), ("5.", 0),
    ("–", 0), ("–", 1), ("–", 1),
]
MARKER = re.compile(r"^(–|\d+\.)$")


def words(pdf: Path) -> list[tuple[str, float, float]]:
    """(word, left, top) in mm of every word on page 1."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    found = []
    for m in WORD.finditer(out):
        found.append((unescape(m[3]), float(m[1]) / MM, float(m[2]) / MM))
    return found


def where(pdf: Path, word: str) -> tuple[float, float]:
    """(left, top) in mm of the first ``word`` on page 1."""
    for text, left, top in words(pdf):
        if text == word:
            return left, top
    raise AssertionError(f"{word!r} niet op pagina 1 van {pdf.name}: {[w for w, _, _ in words(pdf)][:40]}")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example letter and a letter of lists in the changed style: our PDFs and
    LibreOffice's PDFs of our DOCX files (one ``soffice`` call)."""
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice (soffice) ontbreekt: scripts/setup.sh --test installeert het")
    root = copy_example(tmp_path_factory.mktemp("layout"))
    (root / "briefing.toml").write_text(SETTINGS, encoding="utf-8")
    facts = (root / "facts" / f"{LETTER}.yaml").read_text(encoding="utf-8")
    assert f"sjabloon: {LETTER}.md.j2" in facts, "fixture drift: the example's template line"
    (root / "facts" / f"{LISTS}.yaml").write_text(
        facts.replace(f"sjabloon: {LETTER}.md.j2", f"sjabloon: {LISTS}.md.j2"), encoding="utf-8")
    (root / "templates" / f"{LISTS}.md.j2").write_text(LIST_TEMPLATE, encoding="utf-8")
    build([LETTER, LISTS], root)
    converted = root / "libreoffice"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(root / 'lo-profile').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(converted),
         *(str(root / "output" / f"{name}.docx") for name in (LETTER, LISTS))],
        capture_output=True, text=True, timeout=300,
    )
    for name in (LETTER, LISTS):
        assert (converted / f"{name}.pdf").is_file(), f"LibreOffice opende {name}.docx niet"
    return {"pdf": root / "output" / f"{LETTER}.pdf", "docx": converted / f"{LETTER}.pdf", "root": root,
            "lists-pdf": root / "output" / f"{LISTS}.pdf", "lists-docx": converted / f"{LISTS}.pdf"}


def test_the_settings_are_not_the_defaults(rendered: dict[str, Path]) -> None:
    style = load(rendered["root"])
    assert (style.logo_width, style.margin_left, style.margin_top) == (20.0, 25.0, 52.0)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_woordmerk_stands_right_of_the_emblem(rendered: dict[str, Path], fmt: str) -> None:
    style = load(rendered["root"])
    left, top = where(rendered[fmt], "Proefministerie")
    assert left == pytest.approx(style.woordmerk_left, abs=TOLERANCE)  # 105 + 10 + 2 = 117 mm
    assert top == pytest.approx(style.woordmerk_top, abs=TOLERANCE + 1)  # the line's ascent above the text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_colofon_starts_at_the_top_margin(rendered: dict[str, Path], fmt: str) -> None:
    style = load(rendered["root"])
    left, top = where(rendered[fmt], "Ministerie")  # the colofon's first line: the organisation
    assert left == pytest.approx(style.colofon_left, abs=TOLERANCE)
    assert top == pytest.approx(style.margin_top, abs=TOLERANCE)


@pytest.mark.parametrize("word", ["Proefministerie", "Ministerie", "Ons", "Retouradres", "Datum"])
def test_both_formats_put_it_at_the_same_place(rendered: dict[str, Path], word: str) -> None:
    ours, theirs = where(rendered["pdf"], word), where(rendered["docx"], word)
    assert ours == pytest.approx(theirs, abs=TOLERANCE), f"{word}: PDF {ours}, DOCX {theirs}"


# --------------------------------------------------------------------------- lists


def text_lines(pdf: Path) -> list[tuple[float, list[tuple[float, str]]]]:
    """Page 1's lines left of the colofon, top to bottom: (baseline in mm, [(left in mm, word)])."""
    page = pypdfium2.PdfDocument(pdf)[0]
    text, height = page.get_textpage(), page.get_height()
    chars = []
    for i in range(text.count_chars()):
        char = text.get_text_range(i, 1)
        if char.strip() and char not in "\u00ad\ufffe":
            left, bottom, right, _ = text.get_charbox(i, loose=True)
            if left / MM < 140:
                chars.append(((height - bottom) / MM, left / MM, right / MM, char))
    lines: list[list[tuple[float, float, float, str]]] = []
    for char in sorted(chars):
        if lines and char[0] - lines[-1][0][0] < 1.0:
            lines[-1].append(char)
        else:
            lines.append([char])
    out = []
    for line in lines:
        words: list[list] = []
        for _, left, right, char in sorted(line, key=lambda c: c[1]):
            if words and left - words[-1][2] < 0.6:
                words[-1][1] += char
                words[-1][2] = right
            else:
                words.append([left, char, right])
        out.append((line[0][0], [(left, word) for left, word, _ in words]))
    return out


def list_items(pdf: Path, leading: float) -> list[tuple[str, float, float | None, list[float]]]:
    """Each list item on page 1: (marker, marker's left, text's left, its next lines' lefts).

    A next line is one a line's leading below an item line that holds no marker. An item
    that opens with a list has its marker alone on its line (no text's left)."""
    items: list[tuple[str, float, float | None, list[float]]] = []
    previous = None
    for baseline, words in text_lines(pdf):
        near = previous is not None and baseline - previous < leading * 1.2
        if MARKER.match(words[0][1]):
            items.append((words[0][1], words[0][0], words[1][0] if len(words) > 1 else None, []))
            previous = baseline
        elif items and near:
            items[-1][3].append(words[0][0])
            previous = baseline
        else:
            previous = None
    return items


@pytest.mark.parametrize("fmt", ["lists-pdf", "lists-docx"])
def test_list_markers_hang_at_their_levels_margin(rendered: dict[str, Path], fmt: str) -> None:
    """Word's hanging indent: the marker at the margin of its level, the text one indent further."""
    style = load(rendered["root"])
    items = list_items(rendered[fmt], style.body_leading * 25.4 / 72)
    assert [marker for marker, *_ in items] == [marker for marker, _ in LIST_ITEMS]
    assert sum(bool(more) for *_, more in items) >= 3, "the long items run on: their next lines are checked"
    for (marker, level), (_, at, text, more) in zip(LIST_ITEMS, items, strict=True):
        margin = style.margin_left + level * style.list_indent
        assert at == pytest.approx(margin, abs=LIST_TOLERANCE), (marker, level)
        if text is None:  # the item opens with a list: its marker has a line of its own
            continue
        assert text == pytest.approx(margin + style.list_indent, abs=LIST_TOLERANCE), (marker, level)
        assert more == pytest.approx([text] * len(more), abs=LIST_TOLERANCE), (marker, level)
    assert [text for _, _, text, _ in items].count(None) == 1


def test_both_formats_put_list_markers_and_text_at_the_same_place(rendered: dict[str, Path]) -> None:
    leading = load(rendered["root"]).body_leading * 25.4 / 72
    ours, theirs = list_items(rendered["lists-pdf"], leading), list_items(rendered["lists-docx"], leading)
    assert len(ours) == len(theirs) == len(LIST_ITEMS)
    for (marker, at, text, _), (other, at2, text2, _) in zip(ours, theirs, strict=True):
        assert marker == other
        where = f"{marker}: PDF {at:.2f}/{text} mm, DOCX {at2:.2f}/{text2} mm"
        assert at == pytest.approx(at2, abs=LIST_TOLERANCE), where
        assert (text is None) == (text2 is None), where
        if text is not None:
            assert text == pytest.approx(text2, abs=LIST_TOLERANCE), where
