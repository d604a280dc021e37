"""Hostile input that the bad-input corpus cannot express as edits (issue 15): links to
files outside the project, a self-including template, dates at the ends of the calendar,
huge numbers in the number filters, a damaged hyphenation cache, spaces around a fact."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_example

from briefing import check

LETTER = "armenie-azerbeidzjan"
FACTS = f"facts/{LETTER}.yaml"
TEMPLATE = f"templates/{LETTER}.md.j2"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing.cli", *args], capture_output=True, text=True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "project")


def test_a_shared_facts_file_linked_from_outside_is_refused(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "geheim.yaml"
    secret.write_text("wachtwoord: hunter2\n")
    (project / "facts" / "_x.yaml").symlink_to(secret)
    result = run("check", "--project", str(project))
    assert result.returncode == 1
    assert "fout: facts/_x.yaml: '_x.yaml' ligt buiten facts/" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout


def test_a_letter_linked_from_outside_is_refused(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elders.yaml"
    elsewhere.write_text((project / FACTS).read_text(encoding="utf-8"), encoding="utf-8")
    (project / "facts" / "gelinkt.yaml").symlink_to(elsewhere)
    problems = [str(p) for p in check(["gelinkt"], project)]
    assert any("ligt buiten facts/" in p for p in problems), problems
