"""The preview's page images and the places of changed words, on the example's real PDF."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from conftest import copy_example
from PIL import Image, ImageChops

from briefing.build import build
from briefing.preview.pages import describe_pages, find_marks, ratio_for, render_colour, render_page

LETTER = "armenie-azerbeidzjan"
SENTENCE = ("Volgens de Armeense berichtgeving kostten de gevechten het leven aan 207 Armeense "
            "soldaten alsmede een aantal burgers.")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    project = copy_example(tmp_path_factory.mktemp("pages"))
    build([LETTER], project, formats=("pdf",), jobs=1)
    return (project / "output" / f"{LETTER}.pdf").read_bytes()


def test_pages_are_described_by_size_and_look(pdf: bytes) -> None:
    pages = describe_pages(pdf)
    assert [(p.width, p.height) for p in pages] == [(794, 1123)] * 3
    assert len({p.look for p in pages}) == 3  # three different pages
    assert describe_pages(pdf) == pages  # the same PDF, the same looks


@pytest.mark.parametrize(("ratio", "size"), [(1, (794, 1123)), (1.25, (1191, 1684)), (2, (1588, 2246))])
def test_a_page_is_drawn_at_the_screens_resolution(pdf: bytes, ratio: float, size: tuple[int, int]) -> None:
    image = Image.open(io.BytesIO(render_page(pdf, 1, ratio)))
    assert image.format == "PNG" and image.size == size
    with pytest.raises(IndexError):
        render_page(pdf, 3)
    assert ratio_for(0.5) == 1.0 and ratio_for(2.6) == 3.0 and ratio_for(8) == 3.0


@pytest.mark.parametrize("ratio", [1, 1.5, 2, 3])
def test_the_colour_part_lies_exactly_on_the_grey_page(pdf: bytes, ratio: float) -> None:
    pages = describe_pages(pdf)
    assert pages[0].colour is not None and pages[1].colour is None and pages[2].colour is None
    left, top, width, height = pages[0].colour
    grey = Image.open(io.BytesIO(render_page(pdf, 0, ratio)))
    colour = Image.open(io.BytesIO(render_colour(pdf, 0, pages[0].colour, ratio)))
    assert grey.mode == "L" and colour.mode == "RGB"
    assert colour.size == (round(width * ratio), round(height * ratio))
    # Laid over the grey page, the colour part is that part of the page drawn in colour, pixel for
    # pixel (up to a step of anti-aliasing: PDFium rounds an edge differently now and then).
    x, y = round(left * ratio), round(top * ratio)
    full = pdfium.PdfDocument(pdf)[0].render(scale=ratio * 96 / 72).to_pil().convert("RGB")
    part = full.crop((x, y, x + colour.width, y + colour.height))
    assert max(high for _, high in ImageChops.difference(part, colour.convert("RGB")).getextrema()) <= 2
    # …and outside it the page has no colour at all.
    red, green, blue = full.split()
    outside = ImageChops.add(ImageChops.difference(red, green), ImageChops.difference(green, blue))
    outside.paste(0, (x, y, x + colour.width, y + colour.height))
    assert outside.getbbox() is None


def test_an_added_figure_is_marked_where_it_is(pdf: bytes) -> None:
    at = SENTENCE.index("207")
    (mark,) = find_marks(pdf, [(SENTENCE, [(at, at + 3)])])
    assert mark.page == 0
    # The figure's three digits at 9 pt: about 15 pt wide, one line high (CSS pixels).
    assert 15 < mark.width < 30 and 10 < mark.height < 20
    # The whole sentence runs over two lines (a hyphenated "le-ven" joined for the search).
    lines = find_marks(pdf, [(SENTENCE, [(0, len(SENTENCE))])])
    assert len(lines) == 2 and lines[0].top < lines[1].top
    at = SENTENCE.index("leven")
    hyphenated = find_marks(pdf, [(SENTENCE, [(at, at + len("leven"))])])
    assert len(hyphenated) == 2  # "le‐" at the end of one line, "ven" at the start of the next


def test_words_found_in_several_places_or_nowhere_are_not_marked(pdf: bytes) -> None:
    assert find_marks(pdf, [("Armenië", [(0, 7)])]) == []  # everywhere in the letter: which one?
    assert find_marks(pdf, [("Een zwaluwstaart staat nergens.", [(4, 16)])]) == []
