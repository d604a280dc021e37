"""Model → PDF: the HTML of :mod:`briefing.writers.html` laid out by WeasyPrint.

WeasyPrint is imported inside :func:`render_pdf` only, so that importing this module
(and building a DOCX alone) stays cheap. What costs time is made once per process:
the parsed stylesheet per house style and the font configuration. Every resource
WeasyPrint asks for goes through :class:`_Fetcher`, which serves only the package's
assets, the house style's font and logo files and the project folder.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import functools
import itertools
import mimetypes
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from briefing import _compat, timing
from briefing.errors import OutputError
from briefing.huisstijl import ASSETS, HouseStyle
from briefing.model import Letter
from briefing.writers import pdf_tags
from briefing.writers.html import build_html, render_css, render_html

__all__ = ["page_count", "render_html", "render_pdf", "supported_variants", "url_fetcher"]

DEFAULT_VARIANT = "pdf/ua-1"
# Accessible and archival at once: laid out as the PDF/A variant, tagged and repaired
# like every variant, and its metadata declares PDF/UA-1 too (pdf_tags.declare_pdfua).
COMBINED_VARIANTS = {"pdf/ua-1+a-2b": "pdf/a-2b", "pdf/ua-1+a-3b": "pdf/a-3b"}

_lock = threading.Lock()


def render_pdf(
    letter: Letter,
    style: HouseStyle,
    variant: str | None = DEFAULT_VARIANT,
    base_dir: Path | None = None,
) -> bytes:
    """The letter as PDF bytes: tagged PDF/UA-1 by default, PDF/A on request, plain with None.

    ``base_dir`` is the project folder: files in it may be used as images. The same
    letter and style give byte-identical output.
    """
    with _laid_out(letter, style, variant, base_dir) as (document, options):
        if not options["pdf_tags"]:
            return document.write_pdf(**options)
        with pdf_tags.recording() as boxes:
            raw = document.write_pdf(**options)
        timing.mark("pdf-write")
        repaired = pdf_tags.repair(raw, boxes, declare_ua=variant in COMBINED_VARIANTS)
        timing.mark("pdf-tags")
        return repaired


def page_count(
    letter: Letter,
    style: HouseStyle,
    variant: str | None = DEFAULT_VARIANT,
    base_dir: Path | None = None,
) -> int:
    """How many pages :func:`render_pdf` gives the letter: laid out, nothing written
    (for a DOCX built without its PDF, whose NUMPAGES field stores the count)."""
    with _laid_out(letter, style, variant, base_dir) as (document, _):
        return len(document.pages)


@contextlib.contextmanager
def _laid_out(
    letter: Letter, style: HouseStyle, variant: str | None, base_dir: Path | None
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """The letter laid out by WeasyPrint and the options to write it with.

    A file WeasyPrint could not load, inside the block too, is our :class:`OutputError`.
    """
    load_weasyprint()
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    _check_variant(variant)
    fetcher = url_fetcher(style, base_dir)
    html = build_html(letter, style)
    base_url = (base_dir.resolve() if base_dir else ASSETS).as_uri() + "/"
    # The file identifier is an MD5 of the content, so it is reproducible. Every named
    # variant is tagged (WeasyPrint by itself tags only PDF/UA and PDF/A-…a).
    base = COMBINED_VARIANTS.get(variant or "", variant)
    options = {"pdf_variant": base, "pdf_identifier": True, "pdf_tags": variant is not None}
    try:
        source = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        document = _layout(source, style, options, base)
        timing.mark("pdf-layout")
        yield document, options
    except FatalURLFetchingError as exc:
        # WeasyPrint wraps a refusal of our fetcher; hand the caller our own error.
        cause = exc.__cause__
        if isinstance(cause, OutputError):
            raise cause from None
        raise OutputError(f"PDF: bron niet te laden: {cause or exc}") from None


def _layout(source: Any, style: HouseStyle, options: dict[str, Any], variant: str | None = None) -> Any:
    """Lay the letter out, then correct what a typist would not let through, and again.

    WeasyPrint may move a footnote to the page after its call, to make room for the
    second line of a paragraph at the foot of the page (its orphans rule), or leave
    a note on the page before a call that moved on (upstream #2502, #1564;
    ``footnote-policy: line`` covers only the note's own line). After a layout we
    check every note; where one landed elsewhere, the paragraph at fault starts on
    a new page — with the heading and intro line before it, which must not be left
    at the foot of the page — and the letter is laid out again.

    No page ends in a hyphenated word (WeasyPrint has no ``hyphenate-limit-last``):
    WeasyPrint sets a page's last line again without hyphenation as it breaks the page
    (:func:`briefing._compat.keep_page_end_words_whole`, no extra pass). Where that
    cannot be done (another WeasyPrint, or a page break WeasyPrint moved back later),
    the paragraph is set without hyphenation in a further pass, with any footnote moves.
    Most letters need one pass.
    """
    _compat.keep_page_end_words_whole()
    stylesheets = [_stylesheet(style), *_variant_stylesheets(style, variant)]
    render = functools.partial(source.render, font_config=_font_config(), stylesheets=stylesheets, **options)
    document = render()
    for _ in range(_MAX_PASSES):
        scan = _scan(document, source.etree_element)
        moves, unhyphenate = _footnote_fixes(scan), _hyphen_fixes(scan)
        if not moves and not unhyphenate:
            break
        for element in moves:
            _add_style(element, _PAGE_BREAK)
        for element in unhyphenate:
            _add_style(element, _NO_HYPHENS)
        document = render()
    return document


_MAX_PASSES = 8
_PAGE_BREAK = "break-before: page"
_NO_HYPHENS = "hyphens: manual"
_HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character: only its own hyphenation prints it
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))


def _add_style(element: Any, declaration: str) -> None:
    style = element.get("style")
    element.set("style", f"{style}; {declaration}" if style else declaration)


def _has_style(element: Any, declaration: str) -> bool:
    return declaration in (element.get("style") or "")


@dataclass
class _Scan:
    """Where things landed: footnote calls and notes, the body's blocks, each page's last line."""

    call_page: dict[str, int] = field(default_factory=dict)
    call_block: dict[str, Any] = field(default_factory=dict)
    note_page: dict[str, int] = field(default_factory=dict)
    first_block: dict[int, Any] = field(default_factory=dict)
    last_block: dict[int, Any] = field(default_factory=dict)
    last_line: dict[int, Any] = field(default_factory=dict)  # page → its last body line box
    previous: dict[int, Any] = field(default_factory=dict)  # id(body block) → the block before it


def _scan(document: Any, root: Any) -> _Scan:
    """One walk over the laid-out pages (the blocks of the letter's body, ``.romp``, and of
    each answer of an answers part, ``.antwoord``).

    The laid-out boxes are WeasyPrint's internals (see :mod:`briefing._compat`): where
    they cannot be read, the scan is empty, nothing is moved and WeasyPrint's placement stands.
    """
    scan = _Scan()
    classes = _compat.footnote_box_classes()
    lines = _compat.line_box_class()
    pages = _compat.page_boxes(document)
    # The letter's body and each answer of an answers part hold the blocks that can move.
    containers = [el for el in root.iter() if el.get("class") in ("romp", "antwoord")]
    if not containers or classes is None or pages is None:
        return scan
    Box, FootnoteAreaBox = classes
    blocks = set()
    for container in containers:
        children = list(container)
        blocks |= {id(child) for child in children}
        scan.previous.update({id(b): a for a, b in itertools.pairwise(children)})

    def walk(box: Any, block: Any, in_notes: bool, page: int) -> None:
        element, tag, children = _compat.box_parts(box)
        if element is not None and id(element) in blocks and not in_notes:
            block = element
            scan.first_block.setdefault(page, element)
            scan.last_block[page] = element
        if isinstance(box, FootnoteAreaBox):
            in_notes = True
        if lines is not None and isinstance(box, lines) and block is not None and not in_notes:
            scan.last_line[page] = box
        if element is not None and element.get("class") == "voetnoot":
            if tag.endswith("::footnote-call"):
                scan.call_page[element.get("data-n")] = page
                scan.call_block[element.get("data-n")] = block
            elif in_notes and tag == element.tag:
                scan.note_page[element.get("data-n")] = page
        for child in children:
            if isinstance(child, Box):
                walk(child, block, in_notes, page)

    for number, page_box in pages:
        walk(page_box, None, False, number)
    return scan


def footnote_fixes(document: Any, root: Any) -> list[Any]:
    """Body blocks (children of ``.romp``) to start on a new page so that notes meet their calls."""
    return _footnote_fixes(_scan(document, root))


def _footnote_fixes(scan: _Scan) -> list[Any]:
    # Only the first misplaced note counts: a move changes every page after it.
    for n, page in sorted(scan.call_page.items(), key=lambda item: item[1]):
        note = scan.note_page.get(n)
        if note == page:
            continue
        # Deferred note: the block at the foot of the call's page pushed it out.
        # Missing or early note: the call's own block moved on without it.
        target = scan.last_block.get(page) if note is not None and note > page else scan.call_block.get(n)
        if target is None:
            continue
        # A heading and an intro line go along with the block they belong to.
        while (before := scan.previous.get(id(target))) is not None and (
            before.tag in _HEADINGS or before.get("class") == "inleiding"
        ):
            target = before
        if _has_style(target, _PAGE_BREAK) or target is scan.first_block.get(page):
            continue  # already moved, or nothing to gain: give up on this note
        return [target]
    return []


def _hyphen_fixes(scan: _Scan) -> list[Any]:
    """Paragraphs whose hyphenated word ends a page: they are set without hyphenation."""

    def last_text(box: Any) -> str:
        text = _compat.box_text(box)
        if text is not None:
            return text
        for child in reversed(_compat.box_parts(box)[2]):
            if text := last_text(child).rstrip():
                return text
        return ""

    fixes = []
    # (A paragraph's own last line is never hyphenated: only a line that runs on can be.)
    for _, line in sorted(scan.last_line.items()):
        element = _compat.box_parts(line)[0]
        if element is not None and last_text(line).endswith(_HYPHEN) and not _has_style(element, _NO_HYPHENS):
            fixes.append(element)
    return fixes


def supported_variants() -> tuple[str, ...]:
    """The PDF variants this WeasyPrint can write (``pdf/ua-1``, ``pdf/a-3b``, …, ``pdf/ua-1+a-2b``)."""
    load_weasyprint()
    base = _compat.pdf_variants()
    combined = (name for name, variant in COMBINED_VARIANTS.items() if variant in base)
    return tuple(sorted([*base, *combined]))


def _check_variant(variant: str | None) -> None:
    if variant is not None and variant not in supported_variants():
        raise ValueError(
            f"onbekende PDF-variant {variant!r}; ondersteund: {', '.join(supported_variants())}"
        )


# --------------------------------------------------------------------------- loading WeasyPrint


def load_weasyprint() -> None:
    """Import WeasyPrint (once per process; about a second, the bulk of a first PDF).

    On Linux its C libraries are looked up quickly (see :func:`_quick_library_lookup`).
    """
    if "weasyprint" in sys.modules:
        return
    with _quick_library_lookup():
        import weasyprint  # noqa: F401


@contextlib.contextmanager
def _quick_library_lookup() -> Iterator[None]:
    """While WeasyPrint loads Pango, HarfBuzz and fontconfig: find libraries without gcc.

    WeasyPrint tries several names per library, Windows ones first
    (``libpango-1.0-0``, ``pango-1.0-0``, ``pango-1.0``, ``libpango-1.0.so.0``, …), and
    cffi hands each name it cannot open to :func:`ctypes.util.find_library`. On Linux
    that asks ``ldconfig -p`` and, for a name not there, runs gcc and ld: ≈ 15 ms per
    miss, ≈ 0.2 s of every cold PDF. Here only the linker cache is asked (as
    ``find_library`` does first); a library not in it is still opened by its file name
    (``libpango-1.0.so.0``), which WeasyPrint tries too and which needs no lookup.
    """
    ldconfig_only = _compat.ldconfig_lookup()
    if ldconfig_only is None:
        yield
        return
    original = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        try:
            return ldconfig_only(name)
        except Exception:  # an unusual system (no ldconfig): ask as before
            return original(name)

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


# --------------------------------------------------------------------------- caches


@functools.cache
def _font_config() -> Any:
    """One FontConfiguration per process: @font-face files are registered once."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _stylesheet(style: HouseStyle) -> Any:
    """The parsed stylesheet of ``style``, parsed once per process."""
    with _lock:
        return _parsed_stylesheet(style)


def _variant_stylesheets(style: HouseStyle, variant: str | None) -> list[Any]:
    """Extra rules for a variant: PDF/A-1 forbids transparency, so no gradient for the rule."""
    if variant is None or not variant.startswith("pdf/a-1"):
        return []
    with _lock:
        return [_parsed_pdfa1_stylesheet(style)]


@functools.cache
def _parsed_pdfa1_stylesheet(style: HouseStyle) -> Any:
    from weasyprint import CSS

    return CSS(string=PDFA1_CSS, font_config=_font_config())


# A background image is drawn in a transparency group (and the gradient's transparent
# end as a soft mask): PDF/A-1 allows neither. Its footnote rule is a plain border.
PDFA1_CSS = """
@page { @footnote { background-image: none; border-top: 0.5pt solid #000; } }
"""


@functools.cache
def _parsed_stylesheet(style: HouseStyle) -> Any:
    from weasyprint import CSS

    return CSS(
        string=render_css(style),
        base_url=ASSETS.as_uri() + "/",
        url_fetcher=url_fetcher(style, None),
        font_config=_font_config(),
    )


# --------------------------------------------------------------------------- fetcher


def url_fetcher(style: HouseStyle, base_dir: Path | None) -> Any:
    """A WeasyPrint URL fetcher that serves only local files the letter may use.

    Allowed: ``file:`` URLs inside the package's assets folder or ``base_dir``, and
    the house style's logo and font files. Anything else (the network, other files)
    raises :class:`OutputError`, which :func:`render_pdf` passes on to the caller.
    """
    folders = [ASSETS.resolve()]
    if base_dir is not None:
        folders.append(Path(base_dir).resolve())
    files = {Path(f).resolve() for f in (style.logo, style.logo_png, *style.font_pdf_files)}
    return _fetcher_class()(tuple(folders), frozenset(files))


@functools.cache
def _fetcher_class() -> type:
    from urllib.request import url2pathname

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _Fetcher(URLFetcher):
        """Serves allowed local files; refuses everything else with a Dutch message."""

        def __init__(self, folders: tuple[Path, ...], files: frozenset[Path]) -> None:
            # fail_on_errors: a refused or missing file stops the build instead of a warning.
            super().__init__(fail_on_errors=True, allowed_protocols=("file",))
            self.folders = folders
            self.files = files

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = self.allowed_path(url)
            try:
                body = path.read_bytes()
            except OSError as exc:
                raise OutputError(f"PDF: bestand {path} niet te lezen: {exc.strerror}") from None
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": mime})

        def allowed_path(self, url: str) -> Path:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise OutputError(
                    f"PDF: '{_short(url)}' geweigerd: alleen lokale bestanden uit de "
                    "huisstijl of de projectmap mogen in een brief worden gebruikt"
                )
            path = Path(url2pathname(parts.path)).resolve()
            if path in self.files or any(path.is_relative_to(folder) for folder in self.folders):
                return path
            raise OutputError(
                f"PDF: bestand {path} geweigerd: het ligt buiten de projectmap en de huisstijl"
            )

    return _Fetcher


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:77] + "…"
