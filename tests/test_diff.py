"""Comparing two builds of a letter: sentences, words, facts, and the printed report."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import sample_letter, sample_meta

from briefing.diff import (
    MISSING,
    FactChange,
    compare,
    fact_changes,
    format_report,
    sentences,
    tokens,
    word_diff,
)
from briefing.model import Footnote, Paragraph, Text
from briefing.numbering import number
from briefing.parse import parse

# --------------------------------------------------------------------------- sentences


@pytest.mark.parametrize(("text", "expected"), [
    ("Op 3 oktober jl. verzocht de commissie mij. Zij wil een verslag.",
     ["Op 3 oktober jl. verzocht de commissie mij.", "Zij wil een verslag."]),
    ("Op 14 december a.s. spreekt de Raad. Daarna volgt een brief.",
     ["Op 14 december a.s. spreekt de Raad.", "Daarna volgt een brief."]),
    ("Zij spraken o.l.v. de Russische President Poetin. Dat leidde tot niets.",
     ["Zij spraken o.l.v. de Russische President Poetin.", "Dat leidde tot niets."]),
    ("Zij spraken o.l.v. President Poetin in Sotsji.", ["Zij spraken o.l.v. President Poetin in Sotsji."]),
    ("Zij kwamen samen in Washington, D.C. voor vredesonderhandelingen. Dit proces loopt.",
     ["Zij kwamen samen in Washington, D.C. voor vredesonderhandelingen.", "Dit proces loopt."]),
    ("Zie Kamerstuk 21 501-02, nr. 2540. Ook nr. 2541.",
     ["Zie Kamerstuk 21 501-02, nr. 2540.", "Ook nr. 2541."]),
    ("De minister, W.B. Hoekstra, sprak. Daarna E.N.A.J. Schreinemacher.",
     ["De minister, W.B. Hoekstra, sprak.", "Daarna E.N.A.J. Schreinemacher."]),
    ("Er komen bijv. Armenië en Georgië. Ook d.w.z. Azerbeidzjan.",
     ["Er komen bijv. Armenië en Georgië.", "Ook d.w.z. Azerbeidzjan."]),
    # jl. closing a sentence: the next one starts with a capital.
    ("Terug naar de grenzen voor 12 september jl. Nederland steunt deze oproep.",
     ["Terug naar de grenzen voor 12 september jl.", "Nederland steunt deze oproep."]),
    ("Wat nu? Dat is onbekend! Er waren 207 doden. 210 volgens later bericht.",
     ["Wat nu?", "Dat is onbekend!", "Er waren 207 doden.", "210 volgens later bericht."]),
    ("Het bedrag is € 1.234,50 en 5,5% hoger.", ["Het bedrag is € 1.234,50 en 5,5% hoger."]),
    ("", []),
])
def test_sentences_keep_dutch_abbreviations_whole(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_tokens_join_back_into_the_text() -> None:
    text = "Op 13 en 14 september jl. vonden er hevige gevechten plaats[^1]. € 1.234,50 (EU-proces)."
    assert "".join(tokens(text)) == text
    assert "1.234,50" in tokens(text) and "EU-proces" in tokens(text) and "jl" in tokens(text)


@pytest.mark.parametrize(("old", "new", "pieces"), [
    ("aan 207 Armeense soldaten", "aan 210 Armeense soldaten",
     [("=", "aan "), ("-", "207"), ("+", "210"), ("=", " Armeense soldaten")]),
    ("Op 13 en 14 september jl.", "Op 15 september jl.",
     [("=", "Op "), ("-", "13 en 14"), ("+", "15"), ("=", " september jl.")]),
    ("Op 31 oktober jl.", "Op 31 oktober 2022.",
     [("=", "Op 31 oktober "), ("-", "jl"), ("+", "2022"), ("=", ".")]),
    ("gelijk", "gelijk", [("=", "gelijk")]),
    ("", "nieuw", [("+", "nieuw")]),
])
def test_word_diff_marks_changed_words(old: str, new: str, pieces) -> None:
    assert word_diff(old, new) == pieces


# --------------------------------------------------------------------------- facts


def test_fact_changes_as_dotted_paths_including_shared_facts() -> None:
    old = {"slachtoffers": {"armeense_soldaten": 207, "azerbeidzjaanse_soldaten": 80},
           "ontmoetingen": {"sotsji": "2022-10-31"}, "personen": {"minister_bz": "W.B. Hoekstra"},
           "grensgesprekken": ["Moskou", "Brussel"], "oud": 1}
    new = {"slachtoffers": {"armeense_soldaten": 210, "azerbeidzjaanse_soldaten": 80},
           "ontmoetingen": {"sotsji": "2022-10-28"}, "personen": {"minister_bz": "H.G.J. Bruins Slot"},
           "grensgesprekken": ["Moskou", "Brussel", "Genève"], "nieuw": {"a": True}}
    assert fact_changes(old, new) == [
        FactChange("slachtoffers.armeense_soldaten", 207, 210),
        FactChange("ontmoetingen.sotsji", "2022-10-31", "2022-10-28"),
        FactChange("personen.minister_bz", "W.B. Hoekstra", "H.G.J. Bruins Slot"),
        FactChange("grensgesprekken", ["Moskou", "Brussel"], ["Moskou", "Brussel", "Genève"]),
        FactChange("nieuw.a", MISSING, True),
        FactChange("oud", 1, MISSING),
    ]
    assert fact_changes(old, old) == []


def test_a_type_change_is_a_change() -> None:
    assert fact_changes({"a": 1}, {"a": "1"}) == [FactChange("a", 1, "1")]
    assert fact_changes({"a": 1}, {"a": True}) == [FactChange("a", 1, True)]


# --------------------------------------------------------------------------- letters

MD = """\
Op 3 oktober jl. verzocht de vaste commissie mij te rapporteren.

