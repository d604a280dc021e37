"""docx_read: the accepted view of a DOCX, and a signature that a save without edits keeps."""

from __future__ import annotations

import io
import zipfile

import docx
import docx_edits as edits
import pytest
from conftest import sample_letter

from briefing.docx_read import read_docx, signature
from briefing.huisstijl import HouseStyle
from briefing.writers.docx import render_docx


@pytest.fixture(scope="module")
def blob() -> bytes:
    return render_docx(sample_letter(), HouseStyle())


def body(blob: bytes) -> list[str]:
    return [p.text for p in read_docx(blob) if p.story == "body"]


def test_reads_what_the_reader_sees(blob: bytes) -> None:
    paragraphs = read_docx(blob)
    texts = [p.text for p in paragraphs]
    # a footnote call as [^n], a REF field as its result, a line break as a newline
    assert any("gevechten plaats[^1]. Zie ook paragraaf 2 en paragraaf ‘Bijlage’." in t for t in texts)
    assert any("berichtgeving 207 soldaten[^2].\nMeer op rijksoverheid.nl." in t for t in texts)
    notes = [(p.note, p.text) for p in paragraphs if p.story == "footnote"]
    assert notes == [(1, "Kamerstuk 21 501-02, nr. 2540"), (2, "Armeense berichtgeving, 15 september 2022")]
    headings = [(p.style, p.text) for p in paragraphs if (p.style or "").startswith("Heading")]
    assert headings[0] == ("Heading1", "Stand van zaken")
    # the page fields' results change with every layout: they read as #
    assert "Pagina # van #" in [p.text for p in paragraphs if p.story == "header:first"]
    (hevige,) = [p for p in paragraphs if "hevige" in p.text]
    assert ("hevige", False, True, "") in hevige.formatting  # Emph → italic


def test_tracked_changes_read_as_accepted(blob: bytes, tmp_path) -> None:
    path = tmp_path / "brief.docx"
    path.write_bytes(blob)
    edits.tracked(path, "Slotalinea.", "Laatste alinea.")
    assert "Laatste alinea." in body(path.read_bytes())
    assert "Slotalinea." not in "".join(body(path.read_bytes()))


def test_deleted_paragraph_mark_joins_paragraphs(blob: bytes) -> None:
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    document = docx.Document(io.BytesIO(blob))
    (quote,) = [p for p in document.paragraphs if p.text == "Een citaat."]
    rpr = quote._p.get_or_add_pPr().makeelement(f"{W}rPr", {})
    rpr.append(rpr.makeelement(f"{W}del", {f"{W}id": "5", f"{W}author": "x"}))
    quote._p.get_or_add_pPr().append(rpr)
    out = io.BytesIO()
    document.save(out)
    assert "Een citaat.Bijlage" in body(out.getvalue())


def test_noise_and_saves_keep_the_signature(blob: bytes, tmp_path) -> None:
    path = tmp_path / "brief.docx"
    path.write_bytes(blob)
    before = signature(read_docx(blob))
    edits.wordify(path)
    assert path.read_bytes() != blob and signature(read_docx(path.read_bytes())) == before
    document = docx.Document(str(path))
    document.save(str(path))  # python-docx: open and save
    assert signature(read_docx(path.read_bytes())) == before
    edits.libreoffice(path, tmp_path / "saved.docx")  # LibreOffice: open and save as Word
    assert signature(read_docx((tmp_path / "saved.docx").read_bytes())) == before


def test_an_edit_changes_the_signature(blob: bytes, tmp_path) -> None:
    path = tmp_path / "brief.docx"
    before = signature(read_docx(blob))
    for edit in (lambda: edits.replace(path, "207 soldaten", "210 soldaten"),
                 lambda: edits.bold(path, "Slotalinea")):
        path.write_bytes(blob)
        edit()
        assert signature(read_docx(path.read_bytes())) != before


def test_not_a_docx() -> None:
    from briefing.docx_read import DocxReadError

    with pytest.raises(DocxReadError):
        read_docx(b"not a zip")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "x")
    with pytest.raises(DocxReadError):
        read_docx(out.getvalue())
