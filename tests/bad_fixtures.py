"""The format of a bad-input case (tests/fixtures/bad/<case>/edits.txt), read by the tests
and by benchmarks/hostile.py."""

from __future__ import annotations

import re
from pathlib import Path


def fixture_bytes(text: str) -> bytes:
    """Fixture text → bytes: ``<U+000B>`` is a character, ``<0xE9>`` a raw byte."""
    out = b""
    for part in re.split(r"(<U\+[0-9A-Fa-f]{4,6}>|<0x[0-9A-Fa-f]{2}>)", text):
        if part.startswith("<U+"):
            out += chr(int(part[3:-1], 16)).encode("utf-8", "surrogatepass")
        elif part.startswith("<0x"):
            out += bytes([int(part[3:-1], 16)])
        else:
            out += part.encode("utf-8")
    return out


def apply_edits(path: Path, project: Path) -> None:
    """An ``edits.txt`` applied to ``project``: per ``@@ file`` block, the ``-`` lines replaced
    by the ``+`` lines (exactly once), or the file written when there are no ``-`` lines."""
    if not path.exists():
        return
    blocks: list[tuple[str, list[str], list[str]]] = []
    for line in path.read_text(encoding="utf-8").split("\n")[:-1]:
        if line.startswith("@@ "):
            blocks.append((line[3:], [], []))
        elif line.startswith("-"):
            blocks[-1][1].append(line[1:])
        elif line.startswith("+"):
            blocks[-1][2].append(line[1:])
        else:
            raise ValueError(f"{path}: unreadable line {line!r}")
    for file, old, new in blocks:
        target = project / file
        if not old:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(fixture_bytes("\n".join(new)))
            continue
        data = target.read_bytes()
        before = fixture_bytes("\n".join(old))
        assert data.count(before) == 1, f"{path.parent.name}: fixture drift, {before!r} not once in {file}"
        target.write_bytes(data.replace(before, fixture_bytes("\n".join(new))))
