"""The house style (Rijkshuisstijl for a Kamerbrief), defined once for both writers.

Geometry, fonts, sizes and the colofon's content and order live here; the DOCX and
the PDF writer read them and nothing else about layout. ``briefing.toml`` may
override any field under ``[huisstijl]`` (for instance the real logo and the
licensed Rijksoverheid fonts).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from briefing.errors import FactsError
from briefing.model import Meta

ASSETS = Path(__file__).parent / "assets"


@dataclass(frozen=True, slots=True)
class HouseStyle:
    """Every layout decision of a Kamerbrief, in millimetres and points."""

    # Fonts. Office templates of the Rijksoverheid set everything in Verdana, so the
    # DOCX names Verdana. The PDF embeds an open font with Verdana's proportions
    # (DejaVu Sans descends from Bitstream Vera, drawn to Verdana's metrics), which
    # is also what LibreOffice substitutes for Verdana: both renderings break alike.
    font_docx: str = "Verdana"
    font_pdf: str = "DejaVu Sans"
    font_pdf_files: tuple[str, ...] = ()  # optional font files (e.g. licensed RO Sans)
    font_woordmerk: str = "DejaVu Serif"
    font_woordmerk_docx: str = "Georgia"

    # Type sizes (pt): body 9/13.5, address 9/12, colofon and return line 6.5/9.
    body_size: float = 9.0
    body_leading: float = 13.5
    address_size: float = 9.0
    address_leading: float = 12.0
    small_size: float = 6.5
    small_leading: float = 9.0
    footnote_size: float = 7.0
    footnote_leading: float = 9.0
    woordmerk_size: float = 10.0

    # Page geometry (mm), A4.
    page_width: float = 210.0
    page_height: float = 297.0
    margin_left: float = 21.0
    text_width: float = 115.0
    margin_top: float = 47.0  # where the return line, the colofon and later pages start
    margin_bottom: float = 22.0
    colofon_left: float = 153.0
    colofon_width: float = 42.0
    address_height: float = 36.0  # return line + address block (envelope window)
    logo_width: float = 13.0  # the emblem, centred at the top, bleeding off the top edge
    logo_height: float = 26.0

    colour: str = "#154273"  # lintblauw
    language: str = "nl-NL"
    logo: str = str(ASSETS / "beeldmerk.svg")
    logo_png: str = str(ASSETS / "beeldmerk.png")
    woordmerk: str | None = None  # default: the sender's organisation

    @property
    def margin_right(self) -> float:
        """Right margin of the text column (the colofon sits in it)."""
        return self.page_width - self.margin_left - self.text_width


@dataclass(frozen=True, slots=True)
class ColofonGroup:
    """A block of the right-hand column: an optional bold label, then lines."""

    label: str | None
    lines: tuple[str, ...]
    bold_first: bool = False


def colofon(meta: Meta) -> tuple[ColofonGroup, ...]:
    """The right-hand column of page 1, in house-style order (page numbers excluded)."""
    a = meta.afzender
    groups = [ColofonGroup(None, (a.organisatie,) + ((a.onderdeel,) if a.onderdeel else ()), True)]
    if a.bezoekadres:
        groups.append(ColofonGroup("Bezoekadres", a.bezoekadres))
    if a.postadres:
        groups.append(ColofonGroup("Postadres", a.postadres))
    extra = tuple(f"{k} {v}" for k, v in a.extra)
    if extra or a.website:
        groups.append(ColofonGroup(None, extra + ((a.website,) if a.website else ())))
    groups.append(ColofonGroup("Ons kenmerk", (meta.kenmerk,)))
    if meta.uw_kenmerk:
        groups.append(ColofonGroup("Uw kenmerk", (meta.uw_kenmerk,)))
    if meta.bijlagen:
        groups.append(ColofonGroup("Bijlage(n)", (str(len(meta.bijlagen)),)))
    return tuple(groups)


def colofon_later(meta: Meta) -> tuple[ColofonGroup, ...]:
    """The short column of later pages: organisation and our reference."""
    return (
        ColofonGroup(None, (meta.afzender.organisatie,), True),
        ColofonGroup("Ons kenmerk", (meta.kenmerk,)),
    )


def retouradres(meta: Meta) -> str:
    """The return line above the address: ``Retouradres Postbus 20061 2500 EB Den Haag``."""
    return " ".join(("Retouradres", *meta.afzender.postadres))


def load(project: Path) -> HouseStyle:
    """The default house style with ``[huisstijl]`` of ``briefing.toml`` applied."""
    path = project / "briefing.toml"
    if not path.exists():
        return HouseStyle()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise FactsError(f"ongeldig TOML: {exc}", path) from None
    overrides = data.get("huisstijl", {})
    known = {f.name: f for f in fields(HouseStyle)}
    for key in overrides:
        if key not in known:
            raise FactsError(f"onbekende huisstijl-instelling '{key}'", path)
    values = dict(overrides)
    for key in ("logo", "logo_png"):
        if key in values:
            values[key] = str((project / values[key]).resolve())
    if "font_pdf_files" in values:
        values["font_pdf_files"] = tuple(str((project / f).resolve()) for f in values["font_pdf_files"])
    return replace(HouseStyle(), **values)


def bijlagen_regels(meta: Meta) -> tuple[str, ...]:
    """The lines after the signature that list the enclosures by title."""
    if len(meta.bijlagen) == 1:
        return (f"Bijlage: {meta.bijlagen[0]}",)
    return tuple(f"Bijlage {i}: {titel}" for i, titel in enumerate(meta.bijlagen, 1))


CONCEPT = "CONCEPT"  # the draft marker printed on every page of a --draft build
PAGINA = "Pagina {n} van {N}"  # page label in the colofon; {n} and {N} become fields/counters
DATUM_LABEL = "Datum"
BETREFT_LABEL = "Betreft"
