"""Dutch formatting: each table row is an input and the text a letter must show."""

import inspect
from datetime import date, datetime
from decimal import Decimal

import pytest

from briefing import dutch
from briefing.dutch import LOCALE, bedrag, datum, getal, opsomming, periode, procent, woorden

D = date
BRIEF = D(2022, 12, 9)  # the letter date of DESIGN.md's table
SCHRIKKEL = D(2024, 2, 29)


def test_locale() -> None:
    assert LOCALE == "nl_NL"


def test_filter_names_and_keywords_are_the_contract() -> None:
    """These names become Jinja filters; templates depend on them."""
    keywords = {
        "datum": ["d", "brief_datum", "relatief", "weekdag", "maand"],
        "periode": ["a", "b", "brief_datum", "relatief", "tussen"],
        "getal": ["x"],
        "woorden": ["n", "nadruk"],
        "bedrag": ["x", "schaal"],
        "procent": ["x"],
        "opsomming": ["items", "voegwoord"],
    }
    for naam, namen in keywords.items():
        assert list(inspect.signature(getattr(dutch, naam)).parameters) == namen


# --- datum -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "kwargs", "expected"),
    [
        (D(2022, 9, 13), {}, "13 september 2022"),
        (D(2022, 12, 7), {"weekdag": True}, "woensdag 7 december 2022"),
        (datetime(2022, 9, 13, 10, 30), {}, "13 september 2022"),
        (D(2023, 5, 30), {}, "30 mei 2023"),
        (SCHRIKKEL, {}, "29 februari 2024"),
        # brief_datum alone changes nothing
        (D(2022, 10, 3), {"brief_datum": BRIEF}, "3 oktober 2022"),
    ],
)
def test_datum(d: date, kwargs: dict, expected: str) -> None:
    assert datum(d, **kwargs) == expected


@pytest.mark.parametrize(
    ("brief", "d", "expected"),
    [
        # DESIGN.md's examples
        (BRIEF, D(2022, 10, 3), "3 oktober jl."),
        (BRIEF, D(2022, 12, 14), "14 december a.s."),
        (BRIEF, D(2021, 5, 12), "12 mei 2021"),
        # the edges of the twelve-month windows
        (BRIEF, D(2021, 12, 9), "9 december 2021"),  # L − 1 year exactly
        (BRIEF, D(2021, 12, 10), "10 december jl."),  # one day later
        (BRIEF, D(2022, 12, 8), "8 december jl."),
        (BRIEF, D(2022, 12, 9), "9 december 2022"),  # the letter's own date
        (BRIEF, D(2022, 12, 10), "10 december a.s."),
        (BRIEF, D(2023, 12, 8), "8 december a.s."),  # L + 1 year − 1 day
        (BRIEF, D(2023, 12, 9), "9 december 2023"),  # L + 1 year exactly
        # a letter dated on a leap day: one year either side is 28 February
        (SCHRIKKEL, D(2023, 2, 28), "28 februari 2023"),
        (SCHRIKKEL, D(2023, 3, 1), "1 maart jl."),
        (SCHRIKKEL, SCHRIKKEL, "29 februari 2024"),
        (SCHRIKKEL, D(2025, 2, 27), "27 februari a.s."),
        (SCHRIKKEL, D(2025, 2, 28), "28 februari 2025"),
        # a leap day as the date written
        (D(2025, 2, 28), SCHRIKKEL, "29 februari jl."),
        (D(2025, 3, 1), SCHRIKKEL, "29 februari 2024"),
        (D(2023, 3, 1), SCHRIKKEL, "29 februari a.s."),
        (D(2023, 2, 28), SCHRIKKEL, "29 februari 2024"),
    ],
)
def test_datum_relatief(brief: date, d: date, expected: str) -> None:
    assert datum(d, brief_datum=brief, relatief=True) == expected


def test_datum_relatief_met_weekdag() -> None:
    tekst = datum(D(2022, 12, 14), brief_datum=BRIEF, relatief=True, weekdag=True)
    assert tekst == "woensdag 14 december a.s."


@pytest.mark.parametrize("waarde", ["2022-13-01", "2022-09-13", 20220913, None, 3.5])
def test_datum_weigert_wat_geen_datum_is(waarde: object) -> None:
    with pytest.raises(TypeError, match=r"datum verwacht een datum \(JJJJ-MM-DD\), kreeg "):
        datum(waarde)  # type: ignore[arg-type]


def test_datum_melding_noemt_de_waarde() -> None:
    with pytest.raises(TypeError, match=r"kreeg '2022-13-01'$"):
        datum("2022-13-01")  # type: ignore[arg-type]


