"""The PDF writer, checked the way a reader would: the text per page, the metadata,
the tags, the outline and the fonts of real PDFs (pypdf and poppler as clients)."""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest
from conftest import sample_letter, sample_meta

from briefing.errors import OutputError
from briefing.huisstijl import HouseStyle
from briefing.model import Footnote, Heading, Letter, NoteRef, Ondertekenaar, Paragraph, Text
from briefing.writers.pdf import render_html, render_pdf, supported_variants, url_fetcher

FIXTURES = Path(__file__).parent.parent / "fixtures" / "pdf"
STYLE = HouseStyle()


# --------------------------------------------------------------------------- helpers


def pages_text(pdf: bytes) -> list[list[str]]:
    """Each page's text lines, spaces normalised (pypdf: content order)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [
        [" ".join(line.split()) for line in page.extract_text().splitlines() if line.strip()]
        for page in reader.pages
    ]


def expected_pages(path: Path) -> list[list[str]]:
    """A fixture of expected lines, one ``# pagina n`` header per page."""
    pages: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# pagina"):
            pages.append([])
        elif line.strip() and not line.startswith("#"):
            pages[-1].append(line.strip())
    return pages


def struct_types(reader: pypdf.PdfReader) -> list[str]:
    """The /S of every element of the structure tree."""
    out: list[str] = []
    stack = [reader.trailer["/Root"]["/StructTreeRoot"].get_object()]
    while stack:
        node = stack.pop()
        if "/S" in node:
            out.append(str(node["/S"]))
        kids = node.get("/K")
        kids = kids if isinstance(kids, list) else [kids] if kids is not None else []
        for kid in kids:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                stack.append(kid)
    return out


def outline_titles(items: list) -> list[str]:
    titles: list[str] = []
    for item in items:
        titles.extend(outline_titles(item) if isinstance(item, list) else [item.title])
    return titles


WORDS = (
    "de", "Kamer", "het", "kabinet", "stelt", "dat", "de", "gevechten", "tussen", "beide", "landen",
    "opnieuw", "zijn", "opgelaaid", "en", "dat", "Nederland", "het", "bemiddelingsproces", "van",
    "de", "Europese", "Unie", "steunt",
)


