"""Where every character of a rendered letter came from: the origin map.

A traced render runs the letter's template in a sandbox whose code generator (a
subclass of Jinja's, set as ``code_generator_class``) sends every piece of output
through a recorder: each literal chunk of template text and each ``{{ … }}`` value,
in the order they are written. The pieces join into exactly the Markdown a normal
render makes (a build's bytes do not change: tracing adds no characters), and each
piece knows its *site*:

- a literal: the template, its line and column, and the text;
- an expression: the template, its line, its source (``slachtoffers.armeense_soldaten
  | getal``) and, resolved at run time, the fact path of the value it prints (a loop
  variable by the identity of its object: ``steun.onderdelen[1].bedrag``).

:func:`unit_origins` then carries the Markdown-level map into the document model: for
each paragraph, heading, list item, table cell or footnote paragraph, the origin of
each of its characters, by aligning the block's text with its Markdown source (markup,
escapes and character references are what the parser took out).
"""

from __future__ import annotations

import contextvars
import html
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame

from briefing.model import (
    BlockQuote,
    Code,
    Footnote,
    Heading,
    Inline,
    Letter,
    LineBreak,
    ListBlock,
    NoteRef,
    Paragraph,
    Ref,
    Table,
    Text,
)

# --------------------------------------------------------------------------- sites and pieces


@dataclass(frozen=True, slots=True)
class Site:
    """A place in a template that writes output: literal text or an expression."""

    template: str  # name inside templates/
    line: int
    kind: str  # "literal" or "expr"
    text: str = ""  # a literal's text
    column: int | None = None  # a literal's column on its line (0-based, in the loader's source)
    source: str | None = None  # an expression's source, between {{ and }}
    root: str | None = None  # the name an expression's value is read from (`slachtoffers`)
    rest: tuple[str | int, ...] | None = None  # the keys after it; None: not a plain fact path


@dataclass(frozen=True, slots=True)
class Piece:
    """One piece of output: its text, its site and (for an expression) the fact path it printed."""

    start: int  # offset in the rendered Markdown
    text: str
    site: Site | None  # None: output the trace could not attribute (a {% filter %} block, …)
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Trace:
    """A traced render: the Markdown and its pieces, in order."""

    markdown: str
    pieces: tuple[Piece, ...]

    def piece_at(self, offset: int) -> Piece | None:
        """The piece that holds Markdown offset ``offset``."""
        lo, hi = 0, len(self.pieces)
        while lo < hi:
            mid = (lo + hi) // 2
            p = self.pieces[mid]
            if p.start + len(p.text) <= offset:
                lo = mid + 1
            elif p.start > offset:
                hi = mid
            else:
                return p
        return None


_RECORDER: contextvars.ContextVar[list | None] = contextvars.ContextVar("briefing_trace", default=None)


def _record(site: Site, value: Any, root: Any = None) -> Any:
    """Called by traced templates for every piece of output; returns the value unchanged."""
    recorder = _RECORDER.get()
    if recorder is not None:
        recorder.append((site, str(value), root))
    return value


# --------------------------------------------------------------------------- the code generator


