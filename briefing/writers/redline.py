"""The new letter as DOCX with Word tracked changes against the old one (a "redline").

Both letters go through the DOCX writer; then, part by part (the body, the headers
with the colofon, every footnote), the block elements of the old and the new
document are aligned by their text. Paragraphs that differ are rebuilt word by word
into unchanged runs, ``w:del`` runs (old text, in ``w:delText``) and ``w:ins`` runs,
keeping each run's formatting; a paragraph, table row or footnote found on one side
only is marked inserted or deleted as a whole (its paragraph marks included).
Accepting every change gives the new letter's text, rejecting every change the old.

Revisions carry the author ``briefing`` and the time of the build that made them
(``SOURCE_DATE_EPOCH`` when set, for reproducible builds), and ids are counted in
document order, so the same two letters at the same time give the same bytes. "Track
changes" is left on, so that a reviewer's own edits are tracked as well.

Not tracked: formatting-only changes (the new formatting stands), properties that
are not text (page geometry, styles, numbering definitions), and a changed heading
number (Word numbers headings itself; a REF field showing the number is tracked).
Known limits of the readers: LibreOffice (7.x) shows the changes in the colofon —
a floating table in the page header — as plain old and new text side by side,
unmarked (Word marks them); and a paragraph deleted as the very last one of the
letter or of a table cell leaves an empty paragraph in Word after "accept all",
since Word keeps a container's last paragraph mark.
"""

from __future__ import annotations

import copy
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from lxml import etree

from briefing.align import align, opcodes, similarity, tokens
from briefing.huisstijl import HouseStyle
from briefing.model import Letter
from briefing.writers.docx import render_docx
from briefing.writers.ooxml import reproducible_zip

AUTHOR = "briefing"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DOCUMENT, FOOTNOTES, SETTINGS, NUMBERING = (
    "word/document.xml", "word/footnotes.xml", "word/settings.xml", "word/numbering.xml")
HEADER = re.compile(r"word/(header|footer)\d+\.xml")


def w(tag: str) -> str:
    """The Clark name of ``w:tag``."""
    return f"{{{W_NS}}}{tag}"


P, TBL, TR, TC, R = w("p"), w("tbl"), w("tr"), w("tc"), w("r")
PPR, RPR, TRPR, HYPERLINK = w("pPr"), w("rPr"), w("trPr"), w("hyperlink")
INS, DEL = w("ins"), w("del")


def render_redline(
    old: Letter,
    new: Letter,
    style: HouseStyle,
    date: date | datetime | None = None,
    new_docx: bytes | None = None,
) -> bytes:
    """``new`` as DOCX with its differences from ``old`` as tracked changes.

    ``date`` stamps every revision: a moment (a build passes its own time), or a day (at
    00:00 UTC); without it, the new letter's date. ``new_docx`` is ``render_docx(new,
    style)`` when the caller has made it already (a build has: it saves rendering it twice)."""
    stamp = date or new.meta.datum
    if isinstance(stamp, datetime):
        when = stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        when = stamp.isoformat() + "T00:00:00Z"
    return redline_docx(
        render_docx(old, style), render_docx(new, style) if new_docx is None else new_docx, when,
        _labels(old), _labels(new),
    )


def _labels(letter: Letter) -> dict[str, str]:
    """Footnote id in the DOCX (its number) → the note's label in the template."""
    return {str(n.number): n.label for n in letter.footnotes}


