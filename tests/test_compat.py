"""briefing._compat is the only place that touches other libraries' internals, and each
touch is guarded: it still holds for the installed versions, and when upstream changes
briefing takes a slower or plainer path instead of a wrong one.

The uses, each with its guard → what happens when it fails:

- python-docx ``proxy._element`` (paragraph, run, table, cell, row, header): an lxml
  element check → RuntimeError naming python-docx: no DOCX rather than a wrong one.
- python-docx ``XmlPart._element`` = numbering.xml, ``Part._blob`` = app.xml and
  fontTable.xml: ``part.element``/``part.blob`` must then be the new content → the same.
- WeasyPrint ``Page._page_box`` and ``formatting_structure.boxes``: AttributeError,
  ImportError → footnotes keep WeasyPrint's own placement (no extra layout passes).
- ``ctypes.util._findSoname_ldconfig``: callable, Linux only → libraries are found the
  usual way (≈ 0.2 s slower cold PDF).
- pyphen ``hdcache``, ``HyphDict`` made from cached patterns: hdcache a dict, a parsed
  HyphDict has exactly patterns/cache/maxlen, the pyphen version names the cache file →
  no pattern cache: pyphen parses the dictionary (≈ 0.2 s slower).
- ``weasyprint.pdf.tags._build_box_tree`` (wrapped: which box each structure element comes
  from) and ``AbsolutePlaceholder._box``: a generator function with the parameters box,
  parent, pdf, page_number → no record: the PDF's tree is repaired from the PDF alone
  (detached content becomes artifacts).
- ``weasyprint.layout.block._linebox_layout`` (wrapped: a page's last line set again
  without hyphenation) and ``weasyprint.layout.inline.iter_line_boxes``: functions with
  the known parameters, a result whose resume point is the last line's → the line stays
  hyphenated, and the PDF writer sets that paragraph without hyphenation in a further
  layout pass (each ≈ +40 % PDF time, for a letter that needs it).
- ``weasyprint.pdf.VARIANTS``: ImportError → the variants WeasyPrint 70 knows; an unknown
  one then stops the build with WeasyPrint's error.
- ``atexit._run_exitfuncs``: callable → ``sys.exit`` instead of ``os._exit`` (≈ 0.1–0.2 s
  slower exit).
- ``ProcessPoolExecutor._processes`` / ``_broken``: Python 3.14's ``terminate_workers()``
  first, a dict check → workers are waited for (≤ 0.6 s); a broken pool's task runs here.
- Jinja ``StrictUndefined._undefined_obj/_name/_exception``, ``_fail_with_undefined_error``,
  ``jinja2.utils.missing``: checked on a probe → Jinja's own StrictUndefined: the error
  keeps its file and line, worded by Jinja.
- Jinja's and Python's English messages: tested below against the installed Jinja →
  Jinja's text is shown, with the line.
- PyYAML's English messages: tested below against the installed PyYAML →
  "ongeldige YAML: <PyYAML's text>" with line and column.
"""

from __future__ import annotations

import ast
from pathlib import Path

import jinja2
import pytest
import yaml

from briefing import _compat

PACKAGE = Path(__file__).resolve().parent.parent / "briefing"

# Modules and names of other libraries that are internal although their names have no
# underscore: the ones briefing once used (issue 16).
INTERNAL_MODULES = ("weasyprint.formatting_structure", "weasyprint.layout", "weasyprint.pdf", "jinja2.utils")
INTERNAL_NAMES = {"hdcache", "HyphDict"}
# Underscore names that are documented API: os._exit, lxml's element classes.
DOCUMENTED = {"_exit", "_Element", "_ElementTree"}


def _own_names(trees: list[ast.AST]) -> set[str]:
    """Every name the package itself defines (functions, classes, variables, attributes, imports)."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                    names.add(node.attr)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias) and node.asname:
                names.add(node.asname)
    return names


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def foreign_internals(source: str, own: set[str]) -> list[tuple[int, str]]:
    """(line, what) for each touch of another library's internals in ``source``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue  # our own object's attribute
            if node.attr not in own and node.attr not in DOCUMENTED:
                found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Attribute) and node.attr in INTERNAL_NAMES:
            found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
            "getattr", "hasattr", "setattr", "delattr"
        ):
            if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                name = node.args[1].value
                if isinstance(name, str) and _private(name) and name not in own:
                    found.append((node.lineno, f"{node.func.id}(…, {name!r})"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            module = node.module
            if module.startswith("briefing"):
                continue
            if module.startswith(INTERNAL_MODULES) or any(_private(part) for part in module.split(".")):
                found.append((node.lineno, f"from {module} import …"))
            found += [(node.lineno, f"from {module} import {a.name}") for a in node.names
                      if _private(a.name) or a.name in INTERNAL_NAMES]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, f"import {a.name}") for a in node.names
                      if a.name.startswith(INTERNAL_MODULES) or any(_private(p) for p in a.name.split("."))]
    return found


