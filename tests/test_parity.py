"""DOCX and PDF say the same: LibreOffice, a second client, renders our DOCX to PDF and
its heading numbers, footnotes, references and page count are compared with our PDF.

Every letter in ``facts/`` is built once into a copy of the project; one ``soffice``
call (with a throwaway profile) converts all their DOCX files. What Word-side
features must produce (list numbers on headings, footnote numbers, REF fields,
PAGE/NUMPAGES) is thus checked as another program computes it, not as we wrote it.
The texts are compared squashed (no whitespace, no hyphens), so that different line
breaks and hyphenation in the two renderings do not matter.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefing.build import build, prepare
from briefing.model import Heading, Letter, Paragraph, Ref, inline_runs, plain_text

ROOT = Path(__file__).resolve().parent.parent
LETTERS = sorted(p.stem for p in (ROOT / "facts").glob("*.yaml") if not p.name.startswith("_"))

# A letter written with ``nummering: false`` is also built numbered (as ``<name>-genummerd``),
# so that its subsections and references are checked with numbers too: "1.1", "paragraaf 1.1".
UNNUMBERED = re.compile(r"^(\s+nummering:\s*)false\s*$", re.M)
TWINS = {f"{name}-genummerd": name for name in LETTERS
         if UNNUMBERED.search((ROOT / "facts" / f"{name}.yaml").read_text(encoding="utf-8"))}
CASES = sorted([*LETTERS, *TWINS])

SOFFICE_TIMEOUT = 300  # seconds for converting every letter, cold profile included


def squash(text: str) -> str:
    """Text without whitespace, soft hyphens and hyphens (line-end or not)."""
    return re.sub(r"[\s\u00ad\-\u2010\u2011]+", "", text)


@dataclass(frozen=True)
class Rendering:
    """One PDF of a letter: its pages as ``pdftotext -raw`` gives them."""

    path: Path
    pages: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


@dataclass(frozen=True)
class Case:
    """A letter's numbered model, our PDF and LibreOffice's rendering of our DOCX."""

    letter: Letter
    ours: Rendering
    libreoffice: Rendering


def read_pdf(path: Path) -> Rendering:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    pages = out.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page with a form feed
    return Rendering(path, tuple(pages))


@pytest.fixture(scope="module")
def timings() -> dict[str, float]:
    """Seconds spent building and converting, reported at the end of the module."""
    return {}


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory, timings: dict[str, float]) -> dict[str, Case]:
    """Every example letter built once, and all DOCX files converted by one soffice call."""
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice (soffice) ontbreekt: scripts/setup.sh --test installeert het")
    root = tmp_path_factory.mktemp("parity")
    for folder in ("facts", "templates"):
        shutil.copytree(ROOT / folder, root / folder)
    for twin, name in TWINS.items():
        text = (root / "facts" / f"{name}.yaml").read_text(encoding="utf-8")
        (root / "facts" / f"{twin}.yaml").write_text(UNNUMBERED.sub(r"\1true", text), encoding="utf-8")

    start = time.perf_counter()
    results = build(project=root)
    timings["build"] = time.perf_counter() - start
    assert sorted(r.name for r in results) == CASES

    converted = root / "libreoffice"
    profile = root / "lo-profile"
    start = time.perf_counter()
    done = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", "pdf", "--outdir", str(converted),
         *(str(root / "output" / f"{name}.docx") for name in CASES)],
        capture_output=True, text=True, timeout=SOFFICE_TIMEOUT,
    )
    timings["soffice"] = time.perf_counter() - start

    out: dict[str, Case] = {}
    for name in CASES:
        lo_pdf = converted / f"{name}.pdf"
        assert lo_pdf.is_file(), f"LibreOffice opende {name}.docx niet:\n{done.stdout}\n{done.stderr}"
        letter = prepare(root, root / "facts" / f"{name}.yaml").letter
        out[name] = Case(letter, read_pdf(root / "output" / f"{name}.pdf"), read_pdf(lo_pdf))
    return out


@pytest.fixture(scope="module", autouse=True)
def report_timings(timings: dict[str, float]):
    yield
    if timings:
        print("\nparity: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))


# --------------------------------------------------------------------------- what to compare


def headings(letter: Letter) -> list[Heading]:
    return [b for b in letter.blocks if isinstance(b, Heading)]


def heading_lines(rendering: Rendering, letter: Letter) -> list[tuple[str | None, str]]:
    """(number as printed, text) of each heading, found in order as whole lines.

    A heading is one or more consecutive lines that together are exactly its text,
    the first optionally preceded by its number (``1``, ``1.1``): wrapped headings
    and different hyphenation still match, body text that merely starts with a
    heading's words does not.
    """
    lines = rendering.text.splitlines()
    found: list[tuple[str | None, str]] = []
    cursor = 0
    for heading in headings(letter):
        want = squash(plain_text(heading.inlines))
        for i in range(cursor, len(lines)):
            match = re.match(r"^(\d+(?:\.\d+)*)\s+(\S.*)$", lines[i].strip())
            number, first = (match.group(1), match.group(2)) if match else (None, lines[i])
            got, j = squash(first), i
            while want.startswith(got) and got != want and j + 1 < len(lines):
                j += 1
                got += squash(lines[j])
            if got and got == want:
                found.append((number, plain_text(heading.inlines)))
                cursor = j + 1
                break
    return found


def footnotes_in_order(rendering: Rendering, letter: Letter) -> list[tuple[int, str]]:
    """(number, text) of each of the letter's footnotes found, number first, in order."""
    text = squash(rendering.text)
    found = []
    cursor = 0
    for note in letter.footnotes:
        body = " ".join(plain_text(b.inlines) for b in note.blocks if isinstance(b, Paragraph))
        at = text.find(squash(f"{note.number} {body}"), cursor)
        if at >= 0:
            found.append((note.number, body))
            cursor = at + 1
    return found


