"""What a letter says differently since its last build: changed facts and changed sentences.

The letter as it would be built now is compared with the snapshot of the last build
(:mod:`briefing.snapshot`). Text is compared as a reader sees it: the letter is cut
into units (colofon lines, paragraphs, list items, table rows, footnotes), grouped by
section; units are aligned, then the sentences of a changed unit, then the words of a
changed sentence (``difflib.SequenceMatcher`` on word tokens). Facts are compared as
dotted paths (``slachtoffers.armeense_soldaten``), shared facts under their file's
name (``personen.minister_bz``).

The word-level primitives (tokens, sentences, word diffs, alignment) live in
:mod:`briefing.align`, shared with the redline writer and ``absorb``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing import huisstijl
from briefing.align import Piece, align, opcodes, sentences, similarity, tokens, word_diff
from briefing.model import (
    Block,
    BlockQuote,
    Footnote,
    Heading,
    Inline,
    Letter,
    ListBlock,
    NoteRef,
    Paragraph,
    Table,
    plain_text,
)

# --------------------------------------------------------------------------- the letter as units


@dataclass(frozen=True, slots=True)
class Unit:
    """A piece of a letter that a reader sees as one: a paragraph, a row, a colofon line."""

    section: str
    kind: str
    text: str


def units(letter: Letter) -> list[Unit]:
    """The letter's text in reading order, each unit labelled with its section."""
    meta = letter.meta
    out: list[Unit] = []
    head = "Briefhoofd"
    for group in huisstijl.colofon(meta):
        lines = ", ".join(group.lines)
        out.append(Unit(head, "colofon", f"{group.label}: {lines}" if group.label else lines))
    out.append(Unit(head, "adres", ", ".join(meta.geadresseerde)))
    out.append(Unit(head, "datum", f"{huisstijl.DATUM_LABEL} {meta.datum_tekst}"))
    out.append(Unit(head, "betreft", f"{huisstijl.BETREFT_LABEL} {meta.betreft}"))
    out.append(Unit(head, "aanhef", meta.aanhef))
    section = "Inleiding"
    for block in letter.blocks:
        if isinstance(block, Heading):
            title = _text(block.inlines)
            section = f"{block.number} {title}" if block.number else title
        _block_units(block, section, out)
    slot = "Slot"
    if meta.slot:
        out.append(Unit(slot, "slot", meta.slot))
    out.extend(Unit(slot, "ondertekening", f"{s.functie} {s.naam}") for s in meta.ondertekenaars)
    out.extend(Unit(slot, "bijlage", line) for line in huisstijl.bijlagen_regels(meta))
    for part in letter.parts:  # the answers: each question and answer under its label
        out.append(Unit("Antwoorden", "titel", _text(part.title)))
        for answer in part.answers:
            for question in answer.questions:
                out.append(Unit(question.label, "vraag", _text(question.inlines)))
            for block in answer.blocks:
                _block_units(block, answer.label, out)
    for note in sorted(letter.footnotes, key=lambda n: n.number or 0):
        out.append(Unit("Voetnoten", "voetnoot", _note_text(note)))
    return out


def _block_units(block: Block, section: str, out: list[Unit]) -> None:
    if isinstance(block, Heading):
        out.append(Unit(section, "kop", _text(block.inlines)))
    elif isinstance(block, Paragraph):
        out.append(Unit(section, "alinea", _text(block.inlines)))
    elif isinstance(block, ListBlock):
        for item in block.items:
            for child in item.blocks:
                _block_units(child, section, out)
    elif isinstance(block, Table):
        if block.caption:
            out.append(Unit(section, "bijschrift", _text(block.caption)))
        for row in (block.header, *block.rows):
            out.append(Unit(section, "tabel", " | ".join(_text(cell) for cell in row)))
    elif isinstance(block, BlockQuote):
        for child in block.blocks:
            _block_units(child, section, out)
    else:
        raise TypeError(f"diff: unknown block {type(block).__name__}")