def _modules() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in sorted(PACKAGE.rglob("*.py"))}


def test_only_the_compat_module_touches_other_libraries_internals() -> None:
    modules = _modules()
    own = _own_names([ast.parse(source) for source in modules.values()])
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {what}"
        for path, source in modules.items() if path.name != "_compat.py"
        for line, what in foreign_internals(source, own)
    ]
    assert found == [], "move these into briefing/_compat.py, with a guard:\n" + "\n".join(found)


@pytest.mark.parametrize("source", [
    "def f(page):\n    return page._page_box\n",
    "import atexit\natexit._run_exitfuncs()\n",
    "def f(pool):\n    return getattr(pool, '_processes', None)\n",
    "from jinja2.utils import missing\n",
    "from weasyprint.formatting_structure.boxes import Box\n",
    "import pyphen\npyphen.hdcache.clear()\n",
    "def f(part, blob):\n    part._blob = blob\n",
])
def test_the_check_finds_each_kind_of_touch(source: str) -> None:
    assert foreign_internals(source, own=set())


def test_the_check_leaves_own_and_documented_names_alone() -> None:
    source = "import os\nclass A:\n    def f(self):\n        self._x = 1\n        os._exit(0)\n"
    assert foreign_internals(source, own={"_x"}) == []


# --------------------------------------------------------------------------- the guards hold today


def test_jinja_internals_are_as_expected() -> None:
    """With this Jinja the precise 'onbekend feit' message is used, not the fallback."""
    undefined = _compat.undefined_class()
    assert undefined is not jinja2.StrictUndefined
    env = jinja2.Environment(undefined=undefined)
    with pytest.raises(_compat.UnknownName) as top:
        env.from_string("{{ slachtofers }}").render()
    assert (top.value.name, top.value.top_level) == ("slachtofers", True)
    with pytest.raises(_compat.UnknownName) as nested:
        env.from_string("{{ a.b }}").render(a={"c": 1})
    assert (nested.value.obj, nested.value.name, nested.value.top_level) == ({"c": 1}, "b", False)


@pytest.mark.parametrize(("template", "pattern"), [
    ("{{ x | geen_filter }}", _compat.JINJA_NO_FILTER),
    ("{% if x %}", _compat.JINJA_OPEN_BLOCK),
    ("{% for x in y %}{% if x %}{% endfor %}", _compat.JINJA_OPEN_BLOCK),
    ("{{ x ) }}", _compat.JINJA_SYNTAX_MESSAGES[0][0]),
    ("{{ x ", _compat.JINJA_SYNTAX_MESSAGES[1][0]),
    ("{% geen_tag %}", _compat.JINJA_SYNTAX_MESSAGES[2][0]),
    ("{{ x.0a }}", _compat.JINJA_SYNTAX_MESSAGES[3][0]),
    ("{# x", _compat.JINJA_SYNTAX_MESSAGES[4][0]),
    ("{% raw %}x", _compat.JINJA_SYNTAX_MESSAGES[5][0]),
])
def test_jinja_messages_are_still_recognised(template: str, pattern) -> None:
    with pytest.raises(jinja2.TemplateSyntaxError) as exc:
        jinja2.Environment().from_string(template)  # parsed and compiled
    assert pattern.search(exc.value.message or ""), exc.value.message


def test_jinja_messages_the_loop_and_sandbox_give_are_still_recognised() -> None:
    with pytest.raises(jinja2.TemplateSyntaxError) as exc:
        jinja2.Environment().parse("{% if x %}a{% endfor %}")
    message = exc.value.message or ""
    assert _compat.JINJA_LOOKING_FOR in message or _compat.JINJA_OPEN_BLOCK.search(message)
    from jinja2.sandbox import SandboxedEnvironment

    with pytest.raises(jinja2.exceptions.SecurityError) as unsafe:
        SandboxedEnvironment(undefined=jinja2.StrictUndefined).from_string("{{ s.__class__ }}").render(s="x")
    assert _compat.JINJA_UNSAFE_ATTRIBUTE.match(str(unsafe.value)), str(unsafe.value)


