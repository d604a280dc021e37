"""The JSON Schema of a letter file, and its validation with Dutch, line-numbered messages.

The schema is the one description of the ``brief:`` mapping (DESIGN §2): editors read
it for completion and tooltips (``briefing schema``), and :func:`validate` checks a
loaded letter against it, turning each ``jsonschema`` error into a :class:`FactsError`
that names the YAML line and, for a misspelt key, the closest valid one.

Two decisions worth knowing:

- ``datum`` is a YAML date (``2022-12-09``, unquoted). JSON has no date type, so the
  schema says ``{"type": "string", "format": "date"}`` for editors, and
  :func:`validate` turns Python dates into ISO text before checking, with the
  ``date`` format enforced. ``datum: 9 december 2022`` or ``2022-13-01`` is an error.
- Text fields (``kenmerk``, ``extra`` values, …) must be text. A value YAML reads as a
  number (``kenmerk: 2213517``, an identification number) is rejected with the hint to
  quote it, rather than silently turned into text: YAML may already have changed it
  (leading zeros, ``0123`` read as octal, ``1_000``), so only the author knows the text.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing import _compat
from briefing.errors import FactsError

if TYPE_CHECKING:
    from jsonschema import ValidationError

__all__ = ["BRIEF_KEYS", "LETTER_SCHEMA", "kind_of", "schema_json", "validate"]


def _text(title: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "title": title, "description": description, **extra}


def _lines(title: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "array", "title": title, "description": description, "items": {"type": "string"}, **extra}


_AFZENDER: dict[str, Any] = {
    "type": "object",
    "title": "Afzender",
    "description": "De afzender, gedrukt in de rechterkolom (colofon) van de eerste pagina.",
    "required": ["organisatie"],
    "additionalProperties": False,
    "properties": {
        "organisatie": _text(
            "Organisatie", "Naam van het ministerie, bijvoorbeeld 'Ministerie van Buitenlandse Zaken'.",
            minLength=1,
        ),
        "onderdeel": _text("Onderdeel", "Directie of afdeling, bijvoorbeeld 'Directie Oostelijk Europa'."),
        "bezoekadres": _lines("Bezoekadres", "Regels van het bezoekadres: [Rijnstraat 8, 2515 XP Den Haag]."),
        "postadres": _lines("Postadres", "Regels van het postadres: [Postbus 20061, 2500 EB Den Haag]."),
        "website": _text("Website", "Bijvoorbeeld 'www.rijksoverheid.nl/bz'."),
        "extra": {
            "type": "object",
            "title": "Extra regels",
            "description": (
                "Extra regels in het colofon, als label: tekst, in deze volgorde. "
                "Zet nummers tussen aanhalingstekens: {Overheidsidentificatienr: \"00000001003214369000\"}."
            ),
            "additionalProperties": {"type": "string"},
        },
    },
}

_ONDERTEKENAAR: dict[str, Any] = {
    "type": "object",
    "title": "Ondertekenaar",
    "description": "Eén ondertekenaar: functie en naam.",
    "required": ["functie", "naam"],
    "additionalProperties": False,
    "properties": {
        "functie": _text("Functie", "Bijvoorbeeld 'De minister van Buitenlandse Zaken,'.", minLength=1),
        "naam": _text("Naam", "Bijvoorbeeld 'W.B. Hoekstra'.", minLength=1),
    },
}

_LID: dict[str, Any] = {
    "type": "object",
    "title": "Kamerlid",
    "description": "Een lid dat de vragen stelde: naam en partij, zoals in de titel van de vragen.",
    "required": ["naam", "partij"],
    "additionalProperties": False,
    "properties": {
        "naam": _text("Naam", "Bijvoorbeeld 'Sjoerdsma'.", minLength=1),
        "partij": _text("Partij", "Bijvoorbeeld 'D66'.", minLength=1),
    },
}

_KAMERVRAGEN: dict[str, Any] = {
    "type": "object",
    "title": "Kamervragen",
    "description": (
        "De schriftelijke vragen die deze brief beantwoordt (bij brief.soort: antwoorden). "
        "De vragen zijn de letterlijke tekst van de Kamer; de antwoorden staan in het sjabloon, "
        "elk na {{ antwoord(n) }} op een eigen regel."
    ),
    "required": ["kenmerk", "ingezonden", "leden", "onderwerp", "vragen"],
    "additionalProperties": False,
    "properties": {
        "kenmerk": _text("Kenmerk van de vragen", "Het nummer van de Kamer, bijvoorbeeld '2022Z17254'.",
                         minLength=1),
        "ingezonden": _text(
            "Ingezonden", "De datum waarop de vragen zijn ingezonden, als JJJJ-MM-DD: 2022-09-15.",
            format="date", examples=["2022-09-15"],
        ),
        "leden": {
            "type": "array",
            "title": "Leden",
            "description": "Wie de vragen stelde: een of meer leden, elk met naam en partij.",
            "minItems": 1,
            "items": _LID,
        },
        "aan": _text("Aan", "Aan wie de vragen gesteld zijn, zoals in de titel: 'de minister van …'."),
        "onderwerp": _text(
            "Onderwerp", "Waarover de vragen gaan, na 'over': 'de Azerbeidzjaanse aanval op …'.", minLength=1
        ),
        "antwoorden_van": _text(
            "Antwoorden van",
            "Wie antwoordt, na 'Antwoorden van'; standaard de functie van de eerste ondertekenaar "
            "('de minister van Buitenlandse Zaken').",
        ),
        "vragen": {
            "type": "array",
            "title": "Vragen",
            "description": (
                "De vragen, op volgorde (vraag 1, 2, …), letterlijk; alleen [^label] verwijst naar "
                "een voetnoot uit 'noten'."
            ),
            "minItems": 1,
            "items": {"type": "string", "minLength": 1},
        },
        "noten": {
            "type": "object",
            "title": "Noten",
            "description": "De voetnoten van de vragen, per label: {1: 'NOS, 13 september 2022.'}.",
            "additionalProperties": {"type": "string", "minLength": 1},
        },
    },
}

_BRIEF: dict[str, Any] = {
    "type": "object",
    "title": "Brief",
    "description": "De gegevens van de brief zelf; alle andere sleutels bovenaan het bestand zijn feiten.",
    "required": ["sjabloon", "datum", "betreft", "kenmerk", "afzender", "ondertekenaars"],
    "additionalProperties": False,
    "properties": {
        "soort": {
            "type": "string",
            "title": "Soort document",
            "description": (
                "'kamerbrief' (standaard): een brief aan de Kamer. 'antwoorden': de beantwoording van "
                "schriftelijke Kamervragen: een aanbiedingsbrief en, vanaf een nieuwe pagina, elke vraag "
                "met haar antwoord; de vragen staan onder kamervragen:."
            ),
            "enum": ["kamerbrief", "antwoorden"],
            "default": "kamerbrief",
        },
        "sjabloon": _text(
            "Sjabloon", "Het sjabloon van de tekst, ten opzichte van templates/: 'naam.md.j2'.", minLength=1
        ),
        "datum": _text(
            "Datum", "De datum van de brief, als JJJJ-MM-DD zonder aanhalingstekens: 2022-12-09.",
            format="date", examples=["2022-12-09"],
        ),
        "betreft": _text("Betreft", "Het onderwerp van de brief.", minLength=1),
        "kenmerk": _text(
            "Ons kenmerk", "Het kenmerk van de afzender, gedrukt als 'Ons kenmerk'.", minLength=1
        ),
        "uw_kenmerk": _text("Uw kenmerk", "Het kenmerk van de Kamer (bijv. 2022Z18725), als 'Uw kenmerk'."),
        "afzender": _AFZENDER,
        "geadresseerde": _lines(
            "Geadresseerde", "Regels van het adres: [De Voorzitter van de Tweede Kamer, …, 2500 EA Den Haag]."
        ),
        "aanhef": _text("Aanhef", "De aanhef; standaard 'Geachte voorzitter,'."),
        "slot": _text("Slot", "Optionele slotregel boven de ondertekening, bijvoorbeeld 'Hoogachtend,'."),
        "ondertekenaars": {
            "type": "array",
            "title": "Ondertekenaars",
            "description": "Eén of meer ondertekenaars, elk met functie en naam.",
            "minItems": 1,
            "items": _ONDERTEKENAAR,
        },
        "bijlagen": _lines(
            "Bijlagen", "Titels van de bijlagen; het colofon toont hun aantal als 'Bijlage(n)'."
        ),
        "nummering": {
            "type": "boolean",
            "title": "Nummering",
            "description": "Nummer de paragraafkoppen (1, 1.1, …); standaard true.",
            "default": True,
        },
    },
}

LETTER_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:briefing:letter",
    "title": "Kamerbrief (briefing)",
    "description": (
        "Een briefbestand facts/<brief>.yaml: 'brief' bevat de gegevens van de brief, "
        "elke andere sleutel is een feit dat het sjabloon als variabele kent."
    ),
    "type": "object",
    "required": ["brief"],
    "properties": {"brief": _BRIEF, "kamervragen": _KAMERVRAGEN},
    "additionalProperties": True,
}

BRIEF_KEYS: tuple[str, ...] = tuple(_BRIEF["properties"])


@functools.cache
def _validator() -> Any:
    """The compiled schema; jsonschema is imported only here (≈ 0.1 s), when a letter is
    validated, so that an unchanged build or ``briefing schema`` does without it."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(LETTER_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


