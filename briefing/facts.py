"""Load and validate a letter file: YAML → :class:`LetterFacts`, with file:line on every error.

A letter file (DESIGN §2) holds the letter's metadata under ``brief:`` and its facts
as every other top-level key; ``facts/_<name>.yaml`` files hold shared facts, which
every letter sees under ``<name>``. All problems of a file are reported at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from briefing import antwoorden, characters, dutch, schema
from briefing._compat import YAML_UNKNOWN_TAG, yaml_message
from briefing.errors import FactsError, Problems
from briefing.model import Afzender, Meta, Ondertekenaar

__all__ = ["LetterFacts", "letter_files", "load_letter", "shared_files"]

DEFAULT_AANHEF = "Geachte voorzitter,"
# Limits that keep a hostile or mistaken file from exhausting time or memory. A real
# letter is far below them: the largest example is about 200 values, 4 levels deep.
MAX_DEPTH = 50  # levels of nesting, counted through aliases
MAX_VALUES = 100_000  # values once every alias (*naam) is expanded
MAX_DIGITS = 25  # digits of a whole number (the number filters work up to 10^21)
MAX_BYTES = 5_000_000  # a facts file (a letter with a 2,000-row table: about 0.15 MB)
SUFFIXES = (".yaml", ".yml")
# Names the template environment defines as functions; a fact of that name would hide them.
RESERVED = frozenset({"brief", "ref", "periode", "antwoord"})


@dataclass(frozen=True)
class LetterFacts:
    """One letter's validated input: metadata for the writers, facts for the template."""

    name: str  # the file's stem: 'armenie-azerbeidzjan'
    path: Path  # the letter file
    template: Path  # project/templates/<sjabloon>, known to exist
    meta: Meta
    brief: dict[str, Any]  # the validated 'brief' mapping as written ('datum' a date)
    facts: dict[str, Any]  # the letter's other top-level keys, plus shared facts by name
    shared_files: tuple[Path, ...]  # the shared-facts files that were loaded
    lines: dict[str, int]  # 'brief.datum', 'slachtoffers.armenie', 'brief.ondertekenaars.0' → line


# --------------------------------------------------------------------------- finding files


def letter_files(project: Path) -> list[Path]:
    """Every letter file of a project: ``facts/*.yaml`` and ``*.yml`` not starting with ``_``."""
    folder = Path(project) / "facts"
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix in SUFFIXES and not p.name.startswith("_") and p.is_file()
    )


def shared_files(project: Path) -> list[Path]:
    """Every shared-facts file of a project: ``facts/_<name>.yaml`` (or ``.yml``)."""
    folder = Path(project) / "facts"
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix in SUFFIXES and p.name.startswith("_") and p.is_file()
    )


# --------------------------------------------------------------------------- YAML


