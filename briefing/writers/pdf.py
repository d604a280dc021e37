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
import mimetypes
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from briefing import _compat
from briefing.errors import OutputError
from briefing.huisstijl import ASSETS, HouseStyle
from briefing.model import Letter
from briefing.writers.html import build_html, render_css, render_html

__all__ = ["render_html", "render_pdf", "supported_variants", "url_fetcher"]

DEFAULT_VARIANT = "pdf/ua-1"

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
    load_weasyprint()
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    _check_variant(variant)
    fetcher = url_fetcher(style, base_dir)
    html = build_html(letter, style)
    base_url = (base_dir.resolve() if base_dir else ASSETS).as_uri() + "/"
    # The file identifier is an MD5 of the content, so it is reproducible.
    options = {"pdf_variant": variant, "pdf_identifier": True}
    try:
        source = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        document = _layout(source, style, options)
        return document.write_pdf(**options)
    except FatalURLFetchingError as exc:
        # WeasyPrint wraps a refusal of our fetcher; hand the caller our own error.
        cause = exc.__cause__
        if isinstance(cause, OutputError):
            raise cause from None
        raise OutputError(f"PDF: bron niet te laden: {cause or exc}") from None


def _layout(source: Any, style: HouseStyle, options: dict[str, Any]) -> Any:
    """Lay the letter out, moving paragraphs until every footnote is on its call's page.

    WeasyPrint may move a footnote to the page after its call, to make room for the
    second line of a paragraph at the foot of the page (its orphans rule), or leave
    a note on the page before a call that moved on (upstream #2502, #1564;
    ``footnote-policy: line`` covers only the note's own line). After a layout we
    check every note; where one landed elsewhere, the paragraph at fault starts on
    a new page and the letter is laid out again. Most letters need one pass.
    """
    render = functools.partial(
        source.render, font_config=_font_config(), stylesheets=[_stylesheet(style)], **options
    )
    document = render()
    for _ in range(_MAX_FOOTNOTE_PASSES):
        moves = footnote_fixes(document, source.etree_element)
        if not moves:
            break
        for element in moves:
            element.set("style", "break-before: page")
        document = render()
    return document


_MAX_FOOTNOTE_PASSES = 8


def footnote_fixes(document: Any, root: Any) -> list[Any]:
    """Body blocks (children of ``.romp``) to start on a new page so that notes meet their calls.

    The laid-out boxes are WeasyPrint's internals (see :mod:`briefing._compat`): where
    they cannot be read, nothing is moved and WeasyPrint's placement stands.
    """
    classes = _compat.footnote_box_classes()
    pages = _compat.page_boxes(document)
    romp = next((el for el in root.iter() if el.get("class") == "romp"), None)
    if romp is None or classes is None or pages is None:
        return []
    Box, FootnoteAreaBox = classes
    blocks = {id(child) for child in romp}
    call_page: dict[str, int] = {}
    call_block: dict[str, Any] = {}
    note_page: dict[str, int] = {}
    first_block: dict[int, Any] = {}
    last_block: dict[int, Any] = {}

    def walk(box: Any, block: Any, in_notes: bool, page: int) -> None:
        element, tag, children = _compat.box_parts(box)
        if element is not None and id(element) in blocks and not in_notes:
            block = element
            first_block.setdefault(page, element)
            last_block[page] = element
        if isinstance(box, FootnoteAreaBox):
            in_notes = True
        if element is not None and element.get("class") == "voetnoot":
            if tag.endswith("::footnote-call"):
                call_page[element.get("data-n")] = page
                call_block[element.get("data-n")] = block
            elif in_notes and tag == element.tag:
                note_page[element.get("data-n")] = page
        for child in children:
            if isinstance(child, Box):
                walk(child, block, in_notes, page)

    for number, page_box in pages:
        walk(page_box, None, False, number)

    # Only the first misplaced note counts: a move changes every page after it.
    for n, page in sorted(call_page.items(), key=lambda item: item[1]):
        note = note_page.get(n)
        if note == page:
            continue
        # Deferred note: the block at the foot of the call's page pushed it out.
        # Missing or early note: the call's own block moved on without it.
        target = last_block.get(page) if note is not None and note > page else call_block.get(n)
        if target is None or target.get("style") or target is first_block.get(page):
            continue  # already moved, or nothing to gain: give up on this note
        return [target]
    return []


def supported_variants() -> tuple[str, ...]:
    """The PDF variants this WeasyPrint can write (``pdf/ua-1``, ``pdf/a-3b``, …)."""
    load_weasyprint()
    return _compat.pdf_variants()


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