_TYPE_NAMES = {
    "string": "een tekst",
    "array": "een lijst",
    "object": "een mapping (sleutel: waarde)",
    "boolean": "true of false",
    "integer": "een geheel getal",
    "number": "een getal",
    "null": "leeg",
}


def schema_json() -> str:
    """The schema as pretty-printed JSON (for ``briefing schema`` and editors)."""
    return json.dumps(LETTER_SCHEMA, indent=2, ensure_ascii=False) + "\n"


def validate(data: Mapping[str, Any], lines: Mapping[str, int], file: str | Path | None) -> list[FactsError]:
    """Every schema problem of a loaded letter file, as Dutch errors with YAML lines.

    ``lines`` maps dotted paths (``brief.afzender.extra``, ``brief.ondertekenaars.0``)
    to 1-based line numbers, as :mod:`briefing.facts` builds them.
    """
    instance = _for_validation(data)
    problems: list[FactsError] = []
    for error in _validator().iter_errors(instance):
        problems.extend(_translate(error, lines, file))
    # 'betref' both misses 'betreft' and is unknown: the hint on the unknown key says it all.
    meant = {(m[3], p.hint) for p in problems if (m := _KEY_PROBLEM.match(p.message)) and m[1] == "onbekende"}
    problems = [
        p for p in problems
        if not ((m := _KEY_PROBLEM.match(p.message)) and m[1] == "ontbrekende"
                and (m[3], f"bedoelde u '{m[2]}'?") in meant)
    ]
    problems.sort(key=lambda p: (p.line or 0, p.message))
    return problems


