"""Measurements that must run in a fresh Python process; called by ``benchmarks/run.py``.

Each sub-command prints one JSON object on stdout. They are separate processes so
that import costs and first-use costs (fonts, the hyphenation dictionary) are paid
as a user pays them.

    python benchmarks/probe.py stages  PROJECT LETTER
    python benchmarks/probe.py prepare PROJECT LETTER OUTDIR
    python benchmarks/probe.py floor   OUTDIR
    python benchmarks/probe.py watch   PROJECT LETTER RUNS
    python benchmarks/probe.py docxtpl TEMPLATE OUTDIR COUNT
    python benchmarks/probe.py spin    SECONDS
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import io  # noqa: E402  (the clock above must start before any import)
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def _emit(data: dict) -> None:
    print(json.dumps(data))


def stages(project: str, name: str) -> None:
    """Each stage of one letter's build, in order, in this (cold) process."""
    root = Path(project).resolve()
    path = root / "facts" / f"{name}.yaml"
    t = {"start": T_START}
    from briefing import huisstijl, parallel
    from briefing.facts import load_letter
    from briefing.numbering import number
    from briefing.parse import parse
    from briefing.render import render_letter

    t["import pipeline"] = time.perf_counter()
    from briefing.writers.docx import render_docx

    t["import DOCX writer"] = time.perf_counter()
    from briefing.writers.pdf import load_weasyprint, render_pdf

    load_weasyprint()  # as a build imports it (its C libraries found in the linker cache)
    t["import WeasyPrint"] = time.perf_counter()
    style = huisstijl.load(root)
    facts = load_letter(root, path)
    t["load facts"] = time.perf_counter()
    markdown = render_letter(facts, root)
    t["render template"] = time.perf_counter()
    letter = number(parse(markdown, facts.meta))
    t["parse + number"] = time.perf_counter()
    render_docx(letter, style)
    t["DOCX"] = time.perf_counter()
    # <letter>.wijzigingen.docx, as a rebuild writes it
    redline = getattr(sys.modules["briefing.build"], "_redline", None)
    if redline is not None:
        redline(root / "output", name, letter, style)
    t["redline DOCX"] = time.perf_counter()
    load_hyphenation = getattr(parallel, "load_hyphenation", None)
    if load_hyphenation is not None:  # as the build does before its first PDF
        load_hyphenation(style.language)
    t["hyphenation dictionary"] = time.perf_counter()
    render_pdf(letter, style, variant="pdf/ua-1", base_dir=root)
    t["PDF"] = time.perf_counter()
    names = list(t)
    _emit({b: t[b] - t[a] for a, b in itertools.pairwise(names)})


def prepare(project: str, name: str, outdir: str) -> None:
    """Write what the peers and the floor start from: Markdown, HTML, paragraphs."""
    from briefing import huisstijl
    from briefing.build import prepare as prepare_letter
    from briefing.model import BlockQuote, Heading, ListBlock, Paragraph, Table, plain_text
    from briefing.writers.html import render_html

    root = Path(project).resolve()
    out = Path(outdir)
    prepared = prepare_letter(root, root / "facts" / f"{name}.yaml")
    style = huisstijl.load(root)
    (out / "letter.md").write_text(prepared.markdown, encoding="utf-8")
    (out / "letter.html").write_text(render_html(prepared.letter, style), encoding="utf-8")

    paragraphs: list[tuple[str, str]] = []  # (kind, text)

    def walk(block: object) -> None:
        if isinstance(block, Heading):
            paragraphs.append(("heading", f"{block.number or ''} {plain_text(block.inlines)}".strip()))
        elif isinstance(block, Paragraph):
            paragraphs.append(("paragraph", plain_text(block.inlines)))
        elif isinstance(block, ListBlock):
            for item in block.items:
                for child in item.blocks:
                    walk(child)
        elif isinstance(block, BlockQuote):
            for child in block.blocks:
                walk(child)
        elif isinstance(block, Table):
            for row in (block.header, *block.rows):
                paragraphs.append(("paragraph", " | ".join(plain_text(cell) for cell in row)))

    for block in prepared.letter.blocks:
        walk(block)
    for note in prepared.letter.footnotes:
        for block in note.blocks:
            walk(block)
    (out / "paragraphs.json").write_text(json.dumps(paragraphs, ensure_ascii=False), encoding="utf-8")
    _emit({"paragraphs": len(paragraphs)})


