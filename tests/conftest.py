"""Shared fixtures: a hand-built, already numbered letter that uses every model node."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from briefing.huisstijl import HouseStyle
from briefing.model import (
    Afzender,
    BlockQuote,
    Emph,
    Footnote,
    Heading,
    Letter,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Meta,
    NoteRef,
    Ondertekenaar,
    Paragraph,
    Ref,
    Strong,
    Table,
    Text,
)

ROOT = Path(__file__).resolve().parent.parent


def copy_example(folder: Path) -> Path:
    """``folder`` made a copy of the repository's project: its facts and templates."""
    for name in ("facts", "templates"):
        shutil.copytree(ROOT / name, folder / name)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in ``path`` by ``new``; ``old`` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture drift: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sample_meta(**changes) -> Meta:
    """Metadata of a realistic letter; keyword arguments replace fields."""
    values = dict(
        betreft="Verslag bezoek ambassadeur aan Armeens grensgebied",
        datum=date(2022, 12, 9),
        datum_tekst="9 december 2022",
        kenmerk="BZ2213517",
        uw_kenmerk="2022Z18725",
        afzender=Afzender(
            organisatie="Ministerie van Buitenlandse Zaken",
            onderdeel="Directie Oostelijk Europa",
            bezoekadres=("Rijnstraat 8", "2515 XP Den Haag"),
            postadres=("Postbus 20061", "2500 EB Den Haag"),
            website="www.rijksoverheid.nl/bz",
            extra=(("Overheidsidentificatienr", "00000001003214369000"),),
        ),
        geadresseerde=(
            "De Voorzitter van de Tweede Kamer",
            "der Staten-Generaal",
            "Postbus 20018",
            "2500 EA Den Haag",
        ),
        aanhef="Geachte voorzitter,",
        slot="Hoogachtend,",
        ondertekenaars=(
            Ondertekenaar("De minister van Buitenlandse Zaken,", "W.B. Hoekstra"),
            Ondertekenaar(
                "De minister voor Buitenlandse Handel en Ontwikkelingssamenwerking,",
                "E.N.A.J. Schreinemacher",
            ),
        ),
        bijlagen=("Verslag van de waarnemersmissie", "Kaart van het grensgebied"),
        nummering=True,
        concept=False,
    )
    values.update(changes)
    return Meta(**values)


def sample_letter(**meta_changes) -> Letter:
    """A numbered letter with headings, footnotes, a reference, lists, a table and a quote."""
    body = (
        Paragraph((Text("Op 3 oktober jl. verzocht de vaste commissie mij te rapporteren."),)),
        Heading(1, (Text("Stand van zaken"),), id="stand", number="1"),
        Paragraph((
            Text("Op 13 en 14 september jl. vonden er "), Emph((Text("hevige"),)),
            Text(" gevechten plaats"), NoteRef("1", 1), Text(". Zie ook "),
            Ref("vervolg", number="2"), Text(" en "), Ref("bijlage", title="Bijlage"), Text("."),
        )),
        Heading(2, (Text("Slachtoffers"),), id="slachtoffers", number="1.1"),
        Paragraph((
            Text("Volgens "), Strong((Text("Armeense"),)), Text(" berichtgeving 207 soldaten"),
            NoteRef("bron", 2), Text("."), LineBreak(), Text("Meer op "),
            Link((Text("rijksoverheid.nl"),), "https://www.rijksoverheid.nl"), Text("."),
        )),
        ListBlock(False, (
            ListItem((Paragraph((Text("Armenië: 207 soldaten"),)),)),
            ListItem((Paragraph((Text("Azerbeidzjan: 80 soldaten"),)),)),
        )),
        ListBlock(True, (
            ListItem((Paragraph((Text("eerste stap"),)),)),
            ListItem((Paragraph((Text("tweede stap"),)),)),
        )),
        Table(
            header=((Text("Land"),), (Text("Soldaten"),)),
            rows=(((Text("Armenië"),), (Text("207"),)), ((Text("Azerbeidzjan"),), (Text("80"),))),
            align=(None, "right"),
        ),
        Heading(1, (Text("Vervolg vredesbesprekingen"),), id="vervolg", number="2"),
        ListBlock(True, (
            ListItem((Paragraph((Text("een nieuwe lijst begint weer bij 1"),)),)),
        )),
        BlockQuote((Paragraph((Text("Een citaat."),)),)),
        Heading(1, (Text("Bijlage"),), id="bijlage", numbered=False),
        Paragraph((Text("Slotalinea."),)),
    )
    notes = (
        Footnote("1", (Paragraph((Text("Kamerstuk 21 501-02, nr. 2540"),)),), 1),
        Footnote("bron", (Paragraph((Text("Armeense berichtgeving, 15 september 2022"),)),), 2),
    )
    return Letter(sample_meta(**meta_changes), body, notes)


@pytest.fixture
def letter() -> Letter:
    """The sample letter."""
    return sample_letter()


@pytest.fixture
def style() -> HouseStyle:
    """The default house style."""
    return HouseStyle()
