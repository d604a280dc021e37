"""The house style (Rijkshuisstijl for a Kamerbrief), defined once for both writers.

Geometry, fonts, sizes and the colofon's content and order live here; the DOCX and
the PDF writer read them and nothing else about layout. ``briefing.toml`` may
override any field under ``[huisstijl]`` (for instance the real logo and the
licensed Rijksoverheid fonts).
"""

from __future__ import annotations

import difflib
import re
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
    footnote_indent: float = 5.0  # a footnote's text; its number hangs in front of it
    footnote_rule: float = 30.0  # the rule above the footnotes (PDF; Word draws its own separator)
    woordmerk_gap: float = 2.0  # between the emblem's right edge and the woordmerk
    woordmerk_top: float = 12.0  # from the top edge of the page to the woordmerk (and headers)
    heading_indent: float = 10.0  # from the margin to a numbered heading's text
    list_indent: float = 6.0  # per list level
    quote_indent: float = 10.0  # a quotation, per level
    label_width: float = 20.0  # the label column of "Datum" and "Betreft"
    cell_padding: float = 4.0  # right of each table cell's text
    signature_gap: float = 5.0  # between two signatories side by side
    default_tab: float = 12.5  # Word's default tab stops (the DOCX only)

    colour: str = "#154273"  # lintblauw
    language: str = "nl-NL"
    logo: str = str(ASSETS / "beeldmerk.svg")
    logo_png: str = str(ASSETS / "beeldmerk.png")
    woordmerk: str | None = None  # default: the sender's organisation

    @property
    def margin_right(self) -> float:
        """Right margin of the text column (the colofon sits in it)."""
        return self.page_width - self.margin_left - self.text_width

    @property
    def logo_left(self) -> float:
        """The emblem's left edge, from the page's left edge: it is centred on the page."""
        return (self.page_width - self.logo_width) / 2

    @property
    def woordmerk_left(self) -> float:
        """The woordmerk's left edge, from the page's left edge: just right of the emblem."""
        return self.logo_left + self.logo_width + self.woordmerk_gap

    @property
    def woordmerk_width(self) -> float:
        """The woordmerk's width: up to the colofon's right edge."""
        return self.colofon_left + self.colofon_width - self.woordmerk_left


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
    """The default house style with ``[huisstijl]`` of ``briefing.toml`` applied.

    Raises :class:`FactsError` naming ``briefing.toml`` and the line for invalid TOML,
    an unknown setting (with the closest one), a value of the wrong kind, or a logo or
    font file that does not exist.
    """
    path = project / "briefing.toml"
    if not path.exists():
        return HouseStyle()
    shown = "briefing.toml"
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise FactsError("het bestand is geen geldige UTF-8-tekst", shown, line,
                         hint="sla het bestand op als UTF-8") from None
    except OSError as exc:
        raise FactsError(f"kan het bestand niet lezen: {exc.strerror or exc}", shown) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        line, column = (int(where[1]), int(where[2])) if where else (None, None)
        raise FactsError(f"ongeldig TOML: {message}", shown, line, column,
                         hint="zie https://toml.io; tekst staat tussen aanhalingstekens") from None
    overrides = data.get("huisstijl", {})
    if not isinstance(overrides, dict):
        raise FactsError("[huisstijl] moet een tabel zijn", shown, _line_of(text, "huisstijl"))
    known = {f.name: f for f in fields(HouseStyle)}
    defaults = HouseStyle()
    for key, value in overrides.items():
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            raise FactsError(f"onbekende huisstijl-instelling '{key}'", shown, _line_of(text, key),
                             hint=f"bedoelde u '{close[0]}'?" if close else None)
        wanted = _kind(getattr(defaults, key))
        if not _fits(value, wanted):
            raise FactsError(f"huisstijl-instelling '{key}' moet {_KIND_NAMES[wanted]} zijn",
                             shown, _line_of(text, key))
    values = dict(overrides)
    for key in ("logo", "logo_png"):
        if key in values:
            values[key] = str((project / values[key]).resolve())
    if "font_pdf_files" in values:
        values["font_pdf_files"] = tuple(str((project / f).resolve()) for f in values["font_pdf_files"])
    for key in ("logo", "logo_png", "font_pdf_files"):
        for file in (values[key],) if isinstance(values.get(key), str) else values.get(key, ()):
            if not Path(file).is_file():
                raise FactsError(f"bestand '{_relative(Path(file), project)}' van '{key}' bestaat niet",
                                 shown, _line_of(text, key), hint="paden zijn ten opzichte van de projectmap")
    return replace(defaults, **values)


_KIND_NAMES = {"number": "een getal", "text": "een tekst", "texts": "een lijst van teksten"}


def _kind(default: object) -> str:
    if isinstance(default, float):
        return "number"
    if isinstance(default, tuple):
        return "texts"
    return "text"  # str, or None for an optional text (woordmerk)


def _fits(value: object, kind: str) -> bool:
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "texts":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, str)


def _line_of(text: str, key: str) -> int | None:
    """The line of ``key = …`` (or ``[key]``) in the TOML text."""
    pattern = re.compile(rf"^\s*(\[\s*{re.escape(key)}\s*\]|\"?{re.escape(key)}\"?\s*=)")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return None


def _relative(path: Path, project: Path) -> str:
    try:
        return path.relative_to(project.resolve()).as_posix()
    except ValueError:
        return str(path)


def bijlagen_regels(meta: Meta) -> tuple[str, ...]:
    """The lines after the signature that list the enclosures by title."""
    if len(meta.bijlagen) == 1:
        return (f"Bijlage: {meta.bijlagen[0]}",)
    return tuple(f"Bijlage {i}: {titel}" for i, titel in enumerate(meta.bijlagen, 1))


CONCEPT = "CONCEPT"  # the draft marker printed on every page of a --draft build
PAGINA = "Pagina {n} van {N}"  # page label in the colofon; {n} and {N} become fields/counters
DATUM_LABEL = "Datum"
BETREFT_LABEL = "Betreft"
