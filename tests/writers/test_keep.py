"""What a typist keeps together, in both writers (issue 13): an intro line with its list,
a heading with the paragraph the footnote re-layout pushes to a new page, an address
unhyphenated and linked; bare addresses made links by the parser."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from conftest import sample_letter, sample_meta
from lxml import etree

from briefing.huisstijl import HouseStyle
from briefing.model import Link, ListBlock, ListItem, NoteRef, Paragraph, Table, Text
from briefing.parse import parse
from briefing.writers import keep
from briefing.writers.docx import render_docx
from briefing.writers.html import build_html
from briefing.writers.pdf import _footnote_fixes, _Scan

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
ITEMS = ListBlock(False, (ListItem((Paragraph((Text("een"),)),)), ListItem((Paragraph((Text("twee"),)),))))


def _letter(*blocks):
    return replace(sample_letter(), blocks=tuple(blocks), footnotes=())


def _document(blob: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return etree.fromstring(z.read("word/document.xml"))


def _paragraph(root: etree._Element, text: str) -> etree._Element:
    return next(p for p in root.iter(f"{W}p") if "".join(p.itertext()) == text)


# --------------------------------------------------------------------------- intro lines


@pytest.mark.parametrize(("text", "following", "expected"), [
    ("De missies luiden:", ITEMS, True),
    ("De bedragen zijn:", Table(((Text("a"),),), (), (None,)), True),
    ("De missies luiden: ", ITEMS, True),
    ("De missies luiden.", ITEMS, False),
    ("De missies luiden:", Paragraph((Text("x"),)), False),
])
def test_an_intro_line_ends_in_a_colon_before_a_list_or_table(text, following, expected) -> None:
    assert keep.introduces(Paragraph((Text(text),)), following) is expected


def test_a_note_call_after_the_colon_does_not_hide_it() -> None:
    intro = Paragraph((Text("De missies luiden:"), NoteRef("1", 1)))
    assert keep.introduces(intro, ITEMS)


def test_pdf_keeps_an_intro_line_with_its_list() -> None:
    html = build_html(_letter(Paragraph((Text("Gewoon."),)), Paragraph((Text("Zij luiden:"),)), ITEMS),
                      HouseStyle())
    assert '<p class="inleiding">Zij luiden:</p>' in html
    assert "<p>Gewoon.</p>" in html


def test_docx_keeps_an_intro_line_with_its_list() -> None:
    root = _document(render_docx(_letter(Paragraph((Text("Gewoon."),)), Paragraph((Text("Zij luiden:"),)),
                                         ITEMS), HouseStyle()))
    assert _paragraph(root, "Zij luiden:").find("w:pPr/w:keepNext", NS) is not None
    assert _paragraph(root, "Gewoon.").find("w:pPr/w:keepNext", NS) is None


# --------------------------------------------------------------------------- the footnote re-layout


def _romp(*children: tuple[str, str | None]) -> list[etree._Element]:
    romp = etree.Element("div", {"class": "romp"})
    for tag, cls in children:
        etree.SubElement(romp, tag, {"class": cls} if cls else {})
    return list(romp)


def test_a_paragraph_moved_for_its_note_takes_its_heading_and_intro_along() -> None:
    """Note 1's call is in the list at the foot of page 0 and the note landed on page 1:
    the list must start page 1, and with it the intro line and the heading above it."""
    p, h, intro, lst = _romp(("p", None), ("h2", None), ("p", "inleiding"), ("ul", None))
    scan = _Scan(call_page={"1": 0}, call_block={"1": lst}, note_page={"1": 1},
                 first_block={0: p}, last_block={0: lst},
                 previous={id(h): p, id(intro): h, id(lst): intro})
    assert _footnote_fixes(scan) == [h]


def test_a_moved_paragraph_without_heading_moves_alone() -> None:
    p, q = _romp(("p", None), ("p", None))
    scan = _Scan(call_page={"1": 0}, call_block={"1": q}, note_page={"1": 1},
                 first_block={0: p}, last_block={0: q}, previous={id(q): p})
    assert _footnote_fixes(scan) == [q]


def test_nothing_is_moved_when_the_heading_already_starts_the_page() -> None:
    h, lst = _romp(("h1", None), ("ul", None))
    scan = _Scan(call_page={"1": 0}, call_block={"1": lst}, note_page={"1": 1},
                 first_block={0: h}, last_block={0: lst}, previous={id(lst): h})
    assert _footnote_fixes(scan) == []


# --------------------------------------------------------------------------- addresses


def test_bare_addresses_become_links_in_text_tables_and_notes() -> None:
    markdown = (
        "Zie https://ec.europa.eu/a_b/c.html. Mail *info@rvo.nl*, of [de site](https://y.nl).[^1]\n\n"
        "| Adres |\n|---|\n| www.rvo.nl/mit |\n\n"
        "[^1]: Op rijksoverheid.nl/bz.\n"
    )
    letter = parse(markdown, sample_meta())
    para, table = letter.blocks
    assert para.inlines[1] == Link((Text("https://ec.europa.eu/a_b/c.html"),), "https://ec.europa.eu/a_b/c.html")
    assert para.inlines[2] == Text(". Mail ")
    assert para.inlines[3].children == (Link((Text("info@rvo.nl"),), "mailto:info@rvo.nl"),)
    assert Link((Text("de site"),), "https://y.nl") in para.inlines
    assert table.rows[0][0] == (Link((Text("www.rvo.nl/mit"),), "https://www.rvo.nl/mit"),)
    assert letter.footnotes[0].blocks[0].inlines[1] == Link(
        (Text("rijksoverheid.nl/bz"),), "https://rijksoverheid.nl/bz")


def test_an_address_in_a_fact_is_linked_whole() -> None:
    """A fact's ``_`` is escaped for Markdown; the link is made after the escape is read."""
    letter = parse("Zie https://ec.europa.eu/strategy\\_en.", sample_meta())
    assert letter.blocks[0].inlines[1].target == "https://ec.europa.eu/strategy_en"


