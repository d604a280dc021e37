"""Model → DOCX: a Word-native Kamerbrief.

python-docx writes what it can (styles, paragraphs, runs, tables, headers, core
properties); ``ooxml`` adds what it lacks (list numbering, footnotes, fields,
bookmarks, a floating emblem and colofon). Everything comes from the model and the
house style: this module never reads facts or templates. Word's own features carry
the numbers: heading numbers come from a multilevel list linked to Heading 1–3,
footnotes are real footnotes, references are REF fields, page numbers PAGE/NUMPAGES.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from hashlib import sha1
from types import SimpleNamespace
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.parts.story import StoryPart
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from briefing import _compat, huisstijl
from briefing.huisstijl import HouseStyle
from briefing.model import (
    AnswersPart,
    BlockQuote,
    Code,
    Emph,
    Footnote,
    Heading,
    Letter,
    LineBreak,
    Link,
    ListBlock,
    NoteRef,
    Paragraph,
    Ref,
    Strong,
    Table,
    Text,
    plain_text,
)
from briefing.writers import keep, ooxml
from briefing.writers.ooxml import el, put, put_in
from briefing.writers.tables import column_widths as _column_widths

ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, None: None}
BULLETS = ("\u2013", "\u2013", "\u2013")  # en dashes, as the PDF sets them
NUM_HEADINGS, NUM_BULLET, NUM_DECIMAL = 1, 2, 3  # w:numId of the shared lists
ABS_HEADINGS, ABS_BULLET, ABS_DECIMAL = 0, 1, 2  # w:abstractNumId


def render_docx(letter: Letter, style: HouseStyle, pages: int | None = None) -> bytes:
    """The letter as DOCX bytes: the same model gives the same bytes on any day.

    ``pages``: the letter's page count (from the PDF's layout of the same model), stored
    as the NUMPAGES field's result, which previews and text extractors show; Word
    computes its own when it lays the letter out. See also :func:`with_page_count`.
    """
    return _Writer(letter, style, pages).render()


def with_page_count(docx: bytes, pages: int) -> bytes:
    """``docx`` with ``pages`` as the stored result of every NUMPAGES field in its headers.

    For a DOCX made before its PDF was laid out: the same bytes as
    ``render_docx(letter, style, pages)``, without rendering it again.
    """
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    for name, data in entries.items():
        if name.startswith("word/header") and b"NUMPAGES" in data:
            entries[name] = _NUMPAGES_RESULT.sub(rb"\g<1>" + str(pages).encode() + rb"\g<2>", data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)
    return ooxml.reproducible_zip(out.getvalue())


# The cached result of a NUMPAGES field: the first w:t after its instruction.
_NUMPAGES_RESULT = re.compile(
    rb"(<w:instrText[^>]*> NUMPAGES </w:instrText>.*?<w:t[^>]*>)[^<]*(</w:t>)", re.S
)


def _tw(mm: float) -> int:
    """Millimetres → twentieths of a point (twips), the unit of most OOXML geometry."""
    return round(mm * 1440 / 25.4)


def bookmark_name(prefix: str, ident: str) -> str:
    """A valid Word bookmark name for a heading id: at most 40 characters, letters,
    digits and ``_`` only; names that had to change get a short hash to stay unique."""
    name = prefix + ident
    clean = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if clean == name and len(name) <= 40:
        return name
    return f"{clean[:31]}_{sha1(ident.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class _Ctx:
    """Where blocks go and how running text is set there."""

    element: Any  # w:body, w:tc, w:hdr or w:footnote
    parent: Any  # a python-docx object whose .part resolves styles and relationships
    style: str = "Normal"  # paragraph style of running text
    list_depth: int = 0
    list_style: str | None = None  # the outermost list's style: nested items share it
    quote_depth: int = 0
    in_note: bool = False


@dataclass(frozen=True)
class _Fmt:
    """Character formatting inherited by nested inlines."""

    bold: bool = False
    italic: bool = False
    style: str | None = None
    superscript: bool = False


class _Writer:
    """One render: the python-docx document plus the counters the OOXML needs."""

    def __init__(self, letter: Letter, style: HouseStyle, pages: int | None = None) -> None:
        self.letter, self.meta, self.hs = letter, letter.meta, style
        self.pages = pages
        self.doc = docx.Document()
        self.numbered = letter.meta.nummering
        self.nums: list[str] = []  # extra w:num elements, one per numbered list
        self.bookmarks = 0
        self.after_table = None  # the container whose next paragraph follows a data table
        self.called: set[str] = set()
        self.targets = {b.id for b in letter.blocks if isinstance(b, Heading) and b.id}
        self.st: dict[str, Any] = {}
        self.blocks = {Heading: self.heading, Paragraph: self.paragraph, ListBlock: self.list_block,
                       Table: self.table, BlockQuote: self.quote}
        self.inlines = {Text: self.text, Code: self.text, Emph: self.emph, Strong: self.strong,
                        Link: self.link, LineBreak: self.line_break, NoteRef: self.note_ref, Ref: self.ref}
        self.parts = {AnswersPart: self.answers_part}

    def render(self) -> bytes:
        self._prune_template()
        self._styles()
        self._page()
        self._header(self.section.first_page_header, huisstijl.colofon(self.meta), first=True)
        self._header(self.section.header, huisstijl.colofon_later(self.meta), first=False)
        body = _Ctx(self.doc.element.body, self.doc)
        self._opening(body)
        self.sequence(self.letter.blocks, body)
        self._closing(body)
        for part in self.letter.parts:
            handler = self.parts.get(type(part))
            if handler is None:
                raise TypeError(f"DOCX writer: unknown part {type(part).__name__}")
            handler(part, body)
        self._footnotes()
        for story in self._stories():
            _close_cells(story)
        self._numbering()
        self._settings()
        self._properties()
        out = io.BytesIO()
        self.doc.save(out)
        return ooxml.reproducible_zip(out.getvalue())

    @property
    def section(self):
        return self.doc.sections[0]

    # ------------------------------------------------------------------ package and styles

    def _prune_template(self) -> None:
        """Drop the default template's parts that describe another document."""
        unwanted = {RT.CUSTOM_XML, RT.WEB_SETTINGS, RT.THUMBNAIL,
                    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"}
        for rels in (self.doc.part.rels, self.doc.part.package.rels):
            for rid in [rid for rid, rel in rels.items() if rel.reltype in unwanted]:
                rels.pop(rid)
        sect = self.doc.element.body.find(qn("w:sectPr"))
        for name in [a for a in sect.attrib if "rsid" in a]:
            del sect.attrib[name]
        styles = self.doc.styles.element
        keep = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}
        for node in styles.findall(qn("w:style")):
            if node.get(qn("w:styleId")) not in keep:
                styles.remove(node)
            else:
                for rsid in node.findall(qn("w:rsid")):
                    node.remove(rsid)

    def _styles(self) -> None:
        """Real styles, so that editing in Word keeps the look."""
        hs, styles = self.hs, self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for child in list(rpr):
            rpr.remove(child)
        for child in (ooxml.fonts(hs.font_docx), el("w:sz", val=round(hs.body_size * 2)),
                      el("w:szCs", val=round(hs.body_size * 2)), ooxml.lang(hs.language)):
            put(rpr, child)
        ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        put(ppr, el("w:spacing", after=0, line=round(hs.body_leading * 20), lineRule="atLeast"))

        normal = self.doc.styles["Normal"]
        self._para_format(normal, hs.body_size, hs.body_leading, after=hs.body_leading)
        normal.paragraph_format.widow_control = True
        normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT  # ragged right
        put(normal.element.get_or_add_rPr(), ooxml.lang(hs.language))
        self.st["Normal"] = normal

        # Headings get their space before from the block above (a paragraph's space after,
        # or the one set after a table): Word adds before and after, LibreOffice takes the
        # larger, so only one of the two may be set for both to show one blank line.
        for n in (1, 2, 3):
            s = self._pstyle(f"Heading {n}", f"Heading{n}", builtin=True)
            s.font.bold = True
            s.paragraph_format.keep_with_next = True
            s.paragraph_format.keep_together = True
            s.next_paragraph_style = normal
            ppr = s.element.get_or_add_pPr()
            if self.numbered:
                put(ppr, ooxml.num_pr(NUM_HEADINGS, n - 1))
            put(ppr, el("w:outlineLvl", val=n - 1))

        s = self._pstyle("footnote text", "FootnoteText", builtin=True, size=hs.footnote_size,
                         leading=hs.footnote_leading)
        # The note's number hangs in the margin of its text, as in the PDF: a tab after it.
        s.paragraph_format.left_indent = Mm(hs.footnote_indent)
        s.paragraph_format.first_line_indent = -Mm(hs.footnote_indent)
        tabs = el("w:tabs")
        tabs.append(el("w:tab", val="left", pos=_tw(hs.footnote_indent)))
        put_in(s.element, "w:pPr", tabs)
        # The note's number in the text is raised and small (as the PDF's call); in the note
        # itself it is at the note's size on the line. LibreOffice sets the latter with the
        # style alone, whatever the run says, so the style is not raised: the calls are.
        self._cstyle("footnote reference", "FootnoteReference", builtin=True)
        self._cstyle("Hyperlink", "Hyperlink", builtin=True).font.underline = True
        # An address (https://…, info@rvo.nl) is printed whole: no language, so neither Word
        # nor LibreOffice hyphenates it (nor checks its spelling).
        s = self._cstyle("Webadres", "Webadres")
        s.base_style = self.st["Hyperlink"]
        put(s.element.get_or_add_rPr(), el("w:noProof"))
        put(s.element.get_or_add_rPr(), el("w:lang", val="zxx", eastAsia="zxx", bidi="zxx"))
        for name, num_id in (("List Bullet", NUM_BULLET), ("List Number", NUM_DECIMAL)):
            s = self._pstyle(name, name.replace(" ", ""), builtin=True, after=hs.body_leading)
            put(s.element.get_or_add_pPr(), ooxml.num_pr(num_id))
            put(s.element.get_or_add_pPr(), el("w:contextualSpacing"))
        s = self._pstyle("List Continue", "ListContinue", builtin=True, after=hs.body_leading)
        s.paragraph_format.left_indent = Mm(hs.list_indent)
        put(s.element.get_or_add_pPr(), el("w:contextualSpacing"))
        s = self._pstyle("Quote", "Quote", builtin=True, after=hs.body_leading)
        s.paragraph_format.left_indent = Mm(hs.quote_indent)
        self._table_style()
        self._pstyle("Tabeltekst", "Tabeltekst")
        s = self._pstyle("caption", "Caption", builtin=True)  # Word's own "Bijschrift"
        s.font.italic = True
        s.paragraph_format.keep_with_next = True

        # The parts of page 1 and the headers.
        self._pstyle("Retouradres", "Retouradres", size=hs.small_size, leading=hs.small_leading,
                     after=hs.small_leading)
        self._pstyle("Adres", "Adres", size=hs.address_size, leading=hs.address_leading)
        self._pstyle("Colofon", "Colofon", size=hs.small_size, leading=hs.small_leading)
        self._pstyle("Colofon kop", "Colofonkop", base="Colofon").font.bold = True
        s = self._pstyle("Woordmerk", "Woordmerk", size=hs.woordmerk_size, leading=hs.woordmerk_size * 1.2)
        put(s.element.get_or_add_rPr(), ooxml.fonts(hs.font_woordmerk_docx))
        s = self._pstyle("Datum en betreft", "Datumenbetreft")
        s.paragraph_format.left_indent = Mm(hs.label_width)
        s.paragraph_format.first_line_indent = -Mm(hs.label_width)
        put(s.element.get_or_add_pPr(), ooxml.tabs(_tw(hs.label_width)))
        self._cstyle("Label", "Label").font.size = Pt(hs.small_size)
        self._pstyle("Ondertekening", "Ondertekening").paragraph_format.keep_with_next = True
        self._pstyle("Bijlage", "Bijlage")
        s = self._pstyle("Concept", "Concept", size=14, leading=14)
        s.font.bold = True
        s.font.color.rgb = RGBColor(0x99, 0x99, 0x99)
        # The answers part (DESIGN §4a): its title and labels are styles, so that a Word user
        # restyles them once; the title starts a new page. Outline levels for Word's navigation.
        s = self._pstyle("Antwoorden titel", "Antwoordentitel", after=hs.body_leading)
        s.font.bold = True
        s.paragraph_format.page_break_before = True
        s.paragraph_format.keep_with_next = True
        put(s.element.get_or_add_pPr(), el("w:outlineLvl", val=0))
        for name, ident in (("Vraag label", "Vraaglabel"), ("Antwoord label", "Antwoordlabel")):
            s = self._pstyle(name, ident)
            s.font.bold = True
            s.paragraph_format.keep_with_next = True
            s.paragraph_format.keep_together = True
            put(s.element.get_or_add_pPr(), el("w:outlineLvl", val=1))
        self._pstyle("Vraag", "Vraag", after=hs.body_leading)
        # Only running text is hyphenated, as in the PDF (hyphens: manual in letter.css.j2).
        for name in ("Heading 1", "Heading 2", "Heading 3", "Tabeltekst", "footnote text", "Retouradres",
                     "Adres", "Colofon", "Woordmerk", "Datum en betreft", "Ondertekening", "Antwoorden titel",
                     "Vraag label", "Antwoord label"):
            put(self.st[name].element.get_or_add_pPr(), el("w:suppressAutoHyphens"))

    def _pstyle(self, name: str, ident: str, *, builtin: bool = False, base: str = "Normal",
                size: float | None = None, leading: float | None = None, before: float = 0,
                after: float = 0):
        style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=builtin)
        style.style_id = ident
        style.base_style = self.st[base]
        style.quick_style = True
        self._para_format(style, size, leading, before=before, after=after)
        self.st[name] = style
        return style

    def _cstyle(self, name: str, ident: str, *, builtin: bool = False):
        style = self.doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER, builtin=builtin)
        style.style_id = ident
        self.st[name] = style
        return style

    @staticmethod
    def _para_format(style, size: float | None, leading: float | None, *, before: float = 0,
                     after: float = 0) -> None:
        if size is not None:
            style.font.size = Pt(size)
        fmt = style.paragraph_format
        if leading is not None:
            fmt.line_spacing = Pt(leading)
            fmt.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
        fmt.space_before = Pt(before)
        fmt.space_after = Pt(after)

    def _table_style(self) -> None:
        """The header row bold, ruled below and repeated on every page; no other rules."""
        style = self.doc.styles.add_style("Tabel Kamerbrief", WD_STYLE_TYPE.TABLE)
        style.style_id = "TabelKamerbrief"
        style.base_style = self.doc.styles["Normal Table"]
        put_in(style.element, "w:tblPr", ooxml.cell_margins(right=_tw(self.hs.cell_padding)))
        first = el("w:tblStylePr", type="firstRow")
        rpr = el("w:rPr")
        rpr.extend([el("w:b"), el("w:bCs")])
        trpr = el("w:trPr")
        trpr.append(el("w:tblHeader"))
        tcpr = el("w:tcPr")
        tcpr.append(ooxml.borders("w:tcBorders", bottom=ooxml.border("bottom", 4)))
        first.extend([rpr, el("w:tblPr"), trpr, tcpr])
        put(style.element, first)
        self.st["table"] = style

    def _page(self) -> None:
        hs, sec = self.hs, self.section
        sec.page_width, sec.page_height = Mm(hs.page_width), Mm(hs.page_height)
        sec.left_margin, sec.right_margin = Mm(hs.margin_left), Mm(hs.margin_right)
        sec.top_margin, sec.bottom_margin = Mm(hs.margin_top), Mm(hs.margin_bottom)
        sec.header_distance = sec.footer_distance = Mm(hs.woordmerk_top)
        sec.different_first_page_header_footer = True

    # ------------------------------------------------------------------ headers: logo, colofon

    def _header(self, header, groups: tuple[huisstijl.ColofonGroup, ...], *, first: bool) -> None:
        """Emblem and woordmerk (page 1 only), the colofon column at the right, CONCEPT."""
        hdr = _compat.docx_element(header)
        for p in hdr.findall(qn("w:p")):
            hdr.remove(p)
        ctx = _Ctx(hdr, header, style="Colofon")
        if first:
            self._woordmerk(ctx)
        top = self._para(ctx)
        if self.meta.concept:
            top.style = self.st["Concept"]
            top.add_run(huisstijl.CONCEPT)
        if first:
            self._emblem(header, top)
        self._colofon(ctx, groups, first)

    def _emblem(self, header, paragraph: DocxParagraph) -> None:
        hs = self.hs
        inline = header.part.new_pic_inline(hs.logo_png, Mm(hs.logo_width), Mm(hs.logo_height))
        drawing = el("w:drawing")
        drawing.append(ooxml.anchor(inline, x_align="center", y=0, behind=False, ident=1,
                                    name="Beeldmerk", descr=huisstijl.BEELDMERK_ALT))
        _compat.docx_element(paragraph.add_run()).append(drawing)

    def _woordmerk(self, ctx: _Ctx) -> None:
        """The ministry's name right of the emblem: an inline table at the top of the header
        (the header starts at the house style's woordmerk_top), indented from the margin to the emblem's edge.

        Not a floating table on purpose: LibreOffice 7 imports the first table of a header
        as an inline table when the body has a footnote (its "had foot or endnote" flag
        leaks into the header). An inline table here absorbs that and is right anyway."""
        hs = self.hs
        table = self._layout_table(ctx, 1, 1, hs.woordmerk_width, indent=hs.woordmerk_left - hs.margin_left)
        cell = self._cell(table.cell(0, 0), ctx, style="Woordmerk")
        self._para(cell).add_run(hs.woordmerk or self.meta.afzender.organisatie)

    def _colofon(self, ctx: _Ctx, groups: tuple[huisstijl.ColofonGroup, ...], first: bool) -> None:
        hs = self.hs
        table = self._layout_table(ctx, 1, 1, hs.colofon_width, at=(hs.colofon_left, hs.margin_top))
        cell = self._cell(table.cell(0, 0), ctx, style="Colofon")
        gap = Pt(hs.small_leading)
        for i, group in enumerate(groups):
            lines = [(group.label, "Colofon kop")] if group.label else []
            lines += [(line, "Colofon kop" if group.bold_first and j == 0 else "Colofon")
                      for j, line in enumerate(group.lines)]
            for j, (text, name) in enumerate(lines):
                para = self._para(cell, name)
                para.add_run(text)
                if i and j == 0:
                    para.paragraph_format.space_before = gap
        para = self._para(cell)
        para.paragraph_format.space_before = gap
        for part in re.split(r"(\{n\}|\{N\})", huisstijl.PAGINA):
            if part in ("{n}", "{N}"):
                # Stored results as Word will show them: this header's page (1 on the first,
                # 2 on the first page that uses the later pages' header) and the page count.
                page = "1" if first else "2"
                total = str(self.pages or (1 if first else 2))
                result = page if part == "{n}" else total
                field = ooxml.field("PAGE" if part == "{n}" else "NUMPAGES", result)
                _compat.docx_element(para).extend(field)
            elif part:
                para.add_run(part)
        self._para(ctx)  # a header ends with a paragraph; it anchors the floating table

    # ------------------------------------------------------------------ page 1 and the signature

    def _opening(self, body: _Ctx) -> None:
        """Return line, the address in a fixed-height block (so that Datum lands at the same
        place whatever the address), Datum, Betreft, the salutation.

        The return line is a paragraph before the address table: LibreOffice puts an empty
        paragraph before a table that opens the document once the page has a footnote."""
        hs, meta = self.hs, self.meta
        self._para(body, "Retouradres").add_run(huisstijl.retouradres(meta))
        table = self._layout_table(body, 1, 1, hs.text_width)
        row = table.rows[0]
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        row.height = Mm(hs.address_height) - Pt(2 * hs.small_leading)  # the return line and its gap
        cell = self._cell(table.cell(0, 0), body, style="Adres")
        for line in meta.geadresseerde or ("",):
            self._para(cell).add_run(line)
        for label, value in ((huisstijl.DATUM_LABEL, meta.datum_tekst),
                             (huisstijl.BETREFT_LABEL, meta.betreft)):
            para = self._para(body, "Datum en betreft")
            para.add_run(label, self.st["Label"])
            para.add_run("\t" + value)
        para.paragraph_format.space_after = Pt(3 * hs.body_leading)  # three blank lines
        self._para(body).add_run(meta.aanhef)

    def _closing(self, body: _Ctx) -> None:
        """Closing line, signatories (side by side in pairs), then the enclosures."""
        hs, meta = self.hs, self.meta
        if meta.slot:
            para = self._para(body)
            para.add_run(meta.slot)
            para.paragraph_format.keep_with_next = True
        signers = meta.ondertekenaars
        if len(signers) == 1:
            self._signature(body, body, signers[0], first_row=True)
        elif signers:
            # Pairs side by side: a row of functions, then a row of names, so names align.
            table = self._layout_table(body, 2 * math.ceil(len(signers) / 2), 2, hs.text_width)
            for i, signer in enumerate(signers):
                row, col = 2 * (i // 2), i % 2
                functie = self._cell(table.cell(row, col), body, style="Ondertekening")
                naam = self._cell(table.cell(row + 1, col), body, style="Ondertekening")
                self._signature(functie, naam, signer, first_row=i < 2)
            for row in table.rows:
                put(_compat.docx_element(row).get_or_add_trPr(), el("w:cantSplit"))
        for i, line in enumerate(huisstijl.bijlagen_regels(meta)):
            para = self._para(body, "Bijlage")
            para.add_run(line)
            if i == 0:
                para.paragraph_format.space_before = Pt(hs.body_leading)

    def answers_part(self, part: AnswersPart, body: _Ctx) -> None:
        """The answers, from a new page: the title line, then per answer its questions
        (``Vraag n`` + the question) and ``Antwoord n`` + the answer; no numbers, no signature."""
        self.run_inlines(part.title, self._para(body, "Antwoorden titel"), body)
        for answer in part.answers:
            for question in answer.questions:
                self._para(body, "Vraag label").add_run(question.label)
                self.run_inlines(question.inlines, self._para(body, "Vraag"), body)
            self._para(body, "Antwoord label").add_run(answer.label)
            for node in answer.blocks:
                self.block(node, body)

    def _signature(self, ctx: _Ctx, naam_ctx: _Ctx, signer, *, first_row: bool) -> None:
        functie = self._para(ctx, "Ondertekening")
        functie.add_run(signer.functie)
        if not first_row:
            functie.paragraph_format.space_before = Pt(2 * self.hs.body_leading)
        naam = self._para(naam_ctx, "Ondertekening")
        naam.add_run(signer.naam)
        naam.paragraph_format.space_before = Pt(3 * self.hs.body_leading)  # room to sign
        naam.paragraph_format.keep_with_next = False

    def _layout_table(self, ctx: _Ctx, rows: int, cols: int, width: float, *,
                      indent: float = 0, at: tuple[float, float] | None = None) -> DocxTable:
        """A borderless table that only places text (flush with its edges): inline, ``indent``
        mm from the margin, or floating at ``at`` = (x, y) mm from the page's corner."""
        table = self._new_table(ctx, rows, cols, width)
        tblpr = _compat.docx_element(table).tblPr
        if at is not None:
            put(tblpr, ooxml.floating(_tw(at[0]), _tw(at[1])))
        put(tblpr, el("w:tblW", w=_tw(width), type="dxa"))
        if indent:
            put(tblpr, el("w:tblInd", w=_tw(indent), type="dxa"))
        put(tblpr, ooxml.no_borders())
        put(tblpr, el("w:tblLayout", type="fixed"))
        put(tblpr, ooxml.cell_margins())
        return table

    # ------------------------------------------------------------------ footnotes, numbering, settings

    def _footnotes(self) -> None:
        """``/word/footnotes.xml``: the separators, then one w:footnote per model note."""
        root = ooxml.footnotes()
        part = StoryPart(PackURI("/word/footnotes.xml"), ooxml.FOOTNOTES_CT, root, self.doc.part.package)
        self.doc.part.relate_to(part, ooxml.FOOTNOTES_RT)
        holder = SimpleNamespace(part=part)
        for note in sorted(self.letter.footnotes, key=lambda n: n.number or 0):
            self._footnote(note, root, holder)

    def _footnote(self, note: Footnote, root, holder) -> None:
        if note.number is None:
            raise TypeError(f"footnote [^{note.label}] has no number: run the numbering pass first")
        element = el("w:footnote", id=note.number)
        root.append(element)
        ctx = _Ctx(element, holder, style="footnote text", in_note=True)
        for node in note.blocks:
            self.block(node, ctx)
        first = element.find(qn("w:p"))
        if first is None:
            first = _compat.docx_element(self._para(ctx))
        indent = _tw(self.hs.footnote_indent)
        for later in element.findall(qn("w:p"))[1:]:  # a note's later paragraphs: no number to hang
            if later.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is None:
                put_in(later, "w:pPr", el("w:ind", left=indent, firstLine=0))
        # The note's own number, then a tab: as in the PDF, the number hangs before the
        # text, on the line and at the note's size (the style is not raised; LibreOffice reads only it).
        mark = el("w:r")
        mark.append(el("w:rPr"))
        mark[0].append(el("w:rStyle", val="FootnoteReference"))
        mark[0].append(el("w:vertAlign", val="baseline"))
        mark.append(el("w:footnoteRef"))
        tab = el("w:r")
        tab.append(el("w:tab"))
        first.get_or_add_pPr().addnext(mark)
        mark.addnext(tab)

    def _numbering(self) -> None:
        """numbering.xml: the heading list linked to Heading 1–3, bullets, numbers, and one
        w:num per numbered list so that each list starts afresh."""
        step = _tw(self.hs.list_indent)
        abstract, nums = [], []
        if self.numbered:
            texts = ("%1", "%1.%2", "%1.%2.%3")  # no trailing dot, as the model prints them
            indent = _tw(self.hs.heading_indent)
            abstract.append(ooxml.abstract_num(ABS_HEADINGS, [
                ooxml.level(i, "decimal", t, indent, indent, style=f"Heading{i + 1}")
                for i, t in enumerate(texts)]))
            nums.append(ooxml.num(NUM_HEADINGS, ABS_HEADINGS))
        abstract.append(ooxml.abstract_num(ABS_BULLET, [
            ooxml.level(i, "bullet", b, step * (i + 1), step) for i, b in enumerate(BULLETS)]))
        abstract.append(ooxml.abstract_num(ABS_DECIMAL, [
            ooxml.level(i, "decimal", f"%{i + 1}.", step * (i + 1), step) for i in range(3)]))
        nums += [ooxml.num(NUM_BULLET, ABS_BULLET), ooxml.num(NUM_DECIMAL, ABS_DECIMAL), *self.nums]
        _compat.set_part_element(self.doc.part.numbering_part, ooxml.numbering(abstract, nums))

    def _new_num(self, depth: int, start: int) -> int:
        ident = NUM_DECIMAL + 1 + len(self.nums)
        self.nums.append(ooxml.num(ident, ABS_DECIMAL, restart=(depth, start)))
        return ident

    def _settings(self) -> None:
        settings = self.doc.settings.element
        for child in list(settings):
            settings.remove(child)
        settings.extend(list(ooxml.settings(self.hs.language, _tw(self.hs.default_tab))))

    def _properties(self) -> None:
        meta, props = self.meta, self.doc.core_properties
        moment = datetime(meta.datum.year, meta.datum.month, meta.datum.day)
        props.title = meta.betreft
        props.subject = f"Kamerbrief, kenmerk {meta.kenmerk}"
        props.comments = ""
        props.author = props.last_modified_by = meta.afzender.organisatie
        props.created = props.modified = moment
        props.revision = 1
        props.language = self.hs.language
        props.keywords = props.category = huisstijl.CONCEPT if meta.concept else ""
        for rel in self.doc.part.package.rels.values():
            if rel.reltype == RT.EXTENDED_PROPERTIES:
                _compat.set_part_blob(rel.target_part, ooxml.app_properties(meta.afzender.organisatie))
        for rel in self.doc.part.rels.values():
            if rel.reltype == RT.FONT_TABLE:  # what Word needs to substitute a missing font
                _compat.set_part_blob(rel.target_part, ooxml.font_table(
                    ((self.hs.font_docx, "swiss"), (self.hs.font_woordmerk_docx, "roman"))))

    # ------------------------------------------------------------------ containers

    def _para(self, ctx: _Ctx, style: str | None = None) -> DocxParagraph:
        """A new paragraph at the end of ``ctx`` (before a body's closing sectPr)."""
        p = OxmlElement("w:p")
        _append(ctx.element, p)
        para = DocxParagraph(p, ctx.parent)
        if (style or ctx.style) != "Normal":
            para.style = self.st[style or ctx.style]
        if self.after_table is ctx.element:  # a table has no space after: the next block adds it
            para.paragraph_format.space_before = Pt(self.hs.body_leading)
            self.after_table = None
        return para

    def _new_table(self, ctx: _Ctx, rows: int, cols: int, width: float) -> DocxTable:
        tbl = CT_Tbl.new_tbl(rows, cols, Twips(_tw(width)))
        _append(ctx.element, tbl)
        return DocxTable(tbl, ctx.parent)

    def _cell(self, cell, ctx: _Ctx, style: str) -> _Ctx:
        """An emptied table cell as a context; it gets back a paragraph if left empty."""
        tc = _compat.docx_element(cell)
        for p in tc.findall(qn("w:p")):
            tc.remove(p)
        return _Ctx(tc, cell, style=style, in_note=ctx.in_note)

    # ------------------------------------------------------------------ blocks

    def block(self, node, ctx: _Ctx) -> None:
        handler = self.blocks.get(type(node))
        if handler is None:
            raise TypeError(f"DOCX writer: unknown block {type(node).__name__}")
        handler(node, ctx)

    def sequence(self, nodes, ctx: _Ctx) -> None:
        """A run of blocks; an intro line ("… luiden:") keeps with the list or table after it."""
        intros = keep.intros(nodes)
        for i, node in enumerate(nodes):
            self.block(node, ctx)
            if i in intros:
                put(ctx.element.findall(qn("w:p"))[-1].get_or_add_pPr(), el("w:keepNext"))

    def heading(self, node: Heading, ctx: _Ctx) -> None:
        if node.level not in (1, 2, 3):
            raise TypeError(f"DOCX writer: heading level {node.level} (only 1–3)")
        para = self._para(ctx, f"Heading {node.level}")
        if self.numbered and node.number is None:
            put(_compat.docx_element(para).get_or_add_pPr(), ooxml.num_pr(0))  # this heading is not numbered
        inlines = keep.unbreakable_hyphens(node.inlines)  # no line break after "Innovatie-"
        if node.id:
            start, end = ooxml.bookmark(bookmark_name("_Ref_", node.id), self._bookmark_id())
            _compat.docx_element(para).append(start)
            self.run_inlines(inlines, para, ctx)
            _compat.docx_element(para).append(end)
        else:
            self.run_inlines(inlines, para, ctx)

    def paragraph(self, node: Paragraph, ctx: _Ctx) -> None:
        para = self._para(ctx)
        if ctx.quote_depth > 1:
            para.paragraph_format.left_indent = Mm(self.hs.quote_indent * ctx.quote_depth)
        self.run_inlines(node.inlines, para, ctx)

    def list_block(self, node: ListBlock, ctx: _Ctx) -> None:
        depth = ctx.list_depth
        if depth > 2:
            raise TypeError("DOCX writer: lists nest at most three levels deep")
        # Nested items keep the outer list's style, so that contextual spacing sets the
        # whole list without blank lines; their numPr gives them their own bullet or number.
        style = ctx.list_style or ("List Number" if node.ordered else "List Bullet")
        num_id = self._new_num(depth, node.start) if node.ordered else NUM_BULLET
        inner = replace(ctx, list_depth=depth + 1, list_style=style)
        for item in node.items:
            blocks = list(item.blocks)
            para = self._para(ctx, style)
            put(_compat.docx_element(para).get_or_add_pPr(), ooxml.num_pr(num_id, depth))
            if blocks and isinstance(blocks[0], Paragraph):
                self.run_inlines(blocks.pop(0).inlines, para, ctx)
            for child in blocks:
                if isinstance(child, Paragraph):
                    cont = self._para(ctx, "List Continue")
                    cont.paragraph_format.left_indent = Mm(self.hs.list_indent * (depth + 1))
                    self.run_inlines(child.inlines, cont, ctx)
                else:
                    self.block(child, inner)

    def table(self, node: Table, ctx: _Ctx) -> None:
        rows = (node.header, *node.rows)
        if node.caption:  # above the table, kept with it, as in the PDF
            self.run_inlines(node.caption, self._para(ctx, "caption"), ctx)
        table = self._new_table(ctx, len(rows), len(node.header), self.hs.text_width)
        table.style = self.st["table"]
        put(_compat.docx_element(table.rows[0]).get_or_add_trPr(), el("w:tblHeader"))  # repeat on every page
        widths = _column_widths(node, self.hs.text_width, self.hs.body_size)
        put(_compat.docx_element(table).tblPr, el("w:tblW", w=_tw(sum(widths)), type="dxa"))
        if node.caption:  # the table's title for Word's accessibility checker and screen readers
            put(_compat.docx_element(table).tblPr, el("w:tblCaption", val=plain_text(node.caption)))
        for c, width in enumerate(widths):
            table.columns[c].width = Twips(_tw(width))
            for cell in table.columns[c].cells:
                cell.width = Twips(_tw(width))
        # Row by row: table.cell(r, c) rebuilds the whole cell grid on every call (quadratic).
        for cells, row in zip(rows, table.rows, strict=True):
            for c, (inlines, docx_cell) in enumerate(zip(cells, row.cells, strict=False)):
                cell = self._cell(docx_cell, ctx, "Tabeltekst")
                para = self._para(cell)
                para.alignment = ALIGN[node.align[c] if c < len(node.align) else None]
                self.run_inlines(inlines, para, cell)
        self.after_table = ctx.element

    def quote(self, node: BlockQuote, ctx: _Ctx) -> None:
        inner = replace(ctx, style="Quote", quote_depth=ctx.quote_depth + 1)
        self.sequence(node.blocks, inner)

    # ------------------------------------------------------------------ inlines

    def run_inlines(self, nodes, para: DocxParagraph, ctx: _Ctx, fmt: _Fmt = _Fmt(), target=None) -> None:
        for node in nodes:
            handler = self.inlines.get(type(node))
            if handler is None:
                raise TypeError(f"DOCX writer: unknown inline {type(node).__name__}")
            handler(node, para, ctx, fmt, _compat.docx_element(para) if target is None else target)

    def _run(self, para: DocxParagraph, target, text: str, fmt: _Fmt) -> Run:
        r = OxmlElement("w:r")
        target.append(r)
        run = Run(r, para)
        if fmt.style:
            run.style = self.st[fmt.style]
        if fmt.bold:
            run.bold = True
        if fmt.italic:
            run.italic = True
        if fmt.superscript:
            run.font.superscript = True
        if keep.NON_BREAKING_HYPHEN not in text:
            if text:
                run.text = text
            return run
        for i, part in enumerate(text.split(keep.NON_BREAKING_HYPHEN)):
            if i:  # Word's own non-breaking hyphen: printed and copied as "-"
                r.append(el("w:noBreakHyphen"))
            if part:
                run.add_text(part)
        return run

    def text(self, node: Text | Code, para, ctx, fmt, target) -> None:
        self._run(para, target, node.text, fmt)

    def emph(self, node: Emph, para, ctx, fmt, target) -> None:
        self.run_inlines(node.children, para, ctx, replace(fmt, italic=True), target)

    def strong(self, node: Strong, para, ctx, fmt, target) -> None:
        self.run_inlines(node.children, para, ctx, replace(fmt, bold=True), target)

    def link(self, node: Link, para, ctx, fmt, target) -> None:
        hyperlink = el("w:hyperlink", history=1)
        hyperlink.set(qn("r:id"), para.part.relate_to(node.target, RT.HYPERLINK, is_external=True))
        target.append(hyperlink)
        style = "Webadres" if keep.shows_address(node) else "Hyperlink"
        self.run_inlines(node.children, para, ctx, replace(fmt, style=style), hyperlink)

    def line_break(self, node: LineBreak, para, ctx, fmt, target) -> None:
        self._run(para, target, "", fmt).add_break()

    def note_ref(self, node: NoteRef, para, ctx, fmt, target) -> None:
        """A real footnote at the first call; a NOTEREF field to it at a later call.
        Inside a footnote (Word has no notes in notes) the number is plain superscript."""
        mark = replace(fmt, style="footnote reference", superscript=True)
        name = bookmark_name("_Note_", node.label)
        if ctx.in_note:
            self._run(para, target, str(node.number), mark)
        elif node.label in self.called:
            target.extend(ooxml.field(f"NOTEREF {name} \\f \\h", str(node.number), self._rpr(mark)))
        else:
            self.called.add(node.label)
            start, end = ooxml.bookmark(name, self._bookmark_id())
            target.append(start)
            run = _compat.docx_element(self._run(para, target, "", mark))
            run.append(el("w:footnoteReference", id=node.number))
            target.append(end)

    def ref(self, node: Ref, para, ctx, fmt, target) -> None:
        """``paragraaf `` + a REF field to the heading's bookmark: its list number (``\\w``)
        for a numbered heading, else its text between quotes."""
        if node.target not in self.targets:
            self._run(para, target, node.text, fmt)
            return
        self._run(para, target, "paragraaf ", fmt)
        name = bookmark_name("_Ref_", node.target)
        rpr = self._rpr(fmt)
        if node.number is not None:
            target.extend(ooxml.field(f"REF {name} \\w \\h", node.number, rpr))
        else:
            self._run(para, target, "\u2018", fmt)
            target.extend(ooxml.field(f"REF {name} \\h", node.title or node.target, rpr))
            self._run(para, target, "\u2019", fmt)

    def _rpr(self, fmt: _Fmt):
        """``w:rPr`` for runs built by hand (field runs), or None when plain."""
        rpr = el("w:rPr")
        if fmt.style:
            put(rpr, el("w:rStyle", val=self.st[fmt.style].style_id))
        if fmt.bold:
            put(rpr, el("w:b"))
        if fmt.italic:
            put(rpr, el("w:i"))
        if fmt.superscript:
            put(rpr, el("w:vertAlign", val="superscript"))
        return rpr if len(rpr) else None

    def _stories(self):
        """The root element of every part that holds text."""
        yield self.doc.element.body
        for rel in self.doc.part.rels.values():
            if rel.reltype in (RT.HEADER, ooxml.FOOTNOTES_RT):
                yield rel.target_part.element

    def _bookmark_id(self) -> int:
        self.bookmarks += 1
        return self.bookmarks


def _close_cells(root) -> None:
    """Every table cell must end with a paragraph (Word reports the file corrupt otherwise)."""
    for tc in root.iter(qn("w:tc")):
        if tc[-1].tag != qn("w:p"):
            tc.append(OxmlElement("w:p"))


def _append(container, child) -> None:
    """Append a block to a container, keeping a body's w:sectPr last."""
    sect = container.find(qn("w:sectPr"))
    if sect is not None:
        sect.addprevious(child)
    else:
        container.append(child)
