"""What a build produced, kept as JSON so that a later build can be compared with it.

A snapshot holds the numbered document model (every node a JSON object with a
``"type"`` tag, tuples as lists, dates as ISO strings) and the letter's facts,
shared facts included (JSON-safe: dates as ISO strings). ``build`` writes one per
letter next to the manifest, ``output/.briefing/<letter>.snapshot.json``, after a
successful build; ``briefing diff`` and the redline compare against it.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from briefing import model
from briefing.errors import OutputError
from briefing.outputs import STATE_DIR, Transaction, write_atomic

FORMAT = 1  # bump when the JSON shape changes; other versions read as "no snapshot"

# Every dataclass of the model, by its type tag.
NODES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        model.Text, model.Emph, model.Strong, model.Code, model.Link, model.LineBreak, model.NoteRef,
        model.Ref, model.Heading, model.Paragraph, model.ListItem, model.ListBlock, model.Table,
        model.BlockQuote, model.Footnote, model.Afzender, model.Ondertekenaar, model.Meta, model.Letter,
        model.Question, model.Answer, model.AnswersPart,
    )
}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A letter as an earlier build left it."""

    letter: model.Letter
    facts: dict[str, Any]
    sources: dict[str, str] = dataclasses.field(default_factory=dict)  # project path → text, as built


def path_for(output: Path, name: str) -> Path:
    """Where the snapshot of letter ``name`` lives."""
    return output / STATE_DIR / f"{name}.snapshot.json"


# --------------------------------------------------------------------------- model ⇄ JSON


def to_json(node: Any) -> Any:
    """A model node (or a value inside one) as JSON-ready data."""
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        out: dict[str, Any] = {"type": type(node).__name__}
        for f in dataclasses.fields(node):
            out[f.name] = to_json(getattr(node, f.name))
        return out
    if isinstance(node, tuple | list):
        return [to_json(item) for item in node]
    if isinstance(node, date):
        return node.isoformat()
    return node


def from_json(data: Any) -> Any:
    """The inverse of :func:`to_json`: tagged objects back to dataclasses, lists to tuples."""
    if isinstance(data, list):
        return tuple(from_json(item) for item in data)
    if not isinstance(data, dict):
        return data
    tag = data.get("type")
    cls = NODES.get(tag) if isinstance(tag, str) else None
    if cls is None:
        raise ValueError(f"unknown node type {tag!r}")
    hints = _hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        value = from_json(data[f.name])
        if hints.get(f.name) is date and isinstance(value, str):
            value = date.fromisoformat(value)
        values[f.name] = value
    return cls(**values)


def _hints(cls: type, cache: dict[type, dict[str, Any]] = {}) -> dict[str, Any]:  # noqa: B006
    if cls not in cache:
        cache[cls] = typing.get_type_hints(cls)
    return cache[cls]


def facts_json(facts: Any) -> Any:
    """Facts as JSON-safe data: mappings with string keys, lists, dates as ISO strings."""
    if isinstance(facts, Mapping):
        return {str(k): facts_json(v) for k, v in facts.items()}
    if isinstance(facts, list | tuple | set | frozenset):
        items = [facts_json(v) for v in facts]
        return sorted(items, key=repr) if isinstance(facts, set | frozenset) else items
    if isinstance(facts, datetime | date | time):
        return facts.isoformat()
    if facts is None or isinstance(facts, bool | int | float | str):
        return facts
    return str(facts)


def letter_facts(loaded: Any) -> dict[str, Any]:
    """The facts of a loaded letter (``facts.LetterFacts``): its ``brief`` metadata, its
    own facts and the shared facts (under their file's name, ``personen``)."""
    return facts_json({"brief": loaded.brief, **loaded.facts})


# --------------------------------------------------------------------------- files


def dumps(letter: model.Letter, facts: Mapping[str, Any], sources: Mapping[str, str] | None = None) -> bytes:
    """The snapshot file's bytes: stable (sorted keys), so equal builds give equal files.

    ``sources`` are the texts the letter was built from (its facts file, its templates, the
    shared facts it reads), by project path: ``briefing absorb`` works against them."""
    data = {"briefing-snapshot": FORMAT, "letter": to_json(letter), "facts": facts_json(facts)}
    if sources:
        data["sources"] = dict(sources)
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def loads(blob: bytes) -> Snapshot:
    """Read a snapshot; ``ValueError`` when it is not one this version can read."""
    data = json.loads(blob.decode("utf-8"))
    if not isinstance(data, dict) or data.get("briefing-snapshot") != FORMAT:
        raise ValueError("not a snapshot of this format")
    letter = from_json(data["letter"])
    if not isinstance(letter, model.Letter):
        raise ValueError("the snapshot holds no letter")
    facts = data.get("facts")
    sources = data.get("sources")
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        sources = {}
    return Snapshot(letter, facts if isinstance(facts, dict) else {}, sources)


def save(
    output: Path, name: str, letter: model.Letter, facts: Mapping[str, Any],
    sources: Mapping[str, str] | None = None, transaction: Transaction | None = None,
) -> Path:
    """Write the snapshot of a successful build atomically (as part of ``transaction``, if
    given); return its path."""
    path = path_for(output, name)
    if transaction is not None:
        transaction.stage(path, dumps(letter, facts, sources))
    else:
        write_atomic(path, dumps(letter, facts, sources))
    return path


def load(output: Path, name: str) -> Snapshot | None:
    """The snapshot of the last build of ``name``, or None if there was none.

    Raises :class:`OutputError` when the file exists but cannot be read (damaged, or
    written by another version of briefing)."""
    path = path_for(output, name)
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"{path}: kan de vorige build niet lezen ({exc.strerror or exc})") from None
    try:
        return loads(blob)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise OutputError(f"{path}: de vorige build is onleesbaar ({exc})") from None


__all__ = ["Snapshot", "dumps", "facts_json", "from_json", "load", "loads", "path_for", "save", "to_json"]