def test_python_argument_messages_are_still_recognised() -> None:
    from datetime import date

    from briefing import dutch

    with pytest.raises(TypeError) as keyword:
        dutch.datum(date(2022, 12, 9), relatif=True)
    assert _compat.PYTHON_UNEXPECTED_KEYWORD.match(str(keyword.value))
    with pytest.raises(TypeError) as missing:
        dutch.datum()
    assert _compat.PYTHON_WRONG_ARGUMENTS.match(str(missing.value))


YAML_EXAMPLES = {
    "mapping values are not allowed here": "a: b: c\n",
    "could not find expected ':'": "a: 1\nb\nc: 2\n",
    "found character '\\t' that cannot start any token": "a:\n\t- b\n",
    "expected <block end>, but found '?'": "- a\nb: 1\n",
    "expected <block end>, but found '-'": "a: 1\n- b\n",
    "expected <block end>, but found '<scalar>'": "a: |\n  b\n c\n",
    "found undefined alias": "a: *b\n",
    "found unhashable key": "{[a]: 1}\n",
    "expected '<document start>', but found '<block mapping start>'": "  a: 1\nb: 2\n",
    "but found another document": "a: 1\n---\nb: 2\n",
}
# Words of libyaml (PyYAML's C loader), kept for a loader that uses it.
LIBYAML_EXAMPLES = {
    "did not find expected key": "a: |\n  b\n c\n",
    "did not find expected '-' indicator": "- - a\n -b\n",
}
OLDER_PYYAML = {"expected <document start>, but found '<block mapping start>'"}  # 6.0.1 and before


def test_every_yaml_message_has_an_example() -> None:
    assert set(_compat.YAML_MESSAGES) == set(YAML_EXAMPLES) | set(LIBYAML_EXAMPLES) | OLDER_PYYAML


@pytest.mark.parametrize("problem", sorted(YAML_EXAMPLES))
def test_yaml_messages_are_still_what_pyyaml_says(problem: str) -> None:
    with pytest.raises(yaml.MarkedYAMLError) as exc:
        yaml.safe_load(YAML_EXAMPLES[problem])
    said = (exc.value.problem or "").strip()
    assert _compat.yaml_message(said) == _compat.YAML_MESSAGES[problem], said


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML without libyaml")
@pytest.mark.parametrize("problem", sorted(LIBYAML_EXAMPLES))
def test_libyaml_messages_are_still_what_it_says(problem: str) -> None:
    with pytest.raises(yaml.MarkedYAMLError) as exc:
        yaml.load(LIBYAML_EXAMPLES[problem], Loader=yaml.CSafeLoader)
    assert (exc.value.problem or "").strip() == problem


def test_yaml_unknown_tag_message() -> None:
    with pytest.raises(yaml.MarkedYAMLError) as exc:
        yaml.safe_load("a: !python/name:os.system x\n")
    assert exc.value.problem.startswith(_compat.YAML_UNKNOWN_TAG)


def test_python_docx_internals_are_as_expected() -> None:
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("x")
    table = document.add_table(1, 1)
    for proxy in (paragraph, paragraph.runs[0], table, table.rows[0], table.cell(0, 0),
                  document.sections[0].header):
        assert _compat.docx_element(proxy) is not None
    part = document.part.numbering_part
    new = _compat.docx_element(paragraph)
    _compat.set_part_element(part, new)
    assert part.element is new


def test_pyphen_and_weasyprint_internals_are_as_expected() -> None:
    import pyphen

    assert _compat.hyphenation_cache() is not None
    parsed = pyphen.HyphDict(pyphen.LANGUAGES["nl_NL"])
    patterns = _compat.hyphenation_patterns(parsed)
    assert patterns
    rebuilt = _compat.hyphenator_from_patterns(patterns)
    assert rebuilt.positions("vredesbesprekingen") == parsed.positions("vredesbesprekingen")
    assert _compat.footnote_box_classes() is not None
    assert set(_compat.pdf_variants()) == set(_compat.KNOWN_PDF_VARIANTS)  # the fallback is up to date


# --------------------------------------------------------------------------- when upstream changes


