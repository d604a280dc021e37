"""Every touch of another library's internals, in one place, each one guarded.

briefing uses a few names that its libraries do not publish: private attributes,
internal modules and the English text of their messages. They are collected here,
so that a new release of WeasyPrint, python-docx, pyphen, Jinja or PyYAML is checked
against one file. Each use is guarded: when upstream changes, the guard notices and
briefing takes a slower or plainer path, never a wrong one. (The table in
``tests/test_compat.py`` lists each use, its guard and its fallback; a test there
fails when another module touches a private name.)

Nothing here imports WeasyPrint or pyphen at module level: both are loaded lazily.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

# --------------------------------------------------------------------------- python-docx
# python-docx has no API for raw OOXML (footnotes, fields, numbering), so the DOCX
# writer works on the lxml element behind each proxy object. Every proxy (Paragraph,
# Run, Table, _Cell, _Row, header) keeps it as ``_element``; a part keeps its content as
# ``_element`` (XML parts) or ``_blob`` (binary parts). Guard: each accessor checks what
# it gets (an lxml element; a part whose ``element``/``blob`` then returns the new
# content) and raises a RuntimeError naming python-docx otherwise — the writer stops
# instead of writing a DOCX without what it meant to put in.


def docx_element(proxy: Any) -> Any:
    """The lxml element behind a python-docx proxy (paragraph, run, table, cell, row, header)."""
    from lxml import etree

    element = getattr(proxy, "_element", None)
    if element is None or not etree.iselement(element):
        raise RuntimeError(
            f"python-docx {_version('python-docx')}: {type(proxy).__name__} heeft geen XML-element "
            "meer onder de naam _element; briefing ondersteunt python-docx 1.x"
        )
    return element


def set_part_element(part: Any, element: Any) -> None:
    """Replace the XML of a python-docx ``XmlPart`` (numbering.xml, …) with ``element``."""
    part._element = element
    if part.element is not element:
        raise RuntimeError(
            f"python-docx {_version('python-docx')}: kan de XML van {part.partname} niet vervangen"
        )


def set_part_blob(part: Any, blob: bytes) -> None:
    """Replace the bytes of a python-docx binary ``Part`` (app.xml, fontTable.xml, …)."""
    part._blob = blob
    if part.blob != blob:
        raise RuntimeError(f"python-docx {_version('python-docx')}: kan {part.partname} niet vervangen")


# --------------------------------------------------------------------------- WeasyPrint
# Where each footnote and its call landed is only known from the laid-out boxes:
# ``Page._page_box`` and the box classes of ``weasyprint.formatting_structure.boxes``
# (with their ``element``, ``element_tag`` and ``children``). Guard: if any of these is
# missing, :func:`page_boxes` gives nothing; the PDF writer then keeps WeasyPrint's own
# placement of the notes (one layout pass, as without the fix) instead of failing.


def page_boxes(document: Any) -> Iterator[tuple[int, Any]] | None:
    """(page index, root box) of each page of a WeasyPrint document, or None if unknowable."""
    try:
        roots = [page._page_box for page in document.pages]
    except AttributeError:
        return None
    return iter(enumerate(roots))


def footnote_box_classes() -> tuple[type, type] | None:
    """WeasyPrint's ``Box`` and ``FootnoteAreaBox`` classes, or None if they moved."""
    try:
        from weasyprint.formatting_structure.boxes import Box, FootnoteAreaBox
    except ImportError:
        return None
    return Box, FootnoteAreaBox


def line_box_class() -> type | None:
    """WeasyPrint's ``LineBox`` class (a laid-out line), or None if it moved."""
    try:
        from weasyprint.formatting_structure.boxes import LineBox
    except ImportError:
        return None
    return LineBox


def box_text(box: Any) -> str | None:
    """The text a laid-out text box prints (with a hyphen its hyphenation added), or None."""
    text = getattr(box, "text", None)
    return text if isinstance(text, str) else None


def box_parts(box: Any) -> tuple[Any, str, tuple[Any, ...]]:
    """A box's source element (or None), its element tag ('' if none) and its children."""
    return (
        getattr(box, "element", None),
        getattr(box, "element_tag", None) or "",
        tuple(getattr(box, "children", ()) or ()),
    )


