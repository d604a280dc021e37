"""Build time of the long example (examples/lange-brief, 10 pages): cold ``briefing build --force``.

    .venv/bin/python benchmarks/lange_brief.py                       # this checkout, 5 runs
    .venv/bin/python benchmarks/lange_brief.py --baseline /tmp/main  # and another source tree

``--baseline DIR`` times the same build with the package of DIR (an unpacked ``git archive``
of another commit, say) on ``PYTHONPATH``, rounds interleaved, so a machine that gets busier
halfway slows both alike. Prints one Markdown table: median, range, runs, and the PDF's page
count; with a baseline, the change of the median. Issue 13 asks for less than 10 %.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lange-brief"


def build_once(project: Path, source: Path | None) -> float:
    """Seconds for one cold build in a fresh process (``--force``: both formats written)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from briefing.cli import run; run()", "build", "--force",
         "--project", str(project)],
        check=True, capture_output=True, env=env, cwd=project,
    )
    return time.perf_counter() - start


def pages(pdf: Path) -> str:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    return next((line.split()[-1] for line in out.stdout.splitlines() if line.startswith("Pages:")), "?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="a source tree holding another briefing package")
    args = parser.parse_args()

    rows: dict[str, tuple[Path, Path | None]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, source in (("this checkout", None), ("baseline", args.baseline)):
            if name == "baseline" and source is None:
                continue
            project = Path(tmp) / name.replace(" ", "-")
            for folder in ("facts", "templates"):
                shutil.copytree(EXAMPLE / folder, project / folder)
            rows[name] = (project, source.resolve() if source else None)
        times: dict[str, list[float]] = {name: [] for name in rows}
        for project, source in rows.values():
            build_once(project, source)  # warm the bytecode cache and the file system
        for i in range(args.runs):
            for name, (project, source) in rows.items():
                times[name].append(build_once(project, source))
                print(f"round {i + 1}: {name} {times[name][-1]:.2f} s", file=sys.stderr)

        print("| build of examples/lange-brief | median | range | runs | PDF pages |")
        print("|---|---|---|---|---|")
        for name, (project, _) in rows.items():
            t = times[name]
            pdf = project / "output" / "missiegedreven-innovatiebeleid.pdf"
            print(f"| {name} | {statistics.median(t):.2f} s | {min(t):.2f}–{max(t):.2f} s | {len(t)} "
                  f"| {pages(pdf)} |")
        if "baseline" in times:
            change = statistics.median(times["this checkout"]) / statistics.median(times["baseline"]) - 1
            print(f"\nchange of the median against the baseline: {change:+.1%} (target: within ±10 %)")


if __name__ == "__main__":
    main()
