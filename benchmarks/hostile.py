"""What hostile input costs (issue 15): per case, exit status, message, time and memory.

    .venv/bin/python benchmarks/hostile.py                 # the cases of issue 15
    .venv/bin/python benchmarks/hostile.py CASE [CASE …]   # any cases of tests/fixtures/bad

Each case of the bad-input corpus (``tests/fixtures/bad``) is applied to a fresh copy of
its example project (built once first), then ``briefing build --jobs 1`` runs as a user
runs it. The table prints the exit status, the first problem line, the seconds on the
clock and in processor time, and the peak memory of the largest process (the render runs
in a process of its own, so that is where a hostile template's memory shows).
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
BAD = ROOT / "tests" / "fixtures" / "bad"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests"))
import bad_fixtures  # noqa: E402 (the tests' reader of a case)

CASES = (
    "yaml-aliasbom", "yaml-alias-naar-zichzelf", "yaml-te-diep-genest", "getal-van-5000-cijfers",
    "tweede-yaml-document", "sleutel-null", "sleutel-datum",
    "sjabloon-macht-enorm", "sjabloon-lussen-genest", "sjabloon-tekst-maal-miljard", "sjabloon-lipsum-enorm",
    "sjabloon-center-enorm", "sjabloon-methode-center-enorm", "sjabloon-format-breedte",
    "sjabloon-procent-breedte", "sjabloon-replace-enorm", "sjabloon-range-te-groot",
    "sjabloon-verdubbelen-tot-geheugen-op", "sjabloon-zwoegt-te-lang", "sjabloon-brief-te-lang",
    "sjabloon-neemt-zichzelf-op", "getal-te-groot-voor-filter",
    "feit-met-alineascheiding", "sjabloon-met-regelscheiding",
    "toml-logo-buiten-project", "toml-png-afgekapt", "toml-png-is-tekst", "toml-svg-onleesbaar",
    "toml-geen-lettertype", "toml-korps-negatief", "toml-korps-nan", "toml-paginabreedte-nul",
)  # fmt: skip


def apply_edits(case: str, project: Path) -> None:
    """The case's ``edits.txt`` applied to ``project`` (the format of tests/test_bad_inputs.py)."""
    bad_fixtures.apply_edits(BAD / case / "edits.txt", project)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", nargs="*", default=list(CASES))
    args = parser.parse_args()
    briefing = [str(BIN / "briefing")]
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp) / "gebouwd"
        shutil.copytree(BAD / "_voorbeeld", built)
        subprocess.run([*briefing, "build", "--project", str(built)], capture_output=True, check=True)
        print("| case | exit | message | s | cpu s | peak MB |\n|---|---|---|---|---|---|")
        for case in args.cases:
            project = Path(tmp) / case
            shutil.copytree(built, project)
            apply_edits(case, project)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            pid = os.fork()
            if pid == 0:  # a child of our own, so that its peak memory is its own
                out = os.open(os.devnull, os.O_WRONLY)
                err = os.open(project / "stderr.txt", os.O_WRONLY | os.O_CREAT)
                os.dup2(out, 1)
                os.dup2(err, 2)
                os.execv(briefing[0], [*briefing, "build", "--jobs", "1", "--project", str(project)])
            _, status, usage = os.wait4(pid, 0)
            seconds = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            peak = usage.ru_maxrss / 1024  # the command and the processes it waited for (Linux)
            lines = [ln for ln in (project / "stderr.txt").read_text().splitlines() if ln.startswith("fout")]
            message = lines[0].replace(str(project) + "/", "").replace("|", "\\|") if lines else ""
            print(f"| {case} | {os.waitstatus_to_exitcode(status)} | {message[:150]} | {seconds:.1f} | "
                  f"{cpu:.1f} | {peak:.0f} |", flush=True)


if __name__ == "__main__":
    main()
