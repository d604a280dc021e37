"""briefing absorb: edits made in the DOCX carried back into the template and the facts.

Each case edits the built DOCX as a user would (python-docx, Word's noise, LibreOffice),
then checks the plan — the template change, the fact's new value, or the conflict with its
reason — and, where it can be absorbed, that the rebuilt letter says exactly what the
edited DOCX said.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import docx_edits as edits
import pytest
from conftest import copy_example

from briefing import absorb, build
from briefing.errors import InputError

A = "armenie-azerbeidzjan"
R = "geannoteerde-agenda-rbz"
V = "vragen-sjoerdsma"  # the answers example: reads `personen` and `armenie` too
SHARED = "_armenie.yaml"  # A's figures of the fighting, shared with V


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project, built once (DOCX only: the snapshot is what absorb needs)."""
    root = copy_example(tmp_path_factory.mktemp("built"))
    build(project=root, formats=("docx",), jobs=1)
    return root


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built project for one test."""
    target = tmp_path / "project"
    shutil.copytree(built, target)
    return target


def docx_of(root: Path, name: str) -> Path:
    return root / "output" / f"{name}.docx"


def yaml_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Changed lines: (old, new)."""
    a, b = before.splitlines(), after.splitlines()
    assert len(a) == len(b), "lines were added or removed"
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


def absorbed(root: Path, name: str, **kw):
    """Absorb with --apply and check the acceptance rule: the rebuilt DOCX says what the edited one said."""
    edited = edits.texts(docx_of(root, name))
    plan = absorb(name, root, apply=True, **kw)
    assert plan.applied, plan.text(root)
    assert edits.texts(docx_of(root, name)) == edited
    assert plan.kept is not None and plan.kept.is_file()
    assert edits.texts(plan.kept) == edited
    return plan


# --------------------------------------------------------------------------- absorbed edits


def test_fact_number_and_literal_word(project: Path) -> None:
    facts = (project / "facts" / SHARED).read_text(encoding="utf-8")
    template = (project / "templates" / f"{A}.md.j2").read_text(encoding="utf-8")
    edits.replace(docx_of(project, A), " 207 ", " 210 ", "hevige", "zware")
    plan = absorb(A, project)
    assert not plan.conflicts
    changes = [(f.path, f.old, f.new) for f in plan.facts]
    assert changes == [("armenie.slachtoffers.armeense_soldaten", 207, 210)]
    assert "[-hevige-]{+zware+}" in plan.text(project)
    assert (project / "facts" / SHARED).read_text(encoding="utf-8") == facts  # a plan writes nothing
    absorbed(project, A)
    assert yaml_diff(facts, (project / "facts" / SHARED).read_text(encoding="utf-8")) == [
        ("  armeense_soldaten: 207", "  armeense_soldaten: 210")
    ]
    after = (project / "templates" / f"{A}.md.j2").read_text(encoding="utf-8")
    assert after == template.replace("vonden er hevige gevechten", "vonden er zware gevechten")


def test_relative_date_becomes_a_date(project: Path) -> None:
    edits.replace(docx_of(project, A), "31 oktober jl.", "1 november jl.")
    plan = absorbed(project, A)
    assert [(f.path, str(f.new)) for f in plan.facts] == [("ontmoetingen.sotsji", "2022-11-01")]
    assert "sotsji: 2022-11-01" in (project / "facts" / f"{A}.yaml").read_text(encoding="utf-8")


def test_number_word(project: Path) -> None:
    edits.replace(docx_of(project, A), "nam één Azerbeidzjaanse", "nam twee Azerbeidzjaanse")
    plan = absorbed(project, A)
    assert [(f.path, f.new) for f in plan.facts] == [("armenie.krijgsgevangenen.azerbeidzjaans", 2)]


def test_shared_fact_names_the_other_letters(project: Path) -> None:
    shared = (project / "facts" / "_personen.yaml").read_text(encoding="utf-8")
    edits.replace(docx_of(project, R), "Koeleba", "Kuleba")
    plan = absorbed(project, R)
    (fact,) = plan.facts
    assert (fact.path, fact.file, fact.new) == ("personen.koeleba", "facts/_personen.yaml", "Kuleba")
    assert yaml_diff(shared, (project / "facts" / "_personen.yaml").read_text(encoding="utf-8")) == [
        ("koeleba: Koeleba", "koeleba: Kuleba")
    ]