class TracingCodeGenerator(CodeGenerator):
    """Jinja's code generator, with every top-level output piece sent through the recorder.

    Output inside buffers (macros, ``{% set %}`` blocks, ``{% filter %}``) is not traced
    piece by piece: it reaches the output as the value of an expression, or not at all,
    and :func:`traced_render` marks what no piece covers as unattributed.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cursor: dict[int, int] = {}  # line → column after the last literal found on it
        self._expr_seen: dict[int, int] = {}  # line → expressions traced on it so far

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        if frame.buffer is not None:
            super().visit_Output(node, frame)
            return
        if frame.require_output_check:
            if self.has_known_extends:
                return
            self.writeline("if parent_template is None:")
            self.indent()
        finalize = self._make_finalize()
        for child in node.nodes:
            site = self._site(child)
            index = _register(site)
            self.writeline(f"yield environment.briefing_record(environment.briefing_sites[{index}], ", child)
            if isinstance(child, nodes.TemplateData):
                self.write(repr(child.data))
            else:
                self._output_child_pre(child, frame, finalize)
                self.visit(child, frame)
                self._output_child_post(child, frame, finalize)
                base = _base_name(child)
                if base is not None:
                    self.write(", ")
                    self.visit(base, frame)
            self.write(")")
        if frame.require_output_check:
            self.outdent()

    def _site(self, child: nodes.Expr) -> Site:
        line = child.lineno
        if isinstance(child, nodes.TemplateData):
            return Site(self.name or "", line, "literal", child.data, self._column(line, child.data))
        index = self._expr_seen.get(line, 0)
        self._expr_seen[line] = index + 1
        source = _expressions(self.environment, self.name or "").get(line, [])
        base = _base_name(child)
        rest = _rest(child)
        return Site(
            self.name or "",
            line,
            "expr",
            source=source[index] if index < len(source) else None,
            root=base.name if base is not None else None,
            rest=rest,
        )

    def _column(self, line: int, data: str) -> int | None:
        lines = _source_lines(self.environment, self.name or "")
        if not lines:
            return None
        text = "\n".join(lines[line - 1 :])
        column = text.find(data, self._cursor.get(line, 0))
        if column < 0:
            column = text.find(data)
        if column < 0:
            return None
        # The next literal that starts on the line where this one ends begins after it.
        end = column + len(data)
        end_line = line + text.count("\n", 0, end)
        self._cursor[end_line] = end - (text.rfind("\n", 0, end) + 1) if end_line != line else end
        return column


_SITES: list[Site] = []


def _register(site: Site) -> int:
    _SITES.append(site)
    return len(_SITES) - 1


def _base_name(expr: nodes.Expr) -> nodes.Name | None:
    """The variable an expression's printed value starts from: `x` in `x.a[0] | f(1)`."""
    node = expr
    while (isinstance(node, nodes.Filter) and node.node is not None) or isinstance(
        node, nodes.Getattr | nodes.Getitem
    ):
        node = node.node
    return node if isinstance(node, nodes.Name) and node.ctx == "load" else None


def _rest(expr: nodes.Expr) -> tuple[str | int, ...] | None:
    """The constant keys after the base name (`("a", 0)` for `x.a[0] | f`), None if any is computed."""
    node = expr
    while isinstance(node, nodes.Filter) and node.node is not None:
        node = node.node
    keys: list[str | int] = []
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        if isinstance(node, nodes.Getattr):
            keys.append(node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str | int):
            keys.append(node.arg.value)
        else:
            return None
        node = node.node
    return tuple(reversed(keys)) if isinstance(node, nodes.Name) else None


def _source_lines(env: Any, name: str) -> list[str]:
    try:
        source = env.loader.get_source(env, name)[0]
    except Exception:  # the generator compiles only what the loader gave it; be safe anyway
        return []
    return source.replace("\r\n", "\n").split("\n")


def _expressions(env: Any, name: str) -> dict[int, list[str]]:
    """Every ``{{ … }}`` of a template by the line of its first token: its source text."""
    return _expressions_of(env, name, "\n".join(_source_lines(env, name)))


