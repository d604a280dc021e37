"""A footnote call stays with the word before it: no line of the PDF ends in "jl." with
the call "1" starting the next one.

The same sentence is set at every offset along a line (one more character before it in
each paragraph), so that for some paragraph "jl." falls at the end of a line whatever the
fonts; every call must then share its line with "jl.".
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conftest import sample_meta

from briefing.huisstijl import HouseStyle
from briefing.numbering import number
from briefing.parse import parse
from briefing.writers.html import build_html
from briefing.writers.pdf import render_pdf

WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>')
OFFSETS = range(0, 64)  # more characters than a line of the text column holds


def sweep() -> str:
    lead = "Op 13 en 14 september vonden gevechten plaats tussen Armenië en Azerbeidzjan"
    paragraphs = [f"{lead} {'x' * n} sinds 12 september jl.[^1], en zo verder." for n in OFFSETS]
    return "\n\n".join(paragraphs) + "\n\n[^1]: Kamerstuk 21 501-02, nr. 2540.\n"


def test_the_word_before_a_call_and_the_call_are_one_unbreakable_piece() -> None:
    letter = number(parse("Sinds september jl.[^1], zo.\n\n[^1]: Noot.\n", sample_meta()))
    html = build_html(letter, HouseStyle())
    assert re.search(r'Sinds september <span class="anker">jl\.<span class="voetnoot"', html)


def test_no_line_ends_between_a_word_and_its_footnote_call(tmp_path: Path) -> None:
    letter = number(parse(sweep(), sample_meta()))
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(render_pdf(letter, HouseStyle()))
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    calls = 0
    for page in out.split("<page ")[1:]:
        words = [(float(y), text) for y, text in WORD.findall(page)]
        for i, (y, text) in enumerate(words[:-1]):
            if text == "jl.":  # the call follows on the same line as its own word ("1" or "1,")
                following_y, following = words[i + 1]
                assert following.startswith("1"), following
                assert abs(following_y - y) < 6, f"'jl.' ends a line; the call '{following}' starts the next"
                calls += 1
            elif text.startswith("jl.") and text[3:4] == "1":
                calls += 1  # pdftotext joined them into one word: certainly one line
    assert calls == len(OFFSETS)
