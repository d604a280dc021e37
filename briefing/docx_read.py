"""An edited DOCX as its reader sees it: the accepted text, paragraph by paragraph.

Word and LibreOffice change a file's bytes on every save (runs split at rsids,
``w:proofErr``, bookmarks, renamed parts, explicit styles), so what a DOCX *says* is read
here, once, for ``absorb``, for build's "was it edited?" check and for the tests:

- the **accepted view** of tracked changes: inserted text counts, deleted text
  (``w:del``, ``w:moveFrom``, a deleted paragraph mark, a deleted table row) does not;
- **field results**, not field codes (a REF shows ``2``); page fields, whose results a
  client recomputes on every save, read as ``#``;
- tabs, line breaks, symbols and non-breaking hyphens as characters, soft hyphens dropped;
- a footnote call as ``[^n]``, n counting the calls in order, and every footnote's
  paragraphs under that n;
- bold and italic per character where Markdown can carry them (not in headings or tables,
  whose look comes from their style).

Stories are read in reading order: the body (tables cell by cell), the footnotes in
the order of their calls, then the headers by their role (``first``, ``default``).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_HEADER_ORDER = ("first", "default", "even")  # by role: clients write them in either order
_PAGE_FIELDS = frozenset({"PAGE", "NUMPAGES", "SECTIONPAGES"})


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# Subtrees whose text a reader does not see in the accepted view.
_SKIP = frozenset(
    map(
        _w,
        (
            "del",
            "moveFrom",
            "instrText",
            "delText",
            "delInstrText",
            "rPr",
            "pPr",
            "footnotePr",
            "sectPr",
            "tblPr",
            "tcPr",
            "trPr",
        ),
    )
)
# Drawings and text boxes: their paragraphs are not this paragraph's text.
_OPAQUE = frozenset(
    {
        _w("drawing"),
        _w("pict"),
        _w("object"),
        f"{{{W}}}txbxContent",
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",
    }
)


class DocxReadError(ValueError):
    """The file is not a DOCX that can be read (not a zip, no document part, broken XML)."""


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a paragraph's text with the formatting Markdown can carry (bold, italic) and,
    in ``other``, the direct formatting it cannot (underline, strike-through, colour, highlight)."""

    text: str
    bold: bool = False
    italic: bool = False
    other: str = ""


@dataclass(frozen=True, slots=True)
class DocParagraph:
    """One paragraph of the accepted view.

    ``story`` is ``body``, ``footnote`` or ``header:<role>``; ``note`` the footnote's number
    (its call's place in the body) for a footnote paragraph; ``table`` whether it sits in a
    table cell; ``style`` the paragraph style id; ``level`` the list level, if any.
    """

    story: str
    style: str | None
    spans: tuple[Span, ...]
    table: bool = False
    note: int | None = None
    level: int | None = None

    @property
    def text(self) -> str:
        """The paragraph's text."""
        return "".join(s.text for s in self.spans)

    @property
    def formatting(self) -> tuple[tuple[str, bool, bool, str], ...]:
        """Stretches of equal formatting (merged): text, bold, italic, other direct formatting."""
        out: list[tuple[str, bool, bool, str]] = []
        for span in self.spans:
            if not span.text:
                continue
            if out and out[-1][1:] == (span.bold, span.italic, span.other):
                out[-1] = (out[-1][0] + span.text, span.bold, span.italic, span.other)
            else:
                out.append((span.text, span.bold, span.italic, span.other))
        return tuple(out)


    @property
    def others(self) -> tuple[tuple[str, str], ...]:
        """Stretches with direct formatting Markdown cannot carry (underline, colour …)."""
        out: list[tuple[str, str]] = []
        for span in self.spans:
            if out and out[-1][1] == span.other:
                out[-1] = (out[-1][0] + span.text, span.other)
            elif span.text:
                out.append((span.text, span.other))
        return tuple(o for o in out if o[1])