def redline_docx(old_blob: bytes, new_blob: bytes, when: str,
                 old_notes: dict[str, str], new_notes: dict[str, str]) -> bytes:
    """Mark ``new_blob``'s differences from ``old_blob`` (two DOCX files made by the DOCX
    writer) as tracked changes. ``*_notes`` map footnote ids to labels, so that notes
    are paired by what they are, not by their (possibly shifted) numbers."""
    old_parts, new_parts = _read(old_blob), _read(new_blob)
    old_xml = {n: etree.fromstring(b) for n, b in old_parts.items() if _story(n)}
    new_xml = {n: etree.fromstring(b) for n, b in new_parts.items() if _story(n)}
    marker = _Marker(when, _first_free_id(new_xml.values()), old_notes, new_notes,
                     _num_ids(new_parts.get(NUMBERING)))
    empty_notes = etree.Element(w("footnotes"))
    marker.footnotes(old_xml.get(FOOTNOTES, empty_notes), new_xml.get(FOOTNOTES, empty_notes))
    marker.container(_body(old_xml[DOCUMENT]), _body(new_xml[DOCUMENT]))
    for name in sorted(n for n in new_xml if HEADER.fullmatch(n)):
        if name in old_xml:
            marker.container(old_xml[name], new_xml[name])
    marker.finish_footnotes()
    for name, root in new_xml.items():
        new_parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if SETTINGS in new_parts:
        new_parts[SETTINGS] = _track_revisions(new_parts[SETTINGS])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, blob in new_parts.items():
            z.writestr(name, blob)
    return reproducible_zip(out.getvalue())


