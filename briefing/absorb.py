"""Word edits back into the sources: ``briefing absorb``.

The way back mirrors the way forward. The last build's sources (kept in its snapshot)
are rendered again with tracing (:mod:`briefing.origins`), so every character of every
paragraph knows its origin. The edited DOCX is read (:mod:`briefing.docx_read`: the
accepted view) and aligned with the DOCX that build wrote, paragraph by paragraph and
word by word (:mod:`briefing.align`). Each edit is then sorted:

- inside literal template text → a change of the template (Markdown characters escaped);
- replacing what one fact printed → a new value for that fact, found by inverting the
  filter (candidates checked by rendering them forward), written into the YAML in place;
- a letterhead field (Betreft, kenmerk, a signatory …) → its ``brief:`` key;
- anything else → a conflict, with the reason (and the fact's path where one is involved).

The acceptance rule: the sources *as built*, with the absorbed changes, must render to
exactly the edited DOCX, paragraph for paragraph; an edit that does not is a conflict.
Changes made to the sources since the build are merged in word by word (the same words
or the same fact changed on both sides is a conflict). Nothing is written without
``apply``; with conflicts, nothing is written unless ``partial``.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import itertools
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from briefing import align, huisstijl, outputs, snapshot
from briefing.docx_read import DocParagraph, DocxReadError, Span, read_docx
from briefing.errors import BriefingError, InputError, OutputError, Problems, UsageError
from briefing.invert import candidates
from briefing.model import Letter
from briefing.origins import Char, Trace, Unit, body_units, note_units
from briefing.source_edit import EditError, replace_spans, set_value, split_path, value_line

# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True)
class FactChange:
    """A new value for a fact (or a ``brief:`` key), in the file that holds it."""

    path: str  # as in `briefing diff`: slachtoffers.armeense_soldaten, brief.betreft, personen.x
    file: str  # project path of the YAML file
    line: int | None
    old: Any
    new: Any
    also: tuple[str, ...] = ()  # other letters a shared fact changes


@dataclass(frozen=True, slots=True)
class TemplateChange:
    """A template's text before and after absorbing."""

    file: str
    before: str
    after: str

    def diff(self) -> str:
        """A unified diff of the change, the changed words marked ``[-…-]{+…+}``."""
        out = []
        for line in difflib.unified_diff(
            self.before.splitlines(),
            self.after.splitlines(),
            f"a/{self.file}",
            f"b/{self.file}",
            lineterm="",
            n=0,
        ):
            out.append(line)
        return "\n".join(out)

    def words(self) -> list[tuple[int, str]]:
        """Per changed template line: its number and the line with changed words marked."""
        a, b = self.before.splitlines(), self.after.splitlines()
        out = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            old, new = "\n".join(a[i1:i2]), "\n".join(b[j1:j2])
            pieces = align.word_diff(old, new)
            marked = []
            for k, (op, text) in enumerate(pieces):
                if op != "=":
                    marked.append(f"[-{text}-]" if op == "-" else f"{{+{text}+}}")
                    continue
                head = text if k == 0 else _clip(text, 40, "end")  # after a change: its first words
                marked.append(_clip(head, 40, "start") if k < len(pieces) - 1 else head)
            out.append((j1 + 1, "".join(marked)))
        return out


@dataclass(frozen=True, slots=True)
class Conflict:
    """An edit that cannot be carried into the sources, and why."""

    where: str
    old: str
    new: str
    reason: str
    fact: str | None = None


@dataclass
class Plan:
    """What ``absorb`` found: the changes it can make, and the conflicts."""

    name: str
    docx: Path
    templates: list[TemplateChange] = field(default_factory=list)
    facts: list[FactChange] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # project path → new text
    unchanged: bool = False  # the DOCX says what was built
    applied: bool = False
    kept: Path | None = None
    results: list = field(default_factory=list)

    def text(self, root: Path | None = None) -> str:
        """The plan as ``briefing absorb`` prints it."""
        shown = self.docx.relative_to(root) if root and self.docx.is_relative_to(root) else self.docx
        if self.unchanged:
            return f"{self.name}: {shown} zegt hetzelfde als de laatste build; niets over te nemen\n"
        lines = [f"{self.name}: bewerkingen in {shown}", ""]
        if self.templates:
            lines.append("Sjabloon")
            for change in self.templates:
                for number, marked in change.words():
                    lines.append(f"  {change.file}:{number}")
                    lines += [f"    {t}" for t in marked.splitlines()]
            lines.append("")
        if self.facts:
            lines.append("Feiten")
            for fact in self.facts:
                where = f"{fact.file}:{fact.line}" if fact.line else fact.file
                lines.append(f"  {fact.path}: {_show(fact.old)} → {_show(fact.new)}  ({where})")
                if fact.also:
                    lines.append(f"    gedeeld feit: verandert ook {', '.join(fact.also)}")
            lines.append("")
        if self.conflicts:
            lines.append("Niet over te nemen")
            for c in self.conflicts:
                lines.append(f"  {c.where}: '{c.old}' → '{c.new}'")
                lines.append(f"    {c.reason}")
            lines.append("")
        if not self.templates and not self.facts and not self.conflicts:
            lines.append("Geen bewerkingen van de tekst gevonden.")
        elif self.applied:
            lines.append("De bronnen zijn aangepast en de brief is opnieuw gebouwd.")
            if self.kept:
                kept = self.kept.relative_to(root) if root and self.kept.is_relative_to(root) else self.kept
                lines.append(f"Het bewerkte bestand is bewaard als {kept}.")
        elif self.conflicts and (self.templates or self.facts):
            lines.append(
                "Er is niets geschreven. Los de conflicten op in Word of in de bronnen, "
                "of neem de rest over met --apply --partial."
            )
        elif not self.conflicts:
            lines.append(f"Neem dit over met: briefing absorb {self.name} --apply")
        return "\n".join(lines).rstrip() + "\n"


def _clip(text: str, keep: int, side: str) -> str:
    """Unchanged context shortened to about ``keep`` characters at a word boundary: the
    ``start`` side keeps the end of ``text`` (before a change), ``end`` its start."""
    if len(text) <= 2 * keep or "\n" in text:
        return text
    if side == "start":
        cut = text.find(" ", len(text) - keep)
        return "…" + text[cut:] if cut > 0 else text
    cut = text.rfind(" ", 0, keep)
    return text[:cut] + " …" if cut > 0 else text


