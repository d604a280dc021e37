"""The template side of the answers to written questions (``brief.soort: antwoorden``, DESIGN §4a).

- :func:`antwoord` is the template function ``{{ antwoord(1) }}`` / ``{{ antwoord(2, 3) }}``:
  it prints a marker line that :mod:`briefing.parts` turns into the start of an answer.
  The marker carries the template and line it was written on, so that every problem
  with the answers (a question answered twice, a number that is not a question) names
  the template line.
- :func:`check_facts`: ``soort: antwoorden`` without ``kamervragen:`` is an input error.
- :func:`vragenstellers` is the filter ``{{ kamervragen | vragenstellers }}``:
  ``het lid Sjoerdsma (D66)``, ``de leden Sjoerdsma (D66) en Brekelmans (VVD)``.

No I/O; nothing here knows the document model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from jinja2 import Undefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from briefing import _compat, dutch
from briefing.errors import FactsError, TemplateError

__all__ = ["MARKER", "SOORTEN", "antwoord", "check_facts", "vragenstellers"]

SOORTEN = ("kamerbrief", "antwoorden")  # brief.soort: the document types
# The line antwoord() prints: numbers, template line, template name. Facts cannot make
# one (finalize escapes '<'), and no author types it.
MARKER = re.compile(r"<<antwoord (?P<numbers>[0-9,]+)\|(?P<line>[0-9]*)\|(?P<name>[^\n]*?)>>")


@pass_context
def antwoord(context: Context, *numbers: Any) -> Markup:
    """``{{ antwoord(2, 3) }}``: one answer to questions 2 and 3 starts here (on its own line)."""
    for value in numbers:
        if isinstance(value, Undefined):
            value._fail_with_undefined_error()
    brief = context.get("brief")
    soort = brief.get("soort", "kamerbrief") if isinstance(brief, Mapping) else "kamerbrief"
    if soort != "antwoorden":
        raise TemplateError(
            "antwoord(…) hoort alleen in een beantwoording van Kamervragen",
            hint="zet 'soort: antwoorden' onder brief: en de vragen onder kamervragen:",
        )
    if not numbers:
        raise TemplateError(
            "antwoord() zonder vraagnummer",
            hint="schrijf {{ antwoord(1) }}, of {{ antwoord(2, 3) }} voor één antwoord op twee vragen",
        )
    for value in numbers:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise TemplateError(
                f"antwoord({', '.join(repr(n) for n in numbers)}): {value!r} is geen vraagnummer",
                hint="een vraagnummer is een geheel getal vanaf 1: {{ antwoord(1) }}",
            )
    name, line = _compat.template_place()
    listed = ",".join(str(n) for n in numbers)
    return Markup(f"<<antwoord {listed}|{line or ''}|{name or ''}>>")


def vragenstellers(value: Any) -> str:
    """``het lid Sjoerdsma (D66)`` or ``de leden Sjoerdsma (D66) en Brekelmans (VVD)``.

    ``value`` is the ``kamervragen`` mapping or its ``leden`` list; each member has a
    ``naam`` and a ``partij``.
    """
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    leden = value.get("leden") if isinstance(value, Mapping) else value
    if not isinstance(leden, Sequence) or isinstance(leden, str) or not leden:
        raise TypeError("vragenstellers verwacht kamervragen, of de lijst kamervragen.leden")
    names = []
    for lid in leden:
        if not isinstance(lid, Mapping) or not lid.get("naam") or not lid.get("partij"):
            raise TypeError("vragenstellers: elk lid heeft een naam en een partij: {naam: …, partij: …}")
        names.append(f"{lid['naam']} ({lid['partij']})")
    return ("het lid " if len(names) == 1 else "de leden ") + dutch.opsomming(names)


def check_facts(data: Mapping[str, Any], lines: Mapping[str, int], file: Any) -> list[FactsError]:
    """A letter with ``soort: antwoorden`` needs its questions under ``kamervragen:``."""
    brief = data.get("brief")
    if not isinstance(brief, Mapping) or brief.get("soort") != "antwoorden" or "kamervragen" in data:
        return []
    return [
        FactsError(
            "een beantwoording van Kamervragen (soort: antwoorden) heeft 'kamervragen:' nodig",
            file, lines.get("brief.soort"),
            hint="zet onder kamervragen: het kenmerk, ingezonden, leden, onderwerp en de vragen "
            "(zie briefing new NAAM --soort antwoorden)",
        )
    ]
