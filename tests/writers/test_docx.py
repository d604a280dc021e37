"""The DOCX writer, checked as a user would: open it, read its parts, convert it with
LibreOffice (a real second client) and read the PDF's text."""

from __future__ import annotations

import io
import re
import subprocess
import uuid
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from conftest import sample_letter, sample_meta
from lxml import etree
from openxml_audit import OpenXmlValidator, ValidationErrorType

from briefing.huisstijl import HouseStyle
from briefing.model import (
    Emph,
    Footnote,
    Heading,
    Letter,
    Link,
    ListBlock,
    ListItem,
    NoteRef,
    Ondertekenaar,
    Paragraph,
    Ref,
    Table,
    Text,
    plain_text,
)
from briefing.numbering import number
from briefing.writers.docx import bookmark_name, render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


def _docx(letter: Letter | None = None) -> bytes:
    return render_docx(letter or sample_letter(), HouseStyle())


def _part(blob: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return etree.fromstring(z.read(name))


def _xml(blob: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return z.read(name).decode()


def _pdf(blob: bytes, tmp_path: Path) -> Path:
    """The DOCX converted to PDF by LibreOffice, with a profile of its own."""
    source = tmp_path / "brief.docx"
    source.write_bytes(blob)
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return tmp_path / "brief.pdf"


def _pages(pdf: Path) -> list[str]:
    """Each page's text (``pdftotext -layout``), runs of spaces collapsed."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [re.sub(r"[ \t]+", " ", page) for page in text.split("\f")]


def _words(pdf: Path) -> list[tuple[int, str, float, float]]:
    """(page, word, x, y) of every word, in millimetres from the page's top-left corner."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    root = etree.fromstring(xml.encode(), etree.XMLParser(recover=True))
    words = []
    for n, page in enumerate(root.iter("{*}page"), 1):
        for word in page.iter("{*}word"):
            x, y = (float(word.get(k)) * 25.4 / 72 for k in ("xMin", "yMin"))
            words.append((n, word.text, x, y))
    return words


def extras_letter() -> Letter:
    """Nested lists, a list starting at 3, a third-level heading, a note called twice,
    a reference to a subsection, three signatories — then numbered for real."""
    body = (
        Heading(1, (Text("Inleiding"),), id="inleiding"),
        Heading(2, (Text("Achtergrond"),), id="achtergrond"),
        Heading(3, (Text("Details"),), id="details.van-belang"),
        Paragraph((Text("Eerste noot"), NoteRef("a"), Text(", weer"), NoteRef("a"), Text(", zie "),
                   Ref("details.van-belang"), Text("."))),
        ListBlock(True, (
            ListItem((Paragraph((Text("stap drie"),)),
                      ListBlock(False, (ListItem((Paragraph((Text("binnen een"),)),)),
                                        ListItem((Paragraph((Text("binnen twee"),)),)))))),
            ListItem((Paragraph((Text("stap vier"),)), Paragraph((Text("vervolgalinea"),)))),
        ), start=3),
        Heading(1, (Text("Afsluiting"),), id="afsluiting"),
        Paragraph((Text("Einde."),)),
    )
    notes = (Footnote("a", (Paragraph((Text("Zie "), Emph((Text("ook"),)), Text(" "),
                                       Link((Text("de site"),), "https://example.org"))),)),)
    meta = sample_meta(ondertekenaars=(
        Ondertekenaar("De minister van A,", "A. Een"),
        Ondertekenaar("De minister van B,", "B. Twee"),
        Ondertekenaar("De staatssecretaris van C,", "C. Drie"),
    ), bijlagen=("Eén bijlage",), slot=None, uw_kenmerk=None)
    return number(Letter(meta, body, notes))


# ----------------------------------------------------------------------------- the package


def test_python_docx_reopens_it_with_real_heading_styles():
    document = docx.Document(io.BytesIO(_docx()))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Stand van zaken"),
        ("Heading 2", "Slachtoffers"),
        ("Heading 1", "Vervolg vredesbesprekingen"),
        ("Heading 1", "Bijlage"),
    ]
    assert not any(re.match(r"\d", text) for _, text in headings)  # Word numbers them


def test_the_same_model_gives_the_same_bytes():
    first, second = _docx(), _docx()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_openxml_audit_finds_no_schema_errors(tmp_path):
    for i, letter in enumerate((sample_letter(), sample_letter(concept=True), extras_letter())):
        path = tmp_path / f"brief{i}.docx"
        path.write_bytes(_docx(letter))
        result = OpenXmlValidator(max_errors=0).validate(str(path))
        schema = [str(e) for e in result.errors if e.error_type is ValidationErrorType.SCHEMA]
        assert schema == []
        # w:numId 0 ("no numbering", ECMA-376 §17.9.18) is the only other finding allowed.
        others = [str(e) for e in result.errors if "Numbering definition '0'" not in e.description]
        assert others == []


def test_language_is_dutch_on_doc_defaults_and_normal():
    styles = _part(_docx(), "word/styles.xml")
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    normal = styles.find("w:style[@w:styleId='Normal']/w:rPr/w:lang", NS)
    assert default.get(f"{W}val") == normal.get(f"{W}val") == "nl-NL"
    assert styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS).get(f"{W}ascii") == "Verdana"
    settings = _part(_docx(), "word/settings.xml")
    assert settings.find("w:autoHyphenation", NS) is not None


