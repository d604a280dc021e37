"""Repair WeasyPrint's structure tree so a screen reader hears the whole letter (PDF/UA-1).

WeasyPrint tags the PDF, but an audit found what a reader would miss (issue 11):

- page-margin boxes (our colofon) are tagged, but their elements are not linked into
  the tree (upstream #1836), and the page numbers in them are not artifacts;
- a list item is ``LI`` > ``Lbl`` + ``P`` without ``LBody``; a nested list sits beside
  its item; a list (or any block) broken by a page becomes two elements;
- footnotes are anonymous ``NonStruct``/``Span`` elements, their calls link nowhere;
- header cells have no ``/Scope`` and the ``/ID`` s they carry have no ``/IDTree``;
- a link's ``/Contents`` is the anchor id, and its annotation lacks the Print flag.

WeasyPrint builds the tree box by box. While it writes, :func:`recording` notes for
every structure element it makes which HTML element (and pseudo-element) it came from
and where its box is; :func:`repair` then rewrites the finished PDF with pikepdf:

- elements of one HTML element split by a page are joined (one body, one list);
- the colofon of page 1 is attached after the address block and *painted* there too
  (its content moved in the page's content stream, so paint order and tree order
  agree); every repeated colofon line, page number and a draft's CONCEPT mark become
  pagination artifacts;
- ``LI`` > ``Lbl`` + ``LBody`` (a nested list in its item's body), ``/ListNumbering``,
  each label painted just before its body;
- footnotes become ``Note`` s with an ``/ID`` at the end of the document, each call a
  ``Reference`` holding a ``Link`` to its note; ``TH`` get ``/Scope``; an ``/IDTree``;
- links get words in ``/Contents`` and the Print flag;
- a hyphen added by hyphenation gets ``/ActualText`` U+00AD (a soft hyphen).

The page looks exactly as before: only the order of painting and the marking of
content change; every move of content is checked to land under the same transformation
(the content-stream side is :mod:`briefing.writers.pdf_content`).

The record comes from one WeasyPrint internal, wrapped in :mod:`briefing._compat`
(``weasyprint.pdf.tags._build_box_tree``); if a later WeasyPrint lacks it, :func:`repair`
does what it can from the PDF alone (detached elements become artifacts, list bodies and
table scopes are still made).
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from briefing import _compat
from briefing.writers.pdf_content import PageContents

__all__ = ["BoxInfo", "declare_pdfua", "page_count", "recording", "repair"]

_local = threading.local()
_hook_lock = threading.Lock()

PAGINATION = {"/Type": "/Pagination", "/Subtype": "/Header"}
WATERMARK = {"/Type": "/Pagination", "/Subtype": "/Watermark"}
PRINT_FLAG = 4


@dataclass(frozen=True)
class BoxInfo:
    """What a structure element was made from: its HTML element and box."""

    element: Any  # the HTML (ElementTree) element; identity matters: a split block has one
    tag: str  # WeasyPrint's element_tag, e.g. "li", "li::marker", "span::footnote-call"
    page: int  # 0-based
    rect: tuple[float, float, float, float]  # border box in CSS px: x, y, width, height

    @property
    def classes(self) -> set[str]:
        """The HTML element's classes."""
        return set((self.element.get("class") or "").split()) if self.element is not None else set()


def page_count(pdf_bytes: bytes) -> int:
    """The number of pages of a PDF."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return len(pdf.pages)


# --------------------------------------------------------------------------- recording


@contextlib.contextmanager
def recording() -> Iterator[dict[int, BoxInfo]]:
    """Record, for the PDF written inside the block, object number → :class:`BoxInfo`."""
    _install_hook()
    boxes: dict[int, BoxInfo] = {}
    previous = getattr(_local, "boxes", None)
    _local.boxes = boxes
    try:
        yield boxes
    finally:
        _local.boxes = previous


def _install_hook() -> None:
    """Have WeasyPrint report each structure element's box (once per process; see _compat)."""
    with _hook_lock:
        _compat.on_tagged_box(_record)


