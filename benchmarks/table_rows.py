"""How build time grows with the size of a letter (issue 15): a table of N rows.

    .venv/bin/python benchmarks/table_rows.py               # 100, 400 and 2,000 rows
    .venv/bin/python benchmarks/table_rows.py 100 400 --timeout 120

Per size, in a temporary project: a first ``briefing build --jobs 1`` (DOCX + PDF) of a
letter whose template loops over N rows of facts, then a rebuild with ``--force`` (which
also writes the redline against the first). The table prints both, on the clock and in
processor time, and the first build's processor seconds per 100 rows, which stay about the
same when the build grows linearly. ``BRIEFING_BENCH_PYTHONPATH=/other/checkout`` measures
another checkout's code (for a before/after comparison).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def make_project(folder: Path, rows: int) -> None:
    """The example project plus a letter ``tabel`` with a table of ``rows`` rows."""
    shutil.copytree(ROOT / "facts", folder / "facts")
    shutil.copytree(ROOT / "templates", folder / "templates")
    letter = (ROOT / "facts" / "armenie-azerbeidzjan.yaml").read_text(encoding="utf-8")
    # the brief: block of the example, pointed at a template of our own
    out, inside = [], False
    for line in letter.splitlines():
        if line.startswith("brief:"):
            inside = True
        elif inside and line and not line.startswith((" ", "#")):
            break
        if inside:
            out.append(line.replace("armenie-azerbeidzjan.md.j2", "tabel.md.j2"))
    row = "  - {{plaats: Plaats {i}, datum: 2022-09-{d:02d}, aantal: {n}}}\n"
    facts = "\n".join(out) + "\nrijen:\n" + "".join(
        row.format(i=i, d=i % 28 + 1, n=i * 37) for i in range(rows)
    )
    (folder / "facts" / "tabel.yaml").write_text(facts, encoding="utf-8")
    (folder / "templates" / "tabel.md.j2").write_text(
        "# Overzicht\n\nDe tabel telt {{ rijen | length }} rijen.\n\n"
        "| Plaats | Datum | Aantal |\n|---|---|--:|\n"
        "{% for r in rijen %}"
        "| {{ r.plaats }} | {{ r.datum | datum }} | {{ r.aantal | getal }} |\n"
        "{% endfor %}"
        "\nEinde van de brief.\n",
        encoding="utf-8",
    )


def timed_build(project: Path, timeout: float) -> tuple[float, float] | None:
    """(seconds, processor seconds) of one ``briefing build tabel --force --jobs 1``, or None
    after ``timeout`` processor seconds. Processor time (of the command and its processes)
    is what the build costs; on a shared machine the clock also counts the others' work."""
    cmd = [str(BIN / "briefing"), "build", "tabel", "--force", "--jobs", "1", "--project", str(project)]
    if os.environ.get("BRIEFING_BENCH_PYTHONPATH"):  # another checkout's code, for "before"
        cmd = [sys.executable, "-m", "briefing.cli", *cmd[1:]]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": os.environ.get("BRIEFING_BENCH_PYTHONPATH", "")}

    def cpu_limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (int(timeout), int(timeout) + 1))

    result = subprocess.run(cmd, capture_output=True, text=True, env=env, preexec_fn=cpu_limit)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode < 0:  # stopped at the processor-time limit
        return None
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stderr}")
    return time.perf_counter() - start, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", nargs="*", type=int, default=[100, 400, 2000])
    parser.add_argument("--timeout", type=float, default=600.0, help="processor seconds per build")
    args = parser.parse_args()
    heads = ("rows", "build s", "build cpu s", "rebuild+redline s", "rebuild cpu s", "build cpu s/100 rows")
    print("  ".join(f"{h:>{max(6, len(h))}}" for h in heads))
    over = f"> {args.timeout:.0f}"
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp)
            make_project(project, rows)
            first = timed_build(project, args.timeout)
            second = timed_build(project, args.timeout) if first is not None else None
            cells = [str(rows)]
            for run in (first, second):
                cells += [f"{run[0]:.1f}", f"{run[1]:.1f}"] if run else [over if run is first else "-", "-"]
            cells.append(f"{first[1] / rows * 100:.2f}" if first else "")
            print("  ".join(f"{c:>{max(6, len(h))}}" for c, h in zip(cells, heads, strict=True)), flush=True)


if __name__ == "__main__":
    main()
