"""How build time grows with the size of a letter (issue 15): a table of N rows.

    .venv/bin/python benchmarks/table_rows.py               # 100, 400 and 2,000 rows
    .venv/bin/python benchmarks/table_rows.py 100 400 --timeout 120

Per size, in a temporary project: a first ``briefing build --jobs 1`` (DOCX + PDF) of a
letter whose template loops over N rows of facts, then a rebuild with ``--force`` (which
also writes the redline against the first). The table prints both times and the first
build's seconds per 100 rows, which stay about the same when the build grows linearly.
"""

from __future__ import annotations

import argparse
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


def timed_build(project: Path, timeout: float) -> float | None:
    """Seconds of one ``briefing build tabel --force --jobs 1``, or None after ``timeout``."""
    cmd = [str(BIN / "briefing"), "build", "tabel", "--force", "--jobs", "1", "--project", str(project)]
    start = time.perf_counter()
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stderr}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", nargs="*", type=int, default=[100, 400, 2000])
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per build")
    args = parser.parse_args()
    print(f"{'rows':>6}  {'build (s)':>10}  {'rebuild + redline (s)':>21}  {'build s/100 rows':>16}")
    over = f"> {args.timeout:.0f}"
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp)
            make_project(project, rows)
            first = timed_build(project, args.timeout)
            second = timed_build(project, args.timeout) if first is not None else None
            cells = [
                f"{first:.1f}" if first is not None else over,
                f"{second:.1f}" if second is not None else over if first is not None else "-",
                f"{first / rows * 100:.2f}" if first is not None else "",
            ]
            print(f"{rows:>6}  {cells[0]:>10}  {cells[1]:>21}  {cells[2]:>16}", flush=True)


if __name__ == "__main__":
    main()