def _show(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


# --------------------------------------------------------------------------- the operation


def absorb(
    letter: str | Path,
    project: str | Path = ".",
    docx: str | Path | None = None,
    apply: bool = False,
    partial: bool = False,
) -> Plan:
    """Carry the edits made in ``letter``'s DOCX back into its template and facts.

    Returns the plan; with ``apply`` (and no conflicts, or ``partial``) the sources are
    written, the edited DOCX is kept as ``output/<letter>.bewerkt-…docx`` and the letter
    is rebuilt."""
    from briefing.build import build, resolve_letters

    root = Path(project).resolve()
    (path,) = resolve_letters(root, [letter])
    name = path.stem
    output = root / "output"
    edited_path = Path(docx).resolve() if docx else output / f"{name}.docx"
    if not edited_path.is_file():
        raise UsageError(f"{edited_path} bestaat niet (bouw de brief eerst, of geef --docx)")
    previous = snapshot.load(output, name)
    if previous is None:
        raise UsageError(f"{name} is nog niet gebouwd: er is niets om de bewerkingen mee te vergelijken")
    if previous.letter.parts:  # DESIGN §4a: the answers part is made of facts and labels, not traced
        raise InputError(
            "absorb kan bewerkingen in een beantwoording van Kamervragen (soort: antwoorden) nog niet "
            "overnemen", file=_rel(edited_path, root),
            hint=f"neem ze over in templates/ en facts/{name}.yaml, of bouw met --force (de bewerkte DOCX "
            "wordt dan bewaard)",
        )
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else None
    if not previous.sources or rel not in previous.sources:
        raise UsageError(
            f"de laatste build van {name} bewaarde zijn bronnen niet (een oudere versie van briefing); "
            f"bouw opnieuw met: briefing build {name} --force"
        )
    try:
        edited = read_docx(edited_path.read_bytes())
    except (DocxReadError, OSError) as exc:
        raise InputError(str(exc), file=_rel(edited_path, root)) from None
    style = huisstijl.load(root)
    plan = Plan(name, edited_path)
    with tempfile.TemporaryDirectory(prefix="briefing-absorb-") as tmp:
        work = _Work(root, Path(tmp), rel, previous.sources, style, previous.letter.meta.concept)
        work.plan(edited, plan)
    if apply and plan.files and (partial or not plan.conflicts):
        _write(root, plan.files)
        plan.kept = _keep(edited_path, output, name)
        plan.applied = True
        try:
            plan.results = build([path], root)
        except Problems as exc:
            plan.results = getattr(exc, "results", [])
            raise
    return plan


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _write(root: Path, files: Mapping[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        crlf = False
        with contextlib.suppress(OSError):
            crlf = b"\r\n" in target.read_bytes()
        data = text.replace("\n", "\r\n") if crlf else text
        outputs.write_atomic(target, data.encode("utf-8"))


def _keep(edited: Path, output: Path, name: str) -> Path:
    """The edited DOCX kept as ``output/<letter>.bewerkt-<date>-<time>.docx``; the output's
    own DOCX is moved there (so the rebuild writes a fresh one), another file copied."""
    target = output / f"{name}.docx"
    if edited == target:
        kept = outputs.keep_copy(target)
        target.unlink()
        return kept
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = output / f"{name}.bewerkt-{stamp}.docx"
    n = 1
    while kept.exists():
        n += 1
        kept = output / f"{name}.bewerkt-{stamp}-{n}.docx"
    output.mkdir(parents=True, exist_ok=True)
    shutil.copy2(edited, kept)
    return kept


# --------------------------------------------------------------------------- one absorb


@dataclass
class _Change:
    """One edit carried into the sources; ``group`` is the edited paragraph it belongs to."""

    group: tuple
    where: str
    old: str
    new: str
    paras: frozenset[int] = frozenset()  # the edited paragraphs (indices) it makes
    template: str | None = None  # project path
    span: tuple[int, int, str] | None = None  # in the template's text (newlines normalised)
    fact: str | None = None  # fact path
    value: Any = None


@dataclass
class _Meta:
    """A letterhead paragraph that shows a ``brief:`` field: its path and the text around it."""

    path: str
    prefix: str = ""
    suffix: str = ""


class _Work:
    """The sources as built, materialised in a scratch folder, and what was made of them."""

    def __init__(
        self,
        root: Path,
        scratch: Path,
        letter_rel: str,
        sources: dict[str, str],
        style: huisstijl.HouseStyle,
        draft: bool,
    ) -> None:
        self.root, self.scratch, self.letter_rel = root, scratch, letter_rel
        self.sources = {k: v.replace("\r\n", "\n") for k, v in sources.items()}
        self.style, self.draft = style, draft
        self._materialise(scratch / "base", self.sources)
        self.base = scratch / "base"
        from briefing.facts import load_letter
        from briefing.numbering import number
        from briefing.parse import parse
        from briefing.render import render_traced

        self.facts = load_letter(self.base, self.base / letter_rel)
        from briefing import limits

        # Bounded as a build's render is (time, memory): the template is the user's code.
        self.trace: Trace = limits.run_limited(render_traced, self.facts, self.base)
        from dataclasses import replace

        self.letter: Letter = number(parse(self.trace.markdown, replace(self.facts.meta, concept=draft)))
        self.shared = {p.stem[1:]: f"facts/{p.name}" for p in self.facts.shared_files}
        self.context = {**self.facts.facts, "brief": self.facts.brief}
        self._counter = 0
        self.pairs: list[tuple[int | None, int | None]] = []  # old ↔ edited paragraphs, in order
        self.refused: set[tuple[int | None, int | None]] = set()  # pairs whose edit is not absorbed

    @staticmethod
    def _materialise(folder: Path, sources: Mapping[str, str]) -> None:
        for rel, text in sources.items():
            if rel == "briefing.toml":
                continue  # the house style is the project's own (logo and fonts live there)
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        (folder / "facts").mkdir(parents=True, exist_ok=True)
        (folder / "templates").mkdir(parents=True, exist_ok=True)

    # ---------------------------------------------------------------- reading both files

    def _docx_paragraphs(self, letter: Letter) -> list[DocParagraph]:
        from briefing.writers.docx import render_docx

        return read_docx(render_docx(letter, self.style))

    def plan(self, edited: list[DocParagraph], plan: Plan) -> None:
        """Fill ``plan``: compare, sort the edits, verify them, merge with today's sources."""
        old = self._docx_paragraphs(self.letter)
        self.old, self.edited = old, edited
        if _view(old) == _view(edited):
            plan.unchanged = True
            return
        units = self._units(old)
        changes: list[_Change] = []
        conflicts: list[Conflict] = []
        for story in ("body", "footnote", "header:first"):
            a = [i for i, p in enumerate(old) if p.story == story]
            b = [j for j, p in enumerate(edited) if p.story == story]
            self._story(old, edited, a, b, units, story, changes, conflicts)
        changes, more = self._consistent_facts(changes, units, old, edited)
        conflicts += more
        changes, more = self._verify(changes, edited)
        conflicts += more
        files, more = self._merge(changes)
        conflicts += more
        plan.conflicts = conflicts
        plan.files = files
        for rel, text in files.items():
            if rel.startswith("templates/"):
                current = (self.root / rel).read_text(encoding="utf-8").replace("\r\n", "\n")
                plan.templates.append(TemplateChange(rel, current, text))
        plan.facts = self._fact_changes(changes, files)

    def _units(self, old: list[DocParagraph]) -> dict[int, Unit | _Meta]:
        """Which unit (a model paragraph with origins, or a ``brief:`` field) each paragraph
        of the built DOCX shows; house-style text (labels, the colofon's fixed lines) has none."""
        out: dict[int, Unit | _Meta] = {}
        body = body_units(self.letter, self.trace)
        notes = note_units(self.letter, self.trace)
        meta = self.letter.meta
        k = 0
        signer_lines = [
            (f"brief.ondertekenaars[{i}].functie", s.functie) for i, s in enumerate(meta.ondertekenaars)
        ]
        signer_lines += [
            (f"brief.ondertekenaars[{i}].naam", s.naam) for i, s in enumerate(meta.ondertekenaars)
        ]
        bijlagen = huisstijl.bijlagen_regels(meta)
        note_seen: dict[int, int] = {}
        label = None
        for i, p in enumerate(old):
            text = p.text
            if p.story == "body":
                if k < len(body) and text == body[k].text and p.style not in ("Ondertekening", "Bijlage"):
                    out[i] = body[k]
                    k += 1
                elif p.style == "Datumenbetreft" and text.startswith(f"{huisstijl.BETREFT_LABEL}\t"):
                    out[i] = _Meta("brief.betreft", f"{huisstijl.BETREFT_LABEL}\t")
                elif p.style == "Datumenbetreft" and text.startswith(f"{huisstijl.DATUM_LABEL}\t"):
                    out[i] = _Meta("brief.datum", f"{huisstijl.DATUM_LABEL}\t")
                elif p.style == "Ondertekening":
                    found = next((path for path, value in signer_lines if value == text), None)
                    if found:
                        out[i] = _Meta(found)
                elif p.style == "Bijlage" and text in bijlagen:
                    n = bijlagen.index(text)
                    prefix = text[: len(text) - len(meta.bijlagen[n])]
                    out[i] = _Meta(f"brief.bijlagen[{n}]", prefix)
                elif p.style == "Adres" and text in meta.geadresseerde:
                    out[i] = _Meta(f"brief.geadresseerde[{meta.geadresseerde.index(text)}]")
                elif text == meta.aanhef and k == 0:
                    out[i] = _Meta("brief.aanhef")
                elif meta.slot and text == meta.slot and k == len(body):
                    out[i] = _Meta("brief.slot")
            elif p.story == "footnote" and p.note is not None:
                n = note_seen.get(p.note, 0)
                note_seen[p.note] = n + 1
                paras = notes.get(p.note, [])
                if n < len(paras) and paras[n].text == text:
                    out[i] = paras[n]
            elif p.story == "header:first":
                if label == "Ons kenmerk" and text == meta.kenmerk:
                    out[i] = _Meta("brief.kenmerk")
                elif label == "Uw kenmerk" and text == meta.uw_kenmerk:
                    out[i] = _Meta("brief.uw_kenmerk")
                label = text if p.style == "Colofonkop" else None
        return out

    # ---------------------------------------------------------------- sorting the edits

    def _story(
        self,
        old: list[DocParagraph],
        new: list[DocParagraph],
        a: list[int],
        b: list[int],
        units: Mapping[int, Any],
        story: str,
        changes: list[_Change],
        conflicts: list[Conflict],
    ) -> None:
        """Align one story's paragraphs (``a``, ``b``: their indices) and sort each difference."""

        def score(x: int, y: int) -> float | None:
            i, j = a[x], b[y]
            return align.similarity(old[i].text, new[j].text) if _kind(old[i]) == _kind(new[j]) else None

        pairs = align.align(
            [(_kind(old[i]), old[i].text) for i in a], [(_kind(new[j]), new[j].text) for j in b], score
        )
        previous: int | None = None  # the last old paragraph kept, for insertions
        inserted: dict[int | None, list[int]] = {}
        for x, y in pairs:
            i = a[x] if x is not None else None
            j = b[y] if y is not None else None
            self.pairs.append((i, j))
            count = len(conflicts)
            if i is not None and j is not None:
                previous = i
                if _look(old[i]) != _look(new[j]):
                    found: list[_Change] = []
                    self._edit(old[i], new[j], units.get(i), (story, i), found, conflicts)
                    changes += [_with(c, paras=frozenset({j})) for c in found]
            elif i is not None:
                self._delete(old[i], units.get(i), (story, i), changes, conflicts)
            else:
                inserted.setdefault(previous, []).append(j)
            if len(conflicts) > count:  # not (wholly) absorbed: the rebuilt letter keeps the old text
                self.refused.add((i, j))
        for after, js in inserted.items():
            found = []
            count = len(conflicts)
            self._insert(after, [new[j] for j in js], old, units, story, found, conflicts)
            changes += [_with(c, paras=frozenset(js)) for c in found]
            if len(conflicts) > count:
                self.refused.update((None, j) for j in js)

    def _where(self, para: DocParagraph) -> str:
        words = para.text.replace("\t", " ").split()
        head = " ".join(words[:8]) + (" …" if len(words) > 8 else "")
        kind = {"footnote": f"voetnoot {para.note}", "body": "alinea"}.get(para.story, "briefhoofd")
        if (para.style or "").startswith("Heading"):
            kind = "kop"
        return f"{kind} ‘{head}’"

    def _edit(
        self,
        old: DocParagraph,
        new: DocParagraph,
        unit: Unit | _Meta | None,
        group: tuple,
        changes: list[_Change],
        conflicts: list[Conflict],
    ) -> None:
        where = self._where(old)
        if isinstance(unit, _Meta):
            self._meta_edit(old, new, unit, group, where, changes, conflicts)
            return
        if unit is None or not unit.chars:
            conflicts.append(
                Conflict(
                    where,
                    old.text,
                    new.text,
                    _NOT_FROM_SOURCES
                    if unit is None
                    else "de herkomst van deze alinea is onbekend (een {% filter %}- of macro-blok?)",
                )
            )
            return
        if old.text == new.text:
            self._format_edit(old, new, unit, group, where, changes, conflicts)
            return
        a, b = align.tokens(old.text), align.tokens(new.text)
        starts = _starts(a)
        new_starts = _starts(b)
        by_piece: dict[int, tuple[Any, list[tuple[int, int, str]]]] = {}
        for tag, i1, i2, j1, j2 in align.opcodes(a, b):
            if tag == "equal":
                continue
            s, e = starts[i1], starts[i2]
            repl = new.text[new_starts[j1] : new_starts[j2]]
            old_words, new_words = old.text[s:e], repl
            if e == s:  # an insertion: into the literal text on either side, or into one fact's text
                change = self._insertion(unit, s, repl, group, where)
                if isinstance(change, tuple):
                    by_piece.setdefault(id(change[0]), (change[0], []))[1].append((s, e, repl))
                else:
                    (conflicts if isinstance(change, Conflict) else changes).append(change)
                continue
            chars = unit.chars[s:e]
            if any(c is None for c in chars):
                conflicts.append(
                    Conflict(where, old_words, new_words, "de herkomst van deze woorden is onbekend")
                )
                continue
            computed = [c for c in chars if c.computed]
            if computed and e > s:
                what = "een voetnootnummer" if computed[0].computed == "voetnootnummer" else "een verwijzing"
                conflicts.append(
                    Conflict(where, old_words, new_words, f"dit is {what}; dat rekent briefing zelf uit")
                )
                continue
            pieces = {id(c.piece): c.piece for c in chars if c.piece is not None}
            literal = [p for p in pieces.values() if p.site is not None and p.site.kind == "literal"]
            exprs = [p for p in pieces.values() if p.site is not None and p.site.kind == "expr"]
            if exprs and (literal or len(exprs) > 1):
                facts = sorted({p.path or p.site.source or "?" for p in exprs})
                conflicts.append(
                    Conflict(
                        where,
                        old_words,
                        new_words,
                        f"de wijziging loopt over vaste tekst en "
                        f"{'het feit' if len(facts) == 1 else 'de feiten'} {', '.join(facts)}; "
                        "wijzig ze apart",
                        facts[0],
                    )
                )
                continue
            if exprs:
                piece = exprs[0]
                by_piece.setdefault(id(piece), (piece, []))[1].append((s, e, repl))
                continue
            if not literal or any(p.site is None for p in pieces.values()):
                conflicts.append(
                    Conflict(where, old_words, new_words, "de herkomst van deze woorden is onbekend")
                )
                continue
            change = self._literal_change(chars, repl, group, where, old_words, new_words)
            if isinstance(change, Conflict):
                conflicts.append(change)
            else:
                changes.append(change)
        for piece, piece_edits in by_piece.values():
            result = self._fact_edit(unit, piece, piece_edits, group, where, old.text)
            (conflicts if isinstance(result, Conflict) else changes).append(result)

    def _literal_change(
        self, chars: list[Char], repl: str, group: tuple, where: str, old_words: str, new_words: str
    ) -> _Change | Conflict:
        """Literal words replaced: the same stretch of the template, replaced by the typed text."""
        template = f"templates/{chars[0].piece.site.template}"
        text = self.sources.get(template)
        if len({c.piece.site.template for c in chars}) > 1:
            return Conflict(where, old_words, new_words, "de woorden komen uit verschillende sjablonen")
        offsets = [self._template_offset(text, c) for c in chars] if text is not None else [None]
        if any(o is None for o in offsets):
            return Conflict(where, old_words, new_words, "de plaats in het sjabloon is niet te vinden")
        start, end = offsets[0], offsets[-1] + 1
        if re.search(r"\{[{%#]|[%}]\}", text[start:end]):
            return Conflict(
                where,
                old_words,
                new_words,
                "de woorden lopen over een {% if %}/{% for %}-opdracht van het sjabloon",
            )
        return _Change(
            group, where, old_words, new_words, template=template, span=(start, end, escape_typed(repl))
        )

    def _insertion(
        self, unit: Unit, s: int, repl: str, group: tuple, where: str
    ) -> _Change | Conflict | tuple:
        """Typed text inserted at ``s``: after the literal character before it, before the literal
        character after it, or (a tuple with the piece) inside the text of one fact."""
        before = unit.chars[s - 1] if s > 0 else None
        after = unit.chars[s] if s < len(unit.chars) else None

        def literal(c: Char | None) -> bool:
            return (
                c is not None
                and c.piece is not None
                and c.piece.site is not None
                and c.piece.site.kind == "literal"
            )

        # Typed right against a fact's text, beside literal text that a loop repeats: the fact's.
        for char, other in ((before, after), (after, before)):
            piece = char.piece if char is not None else None
            if (
                piece is not None
                and piece.site is not None
                and piece.site.kind == "expr"
                and piece.path
                and (literal(other) and self._repeated(other.piece.site))
            ):
                return (piece,)
        for char, shift in ((before, 1), (after, 0)):
            if literal(char):
                template = f"templates/{char.piece.site.template}"
                text = self.sources.get(template)
                at = self._template_offset(text, char) if text is not None else None
                if at is None:
                    break
                return _Change(
                    group,
                    where,
                    "",
                    repl,
                    template=template,
                    span=(at + shift, at + shift, escape_typed(repl)),
                )
        if (
            before is not None
            and after is not None
            and before.piece is not None
            and before.piece is after.piece
        ):
            return (before.piece,)
        return Conflict(where, "", repl, "de plaats in het sjabloon is niet te vinden")

    def _repeated(self, site: Any) -> bool:
        """Whether a site wrote more than one piece (it is inside a loop)."""
        return sum(1 for p in self.trace.pieces if p.site is site) > 1

    def _line_of(self, text: str, char: Char) -> int | None:
        """The template line of a character: a literal's exact place, an expression's line."""
        if char.piece.site.kind != "literal":
            return char.piece.site.line
        at = self._template_offset(text, char)
        return None if at is None else text.count("\n", 0, at) + 1

    def _template_offset(self, text: str, char: Char) -> int | None:
        """The offset in the template's text of a literal character."""
        site = char.piece.site
        lines = _line_starts(text)
        if site.line < 1 or site.line > len(lines):
            return None
        base = lines[site.line - 1] + (site.column or 0)
        if text.startswith(site.text, base):
            return base + char.offset
        # The loader's pre-pass added characters on this line ({%+ raw %}, +%}): search the line.
        line_end = lines[site.line] if site.line < len(lines) else len(text)
        best = None
        at = text.find(site.text, lines[site.line - 1])
        while 0 <= at <= line_end:
            if best is None or abs(at - base) < abs(best - base):
                best = at
            at = text.find(site.text, at + 1)
        return None if best is None else best + char.offset

    def _fact_edit(
        self,
        unit: Unit,
        piece: Any,
        edits: list[tuple[int, int, str]],
        group: tuple,
        where: str,
        paragraph: str,
    ) -> _Change | Conflict:
        """What one fact printed, edited: find the value that prints the new text."""
        idx = [k for k, c in enumerate(unit.chars) if c is not None and c.piece is piece]
        lo, hi = idx[0], idx[-1] + 1
        old_text = paragraph[lo:hi]
        new_text = old_text
        for s, e, repl in sorted(edits, reverse=True):
            new_text = new_text[: s - lo] + repl + new_text[e - lo :]
        site = piece.site
        source = site.source or "?"
        label = piece.path or source
        if piece.path is None:
            named = self._facts_named(source)
            facts = ", ".join(named) if named else "de feiten"
            reason = (
                f"'{{{{ {source} }}}}' rekent deze tekst uit en is niet terug te rekenen; pas {facts} aan"
            )
            if "periode(" in source:
                reason = f"een periode ({source}) is niet terug te rekenen; pas de data aan: {facts}"
            return Conflict(where, old_text, new_text, reason, named[0] if named else None)
        value = self._invert(piece, old_text, new_text)
        if isinstance(value, str) and value.startswith("\0"):
            return Conflict(where, old_text, new_text, value[1:].format(fact=label), piece.path)
        return _Change(group, where, old_text, new_text, fact=piece.path, value=value)

    def _meta_edit(
        self,
        old: DocParagraph,
        new: DocParagraph,
        meta: _Meta,
        group: tuple,
        where: str,
        changes: list[_Change],
        conflicts: list[Conflict],
    ) -> None:
        if not (new.text.startswith(meta.prefix) and new.text.endswith(meta.suffix)):
            conflicts.append(
                Conflict(where, old.text, new.text, "het vaste deel van deze regel is gewijzigd")
            )
            return
        value = new.text[len(meta.prefix) : len(new.text) - len(meta.suffix) if meta.suffix else None]
        if not value.strip():
            conflicts.append(
                Conflict(where, old.text, new.text, f"{meta.path} mag niet leeg zijn", meta.path)
            )
            return
        if old.formatting != new.formatting and old.text == new.text:
            conflicts.append(
                Conflict(where, old.text, new.text, "opmaak in het briefhoofd komt uit de huisstijl")
            )
            return
        if meta.path == "brief.datum":  # the letter's date, written out: back to a date
            from briefing import dutch

            found = [d for d in candidates(self.facts.meta.datum, value, self.facts.meta.datum)
                     if dutch.datum(d) == value]
            if len(found) != 1:
                reason = f"'{value}' is geen datum zoals briefing die schrijft (bijvoorbeeld 9 december 2022)"
                conflicts.append(Conflict(where, old.text, new.text, reason, meta.path))
                return
            value = found[0]
        changes.append(_Change(group, where, old.text, new.text, fact=meta.path, value=value))

    def _format_edit(
        self,
        old: DocParagraph,
        new: DocParagraph,
        unit: Unit,
        group: tuple,
        where: str,
        changes: list[_Change],
        conflicts: list[Conflict],
    ) -> None:
        """Bold or italic added to (or taken from) literal words: ``**``/``*`` in the template.
        Underline, colour or highlight have no Markdown: a conflict."""
        if old.others != new.others:
            words = " ".join(t for t, _ in new.others) or " ".join(t for t, _ in old.others)
            conflicts.append(Conflict(where, words, words, _NO_MARKDOWN))
        if _kind(old) in ("table",) or _kind(old).startswith("heading"):
            return
        a, b = _per_char(old.spans), _per_char(new.spans)
        k = 0
        n = len(a)
        while k < n:
            if a[k] == b[k]:
                k += 1
                continue
            s = k
            while k < n and a[k] != b[k] and b[k] == b[s] and a[k] == a[s]:
                k += 1
            e = k
            words = old.text[s:e]
            chars = unit.chars[s:e]
            (ob, oi), (nb, ni) = a[s], b[s]
            literal = all(
                c is not None
                and c.piece is not None
                and c.piece.site is not None
                and c.piece.site.kind == "literal"
                for c in chars
            )
            if not literal or not words.strip():
                conflicts.append(
                    Conflict(where, words, words, "opmaak die niet in het sjabloon kan worden gezet")
                )
                continue
            mark = "**" if ob != nb else "*"
            if (ob != nb) and (oi != ni):
                mark = "***"
            template = f"templates/{chars[0].piece.site.template}"
            text = self.sources[template]
            start, end = self._template_offset(text, chars[0]), self._template_offset(text, chars[-1])
            if start is None or end is None:
                conflicts.append(Conflict(where, words, words, "de plaats in het sjabloon is niet te vinden"))
                continue
            end += 1
            added = (nb and not ob) or (ni and not oi)
            if added:
                changes.append(
                    _Change(
                        group,
                        where,
                        words,
                        f"{mark}{words}{mark}",
                        template=template,
                        span=(start, end, f"{mark}{text[start:end]}{mark}"),
                    )
                )
            elif text[start - len(mark) : start] == mark and text[end : end + len(mark)] == mark:
                changes.append(
                    _Change(
                        group,
                        where,
                        f"{mark}{words}{mark}",
                        words,
                        template=template,
                        span=(start - len(mark), end + len(mark), text[start:end]),
                    )
                )
            else:
                conflicts.append(
                    Conflict(where, words, words, "opmaak die niet in het sjabloon kan worden gezet")
                )

    def _delete(
        self,
        old: DocParagraph,
        unit: Unit | _Meta | None,
        group: tuple,
        changes: list[_Change],
        conflicts: list[Conflict],
    ) -> None:
        """A paragraph deleted in Word: its lines go from the template (facts in it included),
        when they hold no block tag and the paragraph is written there once (not by a loop)."""
        where = self._where(old)
        if (
            not isinstance(unit, Unit)
            or not unit.chars
            or any(c is None or c.piece is None or c.piece.site is None for c in unit.chars)
        ):
            reason = (
                _NOT_FROM_SOURCES if not isinstance(unit, Unit) else "de herkomst van deze alinea is onbekend"
            )
            conflicts.append(Conflict(where, old.text, "", reason))
            return
        names = {c.piece.site.template for c in unit.chars}
        template = f"templates/{unit.chars[0].piece.site.template}"
        text = self.sources.get(template)
        if text is None or len(names) > 1:
            conflicts.append(Conflict(where, old.text, "", "de alinea komt uit meer dan één sjabloon"))
            return
        if any(self._repeated(c.piece.site) for c in unit.chars):
            reason = "de alinea komt uit een lus; verwijder haar in het sjabloon"
            conflicts.append(Conflict(where, old.text, "", reason))
            return
        first, last = self._line_of(text, unit.chars[0]), self._line_of(text, unit.chars[-1])
        if first is None or last is None:
            conflicts.append(Conflict(where, old.text, "", "de plaats in het sjabloon is niet te vinden"))
            return
        starts = _line_starts(text)
        start = starts[first - 1]  # whole lines: '# ', '- ' go too
        stop = starts[last] if last < len(starts) else len(text)
        if text.startswith("\n", stop):  # and the blank line after it
            stop += 1
        elif start >= 2 and text[start - 2 : start] == "\n\n":
            start -= 1
        if re.search(r"\{[%#]", text[start:stop]):
            conflicts.append(Conflict(where, old.text, "", "de alinea staat in een {% if %}/{% for %}-blok"))
            return
        changes.append(_Change(group, where, old.text, "", template=template, span=(start, stop, "")))

    def _insert(
        self,
        after: int | None,
        paras: list[DocParagraph],
        old: list[DocParagraph],
        units: Mapping,
        story: str,
        changes: list[_Change],
        conflicts: list[Conflict],
    ) -> None:
        where = "nieuwe alinea" if len(paras) == 1 else f"{len(paras)} nieuwe alinea's"
        text = "\n\n".join(p.text for p in paras)
        anchor = units.get(after) if after is not None else None
        if story != "body" or not isinstance(anchor, Unit) or not anchor.chars:
            conflicts.append(
                Conflict(
                    where,
                    "",
                    text,
                    "hier kan geen alinea worden ingevoegd (alleen in de "
                    "lopende tekst, na een alinea uit het sjabloon)",
                )
            )
            return
        last = anchor.chars[-1]
        if last is None or last.piece is None or last.piece.site is None:
            conflicts.append(Conflict(where, "", text, "de plaats in het sjabloon is niet te vinden"))
            return
        site = last.piece.site
        template = f"templates/{site.template}"
        source = self.sources.get(template)
        if source is None:
            conflicts.append(Conflict(where, "", text, "de plaats in het sjabloon is niet te vinden"))
            return
        if site.kind == "literal":
            at = self._template_offset(source, last)
            at = None if at is None else source.find("\n", at)
        else:
            starts = _line_starts(source)
            at = starts[site.line] - 1 if site.line < len(starts) else len(source)
        if at is None or at < 0:
            at = len(source)
        blocks = []
        prev = old[after]
        for p in paras:
            item = _markdown_block(p, prev)
            if item is None:
                conflicts.append(
                    Conflict(where, "", p.text, "zo'n alinea kan briefing niet in het sjabloon zetten")
                )
                return
            blocks.append(item)
            prev = p
        changes.append(
            _Change((story, "na", after), where, "", text, template=template, span=(at, at, "".join(blocks)))
        )

    # ---------------------------------------------------------------- inverting a filter

    def _invert(self, piece: Any, old_text: str, new_text: str) -> Any:
        """The fact value that makes ``piece``'s expression print ``new_text`` (an error string
        starting with NUL when there is none, or more than one)."""
        path = piece.path
        current = _get(self.context, split_path(path))
        site = piece.site
        render = self._forward(site, path)
        if render is None:
            return "\0de uitdrukking '{{{{ " + (site.source or "?") + " }}}}' is niet na te rekenen"
        found: list[Any] = []
        for candidate in candidates(current, new_text, self.facts.meta.datum):
            try:
                if render(candidate) == new_text and candidate not in found:
                    found.append(candidate)
            except Exception:  # a candidate the filter refuses is simply not it
                continue
        if not found:
            return (
                "\0'" + new_text + "' is geen waarde die {fact} kan hebben (niet terug te rekenen via "
                f"'{site.source}')"
            )
        if len(found) > 1:
            shown = ", ".join(_show(v) for v in found[:4])
            return "\0meer dan één waarde van {fact} geeft deze tekst (" + shown + "); pas het feit zelf aan"
        return found[0]

    def _forward(self, site: Any, path: str) -> Callable[[Any], str] | None:
        from briefing.render import environment

        env = environment((self.base / "templates").resolve())
        try:
            expression = env.compile_expression(site.source or "", undefined_to_none=False)
        except Exception:
            return None
        keys = split_path(path)
        root_keys = keys[: len(keys) - len(site.rest or ())]

        def render(candidate: Any) -> str:
            context = copy.deepcopy(self.context)
            _set(context, keys, candidate)
            scope = {**context, site.root: _get(context, root_keys)} if site.root else context
            value = expression(**scope)
            return re.sub(r"\s*\n\s*", " ", str(value))

        return render

    def _facts_named(self, source: str) -> list[str]:
        """The fact paths an expression reads (``personen.michel`` in ``personen.michel.split()[-1]``)."""
        from jinja2 import nodes

        from briefing.render import environment

        env = environment((self.base / "templates").resolve())
        try:
            tree = env.parse("{{ " + source + " }}")
        except Exception:
            return []
        out = []
        for node in tree.find_all((nodes.Getattr, nodes.Name)):
            path, cur = [], node
            while isinstance(cur, nodes.Getattr):
                path.append(cur.attr)
                cur = cur.node
            if isinstance(cur, nodes.Name) and cur.name in self.context:
                keys, data = [cur.name], self.context[cur.name]
                for key in reversed(path):  # as far as the keys are facts (not `.split` …)
                    if not isinstance(data, Mapping) or key not in data:
                        break
                    keys.append(key)
                    data = data[key]
                out.append(".".join(keys))
        return sorted({p for p in out if not any(q != p and q.startswith(p + ".") for q in out)})

    def _consistent_facts(
        self,
        changes: list[_Change],
        units: Mapping[int, Any],
        old: list[DocParagraph],
        edited: list[DocParagraph],
    ) -> tuple[list[_Change], list[Conflict]]:
        """A fact printed in several places must be edited alike in all of them."""
        keep: list[_Change] = []
        conflicts: list[Conflict] = []
        by_fact: dict[str, list[_Change]] = {}
        for change in changes:
            if change.fact and not change.fact.startswith("brief."):
                by_fact.setdefault(change.fact, []).append(change)
        bad: set[str] = set()
        for fact, group in by_fact.items():
            values = {repr(c.value) for c in group}
            first = group[0]
            if len(values) > 1:
                bad.add(fact)
                reason = f"het feit {fact} is op verschillende plaatsen verschillend gewijzigd"
                conflicts.append(Conflict(first.where, first.old, first.new, reason, fact))
                continue
            edited_groups = {c.group for c in group}
            elsewhere = []
            for i, unit in units.items():
                if not isinstance(unit, Unit) or (old[i].story, i) in edited_groups:
                    continue
                if any(c is not None and c.piece is not None and c.piece.path == fact for c in unit.chars):
                    elsewhere.append(self._where(old[i]))
            if elsewhere:
                bad.add(fact)
                reason = (
                    f"het feit {fact} staat ook in {'; '.join(dict.fromkeys(elsewhere))} — "
                    f"pas het daar ook aan, of pas het feit aan in {self._fact_file(fact)[0]}"
                )
                conflicts.append(Conflict(first.where, first.old, first.new, reason, fact))
        for change in changes:
            if change.fact in bad:
                self._mark_refused(change)
            else:
                keep.append(change)
        return keep, conflicts

    # ---------------------------------------------------------------- the acceptance rule

    def _apply(self, changes: list[_Change], base: Mapping[str, str]) -> dict[str, str]:
        """The sources with ``changes`` applied (only the files that change)."""
        out: dict[str, str] = {}
        spans: dict[str, list[tuple[int, int, str]]] = {}
        for change in changes:
            if change.template:
                spans.setdefault(change.template, []).append(change.span)
        for template, edits in spans.items():
            out[template] = replace_spans(base[template], edits)
        for change in changes:
            if change.fact:
                file, keys = self._fact_file(change.fact)
                out[file] = set_value(out.get(file, base[file]), keys, change.value)
        return out

    def _fact_file(self, fact: str) -> tuple[str, list[str | int]]:
        keys = split_path(fact)
        if keys and keys[0] in self.shared:
            return self.shared[keys[0]], keys[1:]
        return self.letter_rel, keys

    def _render(self, sources: Mapping[str, str], folder: Path) -> list[DocParagraph]:
        from briefing.build import prepare

        shutil.rmtree(folder, ignore_errors=True)
        self._materialise(folder, sources)
        prepared = prepare(folder, folder / self.letter_rel, draft=self.draft)
        return self._docx_paragraphs(prepared.letter)

    def _verify(
        self, changes: list[_Change], edited: list[DocParagraph]
    ) -> tuple[list[_Change], list[Conflict]]:
        """Keep the changes whose sources render to exactly the edited paragraphs."""
        conflicts: list[Conflict] = []
        for _ in range(6):
            if not changes:
                return changes, conflicts
            groups = list(dict.fromkeys(c.group for c in changes))
            try:
                patched = {**self.sources, **self._apply(changes, self.sources)}
            except EditError as exc:
                bad = self._overlapping(changes) or groups
                conflicts += self._refuse(changes, bad, str(exc))
                changes = [c for c in changes if c.group not in bad]
                continue
            self._counter += 1
            try:
                rebuilt = self._render(patched, self.scratch / f"try{self._counter}")
            except BriefingError as exc:
                problem = exc.problems[0] if isinstance(exc, Problems) else exc
                bad = self._failing_alone(changes, groups) if len(groups) > 1 else groups
                conflicts += self._refuse(changes, bad or groups, _problem_text(problem))
                changes = [c for c in changes if c.group not in (bad or groups)]
                continue
            mismatched = self._mismatches(rebuilt)
            if mismatched is None:
                return changes, conflicts
            bad = [g for g in groups if any(c.paras & mismatched for c in changes if c.group == g)]
            if not bad or any(not any(j in c.paras for c in changes) for j in mismatched):
                # A paragraph nobody edited came out different: a fact (or loop text) printed there too.
                facts = [c.group for c in changes if c.fact]
                bad = list(dict.fromkeys(bad + facts)) or groups
            conflicts += self._refuse(changes, bad, "de bronnen zouden dan niet precies deze tekst geven")
            changes = [c for c in changes if c.group not in bad]
        return [], conflicts

    def _failing_alone(self, changes: list[_Change], groups: list[tuple]) -> list[tuple]:
        """The groups whose changes alone make the letter fail to build."""
        bad = []
        for group in groups:
            mine = [c for c in changes if c.group == group]
            self._counter += 1
            try:
                self._render(
                    {**self.sources, **self._apply(mine, self.sources)}, self.scratch / f"try{self._counter}"
                )
            except (BriefingError, EditError):
                bad.append(group)
        return bad

    def _mismatches(self, rebuilt: list[DocParagraph]) -> set[int] | None:
        """The edited paragraphs (indices) the rebuilt letter does not reproduce, -1 for an
        unedited one that came out different; None when all is as expected. Expected: the
        edited letter, with the old text where an edit was refused."""
        keep = [x for x in rebuilt if x.story != "header:default"]
        expected: list[tuple[DocParagraph, int]] = []
        by_story: dict[str, list[tuple[DocParagraph, int]]] = {}
        for i, j in self.pairs:
            if (i, j) in self.refused:
                if i is not None:
                    by_story.setdefault(self.old[i].story, []).append((self.old[i], -1))
            elif j is not None:
                by_story.setdefault(self.edited[j].story, []).append((self.edited[j], j))
            elif i is not None and self.old[i].story not in ("body", "footnote", "header:first"):
                by_story.setdefault(self.old[i].story, []).append((self.old[i], -1))
        for story in ("body", "footnote", "header:first"):
            expected += by_story.get(story, [])
        a = _view(keep)
        b = _view([p for p, _ in expected])
        if a == b:
            return None
        out: set[int] = set()
        for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag != "equal":
                lo, hi = max(0, j1 - (j1 == j2)), min(len(expected), max(j2, j1 + 1))
                out |= {expected[k][1] for k in range(lo, hi)}
        return out

    @staticmethod
    def _overlapping(changes: list[_Change]) -> list[tuple]:
        spans = sorted((c.template, c.span[0], c.span[1], c.group) for c in changes if c.template)
        bad = []
        for a, b in itertools.pairwise(spans):
            if a[0] == b[0] and b[1] < a[2]:
                bad += [a[3], b[3]]
        return bad

    def _refuse(self, changes: list[_Change], groups: Iterable[tuple], reason: str) -> list[Conflict]:
        """Conflicts for the changes of ``groups``: their paragraphs keep the old text."""
        groups = set(groups)
        out = []
        for c in changes:
            if c.group in groups:
                out.append(Conflict(c.where, c.old, c.new, reason, c.fact))
                self._mark_refused(c)
        return out

    def _mark_refused(self, change: _Change) -> None:
        """The paragraphs of a change that is not absorbed keep their old text."""
        self.refused.update(
            p
            for p in self.pairs
            if p[1] in change.paras or (p[0] is not None and (self.old[p[0]].story, p[0]) == change.group)
        )

    # ---------------------------------------------------------------- merging with today's sources

    def _merge(self, changes: list[_Change]) -> tuple[dict[str, str], list[Conflict]]:
        """The absorbed sources merged, word by word, with what changed in the project since."""
        if not changes:
            return {}, []
        ours = self._apply(changes, self.sources)
        files: dict[str, str] = {}
        conflicts: list[Conflict] = []
        failed: set[str] = set()
        for rel, text in ours.items():
            try:
                theirs = (self.root / rel).read_bytes().decode("utf-8").replace("\r\n", "\n")
            except (OSError, UnicodeDecodeError):
                failed.add(rel)
                conflicts += [
                    Conflict(
                        c.where, c.old, c.new, f"{rel} is sinds de build verwijderd of onleesbaar", c.fact
                    )
                    for c in changes
                    if rel in (c.template, self._file_of(c))
                ]
                continue
            try:
                files[rel] = align.merge3(self.sources[rel], text, theirs)
            except align.MergeConflict as exc:
                failed.add(rel)
                for c in changes:
                    if rel not in (c.template, self._file_of(c)):
                        continue
                    what = (
                        f"het feit {c.fact} is sinds de build ook in {rel} gewijzigd"
                        if c.fact
                        else f"dezelfde woorden zijn sinds de build ook in {rel} gewijzigd"
                    )
                    conflicts.append(
                        Conflict(
                            c.where,
                            c.old,
                            c.new,
                            f"{what} ('{exc.base.strip()}' → '{exc.theirs.strip()}')",
                            c.fact,
                        )
                    )
        if failed:
            return {k: v for k, v in files.items() if k not in failed}, conflicts
        # The merged sources must still build.
        current = {
            rel: (self.root / rel).read_text(encoding="utf-8")
            for rel in self.sources
            if (self.root / rel).is_file()
        }
        try:
            self._render({**current, **files}, self.scratch / "merged")
        except BriefingError as exc:
            problem = exc.problems[0] if isinstance(exc, Problems) else exc
            return {}, [
                Conflict(
                    c.where,
                    c.old,
                    c.new,
                    "samen met de wijzigingen sinds de build: " + _problem_text(problem),
                    c.fact,
                )
                for c in changes
            ]
        return files, conflicts

    def _file_of(self, change: _Change) -> str | None:
        return self._fact_file(change.fact)[0] if change.fact else None

    def _fact_changes(self, changes: list[_Change], files: Mapping[str, str]) -> list[FactChange]:
        out: dict[str, FactChange] = {}
        for c in changes:
            if not c.fact or c.fact in out:
                continue
            file, keys = self._fact_file(c.fact)
            if file not in files:
                continue
            old = _get(self.context, split_path(c.fact))
            also = self._other_letters(file) if file != self.letter_rel else ()
            out[c.fact] = FactChange(c.fact, file, value_line(files[file], keys), old, c.value, also)
        return list(out.values())

    def _other_letters(self, shared: str) -> tuple[str, ...]:
        from briefing.build import dependencies
        from briefing.facts import letter_files

        target = (self.root / shared).resolve()
        names = []
        for letter in letter_files(self.root):
            if letter.stem == Path(self.letter_rel).stem:
                continue
            try:
                if target in {d.resolve() for d in dependencies(self.root, letter)}:
                    names.append(letter.stem)
            except (OSError, InputError):
                continue
        return tuple(names)


_NO_MARKDOWN = (
    "opmaak die Markdown niet kan dragen (onderstrepen, doorhalen, kleur, markeren): maak haar in Word"
)
_NOT_FROM_SOURCES = "deze tekst komt uit de huisstijl, niet uit het sjabloon of de feiten"


def _problem_text(problem: BaseException) -> str:
    if isinstance(problem, InputError):
        where = f"{problem.file}:{problem.line}: " if problem.file and problem.line else ""
        return f"{where}{problem.message}"
    if isinstance(problem, OutputError):
        return str(problem)
    return str(problem)


# --------------------------------------------------------------------------- helpers


def _kind(p: DocParagraph) -> str:
    style = (p.style or "Normal").lower()
    if style.startswith("heading"):
        return style
    if p.level is not None or style.startswith("list"):
        return "list"
    return "table" if p.table else p.story


def _look(p: DocParagraph) -> tuple:
    kind = _kind(p)
    return (p.text, p.others) if kind.startswith("heading") or kind == "table" else (p.text, p.formatting)


def _view(paragraphs: list[DocParagraph]) -> list[tuple]:
    return [(p.story, _kind(p), p.note, _look(p)) for p in paragraphs if p.story != "header:default"]


def _with(change: _Change, **values: Any) -> _Change:
    from dataclasses import replace

    return replace(change, **values)


def _starts(tokens: list[str]) -> list[int]:
    out, pos = [0], 0
    for t in tokens:
        pos += len(t)
        out.append(pos)
    return out


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _per_char(spans: tuple[Span, ...]) -> list[tuple[bool, bool]]:
    out = []
    for s in spans:
        out += [(s.bold, s.italic)] * len(s.text)
    return out


_TYPED = re.compile(r"([\\`*_\[\]<>|#{}~])")


def escape_typed(text: str) -> str:
    """Text typed in Word as template text that prints it literally: Markdown's characters
    escaped (``*`` → ``\\*``), ``{`` too so that no Jinja tag can start."""
    out = _TYPED.sub(r"\\\1", text)
    out = re.sub(r"&(?=#|[A-Za-z0-9]+;)", r"\\&", out)
    return out.replace("\t", " ")


def _markdown_block(p: DocParagraph, prev: DocParagraph) -> str | None:
    """A new paragraph as Markdown to insert after ``prev``'s line."""
    style = (p.style or "").lower()
    text = escape_typed(p.text)
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    text = re.sub(r"^([-+=])", r"\\\1", text)
    if not text.strip():
        return None
    if style.startswith("heading") and style[-1:] in "123":
        return f"\n\n{'#' * int(style[-1])} {text}"
    if p.level is not None or style.startswith("list"):
        marker = "1." if "number" in style else "-"
        indent = "  " * (p.level or 0)
        if prev.level is not None or (prev.style or "").lower().startswith("list"):
            return f"\n{indent}{marker} {text}"
        return f"\n\n{indent}{marker} {text}"
    if p.table or p.story != "body":
        return None
    return f"\n\n{text}"


def _get(data: Any, keys: list[str | int]) -> Any:
    for k in keys:
        data = data[k]
    return data


def _set(data: Any, keys: list[str | int], value: Any) -> None:
    target = _get(data, keys[:-1])
    target[keys[-1]] = value


__all__ = ["Conflict", "FactChange", "Plan", "TemplateChange", "absorb", "escape_typed"]