def floor(outdir: str) -> None:
    """The floor: a bare WeasyPrint render of the letter's HTML and a bare python-docx save."""
    out = Path(outdir)
    t0 = time.perf_counter()
    import docx
    import weasyprint

    t1 = time.perf_counter()
    html = (out / "letter.html").read_text(encoding="utf-8")
    pdf = weasyprint.HTML(string=html, base_url=out.as_uri() + "/").write_pdf()
    t2 = time.perf_counter()
    document = docx.Document()
    for kind, text in json.loads((out / "paragraphs.json").read_text(encoding="utf-8")):
        if kind == "heading":
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text)
    document.save(io.BytesIO())
    t3 = time.perf_counter()
    weasyprint.HTML(string=html, base_url=out.as_uri() + "/").write_pdf()
    t4 = time.perf_counter()
    _emit({"import": t1 - t0, "PDF": t2 - t1, "DOCX": t3 - t2, "PDF again": t4 - t3, "pdf bytes": len(pdf)})


def watch(project: str, name: str, runs: str) -> None:
    """The watch path: build, then per run change one figure and build again, in one process."""
    from briefing.build import build

    root = Path(project).resolve()
    facts = root / "facts" / f"{name}.yaml"
    pdf = root / "output" / f"{name}.pdf"
    text = facts.read_text(encoding="utf-8")
    # The figure to edit: one of the example's own (its casualty count is a shared fact), else the
    # first whole number of a fact.
    match = (re.search(r"(armeense_bezetting_jaren:\s*)(\d+)", text)
             or re.search(r"(?m)^(\s+\w+:\s*)(\d+)\s*$", text))
    if match is None:
        raise SystemExit("watch: no figure to edit in " + str(facts))
    first = time.perf_counter()
    build([name], root, force=True)
    first = time.perf_counter() - first
    seconds = []
    value = int(match.group(2))
    for i in range(int(runs)):
        value += 1 if i % 2 == 0 else -1
        edited = text[: match.start(2)] + str(value) + text[match.end(2) :]
        facts.write_text(edited, encoding="utf-8")  # the user's save
        saved = time.perf_counter()
        before = pdf.stat().st_mtime_ns
        results = build([name], root)
        seconds.append(time.perf_counter() - saved)
        if results[0].unchanged or pdf.stat().st_mtime_ns == before:
            raise SystemExit("watch: the edit did not rebuild the PDF")
        text = edited
    _emit({"first build": first, "rebuilds": seconds})


def docxtpl_render(template: str, outdir: str, count: str) -> None:
    """The docxtpl peer: fill a Word template with the facts, ``count`` times."""
    from docxtpl import DocxTemplate

    for i in range(int(count)):
        document = DocxTemplate(template)
        facts = {"armeense_soldaten": 207 + i, "azerbeidzjaanse_soldaten": 80, "datum": "9 december 2022"}
        document.render(facts)
        document.save(str(Path(outdir) / f"brief-{i + 1:02d}.docx"))
    _emit({"letters": int(count)})


def spin(seconds: str) -> None:
    """A CPU-bound loop for a fixed amount of work (used to see whether a second core is free)."""
    n = int(float(seconds) * 1_000_000)
    total = 0
    for i in range(n):
        total += i * i % 7
    _emit({"total": total})


COMMANDS = {
    "stages": stages,
    "prepare": prepare,
    "floor": floor,
    "watch": watch,
    "docxtpl": docxtpl_render,
    "spin": spin,
}

if __name__ == "__main__":
    COMMANDS[sys.argv[1]](*sys.argv[2:])
    # End as the briefing command does (briefing.cli.run): without tearing the interpreter down.
    sys.stdout.flush()
    os._exit(0)