def test_relatief_zonder_briefdatum_is_een_fout() -> None:
    with pytest.raises(ValueError, match="brief_datum"):
        datum(D(2022, 10, 3), relatief=True)
    with pytest.raises(ValueError, match="brief_datum"):
        periode(D(2022, 10, 3), D(2022, 10, 5), relatief=True)


# --- periode -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "kwargs", "expected"),
    [
        (D(2022, 9, 13), D(2022, 9, 14), {}, "13 en 14 september 2022"),
        (D(2022, 10, 21), D(2022, 10, 27), {}, "21 tot en met 27 oktober 2022"),
        (D(2022, 9, 30), D(2022, 10, 2), {}, "30 september tot en met 2 oktober 2022"),
        (D(2022, 9, 30), D(2022, 10, 1), {}, "30 september en 1 oktober 2022"),
        (D(2022, 12, 30), D(2023, 1, 2), {}, "30 december 2022 tot en met 2 januari 2023"),
        (D(2022, 12, 31), D(2023, 1, 1), {}, "31 december 2022 en 1 januari 2023"),
        (D(2024, 2, 28), SCHRIKKEL, {}, "28 en 29 februari 2024"),
        (SCHRIKKEL, D(2024, 3, 1), {}, "29 februari en 1 maart 2024"),
        (D(2022, 9, 13), D(2022, 9, 13), {}, "13 september 2022"),
        (datetime(2022, 9, 13, 8), datetime(2022, 9, 14, 18), {}, "13 en 14 september 2022"),
        # tussen … en …
        (D(2022, 10, 21), D(2022, 10, 27), {"tussen": True}, "tussen 21 en 27 oktober 2022"),
        (D(2022, 9, 13), D(2022, 9, 14), {"tussen": True}, "tussen 13 en 14 september 2022"),
        (D(2022, 9, 30), D(2022, 10, 2), {"tussen": True}, "tussen 30 september en 2 oktober 2022"),
        (D(2022, 12, 30), D(2023, 1, 2), {"tussen": True}, "tussen 30 december 2022 en 2 januari 2023"),
    ],
)
def test_periode(a: date, b: date, kwargs: dict, expected: str) -> None:
    assert periode(a, b, **kwargs) == expected


@pytest.mark.parametrize(
    ("brief", "a", "b", "tussen", "expected"),
    [
        (BRIEF, D(2022, 9, 13), D(2022, 9, 14), False, "13 en 14 september jl."),
        (BRIEF, D(2022, 10, 21), D(2022, 10, 27), True, "tussen 21 en 27 oktober jl."),
        (BRIEF, D(2022, 9, 30), D(2022, 10, 2), False, "30 september tot en met 2 oktober jl."),
        (BRIEF, D(2022, 12, 12), D(2022, 12, 16), False, "12 tot en met 16 december a.s."),
        (BRIEF, D(2022, 12, 12), D(2022, 12, 16), True, "tussen 12 en 16 december a.s."),
        (BRIEF, D(2022, 10, 3), D(2022, 10, 3), False, "3 oktober jl."),
        # across a year boundary, still without years
        (D(2023, 3, 1), D(2022, 12, 30), D(2023, 1, 2), False, "30 december tot en met 2 januari jl."),
        (BRIEF, D(2022, 12, 30), D(2023, 1, 2), False, "30 december tot en met 2 januari a.s."),
        # the letter's date inside or at the edge of the period: with years
        (BRIEF, D(2022, 12, 5), D(2022, 12, 12), False, "5 tot en met 12 december 2022"),
        (BRIEF, D(2022, 12, 1), BRIEF, False, "1 tot en met 9 december 2022"),
        (BRIEF, BRIEF, D(2022, 12, 12), False, "9 tot en met 12 december 2022"),
        # jl. is decided by the end, a.s. by the start
        (BRIEF, D(2021, 12, 1), D(2021, 12, 9), False, "1 tot en met 9 december 2021"),
        (BRIEF, D(2021, 12, 1), D(2021, 12, 10), False, "1 december 2021 tot en met 10 december jl."),
        (BRIEF, D(2023, 12, 9), D(2023, 12, 12), False, "9 tot en met 12 december 2023"),
        (BRIEF, D(2023, 11, 1), D(2024, 1, 15), False, "1 november a.s. tot en met 15 januari 2024"),
        # same month in different years, both inside the window: the month is repeated
        (BRIEF, D(2021, 12, 10), D(2022, 12, 5), False, "10 december tot en met 5 december jl."),
        # leap day at the window's edge
        (D(2025, 2, 28), SCHRIKKEL, D(2024, 3, 1), False, "29 februari en 1 maart jl."),
        (D(2025, 3, 1), SCHRIKKEL, D(2024, 3, 1), False, "29 februari en 1 maart 2024"),
    ],
)
def test_periode_relatief(brief: date, a: date, b: date, tussen: bool, expected: str) -> None:
    assert periode(a, b, brief_datum=brief, relatief=True, tussen=tussen) == expected