# No hyphenated word at the foot of a page: WeasyPrint has no ``hyphenate-limit-last``
# (CSS Text 4). A page break inside a paragraph is decided in
# ``weasyprint.layout.block._linebox_layout(context, box, index, child, new_children, …)``,
# which appends the page's lines to ``new_children`` (each with its ``resume_at``) and
# returns ``(abort, stop, resume_at, position_y, new_footnotes, max_lines)``; it is called
# through its module's global name. The wrapper looks at a paragraph that stops for a page
# break: when its last line there ends in WeasyPrint's hyphenate-character, that line is set
# again from where it starts (``weasyprint.layout.inline.iter_line_boxes``) with the
# paragraph's ``hyphens`` at ``manual`` for that one line, and the new line (same place and
# height, fewer words) replaces it; the word goes whole to the next page. No extra layout
# pass. Guard: both functions must be there with these parameters, and the result must be
# what is expected (the resume point is the last line's); else the line stays, and the PDF
# writer mends the paragraph in a second layout pass (slower, never wrong).

_LINEBOX_LAYOUT_PARAMS = [
    "context", "box", "index", "child", "new_children", "page_is_empty", "absolute_boxes",
    "fixed_boxes", "adjoining_margins", "bottom_space", "position_y", "skip_stack",
    "first_letter_style", "first_line_style", "draw_bottom_decoration", "max_lines",
]
_ITER_LINE_BOXES_PARAMS = [
    "context", "box", "position_y", "bottom_space", "skip_stack", "containing_block",
    "absolute_boxes", "fixed_boxes", "first_letter_style", "first_line_style",
]


def keep_page_end_words_whole() -> bool:
    """Have WeasyPrint never hyphenate the last line of a page (once per process).

    False if its internals are not as expected: pages may then end hyphenated.
    """
    import inspect

    try:
        from weasyprint.formatting_structure.boxes import Box
        from weasyprint.layout import block, inline
    except ImportError:
        return False
    original = getattr(block, "_linebox_layout", None)
    if getattr(original, "briefing_wrapped", False):
        return True
    iter_line_boxes = getattr(inline, "iter_line_boxes", None)
    if not (callable(original) and callable(iter_line_boxes)):
        return False
    if (
        list(inspect.signature(original).parameters) != _LINEBOX_LAYOUT_PARAMS
        or list(inspect.signature(iter_line_boxes).parameters) != _ITER_LINE_BOXES_PARAMS
    ):
        return False

    def linebox_layout(context: Any, box: Any, index: int, child: Any, new_children: list[Any],
                       *args: Any) -> Any:
        before = len(new_children)
        result = original(context, box, index, child, new_children, *args)
        try:
            line = _unhyphenated_last_line(iter_line_boxes, Box, result, context, box, index, child,
                                           new_children[before:], args)
        except Exception:  # an unexpected shape: the line stays as WeasyPrint set it
            return result
        if line is None:
            return result
        new_children[-1] = line
        abort, stop, _, position_y, new_footnotes, max_lines = result
        return abort, stop, {index: line.resume_at}, position_y, new_footnotes, max_lines

    linebox_layout.briefing_wrapped = True  # type: ignore[attr-defined]
    linebox_layout.__wrapped__ = original  # type: ignore[attr-defined]
    block._linebox_layout = linebox_layout
    return True


def _unhyphenated_last_line(iter_line_boxes: Callable[..., Any], box_class: type, result: Any,
                            context: Any, box: Any, index: int, child: Any, lines: list[Any],
                            args: tuple[Any, ...]) -> Any:
    """The page's last line of this paragraph set again without hyphenation, or None to keep it."""
    (page_is_empty, absolute_boxes, fixed_boxes, _, bottom_space, _, skip_stack,
     first_letter_style, first_line_style, _, max_lines_in) = args
    abort, stop, resume_at, _, _, max_lines = result
    if abort or not stop or not lines or max_lines_in is not None or max_lines is not None:
        return None
    last = lines[-1]
    if last.resume_at is None or resume_at != {index: last.resume_at} or not _ends_hyphenated(last):
        return None
    if len(lines) == 1 and page_is_empty:
        return None  # a page's only line: it must take something along
    if any(not isinstance(d, box_class) or d.is_floated() or d.is_absolutely_positioned()
           for d in last.descendants()):
        return None  # a float or an absolutely positioned box (its placeholder): leave the line
    first = len(lines) == 1
    start = skip_stack if first else lines[-2].resume_at
    styles = {id(d.style): d.style for d in child.descendants() if isinstance(d, box_class)}
    saved = {key: style["hyphens"] for key, style in styles.items()}
    try:
        for style in styles.values():
            style["hyphens"] = "manual"
        lines_again = iter_line_boxes(
            context, child, last.position_y, bottom_space, start, box, absolute_boxes, fixed_boxes,
            first_letter_style if first else None, first_line_style if first else None)
        line, line_resume_at = next(iter(lines_again), (None, None))
    finally:
        for key, style in styles.items():
            style["hyphens"] = saved[key]
    if (
        line is None
        or line_resume_at in (None, start, last.resume_at)
        or _ends_hyphenated(line)
        or abs(line.position_y - last.position_y) > 1e-6
        or abs(line.height - last.height) > 1e-6
        or _footnotes(line) != _footnotes(last)
    ):
        return None
    line.resume_at = line_resume_at
    return line