def _text(inlines: tuple[Inline, ...]) -> str:
    """Plain text with footnote calls as ``[^n]`` and line breaks as spaces."""
    out = []
    for node in inlines:
        if isinstance(node, NoteRef):
            out.append(f"[^{node.number if node.number is not None else node.label}]")
        elif hasattr(node, "children"):
            out.append(_text(node.children))
        else:
            out.append(plain_text((node,)).replace("\n", " "))
    return "".join(out)


def _note_text(note: Footnote) -> str:
    parts: list[Unit] = []
    for block in note.blocks:
        _block_units(block, "", parts)
    return f"[^{note.number}] " + " ".join(u.text for u in parts)


# --------------------------------------------------------------------------- the comparison


@dataclass(frozen=True, slots=True)
class SentenceChange:
    """One sentence that changed: removed (``new`` None), added (``old`` None) or edited."""

    old: str | None
    new: str | None
    pieces: tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class SectionChanges:
    """The changed sentences of one section (by its title, numbered as printed)."""

    title: str
    sentences: tuple[SentenceChange, ...]


MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


@dataclass(frozen=True, slots=True)
class FactChange:
    """A fact that changed, was added (``old`` MISSING) or removed (``new`` MISSING)."""

    path: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class Report:
    """Everything that differs between two builds of a letter."""

    facts: tuple[FactChange, ...]
    sections: tuple[SectionChanges, ...]

    @property
    def unchanged(self) -> bool:
        """True when neither the facts nor the text differ."""
        return not self.facts and not self.sections


def compare(old: Letter, new: Letter, old_facts: Mapping[str, Any] | None = None,
            new_facts: Mapping[str, Any] | None = None) -> Report:
    """Compare two letters (and, if given, their JSON-safe facts)."""
    a, b = units(old), units(new)
    sections: dict[str, list[SentenceChange]] = {}

    def score(i: int, j: int) -> float | None:
        return similarity(a[i].text, b[j].text) if a[i].kind == b[j].kind else None

    for i, j in align([(u.kind, u.text) for u in a], [(u.kind, u.text) for u in b], score):
        if i is not None and j is not None and a[i].text == b[j].text:
            continue
        title = b[j].section if j is not None else a[i].section
        changes = _sentence_changes(a[i].text if i is not None else "", b[j].text if j is not None else "")
        if changes:
            sections.setdefault(title, []).extend(changes)
    report_sections = tuple(SectionChanges(t, tuple(c)) for t, c in sections.items())
    facts = fact_changes(old_facts or {}, new_facts or {})
    return Report(tuple(facts), report_sections)


def _sentence_changes(old: str, new: str) -> list[SentenceChange]:
    a, b = sentences(old), sentences(new)
    out = []
    for i, j in align(a, b, lambda i, j: similarity(a[i], b[j])):
        if i is None:
            out.append(SentenceChange(None, b[j], (("+", b[j]),)))
        elif j is None:
            out.append(SentenceChange(a[i], None, (("-", a[i]),)))
        elif a[i] != b[j]:
            out.append(SentenceChange(a[i], b[j], tuple(word_diff(a[i], b[j]))))
    return out


def fact_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FactChange]:
    """Changed, added and removed facts as dotted paths, in the order of the new facts."""
    a, b = _leaves(old), _leaves(new)
    out = []
    for path in [*b, *(p for p in a if p not in b)]:
        before, after = a.get(path, MISSING), b.get(path, MISSING)
        if before is MISSING or after is MISSING or before != after or type(before) is not type(after):
            out.append(FactChange(path, before, after))
    return out


