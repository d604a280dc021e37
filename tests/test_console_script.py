"""The ``briefing`` console script ends quickly (``os._exit``) yet loses no output or status."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LETTER = "armenie-azerbeidzjan"
def briefing(*args: str) -> subprocess.CompletedProcess[str]:
    # A timeout, not a hang: the quick exit must first end the worker processes.
    return subprocess.run([*RUN, *args], capture_output=True, text=True, timeout=120)


RUN = [sys.executable, "-c", "import sys; from briefing.cli import run; sys.argv[0] = 'briefing'; run()"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "facts").mkdir()
    for name in (f"{LETTER}.yaml", "_personen.yaml", "_armenie.yaml"):
        shutil.copy(ROOT / "facts" / name, tmp_path / "facts" / name)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


def test_output_and_status_survive_the_quick_exit(project: Path) -> None:
    built = briefing("build", "--project", str(project), "--jobs", "2")  # a PDF worker
    assert built.returncode == 0, built.stderr
    assert f"{LETTER}.pdf" in built.stdout
    assert (project / "output" / f"{LETTER}.pdf").stat().st_size > 0
    again = briefing("build", "--project", str(project))
    assert again.stdout.strip() == f"{LETTER}: ongewijzigd"


def test_a_batch_in_workers_ends_cleanly(project: Path) -> None:
    shutil.copy(project / "facts" / f"{LETTER}.yaml", project / "facts" / "tweede.yaml")
    built = briefing("build", "--project", str(project), "--jobs", "2")
    assert built.returncode == 0, built.stderr
    assert "[2/2]" in built.stderr  # the progress of a batch
    assert (project / "output" / "tweede.pdf").exists()


def test_problems_and_usage_keep_their_exit_status(project: Path) -> None:
    usage = briefing("build", "onbekend", "--project", str(project))
    assert usage.returncode == 2 and "onbekend" in usage.stderr
    path = project / "facts" / f"{LETTER}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("datum: 2022-12-09", "datum: morgen"), encoding="utf-8")
    problem = briefing("check", "--project", str(project))
    assert problem.returncode == 1 and "probleem" in problem.stderr
