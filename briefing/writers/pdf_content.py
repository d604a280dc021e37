"""A PDF page's content stream, edited without changing how the page looks.

:class:`PageContents` serves :mod:`briefing.writers.pdf_tags`: it marks content as
artifacts, moves blocks of marked content so that they are painted where they are read,
and gives hyphens added by hyphenation the ``/ActualText`` of a soft hyphen. Simple
edits are made on the stream's bytes, as WeasyPrint writes them (a regular expression,
about a tenth of the cost of a parse); a page that needs reordering is read op by op
once — as lines when it is written as WeasyPrint (pydyf) writes it, one op per line
with no literal strings (checked line by line; a fifth of the cost of pikepdf's parse),
otherwise parsed with pikepdf — and edited op by op. Every move is checked to land
under the same transformation, so the page's pixels stay the same.
"""

from __future__ import annotations

import re
from typing import Any

import pikepdf

__all__ = ["PageContents"]


class PageContents:
    """The content streams of a PDF's pages, read once, edited, written back once."""

    def __init__(self, pdf: Any, pages: list[Any]) -> None:
        self.pdf = pdf
        self.pages = pages
        self._content: dict[int, list[tuple[Any, Any, str]]] = {}
        self._raw: dict[int, bytes] = {}
        self.dirty: set[int] = set()
        self._hyphens: dict[tuple[int, int], set[bytes]] = {}  # font → its hyphen's codes

    def marked(self, page: int) -> list[int | None]:
        """The /MCID each op of ``page`` opens (None for every other op)."""
        return _marked(self.ops(page))

    def ops(self, page: int) -> list[tuple[Any, Any, str]]:
        """The page's content stream, read once: (operands, operator, name) per op.

        An op read as a line is kept as (bytes, ``LINE``, name), one parsed by pikepdf as
        (instruction, None, name); operands of either are read only where needed (see
        :func:`_operands`). Edits made on the page's bytes before (:meth:`raw`) are read
        with it.
        """
        if page not in self._content:
            data = self.raw(page)
            lines = _lines(data) if data is not None else None
            if lines is not None:
                self._raw.pop(page)
                self._content[page] = lines
                return lines
            source = self.pages[page].obj
            if page in self._raw:
                source = self.pdf.make_stream(self._raw.pop(page))
            self._content[page] = [
                (ins, None, str(ins.operator)) for ins in pikepdf.parse_content_stream(source)
            ]
        return self._content[page]

    def raw(self, page: int) -> bytes | None:
        """The page's content stream as bytes, for the simple edits that need no parse
        (about a tenth of the cost); None once it is parsed, or if it is not one stream."""
        if page in self._content:
            return None
        if page not in self._raw:
            contents = self.pages[page].obj.get("/Contents")
            if not isinstance(contents, pikepdf.Stream):
                return None
            self._raw[page] = contents.read_bytes()
        return self._raw[page]

    def write(self) -> None:
        """Write back every page that changed."""
        for page in sorted(self.dirty):
            data = _unparse(self._content[page]) if page in self._content else self._raw[page]
            self.pages[page].obj.Contents = self.pdf.make_stream(data)

    def artifacts(self, page: int, mcids: set[int], kind: dict[str, str]) -> None:
        """The marked content ``mcids`` of ``page`` becomes artifacts of ``kind``."""
        if not self._artifacts_in_bytes(page, mcids, kind):
            ops = self.ops(page)
            for index, mcid in enumerate(_marked(ops)):
                if mcid in mcids:
                    artifact = [pikepdf.Name.Artifact, pikepdf.Dictionary(kind)]
                    ops[index] = (artifact, pikepdf.Operator("BDC"), "BDC")
        self.dirty.add(page)

    def _artifacts_in_bytes(self, page: int, mcids: set[int], kind: dict[str, str]) -> bool:
        """Mark ``mcids`` as artifacts by rewriting ``/Span <</MCID n>> BDC`` in the bytes."""
        data = self.raw(page)
        if data is None:
            return False
        artifact = b"/Artifact <<" + b" ".join(f"{k} {v}".encode() for k, v in kind.items()) + b">> BDC"
        done = set()

        def replace(match: re.Match[bytes]) -> bytes:
            mcid = int(match.group(1))
            if mcid not in mcids:
                return match.group(0)
            done.add(mcid)
            return artifact

        changed = _BDC_MCID.sub(replace, data)
        if done != mcids:
            return False  # not as WeasyPrint writes it: leave it to the parsed path
        self._raw[page] = changed
        return True

    def move(self, page: int, moves: list[tuple[set[int], int]]) -> int:
        """Paint each set of marked content at its op index instead of where it is.

        Each set moves as the outermost balanced ``q … Q`` block that holds it and
        nothing else, and only if the transformation in force is the same at both
        places, so that it lands on the same spot: the page looks the same, only the
        order of painting changes. One pass over the page; returns how many moved.
        """
        ops = self.ops(page)
        names = [name for _, _, name in ops]
        marked = _marked(ops)
        depth_at: list[int] = []
        depth = 0
        for name in names:
            depth_at.append(depth)
            depth += 1 if name == "q" else -1 if name == "Q" else 0
        ctm = _ctms(ops)
        where: dict[int, int] = {m: i for i, m in enumerate(marked) if m is not None}
        segments: dict[int, list[tuple[int, int]]] = {}  # insert index → blocks to paint there
        taken: list[tuple[int, int]] = []
        for own, insert_at in moves:
            found = [where[m] for m in own if m in where]
            if not found or len(found) != len(own):
                continue
            segment = _segment(names, depth_at, marked, min(found), own)
            if segment is None:
                continue
            opener, closer = segment
            if max(found) > closer or opener <= insert_at <= closer + 1 or ctm[insert_at] != ctm[opener]:
                continue
            if any(a <= closer and opener <= b for a, b in taken) or any(
                a < insert_at <= b for a, b in taken
            ):
                continue
            taken.append(segment)
            segments.setdefault(insert_at, []).append(segment)
        if not taken:
            return 0
        skip = set()
        for opener, closer in taken:
            skip.update(range(opener, closer + 1))
        out: list[tuple[Any, Any, str]] = []
        for i in range(len(ops) + 1):
            for opener, closer in segments.get(i, []):
                out.extend(ops[opener : closer + 1])
            if i < len(ops) and i not in skip:
                out.append(ops[i])
        ops[:] = out
        self.dirty.add(page)
        return len(taken)

    def soft_hyphens(self, page: int) -> None:
        """A hyphen that hyphenation added at a line's end reads as a soft hyphen.

        WeasyPrint ends such a line with U+2010 (its hyphenate-character); a hyphen
        in the text itself (``EU-bemiddelingsproces``) is U+002D and stays. The glyph
        keeps its look; marked content with ``/ActualText`` U+00AD around it tells
        search, copy and screen readers that the word goes on on the next line.
        """
        page_obj = self.pages[page].obj
        fonts = page_obj.get("/Resources", {}).get("/Font", {})
        hyphen_codes: dict[str, set[bytes]] = {}
        for name in list(fonts.keys()):
            font = fonts[name]
            key = font.objgen if font.is_indirect else None  # pages share their fonts
            codes = self._hyphens.get(key) if key is not None else None
            if codes is None:
                codes = _codes_for(font, "\u2010")
                if key is not None:
                    self._hyphens[key] = codes
            if codes:
                hyphen_codes[name] = codes
        if not hyphen_codes:
            return
        data = self.raw(page)
        if data is not None:
            self._soft_hyphens_in_bytes(page, data, hyphen_codes)
            return
        ops = self.ops(page)
        out: list[tuple[Any, Any, str]] = []
        font = None
        tj = pikepdf.Operator("TJ")
        for index, item in enumerate(ops):
            name = item[2]
            if name == "Tf":
                font = str(_operands(item)[0])
            split = None
            if name == "TJ" and font in hyphen_codes and _ends_line(ops, index):
                split = _split_last_glyph(_operands(item)[0], hyphen_codes[font])
            if split is None:
                out.append(item)
                continue
            head, hyphen = split
            if len(head):
                out.append(([head], tj, "TJ"))
            props = pikepdf.Dictionary(ActualText=pikepdf.String("\u00ad"))
            out.append(([pikepdf.Name.Span, props], pikepdf.Operator("BDC"), "BDC"))
            out.append(([hyphen], tj, "TJ"))
            out.append(([], pikepdf.Operator("EMC"), "EMC"))
        if len(out) != len(ops):
            ops[:] = out
            self.dirty.add(page)

    def _soft_hyphens_in_bytes(self, page: int, data: bytes, hyphen_codes: dict[str, set[bytes]]) -> None:
        """:meth:`_soft_hyphens` on a page not parsed: the line's TJ as WeasyPrint writes it
        (``/F 12 Tf [<0048>0<2010>0] TJ ET``) split before its last glyph."""
        codes = {name[1:].encode(): values for name, values in hyphen_codes.items()}

        def replace(match: re.Match[bytes]) -> bytes:
            code = bytes.fromhex(match.group("code").decode())
            if code not in codes.get(match.group("font"), ()):
                return match.group(0)
            return b"%s[%s] TJ\n/Span <</ActualText <FEFF00AD>>> BDC\n[<%s>%s] TJ\nEMC%s" % (
                match.group("tf"), match.group("head"), match.group("code"), match.group("adj"),
                match.group("end"),
            )

        changed = _LINE_END_TJ.sub(replace, data)
        if changed != data:
            self._raw[page] = changed
            self.dirty.add(page)