def _leaves(data: Any, prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    out = {} if out is None else out
    if isinstance(data, Mapping) and data:
        for key, value in data.items():
            _leaves(value, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(data, list) and prefix and any(isinstance(v, Mapping | list) for v in data):
        for i, value in enumerate(data):  # a list of scalars is one value; of records, one per item
            _leaves(value, f"{prefix}[{i}]", out)
    elif prefix:
        out[prefix] = data
    return out


# --------------------------------------------------------------------------- the report as text

# Removed text red and struck through, added text green and underlined (as Word shows them),
# so the marks survive for readers who do not tell red from green.
RED, GREEN, BOLD, RESET = "\x1b[31;9m", "\x1b[32;4m", "\x1b[1m", "\x1b[0m"


def format_report(name: str, report: Report | None, color: bool = False) -> str:
    """The report as ``briefing diff`` prints it; ``None`` means there was no earlier build."""
    if report is None:
        return (f"{name}: nog niet eerder gebouwd, dus niets om mee te vergelijken "
                f"(bouw eerst: briefing build {name})\n")
    if report.unchanged:
        return f"{name}: geen verschillen sinds de laatste build\n"

    def bold(text: str) -> str:
        return f"{BOLD}{text}{RESET}" if color else text

    lines = [f"{name}: verschillen sinds de laatste build", ""]
    if report.facts:
        lines.append(bold("Gewijzigde feiten"))
        lines += [f"  {c.path}: {value_text(c.old)} → {value_text(c.new)}" for c in report.facts]
    else:
        lines.append("Geen feiten gewijzigd (de tekst veranderde door het sjabloon of de huisstijl).")
    lines.append("")
    if report.sections:
        lines.append(bold("Gewijzigde tekst"))
        for section in report.sections:
            lines.append(f"  {bold(section.title)}")
            for change in section.sentences:
                mark = "+" if change.old is None else "-" if change.new is None else "~"
                lines.append(f"    {mark} {_marked(change, color)}")
    else:
        lines.append("De tekst is niet veranderd.")
    return "\n".join(lines) + "\n"


def _marked(change: SentenceChange, color: bool) -> str:
    if change.old is None or change.new is None:
        text = change.new if change.old is None else change.old
        return f"{GREEN if change.old is None else RED}{text}{RESET}" if color else text
    out = []
    for op, text in change.pieces:
        if op == "=":
            out.append(text)
        elif color:
            out.append(f"{RED if op == '-' else GREEN}{text}{RESET}")
        else:
            out.append(f"[-{text}-]" if op == "-" else f"{{+{text}+}}")
    return "".join(out)


def value_text(value: Any) -> str:
    """A fact's value as the report prints it: ``(geen)`` for a missing one, ``(leeg)`` for null."""
    if value is MISSING:
        return "(geen)"
    if value is None:
        return "(leeg)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value and value == value.strip() and "\n" not in value:
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


# --------------------------------------------------------------------------- the operation


@dataclass(frozen=True, slots=True)
class Comparison:
    """The outcome of ``briefing diff``: the letter's name and its report (None: no earlier build)."""

    name: str
    report: Report | None

    def text(self, color: bool = False) -> str:
        """The report as printed."""
        return format_report(self.name, self.report, color)


def diff(letter: str | Path, project: str | Path = ".") -> Comparison:
    """Compare ``letter`` as it would be built now with the snapshot of its last build.

    Placeholders do not stop the comparison (the letter is prepared as a draft); any
    other input problem is raised as by ``check``."""
    from briefing import snapshot
    from briefing.build import prepare, resolve_letters

    root = Path(project).resolve()
    (path,) = resolve_letters(root, [letter])
    prepared = prepare(root, path, draft=True)
    previous = snapshot.load(root / "output", path.stem)
    if previous is None:
        return Comparison(path.stem, None)
    facts = snapshot.letter_facts(prepared.facts)
    return Comparison(path.stem, compare(previous.letter, prepared.letter, previous.facts, facts))


__all__ = [
    "Comparison", "FactChange", "Report", "SectionChanges", "SentenceChange", "align", "compare", "diff",
    "fact_changes", "format_report", "opcodes", "sentences", "similarity", "tokens", "units", "value_text",
    "word_diff",
]