def _ends_hyphenated(line: Any) -> bool:
    """Whether a laid-out line's last text ends in its hyphenate-character."""
    for box in reversed(list(line.descendants())):
        text = getattr(box, "text", None)
        if isinstance(text, str) and text.strip():
            character = box.style["hyphenate_character"]
            return bool(character) and text.rstrip().endswith(character)
    return False


def _footnotes(line: Any) -> list[Any]:
    return [id(d.footnote) for d in line.descendants() if getattr(d, "footnote", None) is not None]


# Which HTML element each structure element of the PDF comes from is known only while
# WeasyPrint builds its tag tree: ``weasyprint.pdf.tags._build_box_tree(box, parent, pdf,
# page_number, …)``, a generator that yields each element it makes (a pydyf dictionary
# with its object ``number``) and calls itself through its module's global name. It is
# wrapped once per process; an ``AbsolutePlaceholder`` box wraps its real box as ``_box``.
# Guard: the function must be there, a generator function with those first parameters;
# else nothing is recorded and the PDF writer repairs the tree from the PDF alone
# (writers/pdf_tags.py: detached content becomes artifacts, nothing is lost).

_tagged_box_callback: list[Callable[[int, Any, int], None]] = []


def on_tagged_box(callback: Callable[[int, Any, int], None]) -> bool:
    """Have ``callback(object number, box, page index)`` called for each structure element
    WeasyPrint makes from a box (innermost first). False if that cannot be known."""
    import inspect

    try:
        from weasyprint.pdf import tags
    except ImportError:
        return False
    original = getattr(tags, "_build_box_tree", None)
    if getattr(original, "briefing_callbacks", None) is _tagged_box_callback:
        _tagged_box_callback[:] = [callback]
        return True
    if original is None or not inspect.isgeneratorfunction(original):
        return False
    params = list(inspect.signature(original).parameters)[:4]
    if params != ["box", "parent", "pdf", "page_number"]:
        return False

    def build_box_tree(box: Any, parent: Any, pdf: Any, page_number: int, *rest: Any) -> Iterator[Any]:
        for element in original(box, parent, pdf, page_number, *rest):
            for call in _tagged_box_callback:
                with contextlib.suppress(Exception):  # a record is a help, never a failure
                    call(element.number, getattr(box, "_box", box), page_number)
            yield element

    build_box_tree.briefing_callbacks = _tagged_box_callback  # type: ignore[attr-defined]
    _tagged_box_callback[:] = [callback]
    tags._build_box_tree = build_box_tree
    return True


# The PDF variants WeasyPrint can write are the keys of ``weasyprint.pdf.VARIANTS`` (the
# documentation lists them; no function returns them). Guard: if that mapping is gone,
# the variants WeasyPrint 70 knows are offered; one it no longer knows then fails in
# write_pdf with WeasyPrint's own error (a stopped build, never a wrong PDF).
KNOWN_PDF_VARIANTS = (
    "pdf/a-1a", "pdf/a-1b", "pdf/a-2a", "pdf/a-2b", "pdf/a-2u", "pdf/a-3a", "pdf/a-3b", "pdf/a-3u",
    "pdf/a-4e", "pdf/a-4f", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2", "pdf/x-1a", "pdf/x-3", "pdf/x-4",
    "pdf/x-5g",
)


def pdf_variants() -> tuple[str, ...]:
    """The PDF variants this WeasyPrint can write (``pdf/ua-1``, ``pdf/a-3b``, …)."""
    try:
        from weasyprint.pdf import VARIANTS
    except ImportError:
        return KNOWN_PDF_VARIANTS
    return tuple(sorted(v for v in VARIANTS if v != "debug"))


