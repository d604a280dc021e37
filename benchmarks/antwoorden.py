"""Cold build of the answers example next to the letter's (issue 12), as one Markdown table.

Each run is ``briefing build --force NAME`` in a fresh process on a fresh copy of the
repository's project (DOCX + PDF, as a user runs it); the two documents take turns, so that
a machine that gets busier slows both alike. Usage, from the repository root::

    .venv/bin/python benchmarks/antwoorden.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

BRIEFING = Path(sys.executable).parent / "briefing"  # the console script, as a user runs it
ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ("armenie-azerbeidzjan", "vragen-sjoerdsma")


def cold_build(name: str, folder: Path) -> tuple[float, int]:
    """Seconds of one cold build of ``name`` in a fresh copy, and the PDF's page count."""
    project = folder / f"{name}-{time.monotonic_ns()}"
    for sub in ("facts", "templates"):
        shutil.copytree(ROOT / sub, project / sub)
    start = time.perf_counter()
    subprocess.run([str(BRIEFING), "build", "--force", name, "--project", str(project)],
                   check=True, capture_output=True)
    seconds = time.perf_counter() - start
    return seconds, len(PdfReader(project / "output" / f"{name}.pdf").pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in DOCUMENTS}
    pages: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in DOCUMENTS:  # a first build warms the caches a user's machine has too
            cold_build(name, Path(tmp))
        for _ in range(args.runs):
            for name in DOCUMENTS:
                seconds, pages[name] = cold_build(name, Path(tmp))
                times[name].append(seconds)
    print("| document | pages | cold build, median (s) | range (s) | runs |")
    print("|---|--:|--:|--:|--:|")
    for name in DOCUMENTS:
        runs = times[name]
        print(f"| {name} | {pages[name]} | {statistics.median(runs):.2f} | "
              f"{min(runs):.2f}–{max(runs):.2f} | {len(runs)} |")


if __name__ == "__main__":
    main()
