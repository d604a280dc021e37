"""Hostile input that the bad-input corpus cannot express as edits (issue 15): links to
files outside the project, a self-including template, dates at the ends of the calendar,
huge numbers in the number filters, a damaged hyphenation cache, spaces around a fact."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_example, edit

from briefing import check

LETTER = "armenie-azerbeidzjan"
FACTS = f"facts/{LETTER}.yaml"
TEMPLATE = f"templates/{LETTER}.md.j2"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing.cli", *args], capture_output=True, text=True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "project")


def test_a_shared_facts_file_linked_from_outside_is_refused(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "geheim.yaml"
    secret.write_text("wachtwoord: hunter2\n")
    (project / "facts" / "_x.yaml").symlink_to(secret)
    result = run("check", "--project", str(project))
    assert result.returncode == 1
    assert "fout: facts/_x.yaml: '_x.yaml' ligt buiten facts/" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout


def test_a_letter_linked_from_outside_is_refused(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elders.yaml"
    elsewhere.write_text((project / FACTS).read_text(encoding="utf-8"), encoding="utf-8")
    (project / "facts" / "gelinkt.yaml").symlink_to(elsewhere)
    problems = [str(p) for p in check(["gelinkt"], project)]
    assert any("ligt buiten facts/" in p for p in problems), problems


# --------------------------------------------------------------------------- the hyphenation cache


@pytest.mark.parametrize("damage", ["flipped-byte", "other-patterns", "wrong-shape"])
def test_a_damaged_or_altered_hyphenation_cache_is_not_used(tmp_path: Path, monkeypatch, damage: str) -> None:
    import marshal

    import pyphen

    from briefing import parallel

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    source = pyphen.LANGUAGES[pyphen.language_fallback("nl-NL")]
    monkeypatch.delitem(pyphen.hdcache, source, raising=False)
    parallel.load_hyphenation("nl-NL")
    parsed = pyphen.hdcache.pop(source)
    [cache] = (tmp_path / "briefing").glob("*.marshal")
    blob = cache.read_bytes()
    if damage == "flipped-byte":  # a disk or copy error
        blob = blob[:-10] + bytes([blob[-10] ^ 1]) + blob[-9:]
    elif damage == "other-patterns":  # well-formed, but not what was written
        patterns = dict(parsed.patterns)
        patterns[".aan"] = (4, (9,))
        blob = blob[:32] + marshal.dumps(patterns)
    else:
        import hashlib

        payload = marshal.dumps({".aan": "x"})
        blob = hashlib.sha256(payload).digest() + payload
    cache.write_bytes(blob)
    parallel.load_hyphenation("nl-NL")
    assert pyphen.hdcache[source].patterns == parsed.patterns  # parsed again, not the damaged cache


# --------------------------------------------------------------------------- the ends of the calendar


@pytest.mark.parametrize(
    ("datum", "fact", "expected"),
    [
        ("0001-03-01", "0001-01-05", "5 januari jl."),
        ("9999-12-01", "9999-12-31", "31 december a.s."),
        ("9999-12-01", "0001-01-01", "1 januari 1"),
    ],
)
def test_dates_at_the_ends_of_the_calendar_build(project: Path, datum: str, fact: str, expected: str) -> None:
    edit(project / FACTS, "datum: 2022-12-09", f"datum: {datum}")
    edit(project / FACTS, "armeense_bezetting_jaren: 30", f"armeense_bezetting_jaren: 30\nrand: {fact}")
    (project / "templates" / "rand.md.j2").write_text(
        "Op {{ rand | datum(relatief=True) }} en {{ periode(rand, rand, "
        "relatief=True) }}, een {{ rand | datum(weekdag=True) }}.\n", encoding="utf-8")
    edit(project / FACTS, f"sjabloon: {LETTER}.md.j2", "sjabloon: rand.md.j2")
    result = run("build", LETTER, "--project", str(project), "--format", "docx", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    from docx import Document

    text = "\n".join(p.text for p in Document(project / "output" / f"{LETTER}.docx").paragraphs)
    assert f"Op {expected} en {expected}" in text


@pytest.mark.parametrize("value", ["10 ** 30", "1e300", "-10 ** 22"])
@pytest.mark.parametrize("number_filter", ["getal", "bedrag", "procent"])
def test_huge_numbers_in_filters_are_said_in_dutch(project: Path, value: str, number_filter: str) -> None:
    with (project / TEMPLATE).open("a", encoding="utf-8") as fh:
        fh.write(f"\n{{{{ ({value}) | {number_filter} }}}}\n")
    lines = (project / TEMPLATE).read_text(encoding="utf-8").count("\n")
    [problem] = check([LETTER], project)
    assert f"{TEMPLATE}:{lines}: {number_filter}: een getal van" in str(problem)
    assert "te groot voor een brief" in str(problem)


# --------------------------------------------------------------------------- spaces around a fact


def test_spaces_around_a_fact_read_the_same_in_both_formats(project: Path) -> None:
    from docx import Document
    from pypdf import PdfReader

    edit(project / FACTS, "door: de vaste commissie voor Buitenlandse Zaken",
         'door: "   de vaste commissie   voor Buitenlandse Zaken  "')
    with (project / TEMPLATE).open("a", encoding="utf-8") as fh:
        fh.write("\n{{ verzoek.door }} sloot de vergadering.\n")
    result = run("build", LETTER, "--project", str(project), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    docx = [p.text for p in Document(project / "output" / f"{LETTER}.docx").paragraphs]
    pdf = " ".join(page.extract_text() for page in PdfReader(project / "output" / f"{LETTER}.pdf").pages)
    assert any("verzocht de vaste commissie voor Buitenlandse Zaken mij" in p for p in docx)
    assert "de vaste commissie voor Buitenlandse Zaken sloot de vergadering." in docx
    flat = " ".join(pdf.split())
    assert "verzocht de vaste commissie voor Buitenlandse Zaken mij" in flat
    assert "Zaken sloot de vergadering." in flat


# --------------------------------------------------------------------------- words without a break


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_a_word_without_a_break_stays_on_the_page(project: Path) -> None:
    word, url = "x" * 3000, "https://example.org/" + "abcdefghij/" * 30
    with (project / TEMPLATE).open("a", encoding="utf-8") as fh:
        fh.write(f"\nEen lang woord: {word} en een link {url} hier.\n\n"
                 f"| Kolom | Adres |\n|---|---|\n| a | {url} |\n| b | {'y' * 300} |\n")
    result = run("build", LETTER, "--project", str(project), "--format", "pdf", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    boxes = subprocess.run(["pdftotext", "-bbox", str(project / "output" / f"{LETTER}.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    mm = 72 / 25.4
    text_right, colofon_left = (21 + 115) * mm, 153 * mm  # the house style's text column, colofon
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"', boxes)
    assert len(words) > 100
    for x_min, y_min, x_max in ((float(a), float(b), float(c)) for a, b, c in words):
        if x_min < colofon_left and y_min > 40 * mm:  # body text, not the colofon or the logo
            assert x_max <= text_right + 2, f"a word runs off the text column: {x_min:.0f}–{x_max:.0f} pt"
    text = subprocess.run(["pdftotext", str(project / "output" / f"{LETTER}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert sum(len(run) for run in re.findall("x{20,}", text.replace("\u200b", ""))) == 3000  # all of it


def test_huge_files_are_refused_before_they_are_read(project: Path) -> None:
    (project / "facts" / "_groot.yaml").write_text("tekst: " + "a" * 6_000_000 + "\n")
    with (project / TEMPLATE).open("a", encoding="utf-8") as fh:
        fh.write("\n" + "b " * 600_000 + "\n")
    problems = [str(p) for p in check([LETTER], project)]
    assert any(p.startswith("facts/_groot.yaml: het bestand is te groot") for p in problems), problems
    (project / "facts" / "_groot.yaml").write_text("tekst: kort\n")
    problems = [str(p) for p in check([LETTER], project)]
    assert any(p.startswith(f"{TEMPLATE}: het sjabloon is te groot") for p in problems), problems