def ldconfig_lookup() -> Callable[[str], str | None] | None:
    """``ctypes.util``'s lookup in the linker cache only (Linux), or None where there is none.

    ``find_library`` asks ``ldconfig -p`` first and then runs gcc and ld for a name not
    there (≈ 15 ms a miss). Guard: None when the private helper is gone or not on Linux;
    libraries are then found the normal way (slower: ≈ 0.2 s more per cold PDF).
    """
    import ctypes.util

    lookup = getattr(ctypes.util, "_findSoname_ldconfig", None)
    if not sys.platform.startswith("linux") or not callable(lookup):
        return None
    return lookup


# --------------------------------------------------------------------------- pyphen
# pyphen keeps parsed dictionaries in ``pyphen.hdcache`` (path → HyphDict), and a
# HyphDict is its ``patterns``, ``cache`` and ``maxlen``. briefing keeps parsed patterns
# on disk and puts a HyphDict made from them into hdcache (≈ 0.2 s less per cold PDF).
# Guard: the pyphen version is part of the cache file's name, and the attributes are
# checked on a dictionary pyphen parsed itself before one is built by hand; if any is
# missing or different, nothing is cached and pyphen parses as usual (slower).

_HYPH_FIELDS = ("patterns", "cache", "maxlen")


def hyphenation_cache() -> dict[str, Any] | None:
    """pyphen's cache of parsed dictionaries (path → HyphDict), or None if it has none."""
    import pyphen

    cache = getattr(pyphen, "hdcache", None)
    return cache if isinstance(cache, dict) else None


def parse_hyphenation(path: Any) -> Any:
    """pyphen's parsed dictionary (a HyphDict) of the pattern file ``path``, as pyphen makes it."""
    import pyphen

    return pyphen.HyphDict(path)


def hyphenation_patterns(hyph: Any) -> dict[str, Any] | None:
    """The parsed patterns of a HyphDict pyphen made, if it has the known shape, else None.

    The shape is exactly the fields :func:`hyphenator_from_patterns` fills: a pyphen that
    keeps anything more gets no cache (a cache file names the pyphen version it is for).
    """
    if set(getattr(hyph, "__dict__", ())) != set(_HYPH_FIELDS):
        return None
    patterns = hyph.patterns
    return patterns if isinstance(patterns, dict) and patterns else None


def hyphenator_from_patterns(patterns: dict[str, Any]) -> Any:
    """A pyphen HyphDict made from patterns that :func:`hyphenation_patterns` returned."""
    import pyphen

    hyph = object.__new__(pyphen.HyphDict)  # what HyphDict.__init__ leaves behind
    hyph.patterns = patterns
    hyph.cache = {}
    hyph.maxlen = max(len(key) for key in patterns)
    return hyph


# --------------------------------------------------------------------------- the standard library


def run_exit_handlers() -> bool:
    """Run the ``atexit`` handlers now (for an ``os._exit`` after), if Python lets us.

    Guard: ``atexit._run_exitfuncs`` is CPython's; without it this returns False and
    the caller exits the normal way (the handlers run then; ≈ 0.1–0.2 s slower).
    """
    import atexit

    run = getattr(atexit, "_run_exitfuncs", None)
    if not callable(run):
        return False
    run()
    return True


def terminate_workers(executor: Any) -> None:
    """Stop a ProcessPoolExecutor's worker processes without waiting for their tasks.

    Python 3.14 has ``terminate_workers()``; before, the processes are in the private
    ``_processes`` mapping. Guard: with neither, nothing is stopped and the caller's
    ``shutdown(wait=True)`` waits for the workers instead (slower, ≈ 0.6 s at most).
    """
    public = getattr(executor, "terminate_workers", None)
    if callable(public):
        public()
        return
    processes = getattr(executor, "_processes", None)
    if not isinstance(processes, dict):
        return
    for process in list(processes.values()):
        with contextlib.suppress(OSError, AttributeError):
            process.terminate()


def pool_broken(executor: Any) -> bool:
    """Whether a ProcessPoolExecutor lost a worker (it then refuses new tasks).

    Guard: without the private ``_broken`` flag the pool counts as sound; a task sent to
    a broken pool then raises BrokenProcessPool, and the build does that letter itself.
    """
    return bool(getattr(executor, "_broken", False))


# --------------------------------------------------------------------------- Jinja
# An unknown name in a template: Jinja's StrictUndefined raises UndefinedError with an
# English message; briefing wants the object and the name looked up, to say
# "onbekend feit 'slachtofers' (bedoelde u 'slachtoffers'?)". StrictUndefined keeps
# them as ``_undefined_obj`` / ``_undefined_name`` (``jinja2.utils.missing`` for a
# top-level name) and fails through ``_fail_with_undefined_error``. Guard: if those
# names are missing, :func:`undefined_class` returns Jinja's own StrictUndefined; an
# unknown fact is then still an error with its line, worded by Jinja (in English).