def test_periode_einde_voor_begin_is_een_fout() -> None:
    with pytest.raises(ValueError, match="einddatum 13 september 2022 ligt vóór de begindatum 14 september"):
        periode(D(2022, 9, 14), D(2022, 9, 13))


def test_periode_weigert_wat_geen_datum_is() -> None:
    with pytest.raises(TypeError, match="periode verwacht een datum"):
        periode("x", D(2022, 9, 13))  # type: ignore[arg-type]


# --- getal -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (1234567, "1.234.567"),
        (2.5, "2,5"),
        (0, "0"),
        (0.0, "0"),
        (-0.0, "0"),
        (-1234, "-1.234"),
        (440000, "440.000"),
        (1234.5678, "1.234,5678"),
        (-2.75, "-2,75"),
        (Decimal("2.50"), "2,5"),
        (10**12, "1.000.000.000.000"),
    ],
)
def test_getal(x: object, expected: str) -> None:
    assert getal(x) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("x", "fout"), [(True, TypeError), ("12", TypeError), (None, TypeError), (float("nan"), ValueError)]
)
def test_getal_weigert(x: object, fout: type[Exception]) -> None:
    with pytest.raises(fout, match="getal verwacht een"):
        getal(x)  # type: ignore[arg-type]


# --- woorden -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "nul"),
        (1, "een"),
        (2, "twee"),
        (13, "dertien"),
        (18, "achttien"),
        (20, "twintig"),
        (21, "eenentwintig"),
        (22, "tweeëntwintig"),
        (23, "drieëntwintig"),
        (28, "achtentwintig"),
        (30, "dertig"),
        (43, "drieënveertig"),
        (80, "tachtig"),
        (99, "negenennegentig"),
        (100, "honderd"),
        (101, "honderdeen"),
        (122, "honderdtweeëntwintig"),
        (235, "tweehonderdvijfendertig"),
        (999, "negenhonderdnegenennegentig"),
        (1000, "duizend"),
        # official spelling: one word up to and including "duizend", then a space
        (1001, "duizend een"),
        (2500, "tweeduizend vijfhonderd"),
        (4002, "vierduizend twee"),
        (28064, "achtentwintigduizend vierenzestig"),
        (100000, "honderdduizend"),
        (381000, "driehonderdeenentachtigduizend"),
        (271850, "tweehonderdeenenzeventigduizend achthonderdvijftig"),
        # miljoen, miljard, biljoen are separate words
        (1_000_000, "een miljoen"),
        (3_000_000, "drie miljoen"),
        (2_220_222, "twee miljoen tweehonderdtwintigduizend tweehonderdtweeëntwintig"),
        (5_200_000_000, "vijf miljard tweehonderd miljoen"),
        (10**12, "een biljoen"),
        # whole numbers in another type
        (30.0, "dertig"),
        (Decimal(7), "zeven"),
    ],
)
def test_woorden(n: int, expected: str) -> None:
    assert woorden(n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "één"),
        (1_000_000, "één miljoen"),
        (1_000_001, "één miljoen een"),
        (30, "dertig"),
        (101, "honderdeen"),
        (1001, "duizend een"),
    ],
)
def test_woorden_met_nadruk(n: int, expected: str) -> None:
    assert woorden(n, nadruk=True) == expected


@pytest.mark.parametrize(
    ("n", "fout"),
    [
        (-1, ValueError),
        (2.5, ValueError),
        (Decimal("2.5"), ValueError),
        (float("inf"), ValueError),
        (True, TypeError),
        ("3", TypeError),
        (None, TypeError),
    ],
)
def test_woorden_weigert_wat_geen_heel_getal_vanaf_nul_is(n: object, fout: type[Exception]) -> None:
    with pytest.raises(fout, match="woorden werkt alleen voor hele getallen vanaf 0"):
        woorden(n)  # type: ignore[arg-type]


def test_woorden_te_groot() -> None:
    with pytest.raises(ValueError, match="999 biljoen"):
        woorden(10**15)


