"""The one Jinja2 sandbox: a letter's facts + its template → Markdown text.

- :func:`environment` builds the sandboxed environment once per templates folder
  (a warm process, such as ``briefing watch``, reuses it and its compiled templates).
- The loader protects pandoc-style heading attributes (``# Vervolg {#vervolg}``)
  from Jinja, which would read ``{#`` as the start of a comment (DESIGN §3).
- Every ``{{ }}`` value is inserted literally: ``finalize`` escapes the Markdown
  characters in it, so a fact can never change the document's structure. A fact
  meant as Markdown opts in with ``| markdown``.
- Every problem becomes a :class:`TemplateError` with the template file (relative
  to the project), the template line and, where there is one, a hint.
"""

from __future__ import annotations

import difflib
import inspect
import os
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import lru_cache, wraps
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from jinja2 import FileSystemLoader, TemplateNotFound, Undefined, pass_context
from jinja2 import meta as jinja_meta
from jinja2.exceptions import (
    SecurityError,
    TemplateRuntimeError,
    TemplateSyntaxError,
)
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from briefing import antwoorden, characters, dutch, limits
from briefing._compat import (
    JINJA_LOOKING_FOR,
    JINJA_NO_FILTER,
    JINJA_OPEN_BLOCK,
    JINJA_SYNTAX_MESSAGES,
    JINJA_UNSAFE_ATTRIBUTE,
    PYTHON_UNEXPECTED_KEYWORD,
    PYTHON_WRONG_ARGUMENTS,
    UnknownName,
    undefined_class,
)
from briefing.errors import InputError, TemplateError
from briefing.facts import LetterFacts
from briefing.schema import BRIEF_KEYS

if TYPE_CHECKING:
    from briefing.origins import Trace

__all__ = [
    "environment",
    "escape_markdown",
    "keep_newline_after_text",
    "protect_heading_attributes",
    "render_letter",
    "render_traced",
    "template_dependencies",
]

FILTERS = (
    "datum", "periode", "getal", "woorden", "bedrag", "procent", "opsomming", "markdown", "vragenstellers",
)
REF_ID = re.compile(r"[A-Za-z][\w-]*", re.ASCII)
MAX_TEMPLATE = 1_000_000  # characters of one template file

# --------------------------------------------------------------------------- heading attributes

# A heading line ending in an attribute block: `# Titel {#id .ongenummerd}`. The block
# opens with `{` + `#name` or `.name`, and closes with a bare `}` (a Jinja comment ends `#}`).
_HEADING_ATTRS = re.compile(
    r"^(?P<head>[ ]{0,3}#{1,6}[ \t].*?)"
    r"(?P<attrs>\{[#.][A-Za-z][\w-]*(?:[ \t]+[#.][A-Za-z][\w-]*)*[ \t]*\})"
    r"(?P<tail>[ \t]*\r?)$"
)


def protect_heading_attributes(source: str) -> str:
    """Wrap each heading's trailing ``{#id .class}`` in ``{% raw %}`` so Jinja prints it as is.

    Lines keep their number (template line numbers stay right); a real Jinja comment
    ``{# … #}`` is left alone. ``{%+`` and ``+%}`` keep lstrip/trim_blocks off these tags.
    """
    out = []
    for line in source.split("\n"):
        match = _HEADING_ATTRS.match(line)
        if match:
            line = f"{match['head']}{{%+ raw %}}{match['attrs']}{{% endraw +%}}{match['tail']}"
        out.append(line)
    return "\n".join(out)


# A tag or comment that closes a line: `… {% endif %}`, `… {# opmerking #}`.
_LAST_TAG = re.compile(r"(\{[%#](?:(?![%#]\}).)*?)([%#]\})([ \t]*\r?)$")
_TAGS = re.compile(r"\{%.*?%\}|\{#.*?#\}")


def keep_newline_after_text(source: str) -> str:
    """Let ``trim_blocks`` remove the newline after a line of tags only, not after text.

    Jinja's trim_blocks also eats the newline after a tag or comment that ends a
    line of text (``# Kop {# noot #}``, ``Zie bijlage{% endif %}``), which glues the
    next line on: in Markdown that can swallow a heading or a list item. Such a
    closing tag gets Jinja's ``+`` (``+%}``, ``+#}``) so its newline stays.
    """
    out = []
    for line in source.split("\n"):
        match = _LAST_TAG.search(line)
        if match and not match[1].endswith(("-", "+")):
            before = _TAGS.sub("", line[: match.start()])
            if before.strip() and "%}" not in before and "#}" not in before:
                line = f"{line[: match.start()]}{match[1]}+{match[2]}{match[3]}"
        out.append(line)
    return "\n".join(out)