class UnknownName(Exception):
    """An unknown fact (``top_level``), or an unknown key or attribute ``name`` of ``obj``."""

    def __init__(self, obj: Any, name: Any, top_level: bool) -> None:
        super().__init__(f"undefined: {name!r}")
        self.obj = obj
        self.name = name
        self.top_level = top_level


def undefined_class() -> type:
    """A StrictUndefined that raises :class:`UnknownName` (an UndefinedError) on any use."""
    from jinja2 import StrictUndefined, Undefined
    from jinja2.exceptions import UndefinedError

    fail = getattr(Undefined, "_fail_with_undefined_error", None)
    probe = StrictUndefined(name="x")
    if fail is None or not all(
        hasattr(probe, a) for a in ("_undefined_obj", "_undefined_name", "_undefined_exception")
    ):
        return StrictUndefined

    from jinja2.utils import missing

    class _UnknownName(UnknownName, UndefinedError):
        pass

    class _Undefined(StrictUndefined):
        __slots__ = ()

        def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
            if self._undefined_exception is not UndefinedError:  # e.g. the sandbox's SecurityError
                return super()._fail_with_undefined_error(*args, **kwargs)
            top_level = self._undefined_obj is missing
            raise _UnknownName(None if top_level else self._undefined_obj, self._undefined_name, top_level)

    # Jinja binds the failing operators (__str__, __iter__, __add__, …) to the base
    # class's function itself, so the override must be bound to each of them again.
    for attr in dir(StrictUndefined):
        if getattr(StrictUndefined, attr, None) is fail:
            setattr(_Undefined, attr, _Undefined._fail_with_undefined_error)
    return _Undefined


def lorem_ipsum(n: int, html: bool, min: int, max: int) -> str:
    """Jinja's ``lipsum()`` (its function lives in ``jinja2.utils``). Guard: without it, plain
    placeholder words, which a Kamerbrief never keeps anyway."""
    try:
        from jinja2.utils import generate_lorem_ipsum
    except ImportError:
        return "\n\n".join(["lorem ipsum dolor sit amet"] * n)
    return generate_lorem_ipsum(n, html, min, max)


def template_depth(environment: Any) -> int:
    """How many of ``environment``'s templates are rendering inside each other right now:
    the frames of their compiled ``root`` functions on this thread's stack. Guard: where
    frames cannot be read, 0 (the render's time and memory limits still hold)."""
    import sys

    getframe = getattr(sys, "_getframe", None)
    if getframe is None:
        return 0
    depth, frame = 0, getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "root" and frame.f_globals.get("environment") is environment:
            depth += 1
        frame = frame.f_back
    return depth


# Jinja's English messages, read to give the author a Dutch one. Guard: a message that
# no longer matches keeps Jinja's own text (with the line): plainer, never wrong.
# tests/test_compat.py checks each against the installed Jinja.
JINJA_NO_FILTER = re.compile(r"No (filter|test) named '([^']+)'")
JINJA_UNSAFE_ATTRIBUTE = re.compile(r"access to attribute '([^']*)' of '([^']*)' object is unsafe")
JINJA_LOOKING_FOR = "looking for the following tags:"
JINJA_SYNTAX_MESSAGES = (
    (re.compile(r"^unexpected '([^']*)'", re.I), "onverwacht '{0}'"),
    (re.compile(r"^unexpected end of template", re.I), "het sjabloon houdt onverwacht op"),
    (re.compile(r"^Encountered unknown tag '([^']*)'", re.I), "onbekende opdracht '{{% {0} %}}'"),
    (re.compile(r"^expected token '([^']*)', got '([^']*)'", re.I), "verwachtte '{0}', maar vond '{1}'"),
    (re.compile(r"^Missing end of comment tag", re.I), "commentaar '{{#' zonder '#}}'"),
    (re.compile(r"^Missing end of raw directive", re.I), "'{{% raw %}}' zonder '{{% endraw %}}'"),
)
# Jinja's words when a block is left open: at the end of the file, or at an outer block's end.
JINJA_OPEN_BLOCK = re.compile(
    r"^(?:Unexpected end of template|Encountered unknown tag 'end(?P<outer>\w+)')"
    r".*The innermost block that needs to be closed is '(?P<inner>\w+)'",
    re.S,
)
# Python's own words for a call with wrong arguments (a filter given an unknown option).
PYTHON_UNEXPECTED_KEYWORD = re.compile(r"(\w+)\(\) got an unexpected keyword argument '(\w+)'")
PYTHON_WRONG_ARGUMENTS = re.compile(r"\w+\(\) (missing|takes)")