@lru_cache(maxsize=64)
def _expressions_of(env: Any, name: str, source: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    current: list[str] | None = None
    line = 0
    try:
        for lineno, kind, value in env.lex(source, name):
            if kind == "variable_begin":
                current, line = [], 0
            elif kind == "variable_end" and current is not None:
                out.setdefault(line, []).append("".join(current).strip())
                current = None
            elif current is not None:
                if not line and kind != "whitespace":
                    line = lineno
                current.append(value)
    except Exception:
        return {}
    return out


def enable_tracing(env: Any) -> None:
    """Make ``env`` a tracing environment (a copy's business: see :func:`render.traced_environment`)."""
    env.code_generator_class = TracingCodeGenerator
    env.briefing_record = _record
    env.briefing_sites = _SITES


# --------------------------------------------------------------------------- a traced render


def traced_render(template: Any, context: Mapping[str, Any]) -> Trace:
    """Render ``template`` (from a tracing environment) and return its Markdown with its pieces."""
    recorded: list[tuple[Site, str, Any]] = []
    token = _RECORDER.set(recorded)
    try:
        markdown = template.render(context)
    finally:
        _RECORDER.reset(token)
    return Trace(markdown, tuple(_pieces(markdown, recorded, context)))


def _pieces(
    markdown: str, recorded: list[tuple[Site, str, Any]], context: Mapping[str, Any]
) -> Iterator[Piece]:
    """The recorded pieces placed in the Markdown; stretches no piece covers are unattributed."""
    pos = 0
    for site, text, root in recorded:
        if not text:
            continue
        at = pos if markdown.startswith(text, pos) else markdown.find(text, pos)
        if at < 0:
            continue
        if at > pos:
            yield Piece(pos, markdown[pos:at], None)
        path = _fact_path(site, root, context) if site.kind == "expr" else None
        yield Piece(at, text, site, path)
        pos = at + len(text)
    if pos < len(markdown):
        yield Piece(pos, markdown[pos:], None)


def _fact_path(site: Site, root: Any, context: Mapping[str, Any]) -> str | None:
    """The fact path an expression printed: its base name's path (a loop variable found by the
    identity of its object) followed by its constant keys. None when it is not a fact."""
    if site.root is None or site.rest is None:
        return None
    if site.root in context and context[site.root] is root:
        prefix = site.root
    else:
        prefix = _find_object(root, context)
        if prefix is None:
            return None
    path = prefix
    for key in site.rest:
        path += f"[{key}]" if isinstance(key, int) else f".{key}"
    return path


def _find_object(target: Any, context: Mapping[str, Any]) -> str | None:
    """Where ``target`` (the very object) sits in the facts, as a dotted path."""
    if target is None or isinstance(target, bool | int | float):
        return None  # small numbers are shared objects: identity says nothing
    from briefing.render import path_of

    return path_of(target, context, depth=8)


# --------------------------------------------------------------------------- the map in the model


@dataclass(frozen=True, slots=True)
class Char:
    """The origin of one character of a unit's text: a piece of output and the offset in it,
    or ``computed`` (a footnote number, a cross-reference) with no piece."""

    piece: Piece | None
    offset: int = 0  # in the piece's text
    computed: str | None = None


@dataclass(slots=True)
class Unit:
    """A paragraph as the DOCX holds it: its text (as :mod:`briefing.docx_read` reads it)
    and each character's origin (empty when the block could not be mapped)."""

    key: tuple
    text: str
    chars: list[Char | None] = field(default_factory=list)
    line: int | None = None  # the Markdown line it starts on


def body_units(letter: Letter, trace: Trace | None) -> list[Unit]:
    """The body's paragraphs in DOCX order (headings, paragraphs, list items, table cells)."""
    out: list[Unit] = []
    called: set[str] = set()
    lines = _line_starts(trace.markdown) if trace else []
    for i, block in enumerate(letter.blocks):
        _block_units(block, ("blok", i), out, called, trace, lines, False)
    return out


def note_units(letter: Letter, trace: Trace | None) -> dict[int, list[Unit]]:
    """Each footnote's paragraphs, by the footnote's number."""
    out: dict[int, list[Unit]] = {}
    lines = _line_starts(trace.markdown) if trace else []
    for note in letter.footnotes:
        units: list[Unit] = []
        for i, block in enumerate(note.blocks):
            _block_units(block, ("noot", note.number, i), units, set(), trace, lines, True)
        out[note.number or 0] = units
    return out


def _block_units(
    block: Any,
    key: tuple,
    out: list[Unit],
    called: set[str],
    trace: Trace | None,
    lines: list[int],
    in_note: bool,
) -> None:
    if isinstance(block, Heading | Paragraph):
        out.append(_unit(key, block.inlines, block.line, called, trace, lines, in_note))
    elif isinstance(block, ListBlock):
        for i, item in enumerate(block.items):
            for j, child in enumerate(item.blocks):
                _block_units(child, (*key, i, j), out, called, trace, lines, in_note)
    elif isinstance(block, Table):
        if block.caption:  # above the table in both documents: read first
            start = _offset(lines, block.caption_line)
            if start is not None and trace is not None:
                mark = trace.markdown.find(": ", start)
                start = mark + 2 if mark >= 0 else None
            out.append(_unit((*key, "bijschrift"), block.caption, block.caption_line, called, trace, lines,
                             in_note, start))
        rows = (block.header, *block.rows)
        for r, row in enumerate(rows):
            line = None if block.line is None else block.line + (0 if r == 0 else r + 1)
            start = _offset(lines, line)
            for c, cell in enumerate(row):
                unit = _unit((*key, r, c), cell, None, called, trace, lines, in_note, start)
                out.append(unit)
                start = unit_end(unit, start)
    elif isinstance(block, BlockQuote):
        for i, child in enumerate(block.blocks):
            _block_units(child, (*key, i), out, called, trace, lines, in_note)
    elif isinstance(block, Footnote):
        for i, child in enumerate(block.blocks):
            _block_units(child, (*key, i), out, called, trace, lines, True)
    else:
        raise TypeError(f"origins: unknown block {type(block).__name__}")


def unit_end(unit: Unit, start: int | None) -> int | None:
    """The Markdown offset just after a unit's last mapped character (where the next cell starts)."""
    for char in reversed(unit.chars):
        if char is not None and char.piece is not None:
            return char.piece.start + char.offset + 1
    return start


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts += [m.end() for m in re.finditer("\n", text)]
    return starts


def _offset(lines: list[int], line: int | None) -> int | None:
    if line is None or not lines or line < 1 or line > len(lines):
        return None
    return lines[line - 1]


# Parts of a unit's text: (text, kind) with kind "text" (from Markdown text) or a computed label.
def _parts(inlines: Sequence[Inline], called: set[str], in_note: bool) -> Iterator[tuple[str, str]]:
    for node in inlines:
        if isinstance(node, Text | Code):
            yield node.text, "text"
        elif isinstance(node, LineBreak):
            yield "\n", "text"
        elif isinstance(node, NoteRef):
            if in_note or node.label in called:
                yield str(node.number), "voetnootnummer"
            else:
                called.add(node.label)
                yield f"[^{node.number}]", "voetnootnummer"
        elif isinstance(node, Ref):
            yield node.text, "verwijzing"
        elif hasattr(node, "children"):
            yield from _parts(node.children, called, in_note)
        else:
            raise TypeError(f"origins: unknown inline {type(node).__name__}")


def _unit(
    key: tuple,
    inlines: Sequence[Inline],
    line: int | None,
    called: set[str],
    trace: Trace | None,
    lines: list[int],
    in_note: bool,
    start: int | None = None,
) -> Unit:
    parts = list(_parts(inlines, called, in_note))
    unit = Unit(key, "".join(t for t, _ in parts), line=line)
    if trace is None:
        return unit
    pos = start if start is not None else _offset(lines, line)
    if pos is None:
        return unit
    md = trace.markdown
    chars: list[Char | None] = []
    for text, kind in parts:
        if kind != "text":
            chars.extend(Char(None, 0, kind) for _ in text)
            pos = _skip_computed(md, pos, kind)
            continue
        for ch in text:
            found = _match(md, pos, ch)
            if found is None:
                return unit  # not mappable: the unit keeps no origins
            at, pos = found
            piece = trace.piece_at(at)
            chars.append(Char(piece, at - piece.start) if piece is not None else None)
    unit.chars = chars
    return unit


_ENTITY = re.compile(r"&(#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LIMIT = 4000  # markup skipped before a character is given up as unmappable (a long link target)


def _match(md: str, pos: int, ch: str) -> tuple[int, int] | None:
    """Where character ``ch`` of a block's text stands in the Markdown from ``pos``: (its offset,
    the offset after it). Markup between is skipped; an escape or character reference counts."""
    end = min(len(md), pos + _LIMIT)
    p = pos
    while p < end:
        c = md[p]
        if c == ch or (ch == " " and c == "\n"):
            return p, p + 1
        if c == "\\" and p + 1 < len(md) and md[p + 1] == ch:
            return p + 1, p + 2
        if c == "&":
            m = _ENTITY.match(md, p)
            if m and html.unescape(m.group(0)) == ch:
                return p, m.end()
        p += 1
    return None


def _skip_computed(md: str, pos: int, kind: str) -> int:
    """Past the Markdown of a footnote call (``[^1]``) or a reference (``<ref:x>``)."""
    pattern = r"\[\^[^\]]+\]" if kind == "voetnootnummer" else r"<ref:[^>]+>|\[[^\]]*\]\(ref:[^)]*\)"
    m = re.compile(pattern).search(md, pos, min(len(md), pos + _LIMIT))
    return m.end() if m else pos


def template_text(env: Any, name: str) -> str:
    """A template's source as the loader gives it to Jinja (newlines normalised)."""
    return "\n".join(_source_lines(env, name))


def source_path(project: Path, name: str) -> Path:
    """The file of template ``name``."""
    return project / "templates" / name


__all__ = [
    "Char",
    "Piece",
    "Site",
    "Trace",
    "TracingCodeGenerator",
    "Unit",
    "body_units",
    "enable_tracing",
    "note_units",
    "template_text",
    "traced_render",
    "unit_end",
]
