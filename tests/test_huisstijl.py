"""``briefing.toml`` overrides the house style, and both writers follow it.

A project points ``[huisstijl]`` at its own logo files (the real emblem may only be
used by government bodies, so the package ships a stand-in) and changes the DOCX
font and the body size; the DOCX and the PDF built from it must show all of that.
A key the house style does not know is an input error naming ``briefing.toml``.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt
from lxml import etree
from PIL import Image
from pypdf import PdfReader

from briefing import huisstijl
from briefing.build import build, check, prepare
from briefing.errors import FactsError
from briefing.writers.html import render_css, render_html

ROOT = Path(__file__).resolve().parent.parent
LETTER = "armenie-azerbeidzjan"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Two logos of their own size and colour, so each can be told apart from the stand-in.
PDF_LOGO = ("huisstijl/beeldmerk-pdf.png", (40, 80), (200, 30, 30))
DOCX_LOGO = ("huisstijl/beeldmerk-docx.png", (30, 60), (30, 160, 30))

SETTINGS = f"""\
[huisstijl]
logo = "{PDF_LOGO[0]}"
logo_png = "{DOCX_LOGO[0]}"
font_docx = "Arial"
body_size = 10
body_leading = 15.0
"""


def new_project(root: Path, settings: str | None) -> Path:
    """A project with the default example letter and, if given, a ``briefing.toml``."""
    (root / "facts").mkdir(parents=True)
    for name in (f"{LETTER}.yaml", "_personen.yaml", "_armenie.yaml"):
        shutil.copy(ROOT / "facts" / name, root / "facts" / name)
    shutil.copytree(ROOT / "templates", root / "templates")
    if settings is not None:
        (root / "briefing.toml").write_text(settings, encoding="utf-8")
    return root


def write_logo(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with its own logos and a changed font and body size, built once."""
    root = new_project(tmp_path_factory.mktemp("huisstijl"), SETTINGS)
    for relative, size, colour in (PDF_LOGO, DOCX_LOGO):
        write_logo(root / relative, size, colour)
    build([LETTER], project=root)
    return root


# --------------------------------------------------------------------------- loading


def test_settings_are_read_and_paths_resolved_in_the_project(project: Path) -> None:
    style = huisstijl.load(project)
    assert style.font_docx == "Arial"
    assert style.body_size == 10
    assert style.body_leading == 15.0
    assert Path(style.logo) == (project / PDF_LOGO[0]).resolve()
    assert Path(style.logo_png) == (project / DOCX_LOGO[0]).resolve()
    assert style.font_pdf == huisstijl.HouseStyle().font_pdf  # untouched fields keep their default


def test_without_settings_the_default_style_applies(tmp_path: Path) -> None:
    assert huisstijl.load(new_project(tmp_path, None)) == huisstijl.HouseStyle()


# --------------------------------------------------------------------------- the DOCX


def docx_part(project: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(project / "output" / f"{LETTER}.docx") as z:
        return etree.fromstring(z.read(name))


def test_docx_sets_the_font_and_size_in_its_styles(project: Path) -> None:
    styles = docx_part(project, "word/styles.xml")
    fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert fonts.get(f"{W}ascii") == fonts.get(f"{W}hAnsi") == "Arial"
    normal = Document(str(project / "output" / f"{LETTER}.docx")).styles["Normal"]
    assert normal.font.size == Pt(10)
    assert normal.paragraph_format.line_spacing == Pt(15)
    font_table = docx_part(project, "word/fontTable.xml")
    assert "Arial" in {f.get(f"{W}name") for f in font_table.iter(f"{W}font")}


def test_docx_header_shows_the_projects_logo(project: Path) -> None:
    with zipfile.ZipFile(project / "output" / f"{LETTER}.docx") as z:
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
    assert media == [(project / DOCX_LOGO[0]).read_bytes()]
    assert (huisstijl.ASSETS / "beeldmerk.png").read_bytes() not in media


# --------------------------------------------------------------------------- the PDF


def test_pdf_html_and_css_use_the_settings(project: Path) -> None:
    style = huisstijl.load(project)
    letter = prepare(project, project / "facts" / f"{LETTER}.yaml").letter
    html = render_html(letter, style)
    assert (project / PDF_LOGO[0]).resolve().as_uri() in html
    assert "beeldmerk.svg" not in html
    css = render_css(style)
    assert "font-size: 10pt;" in css
    assert "line-height: 15pt;" in css


def test_pdf_embeds_the_projects_logo(project: Path) -> None:
    images = PdfReader(project / "output" / f"{LETTER}.pdf").pages[0].images
    assert len(images) == 1
    logo = images[0].image.convert("RGB")
    assert logo.size == PDF_LOGO[1]
    assert logo.getpixel((logo.width // 2, logo.height // 2)) == PDF_LOGO[2]


# --------------------------------------------------------------------------- mistakes


def test_an_unknown_key_is_an_error_naming_briefing_toml(tmp_path: Path) -> None:
    root = new_project(tmp_path, '[huisstijl]\nlettertype = "Arial"\n')
    with pytest.raises(FactsError) as caught:
        build(project=root)
    assert caught.value.file is not None and Path(caught.value.file).name == "briefing.toml"
    assert "lettertype" in str(caught.value)
    assert not (root / "output" / f"{LETTER}.pdf").exists()

    problems = check(project=root)
    assert [Path(p.file).name for p in problems] == ["briefing.toml"]


def test_the_cli_reports_an_unknown_key_with_its_file(tmp_path: Path) -> None:
    root = new_project(tmp_path, '[huisstijl]\nlettertype = "Arial"\n')
    result = subprocess.run([sys.executable, "-m", "briefing.cli", "check", "--project", str(root)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "briefing.toml" in result.stderr and "lettertype" in result.stderr


def test_invalid_toml_is_an_error_naming_briefing_toml(tmp_path: Path) -> None:
    root = new_project(tmp_path, "[huisstijl\n")
    with pytest.raises(FactsError) as caught:
        huisstijl.load(root)
    assert Path(caught.value.file).name == "briefing.toml"


def test_a_settings_file_is_an_input_of_the_build(tmp_path: Path) -> None:
    """Changing ``briefing.toml`` rebuilds the letter (it is one of its dependencies)."""
    root = new_project(tmp_path, '[huisstijl]\nfont_docx = "Arial"\n')
    build([LETTER], project=root, formats=("docx",))
    (root / "briefing.toml").write_text('[huisstijl]\nfont_docx = "Calibri"\n', encoding="utf-8")
    [result] = build([LETTER], project=root, formats=("docx",))
    assert not result.unchanged
    data = (root / "output" / f"{LETTER}.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert b'w:ascii="Calibri"' in z.read("word/styles.xml")