def test_a_python_docx_without_element_stops_the_writer() -> None:
    class Proxy:
        pass

    with pytest.raises(RuntimeError, match="python-docx"):
        _compat.docx_element(Proxy())


def test_a_pyphen_dictionary_of_another_shape_is_not_cached() -> None:
    import pyphen

    parsed = pyphen.HyphDict(pyphen.LANGUAGES["nl_NL"])
    parsed.extra = {}
    assert _compat.hyphenation_patterns(parsed) is None


def test_without_page_boxes_the_footnotes_keep_weasyprints_placement() -> None:
    from briefing.writers.pdf import footnote_fixes

    class Document:
        pages = (object(),)  # a page without _page_box

    assert _compat.page_boxes(Document()) is None
    assert footnote_fixes(Document(), _Root()) == []  # nothing moved: one layout pass


class _Root:
    """The HTML root of a letter, as far as footnote_fixes reads it: one ``.romp``."""

    def iter(self):
        return iter([_Romp()])


class _Romp(list):
    def get(self, key):
        return "romp" if key == "class" else None


def test_without_atexit_internals_the_cli_exits_the_usual_way(monkeypatch: pytest.MonkeyPatch) -> None:
    import atexit

    monkeypatch.delattr(atexit, "_run_exitfuncs")
    assert _compat.run_exit_handlers() is False


def test_without_pool_internals_workers_are_waited_for() -> None:
    class Pool:
        pass

    _compat.terminate_workers(Pool())  # nothing to stop, no error
    assert _compat.pool_broken(Pool()) is False


def test_a_jinja_without_the_undefined_internals_gets_plain_strict_undefined(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(jinja2.Undefined, "_fail_with_undefined_error")
    assert _compat.undefined_class() is jinja2.StrictUndefined


def test_weasyprints_tag_tree_builder_is_as_expected() -> None:
    import inspect

    from weasyprint.pdf import tags

    from briefing.writers import pdf_tags

    pdf_tags._install_hook()
    wrapped = tags._build_box_tree
    assert getattr(wrapped, "briefing_callbacks", None) is not None  # the wrapper is in place
    assert _compat.on_tagged_box(pdf_tags._record)  # and stays so (idempotent)
    assert inspect.isgeneratorfunction(wrapped)


# --------------------------------------------------------------------------- no hyphen at a page's foot

LONG = PACKAGE.parent / "examples" / "lange-brief"


def _long_letter_layouts(monkeypatch: pytest.MonkeyPatch) -> tuple[int, list]:
    """The long example laid out: (layout passes, paragraphs a scan of its pages would still
    set without hyphenation)."""
    import weasyprint

    from briefing.build import prepare
    from briefing.huisstijl import HouseStyle
    from briefing.writers import pdf

    passes, found = [], []
    render, layout = weasyprint.HTML.render, pdf._layout

    def counted(self, *args, **kwargs):
        passes.append(1)
        return render(self, *args, **kwargs)

    def scanned(source, *args, **kwargs):
        document = layout(source, *args, **kwargs)
        found.extend(pdf._hyphen_fixes(pdf._scan(document, source.etree_element)))
        return document

    monkeypatch.setattr(weasyprint.HTML, "render", counted)
    monkeypatch.setattr(pdf, "_layout", scanned)
    letter = prepare(LONG, LONG / "facts" / "missiegedreven-innovatiebeleid.yaml").letter
    pdf.render_pdf(letter, HouseStyle(), base_dir=LONG)
    return len(passes), found


def test_weasyprint_sets_a_pages_last_line_again_without_hyphenation(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.layout import block

    assert _compat.keep_page_end_words_whole()
    assert block._linebox_layout.briefing_wrapped
    assert _compat.keep_page_end_words_whole()  # idempotent: wrapped once
    assert block._linebox_layout.__wrapped__.__name__ == "_linebox_layout"
    # Five of the long example's ten pages would end in a hyphenated word: one layout, none does.
    assert _long_letter_layouts(monkeypatch) == (1, [])


def test_without_the_line_hook_a_hyphenated_page_end_costs_a_second_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from weasyprint.layout import block

    _compat.keep_page_end_words_whole()
    original = block._linebox_layout.__wrapped__
    monkeypatch.setattr(block, "_linebox_layout", lambda *args: original(*args))  # another signature
    assert _compat.keep_page_end_words_whole() is False
    passes, left = _long_letter_layouts(monkeypatch)
    assert passes > 1 and left == []  # slower (3 layouts here), never wrong