def read_docx(source: bytes | Path) -> list[DocParagraph]:
    """The accepted view of a DOCX (bytes or a path), story by story, in reading order."""
    blob = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        parts = zipfile.ZipFile(io.BytesIO(blob))
        main = _main_part(parts)
        document = _xml(parts, main)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as exc:
        raise DocxReadError(f"geen leesbaar Word-bestand ({exc})") from None
    rels = _rels(parts, main)
    reader = _Reader(_char_styles(parts, rels, main))
    body = document.find(_w("body"))
    out = list(reader.story(body, "body")) if body is not None else []
    notes_part = next((t for t, kind in rels.values() if kind.endswith("/footnotes")), None)
    if notes_part is not None and reader.calls:
        notes = {n.get(_w("id")): n for n in _xml(parts, notes_part).iter(_w("footnote"))}
        for number, ident in enumerate(reader.calls, 1):
            if ident in notes:
                out.extend(_clean_note_start(list(reader.story(notes[ident], "footnote", note=number))))
    sect = body.find(_w("sectPr")) if body is not None else None
    refs = (
        {ref.get(_w("type"), "default"): ref for ref in sect.findall(_w("headerReference"))}
        if (sect is not None)
        else {}
    )
    for role in sorted(refs, key=lambda r: (_HEADER_ORDER.index(r) if r in _HEADER_ORDER else 9, r)):
        target = rels.get(refs[role].get(f"{{{R}}}id", ""), (None, ""))[0]
        if target is not None:
            out.extend(reader.story(_xml(parts, target), f"header:{role}"))
    return out


def signature(paragraphs: list[DocParagraph]) -> str:
    """A digest of what a DOCX says: text, structure and Markdown formatting, not bytes.

    Two files with the same signature say the same thing: a save in Word or LibreOffice
    without edits keeps it; an edit of a word, a paragraph, bold or italic changes it."""
    h = hashlib.sha256()
    for p in paragraphs:
        kind = _kind(p)
        # A heading's or table's bold comes from its style (LibreOffice copies it into the runs).
        look = (p.text, p.others) if kind.startswith("heading") or kind == "table" else p.formatting
        h.update(repr((p.story, kind, p.note, p.level, look)).encode())
    return h.hexdigest()


def _kind(p: DocParagraph) -> str:
    """What a paragraph is (a heading, a list item, running text …) — not its style's name:
    LibreOffice writes ``Normal`` where Word leaves it out."""
    style = (p.style or "Normal").lower()
    if style.startswith("heading"):
        return style
    if p.level is not None or style.startswith("list"):
        return "list"
    return "table" if p.table else "text"


# --------------------------------------------------------------------------- the package


def _main_part(parts: zipfile.ZipFile) -> str:
    root = _xml(parts, "_rels/.rels")
    for rel in root:
        if rel.get("Type") == _OFFICE_DOCUMENT:
            return rel.get("Target", "word/document.xml").lstrip("/")
    return "word/document.xml"