def long_letter(seed: int, paragraphs: int = 60, every: int = 3) -> Letter:
    """Paragraphs of random length with a note call every few paragraphs.

    The word before call k is ``#k#``, so a call is found on its page whatever the
    line breaks; note k's text starts with ``Voetnoottekst k:``.
    """
    rnd = random.Random(seed)
    blocks: list = []
    notes: list[Footnote] = []
    for i in range(paragraphs):
        words = [rnd.choice(WORDS) for _ in range(rnd.randint(8, 90))]
        half = len(words) // 2
        inlines: list = [Text(" ".join(words[:half]) + " ")]
        if i % every == every - 1:
            k = len(notes) + 1
            inlines += [Text(f"#{k}#"), NoteRef(f"n{k}", k)]
            more = " en verder" * rnd.randint(0, 12)
            text = f"Voetnoottekst {k}: Kamerstuk 21 501-02, nr. {2500 + k}{more}"
            notes.append(Footnote(f"n{k}", (Paragraph((Text(text),)),), k))
        inlines.append(Text(" " + " ".join(words[half:]) + "."))
        blocks.append(Paragraph(tuple(inlines)))
        if i % 15 == 14:
            blocks.append(Heading(1, (Text(f"Onderwerp {i}"),), id=f"k{i}", number=str(i // 15 + 1)))
    return replace(sample_letter(), blocks=tuple(blocks), footnotes=tuple(notes))


def misplaced_notes(pdf: bytes, count: int) -> list[tuple[int, list[int], list[int]]]:
    """(note, pages of its call, pages of its text) for every note not on its call's page."""
    texts = ["\n".join(lines) for lines in pages_text(pdf)]
    bad = []
    for k in range(1, count + 1):
        calls = [i + 1 for i, t in enumerate(texts) if f"#{k}#{k}" in t]
        notes = [i + 1 for i, t in enumerate(texts) if re.search(rf"^{k} Voetnoottekst {k}:", t, re.M)]
        if calls != notes or len(calls) != 1:
            bad.append((k, calls, notes))
    return bad


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return render_pdf(sample_letter(), STYLE)


# --------------------------------------------------------------------------- text and layout


def test_sample_letter_text_page_by_page(sample_pdf: bytes) -> None:
    got = pages_text(sample_pdf)
    want = expected_pages(FIXTURES / "sample-letter.txt")
    assert len(got) == len(want)
    for number, (lines, expected) in enumerate(zip(got, want, strict=True), 1):
        position = 0
        for line in expected:
            hits = [i for i in range(position, len(lines)) if lines[i].startswith(line)]
            assert hits, f"pagina {number}: {line!r} ontbreekt (of staat niet op volgorde) in {lines}"
            position = hits[0] + 1


def test_footnotes_and_references_on_page_of_call(sample_pdf: bytes) -> None:
    page1 = "\n".join(pages_text(sample_pdf)[0])
    assert "plaats1." in page1 and "soldaten2." in page1  # the calls
    assert "\n1 Kamerstuk 21 501-02, nr. 2540" in page1
    assert "\n2 Armeense berichtgeving, 15 september 2022" in page1
    assert "paragraaf 2 en paragraaf ‘Bijlage’" in page1


@pytest.mark.parametrize("seed", [1, 3, 4])
def test_long_letter_keeps_every_footnote_on_the_page_of_its_call(seed: int) -> None:
    # Seeds where plain WeasyPrint 70 moves a note to the next page (#2502, #1564).
    letter = long_letter(seed)
    pdf = render_pdf(letter, STYLE, variant=None)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) >= 8
    assert misplaced_notes(pdf, len(letter.footnotes)) == []


def test_later_pages_repeat_short_colofon_with_page_numbers() -> None:
    pdf = render_pdf(long_letter(2, paragraphs=20, every=50), STYLE, variant=None)
    pages = pages_text(pdf)
    total = len(pages)
    assert total >= 3
    assert f"Pagina 1 van {total}" in pages[0] and "Bezoekadres" in pages[0]
    for n, lines in enumerate(pages[1:], 2):
        assert lines[-4:] == ["Zaken", "Ons kenmerk", "BZ2213517", f"Pagina {n} van {total}"]
        assert "Bezoekadres" not in lines and "Uw kenmerk" not in lines


@pytest.mark.parametrize("count", [1, 2, 3])
def test_signatories_side_by_side_in_rows_of_two(count: int) -> None:
    people = tuple(Ondertekenaar(f"De minister {i},", f"Naam{i}") for i in range(1, count + 1))
    letter = replace(sample_letter(), meta=sample_meta(ondertekenaars=people, bijlagen=()))
    pdf = render_pdf(letter, STYLE, variant=None)
    layout = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    rows = [line.split() for line in layout.splitlines() if "Naam" in line]
    assert [[w for w in row if w.startswith("Naam")] for row in rows] == (
        [["Naam1"]] if count == 1 else [["Naam1", "Naam2"]] + ([["Naam3"]] if count == 3 else [])
    )


def test_draft_marks_every_page_and_title() -> None:
    letter = replace(long_letter(5, paragraphs=12, every=50), meta=sample_meta(concept=True))
    pdf = render_pdf(letter, STYLE, variant=None)
    pages = pages_text(pdf)
    assert len(pages) >= 2
    assert all("CONCEPT" in lines for lines in pages)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "CONCEPT – Verslag bezoek ambassadeur aan Armeens grensgebied"
    assert "CONCEPT" not in "\n".join(pages_text(render_pdf(sample_letter(), STYLE, variant=None))[0])


# --------------------------------------------------------------------------- PDF structure


def test_metadata_language_tags_and_outline(sample_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(sample_pdf))
    info = reader.metadata
    assert info.title == "Verslag bezoek ambassadeur aan Armeens grensgebied"
    assert info.author == "Ministerie van Buitenlandse Zaken"
    assert info["/CreationDate"].startswith("D:20221209")
    assert info["/ModDate"].startswith("D:20221209")
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "nl-NL"
    assert catalog["/MarkInfo"]["/Marked"]
    types = struct_types(reader)
    assert types.count("/H1") == 3 and types.count("/H2") == 1
    assert outline_titles(reader.outline) == [
        "1 Stand van zaken", "1.1 Slachtoffers", "2 Vervolg vredesbesprekingen", "Bijlage"
    ]
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfuaid:part="1"' in xmp


def test_links_external_and_internal(sample_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(sample_pdf))
    annots = [a.get_object() for a in reader.pages[0]["/Annots"]]
    # The body's link, and the colofon's website (a link since issue 11).
    uris = {a["/A"]["/URI"] for a in annots if "/A" in a}
    assert uris == {"https://www.rijksoverheid.nl", "https://www.rijksoverheid.nl/bz"}
    named = {str(a["/Dest"]) for a in annots if isinstance(a.get("/Dest"), pypdf.generic.TextStringObject)}
    assert named == {"vervolg", "bijlage"}
    # Each footnote call links to its note (an explicit destination on the note's page).
    calls = [a for a in annots if str(a.get("/Contents", "")).startswith("Voetnoot")]
    assert sorted(str(a["/Contents"]) for a in calls) == ["Voetnoot 1", "Voetnoot 2"]
    assert {"stand", "slachtoffers", "vervolg", "bijlage"} <= set(reader.named_destinations)


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils ontbreekt")
def test_all_fonts_embedded(sample_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "brief.pdf"
    path.write_bytes(sample_pdf)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    fonts = rows.stdout.splitlines()[2:]
    names = [row.split()[0] for row in fonts]
    assert any("DejaVu-Sans" in n for n in names) and any("DejaVu-Serif" in n for n in names)
    # Columns: name type encoding emb sub uni object ID; "emb" is the 4th from the right.
    assert all(row.split()[-5] == "yes" for row in fonts), rows.stdout


def test_font_files_of_the_house_style_are_declared_and_embedded() -> None:
    folder = Path("/usr/share/fonts/truetype/dejavu")
    files = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
    if not all((folder / f).exists() for f in files):
        pytest.skip("DejaVu-bestanden niet gevonden")
    style = replace(STYLE, font_pdf="Briefletter", font_pdf_files=tuple(str(folder / f) for f in files))
    pdf = render_pdf(sample_letter(), style, variant=None)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    # The PDF names the fonts after the @font-face family: the files were used.
    assert {"Briefletter", "Briefletter-Bold"} <= {f.split("+")[-1] for f in fonts}, fonts


@pytest.mark.parametrize(("variant", "part", "conformance"), [("pdf/a-3b", "3", "B"), ("pdf/a-3a", "3", "A")])
def test_pdfa_variant_identifies_itself(variant: str, part: str, conformance: str) -> None:
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(sample_letter(), STYLE, variant=variant)))
    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert f'pdfaid:part="{part}"' in xmp and f'pdfaid:conformance="{conformance}"' in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_plain_variant_is_untagged() -> None:
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(sample_letter(), STYLE, variant=None)))
    assert "/StructTreeRoot" not in reader.trailer["/Root"]
    assert reader.metadata.title == "Verslag bezoek ambassadeur aan Armeens grensgebied"


