"""``briefing new NAME [--soort antwoorden]``: a new letter that builds at once and shows the main features.

Writes ``facts/NAME.yaml`` and ``templates/NAME.md.j2`` (never over an existing
file), and in a new project the folders ``facts/``, ``templates/`` and an
``output/.gitignore``. The letter uses facts, the Dutch filters, numbered sections,
a footnote, a cross-reference, a list and a table, and holds no placeholders, so
``briefing build NAME`` works straight away. It is dated today; its other dates are
set around today, so that ``jl.`` and ``a.s.`` show. With ``soort="antwoorden"`` it is
the answers to written questions (DESIGN §4a): a cover letter, three questions, one
answer to the first and one combined answer to the other two, a footnote in a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from string import Template

from briefing.errors import InputError, UsageError
from briefing.facts import shared_files

__all__ = ["NAME", "Scaffold", "new_letter"]

# A file-name-safe letter name: letters (diacritics welcome), digits, '-' and '_'; it
# starts with a letter or digit ('_' would make it a shared-facts file).
NAME = re.compile(r"[^\W_][\w-]{0,79}")
FACT_NAMES = ("overleg", "programma", "resultaten", "deelnemers", "vervolg")
SOORTEN = ("kamerbrief", "antwoorden")  # brief.soort (briefing.antwoorden.SOORTEN)
_FACT_NAMES = {"kamerbrief": FACT_NAMES, "antwoorden": ("kamervragen", "programma")}


@dataclass(frozen=True, slots=True)
class Scaffold:
    """What :func:`new_letter` wrote."""

    facts: Path
    template: Path
    created: tuple[Path, ...]  # folders and files of a new project


def new_letter(
    name: str, project: str | Path = ".", today: date | None = None, soort: str = "kamerbrief"
) -> Scaffold:
    """Write a new letter ``name`` of type ``soort`` into ``project``; raise if a file is already there."""
    if soort not in SOORTEN:
        raise UsageError(f"onbekende soort '{soort}' (kies uit {', '.join(SOORTEN)})")
    if not NAME.fullmatch(name):
        raise UsageError(
            f"'{name}' is geen bruikbare naam voor een brief: gebruik letters, cijfers en '-', "
            "zonder spaties, bijvoorbeeld voortgang-programma"
        )
    root = Path(project)
    facts = root / "facts" / f"{name}.yaml"
    template = root / "templates" / f"{name}.md.j2"
    for path in (facts, template, facts.with_suffix(".yml")):
        if path.exists():
            raise InputError(
                "dit bestand bestaat al; briefing new overschrijft niets",
                path.relative_to(root), hint="kies een andere naam, of verwijder het bestand eerst",
            )
    clash = sorted({p.stem[1:] for p in shared_files(root)} & set(_FACT_NAMES[soort]))
    if clash:
        raise InputError(
            f"de nieuwe brief gebruikt de feitnaam '{clash[0]}', maar er is al een gedeeld "
            f"feitenbestand facts/_{clash[0]}.yaml", hint="hernoem daarna de feiten in de nieuwe brief",
        )

    created: list[Path] = []
    for folder in (root / "facts", root / "templates"):
        if not folder.is_dir():
            folder.mkdir(parents=True)
            created.append(folder)
    ignore = root / "output" / ".gitignore"
    if not (root / "output").exists():
        ignore.parent.mkdir(parents=True)
        ignore.write_text("# Gegenereerd door briefing: bouw opnieuw met 'briefing build'.\n*\n!.gitignore\n",
                          encoding="utf-8")
        created.append(ignore)

    today = today or date.today()
    # 'x' refuses to overwrite a file that appeared since the check above.
    with open(template, "x", encoding="utf-8", newline="\n") as fh:
        fh.write((TEMPLATE if soort == "kamerbrief" else TEMPLATE_ANTWOORDEN).substitute(name=name))
    try:
        with open(facts, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(_facts(name, today) if soort == "kamerbrief" else _facts_antwoorden(name, today))
    except FileExistsError:
        template.unlink()
        raise
    return Scaffold(facts, template, tuple(created))


def _facts(name: str, today: date) -> str:
    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    return FACTS.substitute(
        name=name, datum=today.isoformat(), kenmerk=f"BZ{today:%Y%m%d}", jaar=today.year - 1,
        verzoek=day(-24), bezoek_begin=day(-45), bezoek_eind=day(-43), volgend_overleg=day(40),
    )


FACTS = Template("""\
# Een nieuwe Kamerbrief, gemaakt met 'briefing new'. Pas de gegevens en feiten aan en bouw met
#   briefing build $name
# De tekst staat in templates/$name.md.j2; elke sleutel hieronder (behalve 'brief') is daar een feit.
brief:
  sjabloon: $name.md.j2
  datum: $datum
  betreft: Voortgang van het samenwerkingsprogramma met de Caribische landen
  kenmerk: $kenmerk
  afzender:
    organisatie: Ministerie van Buitenlandse Zaken
    onderdeel: Directie Westelijk Halfrond
    bezoekadres: [Rijnstraat 8, 2515 XP Den Haag]
    postadres: [Postbus 20061, 2500 EB Den Haag]
    website: www.rijksoverheid.nl/bz
  geadresseerde:
    - De Voorzitter van de Tweede Kamer
    - der Staten-Generaal
    - Postbus 20018
    - 2500 EA Den Haag
  slot: Hoogachtend,
  ondertekenaars:
    - {functie: "De minister van Buitenlandse Zaken,", naam: J.M. de Vries}

overleg:
  datum: $verzoek
  door: de vaste commissie voor Buitenlandse Zaken
  bezoek: {begin: $bezoek_begin, eind: $bezoek_eind}

