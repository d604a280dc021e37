"""origins: a traced render writes the same text, and every character knows where it came from."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from briefing.facts import load_letter
from briefing.numbering import number
from briefing.origins import body_units, note_units
from briefing.parse import parse
from briefing.render import environment, render_letter, render_traced

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", params=["armenie-azerbeidzjan", "geannoteerde-agenda-rbz"])
def traced(request):
    facts = load_letter(ROOT, ROOT / "facts" / f"{request.param}.yaml")
    trace = render_traced(facts, ROOT)
    return facts, trace


def test_same_text_as_a_normal_render(traced) -> None:
    facts, trace = traced
    assert trace.markdown == render_letter(facts, ROOT)
    assert "".join(p.text for p in trace.pieces) == trace.markdown
    assert all(p.site is not None for p in trace.pieces)  # nothing unattributed in the examples


def test_every_paragraph_mapped(traced) -> None:
    facts, trace = traced
    letter = number(parse(trace.markdown, replace(facts.meta)))
    units = body_units(letter, trace) + [u for us in note_units(letter, trace).values() for u in us]
    assert units and all(len(u.chars) == len(u.text) for u in units)


def origin(traced, text: str) -> set:
    """The origins of ``text`` where it first occurs in a paragraph."""
    facts, trace = traced
    letter = number(parse(trace.markdown, facts.meta))
    for unit in body_units(letter, trace):
        at = unit.text.find(text)
        if at >= 0:
            chars = unit.chars[at : at + len(text)]
            return {(c.piece.site.kind, c.piece.path or c.piece.site.template) for c in chars}
    raise AssertionError(text)


def test_origins_of_facts_and_template_text() -> None:
    facts = load_letter(ROOT, ROOT / "facts" / "armenie-azerbeidzjan.yaml")
    traced = (facts, render_traced(facts, ROOT))
    assert origin(traced, "207") == {("expr", "armenie.slachtoffers.armeense_soldaten")}
    assert origin(traced, "31 oktober jl.") == {("expr", "ontmoetingen.sotsji")}
    assert origin(traced, "hevige gevechten") == {("literal", "armenie-azerbeidzjan.md.j2")}
    assert origin(traced, "Poetin") == {("expr", "personen.poetin")}


def test_a_loop_item_resolves_to_its_path() -> None:
    facts = load_letter(ROOT, ROOT / "facts" / "geannoteerde-agenda-rbz.yaml")
    traced = (facts, render_traced(facts, ROOT))
    assert origin(traced, "de situatie in Soedan") == {("expr", "overig[1]")}
    assert origin(traced, "Humanitaire hulp") == {("expr", "steun.onderdelen[1].naam")}
    # a literal in the template's loop: the same site for every row
    _, trace = traced
    sites = [p.site for p in trace.pieces if p.site.kind == "literal" and p.text == " | "]
    assert len(sites) > 4 and len({id(s) for s in sites}) < len(sites)


def test_literal_sites_know_line_and_column() -> None:
    """Line and column in the template as Jinja reads it (the heading-attribute pre-pass applied)."""
    facts = load_letter(ROOT, ROOT / "facts" / "armenie-azerbeidzjan.yaml")
    trace = render_traced(facts, ROOT)
    env = environment((ROOT / "templates").resolve(), traced=True)
    source = env.loader.get_source(env, "armenie-azerbeidzjan.md.j2")[0].split("\n")
    for piece in trace.pieces:
        site = piece.site
        if site.kind == "literal" and "\n" not in site.text and site.column is not None:
            assert source[site.line - 1][site.column : site.column + len(site.text)] == site.text