def test_core_properties():
    props = docx.Document(io.BytesIO(_docx())).core_properties
    assert props.title == "Verslag bezoek ambassadeur aan Armeens grensgebied"
    assert props.author == props.last_modified_by == "Ministerie van Buitenlandse Zaken"
    assert props.created.isoformat().startswith("2022-12-09T00:00:00")
    assert props.modified == props.created
    assert props.language == "nl-NL"
    assert props.revision == 1
    assert props.keywords == ""
    concept = docx.Document(io.BytesIO(_docx(sample_letter(concept=True)))).core_properties
    assert concept.keywords == "CONCEPT"


# ----------------------------------------------------------------------------- numbering


def test_heading_numbers_come_from_a_list_linked_to_the_heading_styles():
    blob = _docx()
    numbering = _part(blob, "word/numbering.xml")
    levels = numbering.findall("w:abstractNum/w:lvl[w:pStyle]", NS)
    linked = [(lvl.find("w:pStyle", NS).get(f"{W}val"), lvl.find("w:lvlText", NS).get(f"{W}val"),
               lvl.find("w:suff", NS).get(f"{W}val")) for lvl in levels]
    assert linked == [
        ("Heading1", "%1", "tab"), ("Heading2", "%1.%2", "tab"), ("Heading3", "%1.%2.%3", "tab")]
    for lvl in levels:  # schema order: suff before lvlText
        tags = [child.tag.replace(W, "") for child in lvl]
        assert tags.index("suff") < tags.index("lvlText")
    styles = _part(blob, "word/styles.xml")
    for n in (1, 2, 3):
        numpr = styles.find(f"w:style[@w:styleId='Heading{n}']/w:pPr/w:numPr", NS)
        assert numpr.find("w:ilvl", NS).get(f"{W}val") == str(n - 1)
    body = _part(blob, "word/document.xml")
    bijlage = next(p for p in body.iter(f"{W}p") if "".join(p.itertext()) == "Bijlage")
    assert bijlage.find("w:pPr/w:numPr/w:numId", NS).get(f"{W}val") == "0"  # unnumbered heading


def test_without_nummering_no_heading_is_numbered():
    letter = number(replace(sample_letter(), meta=sample_meta(nummering=False)))
    blob = _docx(letter)
    styles = _part(blob, "word/styles.xml")
    assert styles.find("w:style[@w:styleId='Heading1']/w:pPr/w:numPr", NS) is None
    assert _part(blob, "word/numbering.xml").find("w:abstractNum/w:lvl/w:pStyle", NS) is None