def test_shared_fact_lists_letters_it_changes(project: Path) -> None:
    edits.replace(docx_of(project, A), "President Poetin", "President Putin")
    plan = absorb(A, project)
    assert not plan.conflicts, plan.text(project)
    # the RBZ letter and the answers read `personen` too: they change with the shared file
    assert [(f.path, f.also) for f in plan.facts] == [("personen.poetin", (R, V))]
    assert f"verandert ook {R}" in plan.text(project)


def test_heading(project: Path) -> None:
    edits.replace(docx_of(project, A), "Vervolg vredesbesprekingen", "Vervolg van de vredesbesprekingen")
    absorbed(project, A)
    assert "# Vervolg van de vredesbesprekingen {#vervolg}" in (
        project / "templates" / f"{A}.md.j2").read_text(encoding="utf-8")


def test_new_and_deleted_paragraph(project: Path) -> None:
    edits.paragraph_after(docx_of(project, A), "Dit gesprek leidde niet tot een doorbraak",
                          "Een nieuwe alinea, in Word getypt.")
    edits.delete_paragraph(docx_of(project, A), "Beide landen beschuldigden elkaar")  # it holds two facts
    absorbed(project, A)
    template = (project / "templates" / f"{A}.md.j2").read_text(encoding="utf-8")
    assert "doorbraak in de onderhandelingen.\n\nEen nieuwe alinea, in Word getypt.\n\n" in template
    assert "Beide landen beschuldigden elkaar" not in template


def test_typed_markdown_characters_are_escaped(project: Path) -> None:
    edits.replace(docx_of(project, A), "hevige", "*zeer* hevige #1 <b>_x_</b> {{ x }}")
    absorbed(project, A)
    template = (project / "templates" / f"{A}.md.j2").read_text(encoding="utf-8")
    assert r"\*zeer\* hevige \#1 \<b\>\_x\_\</b\> \{\{ x \}\}" in template


def test_pending_tracked_change_counts_as_accepted(project: Path) -> None:
    edits.tracked(docx_of(project, A), "hevige", "zware")
    absorbed(project, A)
    assert "vonden er zware gevechten" in (project / "templates" / f"{A}.md.j2").read_text(encoding="utf-8")


def test_list_item_from_a_loop_changes_its_fact(project: Path) -> None:
    edits.replace(docx_of(project, R), "de situatie in Soedan", "de situatie in Soedan en Tsjaad")
    plan = absorbed(project, R)
    assert [(f.path, f.new) for f in plan.facts] == [("overig[1]", "de situatie in Soedan en Tsjaad")]


def test_footnote_text(project: Path) -> None:
    edits.replace(docx_of(project, R), "Kamerstuk 36 045, nr. 150.", "Kamerstuk 36 045, nr. 151.")
    absorbed(project, R)
    assert "[^steun]: Kamerstuk 36 045, nr. 151." in (project / "templates" / f"{R}.md.j2").read_text(
        encoding="utf-8")


def test_betreft_and_signatory(project: Path) -> None:
    betreft = ("Verslag bezoek ambassadeur", "Verslag van het bezoek van de ambassadeur")
    edits.replace(docx_of(project, A), *betreft, "W.B. Hoekstra", "W. Hoekstra")
    plan = absorbed(project, A)
    assert {f.path: f.new for f in plan.facts} == {
        "brief.betreft": "Verslag van het bezoek van de ambassadeur aan Armeens grensgebied",
        "brief.ondertekenaars[0].naam": "W. Hoekstra",
    }


def test_letter_date(project: Path) -> None:
    edits.replace(docx_of(project, A), "9 december 2022", "12 december 2022")
    plan = absorbed(project, A)
    assert [(f.path, str(f.new)) for f in plan.facts] == [("brief.datum", "2022-12-12")]


def test_bold_on_literal_words(project: Path) -> None:
    edits.bold(docx_of(project, A), "complexe")
    absorbed(project, A)
    assert "**complexe**" in (project / "templates" / f"{A}.md.j2").read_text(encoding="utf-8")


def test_underline_is_an_edit_but_no_markdown(project: Path) -> None:
    edits.bold(docx_of(project, A), "complexe", how="underline")
    plan = absorb(A, project)
    (conflict,) = plan.conflicts
    assert "onderstrepen" in conflict.reason and conflict.old == "complexe"
    with pytest.raises(Exception, match="bewerkt"):  # nor is it overwritten by a build
        build([A], project, formats=("docx",))