def _codes_for(font: Any, char: str) -> set[bytes]:
    """The 2-byte codes that ``font``'s ToUnicode CMap maps to ``char``."""
    if "/ToUnicode" not in font:
        return set()
    data = font.ToUnicode.read_bytes()
    target = char.encode("utf-16-be").hex().encode()
    codes = set()
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            if dst.lower() == target:
                codes.add(bytes.fromhex(src.decode()))
    return codes


def _ends_line(ops: list[tuple[Any, Any, str]], index: int) -> bool:
    """True if the text operator at ``index`` is the last of its text object (BT … ET)."""
    for _, _, name in ops[index + 1 :]:
        if name == "ET":
            return True
        if name in ("TJ", "Tj", "'", '"'):
            return False
    return False


# A marked-content start with an MCID, as WeasyPrint writes it: /Span\n<</MCID 12>>\nBDC
_BDC_MCID = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
# The font and the one TJ of a line, up to the end of its text object.
_LINE_END_TJ = re.compile(
    rb"(?P<tf>/(?P<font>[^\s/\[\]<>()]+)\s+[-+\d.]+\s+Tf\s*)"
    rb"\[(?P<head>[^\]]*?)<(?P<code>[0-9a-fA-F]{4})>(?P<adj>[-+\d.\s]*)\]\s*TJ(?P<end>\s*ET)"
)
# The last glyph of a TJ array written as WeasyPrint writes it: [<0048>0<2010>0]
_LAST_GLYPH = re.compile(rb"<([0-9a-fA-F]{4})>[-+\d.\s]*\]\s*$")