class _Loader(yaml.SafeLoader):
    """A SafeLoader that reports a key given twice and an impossible date, instead of guessing.

    PyYAML keeps the last of two equal keys without a word, and raises a bare
    ``ValueError`` for ``2022-13-01``. Both are collected in ``problems`` (with the
    line) so that the whole file is still read and every problem shown at once.
    """

    def __init__(self, stream: str, file: str) -> None:
        super().__init__(stream)
        self.file = file
        self.problems: list[FactsError] = []
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        # PyYAML composes recursively: 300 levels of [[[…]]] end in a RecursionError.
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise FactsError(
                    f"de gegevens zijn dieper genest dan {MAX_DEPTH} niveaus", self.file, mark.line + 1,
                    mark.column + 1, hint="een brief heeft zelden meer dan een paar niveaus nodig",
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int | str:
        digits = sum(c.isdigit() for c in node.value)
        if digits > MAX_DIGITS:
            self.problems.append(
                FactsError(
                    f"een getal van {digits} cijfers is te groot voor een brief", self.file,
                    node.start_mark.line + 1, node.start_mark.column + 1,
                    hint=f"hoogstens {MAX_DIGITS} cijfers; is het een code, zet die tussen aanhalingstekens",
                )
            )
            return str(node.value)
        return super().construct_yaml_int(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key; SafeLoader reports it below
                    continue
                line = key_node.start_mark.line + 1
                if first is not None:
                    self.problems.append(
                        FactsError(
                            f"sleutel '{key}' komt twee keer voor", self.file, line,
                            key_node.start_mark.column + 1, hint=f"eerder op regel {first}",
                        )
                    )
                else:
                    seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> date | datetime | str:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            self.problems.append(
                FactsError(
                    f"ongeldige datum '{node.value}'", self.file, node.start_mark.line + 1,
                    node.start_mark.column + 1,
                    hint="een datum schrijft u als JJJJ-MM-DD, bijvoorbeeld 2022-12-09",
                )
            )
            return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _check_size(root: yaml.Node, file: str) -> None:
    """Refuse aliases that refer to themselves, and data that aliases blow up beyond the limits.

    ``a: &a [1, *a]`` has no end; nine levels of nine aliases each (a "billion laughs")
    is a few lines that expand to 387 million values. Both are found on the parsed nodes,
    before any value is built, in time proportional to the file.
    """
    size: dict[int, int] = {}  # expanded number of values below a node, by id
    depth: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            active.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            mark = node.start_mark
            if size[key] > MAX_VALUES:
                raise FactsError(
                    f"de verwijzingen (*naam) maken de gegevens te groot: meer dan {MAX_VALUES:,} waarden"
                    .replace(",", "."), file, mark.line + 1, mark.column + 1,
                    hint="gebruik minder verwijzingen naar verwijzingen",
                )
            if depth[key] > MAX_DEPTH:
                raise FactsError(
                    f"de gegevens zijn (via verwijzingen) dieper genest dan {MAX_DEPTH} niveaus",
                    file, mark.line + 1, mark.column + 1,
                )
            continue
        if key in size:
            continue
        if key in active:
            mark = node.start_mark
            raise FactsError(
                "een verwijzing (*naam) verwijst naar zichzelf", file, mark.line + 1, mark.column + 1,
                hint="een anker (&naam) kan niet binnen zijn eigen waarde gebruikt worden",
            )
        active.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _display(path: Path, project: Path) -> Path:
    """A path as the user knows it: relative to the project where possible."""
    try:
        return path.resolve().relative_to(project.resolve())
    except ValueError:
        return path


def _read_yaml(path: Path, shown: Path) -> tuple[Any, dict[str, int], list[FactsError]]:
    """Parse one YAML file: its data, the line of every key path, and soft problems."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise FactsError(f"het bestand is te groot: meer dan {MAX_BYTES // 1_000_000} MB", shown,
                             hint="zet grote gegevens niet in een brief")
        raw = path.read_bytes()
    except OSError as exc:
        raise FactsError(f"kan het bestand niet lezen: {exc.strerror or exc}", shown) from None
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as Windows editors write it, is dropped
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FactsError(
            "het bestand is geen geldige UTF-8-tekst", shown, line, hint="sla het bestand op als UTF-8"
        ) from None
    characters.check(text, shown, FactsError)
    try:
        loader = _Loader(text, str(shown))
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (DEL, C1 controls)
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise FactsError(
            f"het teken {characters.describe(chr(exc.character))} is niet toegestaan in YAML",
            shown, line, column,
            hint="verwijder het, of schrijf het als \\u-code tussen dubbele aanhalingstekens",
        ) from None
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_size(node, str(shown))
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, shown, text) from None
    except yaml.YAMLError as exc:
        raise FactsError(f"ongeldige YAML: {exc}", shown) from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if node is not None:
        lines[""] = node.start_mark.line + 1
        _collect_lines(node, "", lines)
    return data, lines, loader.problems + list(_invalid_values(data, "", lines, shown))


def _invalid_values(value: Any, path: str, lines: dict[str, int], shown: Path) -> Iterator[FactsError]:
    """Characters a DOCX cannot hold, written as escapes (``"\\x0b"``) in a quoted value."""
    if isinstance(value, str):
        for _, _, char in characters.find_invalid(value):
            where = f"in '{path}' " if path else ""
            yield FactsError(
                f"het teken {characters.describe(char)} {where}kan niet in een brief", shown,
                lines.get(path), hint="haal het weg uit de tekst",
            )
            return
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _invalid_values(key, path, lines, shown)
            yield from _invalid_values(item, f"{path}.{key}" if path else str(key), lines, shown)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _invalid_values(item, f"{path}.{index}" if path else str(index), lines, shown)


def _yaml_error(exc: yaml.MarkedYAMLError, shown: Path, text: str) -> FactsError:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "").strip()
    # An opening quote without its closing one makes YAML read on, and fail lines later.
    quote = _unclosed_quote(text, mark.line + 1) if mark else None
    if quote is not None:
        return FactsError(
            "aanhalingsteken zonder sluitend aanhalingsteken", shown, quote[0], quote[1],
            hint=f"YAML leest de tekst door tot regel {mark.line + 1}; sluit de tekst af met hetzelfde teken",
        )
    message, hint = yaml_message(problem) or (None, None)  # PyYAML's English, in Dutch
    if message is None:
        if problem.startswith(YAML_UNKNOWN_TAG):
            message, hint = f"onbekende YAML-tag {problem.rsplit(' ', 1)[-1]}", "laat de tag weg"
        else:
            message = f"ongeldige YAML: {problem or exc}"
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return FactsError(message, shown, line, column, hint)


_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s#"'][^:#]*:\s+)?(["'])""")


def _unclosed_quote(text: str, before: int) -> tuple[int, int] | None:
    """(line, column) of a value opened with a quote never closed before line ``before``.

    (A quoted text may run over several lines; only one that does not end before the
    line YAML stumbled on is reported.)
    """
    lines = text.splitlines()[: before - 1]
    for number, line in enumerate(lines, 1):
        match = _QUOTED_VALUE.match(line)
        if not match:
            continue
        quote = match[1]
        rest = "\n".join([line[match.end():], *lines[number:]])
        rest = rest.replace("\\\\", "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
        if quote not in rest:
            return number, match.end()
    return None


def _collect_lines(node: yaml.Node, prefix: str, out: dict[str, int]) -> None:
    """Record the line of every mapping key and list item below ``node``."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            path = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            out[path] = key_node.start_mark.line + 1
            _collect_lines(value_node, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = f"{prefix}.{index}" if prefix else str(index)
            out[path] = item.start_mark.line + 1
            _collect_lines(item, path, out)


# --------------------------------------------------------------------------- loading


def load_letter(project: Path, letter_file: Path) -> LetterFacts:
    """Load, validate and combine a letter file with the project's shared facts.

    Raises :class:`FactsError` for a single problem and :class:`Problems` (of
    FactsErrors) when there are several, so that a user sees them all at once.
    """
    project = Path(project)
    path = Path(letter_file)
    shown = _display(path, project)
    outside = _outside(path, project)
    if outside is not None:
        raise outside
    data, lines, problems = _read_yaml(path, shown)

    if data is None:
        raise FactsError("het briefbestand is leeg", shown, 1, hint="begin met 'brief:' (zie briefing new)")
    if not isinstance(data, dict):
        raise FactsError(
            f"een briefbestand bestaat uit sleutels ('brief:' en feiten), niet uit {schema.kind_of(data)}",
            shown, lines.get(""),
        )

    # A schema error on a line the loader already reported (an impossible date) says nothing new.
    seen_lines = {p.line for p in problems}
    problems += [p for p in schema.validate(data, lines, shown) if p.line not in seen_lines]
    problems += _check_fact_names(data, lines, shown)
    problems += antwoorden.check_facts(data, lines, shown)

    shared, loaded, shared_problems = _load_shared(project)
    problems += shared_problems
    for name, file in loaded.items():
        if name in data and name != "brief":
            other = _display(file, project).as_posix()
            problems.append(
                FactsError(
                    f"feit '{name}' bestaat ook als gedeeld feitenbestand {other}",
                    shown, lines.get(name),
                    hint=f"hernoem het feit, of gebruik het gedeelde '{name}'",
                )
            )

    brief = data.get("brief")
    template = None
    if isinstance(brief, dict) and isinstance(brief.get("sjabloon"), str) and brief["sjabloon"]:
        template, problem = _template(project, brief["sjabloon"], shown, lines.get("brief.sjabloon"))
        if problem:
            problems.append(problem)

    # The letter's own problems first, by line; then those of shared files.
    problems.sort(key=lambda p: (p.file != str(shown), p.file or "", p.line or 0))
    _raise(problems)
    assert isinstance(brief, dict) and template is not None  # the schema guarantees it
    brief = dict(brief)
    brief["datum"] = _as_date(brief["datum"])
    facts = {k: v for k, v in data.items() if k != "brief"}
    facts.update(shared)
    return LetterFacts(
        name=path.stem,
        path=path,
        template=template,
        meta=_meta(brief),
        brief=brief,
        facts=facts,
        shared_files=tuple(loaded.values()),
        lines=lines,
    )


def _raise(problems: list[FactsError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise Problems(problems)


def _check_fact_names(data: dict[Any, Any], lines: dict[str, int], shown: Path) -> Iterator[FactsError]:
    """Top-level keys become template variables: they must be names, and not hide a function."""
    for key in data:
        if not isinstance(key, str):
            yield FactsError(
                f"de naam van een feit moet tekst zijn, niet {schema.kind_of(key)} ({_as_written(key)})",
                shown, _key_line(key, lines), hint="begin de naam met een letter",
            )
        elif key in RESERVED and key != "brief":
            yield FactsError(
                f"'{key}' is de naam van een sjabloonfunctie en kan geen feit zijn", shown, lines.get(key),
                hint="kies een andere naam",
            )


def _as_written(key: Any) -> str:
    """A key as YAML spells it: ``2022-01-01``, ``null``, ``true`` (not Python's repr)."""
    if isinstance(key, date):
        return key.isoformat()
    if key is None:
        return "null"
    if isinstance(key, bool):
        return str(key).lower()
    return str(key)


def _key_line(key: Any, lines: dict[str, int]) -> int | None:
    """The line of a top-level key that YAML read as something other than text
    (``null:``, ``true:``, ``2022-01-01:``, ``12:``), found by reading each key as YAML does."""
    if str(key) in lines:
        return lines[str(key)]
    for written, line in lines.items():
        if written and "." not in written:
            try:
                value = yaml.safe_load(written)
            except yaml.YAMLError:
                continue
            if type(value) is type(key) and value == key:
                return line
    return None


def _outside(file: Path, project: Path) -> FactsError | None:
    """The problem with a facts file that is (or links to) a file outside the project's facts/.

    Nothing outside the project is read: a link ``facts/_x.yaml`` → ``/etc/…`` would print
    that file's contents into a letter (templates are refused the same way)."""
    folder = (project / "facts").resolve()
    if file.resolve().is_relative_to(folder):
        return None
    try:
        shown = file.absolute().relative_to(project.absolute())  # the link, not its target
    except ValueError:
        shown = file
    return FactsError(
        f"'{file.name}' ligt buiten facts/ (of verwijst daarnaar)", shown,
        hint="kopieer het bestand naar facts/ in plaats van ernaar te verwijzen",
    )


def _load_shared(project: Path) -> tuple[dict[str, Any], dict[str, Path], list[FactsError]]:
    """Shared facts by name, the files they came from, and their problems."""
    values: dict[str, Any] = {}
    files: dict[str, Path] = {}
    problems: list[FactsError] = []
    for file in shared_files(project):
        shown = _display(file, project)
        name = file.stem[1:]
        if not name or name in RESERVED:
            problems.append(
                FactsError(f"'{file.name}' is geen bruikbare naam voor gedeelde feiten", shown,
                           hint="noem het bestand _<naam>.yaml, bijvoorbeeld _personen.yaml")
            )
            continue
        if name in files:
            problems.append(
                FactsError(f"gedeelde feiten '{name}' staan in twee bestanden", shown,
                           hint=f"ook in {_display(files[name], project).as_posix()}")
            )
            continue
        outside = _outside(file, project)
        if outside is not None:
            problems.append(outside)
            continue
        try:
            data, _, soft = _read_yaml(file, shown)
        except FactsError as exc:
            problems.append(exc)
            continue
        problems += soft
        values[name] = {} if data is None else data  # an empty file: no facts yet
        files[name] = file
    return values, files, problems


def _template(project: Path, sjabloon: str, shown: Path, line: int | None) -> tuple[Path, FactsError | None]:
    """The template file of ``sjabloon``, or the problem with it (naming close names)."""
    folder = project / "templates"
    relative = PurePosixPath(sjabloon)
    path = folder / relative
    outside = relative.is_absolute() or ".." in relative.parts
    try:
        exists = path.is_file()
    except OSError:  # a name the system cannot look up (too long): it does not exist
        exists = False
    if not outside and exists:
        if path.resolve().is_relative_to(folder.resolve()):
            return path, None
        outside = True  # a link to somewhere else
    if outside:
        return path, FactsError(
            f"sjabloon '{sjabloon}' ligt buiten templates/", shown, line,
            hint="geef de naam ten opzichte van templates/, bijvoorbeeld brief.md.j2",
        )
    known = (
        sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        if folder.is_dir()
        else []
    )
    close = difflib.get_close_matches(sjabloon, known, n=3, cutoff=0.5)
    if close:
        hint = "bedoelde u " + " of ".join(f"'{c}'" for c in close) + "?"
    elif known:
        hint = "beschikbaar: " + ", ".join(known[:8])
    else:
        hint = "templates/ bevat nog geen sjablonen"
    return path, FactsError(f"sjabloon '{sjabloon}' bestaat niet in templates/", shown, line, hint=hint)


def _as_date(value: Any) -> date:
    """``brief.datum`` as a date: YAML gives one; quoted ISO text is accepted too."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)  # the schema checked the format


def _meta(brief: dict[str, Any]) -> Meta:
    """The letter's metadata, with defaults filled in and the date written out."""
    afzender = brief["afzender"]
    datum = brief["datum"]
    return Meta(
        betreft=brief["betreft"],
        datum=datum,
        datum_tekst=dutch.datum(datum),
        kenmerk=brief["kenmerk"],
        afzender=Afzender(
            organisatie=afzender["organisatie"],
            bezoekadres=tuple(afzender.get("bezoekadres", ())),
            postadres=tuple(afzender.get("postadres", ())),
            onderdeel=afzender.get("onderdeel"),
            website=afzender.get("website"),
            extra=tuple(afzender.get("extra", {}).items()),
        ),
        ondertekenaars=tuple(Ondertekenaar(o["functie"], o["naam"]) for o in brief["ondertekenaars"]),
        geadresseerde=tuple(brief.get("geadresseerde", ())),
        uw_kenmerk=brief.get("uw_kenmerk"),
        aanhef=brief.get("aanhef", DEFAULT_AANHEF),
        slot=brief.get("slot"),
        bijlagen=tuple(brief.get("bijlagen", ())),
        nummering=brief.get("nummering", True),
        concept=False,
        soort=brief.get("soort", "kamerbrief"),
    )

