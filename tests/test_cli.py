"""The command line as a user meets it: exit codes and one clear line per problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_example, edit

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``briefing`` as a user would, in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "briefing.cli", *args], cwd=cwd or ROOT, capture_output=True, text=True
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the default example project."""
    return copy_example(tmp_path)


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_check_passes_on_the_example() -> None:
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert "alles in orde" in result.stdout


def test_missing_required_key(project: Path) -> None:
    facts = project / "facts" / "armenie-azerbeidzjan.yaml"
    edit(facts, "  betreft: Verslag bezoek ambassadeur aan Armeens grensgebied\n", "")
    result = run("check", "--project", str(project))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "facts/armenie-azerbeidzjan.yaml:" in result.stderr
    assert "betreft" in result.stderr


def test_misspelt_fact_names_file_line_and_closest_name(project: Path) -> None:
    template = project / "templates" / "armenie-azerbeidzjan.md.j2"
    edit(template, "{{ armenie.slachtoffers.armeense_soldaten", "{{ armenie.slachtofers.armeense_soldaten")
    result = run("build", "--project", str(project))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = line_of(template, "slachtofers")
    assert f"templates/armenie-azerbeidzjan.md.j2:{line}" in result.stderr
    assert "slachtoffers" in result.stderr
    assert not (project / "output" / "armenie-azerbeidzjan.pdf").exists()


def test_template_syntax_error(project: Path) -> None:
    template = project / "templates" / "armenie-azerbeidzjan.md.j2"
    edit(template, "{{ verzoek.door }}", "{{ verzoek.door }")
    result = run("check", "--project", str(project))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"templates/armenie-azerbeidzjan.md.j2:{line_of(template, 'verzoek.door')}" in result.stderr


def test_placeholder_stops_a_build_and_draft_builds_it(project: Path) -> None:
    facts = project / "facts" / "armenie-azerbeidzjan.yaml"
    second = "\n    - {functie: 'De minister,', naam: '[Ondertekenaar 2]'}"
    edit(facts, "naam: W.B. Hoekstra}", "naam: W.B. Hoekstra}" + second)
    result = run("build", "--project", str(project), "--format", "docx")
    assert result.returncode == 1
    assert "[Ondertekenaar 2]" in result.stderr
    assert f"facts/armenie-azerbeidzjan.yaml:{line_of(facts, 'Ondertekenaar 2')}" in result.stderr
    result = run("build", "--project", str(project), "--format", "docx", "--draft")
    assert result.returncode == 0, result.stderr
    assert (project / "output" / "armenie-azerbeidzjan.docx").exists()


def test_unknown_letter_is_bad_usage(project: Path) -> None:
    result = run("build", "bestaat-niet", "--project", str(project))
    assert result.returncode == 2
    assert "armenie-azerbeidzjan" in result.stderr


def test_bad_option_is_bad_usage() -> None:
    assert run("build", "--format", "odt").returncode == 2
