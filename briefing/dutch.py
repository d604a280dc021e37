"""Dutch formatting for Kamerbrieven: dates, periods, numbers, amounts and lists.

Pure functions on top of Babel (locale nl_NL); the template environment exposes
them as Jinja filters under the same names. Their errors are written in Dutch,
because they reach the author of the letter, not a programmer.
"""

import numbers
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal

__all__ = ["LOCALE", "bedrag", "datum", "getal", "opsomming", "periode", "procent", "woorden"]

LOCALE = "nl_NL"

_SCHALEN = {"miljoen": Decimal(10) ** 6, "miljard": Decimal(10) ** 9}
_LIJST_STIJLEN = {"en": "standard", "of": "or"}


# --- dates -------------------------------------------------------------------------------------


def _als_datum(waarde: object, functie: str) -> date:
    """A date as-is, a datetime as its date; anything else is the author's mistake."""
    if isinstance(waarde, datetime):
        return waarde.date()
    if isinstance(waarde, date):
        return waarde
    raise TypeError(f"{functie} verwacht een datum (JJJJ-MM-DD), kreeg {waarde!r}")


def _jaar_verschoven(d: date, jaren: int) -> date | None:
    """The same day `jaren` years later (or earlier); 29 February becomes 28 February.

    None beyond the calendar (before year 1, after 9999): the window has no end there."""
    if not 1 <= d.year + jaren <= 9999:
        return None
    try:
        return d.replace(year=d.year + jaren)
    except ValueError:
        return d.replace(year=d.year + jaren, day=28)


def _in_verleden(d: date, brief_datum: date) -> bool:
    """L − 1 year < d < L: written with `jl.`."""
    begin = _jaar_verschoven(brief_datum, -1)
    return (begin is None or begin < d) and d < brief_datum


def _in_toekomst(d: date, brief_datum: date) -> bool:
    """L < d < L + 1 year: written with `a.s.`."""
    eind = _jaar_verschoven(brief_datum, 1)
    return brief_datum < d and (eind is None or d < eind)


def _relatief(begin: date, eind: date, brief_datum: date | None, relatief: bool, functie: str) -> str | None:
    """`jl.` when the end lies in the past window, `a.s.` when the start lies in the future one."""
    if not relatief:
        return None
    if brief_datum is None:
        raise ValueError(f"{functie}: relatief=True vraagt de datum van de brief (brief_datum)")
    brief_datum = _als_datum(brief_datum, functie)
    if _in_verleden(eind, brief_datum):
        return "jl."
    if _in_toekomst(begin, brief_datum):
        return "a.s."
    return None


def _dag_maand(d: date) -> str:
    return format_date(d, "d MMMM", locale=LOCALE)


def _dag_maand_jaar(d: date) -> str:
    return format_date(d, "d MMMM y", locale=LOCALE)


def datum(
    d: date,
    *,
    brief_datum: date | None = None,
    relatief: bool = False,
    weekdag: bool = False,
    maand: bool = False,
) -> str:
    """`13 september 2022`; with `weekdag` `woensdag 7 december 2022`; with `maand` `september 2022`.

    With `relatief` a date within twelve months before the letter's date reads
    `3 oktober jl.`, within twelve months after it `14 december a.s.`; any other
    date, and the letter's date itself, keeps its year.
    """
    d = _als_datum(d, "datum")
    dag = "MMMM" if maand else "EEEE d MMMM" if weekdag else "d MMMM"
    achtervoegsel = _relatief(d, d, brief_datum, relatief, "datum")
    if achtervoegsel:
        return f"{format_date(d, dag, locale=LOCALE)} {achtervoegsel}"
    return format_date(d, f"{dag} y", locale=LOCALE)


