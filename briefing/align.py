"""Pure alignment of texts: words, sentences, and sequences of units — and a word-level merge.

The one module below ``diff`` (change reports), the redline writer and ``absorb``
(Word edits back into the sources). No imports from the package: text in, pairs and
pieces out. ``difflib.SequenceMatcher`` does the matching, on word tokens.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from difflib import SequenceMatcher

# --------------------------------------------------------------------------- words and sentences

# A word keeps inner dots, commas, hyphens and apostrophes (1.234,50, EU-proces, a.s);
# punctuation at its end and every run of whitespace are tokens of their own, so the
# tokens of a text join back into exactly that text.
_TOKEN = re.compile(r"\s+|\w(?:[\w.,'’/-]*\w)?|[^\w\s]")

# Abbreviations after which a sentence never ends (a number, a name or more text follows).
NEVER_FINAL = frozenset({
    "nr", "nrs", "no", "art", "artt", "blz", "pag", "p", "bijv", "bv", "vgl", "ca", "resp", "mr", "dr",
    "drs", "ir", "ing", "prof", "mw", "mevr", "dhr", "st", "sr", "jr", "o.l.v", "d.w.z", "t.a.v",
    "m.b.t", "i.v.m", "t.b.v", "i.p.v", "n.a.v", "o.b.v", "m.u.v", "m.i.v", "t.o.v", "i.o.m", "i.s.m",
    "m.a.w", "o.m", "z.g", "zgn", "a.d.h.v", "incl", "excl", "min", "max", "jan", "feb", "mrt", "apr",
    "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dec", "vs",
})
# Abbreviations that may also close a sentence: they end one only before a capital.
MAY_END = frozenset({"jl", "a.s", "enz", "etc", "e.a", "e.d", "e.v", "d.c", "v.chr", "n.chr", "o.a", "c.s"})
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]|[A-Z]")  # W.B, E.N.A.J, D.C, a single initial
_BOUNDARY = re.compile(r"([.!?…]+)([\"'’”)\]]*)(\s+)(?=\S)")
_OPENING = "\"'‘“([«"


def tokens(text: str) -> list[str]:
    """``text`` as word, punctuation and whitespace tokens; ``"".join`` gives it back."""
    return _TOKEN.findall(text)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, stripped.

    Splits after ``.``, ``!``, ``?`` or ``…`` followed by whitespace and a capital, a
    digit or an opening quote — but never after an abbreviation such as ``o.l.v.``,
    ``nr.`` or an initial (``W.B. Hoekstra``), and after ``jl.``, ``a.s.`` or ``D.C.``
    only before a capital (``… 12 september jl. Nederland steunt …``: Dutch puts the
    verb, in lower case, right after a fronted ``Op 3 oktober jl.``)."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        before = text[start : m.start()].split()
        word = before[-1].lstrip(_OPENING) if before else ""
        if _ends_sentence(word, m.group(1), text[m.end()]):
            out.append(text[start : m.end()].strip())
            start = m.end()
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def _ends_sentence(word: str, punct: str, following: str) -> bool:
    if punct == ".":
        lower = word.lower()
        if lower in MAY_END:
            return following.isupper()
        if lower in NEVER_FINAL or _INITIALS.fullmatch(word):
            return False
    return following.isupper() or following.isdigit() or following in _OPENING


def opcodes(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """``SequenceMatcher`` opcodes for two token lists, with changes that are separated
    only by whitespace merged into one ``replace`` (``[-13 en 14-]{+15+}``, not three
    changes), so that a change reads as a phrase. Either range may be empty."""
    out: list[tuple[str, int, int, int, int]] = []
    for op in SequenceMatcher(None, list(a), list(b), autojunk=False).get_opcodes():
        tag, _, i2, _, j2 = op
        if tag != "equal" and out and out[-1][0] != "equal":
            prev = out.pop()
            out.append(("replace", prev[1], i2, prev[3], j2))
        elif (tag != "equal" and len(out) >= 2 and out[-2][0] != "equal"
              and all(t.isspace() for t in a[out[-1][1] : out[-1][2]])):
            out.pop()
            prev = out.pop()
            out.append(("replace", prev[1], i2, prev[3], j2))
        else:
            out.append(op)
    return out


Piece = tuple[str, str]  # ("=", text) unchanged, ("-", text) removed, ("+", text) added


def word_diff(old: str, new: str) -> list[Piece]:
    """``old`` → ``new`` as unchanged, removed and added pieces, word by word."""
    a, b = tokens(old), tokens(new)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        if tag == "equal":
            pieces.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("+", "".join(b[j1:j2])))
    return pieces


def similarity(old: str, new: str) -> float:
    """How alike two texts are, 0–1, by their words."""
    a = [t for t in tokens(old) if not t.isspace()]
    b = [t for t in tokens(new) if not t.isspace()]
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def align(
    old: Sequence[Hashable],
    new: Sequence[Hashable],
    score: Callable[[int, int], float | None],
    threshold: float = 0.3,
) -> list[tuple[int | None, int | None]]:
    """Pair the items of two sequences by their keys, in order.

    Equal keys pair first (longest matching blocks). Within a replaced stretch, items
    pair where ``score(i, j)`` (None: never) is at least ``threshold`` — or always,
    when one item replaces one item; the rest are removed ``(i, None)`` or added
    ``(None, j)``."""
    out: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, list(old), list(new), autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        elif tag == "delete":
            out.extend((i, None) for i in range(i1, i2))
        elif tag == "insert":
            out.extend((None, j) for j in range(j1, j2))
        else:
            out.extend(_pair(range(i1, i2), range(j1, j2), score, threshold))
    return out


def _pair(olds: range, news: range, score, threshold: float) -> list[tuple[int | None, int | None]]:
    """The best ordered pairing of a replaced stretch (dynamic programming on scores)."""
    n, m = len(olds), len(news)
    scores = [[score(i, j) for j in news] for i in olds]
    if n == m == 1 and scores[0][0] is not None:
        return [(olds[0], news[0])]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(n - 1, -1, -1):
        for b in range(m - 1, -1, -1):
            s = scores[a][b]
            take = s + best[a + 1][b + 1] if s is not None and s >= threshold else -1.0
            best[a][b] = max(best[a + 1][b], best[a][b + 1], take)
    out: list[tuple[int | None, int | None]] = []
    a = b = 0
    while a < n and b < m:
        s = scores[a][b]
        if s is not None and s >= threshold and best[a][b] == s + best[a + 1][b + 1]:
            out.append((olds[a], news[b]))
            a, b = a + 1, b + 1
        elif best[a][b] == best[a + 1][b]:
            out.append((olds[a], None))
            a += 1
        else:
            out.append((None, news[b]))
            b += 1
    out.extend((olds[i], None) for i in range(a, n))
    out.extend((None, news[j]) for j in range(b, m))
    return out


# --------------------------------------------------------------------------- word-level 3-way merge


class MergeConflict(ValueError):
    """Both sides changed the same words differently; ``base``/``ours``/``theirs`` hold them."""

    def __init__(self, base: str, ours: str, theirs: str) -> None:
        super().__init__(f"{base!r}: {ours!r} ≠ {theirs!r}")
        self.base, self.ours, self.theirs = base, ours, theirs


def _hunks(a: list[str], b: list[str]) -> list[tuple[int, int, list[str]]]:
    """The changes that turn ``a`` into ``b``: (start, end in ``a``, replacement tokens)."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [(i1, i2, b[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def merge3(base: str, ours: str, theirs: str) -> str:
    """Combine two edits of ``base`` word by word (a template paragraph is one line, so a
    line-level merge would call every two edits of one paragraph a conflict).

    Changes to different words are both kept; the same change on both sides counts once;
    different changes to the same (or touching) words raise :class:`MergeConflict`."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    a = tokens(base)
    tagged = sorted(
        [(h, 0) for h in _hunks(a, tokens(ours))] + [(h, 1) for h in _hunks(a, tokens(theirs))],
        key=lambda t: (t[0][0], t[0][1]),
    )
    # Group hunks whose base ranges overlap or touch: each group is merged as one region.
    groups: list[tuple[int, int, list[tuple[tuple[int, int, list[str]], int]]]] = []
    for hunk, side in tagged:
        if groups and hunk[0] <= groups[-1][1]:
            start, end, members = groups[-1]
            groups[-1] = (start, max(end, hunk[1]), [*members, (hunk, side)])
        else:
            groups.append((hunk[0], hunk[1], [(hunk, side)]))
    out: list[str] = []
    pos = 0
    for start, end, members in groups:
        out.extend(a[pos:start])
        sides = [[h for h, s in members if s == k] for k in (0, 1)]
        mine_text, other_text = (_apply(a, start, end, hs) for hs in sides)
        if sides[0] and sides[1] and mine_text != other_text:
            raise MergeConflict("".join(a[start:end]), "".join(mine_text), "".join(other_text))
        out.extend(mine_text if sides[0] else other_text)
        pos = end
    out.extend(a[pos:])
    return "".join(out)


def _apply(a: list[str], start: int, end: int, hunks: list[tuple[int, int, list[str]]]) -> list[str]:
    """``a[start:end]`` with ``hunks`` (inside that range, in order) applied."""
    out: list[str] = []
    pos = start
    for i1, i2, repl in hunks:
        out.extend(a[pos:i1])
        out.extend(repl)
        pos = i2
    out.extend(a[pos:end])
    return out


__all__ = [
    "MergeConflict", "Piece", "align", "merge3", "opcodes", "sentences", "similarity", "tokens", "word_diff",
]