def test_each_numbered_list_restarts():
    numbering = _part(_docx(), "word/numbering.xml")
    restarts = numbering.findall("w:num/w:lvlOverride/w:startOverride", NS)
    assert [r.get(f"{W}val") for r in restarts] == ["1", "1"]
    extras = _part(_docx(extras_letter()), "word/numbering.xml")
    override = extras.find("w:num/w:lvlOverride", NS)
    assert override.get(f"{W}ilvl") == "0"
    assert override.find("w:startOverride", NS).get(f"{W}val") == "3"


def test_nested_list_items_go_one_level_deeper():
    body = _part(_docx(extras_letter()), "word/document.xml")
    levels = {"".join(p.itertext()): p.find("w:pPr/w:numPr/w:ilvl", NS) for p in body.iter(f"{W}p")}
    assert levels["stap drie"].get(f"{W}val") == "0"
    assert levels["binnen een"].get(f"{W}val") == "1"
    assert levels["vervolgalinea"] is None  # continues the item, unnumbered


# ----------------------------------------------------------------------------- notes and references


def test_footnotes_part_holds_both_notes_in_order():
    blob = _docx()
    content_types = _xml(blob, "[Content_Types].xml")
    assert ('PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument'
            '.wordprocessingml.footnotes+xml"') in content_types
    assert "relationships/footnotes" in _xml(blob, "word/_rels/document.xml.rels")
    notes = _part(blob, "word/footnotes.xml").findall("w:footnote", NS)
    assert [(n.get(f"{W}type"), n.get(f"{W}id")) for n in notes[:2]] == [
        ("separator", "-1"), ("continuationSeparator", "0")]
    assert [(n.get(f"{W}id"), "".join(n.itertext()).strip()) for n in notes[2:]] == [
        ("1", "Kamerstuk 21 501-02, nr. 2540"), ("2", "Armeense berichtgeving, 15 september 2022")]
    for note in notes[2:]:
        p = note.find("w:p", NS)
        assert p.find("w:pPr/w:pStyle", NS).get(f"{W}val") == "FootnoteText"
        assert p.find("w:r/w:footnoteRef", NS) is not None
    body = _part(blob, "word/document.xml")
    calls = body.findall(".//w:r/w:footnoteReference", NS)
    assert [c.get(f"{W}id") for c in calls] == ["1", "2"]
    settings = _part(blob, "word/settings.xml")
    assert [f.get(f"{W}id") for f in settings.findall("w:footnotePr/w:footnote", NS)] == ["-1", "0"]


def test_a_second_call_of_a_note_refers_to_the_first():
    blob = _docx(extras_letter())
    body = _part(blob, "word/document.xml")
    assert len(body.findall(".//w:footnoteReference", NS)) == 1
    instr = [t.text.strip() for t in body.iter(f"{W}instrText")]
    assert "NOTEREF _Note_a \\f \\h" in instr
    assert "example.org" in _xml(blob, "word/_rels/footnotes.xml.rels")  # link inside a note


def test_references_are_ref_fields_to_heading_bookmarks():
    body = _part(_docx(), "word/document.xml")
    names = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert {"_Ref_stand", "_Ref_vervolg", "_Ref_bijlage"} <= names
    text = "".join(body.itertext())
    assert "paragraaf  REF _Ref_vervolg \\w \\h 2" in text
    assert "paragraaf \u2018 REF _Ref_bijlage \\h Bijlage\u2019" in text


def test_bookmark_names_are_valid():
    assert bookmark_name("_Ref_", "vervolg") == "_Ref_vervolg"
    for ident in ("details.van-belang", "één", "x" * 60):
        name = bookmark_name("_Ref_", ident)
        assert re.fullmatch(r"_[A-Za-z0-9_]{1,39}", name), name
    assert bookmark_name("_Ref_", "a-b") != bookmark_name("_Ref_", "a.b")


# ----------------------------------------------------------------------------- blocks and layout


def test_table_has_a_style_a_repeating_header_and_aligned_cells():
    document = docx.Document(io.BytesIO(_docx()))
    table = next(t for t in document.tables if t.style is not None and t.style.name == "Tabel Kamerbrief")
    assert table.rows[0]._tr.find("w:trPr/w:tblHeader", NS) is not None
    assert [c.paragraphs[0].alignment for c in table.rows[1].cells] == [None, 2]  # 2 = right


