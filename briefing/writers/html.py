"""Model → HTML + CSS for the PDF writer.

The page skeleton (head, logo, colofon, address, signature) is the Jinja template
``templates/letter.html.j2``; the body is written by one small function per model
node, looked up in a dispatch table, so that a node type nobody handles raises
``TypeError`` instead of vanishing. The stylesheet ``templates/letter.css.j2`` is
rendered from the :class:`HouseStyle` values, so every size and distance comes from
the house style. Nothing here imports WeasyPrint.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from briefing import huisstijl
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
from briefing.writers import keep
from briefing.writers.tables import BREAK_EVERY, LONG_RUN, LONG_TABLE, column_widths

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    """The one Jinja environment for the writer's own templates (built once per process)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(mm=_mm, pt=_pt, css_string=css_string, css_url=css_url)
    return env


def render_html(letter: Letter, style: HouseStyle) -> str:
    """The letter as one standalone HTML document (stylesheet inlined)."""
    return build_html(letter, style, css=render_css(style))


def build_html(letter: Letter, style: HouseStyle, css: str | None = None) -> str:
    """The letter as HTML; without ``css`` the stylesheet is left to the caller."""
    meta = letter.meta
    writer = _BodyWriter({note.label: note for note in letter.footnotes}, style=style)
    title = f"{huisstijl.CONCEPT} – {meta.betreft}" if meta.concept else meta.betreft
    return environment().get_template("letter.html.j2").render(
        meta=meta,
        style=style,
        css=Markup(css) if css else None,
        title=title,
        logo_url=Path(style.logo).resolve().as_uri(),
        logo_alt=huisstijl.BEELDMERK_ALT,
        woordmerk=style.woordmerk or meta.afzender.organisatie,
        colofon=huisstijl.colofon(meta),
        website_url=_web_url(meta.afzender.website),
        colofon_later=huisstijl.colofon_later(meta),
        retouradres=huisstijl.retouradres(meta),
        bijlagen=huisstijl.bijlagen_regels(meta),
        signature_rows=[meta.ondertekenaars[i : i + 2] for i in range(0, len(meta.ondertekenaars), 2)],
        labels={"datum": huisstijl.DATUM_LABEL, "betreft": huisstijl.BETREFT_LABEL},
        concept=huisstijl.CONCEPT,
        body=writer.blocks(letter.blocks),
        parts=Markup("\n").join(writer.part(p) for p in letter.parts),
    )


def _web_url(website: str | None) -> str | None:
    """The colofon's website as a link target (``www.rijksoverheid.nl/bz`` → ``https://…``)."""
    if not website:
        return None
    return website if re.match(r"[a-z][a-z0-9+.-]*://", website, re.I) else f"https://{website}"


@functools.cache
def render_css(style: HouseStyle) -> str:
    """The stylesheet for ``style`` (cached: a style is frozen, hence hashable)."""
    fonts = [(Path(f).resolve().as_uri(), *_font_face_descriptors(f)) for f in style.font_pdf_files]
    return environment().get_template("letter.css.j2").render(
        s=style,
        font_faces=fonts,
        pagina=Markup(_pagina_content(huisstijl.PAGINA)),
        # Positions in the page's margin box: from the text area's top-left corner.
        logo_left=style.logo_left - style.margin_left,
        logo_top=-style.margin_top,
        woordmerk_left=style.woordmerk_left - style.margin_left,
        woordmerk_top=style.woordmerk_top - style.margin_top,
        woordmerk_width=style.woordmerk_width,
        colofon_shift=style.colofon_left - (style.page_width - style.margin_right),
    )


# --------------------------------------------------------------------------- the body