# --------------------------------------------------------------------------- PyYAML
# PyYAML's English problem texts → (Dutch message, hint). Guard: a text not in this
# table is shown as "ongeldige YAML: <PyYAML's text>" with its line and column.
# tests/test_compat.py checks each against the installed PyYAML.
YAML_MESSAGES: dict[str, tuple[str, str | None]] = {
    "mapping values are not allowed here": (
        "hier kan geen 'sleutel: waarde' staan",
        "staat er een ': ' in een tekst? Zet de tekst dan tussen aanhalingstekens",
    ),
    "could not find expected ':'": ("hier verwachtte ik 'sleutel: waarde'", "ontbreekt er een ':'?"),
    "found character '\\t' that cannot start any token": (
        "tab-tekens zijn niet toegestaan in YAML", "gebruik spaties om in te springen",
    ),
    "did not find expected key": ("hier verwachtte ik een sleutel", "klopt het inspringen?"),
    "did not find expected '-' indicator": (
        "hier verwachtte ik een lijstelement '- …'", "klopt het inspringen?",
    ),
    "expected <block end>, but found '?'": (
        "hier kan geen sleutel staan",
        "lijstelementen ('- …') en sleutels ('naam: …') kunnen niet op hetzelfde niveau staan; "
        "klopt het inspringen?",
    ),
    "expected <block end>, but found '-'": (
        "hier kan geen lijstelement ('- …') staan", "klopt het inspringen?",
    ),
    "expected <block end>, but found '<scalar>'": (
        "hier verwachtte ik een nieuwe sleutel of het einde van een lijst", "klopt het inspringen?",
    ),
    "found undefined alias": ("onbekende verwijzing (alias)", "definieer eerst het anker met &naam"),
    "found unhashable key": ("een sleutel moet een naam zijn, geen lijst of mapping", None),
    "but found another document": (
        "een briefbestand bevat één YAML-document; hier begint een tweede ('---')",
        "haal de regel '---' en wat erna komt weg, of zet het in een eigen bestand",
    ),
    "expected <document start>, but found '<block mapping start>'": (
        "onverwacht inspringen", "begin de sleutels bovenaan zonder spaties",
    ),
}
# PyYAML 6.0.2 and later quote the token (and name the alias): same meaning.
YAML_MESSAGES["expected '<document start>', but found '<block mapping start>'"] = YAML_MESSAGES[
    "expected <document start>, but found '<block mapping start>'"
]
YAML_UNKNOWN_TAG = "could not determine a constructor for the tag"


def template_place() -> tuple[str | None, int | None]:
    """The template and template line being rendered where the caller was called from.

    Jinja's compiled templates keep their template in ``__jinja_template__`` (as
    ``jinja2.debug`` reads it) and ``sys._getframe`` walks the frames; guarded, so that a
    change upstream costs the line in a message, not the build.
    """
    try:
        frame = sys._getframe(2)
        while frame is not None:
            template = frame.f_globals.get("__jinja_template__")
            if template is not None:
                return template.name, template.get_corresponding_lineno(frame.f_lineno)
            frame = frame.f_back
    except Exception:  # a Python or Jinja without these internals
        pass
    return None, None


def jsonschema_required(message: str, missing: list[str]) -> list[str]:
    """The missing keys one jsonschema ``required`` error is about.

    jsonschema reports each missing key as its own error, naming it in English ("'datum' is
    a required property"); when that wording changes, the first missing key is reported
    (one message too few at worst, never a wrong key)."""
    named = [key for key in missing if repr(key) in message]
    return named or missing[:1]


def yaml_message(problem: str) -> tuple[str, str | None] | None:
    """The Dutch (message, hint) for PyYAML's ``problem`` text, or None if it is not known.

    A text may go on after the known words (``found undefined alias 'b'``).
    """
    if problem in YAML_MESSAGES:
        return YAML_MESSAGES[problem]
    for known, dutch in YAML_MESSAGES.items():
        if problem.startswith(known + " "):
            return dutch
    return None


# --------------------------------------------------------------------------- helpers


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"