def test_text_without_addresses_stays_text() -> None:
    letter = parse("W.B. Hoekstra, z.s.m., nr. 2540 en 5,5% van € 1.234,50.", sample_meta())
    assert letter.blocks[0].inlines == (Text("W.B. Hoekstra, z.s.m., nr. 2540 en 5,5% van € 1.234,50."),)


def test_an_address_is_never_hyphenated() -> None:
    address = Link((Text("https://x.nl/a-b"),), "https://x.nl/a-b")
    words = Link((Text("de brief"),), "https://x.nl/a-b")
    html = build_html(_letter(Paragraph((address, Text(" en "), words))), HouseStyle())
    assert '<a class="webadres" href="https://x.nl/a-b">https://x.nl/a-b</a>' in html
    assert '<a href="https://x.nl/a-b">de brief</a>' in html

    blob = render_docx(_letter(Paragraph((address, Text(" en "), words))), HouseStyle())
    root = _document(blob)
    styles = [r.find("w:rPr/w:rStyle", NS).get(f"{W}val") for r in root.iterfind(".//w:hyperlink/w:r", NS)]
    assert styles == ["Webadres", "Hyperlink"]
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        style_xml = etree.fromstring(z.read("word/styles.xml"))
    webadres = style_xml.find(".//w:style[@w:styleId='Webadres']", NS)
    assert webadres.find("w:rPr/w:lang", NS).get(f"{W}val") == "zxx"  # no language: no hyphenation


def test_docx_note_numbers_are_raised_in_the_text_only() -> None:
    blob = render_docx(sample_letter(), HouseStyle())
    root = _document(blob)
    call = next(root.iter(f"{W}footnoteReference")).getparent()
    assert call.find("w:rPr/w:vertAlign", NS).get(f"{W}val") == "superscript"
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
    reference = styles.find(".//w:style[@w:styleId='FootnoteReference']", NS)
    assert reference.find(".//w:vertAlign", NS) is None  # LibreOffice sets the note's own number by it


# --------------------------------------------------------------------------- headings


def test_a_heading_does_not_break_at_a_compound_hyphen() -> None:
    """"Kennis- en Innovatie-Convenant": a line may end after "Kennis-", not after "Innovatie-"."""
    from briefing.model import Heading

    letter = _letter(Heading(2, (Text("Het Kennis- en Innovatie-Convenant"),), number="1.1"),
                     Paragraph((Text("Tekst."),)))
    html = build_html(letter, HouseStyle())
    assert 'Het Kennis- en <span class="heel">Innovatie-Convenant</span></h2>' in html
    assert 'data-label="1.1 Het Kennis- en Innovatie-Convenant"' in html

    root = _document(render_docx(letter, HouseStyle()))
    heading = next(p for p in root.iter(f"{W}p")
                   if p.find("w:pPr/w:pStyle[@w:val='Heading2']", NS) is not None)
    pieces = [("-" if child.tag == f"{W}noBreakHyphen" else child.text)
              for child in heading.iterfind("w:r/*", NS) if child.tag in (f"{W}t", f"{W}noBreakHyphen")]
    assert pieces == ["Het Kennis- en Innovatie", "-", "Convenant"]


@pytest.mark.parametrize(("text", "address", "target"), [
    ("(zie https://x.nl/a).", "https://x.nl/a", "https://x.nl/a"),
    ("https://nl.wikipedia.org/wiki/Rijk_(staat).", "https://nl.wikipedia.org/wiki/Rijk_(staat)",
     "https://nl.wikipedia.org/wiki/Rijk_(staat)"),
    ("via fieldlabs@smartindustry.nl.", "fieldlabs@smartindustry.nl", "mailto:fieldlabs@smartindustry.nl"),
    ("op www.nationaalgroeifonds.nl;", "www.nationaalgroeifonds.nl", "https://www.nationaalgroeifonds.nl"),
    ("detail?id=1 https://www.tweedekamer.nl/detail?id=2023Z09999&did=2023D23456, en",
     "https://www.tweedekamer.nl/detail?id=2023Z09999&did=2023D23456",
     "https://www.tweedekamer.nl/detail?id=2023Z09999&did=2023D23456"),
])
def test_an_address_ends_where_the_sentence_goes_on(text: str, address: str, target: str) -> None:
    links = [n for n in parse(text, sample_meta()).blocks[0].inlines if isinstance(n, Link)]
    assert links == [Link((Text(address),), target)]


def test_both_writers_ask_for_two_lines_at_a_page_break() -> None:
    """No single line of a paragraph alone at the foot or head of a page: widows and
    orphans 2 in the PDF's stylesheet, widow control on Normal (every text style's base)."""
    from briefing.writers.html import render_css

    css = render_css(HouseStyle())
    assert "orphans: 2;" in css and "widows: 2;" in css
    with zipfile.ZipFile(io.BytesIO(render_docx(sample_letter(), HouseStyle()))) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
    normal = styles.find(".//w:style[@w:styleId='Normal']", NS)
    assert normal.find("w:pPr/w:widowControl", NS) is not None
    for ident in ("Heading1", "ListBullet", "ListNumber", "FootnoteText", "Tabeltekst"):
        style = styles.find(f".//w:style[@w:styleId='{ident}']", NS)
        assert style.find("w:pPr/w:widowControl", NS) is None  # inherited, not switched off
        base = style.find("w:basedOn", NS).get(f"{W}val")
        assert base == "Normal", ident