def _split_last_glyph(array: Any, codes: set[bytes]) -> tuple[Any, Any] | None:
    """``array`` (a TJ operand) split before its last glyph, if that glyph is a hyphen.

    WeasyPrint's TJ arrays alternate glyph strings and adjustments (often ending in 0).
    """
    tail = _LAST_GLYPH.search(array.unparse())
    if tail is None or bytes.fromhex(tail.group(1).decode()) not in codes:
        return None  # the common case, decided on the array's bytes (fast)
    i = len(array) - 1
    while i >= 0 and not isinstance(array[i], pikepdf.String):
        i -= 1
    if i < 0:
        return None
    data = bytes(array[i])
    if len(data) < 2 or data[-2:] not in codes:
        return None
    items = list(array)
    head = [*items[:i], pikepdf.String(data[:-2])] if len(data) > 2 else items[:i]
    return pikepdf.Array(head), pikepdf.Array([pikepdf.String(data[-2:]), *items[i + 1 :]])


def _segment(
    names: list[str], depth_at: list[int], marked: list[int | None], first: int, own: set[int]
) -> tuple[int, int] | None:
    """The outermost balanced ``q … Q`` block around op ``first`` that marks only ``own``."""
    segment = None
    start = first
    while True:
        target = depth_at[start]
        opener = next(
            (i for i in range(start - 1, -1, -1) if names[i] == "q" and depth_at[i] == target - 1), None
        )
        if opener is None:
            return segment
        closer = next(
            (i for i in range(opener + 1, len(names)) if names[i] == "Q" and depth_at[i] == target), None
        )
        if closer is None or not {m for m in marked[opener : closer + 1] if m is not None} <= own:
            return segment
        segment = (opener, closer)
        start = opener


def _ctms(ops: list[tuple[Any, Any, str]]) -> list[tuple[float, ...]]:
    """The transformation in force before each op, and after the last (q/Q/cm only)."""
    stack = [(1.0, 0.0, 0.0, 1.0, 0.0, 0.0)]
    out = []
    for item in ops:
        op = item[2]
        out.append(stack[-1])
        if op == "q":
            stack.append(stack[-1])
        elif op == "Q" and len(stack) > 1:
            stack.pop()
        elif op == "cm":
            values = item[0].split()[:6] if item[1] is LINE else _operands(item)
            a, b, c, d, e, f = (float(v) for v in values)
            A, B, C, D, E, F = stack[-1]
            stack[-1] = (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
                         e * A + f * C + E, e * B + f * D + F)
    out.append(stack[-1])
    return out


