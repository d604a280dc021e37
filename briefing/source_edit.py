"""Small, exact edits of the user's sources: a value in a YAML file, a stretch of a template.

A YAML value is replaced **in place**: only the characters of that scalar change, so
comments, key order, quoting and indentation stay as the author wrote them (the
notes of the absorb prototype: a round-trip dumper re-indented unrelated lines). The
edited text is read back to check that exactly that value changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

import yaml

_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def split_path(path: str) -> list[str | int]:
    """``slachtoffers.armeense_soldaten`` → ``["slachtoffers", "armeense_soldaten"]``;
    ``overig[1].naam`` → ``["overig", 1, "naam"]``."""
    out: list[str | int] = []
    for m in _STEP.finditer(path):
        out.append(m[1] if m[1] is not None else int(m[2]))
    return out


class EditError(ValueError):
    """The value cannot be written in place (it is not a plain value, or the file changed shape)."""


def _loader(text: str) -> yaml.SafeLoader:
    return yaml.SafeLoader(text)


def _node(text: str, path: Sequence[str | int]) -> yaml.Node:
    loader = _loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    for step in path:
        if isinstance(node, yaml.MappingNode):
            found = None
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                    found = value
            if found is None:
                raise EditError(f"'{step}' staat niet in het bestand")
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            raise EditError(f"'{step}' staat niet in het bestand")
    return node


def value_line(text: str, path: Sequence[str | int]) -> int | None:
    """The (1-based) line of the value at ``path``, if it is there."""
    try:
        return _node(text, path).start_mark.line + 1
    except (EditError, yaml.YAMLError):
        return None


def set_value(text: str, path: Sequence[str | int], value: Any) -> str:
    """``text`` with the scalar (or the items of a list of scalars) at ``path`` set to ``value``."""
    node = _node(text, path)
    if isinstance(node, yaml.SequenceNode) and isinstance(value, list):
        if len(node.value) != len(value) or not all(isinstance(n, yaml.ScalarNode) for n in node.value):
            raise EditError(
                "een lijst met een ander aantal elementen kan niet op zijn plaats worden aangepast"
            )
        out = text
        for item, new in sorted(zip(node.value, value, strict=True), key=lambda t: -t[0].start_mark.index):
            out = out[: item.start_mark.index] + _scalar(new, item.style) + out[item.end_mark.index :]
        edited = out
    elif isinstance(node, yaml.ScalarNode):
        edited = text[: node.start_mark.index] + _scalar(value, node.style) + text[node.end_mark.index :]
    else:
        raise EditError("geen enkele waarde")
    _check(text, edited, path, value)
    return edited


def _scalar(value: Any, style: str | None) -> str:
    """``value`` as YAML, in the quoting the author used where it can keep its meaning."""
    if isinstance(value, bool) or value is None:
        raise EditError("alleen tekst, getallen en data worden aangepast")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    if style == "'" and "\n" not in text:
        return "'" + text.replace("'", "''") + "'"
    if style == '"':
        return json.dumps(text, ensure_ascii=False)
    if _plain_ok(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _plain_ok(text: str) -> bool:
    """Whether ``text`` reads back as this very string when written without quotes."""
    if not text or text != text.strip() or "\n" in text or " #" in text or ": " in text:
        return False
    try:
        return yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        return False


def _check(before: str, after: str, path: Sequence[str | int], value: Any) -> None:
    """Exactly the value at ``path`` changed, to ``value``."""
    try:
        old, new = yaml.safe_load(before), yaml.safe_load(after)
    except yaml.YAMLError as exc:
        raise EditError(f"het bestand zou onleesbaar worden ({exc})") from None
    target = new
    for step in path[:-1]:
        target = target[step]
    if target[path[-1]] != value:
        raise EditError("de nieuwe waarde leest anders terug")
    probe = old
    for step in path[:-1]:
        probe = probe[step]
    probe[path[-1]] = value
    if old != new:
        raise EditError("er zou meer veranderen dan deze ene waarde")


def replace_spans(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, replacement)`` applied; the spans may not overlap."""
    out = text
    last = len(text) + 1
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        if end > last:
            raise EditError("twee wijzigingen overlappen elkaar")
        out = out[:start] + new + out[end:]
        last = start
    return out


__all__ = ["EditError", "replace_spans", "set_value", "split_path", "value_line"]