@dataclass
class _BodyWriter:
    """Writes body blocks and inlines; remembers which footnotes are already placed."""

    footnotes: dict[str, Footnote]
    placed: set[str] = field(default_factory=set)
    style: HouseStyle = field(default_factory=HouseStyle)

    def block(self, node: object) -> Markup:
        """HTML for one block node."""
        try:
            write = BLOCKS[type(node)]
        except KeyError:
            raise TypeError(f"PDF-writer: bloktype {type(node).__name__} wordt niet ondersteund") from None
        return write(self, node)

    def part(self, node: object) -> Markup:
        """HTML for one part of the document (the answers), after the letter."""
        try:
            write = PARTS[type(node)]
        except KeyError:
            raise TypeError(f"PDF-writer: deel {type(node).__name__} wordt niet ondersteund") from None
        return write(self, node)

    def blocks(self, nodes: tuple[object, ...]) -> Markup:
        """HTML for a run of blocks; an intro line ("… luiden:") is marked to keep with what follows."""
        intros = keep.intros(nodes)
        return Markup("\n").join(
            _paragraph(self, b, intro=True) if i in intros else self.block(b) for i, b in enumerate(nodes)
        )

    def inlines(self, nodes: tuple[object, ...]) -> Markup:
        """HTML for a run of inline nodes.

        A footnote call stays with the word before it: the word and the call go in one
        ``span.anker`` that is not broken across lines (else a line may end in "jl." and
        the next begin with "¹,").
        """
        out = []
        for i, node in enumerate(nodes):
            try:
                write = INLINES[type(node)]
            except KeyError:
                raise TypeError(
                    f"PDF-writer: inlinetype {type(node).__name__} wordt niet ondersteund"
                ) from None
            following = nodes[i + 1] if i + 1 < len(nodes) else None
            before = nodes[i - 1].text if i and isinstance(nodes[i - 1], Text) else ""
            if isinstance(node, NoteRef) and before and not before[-1].isspace():
                cut = max(before.rfind(space) for space in " \t\n\u00a0") + 1  # the last word
                out[-1] = Markup('{}<span class="anker">{}{}</span>').format(
                    escape(before[:cut]), escape(before[cut:]), write(self, node)
                )
            elif isinstance(node, Text) and isinstance(following, Link) and node.text.endswith(" "):
                # The space before a link is a box of its own. WeasyPrint measures a text box
                # with its trailing space when it fits a line: a line that ends just at that
                # space before a link is taken as too wide and broken after its first word
                # (upstream #1614; "Kennis" alone on a line, the rest on the next).
                out.append(Markup("{}<span> </span>").format(breakable(node.text[:-1])))
            else:
                out.append(write(self, node))
        return Markup("").join(out)


def _heading(w: _BodyWriter, h: Heading) -> Markup:
    text = plain_text(h.inlines)
    label = f"{h.number} {text}" if h.number else text
    number = Markup('<span class="nr">{}</span>').format(h.number) if h.number else Markup("")
    tag = f"h{min(max(h.level, 1), 6)}"
    ident = Markup(' id="{}"').format(h.id) if h.id else Markup("")
    cls = Markup(' class="genummerd"') if h.number else Markup("")
    # A compound's hyphen does not end a heading's line; the text keeps its plain "-".
    words = str(w.inlines(keep.unbreakable_hyphens(h.inlines)))
    words = Markup(_NOWRAP.sub(r'<span class="heel">\1</span>', words).replace(keep.NON_BREAKING_HYPHEN, "-"))
    return Markup('<{0}{1}{2} data-label="{3}">{4}{5}</{0}>').format(
        Markup(tag), ident, cls, label, number, words
    )


_NOWRAP = re.compile(r"([^\s<>]*\u2011[^\s<>]*)")


def _paragraph(w: _BodyWriter, p: Paragraph, intro: bool = False) -> Markup:
    cls = Markup(' class="inleiding"') if intro else Markup("")
    return Markup("<p{}>{}</p>").format(cls, w.inlines(p.inlines))


def _list(w: _BodyWriter, lst: ListBlock) -> Markup:
    items = Markup("").join(
        Markup("<li>{}</li>").format(Markup("").join(_item_blocks(w, item.blocks)))
        for item in lst.items
    )
    if lst.ordered:
        # The marker is a ::before with counter(list-item) (letter.css): WeasyPrint reads
        # ``start`` only as a presentational hint, which we do not enable, so say it in CSS.
        start = (
            Markup(' start="{0}" style="counter-reset: list-item {1}"').format(lst.start, lst.start - 1)
            if lst.start != 1
            else Markup("")
        )
        return Markup("<ol{}>{}</ol>").format(start, items)
    return Markup("<ul>{}</ul>").format(items)


