"""What the structure-tree repair (issue 11) costs: PDF render time with and without it.

    .venv/bin/python benchmarks/a11y.py [--runs 5]

In one process, warm (WeasyPrint loaded, stylesheet parsed, one render done first), each
example letter is rendered as PDF/UA-1 with :func:`briefing.writers.pdf.render_pdf`, once
as WeasyPrint writes it ("zonder") and once repaired by ``pdf_tags.repair`` ("met"),
rounds interleaved so a machine that gets busier slows both alike. Prints a Markdown
table: median and range per letter, the repair's share, and whether it stays under the
issue's target of 10 %.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.build import prepare  # noqa: E402
from briefing.huisstijl import HouseStyle  # noqa: E402
from briefing.writers import pdf, pdf_tags  # noqa: E402

LETTERS = ("armenie-azerbeidzjan", "geannoteerde-agenda-rbz")
TARGET = 0.10


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    style = HouseStyle()
    letters = {name: prepare(ROOT, ROOT / "facts" / f"{name}.yaml").letter for name in LETTERS}
    repair = pdf_tags.repair

    def render(name: str, repaired: bool) -> float:
        pdf_tags.repair = repair if repaired else (lambda raw, boxes, declare_ua=False: raw)
        start = time.perf_counter()
        pdf.render_pdf(letters[name], style, base_dir=ROOT)
        return time.perf_counter() - start

    for name in LETTERS:  # warm up: fonts, stylesheet, hyphenation dictionary
        render(name, True)
    times: dict[tuple[str, bool], list[float]] = {(n, r): [] for n in LETTERS for r in (False, True)}
    for _ in range(runs):
        for key in times:
            times[key].append(render(*key))
    pdf_tags.repair = repair

    print(f"| letter | zonder herstel (s) | met herstel (s) | verschil | doel < {TARGET:.0%} |")
    print("|---|---|---|---|---|")
    for name in LETTERS:
        before, after = times[(name, False)], times[(name, True)]
        b, a = statistics.median(before), statistics.median(after)
        share = a / b - 1
        print(
            f"| {name} | {b:.3f} ({min(before):.3f}–{max(before):.3f}) | {a:.3f} ({min(after):.3f}–"
            f"{max(after):.3f}) | {share:+.1%} | {'ja' if share < TARGET else 'NEE'} |"
        )
    print(f"\nmediaan van {runs} runs per rij, warm, in één proces; rondes door elkaar")


if __name__ == "__main__":
    main()
