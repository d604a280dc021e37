"""The DOCX tells the truth about itself (issue 11): the page count it stores is the PDF's,
its logo's alt text is the PDF's, title, subject and language are set, data tables have a
header row, and no blank paragraph makes space — what Word's accessibility checker and a
text extractor read from the XML."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import copy_example, sample_letter
from lxml import etree

from briefing import build
from briefing.huisstijl import HouseStyle
from briefing.tools import tags
from briefing.writers.docx import render_docx, with_page_count

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LETTER = "geannoteerde-agenda-rbz"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_example(tmp_path_factory.mktemp("project"))
    build([LETTER], project=project)
    return project / "output"


def part(docx: Path | bytes, name: str) -> str:
    source = io.BytesIO(docx) if isinstance(docx, bytes) else docx
    with zipfile.ZipFile(source) as z:
        return z.read(name).decode()


def field_results(xml: str) -> dict[str, str]:
    """Instruction → stored result of the complex fields in one part."""
    return dict(re.findall(r"<w:instrText[^>]*> (\w+) </w:instrText>.*?<w:t[^>]*>([^<]*)</w:t>", xml, re.S))


def test_page_fields_store_what_word_will_show(built: Path) -> None:
    with pikepdf.open(built / f"{LETTER}.pdf") as pdf:
        pages = len(pdf.pages)
    assert pages >= 2
    first = field_results(part(built / f"{LETTER}.docx", "word/header1.xml"))
    later = field_results(part(built / f"{LETTER}.docx", "word/header2.xml"))
    assert first == {"PAGE": "1", "NUMPAGES": str(pages)}
    assert later == {"PAGE": "2", "NUMPAGES": str(pages)}


@pytest.mark.parametrize(("jobs", "pdf_first"), [(1, False), (2, False), (1, True)])
def test_a_docx_built_without_its_pdf_stores_the_pdfs_page_count(
    built: Path, tmp_path: Path, jobs: int, pdf_first: bool
) -> None:
    # --format docx: no PDF is written, but its layout still gives the page count (in a
    # worker when there is a pool, here when there is not); after a PDF of the same
    # inputs, the count the manifest keeps from it.
    with pikepdf.open(built / f"{LETTER}.pdf") as pdf:
        pages = len(pdf.pages)
    project = copy_example(tmp_path)
    if pdf_first:
        build([LETTER], project=project, formats=("pdf",))
        assert json.loads((project / "output" / ".briefing" / f"{LETTER}.json").read_text())["pages"][
            "count"
        ] == pages
        (project / "output" / f"{LETTER}.pdf").unlink()
    build([LETTER], project=project, formats=("docx",), jobs=jobs)
    output = project / "output"
    assert not (output / f"{LETTER}.pdf").exists()
    assert field_results(part(output / f"{LETTER}.docx", "word/header1.xml"))["NUMPAGES"] == str(pages)
    assert field_results(part(output / f"{LETTER}.docx", "word/header2.xml"))["NUMPAGES"] == str(pages)
    assert (output / f"{LETTER}.docx").read_bytes() == (built / f"{LETTER}.docx").read_bytes()


def test_page_count_patch_equals_a_fresh_render() -> None:
    letter, style = sample_letter(), HouseStyle()
    assert with_page_count(render_docx(letter, style), 4) == render_docx(letter, style, pages=4)


def test_logo_alt_text_is_the_pdfs(built: Path) -> None:
    (figure,) = tags.read(built / f"{LETTER}.pdf").root.find("Figure")
    alts = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', part(built / f"{LETTER}.docx", "word/header1.xml"))
    assert alts == [figure.attributes["Alt"]] == ["Beeldmerk van de Rijksoverheid"]


def test_title_subject_and_language(built: Path) -> None:
    core = part(built / f"{LETTER}.docx", "docProps/core.xml")
    assert "<dc:title>Geannoteerde agenda Raad Buitenlandse Zaken van 22 mei 2023</dc:title>" in core
    assert "<dc:subject>Kamerbrief, kenmerk BZ2309846</dc:subject>" in core
    assert "<dc:language>nl-NL</dc:language>" in core
    styles = part(built / f"{LETTER}.docx", "word/styles.xml")
    defaults = styles[styles.index("<w:docDefaults>") : styles.index("</w:docDefaults>")]
    assert 'w:lang w:val="nl-NL"' in defaults


def test_data_tables_have_a_header_row_and_no_blank_paragraph_makes_space(built: Path) -> None:
    body = etree.fromstring(part(built / f"{LETTER}.docx", "word/document.xml").encode()).find(f"{W}body")
    headed = [t for t in body.iter(f"{W}tbl") if t.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None]
    assert len(headed) == 1  # the letter's one Markdown table; the rest lay out the signature
    (first_row, *_) = headed[0].findall(f"{W}tr")
    assert "Onderdeel" in "".join(first_row.itertext())
    blank = [
        p for p in body.iter(f"{W}p")
        if not "".join(t.text or "" for t in p.iter(f"{W}t")).strip()
        and p.find(f".//{W}drawing") is None and p.find(f".//{W}sectPr") is None
    ]
    assert blank == []
