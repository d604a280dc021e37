"""Rendering templates: filters, blocks, heading attributes, literal facts, and every error kind.

A fixture project (fixtures/render/) holds one letter file and a template per case:
``templates/<case>.md.j2`` renders to ``expected/<case>.md``; ``templates/fout-*.md.j2``
each fail with the file, line and hint in ERRORS.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from briefing.errors import TemplateError
from briefing.facts import LetterFacts, load_letter
from briefing.render import (
    compile_templates,
    environment,
    escape_markdown,
    keep_newline_after_text,
    protect_heading_attributes,
    render_letter,
    template_dependencies,
)

PROJECT = Path(__file__).parent / "fixtures" / "render"
TEMPLATES = PROJECT / "templates"
CASES = sorted(p.stem for p in (PROJECT / "expected").glob("*.md"))


@pytest.fixture(scope="module")
def facts() -> LetterFacts:
    return load_letter(PROJECT, PROJECT / "facts" / "brief.yaml")


def render(facts: LetterFacts, template: str, project: Path = PROJECT) -> str:
    return render_letter(replace(facts, template=project / "templates" / template), project)


@pytest.mark.parametrize("case", CASES)
def test_template_renders_as_expected(facts: LetterFacts, case: str) -> None:
    expected = (PROJECT / "expected" / f"{case}.md").read_text(encoding="utf-8")
    assert render(facts, f"{case}.md.j2") == expected


def test_the_environment_is_built_once_per_templates_folder() -> None:
    folder = TEMPLATES.resolve()
    assert environment(folder) is environment(folder)
    env = environment(folder)
    assert (env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline, env.autoescape) == (
        True, True, True, False,
    )
    for name in ("datum", "periode", "getal", "woorden", "bedrag", "procent", "opsomming", "markdown"):
        assert name in env.filters
    assert {"periode", "ref"} <= set(env.globals)


def test_an_edited_template_is_read_again(facts: LetterFacts, tmp_path: Path) -> None:
    shutil.copytree(PROJECT, tmp_path, dirs_exist_ok=True)
    template = tmp_path / "templates" / "nieuw.md.j2"
    template.write_text("Eerst.\n", encoding="utf-8")
    assert render(facts, "nieuw.md.j2", tmp_path) == "Eerst.\n"
    template.write_text("Daarna, en langer.\n", encoding="utf-8")
    assert render(facts, "nieuw.md.j2", tmp_path) == "Daarna, en langer.\n"


def test_a_compiled_template_is_used_again_only_for_the_same_text(facts: LetterFacts, tmp_path: Path) -> None:
    # As in briefing watch's spare render process: compiled ahead, then an edit comes.
    shutil.copytree(PROJECT, tmp_path, dirs_exist_ok=True)
    template = tmp_path / "templates" / "nieuw.md.j2"
    template.write_text("Eerst.\n", encoding="utf-8")
    compile_templates(tmp_path, [template])
    assert render(facts, "nieuw.md.j2", tmp_path) == "Eerst.\n"
    stamp = template.stat()
    template.write_text("Later.\n", encoding="utf-8")  # same size, and the same mtime:
    os.utime(template, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # Jinja alone would not see it
    assert render(facts, "nieuw.md.j2", tmp_path) == "Later.\n"


# --------------------------------------------------------------------------- literal insertion

MARKDOWN = MarkdownIt("commonmark").enable("table").use(footnote_plugin)

NASTY = [
    "**vet** [x](http://e) <b>h</b> # kop\n\n- lijst",
    "1. item", "2022.", "2022)", "10. x", "[^1]", "[a]: http://e",
    "- a", "+ a", "* a", "-", "- ", "+", "#", "#5", "> quote", "# kop",
    "===", "==", "---", "***", "___", ":---",
    "    code", "  - x", "\t- tab", " ", "  ", "a  ", "trailing!\t", "\u00a0x",
    "`code`", "~~~", "```", "~~del~~", "^sup^", "Let op!", "![x](y)",
    "<http://e>", "x <https://e> y", "<!-- c -->", "<div>",
    "&", "AT&T", "&amp; &#32;", "&#x41;",
    "a\\", "\\", "\\*", "a|b", "| a | b |",
    "{#id}", "{.ongenummerd}", "{{ x }}", "{% if %}",
    "_nadruk_", "*nadruk*", "a *b* c", "[ ]", "[]",
    "a\nb", "a\r\nb", "x\n\n\n  y", "a\tb",
    "W.B. Hoekstra", "1234567.89", "(EUMCAP)", "(http://e)", "a = b", "5,5%",
]  # fmt: skip

# Where a template may put a value, and the paragraph text the reader then sees.
POSITIONS = {
    "alleen": ("{{ v }}", "{}"),
    "na een regel": ("Voor.\n{{ v }}", "Voor. {}"),
    "midden": ("Voor {{ v }} na.", "Voor {} na."),
    "tweemaal": ("{{ v }}{{ v }}", "{}{}"),
    "voor haken": ("{{ v }}[zie]", "{}[zie]"),
    "na haken": ("[^x]{{ v }}", "[^x]{}"),
}


def plain(value: str) -> str:
    """The value as it reads in the letter: line breaks become one space."""
    return re.sub(r"[ \t]*(\r\n|\r|\n)[ \t\r\n]*", " ", value)


def only_paragraph_text(markdown: str) -> str:
    """The text of the single paragraph ``markdown`` parses to (and fail if it is more)."""
    tokens = MARKDOWN.parse(markdown)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], markdown
    children = tokens[1].children or []
    assert {c.type for c in children} <= {"text", "softbreak"}, markdown
    return "".join(c.content if c.type == "text" else " " for c in children)


@pytest.mark.parametrize("position", sorted(POSITIONS))
@pytest.mark.parametrize("value", NASTY)
def test_a_fact_is_inserted_literally(value: str, position: str) -> None:
    template, reads = POSITIONS[position]
    out = environment(TEMPLATES.resolve()).from_string(template).render(v=value)
    assert only_paragraph_text(out) == reads.format(plain(value), plain(value))


@pytest.mark.parametrize("value", NASTY)
def test_a_fact_stays_literal_in_a_heading_list_and_table(value: str) -> None:
    env = environment(TEMPLATES.resolve())
    text = plain(value)

    def inlines(template: str) -> list[str]:
        tokens = MARKDOWN.parse(env.from_string(template).render(v=value))
        return ["".join(c.content for c in t.children or []) for t in tokens if t.type == "inline"]

    assert inlines("# Kop {{ v }}\n\nTekst.\n") == [f"Kop {text}", "Tekst."]
    assert inlines("- {{ v }}\n- twee\n") == [text, "twee"]
    assert inlines("| a | b |\n|---|---|\n| {{ v }} | x |\n") == ["a", "b", text, "x"]


def test_the_brief_example_fact_reads_back_literally() -> None:
    fact = "**vet** [x](http://e) <b>h</b> # kop\n\n- lijst"
    assert only_paragraph_text(escape_markdown(fact)) == "**vet** [x](http://e) <b>h</b> # kop - lijst"


def test_escaping_keeps_ordinary_text_readable() -> None:
    assert escape_markdown("W.B. Hoekstra") == "W.B. Hoekstra"
    assert escape_markdown("5,5% van 1.234.567 mensen - ongeveer") == "5,5% van 1.234.567 mensen - ongeveer"
    assert escape_markdown("2022.") == "2022\\."
    assert escape_markdown("- lijst") == "\\- lijst"
    assert escape_markdown(207) == "207"


def test_markdown_opts_in(facts: LetterFacts) -> None:
    out = render(facts, "koppen.md.j2")
    assert "Dit is *belangrijk* en [gedocumenteerd](https://example.org)." in out
    env = environment(TEMPLATES.resolve())
    assert env.from_string("{{ t }}").render(t="*x*") == "\\*x\\*"
    assert env.from_string("{{ t | markdown }}").render(t="*x*") == "*x*"


def test_ref_gives_an_autolink_the_parser_reads(facts: LetterFacts) -> None:
    out = render(facts, "koppen.md.j2")
    assert "Zie <ref:vervolg> en <ref:bijlage>." in out
    tokens = MARKDOWN.parse("Zie <ref:vervolg>.")
    link = tokens[1].children[1]
    assert (link.type, link.attrs["href"]) == ("link_open", "ref:vervolg")


def test_heading_attributes_pass_and_comments_disappear(facts: LetterFacts) -> None:
    out = render(facts, "koppen.md.j2")
    assert "# Vervolg {#vervolg}\n" in out
    assert "# Bijlage {#bijlage .ongenummerd}\n" in out
    assert "### Details {.ongenummerd}\n" in out
    assert "## Opgenomen {#opgenomen}\n" in out  # from an {% include %}d template
    assert "commentaar midden" not in out and "geen kenmerk" not in out and "{# " not in out


def test_the_pre_pass_keeps_line_numbers() -> None:
    source = (TEMPLATES / "koppen.md.j2").read_text(encoding="utf-8")
    prepared = keep_newline_after_text(protect_heading_attributes(source))
    assert prepared.count("\n") == source.count("\n")
    assert "# Vervolg {%+ raw %}{#vervolg}{% endraw +%}\n" in prepared
    assert "# Kop met commentaar {# geen kenmerk +#}\n" in prepared


# --------------------------------------------------------------------------- errors

ERRORS = {
    "fout-syntax": ("fout-syntax.md.j2", 3, "syntaxfout in het sjabloon: onverwacht '}'", None),
    "fout-blok": (
        "fout-blok.md.j2", 2, "syntaxfout in het sjabloon: {% for %} wordt nergens gesloten",
        "zet {% endfor %} waar het blok eindigt",
    ),
    "fout-onbekend-feit": (
        "fout-onbekend-feit.md.j2", 2, "onbekend feit 'slachtofers'", "bedoelde u 'slachtoffers'?",
    ),
    "fout-onbekende-sleutel": (
        "fout-onbekende-sleutel.md.j2", 3, "onbekend feit 'slachtoffers.armeni'", "bedoelde u 'armenie'?",
    ),
    "fout-in-include": (
        "deel/fout.md.j2", 2, "onbekend feit 'personen.minster'", "bedoelde u 'minister'?",
    ),
    "fout-lijst": (
        "fout-lijst.md.j2", 2, "'gesprekken' heeft geen element 5", "er zijn 3 elementen, geteld vanaf 0",
    ),
    "fout-brief-slot": (
        "fout-brief-slot.md.j2", 2, "'brief.slot' is niet ingevuld", "gebruik {% if brief.slot is defined %}",
    ),
    "fout-filter": ("fout-filter.md.j2", 2, "onbekend filter 'datun'", "bedoelde u 'datum'?"),
    "fout-filter-in-if": ("fout-filter-in-if.md.j2", 3, "onbekend filter 'datun'", "bedoelde u 'datum'?"),
    "fout-optie": ("fout-optie.md.j2", 2, "onbekende optie 'relatif' voor datum", "bedoelde u 'relatief'?"),
    "fout-woorden": (
        "fout-woorden.md.j2", 2, "woorden werkt alleen voor hele getallen vanaf 0, kreeg -1", None,
    ),
    "fout-ref": (
        "fout-ref.md.j2", 2, "ongeldige verwijzing ref('1 fout')",
        "een kop-id begint met een letter, gevolgd door letters, cijfers, '-' of '_'",
    ),
    "fout-sandbox": (
        "fout-sandbox.md.j2", 2,
        "niet toegestaan in een sjabloon: '__class__' van een str-object",
        "een sjabloon leest feiten; het voert geen code uit",
    ),
    "fout-sandbox-brief": (
        "fout-sandbox-brief.md.j2", 3,
        "niet toegestaan in een sjabloon: '__class__' van een dict-object",
        "een sjabloon leest feiten; het voert geen code uit",
    ),
    "fout-include": (
        "fout-include.md.j2", 2, "sjabloon 'deel/opgenomn.md.j2' niet gevonden in templates/",
        "bedoelde u 'deel/opgenomen.md.j2'?",
    ),
    "fout-include-buiten": (
        "fout-include-buiten.md.j2", 2, "sjabloon '../facts/brief.yaml' ligt buiten templates/",
        "een sjabloon neemt alleen bestanden uit templates/ op",
    ),
}  # fmt: skip


def test_every_error_template_is_in_the_table() -> None:
    assert {p.name.removesuffix(".md.j2") for p in TEMPLATES.glob("fout-*.md.j2")} == set(ERRORS)


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_error_names_file_line_and_hint(facts: LetterFacts, case: str) -> None:
    file, line, message, hint = ERRORS[case]
    with pytest.raises(TemplateError) as info:
        render(facts, f"{case}.md.j2")
    error = info.value
    assert (error.file, error.line, error.message, error.hint) == (f"templates/{file}", line, message, hint)
    assert error.__cause__ is None and error.__suppress_context__


@pytest.mark.parametrize(
    ("files", "file", "line", "tag"),
    [
        pytest.param(  # an `if` left open inside a closed `for`, after a closed `if`
            {"open.md.j2": "{% if landen %}\nJa.\n{% endif %}\n{% for land in landen %}\n"
                           "{% if land %}\n- {{ land }}\n{% endfor %}\n"},
            "open.md.j2", 5, "if", id="if-in-for",
        ),
        pytest.param(  # `{% set y = 1 %}` assigns; the block form `{% set x %}` needs `{% endset %}`
            {"open.md.j2": "# Kop {#kop}\n{% set y = 1 %}\n{% set x %}\nTekst.\n{% set z = 2 %}\n{{ y }}\n"},
            "open.md.j2", 3, "set", id="set-block",
        ),
        pytest.param(  # the open block is in the included template: that file and line
            {"open.md.j2": "Een.\n{% include 'deel/open.md.j2' %}\nTwee.\n",
             "deel/open.md.j2": "Deel.\n\n{% with a = 1 %}\n{% if a %}{{ a }}{% endif %}\n"},
            "deel/open.md.j2", 3, "with", id="include",
        ),
    ],
)  # fmt: skip
def test_an_unclosed_block_is_named_where_it_opens(
    facts: LetterFacts, tmp_path: Path, files: dict[str, str], file: str, line: int, tag: str
) -> None:
    shutil.copytree(PROJECT, tmp_path, dirs_exist_ok=True)
    for name, text in files.items():
        (tmp_path / "templates" / name).write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        render(facts, "open.md.j2", tmp_path)
    error = info.value
    assert (error.file, error.line, error.message, error.hint) == (
        f"templates/{file}", line,
        f"syntaxfout in het sjabloon: {{% {tag} %}} wordt nergens gesloten",
        f"zet {{% end{tag} %}} waar het blok eindigt",
    )  # fmt: skip


def test_an_empty_fact_cannot_be_inserted(facts: LetterFacts, tmp_path: Path) -> None:
    shutil.copytree(PROJECT, tmp_path, dirs_exist_ok=True)
    (tmp_path / "templates" / "leeg.md.j2").write_text("Een.\n\n{{ leeg }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        render(replace(facts, facts={**facts.facts, "leeg": None}), "leeg.md.j2", tmp_path)
    assert (info.value.file, info.value.line, info.value.message) == (
        "templates/leeg.md.j2", 3, "een leeg feit (null) kan niet in de tekst",
    )


def test_a_link_out_of_templates_is_not_followed(facts: LetterFacts, tmp_path: Path) -> None:
    shutil.copytree(PROJECT, tmp_path, dirs_exist_ok=True)
    (tmp_path / "geheim.txt").write_text("geheim\n", encoding="utf-8")
    (tmp_path / "templates" / "link.md.j2").symlink_to(tmp_path / "geheim.txt")
    (tmp_path / "templates" / "via-link.md.j2").write_text('{% include "link.md.j2" %}\n', encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        render(facts, "via-link.md.j2", tmp_path)
    assert (info.value.line, info.value.message) == (1, "sjabloon 'link.md.j2' niet gevonden in templates/")


def test_template_dependencies_follow_every_edit(tmp_path: Path) -> None:
    """What a template uses is remembered per text (``watch`` asks after every save), so an
    edit that adds an include or reads another shared file is seen at once."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "brief.md.j2").write_text("{{ personen.minister }}\n", encoding="utf-8")
    (folder / "slot.md.j2").write_text("{{ begroting.totaal }}\n", encoding="utf-8")
    assert template_dependencies(folder, "brief.md.j2") == ({"brief.md.j2"}, {"personen"})
    brief = "{{ personen.minister }}\n{% include 'slot.md.j2' %}\n"
    (folder / "brief.md.j2").write_text(brief, encoding="utf-8")
    assert template_dependencies(folder, "brief.md.j2") == (
        {"brief.md.j2", "slot.md.j2"}, {"personen", "begroting"}
    )
    (folder / "slot.md.j2").write_text("{{ landen | opsomming }}\n", encoding="utf-8")
    assert template_dependencies(folder, "brief.md.j2")[1] == {"personen", "landen"}
    (folder / "brief.md.j2").write_text("{% include naam %}\n", encoding="utf-8")
    assert template_dependencies(folder, "brief.md.j2") is None  # computed: unknowable
