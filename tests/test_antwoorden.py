"""The answers to written questions (``brief.soort: antwoorden``, DESIGN §4a), as a user meets them:
the contract's examples, the errors of a question not answered exactly once, the two formats
saying the same thing, the new page, the label styles, ``diff`` and the redline."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree
from openxml_audit import OpenXmlValidator, ValidationErrorType
from pypdf import PdfReader

import briefing
from briefing.antwoorden import vragenstellers
from briefing.build import prepare
from briefing.diff import compare
from briefing.errors import InputError
from briefing.model import Answer, AnswersPart, Question, Text
from briefing.scaffold import new_letter
from briefing.snapshot import dumps, loads

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# The contract's letter file (DESIGN §4a), with the metadata every letter has.
FACTS = """\
brief:
  soort: antwoorden
  sjabloon: vragen.md.j2
  datum: 2022-10-04
  betreft: Beantwoording vragen van het lid Sjoerdsma over de aanval op Armenië
  kenmerk: BZ2210874
  afzender: {organisatie: Ministerie van Buitenlandse Zaken}
  geadresseerde: [De Voorzitter van de Tweede Kamer]
  ondertekenaars:
    - {functie: "De minister van Buitenlandse Zaken,", naam: W.B. Hoekstra}
kamervragen:
  kenmerk: 2022Z17254
  ingezonden: 2022-09-15
  leden:
    - {naam: Sjoerdsma, partij: D66}
  aan: de minister van Buitenlandse Zaken
  onderwerp: de Azerbeidzjaanse aanval op Armeens grondgebied
  vragen:
    - Bent u bekend met het bericht 'Tientallen doden bij gevechten'?[^1]
    - Hoeveel slachtoffers zijn er gevallen?
    - Wat doet Nederland om de *vrede* te bevorderen [...]?
  noten:
    1: NOS, 13 september 2022.
slachtoffers: 287
"""

TEMPLATE = """\
Hierbij bied ik u de antwoorden aan op de vragen van {{ kamervragen | vragenstellers }}.[^kamer]

# Achtergrond {#achtergrond}

Er vielen {{ slachtoffers | getal }} doden.

{{ antwoord(1) }}
Ja.

{{ antwoord(2, 3) }}

Zie {{ ref("achtergrond") }}: {{ slachtoffers | getal }} doden.[^bron]

- in de EU;
- in de OVSE.