def captioned_letter() -> Letter:
    """The sample letter with a caption on its table (``: …`` next to it in a template)."""
    letter = sample_letter()
    blocks = tuple(
        replace(b, caption=(Text("Omgekomen "), Emph((Text("soldaten"),)))) if isinstance(b, Table) else b
        for b in letter.blocks
    )
    return replace(letter, blocks=blocks)


def test_a_tables_caption_is_a_caption_paragraph_above_it_and_its_title(tmp_path):
    blob = _docx(captioned_letter())
    body = _part(blob, "word/document.xml").find("w:body", NS)
    table = next(t for t in body.iter(f"{W}tbl") if "".join(t.itertext()).startswith("Land"))
    caption = table.getprevious()
    assert caption.tag == f"{W}p"
    assert caption.find("w:pPr/w:pStyle", NS).get(f"{W}val") == "Caption"
    assert "".join(caption.itertext()) == "Omgekomen soldaten"
    assert caption.find(".//w:r/w:rPr/w:i", NS) is not None  # the emphasis is kept
    assert table.find("w:tblPr/w:tblCaption", NS).get(f"{W}val") == "Omgekomen soldaten"
    style = docx.Document(io.BytesIO(blob)).styles["Caption"]
    assert style.font.italic and style.paragraph_format.keep_with_next  # stays with its table
    path = tmp_path / "bijschrift.docx"
    path.write_bytes(blob)
    result = OpenXmlValidator(max_errors=0).validate(str(path))
    assert [str(e) for e in result.errors if e.error_type is ValidationErrorType.SCHEMA] == []
    # Without a caption: no caption paragraph and no title.
    plain = _part(_docx(), "word/document.xml")
    assert plain.find(".//w:tblCaption", NS) is None
    assert not [p for p in plain.iter(f"{W}p") if p.find("w:pPr/w:pStyle[@w:val='Caption']", NS) is not None]


def test_page_geometry_and_different_first_page():
    section = docx.Document(io.BytesIO(_docx())).sections[0]
    style = HouseStyle()
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.left_margin.mm, 1) == style.margin_left
    assert round(section.right_margin.mm, 1) == style.margin_right
    assert round(section.top_margin.mm, 1) == style.margin_top
    assert section.different_first_page_header_footer


def test_unknown_nodes_raise():
    class Mystery:
        pass

    with pytest.raises(TypeError, match="Mystery"):
        _docx(replace(sample_letter(), blocks=(Mystery(),)))
    with pytest.raises(TypeError, match="Mystery"):
        _docx(replace(sample_letter(), blocks=(Paragraph((Mystery(),)),)))


# ----------------------------------------------------------------------------- LibreOffice


def test_libreoffice_shows_the_numbers_of_the_model(tmp_path):
    pages = _pages(_pdf(_docx(), tmp_path))
    first, flat = pages[0], " ".join(pages[0].split())
    assert "1 Stand van zaken" in first
    assert "1.1 Slachtoffers" in first
    assert "2 Vervolg vredesbesprekingen" in first
    assert "paragraaf 2 en paragraaf \u2018Bijlage\u2019" in first
    assert "1 Kamerstuk 21 501-02, nr. 2540" in flat  # footnotes on the page of their call
    assert "2 Armeense berichtgeving, 15 september 2022" in flat
    assert "Retouradres Postbus 20061 2500 EB Den Haag" in first
    assert "Datum 9 december 2022" in first
    assert "Pagina 1 van 2" in first
    assert "Pagina 2 van 2" in pages[1]
    assert "Hoogachtend," in pages[1]


def test_libreoffice_numbers_deeper_levels_and_restarts(tmp_path):
    letter = extras_letter()
    text = "".join(_pages(_pdf(_docx(letter), tmp_path)))
    for heading in (b for b in letter.blocks if isinstance(b, Heading)):  # Word's numbers = the model's
        assert f"{heading.number} {plain_text(heading.inlines)}" in text
    for line in ("1.1.1 Details", "3. stap drie", "4. stap vier", "paragraaf 1.1.1"):
        assert line in text, line
    assert "C. Drie" in text and "Bijlage: Eén bijlage" in text