# --------------------------------------------------------------------------- internals

_KEY_PROBLEM = re.compile(r"^(ontbrekende|onbekende) sleutel '(.*)' in (.*)$")


def _for_validation(data: Mapping[str, Any]) -> Any:
    """A copy in which ``brief.datum`` and ``kamervragen.ingezonden`` (YAML dates) are ISO
    text, as the schema expects."""
    for key, field in (("brief", "datum"), ("kamervragen", "ingezonden")):
        mapping = data.get(key)
        if not isinstance(mapping, Mapping) or field not in mapping:
            continue
        value = mapping[field]
        if isinstance(value, date):  # a datetime's isoformat has a time: not a valid date
            value = value.isoformat()
        data = {**data, key: {**mapping, field: value}}
    return data


def _dotted(path: Iterable[Any]) -> str:
    return ".".join(str(p) for p in path)


def _shown(path: Iterable[Any]) -> str:
    """A path as the author reads it: ``afzender.extra``, ``ondertekenaars[1].naam`` (from 1)."""
    parts = list(path)
    if parts[:1] == ["brief"] and len(parts) > 1:
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _line(lines: Mapping[str, int], path: list[Any]) -> int | None:
    """The line of a path, or of its nearest ancestor that has one."""
    for n in range(len(path), -1, -1):
        line = lines.get(_dotted(path[:n]))
        if line is not None:
            return line
    return None


