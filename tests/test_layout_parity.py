"""One house style, two formats: with a non-default emblem width and margins, the woordmerk
and the colofon stand at the same place in our PDF and in LibreOffice's rendering of our
DOCX — where the house style says, not where a constant in one writer put them.

Positions are read from page 1 with ``pdftotext -bbox`` (points from the page's top-left
corner) and compared in millimetres.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from conftest import copy_example

from briefing.build import build
from briefing.huisstijl import load

LETTER = "armenie-azerbeidzjan"
MM = 72 / 25.4  # points per millimetre
SETTINGS = """\
[huisstijl]
logo_width = 20.0
logo_height = 34.0
margin_left = 25.0
margin_top = 52.0
woordmerk = "Proefministerie van Woordmerken"
"""
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>')
TOLERANCE = 1.5  # mm: two renderers, two fonts (DejaVu in ours, LibreOffice's for Verdana/Georgia)


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
    """The example letter in the changed style: our PDF and LibreOffice's PDF of our DOCX."""
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice (soffice) ontbreekt: scripts/setup.sh --test installeert het")
    root = copy_example(tmp_path_factory.mktemp("layout"))
    (root / "briefing.toml").write_text(SETTINGS, encoding="utf-8")
    build([LETTER], root)
    converted = root / "libreoffice"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(root / 'lo-profile').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(converted), str(root / "output" / f"{LETTER}.docx")],
        capture_output=True, text=True, timeout=300,
    )
    assert (converted / f"{LETTER}.pdf").is_file(), "LibreOffice opende de DOCX niet"
    return {"pdf": root / "output" / f"{LETTER}.pdf", "docx": converted / f"{LETTER}.pdf", "root": root}


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