programma:
  jaar: $jaar
  landen: [Aruba, Curaçao, Sint Maarten]
  budget: 12500000
  besteed: 0.874

resultaten:
  - een gezamenlijk plan voor de kustwacht
  - opleidingen voor 140 douanemedewerkers
  - een nieuw meldpunt voor ondermijning

deelnemers:
  Aruba: 1250
  Curaçao: 2340
  Sint Maarten: 860

vervolg:
  overleg: $volgend_overleg
""")

# Paragraphs are one line each in the file (as a word processor would save them).
TEMPLATE = Template("""\
{# De tekst van de brief '$name'. De feiten staan in facts/$name.yaml. #}
Op {{ overleg.datum | datum(relatief=True) }} vroeg {{ overleg.door }} mij om een overzicht van \
de voortgang van het samenwerkingsprogramma. Met deze brief kom ik aan dat verzoek tegemoet.

# Stand van zaken {#stand}

Het programma liep in {{ programma.jaar }} in {{ programma.landen | length | woorden }} landen: \
{{ programma.landen | opsomming }}. Van het budget van \
{{ programma.budget | bedrag(schaal="miljoen") }} is {{ programma.besteed | procent }} \
besteed.[^verantwoording] Tijdens het werkbezoek van \
{{ periode(overleg.bezoek.begin, overleg.bezoek.eind, relatief=True) }} heb ik de resultaten \
ter plaatse bekeken.

## Resultaten

De belangrijkste resultaten zijn:

{% for resultaat in resultaten %}
- {{ resultaat }}
{% endfor %}

## Deelnemers

| Land | Deelnemers |
|---|--:|
{% for land, aantal in deelnemers.items() %}
| {{ land }} | {{ aantal | getal }} |
{% endfor %}

# Vervolg {#vervolg}

Op {{ vervolg.overleg | datum(relatief=True) }} spreek ik opnieuw met de ministers van de drie \
landen, over de resultaten die in {{ ref("stand") }} staan. Ik informeer uw Kamer over de uitkomst.

[^verantwoording]: Jaarverslag Buitenlandse Zaken {{ programma.jaar }}, Kamerstuk 36 360 V, nr. 1.
""")


def _facts_antwoorden(name: str, today: date) -> str:
    return FACTS_ANTWOORDEN.substitute(
        name=name, datum=today.isoformat(), kenmerk=f"BZ{today:%Y%m%d}", jaar=today.year - 1,
        ingezonden=(today - timedelta(days=12)).isoformat(), nummer=f"{today.year}Z{today:%m%d}0",
    )


FACTS_ANTWOORDEN = Template("""\
# Antwoorden op Kamervragen, gemaakt met 'briefing new --soort antwoorden'. Pas de gegevens,
# de vragen en de feiten aan en bouw met
#   briefing build $name
# De aanbiedingsbrief en de antwoorden staan in templates/$name.md.j2.
brief:
  soort: antwoorden                      # een aanbiedingsbrief, dan op een nieuwe pagina de antwoorden
  sjabloon: $name.md.j2
  datum: $datum
  betreft: Beantwoording vragen van het lid Jansen over het samenwerkingsprogramma met de Caribische landen
  kenmerk: $kenmerk
  uw_kenmerk: $nummer
  afzender:
    organisatie: Ministerie van Buitenlandse Zaken
    onderdeel: Directie Westelijk Halfrond
    bezoekadres: [Rijnstraat 8, 2515 XP Den Haag]
    postadres: [Postbus 20061, 2500 EB Den Haag]
    website: www.rijksoverheid.nl/bz
  geadresseerde:
    - De Voorzitter van de Tweede Kamer
    - der Staten-Generaal
    - Postbus 20018
    - 2500 EA Den Haag
  ondertekenaars:
    - {functie: "De minister van Buitenlandse Zaken,", naam: J.M. de Vries}

# De vragen zoals de Kamer ze stelde (letterlijk); [^1] verwijst naar een noot hieronder.
kamervragen:
  kenmerk: $nummer
  ingezonden: $ingezonden
  leden:
    - {naam: Jansen, partij: GroenLinks}
  onderwerp: het samenwerkingsprogramma met de Caribische landen
  vragen:
    - Bent u bekend met het jaarverslag van het samenwerkingsprogramma over $jaar?[^1]
    - Hoeveel van het budget is besteed?
    - In welke landen liep het programma?
  noten:
    1: Jaarverslag Buitenlandse Zaken $jaar, Kamerstuk 36 360 V, nr. 1.

programma:
  jaar: $jaar
  landen: [Aruba, Curaçao, Sint Maarten]
  budget: 12500000
  besteed: 0.874
""")

TEMPLATE_ANTWOORDEN = Template("""\
{# De aanbiedingsbrief en de antwoorden van '$name'. De vragen staan in facts/$name.yaml. #}
Hierbij bied ik u de antwoorden aan op de schriftelijke vragen van \
{{ kamervragen | vragenstellers }} over {{ kamervragen.onderwerp }}, ingezonden op \
{{ kamervragen.ingezonden | datum(relatief=True) }}.

{# Elk antwoord begint met antwoord(n) op een eigen regel; antwoord(2, 3) beantwoordt er twee. #}
{{ antwoord(1) }}
Ja.

{{ antwoord(2, 3) }}
Van het budget van {{ programma.budget | bedrag(schaal="miljoen") }} is \
{{ programma.besteed | procent }} besteed, in {{ programma.landen | length | woorden }} landen: \
{{ programma.landen | opsomming }}.
""")