# --- bedrag ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "schaal", "expected"),
    [
        (1234.5, None, "€ 1.234,50"),
        (12, None, "€ 12,00"),
        (0, None, "€ 0,00"),
        (-1234.5, None, "€ -1.234,50"),  # Babel's nl_NL form for a negative amount
        (0.125, None, "€ 0,13"),  # half up, to the cent
        (2.675, None, "€ 2,68"),  # the decimal 2.675, not the binary float below it
        (Decimal("1234567.891"), None, "€ 1.234.567,89"),
        (2_500_000, "miljoen", "€ 2,5 miljoen"),
        (3_000_000, "miljoen", "€ 3 miljoen"),
        (1.25e9, "miljard", "€ 1,25 miljard"),
        (1_234_567, "miljoen", "€ 1,23 miljoen"),
        (1_235_000, "miljoen", "€ 1,24 miljoen"),
        (400_000, "miljoen", "€ 0,4 miljoen"),
        (1_500_000_000, "miljoen", "€ 1.500 miljoen"),
        (-2_500_000, "miljoen", "€ -2,5 miljoen"),
        (0, "miljoen", "€ 0 miljoen"),
    ],
)
def test_bedrag(x: object, schaal: str | None, expected: str) -> None:
    tekst = bedrag(x, schaal=schaal)  # type: ignore[arg-type]
    assert tekst == expected
    assert "\xa0" not in tekst


def test_bedrag_onbekende_schaal_noemt_de_toegestane() -> None:
    with pytest.raises(ValueError, match=r"'miljoen' of 'miljard'.*'biljoen'"):
        bedrag(10**12, schaal="biljoen")


@pytest.mark.parametrize("x", [True, "12", None])
def test_bedrag_weigert_wat_geen_getal_is(x: object) -> None:
    with pytest.raises(TypeError, match="bedrag verwacht een getal"):
        bedrag(x)  # type: ignore[arg-type]


# --- procent -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.055, "5,5%"),
        (0.5, "50%"),
        (0.0549, "5,5%"),
        (0.0545, "5,5%"),  # half up on the decimal value
        (0.0544, "5,4%"),
        (0.059, "5,9%"),
        (0.123, "12,3%"),
        (1, "100%"),
        (0, "0%"),
        (0.99999, "100%"),
        (12.5, "1.250%"),
        (-0.05, "-5%"),
        (-0.0004, "0%"),
        (Decimal("0.0545"), "5,5%"),
    ],
)
def test_procent(x: object, expected: str) -> None:
    assert procent(x) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("x", [True, "5%", None])
def test_procent_weigert_wat_geen_getal_is(x: object) -> None:
    with pytest.raises(TypeError, match="procent verwacht een getal"):
        procent(x)  # type: ignore[arg-type]


# --- opsomming ---------------------------------------------------------------------------------

LANDEN = ["Armenië", "Azerbeidzjan", "Georgië"]


@pytest.mark.parametrize(
    ("items", "voegwoord", "expected"),
    [
        (LANDEN, "en", "Armenië, Azerbeidzjan en Georgië"),
        (LANDEN, "of", "Armenië, Azerbeidzjan of Georgië"),
        (LANDEN[:2], "en", "Armenië en Azerbeidzjan"),
        (LANDEN[:2], "of", "Armenië of Azerbeidzjan"),
        (LANDEN[:1], "en", "Armenië"),
        ([], "en", ""),
        ([], "of", ""),
        ([1, 2, 3], "en", "1, 2 en 3"),
        ((land for land in LANDEN), "en", "Armenië, Azerbeidzjan en Georgië"),
    ],
)
def test_opsomming(items: object, voegwoord: str, expected: str) -> None:
    assert opsomming(items, voegwoord) == expected  # type: ignore[arg-type]


def test_opsomming_standaard_en() -> None:
    assert opsomming(LANDEN) == "Armenië, Azerbeidzjan en Georgië"


def test_opsomming_onbekend_voegwoord() -> None:
    with pytest.raises(ValueError, match="'en' of 'of'"):
        opsomming(LANDEN, "noch")


def test_opsomming_van_een_tekst_is_een_fout() -> None:
    with pytest.raises(TypeError, match="opsomming verwacht een lijst"):
        opsomming("Armenië")


@pytest.mark.parametrize(
    ("d", "relatief", "expected"),
    [
        (date(2022, 9, 13), False, "september 2022"),
        (date(2022, 9, 13), True, "september jl."),
        (date(2021, 9, 13), True, "september 2021"),
        (date(2023, 3, 1), True, "maart a.s."),
    ],
)
def test_datum_maand(d: date, relatief: bool, expected: str) -> None:
    assert datum(d, brief_datum=date(2022, 12, 9), relatief=relatief, maand=True) == expected