[^kamer]: Kamerstuk 21 501-02, nr. 2540.
[^bron]: Armeense berichtgeving.
"""

TITLE = ("Antwoorden van de minister van Buitenlandse Zaken op vragen van het lid Sjoerdsma (D66) "
         "over de Azerbeidzjaanse aanval op Armeens grondgebied (ingezonden 15 september 2022, 2022Z17254)")


def make(folder: Path, facts: str = FACTS, template: str = TEMPLATE) -> Path:
    """A project with one answers document, ``vragen``."""
    (folder / "facts").mkdir(parents=True, exist_ok=True)
    (folder / "templates").mkdir(exist_ok=True)
    (folder / "facts" / "vragen.yaml").write_text(facts, encoding="utf-8")
    (folder / "templates" / "vragen.md.j2").write_text(template, encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    return [str(p) for p in briefing.check(project=folder)]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing.cli", *args], cwd=cwd or ROOT,
                          capture_output=True, text=True)


def squash(text: str) -> str:
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


# --------------------------------------------------------------------------- the contract's examples


def test_vragenstellers_one_two_three_members() -> None:
    assert vragenstellers({"leden": [{"naam": "Sjoerdsma", "partij": "D66"}]}) == "het lid Sjoerdsma (D66)"
    leden = [{"naam": "Sjoerdsma", "partij": "D66"}, {"naam": "Brekelmans", "partij": "VVD"}]
    assert vragenstellers(leden) == "de leden Sjoerdsma (D66) en Brekelmans (VVD)"
    leden.append({"naam": "Piri", "partij": "PvdA"})
    assert vragenstellers({"leden": leden}) == "de leden Sjoerdsma (D66), Brekelmans (VVD) en Piri (PvdA)"


@pytest.mark.parametrize(("numbers", "label"), [
    ((1,), "Antwoord 1"), ((2, 3), "Antwoord 2 en 3"), ((4, 5, 6), "Antwoord 4, 5 en 6"),
])
def test_answer_labels(numbers: tuple[int, ...], label: str) -> None:
    answer = Answer(tuple(Question(n, (Text("?"),)) for n in numbers), ())
    assert answer.label == label
    assert [q.label for q in answer.questions] == [f"Vraag {n}" for n in numbers]


def test_the_model_holds_the_cover_letter_and_the_answers(tmp_path: Path) -> None:
    letter = prepare(make(tmp_path), tmp_path / "facts" / "vragen.yaml").letter
    assert letter.meta.soort == "antwoorden"
    (part,) = letter.parts
    assert isinstance(part, AnswersPart)
    assert "".join(t.text for t in part.title) == TITLE  # antwoorden_van from the first signatory
    assert [a.label for a in part.answers] == ["Antwoord 1", "Antwoord 2 en 3"]
    assert [q.number for a in part.answers for q in a.questions] == [1, 2, 3]
    # The cover letter keeps its heading (numbered); the answers have no headings of their own.
    assert [b.number for b in letter.blocks if hasattr(b, "level")] == ["1"]


def test_questions_are_literal_text_except_their_notes(tmp_path: Path) -> None:
    letter = prepare(make(tmp_path), tmp_path / "facts" / "vragen.yaml").letter
    third = letter.parts[0].answers[1].questions[1]
    # '*vrede*' stays as typed (no emphasis), '[...]' is no placeholder in parliament's text.
    assert third.inlines == (Text("Wat doet Nederland om de *vrede* te bevorderen [...]?"),)


def test_footnotes_are_numbered_through_the_document(tmp_path: Path) -> None:
    letter = prepare(make(tmp_path), tmp_path / "facts" / "vragen.yaml").letter
    texts = ["".join(t.text for t in n.blocks[0].inlines) for n in letter.footnotes]
    # the cover letter's note, the question's note, the answer's note: in reading order
    assert texts == ["Kamerstuk 21 501-02, nr. 2540.", "NOS, 13 september 2022.", "Armeense berichtgeving."]
    assert [n.number for n in letter.footnotes] == [1, 2, 3]


def test_answer_text_on_the_next_line_or_after_a_blank_line(tmp_path: Path) -> None:
    letter = prepare(make(tmp_path), tmp_path / "facts" / "vragen.yaml").letter
    first, second = letter.parts[0].answers
    assert [type(b).__name__ for b in first.blocks] == ["Paragraph"]
    assert [type(b).__name__ for b in second.blocks] == ["Paragraph", "ListBlock"]


def test_antwoorden_van_when_given(tmp_path: Path) -> None:
    facts = FACTS.replace("  aan: de", "  antwoorden_van: de minister-president\n  aan: de")
    letter = prepare(make(tmp_path, facts), tmp_path / "facts" / "vragen.yaml").letter
    title = "".join(t.text for t in letter.parts[0].title)
    assert title.startswith("Antwoorden van de minister-president op")


def test_a_kamerbrief_has_no_parts() -> None:
    letter = prepare(ROOT, ROOT / "facts" / "armenie-azerbeidzjan.yaml").letter
    assert letter.parts == () and letter.meta.soort == "kamerbrief"


def test_snapshot_keeps_the_parts(tmp_path: Path) -> None:
    letter = prepare(make(tmp_path), tmp_path / "facts" / "vragen.yaml").letter
    assert loads(dumps(letter, {})).letter == letter


# --------------------------------------------------------------------------- every question answered once


def bad(tmp_path: Path, facts: str = FACTS, template: str = TEMPLATE) -> list[str]:
    return problems(make(tmp_path, facts, template))


def test_a_question_without_an_answer(tmp_path: Path) -> None:
    found = bad(tmp_path, template=TEMPLATE.replace("{{ antwoord(2, 3) }}", "{{ antwoord(2) }}"))
    assert found == [
        "facts/vragen.yaml:21: vraag 3 (‘Wat doet Nederland om de *vrede*…’) wordt niet beantwoord "
        "(zet {{ antwoord(3) }} op een eigen regel in templates/vragen.md.j2, met het antwoord eronder)"
    ]


def test_a_question_answered_twice(tmp_path: Path) -> None:
    template = TEMPLATE.replace("{{ antwoord(2, 3) }}", "{{ antwoord(1, 2, 3) }}")
    assert bad(tmp_path, template=template) == [
        "templates/vragen.md.j2:10: vraag 1 (‘Bent u bekend met het bericht…’) wordt twee keer "
        "beantwoord (eerder met antwoord(1) op regel 7)"
    ]


def test_a_number_that_is_not_a_question(tmp_path: Path) -> None:
    template = TEMPLATE.replace("{{ antwoord(2, 3) }}", "{{ antwoord(2, 3) }}\nJa.\n\n{{ antwoord(7) }}")
    assert bad(tmp_path, template=template) == [
        "templates/vragen.md.j2:13: antwoord(7): er is geen vraag 7 (kamervragen.vragen telt 3 vragen)"
    ]


def test_several_problems_are_listed_at_once(tmp_path: Path) -> None:
    template = TEMPLATE.replace("{{ antwoord(2, 3) }}", "{{ antwoord(1) }}")
    found = bad(tmp_path, template=template)
    assert [p.split(": ", 1)[0] for p in found] == [
        "templates/vragen.md.j2:10", "facts/vragen.yaml:20", "facts/vragen.yaml:21"]
    assert "vraag 2 (‘Hoeveel slachtoffers zijn er gevallen?’) wordt niet beantwoord" in found[1]


def test_an_answer_in_an_included_template_is_named_there(tmp_path: Path) -> None:
    template = TEMPLATE.replace("{{ antwoord(2, 3) }}", "{% include 'deel.md.j2' %}")
    make(tmp_path, template=template)
    (tmp_path / "templates" / "deel.md.j2").write_text("{{ antwoord(2) }}\nNee.\n\n{{ antwoord(1, 3) }}\n",
                                                       encoding="utf-8")
    assert problems(tmp_path) == [
        "templates/deel.md.j2:4: vraag 1 (‘Bent u bekend met het bericht…’) wordt twee keer beantwoord "
        "(eerder met antwoord(1) op templates/vragen.md.j2:7)"]


def test_no_kamervragen(tmp_path: Path) -> None:
    facts = FACTS.split("kamervragen:")[0] + "slachtoffers: 287\n"
    found = bad(tmp_path, facts)
    assert found[0].startswith(
        "facts/vragen.yaml:2: een beantwoording van Kamervragen (soort: antwoorden) "
        "heeft 'kamervragen:' nodig")


def test_no_answer_at_all(tmp_path: Path) -> None:
    assert bad(tmp_path, template="Hierbij de antwoorden.\n") == [
        "templates/vragen.md.j2: de beantwoording bevat geen enkel antwoord "
        "(zet per antwoord {{ antwoord(1) }} op een eigen regel, met het antwoord eronder)"
    ]


def test_antwoord_not_on_a_line_of_its_own(tmp_path: Path) -> None:
    template = TEMPLATE.replace("{{ antwoord(1) }}\nJa.", "{{ antwoord(1) }} Ja.")
    assert bad(tmp_path, template=template) == [
        "templates/vragen.md.j2:7: antwoord(1) moet alleen op een eigen regel staan "
        "(het antwoord volgt op de regel eronder (of na een lege regel))"
    ]


def test_an_empty_answer(tmp_path: Path) -> None:
    template = TEMPLATE.replace("{{ antwoord(1) }}\nJa.", "{{ antwoord(1) }}\n")
    found = bad(tmp_path, template=template)
    assert found[0].startswith("templates/vragen.md.j2:7: antwoord(1) heeft geen tekst")


def test_antwoord_in_a_kamerbrief(tmp_path: Path) -> None:
    found = bad(tmp_path, FACTS.replace("  soort: antwoorden\n", ""))
    assert found == ["templates/vragen.md.j2:7: antwoord(…) hoort alleen in een beantwoording van "
                     "Kamervragen (zet 'soort: antwoorden' onder brief: en de vragen onder kamervragen:)"]


def test_antwoord_needs_question_numbers(tmp_path: Path) -> None:
    found = bad(tmp_path, template=TEMPLATE.replace("{{ antwoord(1) }}", "{{ antwoord('1') }}"))
    assert found == ["templates/vragen.md.j2:7: antwoord('1'): '1' is geen vraagnummer "
                     "(een vraagnummer is een geheel getal vanaf 1: {{ antwoord(1) }})"]


def test_vragenstellers_on_something_else(tmp_path: Path) -> None:
    template = TEMPLATE.replace("kamervragen | vragenstellers", "slachtoffers | vragenstellers")
    assert bad(tmp_path, template=template) == [
        "templates/vragen.md.j2:1: vragenstellers verwacht kamervragen, of de lijst kamervragen.leden"]


def test_an_unknown_soort(tmp_path: Path) -> None:
    found = bad(tmp_path, FACTS.replace("soort: antwoorden", "soort: antwoord"))
    assert found == ["facts/vragen.yaml:2: 'soort' kan niet 'antwoord' zijn (bedoelde u 'antwoorden'?)"]


def test_a_heading_in_an_answer(tmp_path: Path) -> None:
    found = bad(tmp_path, template=TEMPLATE.replace("Ja.", "# Ja"))
    assert found[0].startswith("templates/vragen.md.j2:8: een kop kan niet in een antwoord")


def test_notes_of_the_questions_must_match(tmp_path: Path) -> None:
    facts = FACTS.replace("gevallen?", "gevallen?[^2]").replace("    1: NOS", "    3: Reuters.\n    1: NOS")
    assert bad(tmp_path, facts) == [
        "facts/vragen.yaml:20: vraag 2 verwijst naar voetnoot [^2], maar die staat niet onder "
        "kamervragen.noten (voeg onder noten: de regel '2: …' toe)",
        "facts/vragen.yaml:23: noot '3' onder kamervragen.noten wordt in geen enkele vraag gebruikt "
        "(verwijs ernaar met [^3] in een vraag)",
    ]


def test_a_missing_key_of_kamervragen(tmp_path: Path) -> None:
    found = bad(tmp_path, FACTS.replace("  ingezonden: 2022-09-15\n", ""))
    assert found[0].startswith("facts/vragen.yaml:11: ontbrekende sleutel 'ingezonden' in kamervragen")


def test_build_exits_1_with_the_message_and_no_traceback(tmp_path: Path) -> None:
    make(tmp_path, template=TEMPLATE.replace("{{ antwoord(2, 3) }}", "{{ antwoord(2) }}"))
    for command in ("build", "check"):
        result = run(command, "--project", str(tmp_path))
        assert result.returncode == 1, result.stderr
        assert "fout: facts/vragen.yaml:21: vraag 3 (‘Wat doet Nederland" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "output" / "vragen.pdf").exists()


# --------------------------------------------------------------------------- both formats


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The contract's document, built once."""
    root = make(tmp_path_factory.mktemp("antwoorden"))
    briefing.build(project=root)
    return root / "output"