def _marked(ops: list[tuple[Any, Any, str]]) -> list[int | None]:
    """The /MCID each op opens (None for every other op)."""
    out: list[int | None] = []
    for item in ops:
        if item[2] != "BDC":
            out.append(None)
        elif item[1] is LINE:
            match = _LINE_MCID.search(item[0])
            out.append(int(match.group(1)) if match else None)
        else:
            out.append(_mcid(_operands(item)))
    return out


# An op kept as the line of bytes it was written as (see :func:`_lines`).
LINE = object()

# The operators of ISO 32000 (8.2, table 51), the only last words a line may have.
_OPERATORS = frozenset(
    [
        "b", "B", "b*", "B*", "BDC", "BI", "BMC", "BT", "BX", "c", "cm", "CS", "cs", "d", "d0",
        "d1", "Do", "DP", "EI", "EMC", "ET", "EX", "f", "F", "f*", "G", "g", "gs", "h", "i", "ID",
        "j", "J", "K", "k", "l", "m", "M", "MP", "n", "q", "Q", "re", "RG", "rg", "ri", "s", "S",
        "SC", "sc", "SCN", "scn", "sh", "T*", "Tc", "Td", "TD", "Tf", "Tj", "TJ", "TL", "Tm", "Tr",
        "Ts", "Tw", "Tz", "v", "w", "W", "W*", "y", "'", '"'
    ]
)
# A line of operands (numbers, names, hex strings, arrays and dictionaries of those), then
# the operator if the line ends an op. Possessive, so a line that is not this fails fast. No literal strings
# ``( )`` and no inline images: a stream with those is parsed by pikepdf instead.
_LINE_OP = re.compile(
    rb"(?:(?:[-+]?[0-9.]++|/[^\s/\[\]<>()%{}]++|<<|>>|<[0-9A-Fa-f\s]*+>|\[|\])\s*+)*+"
    rb"(?P<op>[A-Za-z'\"][A-Za-z0-9*]*+)?"
)
# The inside of a TJ array of hex strings and numbers (how WeasyPrint shows text).
_TJ_ARRAY = re.compile(rb"[0-9A-Fa-f<>\s.+-]*+")
_LINE_MCID = re.compile(rb"<<\s*/MCID\s+(\d+)\s*>>")


def _lines(data: bytes) -> list[tuple[Any, Any, str]] | None:
    """The ops of a content stream written as pydyf writes it, or None.

    Each op ends a line; its operands may stand on lines of their own before it
    (WeasyPrint writes ``/Span``, ``<</MCID 3>>`` and ``BDC`` on three lines).
    """
    out: list[tuple[Any, Any, str]] = []
    pending: list[bytes] = []
    for line in data.split(b"\n"):
        line = line.strip()
        if not line:
            continue
        if not pending and line.startswith(b"[") and line.endswith(b"] TJ"):
            if _TJ_ARRAY.fullmatch(line, 1, len(line) - 4) is None:  # most of a page: fast
                return None
            out.append((line, LINE, "TJ"))
            continue
        match = _LINE_OP.fullmatch(line)
        if match is None:
            return None
        op = match.group("op")
        if op is None:
            pending.append(line)
            continue
        name = op.decode()
        if name not in _OPERATORS or name in ("BI", "ID", "EI"):
            return None
        if pending:
            line = b"\n".join([*pending, line])
            pending = []
        out.append((line, LINE, name))
    return None if pending else out


_SCRATCH: list[Any] = []


def _operands(item: tuple[Any, Any, str]) -> Any:
    """The operands of one op of :meth:`PageContents.ops`."""
    first, operator, _ = item
    if operator is LINE:
        if not _SCRATCH:
            _SCRATCH.append(pikepdf.Pdf.new())
        (parsed,) = pikepdf.parse_content_stream(pikepdf.Stream(_SCRATCH[0], first))
        return parsed.operands
    return first.operands if operator is None else first


def _unparse(ops: list[tuple[Any, Any, str]]) -> bytes:
    """The bytes of a page's ops (lines as they were, the others written by pikepdf)."""
    if all(operator is LINE for _, operator, _ in ops):
        return b"\n".join(first for first, _, _ in ops)
    out = []
    for first, operator, _ in ops:
        if operator is LINE:
            out.append(first)
        else:
            out.append(pikepdf.unparse_content_stream([first if operator is None else (first, operator)]))
    return b"\n".join(out)


def _mcid(operands: Any) -> int | None:
    """The /MCID of a BDC's operands, if any."""
    if len(operands) < 2:
        return None
    props = operands[1]
    if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
        return int(props.MCID)
    return None