def _record(number: int, box: Any, page: int) -> None:
    # The innermost call names the box; html, body and the page only pass their
    # children's elements on.
    boxes = getattr(_local, "boxes", None)
    if boxes is not None and number not in boxes:
        boxes[number] = _box_info(box, page)


def _box_info(box: Any, page: int) -> BoxInfo:
    rect = (
        float(box.border_box_x()),
        float(box.border_box_y()),
        float(box.border_width()),
        float(box.border_height()),
    )
    element = box.element
    return BoxInfo(element, box.element_tag if element is not None else "", page, rect)


# --------------------------------------------------------------------------- repair


def repair(pdf_bytes: bytes, boxes: dict[int, BoxInfo], declare_ua: bool = False) -> bytes:
    """The PDF with its structure tree repaired (see the module docstring).

    ``declare_ua``: the metadata of a PDF/A file declares PDF/UA-1 as well.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return pdf_bytes
        _Repair(pdf, root, boxes).run()
        if declare_ua:
            declare_pdfua(pdf)
        out = io.BytesIO()
        # deterministic_id: the same letter gives the same bytes (no random /ID).
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


# The PDF/UA identification, and the extension schema PDF/A requires for a namespace
# it does not predefine (ISO 19005-2, 6.6.2.3).
PDFUA_XMP = """<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about=""
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the document conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about=""
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>
"""


def declare_pdfua(pdf: Any) -> None:
    """Add the PDF/UA-1 identification to the XMP metadata of ``pdf`` (a PDF/A file)."""
    stream = pdf.Root.Metadata
    packet = stream.read_bytes()
    end = packet.rindex(b"</rdf:RDF>")
    packet = packet[:end] + PDFUA_XMP.encode() + packet[end:]
    metadata = pdf.make_stream(packet)
    metadata.Type = stream.Type
    metadata.Subtype = stream.Subtype
    pdf.Root.Metadata = metadata


class _Repair:
    """One repair of one PDF; see :func:`repair`."""

    def __init__(self, pdf: Any, root: Any, boxes: dict[int, BoxInfo]) -> None:
        import pikepdf

        self.pikepdf = pikepdf
        self.pdf = pdf
        self.root = root
        self.boxes = boxes
        self.document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
        self.pages = list(pdf.pages)
        self.page_index = {page.obj.objgen: i for i, page in enumerate(self.pages)}
        self.parent_tree = self._parent_tree()
        self.ids: dict[str, Any] = {}
        self.contents = PageContents(pdf, self.pages)
        self._kids: dict[tuple[int, int], tuple[Any, ...]] = {}
        self._element_kids: dict[tuple[int, int], tuple[Any, ...]] = {}
        self._is_element: dict[tuple[int, int], bool] = {}

    def info(self, element: Any) -> BoxInfo | None:
        return self.boxes.get(element.objgen[0]) if element.is_indirect else None

    def run(self) -> None:
        # First, on the pages' bytes (cheap); the pages parsed later see the change.
        for page in range(len(self.pages)):
            self.contents.soft_hyphens(page)
        self._colofon()
        self._join_split_elements(self.document)
        self._footnotes()
        self._lists(self.document)
        self._paint_labels_first()
        elements = list(self._walk(self.document))  # the tree is complete: one walk for the rest
        for element in elements:
            kind = element.get("/S")
            if kind in ("/TH", "/TD"):
                self._table_cell(element, kind)
            elif kind == "/Link":
                self._link(element)
        self._id_tree()
        self._write_parent_tree()
        for element in elements:
            self._single_kids(element)
        self.contents.write()

    def _single_kids(self, element: Any) -> None:
        """Write a one-item /K as the item itself (both are valid PDF).

        pdfua 0.1.3 crashes on a /K array below a heading (its ``as_integer`` asks a
        pikepdf Array for ``is_integer``, which raises ValueError instead of
        AttributeError) and then skips its empty-heading rule (UA-14-001); with single
        kids written directly, that rule runs.
        """
        kids = self.kids(element)
        if len(kids) == 1 and isinstance(element.get("/K"), self.pikepdf.Array):
            element.K = kids[0]

    # ------------------------------------------------------------------ parent tree

    def _parent_tree(self) -> dict[int, Any]:
        nums = self.root.ParentTree.Nums
        return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}

    def _write_parent_tree(self) -> None:
        nums = self.pikepdf.Array()
        for key in sorted(self.parent_tree):
            nums.append(key)
            nums.append(self.parent_tree[key])
        self.root.ParentTree.Nums = nums
        self.root.ParentTreeNextKey = max(self.parent_tree, default=-1) + 1

    def _page_array(self, page: int) -> Any:
        return self.parent_tree[int(self.pages[page].obj.StructParents)]

    def _set_owner(self, page: int, mcid: int, owner: Any) -> None:
        array = self._page_array(page)
        if mcid < len(array):
            array[mcid] = owner

    # ------------------------------------------------------------------ tree helpers

    def kids(self, element: Any) -> tuple[Any, ...]:
        """``element``'s /K as a tuple (read once per element: the tree is walked often)."""
        key = element.objgen
        cached = self._kids.get(key) if key != (0, 0) else None
        if cached is None:
            k = element.get("/K")
            cached = () if k is None else tuple(k) if isinstance(k, self.pikepdf.Array) else (k,)
            if key != (0, 0):
                self._kids[key] = cached
        return cached

    def element_kids(self, element: Any) -> tuple[Any, ...]:
        """``element``'s kids that are structure elements (remembered until they change)."""
        key = element.objgen
        cached = self._element_kids.get(key) if key != (0, 0) else None
        if cached is None:
            cached = tuple(kid for kid in self.kids(element) if self.is_element(kid))
            if key != (0, 0):
                self._element_kids[key] = cached
        return cached

    def set_kids(self, element: Any, kids: list[Any]) -> None:
        element.K = self.pikepdf.Array(kids)
        if element.objgen != (0, 0):
            self._kids[element.objgen] = tuple(kids)
            self._element_kids.pop(element.objgen, None)

    def is_element(self, kid: Any) -> bool:
        """True for a structure element (not an MCID, MCR or OBJR); remembered per object."""
        if not isinstance(kid, self.pikepdf.Dictionary):
            return False
        key = kid.objgen
        if key == (0, 0):
            return "/S" in kid
        known = self._is_element.get(key)
        if known is None:
            known = self._is_element[key] = "/S" in kid
        return known

    def page_of(self, element: Any) -> int | None:
        if "/Pg" in element:
            return self.page_index.get(element.Pg.objgen)
        return None

    def mcids(self, element: Any, page: int | None = None) -> Iterator[tuple[int, int]]:
        """(page, mcid) of every marked-content sequence at or below ``element``."""
        own = self.page_of(element)
        page = own if own is not None else page
        for kid in self.kids(element):
            if isinstance(kid, int) and page is not None:
                yield page, int(kid)
            elif isinstance(kid, self.pikepdf.Dictionary):
                if kid.get("/Type") == "/MCR":
                    kid_page = self.page_index.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                    if kid_page is not None:
                        yield kid_page, int(kid.MCID)
                elif self.is_element(kid):
                    yield from self.mcids(kid, page)

    def new_element(self, kind: str, parent: Any, kids: list[Any]) -> Any:
        element = self.pdf.make_indirect(
            self.pikepdf.Dictionary(
                Type=self.pikepdf.Name.StructElem, S=self.pikepdf.Name("/" + kind), P=parent
            )
        )
        self.adopt(element, kids)
        return element

    def adopt(self, element: Any, kids: list[Any]) -> None:
        """Make ``kids`` the children of ``element`` (their /P and the parent tree follow)."""
        page = self.page_of(element)
        fixed = []
        for kid in kids:
            if self.is_element(kid):
                kid.P = element
            elif isinstance(kid, int):
                raise ValueError("bare MCID must be converted before adoption")
            elif isinstance(kid, self.pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                kid_page = self.page_index.get(kid.Pg.objgen) if "/Pg" in kid else page
                if kid_page is not None:
                    self._set_owner(kid_page, int(kid.MCID), element)
            fixed.append(kid)
        self.set_kids(element, fixed)

    def explicit_kids(self, element: Any) -> list[Any]:
        """``element``'s kids with bare MCIDs written as MCR dictionaries (safe to move)."""
        page = self.page_of(element)
        out = []
        for kid in self.kids(element):
            if isinstance(kid, int):
                mcr = self.pikepdf.Dictionary(Type=self.pikepdf.Name.MCR, MCID=int(kid))
                if page is not None:
                    mcr.Pg = self.pages[page].obj
                out.append(mcr)
            else:
                out.append(kid)
        return out

    # ------------------------------------------------------------------ colofon

    def _colofon(self) -> None:
        """Page 1's colofon into the tree after the address; repeated lines as artifacts.

        The CONCEPT mark of a draft (on every page) is a watermark artifact: the title
        says CONCEPT already.
        """
        for kid in self.kids(self.document):
            if self._has_class(kid, "concept"):
                self._to_artifact(kid, WATERMARK)
        kept = [kid for kid in self.kids(self.document) if not self._has_class(kid, "concept")]
        self.set_kids(self.document, kept)
        detached = self._detached_roots()
        anchor_index = self._document_index(lambda info: "adres" in info.classes)
        for element in detached:
            info = self.info(element)
            page = self.page_of(element)
            if info is None or page is None:
                # Unknown origin (no record from WeasyPrint): out of the way as artifacts
                # rather than content that no reader reaches.
                self._to_artifact(element)
                continue
            if "colofon-eerste" in info.classes:
                pagina = [kid for kid in self.kids(element) if self._has_class(kid, "pagina")]
                for kid in pagina:
                    self._to_artifact(kid)
                kept = [kid for kid in self.kids(element) if not self._has_class(kid, "pagina")]
                self.set_kids(element, kept)
                element.S = self.pikepdf.Name.Div
                element.T = self.pikepdf.String("Colofon")
                element.P = self.document
                doc_kids = list(self.kids(self.document))
                if anchor_index is not None and self._paint_after(element, doc_kids[anchor_index], page):
                    doc_kids.insert(anchor_index + 1, element)
                else:  # where it is painted: after the rest of its page
                    last = max(
                        (i for i, kid in enumerate(doc_kids) if self.page_of(kid) == page), default=-1
                    )
                    doc_kids.insert(last + 1, element)
                self.set_kids(self.document, doc_kids)
            else:
                self._to_artifact(element)

    def _has_class(self, element: Any, name: str) -> bool:
        info = self.info(element) if self.is_element(element) else None
        return info is not None and name in info.classes

    def _detached_roots(self) -> list[Any]:
        """Top elements that the parent tree names but the root does not reach."""
        recorded = self._recorded_margin_roots()
        if recorded is not None:
            return recorded
        reached: set[tuple[int, int]] = set()
        stack = [self.document]
        while stack:
            node = stack.pop()
            reached.add(node.objgen)
            stack.extend(self.element_kids(node))
        roots: list[Any] = []
        handled: set[tuple[int, int]] = set()
        tops: set[tuple[int, int]] = set()
        for key in sorted(self.parent_tree):
            value = self.parent_tree[key]
            for item in value if isinstance(value, self.pikepdf.Array) else [value]:
                if not isinstance(item, self.pikepdf.Dictionary):
                    continue
                objgen = item.objgen
                if objgen in reached or objgen in handled:
                    continue
                handled.add(objgen)
                if not self.is_element(item):
                    continue
                top = item
                while "/P" in top and self.is_element(top.P) and top.P.objgen not in reached:
                    top = top.P
                if top.objgen not in tops:
                    tops.add(top.objgen)
                    roots.append(top)
        return roots

    def _recorded_margin_roots(self) -> list[Any] | None:
        """The colofon's elements as WeasyPrint's record names them (no scan of the
        parent tree); None if the record has none or one of them is in the tree after all."""
        numbers = sorted(
            number for number, info in self.boxes.items()
            if info.tag == "div" and info.classes & {"colofon-eerste", "colofon-later"}
        )
        if not numbers:
            return None
        in_tree = {kid.objgen for kid in self.kids(self.document) if self.is_element(kid)}
        roots = [self.pdf.get_object((number, 0)) for number in numbers]
        if any(root.objgen in in_tree or "/S" not in root for root in roots):
            return None
        return roots

    def _document_index(self, predicate: Any) -> int | None:
        for i, kid in enumerate(self.kids(self.document)):
            info = self.info(kid) if self.is_element(kid) else None
            if info is not None and predicate(info):
                return i
        return None

    def _to_artifact(self, element: Any, kind: dict[str, str] | None = None) -> None:
        """Turn all content of ``element`` into pagination artifacts (out of the tree)."""
        by_page: dict[int, set[int]] = {}
        for page, mcid in self.mcids(element):
            by_page.setdefault(page, set()).add(mcid)
        for page, mcids in by_page.items():
            self.contents.artifacts(page, mcids, kind or PAGINATION)
            array = self._page_array(page)
            for mcid in mcids:
                if mcid < len(array):
                    array[mcid] = None
        for annotation in self._annotations(element):  # out of the tree with their content
            key = annotation.get("/StructParent")
            if key is not None:
                self.parent_tree.pop(int(key), None)
                del annotation["/StructParent"]

    def _annotations(self, element: Any) -> Iterator[Any]:
        for kid in self.kids(element):
            if isinstance(kid, self.pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                yield kid.Obj
            elif self.is_element(kid):
                yield from self._annotations(kid)

    def _paint_after(self, element: Any, anchor: Any, page: int) -> bool:
        """Move ``element``'s painting to just after ``anchor``'s; False if that cannot be done.

        WeasyPrint paints margin boxes last; the colofon moves to just after the anchor's
        last marked content (see :meth:`_move`).
        """
        own = {mcid for p, mcid in self.mcids(element) if p == page}
        anchor_mcids = {mcid for p, mcid in self.mcids(anchor) if p == page}
        if not own or not anchor_mcids:
            return False
        ops = self.contents.ops(page)
        marked = self.contents.marked(page)
        anchor_last = max(i for i, m in enumerate(marked) if m in anchor_mcids)
        insert_at = next(i for i in range(anchor_last, len(ops)) if ops[i][2] == "EMC") + 1
        return self.contents.move(page, [(own, insert_at)]) == 1

    def _paint_labels_first(self) -> None:
        """Paint each list item's label just before its body (WeasyPrint paints markers last).

        Checkers compare paint order with tree order (outloud ORD-001): on a page of
        list items, markers painted after all the text put half of it out of order.
        """
        moves: dict[int, list[tuple[set[int], int]]] = {}
        items = [e for e in self._walk(self.document) if e.get("/S") == "/LI"]
        wanted: dict[int, list[tuple[set[int], set[int]]]] = {}
        for item in items:
            kids = [kid for kid in self.kids(item) if self.is_element(kid)]
            labels = [kid for kid in kids if kid.S == "/Lbl"]
            bodies = [kid for kid in kids if kid.S == "/LBody"]
            if len(labels) != 1 or len(bodies) != 1:
                continue
            body = list(self.mcids(bodies[0]))
            for page in {p for p, _ in self.mcids(labels[0])}:
                own = {m for p, m in self.mcids(labels[0]) if p == page}
                first_body = {m for p, m in body if p == page}
                if first_body:
                    wanted.setdefault(page, []).append((own, first_body))
        for page, pairs in wanted.items():
            where = {m: i for i, m in enumerate(self.contents.marked(page)) if m is not None}
            for own, body in pairs:
                start = min((where[m] for m in body if m in where), default=None)
                label = min((where[m] for m in own if m in where), default=None)
                if start is not None and label is not None and label > start:
                    moves.setdefault(page, []).append((own, start))
        for page, page_moves in moves.items():
            self.contents.move(page, page_moves)

    def _walk(self, element: Any) -> Iterator[Any]:
        yield element
        for kid in self.element_kids(element):
            yield from self._walk(kid)

    # ------------------------------------------------------------------ hyphens

    # ------------------------------------------------------------------ split elements

    def _join_split_elements(self, parent: Any) -> None:
        """Join the elements of one HTML element that a page break made two (or more).

        Only the pieces under one parent are joined (a block is continued at the same
        place in the tree); this runs top-down so that joined pieces' kids join too.
        """
        kids = self.kids(parent)
        first_of: dict[tuple[int, str], Any] = {}
        kept: list[Any] = []
        changed = False
        for kid in kids:
            info = self.info(kid) if self.is_element(kid) else None
            key = (id(info.element), info.tag) if info is not None and info.element is not None else None
            if key is not None and key in first_of and info is not None and info.tag == "thead":
                # A table's header row repeated on the next page: read once, at the top.
                self._to_artifact(kid)
                changed = True
                continue
            if key is not None and key in first_of:
                earlier = first_of[key]
                self.adopt(earlier, self.explicit_kids(earlier) + self.explicit_kids(kid))
                changed = True
                continue
            if key is not None:
                first_of[key] = kid
            kept.append(kid)
        if changed:
            self.set_kids(parent, kept)
        for kid in self.element_kids(parent):
            self._join_split_elements(kid)

    # ------------------------------------------------------------------ footnotes

    def _footnotes(self) -> None:
        """Footnotes as ``Note`` (with ``/ID``) in one ``Div`` at the end; calls as Reference/Link."""
        notes: dict[str, Any] = {}
        doc_kids = self.kids(self.document)
        areas = [kid for kid in doc_kids if self.is_element(kid) and self._is_footnote_area(kid)]
        if not areas:
            return
        collected: list[Any] = []
        for area in areas:
            for note in self.kids(area):
                info = self.info(note) if self.is_element(note) else None
                if info is None or "voetnoot" not in info.classes:
                    continue
                number = info.element.get("data-n")
                note.S = self.pikepdf.Name.Note
                note.ID = self.pikepdf.String(f"voetnoot-{number}")
                self.ids[f"voetnoot-{number}"] = note
                for kid in self.kids(note):
                    kid_info = self.info(kid) if self.is_element(kid) else None
                    if kid_info is not None and kid_info.tag.endswith("::footnote-marker"):
                        kid.S = self.pikepdf.Name.Lbl
                notes[number] = note
                collected.append(note)
        block = self.new_element("Div", self.document, collected)
        block.T = self.pikepdf.String("Voetnoten")
        gone = {area.objgen for area in areas}
        doc_kids = [kid for kid in doc_kids if not (self.is_element(kid) and kid.objgen in gone)]
        doc_kids.append(block)
        self.set_kids(self.document, doc_kids)
        self._footnote_calls(self.document, notes)

    def _is_footnote_area(self, element: Any) -> bool:
        kids = self.element_kids(element)
        return bool(kids) and all(self._has_class(kid, "voetnoot") for kid in kids) and not self._has_class(
            element, "voetnoot"
        )

    def _footnote_calls(self, element: Any, notes: dict[str, Any]) -> None:
        for kid in self.element_kids(element):
            info = self.info(kid)
            again = info is not None and info.tag == "sup" and "noot" in info.classes
            if info is not None and (info.tag.endswith("::footnote-call") or again):
                # The first call of a note, or a later one (its number in a <sup>).
                number = info.element.get("data-n") if not again else (info.element.text or "").strip()
                note = notes.get(number)
                kid.S = self.pikepdf.Name.Reference
                if note is not None:
                    self._link_call(kid, info, note, number)
            else:
                self._footnote_calls(kid, notes)

    def _link_call(self, reference: Any, info: BoxInfo, note: Any, number: str) -> None:
        """Reference > Link > (the call's content, a Link annotation to the note)."""
        page = self.page_of(reference)
        if page is None:
            return
        link = self.new_element("Link", reference, self._flatten_content(reference))
        link.Pg = self.pages[page].obj
        note_info = self.info(note)
        note_page = self.page_of(note)
        if note_page is None:
            note_page = page
        x, y, w, h = info.rect
        rect = self._pdf_rect(page, x, y, w, h)
        top = self._pdf_rect(note_page, *note_info.rect)[3] if note_info is not None else rect[3]
        annotation = self.pdf.make_indirect(
            self.pikepdf.Dictionary(
                Type=self.pikepdf.Name.Annot,
                Subtype=self.pikepdf.Name.Link,
                Rect=self.pikepdf.Array(rect),
                BS=self.pikepdf.Dictionary(W=0),
                F=PRINT_FLAG,
                Contents=self.pikepdf.String(f"Voetnoot {number}"),
                Dest=self.pikepdf.Array(
                    [self.pages[note_page].obj, self.pikepdf.Name.XYZ, 0, top, 0]
                ),
            )
        )
        key = max(self.parent_tree, default=-1) + 1
        annotation.StructParent = key
        self.parent_tree[key] = link
        page_obj = self.pages[page].obj
        if "/Annots" not in page_obj:
            page_obj.Annots = self.pikepdf.Array()
        page_obj.Annots.append(annotation)
        page_obj.Tabs = self.pikepdf.Name.S
        objr = self.pikepdf.Dictionary(Type=self.pikepdf.Name.OBJR, Obj=annotation, Pg=page_obj)
        self.set_kids(link, [*self.kids(link), objr])
        self.set_kids(reference, [link])

    def _flatten_content(self, element: Any) -> list[Any]:
        """All marked content at or below ``element``, as MCRs (the elements between go)."""
        out = []
        for page, mcid in self.mcids(element):
            page_obj = self.pages[page].obj
            out.append(self.pikepdf.Dictionary(Type=self.pikepdf.Name.MCR, MCID=mcid, Pg=page_obj))
        return out

    def _pdf_rect(self, page: int, x: float, y: float, w: float, h: float) -> list[float]:
        """A CSS-px box → PDF user space (WeasyPrint: 0.75 pt per px, y from the top)."""
        box = self.pages[page].obj.MediaBox
        height = float(box[3]) - float(box[1])
        return [round(v, 3) for v in (x * 0.75, height - (y + h) * 0.75, (x + w) * 0.75, height - y * 0.75)]

    # ------------------------------------------------------------------ lists

    def _lists(self, element: Any) -> None:
        """``LI`` > ``Lbl`` + ``LBody``; a nested ``L`` inside its item's body; ``/ListNumbering``."""
        for kid in self.element_kids(element):
            self._lists(kid)
        if element.get("/S") != "/L":
            return
        info = self.info(element)
        ordered = info is not None and info.element is not None and info.element.tag == "ol"
        numbering = "/Decimal" if ordered else "/Disc"
        _set_attribute(element, self.pikepdf, "/List", "/ListNumbering", self.pikepdf.Name(numbering))
        items: list[Any] = []
        for kid in self.kids(element):
            if self.is_element(kid) and kid.S == "/L" and items and items[-1].S == "/LI":
                # WeasyPrint puts a nested list beside its item; it belongs in the item's body.
                body = self._body(items[-1])
                self.adopt(body, [*self.kids(body), kid])
                continue
            if self.is_element(kid) and kid.S == "/LI":
                self._body(kid)
                self._label(kid)
            items.append(kid)
        self.set_kids(element, items)

    def _label(self, item: Any) -> None:
        """An item without ``Lbl`` whose marker is its first paragraph's ``::before``
        (the house style sets markers so, at the margin): that becomes its ``Lbl``."""
        kids = [kid for kid in self.kids(item) if self.is_element(kid)]
        if any(kid.S == "/Lbl" for kid in kids):
            return
        parent, node = None, next((kid for kid in kids if kid.S == "/LBody"), None)
        for _ in range(3):  # LBody > P > the marker
            if node is None:
                return
            first = next((kid for kid in self.kids(node) if self.is_element(kid)), None)
            info = self.info(first) if first is not None else None
            if info is not None and info.tag.endswith("::before"):
                rest = [kid for kid in self.kids(node) if kid is not first]
                self.set_kids(node, rest)
                if not rest and parent is not None:
                    # The empty paragraph of an item that opens with a list: nothing to read.
                    self.set_kids(parent, [kid for kid in self.kids(parent) if kid is not node])
                first.S = self.pikepdf.Name.Lbl
                first.P = item
                self.set_kids(item, [first, *self.kids(item)])
                return
            parent, node = node, first

    def _body(self, item: Any) -> Any:
        """The item's ``LBody``, made from everything but its ``Lbl`` when missing."""
        kids = self.kids(item)
        for kid in kids:
            if self.is_element(kid) and kid.S == "/LBody":
                return kid
        labels = [kid for kid in kids if self.is_element(kid) and kid.S == "/Lbl"]
        rest = [kid for kid in self.explicit_kids(item) if not (self.is_element(kid) and kid.S == "/Lbl")]
        body = self.new_element("LBody", item, rest)
        self.set_kids(item, [*labels, body])
        return body

    # ------------------------------------------------------------------ tables

    def _table_cell(self, cell: Any, kind: str) -> None:
        """A header cell's ``/Scope`` (from the HTML ``scope``); every ``/ID`` into the IDTree."""
        if kind == "/TH":
            info = self.info(cell)
            scope = info.element.get("scope") if info is not None and info.element is not None else None
            value = {"row": "/Row", "colgroup": "/Column", "rowgroup": "/Row"}.get(scope or "", "/Column")
            _set_attribute(cell, self.pikepdf, "/Table", "/Scope", self.pikepdf.Name(value))
        if "/ID" in cell:
            self.ids[str(cell.ID)] = cell

    def _id_tree(self) -> None:
        if not self.ids:
            return
        names = self.pikepdf.Array()
        for key in sorted(self.ids):
            names.append(self.pikepdf.String(key))
            names.append(self.ids[key])
        self.root.IDTree = self.pdf.make_indirect(self.pikepdf.Dictionary(Names=names))

    # ------------------------------------------------------------------ links

    def _link(self, element: Any) -> None:
        """A Link's annotations: words in ``/Contents`` and the Print flag."""
        for kid in self.kids(element):
            if not isinstance(kid, self.pikepdf.Dictionary) or kid.get("/Type") != "/OBJR":
                continue
            annotation = kid.Obj
            if annotation.get("/Subtype") != "/Link":
                continue
            annotation.F = PRINT_FLAG
            info = self.info(element)
            if info is not None and info.element is not None and info.element.tag == "a":
                annotation.Contents = self.pikepdf.String(_link_description(info.element))


def _link_description(anchor: Any) -> str:
    """What a link says: its words, and for a web address not in them, the address."""
    text = " ".join("".join(anchor.itertext()).split())
    href = anchor.get("href") or ""
    if href.startswith("#"):
        return f"Verwijzing naar {text}" if text else "Verwijzing"
    if href and href.split("://", 1)[-1].rstrip("/") not in text:
        return f"{text} ({href})" if text else href
    return text or href


def _set_attribute(element: Any, pikepdf: Any, owner: str, key: str, value: Any) -> None:
    """Set ``key`` in ``element``'s attribute dictionary of owner ``owner`` (made if missing)."""
    attrs = element.get("/A")
    dicts = list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs] if attrs is not None else []
    for d in dicts:
        if isinstance(d, pikepdf.Dictionary) and d.get("/O") == owner:
            d[key] = value
            return
    new = pikepdf.Dictionary({"/O": pikepdf.Name(owner), key: value})
    if attrs is None:
        element.A = new
    elif isinstance(attrs, pikepdf.Array):
        attrs.append(new)
    else:
        element.A = pikepdf.Array([attrs, new])
