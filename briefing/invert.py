"""Values that might print as a given text: the candidates for inverting a filter.

``absorb`` knows what a fact printed and what the user typed instead; a filter such as
``getal``, ``woorden``, ``bedrag`` or ``datum(relatief=True)`` cannot be run backwards,
so the candidates of the fact's kind are listed here and each is checked by rendering it
forward. More than one candidate that fits (``datum(maand=True)``: every day of the month)
means the edit is ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from briefing import dutch

_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")


def candidates(current: Any, text: str, letter_date: date | None) -> Iterable[Any]:
    """Values of the current value's kind that might print as ``text``."""
    if isinstance(current, bool) or current is None:
        return []
    if isinstance(current, date):
        return _dates(text, letter_date)
    if isinstance(current, int | float):
        return _numbers(text, isinstance(current, int))
    if isinstance(current, str):
        return [text, text.strip()]
    if isinstance(current, list) and all(isinstance(v, str) for v in current):
        parts = re.split(r",\s*|\s+(?:en|of)\s+", text.strip())
        return [[p for p in parts if p]]
    return []


def _numbers(text: str, whole: bool) -> list[Any]:
    values: list[Any] = []
    for m in _NUMBER.finditer(text):
        raw = m.group(0).replace(".", "").replace(",", ".")
        x = float(raw)
        for scaled in (x, x * 1e3, x * 1e6, x * 1e9, x / 100):
            values.append(scaled)
    words = _word_numbers().get(text.strip().lower())
    if words is not None:
        values.append(words)
    out: list[Any] = []
    for v in values:
        v = round(v, 10)
        if v == int(v):
            out.append(int(v))
        if not whole:
            out.append(float(v))
    return list(dict.fromkeys(out))


_WORDS: dict[str, int] = {}


def _word_numbers() -> dict[str, int]:
    if not _WORDS:
        for n in range(0, 1001):
            _WORDS[dutch.woorden(n)] = n
            _WORDS[dutch.woorden(n, nadruk=True)] = n
    return _WORDS


def _dates(text: str, letter_date: date | None) -> list[date]:
    lowered = text.lower()
    m = re.search(r"(\d{1,2})\s+(" + "|".join(_MONTHS) + r")(?:\s+(\d{4}))?", lowered)
    out: list[date] = []
    if m:
        day, month = int(m.group(1)), _MONTHS.index(m.group(2)) + 1
        years = (
            [int(m.group(3))]
            if m.group(3)
            else ([letter_date.year - 1, letter_date.year, letter_date.year + 1] if letter_date else [])
        )
        for y in years:
            try:
                out.append(date(y, month, day))
            except ValueError:
                continue
        return out
    m = re.search(r"(" + "|".join(_MONTHS) + r")(?:\s+(\d{4}))?", lowered)
    if m and letter_date:  # a month only: every day of it (more than one fits: ambiguous)
        month = _MONTHS.index(m.group(1)) + 1
        years = (
            [int(m.group(2))]
            if m.group(2)
            else [letter_date.year - 1, letter_date.year, letter_date.year + 1]
        )
        for y in years:
            d = date(y, month, 1)
            while d.month == month:
                out.append(d)
                d += timedelta(days=1)
    return out


__all__ = ["candidates"]