def periode(
    a: date, b: date, *, brief_datum: date | None = None, relatief: bool = False, tussen: bool = False
) -> str:
    """`13 en 14 september 2022`, `21 tot en met 27 oktober 2022`, `tussen 21 en 27 oktober jl.`.

    Month and year are written once where begin and end share them. With
    `relatief` the period reads `jl.` when its end lies within twelve months
    before the letter's date and `a.s.` when its start lies within twelve months
    after it; then no years are written (except, for a period longer than that
    window, on the end that lies outside it).
    """
    a, b = _als_datum(a, "periode"), _als_datum(b, "periode")
    if b < a:
        raise ValueError(
            f"periode: de einddatum {_dag_maand_jaar(b)} ligt vóór de begindatum {_dag_maand_jaar(a)}"
        )
    if a == b:
        return datum(a, brief_datum=brief_datum, relatief=relatief)
    achtervoegsel = _relatief(a, b, brief_datum, relatief, "periode")
    zelfde_maand = (a.year, a.month) == (b.year, b.month)
    brief = _als_datum(brief_datum, "periode") if achtervoegsel else None
    if achtervoegsel == "jl.":
        eind = f"{_dag_maand(b)} jl."
        if _in_verleden(a, brief):
            begin = str(a.day) if zelfde_maand else _dag_maand(a)
        else:
            begin = _dag_maand_jaar(a)
    elif achtervoegsel == "a.s.":
        if _in_toekomst(b, brief):
            eind = f"{_dag_maand(b)} a.s."
            begin = str(a.day) if zelfde_maand else _dag_maand(a)
        else:
            eind, begin = _dag_maand_jaar(b), f"{_dag_maand(a)} a.s."
    else:
        eind = _dag_maand_jaar(b)
        if zelfde_maand:
            begin = str(a.day)
        elif a.year == b.year:
            begin = _dag_maand(a)
        else:
            begin = _dag_maand_jaar(a)
    if tussen:
        return f"tussen {begin} en {eind}"
    verbinding = "en" if b - a == timedelta(days=1) else "tot en met"
    return f"{begin} {verbinding} {eind}"


# --- numbers -----------------------------------------------------------------------------------


_CIJFERS = 21  # digits before the decimal point: procent's ×100 and a decimal stay within Decimal's 28
_GROOTSTE = Decimal(10) ** _CIJFERS


def _als_getal(waarde: object, functie: str) -> Decimal:
    """An int, float or Decimal as an exact Decimal (a float by its shortest repr)."""
    if isinstance(waarde, bool) or not isinstance(waarde, numbers.Real | Decimal):
        raise TypeError(f"{functie} verwacht een getal, kreeg {waarde!r}")
    if isinstance(waarde, numbers.Integral):
        getal_ = Decimal(int(waarde)) if abs(int(waarde)) < 10**4000 else Decimal("Infinity")
    else:
        getal_ = waarde if isinstance(waarde, Decimal) else Decimal(repr(float(waarde)))
    if not getal_.is_finite():
        raise ValueError(f"{functie} verwacht een eindig getal, kreeg {waarde!r}")
    if abs(getal_) >= _GROOTSTE:  # beyond what Decimal rounds exactly (28 digits)
        cijfers = len(str(abs(int(getal_)))) if getal_.is_finite() else "duizenden"
        raise ValueError(f"{functie}: een getal van {cijfers} cijfers is te groot voor een brief "
                         f"(hoogstens {_CIJFERS} cijfers voor de komma)")
    return getal_ if getal_ else Decimal(0)  # no "-0"


def getal(x: int | float | Decimal) -> str:
    """`1.234.567`, `2,5`, `-1.234`: thousands with a dot, decimals with a comma, all of them kept."""
    return format_decimal(_als_getal(x, "getal"), locale=LOCALE, decimal_quantization=False)