def _xml(parts: zipfile.ZipFile, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(parts.read(name), parser)


def _rels(parts: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (target part name, type)."""
    path = PurePosixPath(part)
    name = f"{path.parent}/_rels/{path.name}.rels"
    try:
        root = _xml(parts, name)
    except KeyError:
        return {}
    out = {}
    for rel in root.iter(f"{{{_PKG_RELS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        full = target.lstrip("/") if target.startswith("/") else _join(path.parent, target)
        out[rel.get("Id", "")] = (full, rel.get("Type", ""))
    return out


def _join(folder: PurePosixPath, target: str) -> str:
    parts: list[str] = [p for p in folder.parts if p not in ("", ".")]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _char_styles(parts: zipfile.ZipFile, rels: dict[str, tuple[str, str]], main: str) -> dict[str, tuple]:
    """Character styles: id → (bold, italic) (None: not set), following ``basedOn``."""
    target = next((t for t, kind in rels.values() if kind.endswith("/styles")), None)
    if target is None:
        return {}
    try:
        root = _xml(parts, target)
    except KeyError:
        return {}
    raw: dict[str, tuple[bool | None, bool | None, str | None]] = {}
    for style in root.iter(_w("style")):
        if style.get(_w("type")) != "character":
            continue
        rpr = style.find(_w("rPr"))
        based = style.find(_w("basedOn"))
        raw[style.get(_w("styleId"), "")] = (
            _toggle(rpr, "b"),
            _toggle(rpr, "i"),
            based.get(_w("val")) if based is not None else None,
        )
    out: dict[str, tuple] = {}
    for ident in raw:
        bold = italic = None
        seen, current = set(), ident
        while current in raw and current not in seen:
            seen.add(current)
            b, i, current = raw[current]
            bold = b if bold is None else bold
            italic = i if italic is None else italic
        out[ident] = (bold, italic)
    return out


def _toggle(rpr: etree._Element | None, tag: str) -> bool | None:
    """A toggle property (``w:b``, ``w:i``): True, False, or None when not set."""
    if rpr is None:
        return None
    el = rpr.find(_w(tag))
    if el is None:
        return None
    return el.get(_w("val"), "true").lower() not in ("0", "false", "off", "none")


# --------------------------------------------------------------------------- the text


class _Reader:
    """Reads stories; remembers the footnote calls of the body in order."""

    def __init__(self, char_styles: dict[str, tuple]) -> None:
        self.char_styles = char_styles
        self.calls: list[str] = []  # footnote ids in the order of their calls

    def story(self, root: etree._Element, name: str, note: int | None = None) -> Iterator[DocParagraph]:
        pending: list[Span] = []  # a paragraph whose mark was deleted joins the next one
        for p in self._paragraphs(root):
            spans = pending + self._spans(p, note is not None)
            ppr = p.find(_w("pPr"))
            mark = ppr.find(_w("rPr")) if ppr is not None else None
            if mark is not None and mark.find(_w("del")) is not None:
                pending = spans
                continue
            pending = []
            style = ppr.find(_w("pStyle")) if ppr is not None else None
            ilvl = ppr.find(f"{_w('numPr')}/{_w('ilvl')}") if ppr is not None else None
            num = ppr.find(_w("numPr")) if ppr is not None else None
            level = int(ilvl.get(_w("val"), "0")) if ilvl is not None else (0 if num is not None else None)
            yield DocParagraph(
                name,
                style.get(_w("val")) if style is not None else None,
                tuple(spans),
                table=_in_table(p, root),
                note=note,
                level=level,
            )
        if pending:
            yield DocParagraph(name, None, tuple(pending), note=note)

    def _paragraphs(self, root: etree._Element) -> Iterator[etree._Element]:
        """The paragraphs of a story in order, skipping deleted rows, drawings and text boxes."""
        for el in root:
            tag = el.tag
            if tag == _w("p"):
                yield el
            elif tag == _w("tr"):
                trpr = el.find(_w("trPr"))
                if trpr is not None and trpr.find(_w("del")) is not None:
                    continue
                yield from self._paragraphs(el)
            elif tag in _SKIP or tag in _OPAQUE or not isinstance(tag, str):
                continue
            else:
                yield from self._paragraphs(el)

    def _spans(self, p: etree._Element, in_note: bool) -> list[Span]:
        out: list[Span] = []
        fields: list[list] = []  # per open complex field: [instruction, state]
        for run in self._runs(p):
            if run.tag == _w("fldSimple"):
                continue  # its runs follow as children (descended by _runs)
            fmt = self._format(run)
            for child in run:
                tag = child.tag
                if tag == _w("fldChar"):
                    kind = child.get(_w("fldCharType"))
                    if kind == "begin":
                        fields.append(["", "code"])
                    elif kind == "separate" and fields:
                        fields[-1][1] = "result"
                    elif kind == "end" and fields:
                        instr, _ = fields.pop()
                        if instr.split()[:1] and instr.split()[0].upper() in _PAGE_FIELDS:
                            out.append(Span("#", *fmt))
                    continue
                if tag == _w("instrText"):
                    if fields:
                        fields[-1][0] += child.text or ""
                    continue
                if any(state == "code" for _, state in fields):
                    continue
                if fields and fields[-1][0].split()[:1] and fields[-1][0].split()[0].upper() in _PAGE_FIELDS:
                    continue  # a page number: its result changes with every layout
                text = self._text(child, in_note)
                if text:
                    out.append(Span(text, *fmt))
        return out

    def _runs(self, el: etree._Element) -> Iterator[etree._Element]:
        for child in el:
            tag = child.tag
            if tag == _w("r"):
                yield child
            elif tag == _w("fldSimple"):
                instr = (child.get(_w("instr")) or "").split()
                if instr and instr[0].upper() in _PAGE_FIELDS:
                    yield etree.Element(_w("r"))  # no text
                    continue
                yield from self._runs(child)
            elif tag in _SKIP or tag in _OPAQUE or tag == _w("p") or not isinstance(tag, str):
                continue
            else:  # w:ins, w:hyperlink, w:smartTag, w:sdt, w:sdtContent, w:customXml, w:moveTo …
                yield from self._runs(child)

    def _text(self, el: etree._Element, in_note: bool) -> str:
        tag = el.tag
        if tag == _w("t"):
            return el.text or ""
        if tag == _w("tab"):
            return "\t"
        if tag == _w("br"):
            return "" if el.get(_w("type")) in ("page", "column") else "\n"
        if tag == _w("cr"):
            return "\n"
        if tag == _w("noBreakHyphen"):
            return "\u2011"
        if tag == _w("sym"):
            try:
                code = int(el.get(_w("char"), ""), 16)
            except ValueError:
                return ""
            return chr(code - 0xF000 if 0xF020 <= code <= 0xF0FF else code)
        if tag == _w("footnoteReference"):
            self.calls.append(el.get(_w("id"), ""))
            return f"[^{len(self.calls)}]"
        if tag == _w("footnoteRef"):  # the note's own number at its start
            return "\u0000" if in_note else ""
        return ""

    def _format(self, run: etree._Element) -> tuple[bool, bool, str]:
        rpr = run.find(_w("rPr"))
        bold, italic = _toggle(rpr, "b"), _toggle(rpr, "i")
        style = rpr.find(_w("rStyle")) if rpr is not None else None
        if style is not None:
            sb, si = self.char_styles.get(style.get(_w("val"), ""), (None, None))
            bold = sb if bold is None else bold
            italic = si if italic is None else italic
        return bool(bold), bool(italic), _other(rpr)


def _other(rpr: etree._Element | None) -> str:
    """Direct formatting Markdown cannot carry, as a short key ("" for none)."""
    if rpr is None:
        return ""
    out = []
    u = rpr.find(_w("u"))
    if u is not None and u.get(_w("val"), "single") != "none":
        out.append("u")
    for tag in ("strike", "dstrike"):
        if _toggle(rpr, tag):
            out.append(tag)
    color = rpr.find(_w("color"))
    if color is not None and color.get(_w("val"), "auto").lower() not in ("auto", "000000"):
        out.append(f"color={color.get(_w('val'))}")
    highlight = rpr.find(_w("highlight"))
    if highlight is not None and highlight.get(_w("val"), "none") != "none":
        out.append(f"highlight={highlight.get(_w('val'))}")
    return ",".join(out)


def _in_table(p: etree._Element, root: etree._Element) -> bool:
    parent = p.getparent()
    while parent is not None and parent is not root:
        if parent.tag == _w("tc"):
            return True
        parent = parent.getparent()
    return False


def _clean_note_start(paragraphs: list[DocParagraph]) -> list[DocParagraph]:
    """Footnote paragraphs without the note's own number and the tab after it."""
    out = []
    for p in paragraphs:
        if p.note is not None and p.spans and p.spans[0].text.startswith("\u0000"):
            first = p.spans[0]
            rest = first.text[1:]
            spans = list(p.spans[1:])
            if not rest and spans and spans[0].text.startswith("\t"):
                spans[0] = Span(spans[0].text[1:], spans[0].bold, spans[0].italic, spans[0].other)
            elif rest.startswith("\t"):
                rest = rest[1:]
            if rest:
                spans.insert(0, Span(rest, first.bold, first.italic, first.other))
            p = DocParagraph(p.story, p.style, tuple(s for s in spans if s.text), p.table, p.note, p.level)
        out.append(p)
    return out


__all__ = ["DocParagraph", "DocxReadError", "Span", "read_docx", "signature"]