def test_libreoffice_places_the_kamerbrief_parts(tmp_path):
    """Page 1: woordmerk right of the emblem, return line at the top margin, the address
    block of fixed height, the colofon column at the right; later pages: the short colofon.
    (A footnote in the body once made LibreOffice drop the header's first floating table
    into the text flow: the extras letter has one.)"""
    style = HouseStyle()
    letter = extras_letter()
    filler = tuple(Paragraph((Text("Een alinea om de brief over twee pagina's te laten lopen."),))
                   for _ in range(12))
    letter = replace(letter, meta=replace(letter.meta, concept=True), blocks=letter.blocks + filler)
    words = _words(_pdf(_docx(letter), tmp_path))

    def first(page: int, text: str) -> tuple[float, float]:
        return next((x, y) for p, w, x, y in words if p == page and w == text)

    x, y = first(1, "Ministerie")  # the woordmerk
    assert style.page_width / 2 + style.logo_width / 2 < x < style.page_width / 2 + 12 and y < 20
    x, y = first(1, "Retouradres")
    assert abs(x - style.margin_left) < 1 and abs(y - style.margin_top) < 1.5
    x, y = first(1, "Datum")
    assert abs(y - (style.margin_top + style.address_height)) < 3
    for page in (1, 2):
        x, y = first(page, "Pagina")
        assert abs(x - style.colofon_left) < 1 and y > style.margin_top
        x, y = first(page, "CONCEPT")
        assert y < style.margin_top
    organisation = [(x, y) for p, w, x, y in words if p == 2 and w == "Ministerie"]
    assert organisation and abs(organisation[0][0] - style.colofon_left) < 1
    assert abs(organisation[0][1] - style.margin_top) < 1.5


def test_footnote_numbers_hang_before_their_text_as_in_the_pdf(tmp_path):
    """The Footnote Text style indents by the house style's footnote indent, the number
    hangs in it (on the line, as in the PDF), a tab leads to the text; LibreOffice puts
    the text of every note, first and later lines, at that indent."""
    style = HouseStyle()
    long_note = Footnote("lang", (Paragraph((Text("Een lange noot " * 12),)),
                                  Paragraph((Text("Tweede alinea van de noot."),))))
    letter = sample_letter()
    call = Paragraph((Text("Nog een noot"), NoteRef("lang"), Text(".")))
    letter = number(replace(letter, footnotes=(*letter.footnotes, long_note), blocks=(*letter.blocks, call)))
    blob = render_docx(letter, style)
    styles = _part(blob, "word/styles.xml")
    ind = styles.find("w:style[@w:styleId='FootnoteText']/w:pPr/w:ind", NS)
    indent = round(style.footnote_indent * 1440 / 25.4)
    assert (ind.get(f"{W}left"), ind.get(f"{W}hanging")) == (str(indent), str(indent))
    for note in _part(blob, "word/footnotes.xml").findall("w:footnote", NS)[2:]:
        runs = note.find("w:p", NS).findall("w:r", NS)
        assert runs[0].find("w:footnoteRef", NS) is not None
        assert runs[0].find("w:rPr/w:vertAlign", NS).get(f"{W}val") == "baseline"
        assert runs[1].find("w:tab", NS) is not None
    words = _words(_pdf(blob, tmp_path))
    top = min(y for _, w, _, y in words if w == "Kamerstuk")  # the first note
    lines: dict[float, float] = {}  # the notes' lines: y → where the text starts
    for _, w, x, y in words:
        if y >= top - 0.5 and not w.isdigit():
            lines[round(y, 1)] = min(x, lines.get(round(y, 1), x))
    assert len(lines) >= 5  # three notes, the last one over two lines and a second paragraph
    start = style.margin_left + style.footnote_indent
    assert all(abs(x - start) < 0.6 for x in lines.values()), lines
    numbers = [x for _, w, x, y in words if y >= top - 0.5 and w in ("1", "2", "3")]
    assert numbers and all(abs(x - style.margin_left) < 0.6 for x in numbers)