def test_word_noise_is_not_an_edit(project: Path) -> None:
    edits.wordify(docx_of(project, A))
    plan = absorb(A, project)
    assert plan.unchanged
    build([A], project, formats=("docx",))  # does not stop: nothing was edited


@pytest.mark.parametrize(
    ("old", "new", "fact", "value"),
    [
        ("tien sanctiepakketten", "elf sanctiepakketten", "sancties.aangenomen", 11),  # a number word
        ("26 april jl.", "27 april jl.", "verzoek.datum", "2023-04-27"),  # a relative date
        ("Raad Buitenlandse Zaken van 22 mei 2023", "Raad Buitenlandse Zaken van 23 mei 2023",
         "brief.betreft", "Geannoteerde agenda Raad Buitenlandse Zaken van 23 mei 2023"),  # Betreft
        ("De Raad bespreekt de dialoog", "De Raad bespreekt opnieuw de dialoog", None, None),  # literal
        ("Westelijke Balkan", "De Westelijke Balkan", None, None),  # a heading
        (", per onderdeel", ", naar onderdeel", None, None),  # a table's caption
    ],
)
def test_the_second_example(project: Path, old: str, new: str, fact: str | None, value: object) -> None:
    edits.replace(docx_of(project, R), old, new)
    plan = absorbed(project, R)
    if fact:
        assert [(f.path, str(f.new)) for f in plan.facts] == [(fact, str(value))]
    else:
        assert not plan.facts and new in (project / "templates" / f"{R}.md.j2").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- conflicts


@pytest.mark.parametrize(
    ("old", "new", "fact", "reason"),
    [
        # `gevechten.begin` is printed in three places
        ("op 13 september 2022", "op 14 september 2022", "armenie.gevechten.begin", "staat ook in"),
        # a month only: every day of it prints the same
        ("in september jl. hebben", "in oktober jl. hebben", "armenie.gevechten.begin",
         "meer dan één waarde"),
        # one edit across literal text and a fact
        ("207 Armeense", "210 Russische", "armenie.slachtoffers.armeense_soldaten",
         "vaste tekst en het feit"),
        # a computed value: the last word of a name
        ("Raad Michel is", "Raad Mitchell is", "personen.michel", "niet terug te rekenen"),
        # a period is computed from two dates
        ("13 en 14 september jl.", "12 en 13 september jl.", "armenie.gevechten.begin", "periode"),
    ],
)
def test_conflicts_name_the_fact(project: Path, old: str, new: str, fact: str | None, reason: str) -> None:
    before = {p: p.read_bytes() for p in (project / "facts").iterdir()}
    edits.replace(docx_of(project, A), old, new)
    plan = absorb(A, project, apply=True)
    assert not plan.applied
    (conflict,) = plan.conflicts
    assert reason in conflict.reason
    if fact:
        assert conflict.fact == fact and fact in plan.text(project)
    assert {p: p.read_bytes() for p in (project / "facts").iterdir()} == before  # nothing written


def test_edit_creating_a_placeholder_is_refused(project: Path) -> None:
    edits.replace(docx_of(project, A), "hevige", "[bijvoeglijk naamwoord]")
    plan = absorb(A, project)
    (conflict,) = plan.conflicts
    assert "plaatshouder" in conflict.reason


def test_loop_text_edited_in_one_row_only_is_refused(project: Path) -> None:
    # "miljoen" is literal in the table row of a loop? no: the amount is a fact; the row's text
    # around it comes from the loop — an edit of one repetition cannot be carried back alone.
    edits.replace(docx_of(project, R), "Humanitaire hulp", "Humanitaire steun")
    plan = absorb(R, project)
    assert not plan.conflicts, plan.text(project)  # a loop item's own fact: absorbed
    assert [(f.path, f.new) for f in plan.facts] == [("steun.onderdelen[1].naam", "Humanitaire steun")]


def test_partial_absorbs_what_it_can(project: Path) -> None:
    facts = (project / "facts" / f"{A}.yaml").read_text(encoding="utf-8")
    edits.replace(docx_of(project, A), "hevige", "zware", "op 13 september 2022", "op 14 september 2022")
    plan = absorb(A, project, apply=True)
    assert not plan.applied and len(plan.conflicts) == 1
    plan = absorb(A, project, apply=True, partial=True)
    assert plan.applied and len(plan.conflicts) == 1
    assert "vonden er zware gevechten" in (project / "templates" / f"{A}.md.j2").read_text(encoding="utf-8")
    assert (project / "facts" / f"{A}.yaml").read_text(encoding="utf-8") == facts