_EENHEDEN = (
    "nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien",
    "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien",
)  # fmt: skip
_TIENTALLEN = ("", "", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig", "negentig")
_GROTE_GETALLEN = ((10**12, "biljoen"), (10**9, "miljard"), (10**6, "miljoen"))


def _onder_duizend(n: int) -> str:
    """1–999 as one word: `honderdeen`, `tweeëntwintig` (diaeresis after twee/drie)."""
    honderdtal, rest = divmod(n, 100)
    woord = "" if not honderdtal else ("" if honderdtal == 1 else _EENHEDEN[honderdtal]) + "honderd"
    if rest >= 20:
        tiental, eenheid = divmod(rest, 10)
        if eenheid:
            eenheid_woord = _EENHEDEN[eenheid]
            woord += eenheid_woord + ("ën" if eenheid_woord.endswith("e") else "en")
        woord += _TIENTALLEN[tiental]
    elif rest:
        woord += _EENHEDEN[rest]
    return woord


def _onder_miljoen(n: int) -> str:
    """1–999 999: one word up to and including `duizend`, a space after it (Leidraad 6.N)."""
    duizendtal, rest = divmod(n, 1000)
    delen = []
    if duizendtal:
        delen.append(("" if duizendtal == 1 else _onder_duizend(duizendtal)) + "duizend")
    if rest:
        delen.append(_onder_duizend(rest))
    return " ".join(delen)


def woorden(n: int, *, nadruk: bool = False) -> str:
    """A whole number ≥ 0 in words: `dertig`, `een`, `een miljoen` (`één`, `één miljoen` with `nadruk`).

    Spelled as the official Dutch spelling rules prescribe: one word up to and
    including `duizend`, a space after `duizend`, and `miljoen`, `miljard`,
    `biljoen` as separate words (`tweeduizend vijfhonderd`).
    """
    fout = f"woorden werkt alleen voor hele getallen vanaf 0, kreeg {n!r}"
    if isinstance(n, bool) or not isinstance(n, numbers.Real | Decimal):
        raise TypeError(fout)
    try:
        waarde = _als_getal(n, "woorden")
    except ValueError:  # inf, nan
        raise ValueError(fout) from None
    if waarde < 0 or waarde != waarde.to_integral_value():
        raise ValueError(fout)
    rest = int(waarde)
    if rest >= 1000 * 10**12:
        raise ValueError(f"woorden werkt tot en met 999 biljoen, kreeg {n!r}")
    if rest == 0:
        return "nul"
    delen = []
    for grootte, naam in _GROTE_GETALLEN:
        aantal, rest = divmod(rest, grootte)
        if aantal:
            delen.append(f"{_onder_miljoen(aantal)} {naam}")
    if rest:
        delen.append(_onder_miljoen(rest))
    tekst = " ".join(delen)
    if nadruk and (tekst == "een" or tekst.startswith("een ")):
        # the accent tells the numeral from the article "een", which only a leading word can be mistaken for
        tekst = "één" + tekst[3:]
    return tekst


def bedrag(x: int | float | Decimal, *, schaal: str | None = None) -> str:
    """`€ 1.234,50` (always two decimals); with `schaal="miljoen"` `€ 2,5 miljoen`.

    Amounts are rounded half up (to the cent, or to two decimals of the scale,
    dropping trailing zeros). A negative amount follows Babel: `€ -1.234,50`.
    The space after `€` is a plain space.
    """
    waarde = _als_getal(x, "bedrag")
    if schaal is None:
        centen = waarde.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return format_currency(centen, "EUR", locale=LOCALE).replace("\xa0", " ")
    if schaal not in _SCHALEN:
        toegestaan = " of ".join(repr(s) for s in _SCHALEN)
        raise ValueError(f"bedrag: schaal moet {toegestaan} zijn, kreeg {schaal!r}")
    geschaald = (waarde / _SCHALEN[schaal]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"€ {format_decimal(geschaald or Decimal(0), locale=LOCALE)} {schaal}"


def procent(x: int | float | Decimal) -> str:
    """A fraction as a percentage, rounded half up to one decimal, `,0` dropped: `0.055` → `5,5%`."""
    waarde = (_als_getal(x, "procent") * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{format_decimal(waarde or Decimal(0), locale=LOCALE)}%"


# --- lists -------------------------------------------------------------------------------------


def opsomming(items: Iterable[object], voegwoord: str = "en") -> str:
    """`Armenië, Azerbeidzjan en Georgië`; with `"of"` `…, Azerbeidzjan of Georgië`; empty gives ``."""
    if voegwoord not in _LIJST_STIJLEN:
        raise ValueError(f"opsomming: voegwoord moet 'en' of 'of' zijn, kreeg {voegwoord!r}")
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        raise TypeError(f"opsomming verwacht een lijst, kreeg {items!r}")
    return format_list([str(item) for item in items], _LIJST_STIJLEN[voegwoord], locale=LOCALE)