def test_unknown_variant_names_the_supported_ones() -> None:
    assert {"pdf/ua-1", "pdf/a-3b", "pdf/a-3a"} <= set(supported_variants())
    with pytest.raises(ValueError, match=r"pdf/z.*pdf/a-3b.*pdf/ua-1"):
        render_pdf(sample_letter(), STYLE, variant="pdf/z")


def test_same_letter_gives_identical_bytes(sample_pdf: bytes) -> None:
    assert render_pdf(sample_letter(), STYLE) == sample_pdf
    assert render_pdf(sample_letter(), STYLE, variant="pdf/a-3b") == render_pdf(
        sample_letter(), STYLE, variant="pdf/a-3b"
    )


# --------------------------------------------------------------------------- HTML and model


def test_html_is_escaped_dutch_and_titled() -> None:
    letter = replace(sample_letter(), meta=sample_meta(betreft="A & B <script>"))
    html = render_html(letter, STYLE)
    assert '<html lang="nl-NL">' in html
    assert "<title>A &amp; B &lt;script&gt;</title>" in html
    assert "<script>" not in html
    assert '<h1 id="vervolg" class="genummerd" data-label="2 Vervolg vredesbesprekingen">' in html
    assert '<a class="ref" href="#vervolg">paragraaf 2</a>' in html
    assert '<meta name="dcterms.created" content="2022-12-09">' in html


