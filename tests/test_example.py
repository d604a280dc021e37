"""The default example, built end to end: the seed letter's text, in both formats."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

import briefing

ROOT = Path(__file__).resolve().parent.parent
# The real letter the example reproduces (a copy: the tests need nothing beside the repository).
SEED = ROOT / "tests" / "fixtures" / "seed" / "kamerbrief-armenie-azerbeidzjan.txt"

# Sentences of the seed letter the example reproduces word for word.
SEED_SENTENCES = [
    "Op 3 oktober jl. verzocht de vaste commissie voor Buitenlandse Zaken mij om te rapporteren",
    "Op 13 en 14 september jl. vonden er hevige gevechten plaats tussen Armenië en Azerbeidzjan",
    "kostten de gevechten het leven aan 207 Armeense soldaten alsmede een aantal burgers.",
    "Er werden 20 Armeense krijgsgevangenen gemaakt",
    "Armenië nam één Azerbeidzjaanse soldaat krijgsgevangen",
    "verloren volgens Azerbeidzjaanse berichtgeving 80 soldaten het leven.",
    "Sinds 12 mei 2021 tot aan deze gevechten op 13 september 2022 is 40 km",
    "De gebeurtenissen van 13 september 2022 hebben geleid tot een additionele bezetting",
    "Armenië heeft Azerbeidzjan gevraagd zich terug te trekken naar de posities van 12 september jl.,",
    "naar de grenzen voor 12 september jl. Nederland steunt deze oproep.",
    "Azerbeidzjan stelt daarbij dat Armenië dertig jaar een gebied",
    "ondanks vier resoluties van de Veiligheidsraad van de Verenigde Naties",
    "Sinds de gevechten in september jl. hebben de leiders van beide landen",
    "voor een termijn van twee maanden.",
    "Een parallel traject is de OVSE technical assessment missie, die tussen 21 en 27 oktober jl. naar de"
    " Armeense grens is afgereisd.",
    "Op 31 oktober jl. kwamen de leiders van beide landen samen in Sotsji",
    "Op 3 november jl. kwamen de vicepremiers van beide landen samen in Brussel",
    "Dit was het derde gesprek over dit onderwerp.",
    "Azerbeidzjan heeft er tien jaar over gedaan",
    "Op 7 november jl. kwamen de ministers van Buitenlandse Zaken van beide landen samen",
    "is niet doorgegaan.",
    "Het is vooralsnog onbekend wanneer de volgende vredesbespreking o.l.v. de EU zal plaatsvinden.",
    "De minister van Buitenlandse Zaken,",
    "W.B. Hoekstra",
]


def squash(text: str) -> str:
    """Text without whitespace and hyphens, so line breaks and hyphenation do not matter."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project, copied and built once for this module."""
    root = tmp_path_factory.mktemp("example")
    for folder in ("facts", "templates"):
        shutil.copytree(ROOT / folder, root / folder)
    results = briefing.build(["armenie-azerbeidzjan"], project=root)
    assert [r.name for r in results] == ["armenie-azerbeidzjan"]
    return root / "output"


def pdf_text(path: Path) -> str:
    result = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return result.stdout


def test_seed_is_where_the_tests_expect_it() -> None:
    assert "Vervolg vredesbesprekingen" in SEED.read_text(encoding="utf-8")


def test_both_files_are_written(built: Path) -> None:
    assert (built / "armenie-azerbeidzjan.docx").stat().st_size > 10_000
    assert (built / "armenie-azerbeidzjan.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("sentence", SEED_SENTENCES)
def test_pdf_holds_the_seed_sentences(built: Path, sentence: str) -> None:
    assert squash(sentence) in squash(pdf_text(built / "armenie-azerbeidzjan.pdf"))


def test_pdf_numbers_the_two_headings(built: Path) -> None:
    text = pdf_text(built / "armenie-azerbeidzjan.pdf")
    assert re.search(r"^1\s+Stand van zaken in het conflict tussen", text, re.M)
    assert re.search(r"^2\s+Vervolg vredesbesprekingen", text, re.M)


def test_pdf_has_the_letter_frame(built: Path) -> None:
    text = pdf_text(built / "armenie-azerbeidzjan.pdf")
    for needle in ("Retouradres Postbus 20061 2500 EB Den Haag", "9 december 2022",
                   "Verslag bezoek ambassadeur aan Armeens grensgebied", "Geachte voorzitter,",
                   "Ons kenmerk", "BZ2213517", "Uw kenmerk", "2022Z18725", "Pagina 1 van"):
        assert squash(needle) in squash(text), needle
    assert "[Ondertekenaar 2]" not in text


def text_column(path: Path) -> str:
    """The PDF's text column only: left of the colofon (153 mm), below the logo (30 mm)."""
    pt = 72 / 25.4
    crop = {"-x": 0, "-y": round(30 * pt), "-W": round(140 * pt), "-H": round(267 * pt)}
    args = [arg for key, value in crop.items() for arg in (key, str(value))]
    return subprocess.run(
        ["pdftotext", "-raw", "-r", "72", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def docx_body_text(path: Path) -> str:
    """The DOCX body as Word shows it: paragraphs in order, heading numbers included."""
    doc = Document(str(path))
    counters = [0, 0, 0]
    parts = []
    for para in doc.paragraphs:
        style = para.style.name if para.style is not None else ""
        text = para.text
        if style.startswith("Heading ") and text.strip():
            level = int(style.split()[-1])
            num_id = para._p.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}numId")
            unnumbered = num_id is not None and num_id.get(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") == "0"
            if not unnumbered:
                counters[level - 1] += 1
                counters[level:] = [0] * (3 - level)
                text = ".".join(map(str, counters[:level])) + " " + text
        parts.append(text)
    return "\n".join(parts)


def test_docx_text_equals_pdf_body_text(built: Path) -> None:
    """From the salutation to the last sentence, both formats say the same words."""
    docx = squash(docx_body_text(built / "armenie-azerbeidzjan.docx"))
    pdf = squash(text_column(built / "armenie-azerbeidzjan.pdf"))
    start, end = squash("Geachte voorzitter,"), squash("zal plaatsvinden.")
    body = docx[docx.index(start): docx.index(end) + len(end)]
    assert body in pdf
