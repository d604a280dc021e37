"""The house style (Rijkshuisstijl for a Kamerbrief), defined once for both writers.

Geometry, fonts, sizes and the colofon's content and order live here; the DOCX and
the PDF writer read them and nothing else about layout. ``briefing.toml`` may
override any field under ``[huisstijl]`` (for instance the real logo and the
licensed Rijksoverheid fonts).
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from struct import error as struct_error

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
    except RecursionError:
        raise FactsError("ongeldig TOML: lijsten of tabellen zijn te diep genest", shown,
                         _deepest_line(text)) from None
    except ValueError as exc:
        if not isinstance(exc, tomllib.TOMLDecodeError):  # a number of thousands of digits
            raise FactsError("ongeldig TOML: een getal met te veel cijfers", shown,
                             _line_matching(text, re.compile(r"\d{26}"))) from None
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
            try:
                exists = Path(file).is_file()
            except OSError:  # a name the system cannot look up (too long)
                exists = False
            if not exists:
                raise FactsError(f"bestand '{_relative(Path(file), project)}' van '{key}' bestaat niet",
                                 shown, _line_of(text, key), hint="paden zijn ten opzichte van de projectmap")
    validate(values, project, text)
    return replace(defaults, **values)


# --------------------------------------------------------------------------- sane values and files

# The range of each number a project may set: sizes in points, lengths in millimetres.
_RANGES: dict[str, tuple[float, float]] = {
    **dict.fromkeys(("body_size", "address_size", "small_size", "footnote_size", "woordmerk_size"), (4, 72)),
    **dict.fromkeys(("body_leading", "address_leading", "small_leading", "footnote_leading"), (4, 144)),
    **dict.fromkeys(("page_width", "page_height"), (100, 1000)),
    **dict.fromkeys(("margin_left", "margin_top", "margin_bottom", "colofon_left"), (0, 500)),
    "address_height": (0, 500),
    **dict.fromkeys(("text_width", "colofon_width"), (10, 1000)),
    **dict.fromkeys(("logo_width", "logo_height"), (1, 200)),
    "footnote_indent": (0, 50),
}
MAX_PIXELS = 50_000_000  # a logo image: 50 megapixels is far beyond any print size
MAX_FILE = 20 << 20  # bytes of a logo or font file


def validate(values: dict[str, object], project: Path, text: str) -> None:
    """Raise :class:`FactsError` at the ``briefing.toml`` line of a number outside its sane
    range, a house-style file outside the project (or the package's own assets), or a file
    that is not what it claims: a logo that does not decode as an image (within
    ``MAX_PIXELS``), an SVG that is not SVG, a font file that is not a font."""
    shown = "briefing.toml"
    for key, value in values.items():
        if key in _RANGES and isinstance(value, int | float):
            low, high = _RANGES[key]
            if not (math.isfinite(value) and low <= value <= high):
                raise FactsError(
                    f"huisstijl-instelling '{key}' = {value} ligt niet tussen {low:g} en {high:g}",
                    shown, _line_of(text, key),
                    hint="maten in punten (pt) of millimeters (mm), zoals in de standaardhuisstijl",
                )
    roots = (project.resolve(), ASSETS.resolve())
    for key in ("logo", "logo_png", "font_pdf_files"):
        files = (values[key],) if isinstance(values.get(key), str) else values.get(key, ())
        for file in map(Path, files):  # type: ignore[arg-type]
            line = _line_of(text, key)
            name = _relative(file, project)
            if not any(file.resolve().is_relative_to(root) for root in roots):
                raise FactsError(f"bestand '{name}' van '{key}' ligt buiten de projectmap", shown, line,
                                 hint="zet het bestand in de projectmap, bijvoorbeeld in huisstijl/")
            problem = _file_problem(key, file)
            if problem is not None:
                raise FactsError(f"bestand '{name}' van '{key}' {problem}", shown, line)


def _file_problem(key: str, file: Path) -> str | None:
    """What is wrong with a logo or font file, or None (remembered per file version)."""
    try:
        stat = file.stat()
    except OSError as exc:
        return f"is niet te lezen ({exc.strerror or exc})"
    return _checked_file(key, str(file.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _checked_file(key: str, file: str, size: int, mtime: int) -> str | None:
    if size > MAX_FILE:
        return f"is te groot ({size >> 20} MB; hoogstens {MAX_FILE >> 20} MB)"
    if key == "font_pdf_files":
        return _font_problem(Path(file))
    if Path(file).suffix.lower() == ".svg":
        return _svg_problem(Path(file))
    return _image_problem(Path(file))


def _svg_problem(file: Path) -> str | None:
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(file.read_bytes())  # expat refuses entity bombs
    except (ElementTree.ParseError, OSError, ValueError) as exc:
        return f"is geen leesbare SVG ({exc})"
    if not (root.tag == "svg" or root.tag.endswith("}svg")):
        return f"is geen SVG-afbeelding (het begint met <{root.tag.rsplit('}', 1)[-1]}>)"
    return None


def _image_problem(file: Path) -> str | None:
    from PIL import Image  # Pillow: a WeasyPrint dependency

    try:
        with Image.open(file) as image:
            if image.format not in ("PNG", "JPEG", "GIF", "BMP", "TIFF"):
                return f"is geen PNG- of JPEG-afbeelding (maar {image.format})"
            width, height = image.size
            if width * height > MAX_PIXELS:
                return f"is te groot ({width} × {height} beeldpunten)"
            image.load()  # decodes every pixel: a truncated file fails here
    except Image.DecompressionBombError:
        return "is te groot (te veel beeldpunten)"
    except (OSError, ValueError, SyntaxError) as exc:
        return f"is geen leesbare afbeelding ({exc})"
    return None


def _font_problem(file: Path) -> str | None:
    from fontTools.ttLib import TTFont, TTLibError  # fontTools: a WeasyPrint dependency

    try:
        with TTFont(str(file), lazy=True, fontNumber=0) as font:
            font["name"]  # reading a table parses it
            font["cmap"]
    except (TTLibError, OSError, KeyError, ValueError, AssertionError, struct_error) as exc:
        return f"is geen lettertypebestand (TTF, OTF, WOFF) ({exc})"
    return None


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


def _line_matching(text: str, pattern: re.Pattern[str]) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.search(line):
            return number
    return None


def _deepest_line(text: str) -> int | None:
    """The line that opens the most brackets (where a hopelessly nested value starts)."""
    lines = text.splitlines()
    if not lines:
        return None
    return max(range(len(lines)), key=lambda i: lines[i].count("[") + lines[i].count("{")) + 1


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
# The logo's alternative text, the same in the PDF and the DOCX.
BEELDMERK_ALT = "Beeldmerk van de Rijksoverheid"
DATUM_LABEL = "Datum"
BETREFT_LABEL = "Betreft"
