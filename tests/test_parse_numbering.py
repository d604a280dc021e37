"""Markdown → model → numbering, checked against golden dumps in fixtures/parse/."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import sample_meta

from briefing.dump import dump
from briefing.errors import TemplateError
from briefing.model import plain_text
from briefing.numbering import number
from briefing.parse import parse

FIXTURES = Path(__file__).parent / "fixtures" / "parse"
CASES = sorted(p.stem for p in FIXTURES.glob("*.md"))


@pytest.mark.parametrize("case", CASES)
def test_golden_dump(case: str) -> None:
    md = (FIXTURES / f"{case}.md").read_text(encoding="utf-8")
    letter = number(parse(md, sample_meta()))
    assert dump(letter) == (FIXTURES / f"{case}.txt").read_text(encoding="utf-8")


def test_nummering_false_numbers_nothing_and_refs_quote_titles() -> None:
    md = "# Een {#een}\n\n## Twee\n\nZie <ref:een>.\n"
    letter = number(parse(md, sample_meta(nummering=False)))
    assert dump(letter) == "H1 #een: Een\nH2: Twee\nP: Zie <ref:een=paragraaf ‘Een’>.\n"


def test_unnumbered_heading_does_not_advance_the_count() -> None:
    md = "# A\n\n# B {.ongenummerd}\n\n# C\n\n## C1\n\n# D\n"
    letter = number(parse(md, sample_meta()))
    assert [b.number for b in letter.blocks] == ["1", None, "2", "2.1", "3"]


@pytest.mark.parametrize(
    ("md", "message"),
    [
        ("Zie <ref:vervolgg>.\n\n# Vervolg {#vervolg}\n", "ref('vervolgg') verwijst naar een onbekende kop"),
        ("Tekst.[^1]\n\n[^1]: noot\n[^2]: weg\n", "voetnoot [^2] is gedefinieerd maar wordt nergens"),
        ("# A {#x}\n\n# B {#x}\n", "de kop-id 'x' komt twee keer voor"),
        ("#### Te diep\n", "kopniveau 4 bestaat niet"),
        ("# Kop {.vet}\n", "onbekend kopkenmerk '.vet'"),
        ("---\n", "horizontale lijn"),
        ("Dit is <b>vet</b>.\n", "HTML '<b>' kan niet in een Kamerbrief"),
        ("<div>\nblok\n</div>\n", "HTML '<div>' kan niet in een Kamerbrief"),
        ("Zie [hier](javascript:alert(1)).\n", "link naar 'javascript:alert(1)' kan niet"),
        ("Zie [hier](file:///etc/passwd).\n", "link naar 'file:///etc/passwd' kan niet"),
    ],
)
def test_errors(md: str, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        number(parse(md, sample_meta()))
    assert message in str(info.value)


def test_ref_error_suggests_the_closest_id() -> None:
    with pytest.raises(TemplateError) as info:
        number(parse("Zie <ref:vervolgg>.\n\n# Vervolg {#vervolg}\n", sample_meta()))
    assert info.value.hint == "bedoelde u 'vervolg'?"


def test_numbering_is_pure() -> None:
    letter = parse("# A\n\nTekst[^a].\n\n[^a]: noot\n", sample_meta())
    assert number(letter) == number(letter)
    assert letter.blocks[0].number is None
    assert replace(letter) == letter


def test_footnote_called_but_not_defined_names_the_line() -> None:
    with pytest.raises(TemplateError) as info:
        parse("Eerste.[^1]\n\nTekst.[^3]\n\n[^1]: noot\n", sample_meta())
    assert "voetnoot [^3] wordt gebruikt maar is nergens gedefinieerd" in str(info.value)
    assert info.value.line == 3


def test_html_comments_are_the_authors_notes_and_not_in_the_letter() -> None:
    md = "Tekst <!-- navragen --> en meer.\n\n<!--\nEen blok\nnotities.\n-->\n\nVolgende alinea.\n"
    letter = parse(md, sample_meta())
    assert [plain_text(b.inlines) for b in letter.blocks] == ["Tekst en meer.", "Volgende alinea."]


def test_text_that_looks_like_markup_but_is_not_html_stays_text() -> None:
    letter = parse("Als a < b en c > d, en <https://www.rijksoverheid.nl>.\n", sample_meta())
    assert plain_text(letter.blocks[0].inlines) == "Als a < b en c > d, en https://www.rijksoverheid.nl."


@pytest.mark.parametrize("md", [
    "## Inleiding\n\nTekst.\n\n# Eerste\n",
    "# Eerste\n\n### Diep\n\nTekst.\n",
])
def test_a_heading_without_its_parent_level_is_an_error_not_zero(md: str) -> None:
    """A ``##`` before any ``#`` would be numbered "0.1" (and ``###`` under ``#`` "1.0.1")."""
    with pytest.raises(TemplateError) as info:
        number(parse(md, sample_meta()))
    assert "staat niet onder een" in info.value.message
    lines = md.split("\n")
    assert info.value.line == lines.index(next(x for x in lines if x.startswith("##"))) + 1


def test_a_heading_without_its_parent_level_is_fine_unnumbered() -> None:
    letter = number(parse("## Inleiding {.ongenummerd}\n\n# Eerste\n\n## Sub\n", sample_meta()))
    assert [b.number for b in letter.blocks] == [None, "1", "1.1"]
    letter = number(parse("## Inleiding\n\n# Eerste\n", sample_meta(nummering=False)))
    assert [b.number for b in letter.blocks] == [None, None]


def test_footnotes_that_only_call_each_other_are_unused() -> None:
    md = "Tekst.\n\n[^a]: Zie [^b].\n[^b]: Zie [^a].\n"
    with pytest.raises(TemplateError) as info:
        parse(md, sample_meta())
    assert info.value.message == "voetnoot [^a] is gedefinieerd maar wordt nergens gebruikt"
    assert (info.value.kind, info.value.subject, info.value.line) == ("footnote-definition", "a", 3)


@pytest.mark.parametrize(("md", "kind", "subject"), [
    ("Tekst.[^x]\n", "footnote-call", "x"),
    ("Tekst.\n\n[^x]: noot\n", "footnote-definition", "x"),
    ("Zie ![kaart](kaart.png).\n", "image", "kaart.png"),
    ("Zie [dit](javascript:alert(1)).\n", "link", "javascript:alert(1)"),
    ("Tekst <b>vet</b>.\n", "html", "<b>"),
])
def test_template_errors_say_what_they_are_about(md: str, kind: str, subject: str) -> None:
    """The fields build uses to find the problem in the template (not the message's words)."""
    with pytest.raises(TemplateError) as info:
        number(parse(md, sample_meta()))
    assert (info.value.kind, info.value.subject) == (kind, subject)


def test_a_reference_error_says_its_target() -> None:
    with pytest.raises(TemplateError) as info:
        number(parse("Zie <ref:vervolgg>.\n", sample_meta()))
    assert (info.value.kind, info.value.subject) == ("ref", "vervolgg")