def references(text: str) -> list[str]:
    """Every ``paragraaf N`` / ``paragraaf ‘Titel’`` in the (squashed) text, in order."""
    return re.findall(r"paragraaf(\d+(?:\.\d+)*|‘[^’]*’)", squash(text))


def model_references(letter: Letter) -> list[str]:
    """The references of the model, as :func:`references` finds them in print."""
    refs: list[str] = []

    def inlines(nodes) -> None:
        for node in nodes:
            if isinstance(node, Ref):
                refs.append(squash(node.label))
            elif hasattr(node, "children"):
                inlines(node.children)

    def block(node) -> None:
        for run in inline_runs(node):
            inlines(run)

    for node in letter.blocks:
        block(node)
    for part in letter.parts:  # the answers: refs in the answers, after the letter
        for answer in part.answers:
            for node in answer.blocks:
                block(node)
    return refs


LABEL = re.compile(r"Vraag \d+|Antwoord \d+(?:(?:, \d+)* en \d+)?")


def answer_labels(rendering: Rendering) -> list[str]:
    """The lines that are exactly a label of the answers part (``Vraag 2``, ``Antwoord 2 en 3``)."""
    return [line.strip() for line in rendering.text.splitlines() if LABEL.fullmatch(line.strip())]


def model_labels(letter: Letter) -> list[str]:
    return [label for part in letter.parts for answer in part.answers
            for label in (*(q.label for q in answer.questions), answer.label)]


# --------------------------------------------------------------------------- the tests


@pytest.fixture(params=CASES)
def name(request: pytest.FixtureRequest) -> str:
    """Each letter in turn (and the numbered twin of an unnumbered one)."""
    return request.param