class _Loader(FileSystemLoader):
    """Templates from ``project/templates`` only, pre-processed for Markdown (see above).

    The pre-pass runs here, in ``get_source``, so ``{% include %}``d templates get it too.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), encoding="utf-8-sig")  # a BOM (Windows editors) is dropped
        self.folder = folder

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        shown = (Path("templates") / template).as_posix()
        try:
            source, filename, uptodate = super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            line = exc.object[: exc.start].count(b"\n") + 1
            raise TemplateError(
                "het bestand is geen geldige UTF-8-tekst", shown, line, hint="sla het bestand op als UTF-8"
            ) from None
        if not Path(filename).resolve().is_relative_to(self.folder):  # a link out of templates/
            raise TemplateNotFound(template)
        if len(source) > MAX_TEMPLATE:
            raise TemplateError(
                "het sjabloon is te groot: meer dan 1 miljoen tekens", shown,
                hint="splits het op, of zet grote gegevens in de feiten",
            )
        characters.check(source, shown, TemplateError)

        def unchanged() -> bool:
            """Jinja's check is the file's mtime; a compiled template (kept by a spare render
            process, see :func:`compile_templates`) is used again only for the very same text."""
            try:
                return uptodate() and Path(filename).read_text(encoding="utf-8-sig") == source
            except (OSError, UnicodeDecodeError):
                return False

        return keep_newline_after_text(protect_heading_attributes(source)), filename, unchanged


# --------------------------------------------------------------------------- literal insertion

# Characters that are Markdown wherever they stand. A backslash before any ASCII
# punctuation is a valid CommonMark escape, so escaping never shows in the output.
_ALWAYS = re.compile(r"([\\`*_\[\]<>|#{}()~])")
_ENTITY = re.compile(r"&(?=#|[A-Za-z0-9])")  # &amp; &#32; would be decoded
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|\r|\n)[ \t\r\n]*")
# At the start of a line a value could open a block: a list item (`- `, `+ `, `1. `,
# `1) `), a setext underline (`===`). The value may be placed at a line start, so
# its own start is treated as one.
_LEADING = re.compile(r"^([-+=:])|^(\d{1,9})([.)])(?=[ \t]|$)")


def escape_markdown(value: Any) -> str:
    """A value as Markdown that reads back as exactly its text (newlines become spaces).

    Escaping is minimal, so the Markdown stays readable (``W.B. Hoekstra``, ``5,5%``):
    characters that are Markdown anywhere are escaped everywhere; those that matter
    only at the start of a line (``-``, ``1.``) or before template text that follows
    (``!`` and ``^`` before ``[``) only there. :class:`~markupsafe.Markup`
    (``| markdown``, ``ref()``) passes through untouched.
    """
    if isinstance(value, Markup):
        return value
    if value is None:
        raise ValueError("een leeg feit (null) kan niet in de tekst")
    text = _LINE_BREAKS.sub(" ", str(value))
    text = _ALWAYS.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _LEADING.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)
    if text.endswith(("!", "^")):  # `![…]` is an image, `^[…]` an inline footnote
        text = f"{text[:-1]}\\{text[-1]}"
    # Space at the edges could indent a line into a code block, end it in a hard break,
    # or be trimmed away: written as a character reference it stays, as just a space.
    if text[:1].isspace():
        text = f"&#{ord(text[0])};{text[1:]}"
    if len(text) > 1 and text[-1].isspace():
        text = f"{text[:-1]}&#{ord(text[-1])};"
    return text


# --------------------------------------------------------------------------- undefined values


# Fails on any use, and remembers what was looked up where (for a helpful message):
# built on Jinja's internals, so made in briefing._compat.
_Undefined = undefined_class()
_UnknownName = UnknownName


# --------------------------------------------------------------------------- filters and functions


def _strict(func: Callable[..., Any]) -> Callable[..., Any]:
    """Fail on an unknown fact passed in, rather than let the function see an Undefined.

    (``{{ slachtoffers.armeni | getal }}`` should say 'onbekend feit', not 'getal verwacht
    een getal'.)
    """

    @wraps(func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if isinstance(value, Undefined):
                str(value)  # a strict Undefined raises on any use
        return func(*args, **kwargs)

    return checked


def _brief_datum(context: Context) -> date | None:
    brief = context.get("brief")
    value = brief.get("datum") if isinstance(brief, Mapping) else None
    return value if isinstance(value, date) else None


@pass_context
@_strict
def _datum(context: Context, d: Any, **opties: Any) -> str:
    """``{{ d | datum }}``, ``datum(relatief=True)``, ``datum(weekdag=True)``: relative to the letter."""
    return dutch.datum(d, brief_datum=_brief_datum(context), **opties)


_NO_END = object()  # periode(a) without b: a holds both dates


@pass_context
@_strict
def _periode(context: Context, a: Any, b: Any = _NO_END, **opties: Any) -> str:
    """``periode(a, b, relatief=True)``, or as a filter on ``(a, b)`` or ``{begin: …, eind: …}``."""
    if b is _NO_END:
        if isinstance(a, Mapping) and "begin" in a and "eind" in a:
            a, b = a["begin"], a["eind"]
        elif isinstance(a, list | tuple) and len(a) == 2:
            a, b = a
        else:
            raise TypeError(
                "periode verwacht een begin- en een einddatum: "
                "periode(begin, eind) of (begin, eind) | periode"
            )
    return dutch.periode(a, b, brief_datum=_brief_datum(context), **opties)


@_strict
def _markdown(value: Any) -> Markup:
    """Opt in: insert a fact as Markdown, not as literal text."""
    if value is None:
        raise ValueError("een leeg feit (null) kan niet in de tekst")
    return Markup(str(value))


@_strict
def _ref(target: Any) -> Markup:
    """A cross-reference to a heading ``{#target}``; the parser reads the ``<ref:…>`` autolink."""
    if not isinstance(target, str) or not REF_ID.fullmatch(target):
        raise TemplateError(
            f"ongeldige verwijzing ref({target!r})",
            hint="een kop-id begint met een letter, gevolgd door letters, cijfers, '-' of '_'",
        )
    return Markup(f"<ref:{target}>")


# The Python functions behind the filters, for naming their options in error messages.
_SIGNATURES: dict[str, Callable[..., Any]] = {
    "datum": dutch.datum, "periode": dutch.periode, "getal": dutch.getal, "woorden": dutch.woorden,
    "bedrag": dutch.bedrag, "procent": dutch.procent, "opsomming": dutch.opsomming,
}  # fmt: skip


@lru_cache(maxsize=32)
def environment(templates: Path, traced: bool = False) -> SandboxedEnvironment:
    """The sandboxed environment for one templates folder (cached: built once per process).

    A ``traced`` one records where every piece of output comes from (:mod:`briefing.origins`);
    it renders exactly the same text."""
    folder = Path(templates).resolve()
    env = limits.LimitedSandbox(
        loader=_Loader(folder),
        undefined=_Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=escape_markdown,
    )
    env.filters.update(
        datum=_datum,
        periode=_periode,
        getal=_strict(dutch.getal),
        woorden=_strict(dutch.woorden),
        bedrag=_strict(dutch.bedrag),
        procent=_strict(dutch.procent),
        opsomming=_strict(dutch.opsomming),
        markdown=_markdown,
        vragenstellers=antwoorden.vragenstellers,
    )
    env.globals.update(periode=_periode, ref=_ref, antwoord=antwoorden.antwoord)
    if traced:
        from briefing.origins import enable_tracing

        enable_tracing(env)
    return env


# --------------------------------------------------------------------------- what a template uses


def template_dependencies(templates: Path, name: str) -> tuple[set[str], set[str]] | None:
    """The templates ``name`` uses and the top-level names they read, or None if unknowable.

    The templates are ``name`` itself and what it includes or imports, recursively; the
    names are every variable read without being set (``personen``, ``brief``, …). Parsed
    through :func:`environment`, so the heading-attribute pre-pass applies. None when a
    template cannot be read or parsed, or includes a name computed at render time: the
    caller then assumes everything is used (and the build reports the problem).
    """
    env = environment(Path(templates).resolve())
    todo, used, names = [name], set(), set()
    while todo:
        current = todo.pop()
        if current in used:
            continue
        used.add(current)
        try:
            source, filename, _ = env.loader.get_source(env, current)
            read, included = _template_names(env, current, filename, source)
        except Exception:  # any problem: the build itself will report it
            return None
        if None in included:  # {% include name_from_a_fact %}
            return None
        names |= read
        todo.extend(included)
    return used, names


@lru_cache(maxsize=256)
def _template_names(
    env: SandboxedEnvironment, name: str, filename: str | None, source: str
) -> tuple[frozenset[str], tuple[str | None, ...]]:
    """The names one template reads and the templates it includes or imports.

    Kept per source text: ``briefing watch`` asks after every save, and parsing and
    compiling a template takes ≈ 0.02 s.
    """
    ast = env.parse(source, name, filename)
    read = frozenset(jinja_meta.find_undeclared_variables(ast))  # compiles: finds unknown filters
    return read, tuple(jinja_meta.find_referenced_templates(ast))


# --------------------------------------------------------------------------- rendering


def render_letter(facts: LetterFacts, project: Path) -> str:
    """Render a letter's template with its facts (every top-level fact, and ``brief``)."""
    project = Path(project)
    folder = (project / "templates").resolve()
    env = environment(folder)
    name = facts.template.resolve().relative_to(folder).as_posix()
    context = {**facts.facts, "brief": facts.brief}
    try:
        return limits.capped(env.get_template(name).generate(context))
    except Exception as exc:  # every failure becomes one Dutch message with file and line
        raise _template_error(exc, facts, folder) from None


def compile_templates(project: Path, templates: Iterable[Path]) -> None:
    """Compile ``templates`` (files in the project's ``templates/``) ahead of a render: in the
    spare render process of ``briefing watch`` (:func:`briefing.limits.make_spare`). A render
    then finds them compiled — unless a file changed since, which Jinja checks (its mtime)
    and compiles again. Raises what compiling raises."""
    folder = (Path(project) / "templates").resolve()
    env = environment(folder)
    for path in templates:
        resolved = Path(path).resolve()
        if resolved.is_relative_to(folder) and resolved.is_file():
            env.get_template(resolved.relative_to(folder).as_posix())


def render_traced(facts: LetterFacts, project: Path) -> Trace:
    """Render like :func:`render_letter`, and record the origin of every piece of the text."""
    from briefing.origins import traced_render

    folder = (Path(project) / "templates").resolve()
    env = environment(folder, traced=True)
    name = facts.template.resolve().relative_to(folder).as_posix()
    context = {**facts.facts, "brief": facts.brief}
    try:
        return traced_render(env.get_template(name), context)
    except Exception as exc:
        raise _template_error(exc, facts, folder) from None


def _template_error(exc: Exception, facts: LetterFacts, folder: Path) -> TemplateError:
    if isinstance(exc, TemplateSyntaxError):
        return _syntax_error(exc, folder)
    if isinstance(exc, TemplateError) and exc.file:  # located already (by the loader)
        return exc
    locate = _repeated_location if isinstance(exc, RecursionError) else _location
    file, line = locate(exc.__traceback__, folder)
    file = file or Path("templates") / facts.template.resolve().relative_to(folder)

    def error(message: str, hint: str | None = None) -> TemplateError:
        return TemplateError(message, file.as_posix(), line, hint=hint)

    if isinstance(exc, _UnknownName):
        return error(*_unknown_name(exc, facts))
    if isinstance(exc, SecurityError):
        m = JINJA_UNSAFE_ATTRIBUTE.match(str(exc))
        what = f"'{m[1]}' van een {m[2]}-object" if m else str(exc)
        return error(
            f"niet toegestaan in een sjabloon: {what}", "een sjabloon leest feiten; het voert geen code uit"
        )
    if isinstance(exc, TemplateNotFound):
        return error(*_not_found(exc, folder))
    if isinstance(exc, InputError):
        return error(exc.message, exc.hint)
    if isinstance(exc, TemplateRuntimeError) and (m := _NO_FILTER.search(str(exc))):
        return error(*_unknown_filter(m[1], m[2], folder))
    if isinstance(exc, TypeError):
        return error(*_type_error(exc))
    if isinstance(exc, ValueError | ArithmeticError | LookupError):
        return error(str(exc))
    if isinstance(exc, RecursionError):
        return error("het sjabloon neemt zichzelf op of roept zichzelf aan, zonder einde (include of macro)")
    if isinstance(exc, MemoryError):
        return error(
            f"het sjabloon vraagt te veel geheugen (meer dan {limits.MAX_MEMORY >> 20} MB)",
            "een lus of tekst die enorm groot wordt?",
        )
    return error(f"fout bij het invullen van het sjabloon: {type(exc).__name__}: {exc}")


def _location(tb: TracebackType | None, folder: Path) -> tuple[Path | None, int | None]:
    """The innermost template frame of a traceback: Jinja rewrites it to file and template line."""
    found: tuple[Path | None, int | None] = (None, None)
    prefix = str(folder) + os.sep
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(prefix):
            found = (_shown(filename, folder), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _repeated_location(tb: TracebackType | None, folder: Path) -> tuple[Path | None, int | None]:
    """For endless recursion: the outermost template line that repeats (the include or macro
    call that starts the cycle), not the innermost, which is wherever the limit struck."""
    places: list[tuple[str, int]] = []
    prefix = str(folder) + os.sep
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(prefix):
            places.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    counts: dict[tuple[str, int], int] = {}
    for place in places:
        counts[place] = counts.get(place, 0) + 1
    for place in places:
        if counts[place] > 1:
            return _shown(place[0], folder), place[1]
    return _location(None, folder) if not places else (_shown(places[-1][0], folder), places[-1][1])


def _shown(filename: str, folder: Path) -> Path:
    path = Path(filename)
    try:
        return Path("templates") / path.resolve().relative_to(folder)
    except ValueError:
        return path


# Jinja's English messages, read for a Dutch one (briefing._compat holds them).
_NO_FILTER = JINJA_NO_FILTER
_SYNTAX_MESSAGES = JINJA_SYNTAX_MESSAGES


def _syntax_error(exc: TemplateSyntaxError, folder: Path) -> TemplateError:
    file = _shown(exc.filename, folder).as_posix() if exc.filename else None
    m = _NO_FILTER.search(exc.message or "")
    if m:
        message, hint = _unknown_filter(m[1], m[2], folder)
        return TemplateError(message, file, exc.lineno, hint=hint)
    if block := _unclosed_block(exc, folder):  # Jinja names where it gave up; point at the opening tag
        tag, line = block
        return TemplateError(
            f"syntaxfout in het sjabloon: {{% {tag} %}} wordt nergens gesloten", file, line,
            hint=f"zet {{% end{tag} %}} waar het blok eindigt",
        )
    text = exc.message or str(exc)
    hint = None
    marker = JINJA_LOOKING_FOR
    if marker in text and (tags := re.findall(r"'(\w+)'", text.split(marker, 1)[1])):
        end = next((t for t in tags if t.startswith("end")), tags[0])  # 'elif' or 'else' or 'endif'
        text, hint = "het sjabloon houdt op midden in een blok", f"ontbreekt er een {{% {end} %}}?"
    else:
        for pattern, dutch_text in _SYNTAX_MESSAGES:
            if found := pattern.search(text):
                text = dutch_text.format(*found.groups())
                break
    return TemplateError(f"syntaxfout in het sjabloon: {text}", file, exc.lineno, hint=hint)


# Tags that open a block closed by `end<tag>`; `set` only in its block form, `{% set x %}…`.
_BLOCK_TAGS = frozenset(
    ("if", "for", "macro", "call", "filter", "with", "block", "autoescape", "trans", "set")
)
_OPEN_BLOCK = JINJA_OPEN_BLOCK  # Jinja's words when a block is left open


def _unclosed_block(exc: TemplateSyntaxError, folder: Path) -> tuple[str, int] | None:
    """The block Jinja found left open: its tag and the line of its opening tag, or None.

    Jinja names the line where it gave up: the end of the file, or an outer block's end
    (``{% endfor %}`` while an ``{% if %}`` inside is open). The source is lexed as Jinja
    parsed it (``exc.source``: the loader's output, whose pre-pass keeps every line), up to
    that point. None when the source cannot be read or lexed, or the open block found is
    not the one Jinja names.
    """
    found = _OPEN_BLOCK.search(exc.message or "")
    if not found or found["outer"] not in (None, *_BLOCK_TAGS):
        return None
    env = environment(folder)
    try:
        source = exc.source if exc.source is not None else env.loader.get_source(env, exc.name)[0]
        tokens = list(env.lex(env.preprocess(source, exc.name, exc.filename), exc.name, exc.filename))
    except Exception:  # unreadable or unlexable: Jinja's own line stands
        return None
    stack: list[tuple[str, int]] = []  # open blocks: tag and line of `{%`
    words: list[str] | None = None  # the tag being read: its tokens (whitespace aside)
    line = 0
    for lineno, kind, value in tokens:
        if kind == "block_begin":
            words, line = [], lineno
        elif kind == "block_end" and words:
            tag = words[0]
            assigns = tag == "set" and next((w for w in words if w in ("=", "|")), None) == "="
            if tag.startswith("end") and tag[3:] in _BLOCK_TAGS:
                if not stack or stack[-1][0] != tag[3:]:
                    break  # where Jinja gave up: the innermost open block is not this one
                stack.pop()
            elif tag in _BLOCK_TAGS and not assigns:  # `{% set x = 1 %}` assigns; `{% set x %}` opens
                stack.append((tag, line))
            words = None
        elif words is not None and kind != "whitespace":
            words.append(value)
    return stack[-1] if stack and stack[-1][0] == found["inner"] else None


def _unknown_filter(kind: str, name: str, folder: Path) -> tuple[str, str | None]:
    env = environment(folder)
    known = sorted(env.filters if kind == "filter" else env.tests)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    word = "filter" if kind == "filter" else "test"
    hint = f"bedoelde u '{close[0]}'?" if close else "filters voor een brief: " + ", ".join(FILTERS)
    return f"onbekend {word} '{name}'", hint


def _not_found(exc: TemplateNotFound, folder: Path) -> tuple[str, str | None]:
    name = str(exc.name)
    if name.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", name):
        hint = "een sjabloon neemt alleen bestanden uit templates/ op"
        return f"sjabloon '{name}' ligt buiten templates/", hint
    known = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    hint = f"bedoelde u '{close[0]}'?" if close else "een sjabloon neemt alleen bestanden uit templates/ op"
    return f"sjabloon '{name}' niet gevonden in templates/", hint


def _type_error(exc: TypeError) -> tuple[str, str | None]:
    """A filter called with the wrong options, or the filter's own (Dutch) message."""
    text = str(exc)
    m = PYTHON_UNEXPECTED_KEYWORD.match(text)
    if m and m[1] in _SIGNATURES:
        options = [
            p.name for p in inspect.signature(_SIGNATURES[m[1]]).parameters.values()
            if p.kind is p.KEYWORD_ONLY and p.name != "brief_datum"
        ]
        close = difflib.get_close_matches(m[2], options, n=1)
        hint = f"bedoelde u '{close[0]}'?" if close else (
            "mogelijke opties: " + ", ".join(options) if options else f"{m[1]} heeft geen opties"
        )
        return f"onbekende optie '{m[2]}' voor {m[1]}", hint
    if PYTHON_WRONG_ARGUMENTS.match(text):
        return f"verkeerd aantal argumenten: {text}", None
    return text, None


def _unknown_name(exc: _UnknownName, facts: LetterFacts) -> tuple[str, str | None]:
    """``onbekend feit 'slachtofers'`` with the closest name as a hint."""
    context = {**facts.facts, "brief": facts.brief}
    name, obj = exc.name, exc.obj
    if exc.top_level:
        close = difflib.get_close_matches(str(name), list(context), n=1, cutoff=0.6)
        hint = f"bedoelde u '{close[0]}'?" if close else "bekende feiten: " + ", ".join(sorted(context)[:10])
        return f"onbekend feit '{name}'", hint
    where = path_of(obj, context)
    if isinstance(obj, list | tuple) and isinstance(name, int):
        label = f"'{where}'" if where else "de lijst"
        return f"{label} heeft geen element {name}", f"er zijn {len(obj)} elementen, geteld vanaf 0"
    full = f"{where}.{name}" if where else str(name)
    if isinstance(obj, Mapping):
        if obj is facts.brief and name in BRIEF_KEYS:
            return f"'brief.{name}' is niet ingevuld", f"gebruik {{% if brief.{name} is defined %}}"
        candidates = [str(k) for k in obj]
    else:
        candidates = [a for a in dir(obj) if not a.startswith("_")]
    if isinstance(obj, Mapping) and not obj and where:
        return f"onbekend feit '{full}'", f"'{where}' is leeg"
    close = difflib.get_close_matches(str(name), candidates, n=1, cutoff=0.6)
    hint = f"bedoelde u '{close[0]}'?" if close else (
        "beschikbaar: " + ", ".join(candidates[:10]) if isinstance(obj, Mapping) and candidates else None
    )
    return f"onbekend feit '{full}'", hint


def path_of(target: Any, context: Mapping[str, Any], depth: int = 6) -> str | None:
    """The dotted name under which ``target`` (a mapping or list) sits in the facts."""
    todo: list[tuple[str, Any, int]] = [(k, v, 0) for k, v in context.items()]
    while todo:
        path, value, level = todo.pop(0)
        if value is target:
            return path
        if level < depth and isinstance(value, Mapping):
            todo += [(f"{path}.{k}", v, level + 1) for k, v in value.items()]
        elif level < depth and isinstance(value, list):
            todo += [(f"{path}[{i}]", v, level + 1) for i, v in enumerate(value)]
    return None