def _item_blocks(w: _BodyWriter, blocks: tuple[object, ...]) -> list[Markup]:
    # The marker belongs to the item's first paragraph (letter.css). An item that opens
    # with another block gets an empty one, as the DOCX gives it its own marker line.
    first = [] if blocks and isinstance(blocks[0], Paragraph) else [Markup('<p class="item"></p>')]
    return [*first, *(_item_block(w, b) for b in blocks)]


def _item_block(w: _BodyWriter, block: object) -> Markup:
    # A list item's paragraph is set without paragraph spacing (a "tight" list).
    if isinstance(block, Paragraph):
        return Markup('<p class="item">{}</p>').format(w.inlines(block.inlines))
    return w.block(block)


def _table(w: _BodyWriter, t: Table) -> Markup:
    def cell(tag: str, inlines: tuple, i: int) -> Markup:
        align = t.align[i] if i < len(t.align) else None
        attr = Markup(' style="text-align: {}"').format(align) if align else Markup("")
        if align == "right":
            attr += Markup(' class="getal"')
        scope = Markup(' scope="col"') if tag == "th" else Markup("")
        return Markup("<{0}{1}{2}>{3}</{0}>").format(Markup(tag), scope, attr, w.inlines(inlines))

    head = Markup("").join(cell("th", c, i) for i, c in enumerate(t.header))
    rows = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(cell("td", c, i) for i, c in enumerate(row)))
        for row in t.rows
    )
    table, columns = Markup("<table>"), Markup("")
    if len(t.rows) > LONG_TABLE:  # the DOCX's column widths, fixed: linear time (see tables.py)
        widths = column_widths(t, w.style.text_width, w.style.body_size)
        table = Markup('<table style="table-layout: fixed; width: {:.2f}mm">').format(sum(widths))
        columns = Markup("<colgroup>{}</colgroup>").format(
            Markup("").join(Markup('<col style="width: {:.2f}mm">').format(width) for width in widths)
        )
    caption = Markup("<caption>{}</caption>").format(w.inlines(t.caption)) if t.caption else Markup("")
    body = Markup("<thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(head, rows)
    return table + caption + columns + body


def _blockquote(w: _BodyWriter, q: BlockQuote) -> Markup:
    return Markup("<blockquote>{}</blockquote>").format(w.blocks(q.blocks))


def _text(w: _BodyWriter, t: Text) -> Markup:
    return escape(breakable(t.text))


# A run of characters with nowhere to break (a long URL, a pasted hash) would run off the
# page: WeasyPrint does not break a word that does not fit. Such a run gets invisible break
# opportunities (U+200B) every BREAK_EVERY characters; CSS overflow-wrap: anywhere does the
# same but takes seconds per long word. Word and LibreOffice break it at the margin themselves.
_LONG_RUN = re.compile(rf"[^\s\u200b-]{{{LONG_RUN},}}")


def breakable(text: str) -> str:
    """``text`` with a zero-width break opportunity every ``BREAK_EVERY`` characters of a run
    of ``LONG_RUN`` or more without a space or hyphen."""
    if len(text) < LONG_RUN:
        return text
    return _LONG_RUN.sub(
        lambda m: "\u200b".join(m[0][i:i + BREAK_EVERY] for i in range(0, len(m[0]), BREAK_EVERY)), text
    )


def _emph(w: _BodyWriter, e: Emph) -> Markup:
    return Markup("<em>{}</em>").format(w.inlines(e.children))


def _strong(w: _BodyWriter, s: Strong) -> Markup:
    return Markup("<strong>{}</strong>").format(w.inlines(s.children))


def _code(w: _BodyWriter, c: Code) -> Markup:
    return Markup('<span class="code">{}</span>').format(breakable(c.text))


def _link(w: _BodyWriter, link: Link) -> Markup:
    cls = Markup(' class="webadres"') if keep.shows_address(link) else Markup("")
    return Markup('<a{} href="{}">{}</a>').format(cls, link.target, w.inlines(link.children))


def _linebreak(w: _BodyWriter, _: LineBreak) -> Markup:
    return Markup("<br>")


def _ref(w: _BodyWriter, ref: Ref) -> Markup:
    return Markup('<a class="ref" href="#{}">{}</a>').format(ref.target, ref.text)


def _noteref(w: _BodyWriter, ref: NoteRef) -> Markup:
    """The first call carries the note itself (``float: footnote``); later calls only its number."""
    note = w.footnotes.get(ref.label)
    number = ref.number if ref.number is not None else (note.number if note else None)
    if note is None or ref.label in w.placed:
        return Markup('<sup class="noot">{}</sup>').format(number if number is not None else "")
    w.placed.add(ref.label)
    lines = Markup("<br>").join(_note_lines(w, note.blocks))
    return Markup('<span class="voetnoot" data-n="{}">{}</span>').format(number, lines)


def _note_lines(w: _BodyWriter, blocks: tuple[object, ...]) -> list[Markup]:
    """A footnote lives inside its call's paragraph, so its blocks become lines (#1833)."""
    lines: list[Markup] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(w.inlines(block.inlines))
        elif isinstance(block, ListBlock):
            for n, item in enumerate(block.items, block.start):
                bullet = f"{n}." if block.ordered else "–"
                for i, line in enumerate(_note_lines(w, item.blocks)):
                    lines.append(Markup("{} {}").format(bullet, line) if i == 0 else line)
        else:
            raise TypeError(
                f"PDF-writer: bloktype {type(block).__name__} in een voetnoot wordt niet ondersteund"
            )
    return lines


def _answers(w: _BodyWriter, part: AnswersPart) -> Markup:
    """The answers part, from a new page: its title as a heading, then one section per
    answer, headed by the labels of its questions and its own label (DESIGN §4a)."""
    title = Markup('<h1 class="antwoorden-titel" data-label="{}">{}</h1>').format(
        plain_text(part.title), w.inlines(part.title)
    )
    sections = []
    for answer in part.answers:
        inner = []
        for question in answer.questions:
            inner.append(Markup('<h2 class="vraag-label" data-label="{0}">{0}</h2>').format(question.label))
            inner.append(Markup('<p class="vraag">{}</p>').format(w.inlines(question.inlines)))
        inner.append(Markup('<h2 class="antwoord-label">{}</h2>').format(answer.label))
        inner.extend(w.block(b) for b in answer.blocks)
        sections.append(Markup('<section class="antwoord">{}</section>').format(Markup("\n").join(inner)))
    return Markup('<section class="antwoorden">{}\n{}</section>').format(title, Markup("\n").join(sections))


PARTS: dict[type, Callable[[_BodyWriter, object], Markup]] = {
    AnswersPart: _answers,
}
BLOCKS: dict[type, Callable[[_BodyWriter, object], Markup]] = {
    Heading: _heading,
    Paragraph: _paragraph,
    ListBlock: _list,
    Table: _table,
    BlockQuote: _blockquote,
}
INLINES: dict[type, Callable[[_BodyWriter, object], Markup]] = {
    Text: _text,
    Emph: _emph,
    Strong: _strong,
    Code: _code,
    Link: _link,
    LineBreak: _linebreak,
    NoteRef: _noteref,
    Ref: _ref,
}

# --------------------------------------------------------------------------- CSS helpers


def _mm(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") + "mm"


def _pt(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") + "pt"


def css_string(value: str) -> Markup:
    """A CSS string literal (quotes and backslashes escaped, no raw newlines)."""
    escaped = re.sub(r'(["\\])', r"\\\1", value).replace("\n", "\\a ")
    return Markup(f'"{escaped}"')


def css_url(uri: str) -> Markup:
    """A CSS ``url("…")`` token."""
    return Markup("url(") + css_string(uri) + Markup(")")


def _pagina_content(template: str) -> str:
    """``Pagina {n} van {N}`` → ``"Pagina " counter(page) " van " counter(pages)``."""
    parts = []
    for piece in re.split(r"(\{n\}|\{N\})", template):
        if piece == "{n}":
            parts.append("counter(page)")
        elif piece == "{N}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(str(css_string(piece)))
    return " ".join(parts)


def _font_face_descriptors(path: str) -> tuple[str, str]:
    """Weight and style of a font file, guessed from its name (``…-BoldItalic.ttf``)."""
    name = Path(path).stem.lower()
    weight = "bold" if "bold" in name else "normal"
    italic = "italic" in name or "oblique" in name
    return weight, "italic" if italic else "normal"
