"""What the structure-tree repair (issue 11) costs: PDF render time with and without it.

    .venv/bin/python benchmarks/a11y.py [--runs 5]

Times are CPU seconds of this process (``time.process_time``: the render runs in it), so
that other work on a shared machine does not blur them. In one process, warm (WeasyPrint
loaded, stylesheet parsed, one render done first), each
example letter is rendered as PDF/UA-1 with :func:`briefing.writers.pdf.render_pdf`, once
as WeasyPrint writes it ("zonder") and once repaired by ``pdf_tags.repair`` ("met"),
rounds interleaved so a machine that gets busier slows both alike. The repair is also
timed on its own (inside the renders "met"): on a busy machine that is steadier than the
difference of two medians. Prints a Markdown table: medians and ranges per letter, the
repair's share of the render, and whether it stays under the issue's target of 10 %.
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

    repair_times: dict[str, list[float]] = {name: [] for name in LETTERS}

    def render(name: str, repaired: bool) -> float:
        def timed_repair(raw: bytes, boxes: dict, declare_ua: bool = False) -> bytes:
            start = time.process_time()
            out = repair(raw, boxes, declare_ua)
            repair_times[name].append(time.process_time() - start)
            return out

        pdf_tags.repair = timed_repair if repaired else (lambda raw, boxes, declare_ua=False: raw)
        start = time.process_time()
        pdf.render_pdf(letters[name], style, base_dir=ROOT)
        return time.process_time() - start

    for name in LETTERS:  # warm up: fonts, stylesheet, hyphenation dictionary
        render(name, True)
        repair_times[name].clear()
    times: dict[tuple[str, bool], list[float]] = {(n, r): [] for n in LETTERS for r in (False, True)}
    for _ in range(runs):
        for key in times:
            times[key].append(render(*key))
    pdf_tags.repair = repair

    print(
        f"| letter | zonder herstel (s) | met herstel (s) | verschil | herstel zelf (s) "
        f"| herstel ÷ render | doel < {TARGET:.0%} |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in LETTERS:
        before, after = times[(name, False)], times[(name, True)]
        b, a = statistics.median(before), statistics.median(after)
        r = statistics.median(repair_times[name])
        share = r / b  # the repair timed on its own: less noise than a difference of two medians
        print(
            f"| {name} | {b:.3f} ({min(before):.3f}–{max(before):.3f}) | {a:.3f} ({min(after):.3f}–"
            f"{max(after):.3f}) | {a / b - 1:+.1%} | {r:.3f} ({min(repair_times[name]):.3f}–"
            f"{max(repair_times[name]):.3f}) | {share:.1%} | {'ja' if share < TARGET else 'NEE'} |"
        )
    print(f"\nCPU-seconden, mediaan van {runs} runs per rij, warm, in één proces; rondes door elkaar")


if __name__ == "__main__":
    main()