# --------------------------------------------------------------------------- merging


def test_word_edit_merged_with_a_later_fact_change(project: Path) -> None:
    edits.replace(docx_of(project, A), "hevige", "zware")
    path = project / "facts" / SHARED
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("armeense_soldaten: 207", "armeense_soldaten: 208"), encoding="utf-8")
    plan = absorb(A, project, apply=True)
    assert plan.applied and not plan.conflicts
    text = edits.texts(docx_of(project, A))
    assert any("vonden er zware gevechten" in t and "het leven aan 208 Armeense" in t for t in text)


def test_same_fact_changed_on_both_sides_is_refused(project: Path) -> None:
    edits.replace(docx_of(project, A), " 207 ", " 210 ")
    path = project / "facts" / SHARED
    changed = path.read_text(encoding="utf-8").replace("armeense_soldaten: 207", "armeense_soldaten: 208")
    path.write_text(changed, encoding="utf-8")
    plan = absorb(A, project, apply=True)
    assert not plan.applied
    (conflict,) = plan.conflicts
    assert conflict.fact == "armenie.slachtoffers.armeense_soldaten" and "ook in" in conflict.reason
    assert path.read_text(encoding="utf-8") == changed


def test_same_words_changed_on_both_sides_is_refused(project: Path) -> None:
    edits.replace(docx_of(project, A), "hevige", "zware")
    path = project / "templates" / f"{A}.md.j2"
    changed = path.read_text(encoding="utf-8").replace("vonden er hevige", "vonden er felle")
    path.write_text(changed, encoding="utf-8")
    plan = absorb(A, project, apply=True)
    assert not plan.applied and "ook in templates/" in plan.conflicts[0].reason


# --------------------------------------------------------------------------- the build and the CLI


def test_a_real_edit_stops_the_build_naming_absorb(project: Path) -> None:
    edits.replace(docx_of(project, A), "hevige", "zware")
    with pytest.raises(Exception) as info:
        build([A], project, formats=("docx",))
    problem = info.value.problems[0] if hasattr(info.value, "problems") else info.value
    assert isinstance(problem, InputError)
    assert f"briefing absorb {A}" in problem.hint


def test_libreoffice_edit_and_noop_save(project: Path, tmp_path: Path) -> None:
    """The issue's done-when, through LibreOffice: 207→210 and hevige→zware; and a save without edits."""
    docx = docx_of(project, A)
    edits.libreoffice(docx, tmp_path / "edited.docx", " 207 ", " 210 ", "hevige", "zware")
    shutil.copy(tmp_path / "edited.docx", docx)
    edits.libreoffice(docx_of(project, R), tmp_path / "same.docx")
    shutil.copy(tmp_path / "same.docx", docx_of(project, R))
    facts = (project / "facts" / SHARED).read_text(encoding="utf-8")
    command = [sys.executable, "-m", "briefing.cli", "absorb", A, "--apply", "--project", str(project)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert yaml_diff(facts, (project / "facts" / SHARED).read_text(encoding="utf-8")) == [
        ("  armeense_soldaten: 207", "  armeense_soldaten: 210")
    ]
    texts = edits.texts(docx_of(project, A))
    assert any("vonden er zware gevechten" in t and "het leven aan 210 Armeense" in t for t in texts)
    assert absorb(R, project).unchanged  # a LibreOffice save without edits is no edit …
    build([R], project, formats=("docx",))  # … and does not stop a build


def test_cli_plan_exit_status(project: Path) -> None:
    edits.replace(docx_of(project, A), "op 13 september 2022", "op 14 september 2022")
    result = subprocess.run([sys.executable, "-m", "briefing.cli", "absorb", A, "--project", str(project)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "gevechten.begin" in result.stdout and "Traceback" not in result.stderr


def test_docx_option_and_nothing_built(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kopie.docx"
    shutil.copy(docx_of(project, A), copy)
    edits.replace(copy, "hevige", "zware")
    plan = absorb(A, project, docx=copy, apply=True)
    assert plan.applied and not plan.conflicts
    assert plan.kept.parent == project / "output" and plan.kept.name.startswith(f"{A}.bewerkt-")
    assert edits.texts(docx_of(project, A)) == edits.texts(copy)
    fresh = copy_example(tmp_path / "fresh")
    result = subprocess.run([sys.executable, "-m", "briefing.cli", "absorb", A, "--project", str(fresh)],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