# Stand van zaken {{#stand}}

Volgens de Armeense berichtgeving kostten de gevechten het leven aan {n} Armeense soldaten. Er werden 20 \
Armeense krijgsgevangenen gemaakt[^1].

| Land | Soldaten |
|---|--:|
| Armenië | {n} |

# Vervolg vredesbesprekingen {{#vervolg}}

Op {sotsji} oktober jl. kwamen de leiders samen in Sotsji o.l.v. de Russische President Poetin. Dit gesprek \
leidde niet tot een doorbraak.

[^1]: Kamerstuk 21 501-02, nr. {nr}.
"""


def letter(n: int = 207, sotsji: int = 31, nr: int = 2540, **meta):
    return number(parse(MD.format(n=n, sotsji=sotsji, nr=nr), sample_meta(**meta)))


def test_unchanged_letter_reports_nothing() -> None:
    report = compare(letter(), letter(), {"a": 1}, {"a": 1})
    assert report.unchanged
    assert format_report("brief", report) == "brief: geen verschillen sinds de laatste build\n"


def test_no_earlier_build_says_so() -> None:
    text = format_report("brief", None)
    assert "nog niet eerder gebouwd" in text and "briefing build brief" in text


def test_fact_change_shows_the_fact_and_every_sentence_per_section() -> None:
    report = compare(letter(), letter(n=210, sotsji=28),
                     {"slachtoffers": {"armeense_soldaten": 207}, "ontmoetingen": {"sotsji": "2022-10-31"}},
                     {"slachtoffers": {"armeense_soldaten": 210}, "ontmoetingen": {"sotsji": "2022-10-28"}})
    assert format_report("brief", report) == """\
brief: verschillen sinds de laatste build

Gewijzigde feiten
  slachtoffers.armeense_soldaten: 207 → 210
  ontmoetingen.sotsji: 2022-10-31 → 2022-10-28

Gewijzigde tekst
  1 Stand van zaken
    ~ Volgens de Armeense berichtgeving kostten de gevechten het leven aan [-207-]{+210+} Armeense soldaten.
    ~ Armenië | [-207-]{+210+}
  2 Vervolg vredesbesprekingen
    ~ Op [-31-]{+28+} oktober jl. kwamen de leiders samen in Sotsji o.l.v. de Russische President Poetin.
"""


def test_template_sentence_change_shows_without_facts() -> None:
    old = letter()
    changed = Paragraph((Text("Op 3 oktober jl. verzocht de vaste commissie mij te rapporteren. "
                              "Dit is een nieuwe zin."),))
    new = replace(old, blocks=(changed, *old.blocks[1:]))
    text = format_report("brief", compare(old, new, {}, {}))
    assert "Geen feiten gewijzigd" in text
    assert "  Inleiding\n    + Dit is een nieuwe zin.\n" in text


def test_meta_and_footnote_changes_show_in_their_own_sections() -> None:
    report = compare(letter(), letter(nr=2541, betreft="Verslag bezoek aan Armenië", kenmerk="BZ1"))
    sections = {s.title: [list(c.pieces) for c in s.sentences] for s in report.sections}
    assert [("=", "Ons kenmerk: "), ("-", "BZ2213517"), ("+", "BZ1")] in sections["Briefhoofd"]
    assert any(("+", "Armenië") in p for p in sections["Briefhoofd"])
    note = [("=", "[^1] Kamerstuk 21 501-02, nr. "), ("-", "2540"), ("+", "2541"), ("=", ".")]
    assert note in sections["Voetnoten"]


def test_removed_and_added_paragraphs_list_their_sentences() -> None:
    old = letter()
    new = replace(old, blocks=old.blocks[:-1], footnotes=(Footnote("1", old.footnotes[0].blocks, 1),))
    report = compare(old, new)
    (section,) = report.sections
    assert section.title == "2 Vervolg vredesbesprekingen"
    assert [c.new for c in section.sentences] == [None, None]
    assert section.sentences[1].old == "Dit gesprek leidde niet tot een doorbraak."


def test_colour_on_a_terminal() -> None:
    report = compare(letter(), letter(n=210))
    text = format_report("brief", report, color=True)
    assert "\x1b[31;9m207\x1b[0m\x1b[32;4m210\x1b[0m" in text
    assert "[-" not in text and "{+" not in text
    plain = format_report("brief", report)
    assert "\x1b" not in plain


def test_sample_letter_compares_with_itself() -> None:
    assert compare(sample_letter(), sample_letter()).unchanged