def test_second_call_of_a_note_repeats_its_number_only() -> None:
    letter = sample_letter()
    again = Paragraph((Text("Nogmaals"), NoteRef("1", 1), Text(".")))
    letter = replace(letter, blocks=(*letter.blocks, again))
    html = render_html(letter, STYLE)
    assert html.count("Kamerstuk 21 501-02, nr. 2540") == 1
    assert '<span class="anker">Nogmaals<sup class="noot">1</sup></span>.' in html  # kept with its word


def test_unknown_node_type_raises_type_error() -> None:
    class Kader:  # a block the writer does not know
        pass

    letter = replace(sample_letter(), blocks=(Kader(),))
    with pytest.raises(TypeError, match="Kader"):
        render_html(letter, STYLE)


def test_importing_the_writer_does_not_import_weasyprint() -> None:
    code = "import sys, briefing.writers.pdf; print('weasyprint' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- URL fetcher


def test_fetcher_serves_house_style_and_project_files(tmp_path: Path) -> None:
    (tmp_path / "kaart.png").write_bytes(b"\x89PNG")
    fetch = url_fetcher(STYLE, tmp_path)
    assert fetch(Path(STYLE.logo).as_uri()).read().startswith(b"<svg")
    assert fetch((tmp_path / "kaart.png").as_uri()).read() == b"\x89PNG"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/logo.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "data:text/css,body{}",
    ],
)
def test_fetcher_refuses_network_and_other_files(url: str, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="geweigerd"):
        url_fetcher(STYLE, tmp_path)(url)


def test_fetcher_refuses_escape_from_project_folder(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "geheim.txt").write_text("x")
    (project / "link.txt").symlink_to(tmp_path / "geheim.txt")
    fetch = url_fetcher(STYLE, project)
    for url in (project.as_uri() + "/../geheim.txt", (project / "link.txt").as_uri()):
        with pytest.raises(OutputError, match="buiten de projectmap"):
            fetch(url)


def test_refusal_inside_weasyprint_stops_the_render(tmp_path: Path) -> None:
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    html = '<p>x</p><img src="https://example.org/volg.png"><link rel="stylesheet" href="file:///etc/x.css">'
    with pytest.raises(FatalURLFetchingError) as caught:
        HTML(string=html, url_fetcher=url_fetcher(STYLE, tmp_path)).write_pdf()
    assert isinstance(caught.value.__cause__, OutputError)


def test_missing_house_style_file_is_an_output_error(tmp_path: Path) -> None:
    style = replace(STYLE, font_pdf_files=(str(tmp_path / "weg.ttf"),))
    with pytest.raises(OutputError, match=r"weg\.ttf"):
        render_pdf(sample_letter(), style, variant=None)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the quick lookup is for Linux")
def test_weasyprint_loads_its_libraries_from_the_linker_cache_alone(monkeypatch) -> None:
    """While WeasyPrint loads, a library name not in the linker cache is not looked for
    with gcc and ld (≈ 15 ms each, over a dozen names); afterwards all is as before."""
    import ctypes.util

    from briefing.writers import pdf

    def slow(name: str) -> str | None:
        raise AssertionError(f"gcc/ld asked for {name}")

    monkeypatch.setattr(ctypes.util, "_findLib_gcc", slow)
    monkeypatch.setattr(ctypes.util, "_findLib_ld", slow)
    before = ctypes.util.find_library
    with pdf._quick_library_lookup():
        assert ctypes.util.find_library("libpango-1.0-0") is None  # WeasyPrint's Windows name
        assert ctypes.util.find_library("c") == "libc.so.6"  # in the linker cache: found
    assert ctypes.util.find_library is before