def pdf_pages(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return [p for p in out.stdout.split("\f") if p.strip()]


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style, text) of every body paragraph."""
    return [(p.style.name if p.style is not None else "", p.text) for p in Document(str(path)).paragraphs]


def test_the_answers_start_on_a_new_page_in_the_pdf(built: Path) -> None:
    pages = pdf_pages(built / "vragen.pdf")
    assert len(pages) == 2
    assert "Antwoorden van" not in pages[0] and "W.B. Hoekstra" in pages[0]  # the cover letter, signed
    assert squash(pages[1]).startswith(squash(TITLE))  # page 2 opens with the title line
    assert "Pagina 2 van 2" in pages[1]
    assert pages[1].count("W.B. Hoekstra") == 0  # no signature in the answers part


def test_labels_are_lines_of_their_own_in_the_pdf(built: Path) -> None:
    lines = [line.strip() for line in pdf_pages(built / "vragen.pdf")[1].splitlines()]
    labels = [line for line in lines if re.fullmatch(r"(Vraag|Antwoord) [\d, en]+", line)]
    assert labels == ["Vraag 1", "Antwoord 1", "Vraag 2", "Vraag 3", "Antwoord 2 en 3"]


def test_the_docx_uses_label_styles_and_a_page_break(built: Path) -> None:
    paragraphs = docx_paragraphs(built / "vragen.docx")
    start = [text for _, text in paragraphs].index(TITLE)
    assert paragraphs[start:start + 6] == [
        ("Antwoorden titel", TITLE),
        ("Vraag label", "Vraag 1"),
        ("Vraag", "Bent u bekend met het bericht 'Tientallen doden bij gevechten'?"),  # + its note
        ("Antwoord label", "Antwoord 1"),
        ("Normal", "Ja."),
        ("Vraag label", "Vraag 2"),
    ]
    doc = Document(str(built / "vragen.docx"))
    for name in ("Antwoorden titel", "Vraag label", "Antwoord label"):
        assert doc.styles[name].font.bold is True  # the style is bold ...
    for para in doc.paragraphs:
        if para.style.name in ("Vraag label", "Antwoord label"):
            assert all(run.bold is None for run in para.runs)  # ... not the typed text
    assert doc.styles["Antwoorden titel"].paragraph_format.page_break_before is True
    assert not any(style.startswith("Heading") for style, _ in paragraphs[start:])  # no section numbers


def test_the_docx_is_valid_ooxml(built: Path) -> None:
    """Word refuses what LibreOffice forgives: the answers part keeps to the schema."""
    result = OpenXmlValidator(max_errors=0).validate(str(built / "vragen.docx"))
    assert [str(e) for e in result.errors if e.error_type is ValidationErrorType.SCHEMA] == []


def test_footnotes_of_questions_and_answers_are_real_footnotes(built: Path) -> None:
    with zipfile.ZipFile(built / "vragen.docx") as z:
        notes = etree.fromstring(z.read("word/footnotes.xml"))
        body = etree.fromstring(z.read("word/document.xml"))
    texts = {n.get(f"{W}id"): "".join(t.text for t in n.iter(f"{W}t"))
             for n in notes.iter(f"{W}footnote") if n.get(f"{W}type") is None}
    assert texts == {"1": "Kamerstuk 21 501-02, nr. 2540.", "2": "NOS, 13 september 2022.",
                     "3": "Armeense berichtgeving."}
    assert [r.get(f"{W}id") for r in body.iter(f"{W}footnoteReference")] == ["1", "2", "3"]
    pdf = squash("".join(pdf_pages(built / "vragen.pdf")))
    assert squash("1 Kamerstuk 21 501-02") in pdf and squash("2 NOS, 13 september 2022.") in pdf


def test_both_formats_say_the_same_in_the_answers(built: Path) -> None:
    """Every paragraph of the answers part in the DOCX is in the PDF's page 2, in order."""
    paragraphs = [text for _, text in docx_paragraphs(built / "vragen.docx")]
    answers = paragraphs[paragraphs.index(TITLE):]
    pdf = squash(pdf_pages(built / "vragen.pdf")[1])
    cursor = 0
    for text in answers:
        at = pdf.find(squash(text), cursor)
        assert at >= 0, text
        cursor = at + len(squash(text))
    assert squash("Zie paragraaf 1: 287 doden.") in pdf  # a ref to the cover letter's heading