def kind_of(value: Any) -> str:
    """What the author wrote, in words: 'een tekst', 'een lijst', 'een getal', …."""
    if value is None:
        return "leeg"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "een getal"
    if isinstance(value, datetime):
        return "een datum met tijd"
    if isinstance(value, date):
        return "een datum"
    if isinstance(value, str):
        return "een tekst"
    if isinstance(value, list):
        return "een lijst"
    if isinstance(value, dict):
        return "een mapping (sleutel: waarde)"
    return type(value).__name__


def _translate(error: ValidationError, lines: Mapping[str, int], file: str | Path | None) -> list[FactsError]:
    path = list(error.absolute_path)
    where = _shown(path) or "het bestand"
    line = _line(lines, path)
    kind = error.validator

    if kind == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        missing = [k for k in error.validator_value if k not in present]
        missing = _compat.jsonschema_required(error.message, missing)
        return [
            FactsError(f"ontbrekende sleutel '{key}' in {where}", file, line, hint=_required_hint(key))
            for key in missing
        ]

    if kind == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        problems = []
        for key in error.instance:
            if key in known:
                continue
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = f"bedoelde u '{close[0]}'?" if close else "toegestaan: " + ", ".join(known)
            key_line = _line(lines, [*path, key])
            problems.append(FactsError(f"onbekende sleutel '{key}' in {where}", file, key_line, hint=hint))
        return problems

    if kind == "type":
        expected = error.validator_value
        wanted = _TYPE_NAMES.get(expected, str(expected))
        got = kind_of(error.instance)
        hint = None
        if expected == "string" and isinstance(error.instance, int | float | date) and not isinstance(
            error.instance, bool
        ):
            hint = "zet de waarde tussen aanhalingstekens, zodat YAML haar als tekst leest (en niets weglaat)"
        elif expected == "string" and isinstance(error.instance, bool):
            hint = "zet de waarde tussen aanhalingstekens; YAML leest ja/nee-woorden als true/false"
        elif error.instance is None:
            hint = "vul een waarde in, of laat de sleutel weg"
        elif expected == "array" and error.schema.get("items", {}).get("type") == "object":
            hint = "schrijf een lijst, per element '- functie: …' met daaronder 'naam: …'"
        elif expected == "array" and isinstance(error.instance, str):
            hint = f"schrijf een lijst: [{error.instance}] of met '- ' per regel"
        elif expected == "boolean":
            hint = "schrijf true of false"
        return [FactsError(f"'{where}' moet {wanted} zijn, niet {got}", file, line, hint=hint)]

    if kind == "format" and error.validator_value == "date":
        return [
            FactsError(
                f"'{where}' is geen geldige datum: '{error.instance}'", file, line,
                hint="schrijf de datum als JJJJ-MM-DD zonder aanhalingstekens, bijvoorbeeld 2022-12-09",
            )
        ]

    if kind == "enum":
        options = [str(o) for o in error.validator_value]
        close = difflib.get_close_matches(str(error.instance), options, n=1, cutoff=0.5)
        hint = f"bedoelde u '{close[0]}'?" if close else "kies uit " + ", ".join(options)
        return [FactsError(f"'{where}' kan niet '{error.instance}' zijn", file, line, hint=hint)]

    if kind == "minItems":
        return [FactsError(f"'{where}' mag niet leeg zijn", file, line, hint="geef er minstens één")]

    if kind == "minLength":
        return [FactsError(f"'{where}' mag niet leeg zijn", file, line)]

    return [FactsError(f"'{where}' is ongeldig: {error.message}", file, line)]  # pragma: no cover


def _required_hint(key: str) -> str | None:
    examples = {
        "sjabloon": "sjabloon: naam.md.j2 (een bestand in templates/)",
        "datum": "datum: 2022-12-09",
        "ondertekenaars": "ondertekenaars: [{functie: 'De minister van …,', naam: …}]",
        "afzender": "afzender: {organisatie: Ministerie van …}",
        "brief": "brief: met daaronder sjabloon, datum, betreft, … (zie briefing new)",
        "ingezonden": "ingezonden: 2022-09-15",
        "leden": "leden: [{naam: Sjoerdsma, partij: D66}]",
        "vragen": "vragen: ['Bent u bekend met …?', 'Hoeveel …?']",
    }
    return f"bijvoorbeeld {examples[key]}" if key in examples else None

