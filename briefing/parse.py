"""Markdown (the rendered template) → the document model.

markdown-it-py does the parsing (CommonMark + tables + footnotes); this module walks
its syntax tree with one small function per node type and builds the frozen model.
Heading attributes (``# Vervolg {#vervolg .ongenummerd}``) are read here, since the
attrs plugin does not handle a trailing block on a heading line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.footnote import footnote_plugin

from briefing import characters
from briefing.errors import TemplateError
from briefing.model import (
    Block,
    BlockQuote,
    Code,
    Emph,
    Footnote,
    Heading,
    Inline,
    Letter,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Meta,
    NoteRef,
    Paragraph,
    Ref,
    Strong,
    Table,
    Text,
)

REF_SCHEME = "ref:"
_ATTRS = re.compile(r"\s*\{((?:\s*[#.][A-Za-z][\w-]*)+)\s*\}\s*$")
_ALIGN = re.compile(r"text-align:(left|center|right)")
_CALL = re.compile(r"(?<!\\)\[\^([^\]\s]+)\](?!:)")
UNNUMBERED = "ongenummerd"
# "… 12 september jl.." → "… jl.": a sentence-final abbreviation takes no second dot,
# so a template can end a sentence after a relative date whatever the date becomes.
_ABBREVIATION_DOT = re.compile(r"\b(jl\.|a\.s\.)\.")


_COMMENT = re.compile(r"\s*<!--.*?-->\s*", re.DOTALL)
# Links markdown-it would leave as plain text (CommonMark's unsafe schemes): read as
# links here, so that the author is told, not shown "[tekst](javascript:…)" in the letter.
_UNSAFE_LINK = re.compile(r"^\s*(javascript|vbscript|file|data):", re.IGNORECASE)
# A bare web or e-mail address in running text becomes a link (an explicit rule rather
# than linkify-it, whose patterns take ≈ 0.1 s to compile in every build): a URL with its
# scheme, one starting "www.", an e-mail address, or a host name with a well-known
# top-level domain ("rijksoverheid.nl/bz"). Punctuation that ends the sentence is not
# part of it (_trim). Web addresses without a scheme open as https.
_TLD = r"(?:nl|eu|be|de|fr|lu|uk|int|org|com|net|gov|edu|info|io|nu|frl)"
_HOST = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_ADDRESS = re.compile(
    rf"""(?ix)
    (?P<mail>(?<![\w.+-])[\w.+-]+@{_HOST}(?:\.{_HOST})*\.[a-z]{{2,}}\b)
    | (?P<web>\b(?:https?|ftp)://[^\s<>"]+)
    | (?P<host>(?<![\w@./-])(?:www\.[^\s<>"/]+\.[a-z]{{2,}}|{_HOST}(?:\.{_HOST})*\.{_TLD}\b)
       (?:[/?#][^\s<>"]*)?)
    """
)


@cache
def _markdown() -> MarkdownIt:
    """The one configured parser: CommonMark, tables, footnotes. Raw HTML is recognised
    (and refused, comments dropped) rather than printed as text; every link is read."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(footnote_plugin)
    md.validateLink = lambda url: True
    return md


def parse(markdown: str, meta: Meta) -> Letter:
    """Parse rendered Markdown into an (unnumbered) :class:`Letter`.

    Raises :class:`TemplateError` (line = Markdown line) for constructs a
    Kamerbrief cannot hold, such as a fourth heading level or raw HTML.
    """
    invalid = next(characters.find_invalid(markdown), None)
    if invalid is not None:  # from a string literal in the template, say "\\x0b"
        raise TemplateError(
            f"het teken {characters.describe(invalid[2])} kan niet in een brief", line=invalid[0],
            hint="het komt uit het sjabloon (een \\x-code in een tekst tussen aanhalingstekens?)",
        )
    env: dict = {}
    tokens = _markdown().parse(markdown, env)
    _check_inline_nesting(tokens)
    tree = SyntaxTreeNode(tokens)
    _check_footnotes(markdown, env)
    blocks: list[Block] = []
    notes: list[Footnote] = []
    for node in tree.children:
        if node.type == "footnote_block":
            notes.extend(_footnote(n) for n in node.children)
        elif not _is_comment(node):
            blocks.append(_block(node))
    _check_notes_reached(markdown, blocks, notes)
    return Letter(meta, _with_captions(blocks), tuple(notes))


MAX_INLINE_NESTING = 20  # emphasis in emphasis, links in emphasis, …


def _check_inline_nesting(tokens: list) -> None:
    """Refuse inline markup nested deeper than anyone writes (``*****x*****`` × 1000): the
    tree of it, and the writers, would recurse beyond Python's stack."""
    for token in tokens:
        depth = 0
        for child in token.children or ():
            depth += child.nesting
            if depth > MAX_INLINE_NESTING:
                line = token.map[0] + 1 if token.map else None
                raise TemplateError(
                    f"opmaak (*, _, links) staat hier meer dan {MAX_INLINE_NESTING} keer in elkaar",
                    line=line, hint="te veel * of _ achter elkaar?",
                )


def _check_footnotes(markdown: str, env: dict) -> None:
    """The footnote plugin drops unused definitions and leaves undefined calls as text."""
    for key, used in env.get("footnotes", {}).get("refs", {}).items():
        if used == -1:
            raise _unused_note(markdown, key[1:])
    defined = {key[1:] for key in env.get("footnotes", {}).get("refs", {})}
    for match in _CALL.finditer(markdown):
        if match.group(1) not in defined:
            raise TemplateError(
                f"voetnoot [^{match.group(1)}] wordt gebruikt maar is nergens gedefinieerd",
                line=markdown.count("\n", 0, match.start()) + 1,
                hint=f"voeg een regel '[^{match.group(1)}]: …' toe",
                kind="footnote-call", subject=match.group(1),
            )


def _unused_note(markdown: str, label: str) -> TemplateError:
    return TemplateError(
        f"voetnoot [^{label}] is gedefinieerd maar wordt nergens gebruikt",
        line=_find_line(markdown, f"[^{label}]:"), kind="footnote-definition", subject=label,
    )


def _check_notes_reached(markdown: str, blocks: list[Block], notes: list[Footnote]) -> None:
    """Every note is called from the letter, or from a note that is (not only from each other)."""
    bodies = {note.label: note.blocks for note in notes}
    reached: set[str] = set()
    todo = list(_calls(blocks))
    while todo:
        label = todo.pop()
        if label not in reached:
            reached.add(label)
            todo.extend(_calls(bodies.get(label, ())))
    unused = [_unused_note(markdown, note.label) for note in notes if note.label not in reached]
    if unused:
        raise min(unused, key=lambda e: e.line or 0)  # the first in the text


def _calls(nodes: object) -> list[str]:
    """The labels of the footnote calls in blocks or inlines, in order."""
    found: list[str] = []
    for node in nodes if isinstance(nodes, tuple | list) else (nodes,):
        if isinstance(node, NoteRef):
            found.append(node.label)
        elif isinstance(node, Heading | Paragraph):
            found += _calls(node.inlines)
        elif isinstance(node, Emph | Strong | Link):
            found += _calls(node.children)
        elif isinstance(node, ListBlock):
            found += [label for item in node.items for label in _calls(item.blocks)]
        elif isinstance(node, BlockQuote):
            found += _calls(node.blocks)
        elif isinstance(node, Table):
            found += [label for row in (node.header, *node.rows) for cell in row for label in _calls(cell)]
    return found


def _find_line(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def _line(node: SyntaxTreeNode) -> int | None:
    return node.map[0] + 1 if node.map else None


def _blocks(nodes: list[SyntaxTreeNode]) -> tuple[Block, ...]:
    return _with_captions([_block(n) for n in nodes if not _is_comment(n)])


def _with_captions(blocks: list[Block]) -> tuple[Block, ...]:
    """A paragraph ``: …`` right before or after a table becomes its caption (pandoc's
    ``table_captions``); so does a last row whose first cell is ``: …`` and the rest empty
    (the caption written under the table without a blank line between)."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Table):
            block = _caption_from_last_row(block)
            before = out[-1] if out else None
            if not block.caption and isinstance(before, Paragraph) and (caption := _caption(before.inlines)):
                out[-1] = replace(block, caption=caption, caption_line=before.line)
                continue
        elif isinstance(block, Paragraph) and out and isinstance(out[-1], Table) and not out[-1].caption:
            caption = _caption(block.inlines)
            if caption:
                out[-1] = replace(out[-1], caption=caption, caption_line=block.line)
                continue
        out.append(block)
    return tuple(out)


def _caption(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """The caption a paragraph ``: …`` gives (its text without the ``:``), or ()."""
    first = inlines[0] if inlines else None
    if not isinstance(first, Text) or not first.text.startswith(": "):
        return ()
    rest = first.text[2:].lstrip()
    return ((Text(rest),) if rest else ()) + inlines[1:]


def _caption_from_last_row(table: Table) -> Table:
    """``table`` with a last row ``| : … | | |`` taken as its caption."""
    if not table.rows:
        return table
    first, *others = table.rows[-1]
    caption = _caption(first)
    if not caption or any(others):
        return table
    line = None if table.line is None else table.line + len(table.rows) + 1
    return replace(table, rows=table.rows[:-1], caption=caption, caption_line=line)


def _is_comment(node: SyntaxTreeNode) -> bool:
    """An HTML comment (``<!-- … -->``): the author's note to self, not in the letter."""
    return node.type in ("html_block", "html_inline") and bool(_COMMENT.fullmatch(node.content))


def _html_error(node: SyntaxTreeNode) -> TemplateError:
    tag = node.content.strip().splitlines()[0] if node.content.strip() else node.content
    return TemplateError(
        f"HTML '{tag}' kan niet in een Kamerbrief", line=_line(node),
        hint="schrijf opmaak in Markdown: **vet**, *cursief*, een lege regel tussen alinea's",
        kind="html", subject=tag,
    )


def _block(node: SyntaxTreeNode) -> Block:
    handler = _BLOCKS.get(node.type)
    if node.type == "html_block":
        raise _html_error(node)
    if handler is None:
        raise TemplateError(
            f"een {_NAMES.get(node.type, node.type)} kan niet in een Kamerbrief",
            line=_line(node),
            hint="gebruik alinea's, koppen (#, ##, ###), lijsten, tabellen en voetnoten",
        )
    try:
        return handler(node)
    except TemplateError as exc:  # an inline problem knows no line: it is this block's
        if exc.line is None:
            exc.line = _line(node)
        raise


def _paragraph(node: SyntaxTreeNode) -> Paragraph:
    return Paragraph(_inlines(node.children[0]), _line(node))


def _heading(node: SyntaxTreeNode) -> Heading:
    level = int(node.tag[1])
    if level > 3:
        raise TemplateError(
            f"kopniveau {level} bestaat niet in een Kamerbrief", line=_line(node),
            hint="gebruik # (paragraaf), ## of ###",
        )
    inline = node.children[0]
    inlines = _inlines(inline)
    ident, numbered = None, True
    match = _ATTRS.search(inline.content)
    if match and inlines and isinstance(inlines[-1], Text):
        for attr in match.group(1).split():
            if attr.startswith("#"):
                ident = attr[1:]
            elif attr[1:] == UNNUMBERED:
                numbered = False
            else:
                raise TemplateError(
                    f"onbekend kopkenmerk '{attr}'", line=_line(node), hint="alleen {.ongenummerd}"
                )
        last = _ATTRS.sub("", inlines[-1].text)
        inlines = inlines[:-1] + ((Text(last),) if last else ())
    return Heading(level, inlines, ident, numbered, None, _line(node))


MAX_NESTING = 3  # lists in lists, quotes in quotes: as deep as both writers can show


def _check_nesting(node: SyntaxTreeNode, kinds: tuple[str, ...], what: str) -> None:
    depth, parent = 1, node.parent
    while parent is not None:
        depth += parent.type in kinds
        parent = parent.parent
    if depth > MAX_NESTING:
        raise TemplateError(
            f"{what} kunnen hoogstens {MAX_NESTING} niveaus diep in elkaar staan", line=_line(node),
            hint="spring minder diep in",
        )


def _list(node: SyntaxTreeNode) -> ListBlock:
    _check_nesting(node, ("bullet_list", "ordered_list"), "lijsten")
    ordered = node.type == "ordered_list"
    start = int(node.attrs.get("start", 1)) if ordered else 1
    items = tuple(ListItem(_blocks(item.children)) for item in node.children)
    return ListBlock(ordered, items, start, _line(node))


def _cells(row: SyntaxTreeNode) -> tuple[tuple[Inline, ...], ...]:
    return tuple(_inlines(cell.children[0]) if cell.children else () for cell in row.children)


def _table(node: SyntaxTreeNode) -> Table:
    head, *body = node.children
    header_row = head.children[0]
    align = tuple(
        (m.group(1) if (m := _ALIGN.search(str(cell.attrs.get("style", "")))) else None)
        for cell in header_row.children
    )
    rows = tuple(_cells(row) for section in body for row in section.children)
    return Table(_cells(header_row), rows, align, _line(node))


def _blockquote(node: SyntaxTreeNode) -> BlockQuote:
    _check_nesting(node, ("blockquote",), "citaten")
    return BlockQuote(_blocks(node.children), _line(node))


def _footnote(node: SyntaxTreeNode) -> Footnote:
    label = node.meta.get("label") or f"_{node.meta['id']}"
    blocks = tuple(_block(n) for n in node.children if n.type != "footnote_anchor")
    return Footnote(label, blocks)


_BLOCKS: dict[str, Callable[[SyntaxTreeNode], Block]] = {
    "paragraph": _paragraph,
    "heading": _heading,
    "bullet_list": _list,
    "ordered_list": _list,
    "table": _table,
    "blockquote": _blockquote,
}
_NAMES = {
    "code_block": "codeblok (ingesprongen tekst)",
    "fence": "codeblok",
    "hr": "horizontale lijn",
    "html_block": "HTML-blok",
}

# --------------------------------------------------------------------------- inlines


def _inlines(inline: SyntaxTreeNode, linkify: bool = True) -> tuple[Inline, ...]:
    """Convert an inline node's children, merging adjacent text; bare web and e-mail
    addresses in the text become links (not inside a link: ``linkify=False``)."""
    out: list[Inline] = []
    comment = False
    for child in inline.children:
        if _is_comment(child):
            comment = True  # "tekst <!-- … --> meer": one space remains
            continue
        node = _inline(child, linkify)
        if node is None:
            continue
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            before = out[-1].text
            text = node.text.lstrip(" ") if comment and before.endswith(" ") else node.text
            out[-1] = Text(before + text)
        else:
            out.append(node)
        comment = False
    out = [Text(_SPACES.sub(" ", n.text)) if isinstance(n, Text) else n for n in out]
    if inline.type == "inline":  # a whole block's text: no space at its edges
        if out and isinstance(out[0], Text):
            out[0] = Text(out[0].text.lstrip(" "))
        if out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text.rstrip(" "))
        out = [n for n in out if not (isinstance(n, Text) and not n.text)]
    result: list[Inline] = []
    for n in out:
        if isinstance(n, Text):
            text = _ABBREVIATION_DOT.sub(r"\1", n.text)
            result.extend(_linkify(text) if linkify else (Text(text),))
        else:
            result.append(n)
    return tuple(result)


# Spaces as HTML shows them (and so the PDF): a run of them is one space, and a block's text
# has none at its edges. The DOCX gets the same text, so both formats say the same; a fact
# inserted with spaces around it (" Den Haag") does not keep them in one format only.
_SPACES = re.compile(r"[ \t]{2,}")


def _linkify(text: str) -> tuple[Inline, ...]:
    """``text`` with every bare web or e-mail address made a :class:`Link` showing it."""
    out: list[Inline] = []
    end = 0
    for match in _ADDRESS.finditer(text):
        address = _trim(match.group())
        if match.start() > end:
            out.append(Text(text[end:match.start()]))
        if match.group("mail"):
            target = f"mailto:{address}"
        elif match.group("web"):
            target = address
        else:
            target = f"https://{address}"
        out.append(Link((Text(address),), target))
        end = match.start() + len(address)
    if end < len(text):
        out.append(Text(text[end:]))
    return tuple(out) or (Text(text),)


def _trim(address: str) -> str:
    """An address without the punctuation that ends the sentence around it: ``(zie x.nl/a).``"""
    while address and address[-1] in ".,;:!?'\"’”)]":
        if address[-1] == ")" and address.count("(") >= address.count(")"):
            break  # a path's own parentheses: wiki/Foo_(bar)
        address = address[:-1]
    return address


def _inline(node: SyntaxTreeNode, linkify: bool = True) -> Inline | None:
    kind = node.type
    if kind == "text":
        return Text(node.content)
    if kind == "softbreak":
        return Text(" ")
    if kind == "hardbreak":
        return LineBreak()
    if kind == "code_inline":
        return Code(node.content)
    if kind == "em":
        return Emph(_inlines(node, linkify))
    if kind == "strong":
        return Strong(_inlines(node, linkify))
    if kind == "link":
        href = str(node.attrs.get("href", ""))
        if href.startswith(REF_SCHEME):
            return Ref(href[len(REF_SCHEME):])
        if _UNSAFE_LINK.match(href):
            raise TemplateError(
                f"link naar '{href}' kan niet in een Kamerbrief",
                hint="een link in een brief wijst naar een webadres (https://…) of e-mailadres (mailto:…)",
                kind="link", subject=href,
            )
        return Link(_inlines(node, linkify=False), href)
    if kind == "html_inline":
        raise _html_error(node)
    if kind == "footnote_ref":
        return NoteRef(node.meta.get("label") or f"_{node.meta['id']}")
    if kind == "image":
        src = str(node.attrs.get("src", ""))
        remote = "://" in src or src.startswith("//")
        raise TemplateError(
            f"afbeelding '{src}': afbeeldingen worden niet ondersteund in een Kamerbrief",
            line=_line(node),
            hint=(
                "briefing haalt niets van internet; voeg de afbeelding als bijlage toe" if remote
                else "voeg de afbeelding als bijlage toe"
            ),
            kind="image", subject=src,
        )
    raise TemplateError(f"onbekende opmaak '{kind}'", line=_line(node))