def _read(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _story(name: str) -> bool:
    return name in (DOCUMENT, FOOTNOTES) or HEADER.fullmatch(name) is not None


def _body(document: etree._Element) -> etree._Element:
    return document.find(w("body"))


def _first_free_id(roots) -> int:
    """Revision ids share their number space with bookmarks: start above those in use."""
    used = [int(e.get(w("id"))) for root in roots for e in root.iter(w("bookmarkStart"), w("bookmarkEnd"))]
    return max(used, default=0) + 1


def _num_ids(blob: bytes | None) -> set[str]:
    if blob is None:
        return set()
    return {n.get(w("numId")) for n in etree.fromstring(blob).iter(w("num"))}


def _track_revisions(blob: bytes) -> bytes:
    """Switch on "track changes", so that a reviewer's own edits are tracked too
    (``w:trackRevisions`` comes before ``w:defaultTabStop`` in the settings sequence)."""
    root = etree.fromstring(blob)
    if root.find(w("trackRevisions")) is None:
        later = root.find(w("defaultTabStop"))
        track = etree.Element(w("trackRevisions"))
        if later is not None:
            later.addprevious(track)
        else:
            root.append(track)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --------------------------------------------------------------------------- paragraph content


@dataclass
class _Atom:
    """A piece of a paragraph: text with its run properties, or a whole object run
    (a footnote reference, a field, a drawing) that compares by ``key``."""

    text: str | None
    rpr: etree._Element | None
    runs: list[etree._Element] = field(default_factory=list)
    wrapper: etree._Element | None = None  # the w:hyperlink it sits in (new side only)


@dataclass
class _Flat:
    """A paragraph as word tokens (each a list of atoms) and the other elements between
    them (bookmarks), which stay where they were, before token ``i``."""

    keys: list[str] = field(default_factory=list)
    tokens: list[list[_Atom]] = field(default_factory=list)
    anchors: dict[int, list[etree._Element]] = field(default_factory=dict)
    ppr: etree._Element | None = None

    @property
    def text(self) -> str:
        return "".join(self.keys)


class _Marker:
    """One redline: the revision counter and the footnote correspondence."""

    def __init__(self, when: str, first_id: int, old_notes: dict[str, str], new_notes: dict[str, str],
                 num_ids: set[str]) -> None:
        self.when = when
        self.ids = itertools.count(first_id)
        self.old_notes, self.new_notes = old_notes, new_notes
        self.num_ids = num_ids
        self.note_ids: dict[str, str] = {}  # old footnote id → its id in the redline
        self.pending: list[tuple[etree._Element | None, etree._Element]] = []
        self.notes_root: etree._Element | None = None

    def revision(self, tag: str) -> etree._Element:
        element = etree.Element(tag)
        element.set(w("id"), str(next(self.ids)))
        element.set(w("author"), AUTHOR)
        element.set(w("date"), self.when)
        return element

    # ------------------------------------------------------------------ footnotes

    def footnotes(self, old_root: etree._Element, new_root: etree._Element) -> None:
        """Pair notes by label; give notes that only the old letter had a fresh id in the
        redline (deleted references point to it). Marking waits for :meth:`finish_footnotes`,
        so that revision ids follow the document order (body first)."""
        self.notes_root = new_root
        new_by_label = {self.new_notes.get(n.get(w("id"))): n for n in _notes(new_root)}
        new_by_label.pop(None, None)
        fresh = max((int(n.get(w("id"))) for n in new_root.iter(w("footnote"))), default=0) + 1
        paired: set[int] = set()
        for old in _notes(old_root):
            label = self.old_notes.get(old.get(w("id")))
            new = new_by_label.get(label) if label is not None else None
            if new is not None:
                self.note_ids[old.get(w("id"))] = new.get(w("id"))
                self.pending.append((old, new))
                paired.add(id(new))
            else:
                gone = copy.deepcopy(old)
                gone.set(w("id"), str(fresh))
                self.note_ids[old.get(w("id"))] = str(fresh)
                fresh += 1
                self.pending.append((gone, None))
        for new in _notes(new_root):
            if id(new) not in paired:
                self.pending.append((None, new))

    def finish_footnotes(self) -> None:
        if self.notes_root is None:
            return
        order = {id(n): i for i, n in enumerate(_notes(self.notes_root))}
        for old, new in sorted(self.pending, key=lambda p: order.get(id(p[1]), len(order))):
            if old is not None and new is not None:
                self.container(old, new)
            elif new is not None:
                for block in _blocks(new):
                    self.insert_block(block)
            elif old is not None:  # already a copy with its redline id
                for block in _blocks(old):
                    self.delete_block(block, copied=True)
                self.notes_root.append(old)

    # ------------------------------------------------------------------ blocks

    def container(self, old_c: etree._Element, new_c: etree._Element) -> None:
        """Align the paragraphs and tables of two containers (body, header, cell, note)
        and mark the differences in ``new_c``."""
        olds, news = _blocks(old_c), _blocks(new_c)
        okeys = [self.block_key(b, old=True) for b in olds]
        nkeys = [self.block_key(b, old=False) for b in news]

        def score(i: int, j: int) -> float | None:
            a, b = okeys[i], nkeys[j]
            if a[0] != b[0] or (a[0] == "p" and a[1] != b[1]):
                return None
            return similarity(_key_text(a[-1]), _key_text(b[-1]))

        last: etree._Element | None = None
        for i, j in align(okeys, nkeys, score):
            if j is not None:
                if i is None:
                    self.insert_block(news[j])
                elif okeys[i] != nkeys[j]:
                    self.change_block(olds[i], news[j])
                last = news[j]
            else:
                gone = self.delete_block(olds[i])
                _place(new_c, gone, last, news)
                last = gone

    def block_key(self, block: etree._Element, old: bool) -> tuple:
        if block.tag == P:
            return ("p", _style(block), self.flatten(block, old).text)
        rows = tuple(self.row_key(tr, old) for tr in block.iter(TR))
        return ("tbl", rows)

    def row_key(self, tr: etree._Element, old: bool) -> tuple:
        return tuple(
            tuple(self.flatten(p, old).text for p in tc.iter(P)) for tc in tr.findall(TC)
        )

    def change_block(self, old: etree._Element, new: etree._Element) -> None:
        if new.tag == P:
            self.change_paragraph(old, new)
            return
        orows, nrows = old.findall(TR), new.findall(TR)
        okeys = [self.row_key(tr, old=True) for tr in orows]
        nkeys = [self.row_key(tr, old=False) for tr in nrows]

        def score(i: int, j: int) -> float | None:
            if len(okeys[i]) != len(nkeys[j]):
                return None
            return similarity(_key_text(okeys[i]), _key_text(nkeys[j]))

        last: etree._Element | None = None
        for i, j in align(okeys, nkeys, score):
            if j is not None:
                if i is None:
                    self.mark_row(nrows[j], INS, old=False)
                elif okeys[i] != nkeys[j]:
                    for otc, ntc in zip(orows[i].findall(TC), nrows[j].findall(TC), strict=True):
                        self.container(otc, ntc)
                last = nrows[j]
            else:
                gone = copy.deepcopy(orows[i])
                self.mark_row(gone, DEL, old=True)
                _place(new, gone, last, nrows)
                last = gone

    def insert_block(self, block: etree._Element) -> None:
        if block.tag == P:
            self.whole_paragraph(block, INS, old=False)
        else:
            for tr in block.findall(TR):
                self.mark_row(tr, INS, old=False)

    def delete_block(self, block: etree._Element, copied: bool = False) -> etree._Element:
        """A copy of an old block (or ``block`` itself if ``copied``), marked deleted."""
        gone = block if copied else copy.deepcopy(block)
        if gone.tag == P:
            self.whole_paragraph(gone, DEL, old=True)
        else:
            for tr in gone.findall(TR):
                self.mark_row(tr, DEL, old=True)
        return gone

    def mark_row(self, tr: etree._Element, tag: str, old: bool) -> None:
        """A whole table row inserted or deleted: ``w:trPr/w:ins|w:del`` and every paragraph."""
        trpr = tr.find(TRPR)
        if trpr is None:
            trpr = etree.Element(TRPR)
            before = tr.find(w("tblPrEx"))
            if before is not None:
                before.addnext(trpr)
            else:
                tr.insert(0, trpr)
        if not len(trpr):  # the schema wants a row property before ins/del; keeping a row
            etree.SubElement(trpr, w("cantSplit"))  # on one page changes nothing visible here
        trpr.append(self.revision(tag))  # ins/del follow every other child of w:trPr
        for p in list(tr.iter(P)):
            self.whole_paragraph(p, tag, old=old)

    # ------------------------------------------------------------------ paragraphs

    def flatten(self, p: etree._Element, old: bool) -> _Flat:
        """``p`` as tokens; the old side loses hyperlinks (their relationships belong to
        the old package) and bookmarks (their names live on in the new one)."""
        flat = _Flat(ppr=p.find(PPR))
        stretch: list[_Atom] = []  # text atoms not yet cut into words
        field_runs: list[etree._Element] | None = None
        depth = 0

        def flush() -> None:
            if not stretch:
                return
            text = "".join(a.text for a in stretch)
            pos = 0
            spans = []  # (start, end, atom) for each text atom
            for atom in stretch:
                spans.append((pos, pos + len(atom.text), atom))
                pos += len(atom.text)
            start = 0
            for token in tokens(text):
                end = start + len(token)
                pieces = [_Atom(text[max(s, start):min(e, end)], a.rpr, wrapper=a.wrapper)
                          for s, e, a in spans if s < end and e > start]
                flat.keys.append(token)
                flat.tokens.append(pieces)
                start = end
            stretch.clear()

        def anchor(element: etree._Element) -> None:
            flush()
            if not old:
                flat.anchors.setdefault(len(flat.tokens), []).append(element)

        def obj(key: str, runs: list[etree._Element], rpr, wrapper) -> None:
            flush()
            flat.keys.append(key)
            flat.tokens.append([_Atom(None, rpr, runs, wrapper)])

        def run(r: etree._Element, wrapper) -> None:
            nonlocal field_runs, depth
            chars = [c for c in r if c.tag == w("fldChar")]
            if field_runs is not None or any(c.get(w("fldCharType")) == "begin" for c in chars):
                field_runs = [] if field_runs is None else field_runs
                field_runs.append(r)
                for c in chars:
                    depth += {"begin": 1, "end": -1}.get(c.get(w("fldCharType")), 0)
                if depth == 0:
                    obj(_field_key(field_runs), field_runs, None, wrapper)
                    field_runs = None
                return
            rpr = r.find(RPR)
            for child in r:
                tag = etree.QName(child).localname
                if child.tag == RPR:
                    continue
                if tag == "t":
                    stretch.append(_Atom(child.text or "", rpr, wrapper=wrapper))
                elif tag == "tab":
                    stretch.append(_Atom("\t", rpr, wrapper=wrapper))
                elif tag == "br" and child.get(w("type")) in (None, "textWrapping"):
                    stretch.append(_Atom("\n", rpr, wrapper=wrapper))
                else:
                    single = etree.Element(R)
                    if rpr is not None:
                        single.append(copy.deepcopy(rpr))
                    single.append(copy.deepcopy(child))
                    obj(self.object_key(child, old), [single], rpr, wrapper)

        for child in p:
            if child.tag == PPR:
                continue
            if child.tag == R:
                run(child, None)
            elif child.tag == HYPERLINK:
                for grand in child:
                    if grand.tag == R:
                        run(grand, None if old else child)
                    else:
                        anchor(grand)
            else:
                anchor(child)
        flush()
        return flat

    def object_key(self, child: etree._Element, old: bool) -> str:
        tag = etree.QName(child).localname
        if tag == "footnoteReference":
            notes = self.old_notes if old else self.new_notes
            ident = child.get(w("id"))
            return f"\x00note:{notes.get(ident, ident)}"
        if tag == "drawing":
            names = [e.get("name") for e in child.iter() if etree.QName(e).localname == "docPr"]
            return f"\x00drawing:{names[0] if names else ''}"
        return f"\x00{tag}"

    def change_paragraph(self, old: etree._Element, new: etree._Element) -> None:
        a, b = self.flatten(old, old=True), self.flatten(new, old=False)
        items: list[tuple[str, _Atom | etree._Element]] = []

        def emit_new(j: int, kind: str) -> None:
            items.extend(("anchor", e) for e in b.anchors.get(j, ()))
            items.extend((kind, atom) for atom in b.tokens[j])

        for tag, i1, i2, j1, j2 in opcodes(a.keys, b.keys):
            for i in range(i1, i2) if tag != "equal" else ():
                items.extend((DEL, atom) for atom in a.tokens[i])
            for j in range(j1, j2):
                emit_new(j, "=" if tag == "equal" else INS)
        items.extend(("anchor", e) for e in b.anchors.get(len(b.tokens), ()))
        self.rebuild(new, b.ppr, items)

    def whole_paragraph(self, p: etree._Element, tag: str, old: bool) -> None:
        """Mark all of ``p`` inserted or deleted, its paragraph mark included."""
        flat = self.flatten(p, old=old)
        items: list[tuple[str, _Atom | etree._Element]] = []
        for j, token in enumerate(flat.tokens):
            items.extend(("anchor", e) for e in flat.anchors.get(j, ()))
            items.extend((tag, atom) for atom in token)
        items.extend(("anchor", e) for e in flat.anchors.get(len(flat.tokens), ()))
        ppr = flat.ppr
        if ppr is None:
            ppr = etree.Element(PPR)
        if old:
            _drop_unknown_numbering(ppr, self.num_ids)
        rpr = ppr.find(RPR)
        if rpr is None:
            rpr = etree.Element(RPR)
            later = next((c for c in ppr if c.tag in (w("sectPr"), w("pPrChange"))), None)
            if later is not None:
                later.addprevious(rpr)
            else:
                ppr.append(rpr)
        rpr.insert(0, self.revision(tag))  # a paragraph mark's ins/del come before its formatting
        self.rebuild(p, ppr, items)

    def rebuild(self, p: etree._Element, ppr, items) -> None:
        """Replace ``p``'s content by ``items``: runs grouped into w:ins / w:del, inside a copy
        of their w:hyperlink where they had one (a hyperlink may hold ins/del, not vice versa)."""
        for child in list(p):
            p.remove(child)
        if ppr is not None:
            p.append(ppr)
        for wrapper, group in itertools.groupby(items, key=lambda it: _wrapper(it)):
            children = self.changes(list(group))
            if wrapper is None:
                p.extend(children)
            else:
                link = etree.SubElement(p, wrapper.tag, dict(wrapper.attrib))
                link.extend(children)

    def changes(self, items) -> list[etree._Element]:
        out: list[etree._Element] = []
        for kind, group in itertools.groupby(items, key=lambda it: it[0]):
            group = list(group)
            if kind == "anchor":
                out.extend(e for _, e in group)
                continue
            runs = self.runs([atom for _, atom in group], deleted=kind == DEL)
            if kind == "=":
                out.extend(runs)
            else:
                holder = self.revision(kind)
                holder.extend(runs)
                out.append(holder)
        return out

    def runs(self, atoms: list[_Atom], deleted: bool) -> list[etree._Element]:
        """Runs for atoms: text with equal formatting joined into one run; objects as they were."""
        out: list[etree._Element] = []
        text_tag = w("delText") if deleted else w("t")
        for is_text, group in itertools.groupby(atoms, key=lambda a: a.text is not None):
            group = list(group)
            if not is_text:
                for atom in group:
                    for r in atom.runs:
                        r = copy.deepcopy(r)
                        if deleted:
                            self.as_deleted(r)
                        out.append(r)
                continue
            for _, same in itertools.groupby(group, key=lambda a: _rpr_key(a.rpr)):
                same = list(same)
                r = etree.Element(R)
                if same[0].rpr is not None:
                    r.append(copy.deepcopy(same[0].rpr))
                for part in re.split(r"([\t\n])", "".join(a.text for a in same)):
                    if part == "\t":
                        etree.SubElement(r, w("tab"))
                    elif part == "\n":
                        etree.SubElement(r, w("br"))
                    elif part:
                        t = etree.SubElement(r, text_tag)
                        t.set(XML_SPACE, "preserve")
                        t.text = part
                out.append(r)
        return out

    def as_deleted(self, r: etree._Element) -> None:
        """An old run as deleted: its text in w:delText, a field code in w:delInstrText,
        a footnote reference pointing at the note's id in the redline."""
        for t in r.iter(w("t")):
            t.tag = w("delText")
        for t in r.iter(w("instrText")):
            t.tag = w("delInstrText")
        for ref in r.iter(w("footnoteReference")):
            ident = ref.get(w("id"))
            ref.set(w("id"), self.note_ids.get(ident, ident))


def _notes(root: etree._Element) -> list[etree._Element]:
    """The real footnotes (not the separators)."""
    return [n for n in root.findall(w("footnote")) if n.get(w("type")) in (None, "normal")]


def _blocks(container: etree._Element) -> list[etree._Element]:
    return [c for c in container if c.tag in (P, TBL)]


def _place(container, element, last, news) -> None:
    """Put a deleted block back where it was: after the last block placed, else first."""
    if last is not None:
        last.addnext(element)
    elif news:
        news[0].addprevious(element)
    else:
        tail = container.find(w("sectPr"))
        if tail is not None:
            tail.addprevious(element)
        else:
            container.append(element)


def _style(p: etree._Element) -> str | None:
    ppr = p.find(PPR)
    style = ppr.find(w("pStyle")) if ppr is not None else None
    return style.get(w("val")) if style is not None else None


def _key_text(key) -> str:
    """The text inside a (nested) block key, for similarity."""
    if isinstance(key, str):
        return "" if key.startswith("\x00") else key
    return " ".join(_key_text(k) for k in key if k is not None)


def _field_key(runs: list[etree._Element]) -> str:
    instr = "".join(t.text or "" for r in runs for t in r.iter(w("instrText"))).strip()
    shown = "".join(t.text or "" for r in runs for t in r.iter(w("t")))
    return f"\x00field:{instr}\x00{shown}"


def _rpr_key(rpr) -> bytes:
    return b"" if rpr is None else etree.tostring(rpr)


def _wrapper(item) -> int | None:
    kind, value = item
    if kind == "anchor" or value.wrapper is None:
        return None
    return value.wrapper


def _drop_unknown_numbering(ppr: etree._Element, known: set[str]) -> None:
    """A deleted list item of the old letter may use a list the new one no longer has."""
    numpr = ppr.find(w("numPr"))
    if numpr is None:
        return
    num = numpr.find(w("numId"))
    if num is not None and num.get(w("val")) not in known | {"0"}:
        ppr.remove(numpr)


__all__ = ["AUTHOR", "redline_docx", "render_redline"]
