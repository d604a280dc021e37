"""Loading letter files: what a valid one gives, and what each mistake says (file, line, hint)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from briefing.errors import FactsError, Problems
from briefing.facts import LetterFacts, letter_files, load_letter
from briefing.model import Afzender, Ondertekenaar
from briefing.schema import LETTER_SCHEMA, schema_json

FIXTURES = Path(__file__).parent / "fixtures" / "facts"
GELDIG = FIXTURES / "geldig"
FOUTEN = FIXTURES / "fouten"


def problems_of(project: Path, name: str) -> list[tuple[str | None, int | None, str, str | None]]:
    """Every problem of a letter file as (file, line, message, hint)."""
    with pytest.raises((FactsError, Problems)) as info:
        load_letter(project, project / "facts" / f"{name}.yaml")
    found = info.value.problems if isinstance(info.value, Problems) else [info.value]
    return [(p.file, p.line, p.message, p.hint) for p in found]


# --------------------------------------------------------------------------- a valid letter


@pytest.fixture(scope="module")
def letter() -> LetterFacts:
    return load_letter(GELDIG, GELDIG / "facts" / "brief.yaml")


def test_meta_of_a_full_letter(letter: LetterFacts) -> None:
    meta = letter.meta
    assert meta.betreft == "Verslag bezoek ambassadeur aan Armeens grensgebied"
    assert meta.datum == date(2022, 12, 9)
    assert meta.datum_tekst == "9 december 2022"
    assert (meta.kenmerk, meta.uw_kenmerk) == ("BZ2213517", "2022Z18725")
    assert meta.afzender == Afzender(
        organisatie="Ministerie van Buitenlandse Zaken",
        onderdeel="Directie Oostelijk Europa",
        bezoekadres=("Rijnstraat 8", "2515 XP Den Haag"),
        postadres=("Postbus 20061", "2500 EB Den Haag"),
        website="www.rijksoverheid.nl/bz",
        extra=(("Overheidsidentificatienr", "00000001003214369000"), ("Contactpersoon", "J. Jansen")),
    )
    assert meta.geadresseerde == ("De Voorzitter van de Tweede Kamer", "der Staten-Generaal")
    assert meta.aanhef == "Geachte mevrouw de voorzitter,"
    assert meta.slot == "Hoogachtend,"
    assert meta.ondertekenaars == (
        Ondertekenaar("De minister van Buitenlandse Zaken,", "W.B. Hoekstra"),
        Ondertekenaar(
            "De minister voor Buitenlandse Handel en Ontwikkelingssamenwerking,", "E.N.A.J. Schreinemacher"
        ),
    )
    assert meta.bijlagen == ("Verslag van de waarnemersmissie",)
    assert meta.nummering is False
    assert meta.concept is False


def test_facts_template_and_lines(letter: LetterFacts) -> None:
    assert letter.name == "brief"
    assert letter.template == GELDIG / "templates" / "brief.md.j2"
    assert letter.brief["datum"] == date(2022, 12, 9)
    assert letter.brief["sjabloon"] == "brief.md.j2"
    assert set(letter.facts) == {"gevechten", "slachtoffers", "grensgesprekken", "personen"}
    assert letter.facts["gevechten"] == {"begin": date(2022, 9, 13), "eind": date(2022, 9, 14)}
    assert letter.facts["slachtoffers"] == {"armenië": 207, "azerbeidzjan": 80}
    assert letter.lines["brief"] == 2
    assert letter.lines["brief.datum"] == 4
    assert letter.lines["brief.ondertekenaars.1"] == 24
    assert letter.lines["brief.ondertekenaars.1.naam"] == 25
    assert letter.lines["gevechten.eind"] == 31
    assert letter.lines["slachtoffers.armenië"] == 32


def test_shared_facts_are_available_under_their_name(letter: LetterFacts) -> None:
    assert letter.facts["personen"] == {"minister": "W.B. Hoekstra", "gezant": "Toivo Klaar"}
    assert letter.shared_files == (GELDIG / "facts" / "_personen.yaml",)


def test_defaults_and_a_name_with_diacritics() -> None:
    facts = load_letter(GELDIG, GELDIG / "facts" / "minimaal-café.yaml")
    assert facts.name == "minimaal-café"
    assert facts.template == GELDIG / "templates" / "sub" / "kort.md.j2"
    meta = facts.meta
    assert meta.aanhef == "Geachte voorzitter,"
    assert meta.nummering is True
    assert (meta.slot, meta.uw_kenmerk) == (None, None)
    assert (meta.geadresseerde, meta.bijlagen, meta.afzender.extra) == ((), (), ())
    assert meta.ondertekenaars == (Ondertekenaar("De minister,", "Ö. Çelik"),)
    assert meta.datum_tekst == "30 mei 2023"


def test_letter_files_skip_shared_and_other_files() -> None:
    assert [p.name for p in letter_files(GELDIG)] == ["brief.yaml", "minimaal-café.yaml"]
    assert letter_files(FIXTURES / "bestaat-niet") == []


def test_a_file_saved_on_windows_loads_the_same(tmp_path: Path, letter: LetterFacts) -> None:
    shutil.copytree(GELDIG, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "facts" / "brief.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    windows = load_letter(tmp_path, path)
    assert windows.meta == letter.meta
    assert windows.facts == letter.facts
    assert windows.lines == letter.lines
    assert windows.meta.betreft == "Verslag bezoek ambassadeur aan Armeens grensgebied"  # no \r left


def test_a_quoted_iso_date_is_accepted(tmp_path: Path) -> None:
    shutil.copytree(GELDIG, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "facts" / "brief.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("datum: 2022-12-09", 'datum: "2022-12-09"'))
    facts = load_letter(tmp_path, path)
    assert facts.meta.datum == facts.brief["datum"] == date(2022, 12, 9)


# --------------------------------------------------------------------------- mistakes

MISTAKES = {
    "dubbel": [(11, "sleutel 'armenie' komt twee keer voor", "eerder op regel 9")],
    "ontbreekt": [(1, "ontbrekende sleutel 'betreft' in brief", None)],
    "tikfout": [
        (4, "onbekende sleutel 'betref' in brief", "bedoelde u 'betreft'?"),
        (8, "onbekende sleutel 'websit' in afzender", "bedoelde u 'website'?"),
    ],
    "typen": [
        (
            3,
            "'datum' is geen geldige datum: '9 december 2022'",
            "schrijf de datum als JJJJ-MM-DD zonder aanhalingstekens, bijvoorbeeld 2022-12-09",
        ),
        (
            5,
            "'kenmerk' moet een tekst zijn, niet een getal",
            "zet de waarde tussen aanhalingstekens, zodat YAML haar als tekst leest (en niets weglaat)",
        ),
        (
            8,
            "'afzender.bezoekadres' moet een lijst zijn, niet een tekst",
            "schrijf een lijst: [Rijnstraat 8] of met '- ' per regel",
        ),
        (
            9,
            "'afzender.extra.Overheidsidentificatienr' moet een tekst zijn, niet een getal",
            "zet de waarde tussen aanhalingstekens, zodat YAML haar als tekst leest (en niets weglaat)",
        ),
        (
            10,
            "'ondertekenaars' moet een lijst zijn, niet een tekst",
            "schrijf een lijst, per element '- functie: …' met daaronder 'naam: …'",
        ),
        (11, "'nummering' moet true of false zijn, niet een tekst", "schrijf true of false"),
    ],
    "ongeldige-datum": [
        (3, "ongeldige datum '2022-13-01'", "een datum schrijft u als JJJJ-MM-DD, bijvoorbeeld 2022-12-09"),
        (9, "ongeldige datum '2022-09-31'", "een datum schrijft u als JJJJ-MM-DD, bijvoorbeeld 2022-12-09"),
    ],
    "botsing": [
        (
            9,
            "feit 'personen' bestaat ook als gedeeld feitenbestand facts/_personen.yaml",
            "hernoem het feit, of gebruik het gedeelde 'personen'",
        )
    ],
    "sjabloon": [
        (
            2,
            "sjabloon 'armenie-azerbijdzjan.md.j2' bestaat niet in templates/",
            "bedoelde u 'armenie-azerbeidzjan.md.j2'?",
        )
    ],
    "buiten": [
        (
            2,
            "sjabloon '../facts/_personen.yaml' ligt buiten templates/",
            "geef de naam ten opzichte van templates/, bijvoorbeeld brief.md.j2",
        )
    ],
    "syntax": [
        (
            4,
            "hier kan geen 'sleutel: waarde' staan",
            "staat er een ': ' in een tekst? Zet de tekst dan tussen aanhalingstekens",
        )
    ],
    "geen-brief": [
        (1, "ontbrekende sleutel 'brief' in het bestand",
         "bijvoorbeeld brief: met daaronder sjabloon, datum, betreft, … (zie briefing new)"),
    ],
    "lijst": [(1, "een briefbestand bestaat uit sleutels ('brief:' en feiten), niet uit een lijst", None)],
    "leeg-slot": [
        (7, "'slot' moet een tekst zijn, niet leeg", "vul een waarde in, of laat de sleutel weg"),
        (8, "'ondertekenaars' mag niet leeg zijn", "geef er minstens één"),
        (9, "'ref' is de naam van een sjabloonfunctie en kan geen feit zijn", "kies een andere naam"),
    ],
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_mistake_names_file_line_and_hint(name: str) -> None:
    expected = [(f"facts/{name}.yaml", *problem) for problem in MISTAKES[name]]
    assert problems_of(FOUTEN, name) == expected


def test_a_yaml_syntax_error_has_a_column() -> None:
    with pytest.raises(FactsError) as info:
        load_letter(FOUTEN, FOUTEN / "facts" / "syntax.yaml")
    assert (info.value.line, info.value.column) == (4, 18)
    assert str(info.value).startswith("facts/syntax.yaml:4:18: hier kan geen")


def test_a_duplicate_key_has_a_column() -> None:
    with pytest.raises(FactsError) as info:
        load_letter(FOUTEN, FOUTEN / "facts" / "dubbel.yaml")
    assert (info.value.line, info.value.column) == (11, 3)


def test_every_letter_of_the_fixture_fails() -> None:
    assert {p.stem for p in letter_files(FOUTEN)} == set(MISTAKES)


def test_problems_in_a_shared_file_reach_every_letter(tmp_path: Path) -> None:
    shutil.copytree(GELDIG, tmp_path, dirs_exist_ok=True)
    (tmp_path / "facts" / "_landen.yaml").write_text("armenie: Armenië\narmenie: Armenia\n", encoding="utf-8")
    assert problems_of(tmp_path, "brief") == [
        ("facts/_landen.yaml", 2, "sleutel 'armenie' komt twee keer voor", "eerder op regel 1")
    ]


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    shutil.copytree(GELDIG, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "facts" / "brief.yaml"
    path.write_bytes(path.read_bytes().replace("armenië".encode(), "armenië".encode("latin-1")))
    assert problems_of(tmp_path, "brief") == [
        ("facts/brief.yaml", 32, "het bestand is geen geldige UTF-8-tekst", "sla het bestand op als UTF-8")
    ]


# --------------------------------------------------------------------------- the schema


def test_schema_is_valid_draft_2020_12_and_printable() -> None:
    jsonschema.Draft202012Validator.check_schema(LETTER_SCHEMA)
    assert json.loads(schema_json()) == LETTER_SCHEMA
    brief = LETTER_SCHEMA["properties"]["brief"]
    assert brief["required"] == ["sjabloon", "datum", "betreft", "kenmerk", "afzender", "ondertekenaars"]
    assert brief["properties"]["datum"] == {
        "type": "string",
        "title": "Datum",
        "description": "De datum van de brief, als JJJJ-MM-DD zonder aanhalingstekens: 2022-12-09.",
        "format": "date",
        "examples": ["2022-12-09"],
    }
    assert all("description" in p for p in brief["properties"].values())


def test_schema_accepts_the_example_as_an_editor_sees_it() -> None:
    """Editors read YAML dates as text: the example letter must pass the plain schema."""
    import yaml

    root = Path(__file__).resolve().parent.parent
    text = (root / "facts" / "armenie-azerbeidzjan.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, yaml.BaseLoader)
    assert list(jsonschema.Draft202012Validator(LETTER_SCHEMA).iter_errors(data)) == []
