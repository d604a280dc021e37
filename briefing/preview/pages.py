"""A built PDF's pages as PNG images for the screen, rendered with PDFium (``pypdfium2``).

A page is drawn at the screen's resolution: one CSS pixel is 1/96 inch, a PDF point
1/72, so a page shown at its natural size on a screen with ``ratio`` device pixels per
CSS pixel is drawn at ``ratio · 96/72`` pixels per point (sharp on a high-DPI screen).
A page without colour (a Kamerbrief's later pages: black text) is drawn in grey,
which takes about a quarter of the time of a colour page and a third of its bytes.
PDFium is not thread-safe: every call holds one lock.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import pypdfium2 as pdfium

__all__ = ["PageSize", "page_sizes", "render_page"]

CSS_PX_PER_PT = 96 / 72
RATIOS = (1.0, 1.5, 2.0, 3.0)  # device pixel ratios drawn; a screen's is rounded up to one of these
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class PageSize:
    """A page's size in CSS pixels, as the page shows it."""

    width: int
    height: int


def page_sizes(pdf: bytes) -> list[PageSize]:
    """The size of every page of ``pdf``."""
    with _lock:
        document = pdfium.PdfDocument(pdf)
        try:
            sizes = []
            for index in range(len(document)):
                width, height = document[index].get_size()
                sizes.append(PageSize(round(width * CSS_PX_PER_PT), round(height * CSS_PX_PER_PT)))
            return sizes
        finally:
            document.close()


def ratio_for(requested: float) -> float:
    """The drawn ratio for a screen's ``devicePixelRatio``: the smallest of :data:`RATIOS`
    that is at least as fine (at most the finest), so a few sizes cover every screen."""
    for ratio in RATIOS:
        if requested <= ratio + 0.01:
            return ratio
    return RATIOS[-1]


def render_page(pdf: bytes, index: int, ratio: float = 1.0) -> bytes:
    """Page ``index`` (from 0) of ``pdf`` as a PNG for a screen of device pixel ratio ``ratio``.

    Raises ``IndexError`` for a page the PDF does not have."""
    from PIL import ImageChops

    scale = ratio_for(ratio) * CSS_PX_PER_PT
    with _lock:
        document = pdfium.PdfDocument(pdf)
        try:
            if not 0 <= index < len(document):
                raise IndexError(index)
            page = document[index]
            # A quick look at a small copy tells whether the page has colour at all.
            thumb = page.render(scale=0.3).to_pil()
            red, green, blue = thumb.convert("RGB").split()
            coloured = bool(
                ImageChops.difference(red, green).getbbox() or ImageChops.difference(green, blue).getbbox()
            )
            image = page.render(scale=scale, grayscale=not coloured).to_pil()
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)  # fast: the page goes over loopback, not the internet
    return out.getvalue()