def test_the_examples_exercise_what_is_compared(cases: dict[str, Case]) -> None:
    """Together the letters have subsections, footnotes and both kinds of reference,
    so that none of the comparisons below passes for want of anything to compare."""
    letters = [case.letter for case in cases.values()]
    numbers = {h.number for letter in letters for h in headings(letter)}
    assert any(n and "." in n for n in numbers)  # a numbered subsection: 1.1
    assert any(letter.footnotes for letter in letters)
    refs = {r for letter in letters for r in model_references(letter)}
    assert any(r[0].isdigit() for r in refs)  # paragraaf 1.1
    assert any(r.startswith("‘") for r in refs)  # paragraaf ‘Titel’
    answers = [a for letter in letters for part in letter.parts for a in part.answers]
    assert any(len(a.questions) > 1 for a in answers)  # Antwoord 2 en 3


def test_libreoffice_opens_the_docx(cases: dict[str, Case], name: str) -> None:
    case = cases[name]
    assert case.libreoffice.path.read_bytes().startswith(b"%PDF-")
    assert squash(case.letter.meta.betreft) in squash(case.libreoffice.text)


def test_heading_numbers_and_texts_are_the_same(cases: dict[str, Case], name: str) -> None:
    case = cases[name]
    expected = [(h.number, plain_text(h.inlines)) for h in headings(case.letter)]
    ours = heading_lines(case.ours, case.letter)
    assert ours == expected
    assert heading_lines(case.libreoffice, case.letter) == ours


def test_footnote_numbers_and_texts_are_the_same(cases: dict[str, Case], name: str) -> None:
    case = cases[name]
    expected = [(n.number, " ".join(plain_text(b.inlines) for b in n.blocks if isinstance(b, Paragraph)))
                for n in case.letter.footnotes]
    ours = footnotes_in_order(case.ours, case.letter)
    assert ours == expected
    assert footnotes_in_order(case.libreoffice, case.letter) == ours


def test_references_are_the_same(cases: dict[str, Case], name: str) -> None:
    case = cases[name]
    ours = references(case.ours.text)
    assert ours == model_references(case.letter)
    assert references(case.libreoffice.text) == ours


def test_page_counts_differ_by_at_most_one(cases: dict[str, Case], name: str) -> None:
    case = cases[name]
    assert abs(len(case.ours.pages) - len(case.libreoffice.pages)) <= 1


def test_first_page_counts_all_pages(cases: dict[str, Case], name: str) -> None:
    """``Pagina 1 van N`` on page 1, with N the page count of that very rendering."""
    for rendering in (cases[name].ours, cases[name].libreoffice):
        total = len(rendering.pages)
        assert squash(f"Pagina 1 van {total}") in squash(rendering.pages[0]), rendering.path.name


def test_later_pages_are_numbered(cases: dict[str, Case], name: str) -> None:
    for rendering in (cases[name].ours, cases[name].libreoffice):
        total = len(rendering.pages)
        for n, page in enumerate(rendering.pages[1:], 2):
            assert squash(f"Pagina {n} van {total}") in squash(page), f"{rendering.path.name} p. {n}"


def test_answer_labels_are_the_same(cases: dict[str, Case], name: str) -> None:
    """Every Vraag/Antwoord label of an answers document, as a line of its own, in order."""
    case = cases[name]
    expected = model_labels(case.letter)
    assert answer_labels(case.ours) == expected
    assert answer_labels(case.libreoffice) == expected


def test_the_answers_start_on_a_new_page(cases: dict[str, Case], name: str) -> None:
    """The title line of the answers opens a page after the one with the signature."""
    case = cases[name]
    for part in case.letter.parts:
        title = squash(plain_text(part.title))
        signer = squash(case.letter.meta.ondertekenaars[-1].naam)
        for rendering in (case.ours, case.libreoffice):
            pages = [squash(p) for p in rendering.pages]
            at = next(i for i, p in enumerate(pages) if title[:40] in p)
            signed = max(i for i, p in enumerate(pages) if signer in p)
            assert at == signed + 1, rendering.path.name
            assert title in pages[at], rendering.path.name
            assert not any(title[:40] in p for p in pages[:at])
