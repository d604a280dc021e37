"""Reading a page's content stream op by op: as lines when WeasyPrint wrote it, else parsed.

The line reading must see exactly the ops pikepdf's parser sees, and refuse any stream it
could misread (literal strings, two ops on a line, inline images), which then goes to the
parser: the repair's moves and artifacts must come out the same either way.
"""

from __future__ import annotations

import io

import pikepdf
import pytest
from conftest import ROOT, sample_letter

from briefing.huisstijl import HouseStyle
from briefing.writers import pdf_content, pdf_tags
from briefing.writers.pdf import render_pdf
from briefing.writers.pdf_content import PageContents


@pytest.fixture(scope="module")
def raw_pdf() -> bytes:
    """The sample letter as WeasyPrint writes it, before the repair."""
    original = pdf_tags.repair
    pdf_tags.repair = lambda raw, boxes, declare_ua=False: raw
    try:
        return render_pdf(sample_letter(), HouseStyle(), base_dir=ROOT)
    finally:
        pdf_tags.repair = original


NOOP = pikepdf.Operator("n")


def parsed(stream: bytes) -> list[tuple[str, list[str]]]:
    """Each op of ``stream`` by pikepdf: its operator and its operands written out."""
    pdf = pikepdf.Pdf.new()
    return [
        (str(ins.operator), [pikepdf.unparse_content_stream([([o], NOOP)]) for o in ins.operands])
        for ins in pikepdf.parse_content_stream(pikepdf.Stream(pdf, stream))
    ]


def test_weasyprints_pages_read_as_lines_give_the_parsers_ops(raw_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(raw_pdf)) as pdf:
        pages = list(pdf.pages)
        assert len(pages) >= 2
        for page in pages:
            data = page.obj.Contents.read_bytes()
            lines = pdf_content._lines(data)
            assert lines is not None, "WeasyPrint's stream was not read as lines"
            assert [name for _, _, name in lines] == [name for name, _ in parsed(data)]
            # Every line, parsed on its own, is exactly that op with those operands.
            assert [parsed(line)[0] for line, _, _ in lines] == parsed(data)
            # And the MCIDs found in the lines are the parser's.
            contents = PageContents(pdf, [page])
            by_parser = [
                (ins.operands[1].MCID if ins.operands and isinstance(ins.operands[-1], pikepdf.Dictionary)
                 and "/MCID" in ins.operands[-1] else None) if str(ins.operator) == "BDC" else None
                for ins in pikepdf.parse_content_stream(page.obj)
            ]
            assert contents.marked(0) == by_parser


@pytest.mark.parametrize(
    "stream",
    [
        b"BT\n/F1 12 Tf\n(Hallo) Tj\nET",  # a literal string: anything may be inside
        b"q 1 0 0 1 0 0 cm\nQ",  # two ops on one line
        b"BI\n/W 1 /H 1 /BPC 8 /CS /G\nID\n\x00\nEI",  # an inline image
        b"q\n0 0 1 1\n",  # operands with no operator at the end
        b"q\nfoo bar\nQ",  # not an operator
    ],
)
def test_a_stream_not_written_as_weasyprint_writes_goes_to_the_parser(stream: bytes) -> None:
    assert pdf_content._lines(stream) is None


def test_a_stream_with_literal_strings_is_parsed_and_edited_the_same(tmp_path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    stream = (
        b"q\n/Span <</MCID 0>> BDC\nBT\n/F1 12 Tf\n(eerst) Tj\nET\nEMC\nQ\n"
        b"q\n/Span <</MCID 1>> BDC\nBT\n(dan) Tj\nET\nEMC\nQ"
    )
    page.obj.Contents = pdf.make_stream(stream)
    contents = PageContents(pdf, [page])
    ops = contents.ops(0)
    assert [name for _, _, name in ops] == [name for name, _ in parsed(stream)]
    marked = contents.marked(0)
    assert [(i, m) for i, m in enumerate(marked) if m is not None] == [(1, 0), (9, 1)]
    assert len(marked) == 15
    assert contents.move(0, [({1}, 0)]) == 1
    contents.artifacts(0, {0}, {"/Type": "/Pagination"})
    contents.write()
    names = [name for name, _ in parsed(page.obj.Contents.read_bytes())]
    assert names[:8] == ["q", "BDC", "BT", "Tj", "ET", "EMC", "Q", "q"]
    assert b"(dan)" in page.obj.Contents.read_bytes().split(b"(eerst)")[0]
    assert b"/Artifact" in page.obj.Contents.read_bytes()


def test_moves_on_lines_and_on_parsed_ops_give_the_same_page(raw_pdf: bytes) -> None:
    results = []
    for read_as_lines in (True, False):
        with pikepdf.open(io.BytesIO(raw_pdf)) as pdf:
            page = pdf.pages[0]
            contents = PageContents(pdf, [page])
            if not read_as_lines:
                contents.raw = lambda page: None  # type: ignore[method-assign]
            marked = [m for m in contents.marked(0) if m is not None]
            assert len(marked) > 3
            moved = contents.move(0, [({marked[-1]}, 0)])
            contents.artifacts(0, {marked[0]}, {"/Type": "/Pagination"})
            contents.write()
            results.append((moved, parsed(page.obj.Contents.read_bytes())))
    assert results[0] == results[1]