def test_the_pdf_tags_each_answer_as_a_section_with_headings(built: Path) -> None:
    reader = PdfReader(built / "vragen.pdf")
    kinds: list[str] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict) and "/S" in node:
            kinds.append(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    assert kinds.count("/Sect") >= 2  # one per answer
    assert kinds.count("/H2") == 5  # Vraag 1, Antwoord 1, Vraag 2, Vraag 3, Antwoord 2 en 3
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert any(t.startswith("Antwoorden van") for t in titles)


# --------------------------------------------------------------------------- diff and redline


def test_diff_shows_a_changed_question_and_answer_under_their_labels(tmp_path: Path) -> None:
    root = make(tmp_path)
    old = prepare(root, root / "facts" / "vragen.yaml").letter
    make(root, FACTS.replace("Hoeveel slachtoffers", "Hoeveel doden").replace("287", "290"))
    new = prepare(root, root / "facts" / "vragen.yaml").letter
    titles = {s.title: s for s in compare(old, new).sections}
    assert "Vraag 2" in titles and "Antwoord 2 en 3" in titles
    assert titles["Vraag 2"].sentences[0].pieces[1:3] == (("-", "slachtoffers"), ("+", "doden"))


def test_the_redline_marks_a_changed_answer(tmp_path: Path) -> None:
    root = make(tmp_path)
    briefing.build(project=root, formats=("docx",))
    make(root, template=TEMPLATE.replace("Ja.", "Ja, ik ken het bericht."))
    briefing.build(project=root, formats=("docx",))
    with zipfile.ZipFile(root / "output" / "vragen.wijzigingen.docx") as z:
        body = etree.fromstring(z.read("word/document.xml"))
    inserted = ["".join(t.text for t in ins.iter(f"{W}t")) for ins in body.iter(f"{W}ins")]
    assert any("ik ken het bericht" in text for text in inserted)
    changed = next(p for p in body.iter(f"{W}p") if p.find(f".//{W}ins") is not None)
    previous = changed.getprevious()
    assert "".join(t.text for t in previous.iter(f"{W}t")) == "Antwoord 1"  # under its label


# --------------------------------------------------------------------------- scaffold, schema, example


def test_new_soort_antwoorden_builds_at_once(tmp_path: Path) -> None:
    result = run("new", "beantwoording", "--soort", "antwoorden", "--project", str(tmp_path))
    assert result.returncode == 0, result.stderr
    letter = prepare(tmp_path, tmp_path / "facts" / "beantwoording.yaml").letter
    (part,) = letter.parts
    assert [q.number for a in part.answers for q in a.questions] == [1, 2, 3]
    assert [a.label for a in part.answers] == ["Antwoord 1", "Antwoord 2 en 3"]
    assert letter.footnotes  # a footnote in a question
    results = briefing.build(project=tmp_path, formats=("docx",))
    assert [r.name for r in results] == ["beantwoording"]


def test_new_refuses_an_unknown_soort(tmp_path: Path) -> None:
    assert run("new", "x", "--soort", "nota", "--project", str(tmp_path)).returncode == 2
    with pytest.raises(briefing.BriefingError):
        new_letter("x", tmp_path, soort="nota")


def test_schema_describes_soort_and_kamervragen() -> None:
    result = run("schema")
    assert '"soort"' in result.stdout and '"antwoorden"' in result.stdout and '"kamervragen"' in result.stdout
    assert "Beantwoording" not in result.stderr


def test_the_example_builds_and_answers_every_question() -> None:
    letter = prepare(ROOT, ROOT / "facts" / "vragen-sjoerdsma.yaml").letter
    (part,) = letter.parts
    numbers = sorted(q.number for a in part.answers for q in a.questions)
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5
    assert any(len(a.questions) > 1 for a in part.answers)


def test_one_changed_shared_figure_flows_into_the_letter_and_the_answers(tmp_path: Path) -> None:
    """The example letter and the example answers read the same shared facts (facts/_armenie.yaml)."""
    for folder in ("facts", "templates"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    briefing.build(project=tmp_path, formats=("docx",))
    shared = tmp_path / "facts" / "_armenie.yaml"
    text = shared.read_text(encoding="utf-8")
    assert "armeense_soldaten: 207" in text
    shared.write_text(text.replace("armeense_soldaten: 207", "armeense_soldaten: 213"), encoding="utf-8")
    results = {r.name: r for r in briefing.build(project=tmp_path, formats=("docx",))}
    assert results["geannoteerde-agenda-rbz"].unchanged  # does not read 'armenie'
    for name in ("armenie-azerbeidzjan", "vragen-sjoerdsma"):
        assert not results[name].unchanged
        text = "\n".join(p.text for p in Document(str(tmp_path / "output" / f"{name}.docx")).paragraphs)
        assert "213 Armeense soldaten" in text and "207 Armeense" not in text


def test_absorb_says_it_cannot_take_over_edits_of_answers_yet(tmp_path: Path) -> None:
    """Not supported yet: a clear refusal (exit 1), not a plan built on the answers' markers."""
    make(tmp_path)
    briefing.build(project=tmp_path, formats=("docx",))
    result = run("absorb", "vragen", "--project", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("fout: output/vragen.docx: absorb kan bewerkingen in een beantwoording van Kamervragen"
            in result.stderr)


def test_check_reports_input_errors_as_input_errors(tmp_path: Path) -> None:
    make(tmp_path, template=TEMPLATE.replace("{{ antwoord(2, 3) }}", "{{ antwoord(2) }}"))
    found = briefing.check(project=tmp_path)
    assert all(isinstance(p, InputError) for p in found) and len(found) == 1
