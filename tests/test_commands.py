"""``briefing schema`` and ``briefing new``, as a user runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from pypdf import PdfReader

from briefing.scaffold import new_letter

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing.cli", *args], cwd=cwd or ROOT, capture_output=True, text=True
    )


# --------------------------------------------------------------------------- schema


def as_json(path: Path) -> object:
    """A letter file as an editor's YAML plug-in hands it to a JSON Schema: dates as ISO text."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=lambda v: v.isoformat()))


@pytest.fixture(scope="module")
def printed_schema() -> dict:
    result = run("schema")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_schema_prints_a_valid_json_schema(printed_schema: dict) -> None:
    Draft202012Validator.check_schema(printed_schema)
    assert printed_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "sjabloon" in printed_schema["properties"]["brief"]["required"]


@pytest.mark.parametrize("letter", sorted(p.name for p in (ROOT / "facts").glob("[!_]*.yaml")))
def test_schema_validates_the_examples(printed_schema: dict, letter: str) -> None:
    validator = Draft202012Validator(printed_schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = list(validator.iter_errors(as_json(ROOT / "facts" / letter)))
    assert errors == []


def test_schema_finds_what_the_validator_finds(printed_schema: dict, tmp_path: Path) -> None:
    text = (ROOT / "facts" / "armenie-azerbeidzjan.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "brief.yaml"
    bad.write_text(text.replace("  betreft:", "  betref:").replace("datum: 2022-12-09", "datum: 9 december"),
                   encoding="utf-8")
    validator = Draft202012Validator(printed_schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    kinds = sorted(e.validator for e in validator.iter_errors(as_json(bad)))
    assert kinds == ["additionalProperties", "format", "required"]


# --------------------------------------------------------------------------- new


def test_new_then_build_works_at_once(tmp_path: Path) -> None:
    project = tmp_path / "nieuw"
    result = run("new", "voortgang-curaçao", "--project", str(project))
    assert result.returncode == 0, result.stderr
    assert (project / "facts" / "voortgang-curaçao.yaml").is_file()
    assert (project / "templates" / "voortgang-curaçao.md.j2").is_file()
    assert (project / "output" / ".gitignore").is_file()
    assert "briefing build voortgang-curaçao" in result.stdout

    built = run("build", "voortgang-curaçao", "--project", str(project))

    assert built.returncode == 0, built.stderr
    pages = PdfReader(project / "output" / "voortgang-curaçao.pdf").pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for heading in ("1 Stand van zaken", "1.1 Resultaten", "1.2 Deelnemers", "2 Vervolg"):
        assert heading in text, heading
    assert "paragraaf 1" in text  # the ref
    assert "Aruba, Curaçao en Sint Maarten" in text  # facts through a filter
    assert "Kamerstuk 36 360 V" in text  # the footnote
    assert (project / "output" / "voortgang-curaçao.docx").is_file()


def test_the_scaffold_has_no_placeholders_and_passes_check(tmp_path: Path) -> None:
    new_letter("brief", tmp_path, today=date(2024, 2, 29))
    result = run("check", "--project", str(tmp_path))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "facts" / "brief.yaml").read_text(encoding="utf-8")
    assert "datum: 2024-02-29" in text


def test_new_never_overwrites(tmp_path: Path) -> None:
    assert run("new", "brief", "--project", str(tmp_path)).returncode == 0
    template = tmp_path / "templates" / "brief.md.j2"
    template.write_text("Mijn eigen tekst.\n", encoding="utf-8")

    result = run("new", "brief", "--project", str(tmp_path))

    assert result.returncode == 1
    assert "facts/brief.yaml" in result.stderr and "overschrijft niets" in result.stderr
    assert "Traceback" not in result.stderr
    assert template.read_text(encoding="utf-8") == "Mijn eigen tekst.\n"


def test_new_refuses_a_template_of_that_name_too(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "brief.md.j2").write_text("Al bezet.\n", encoding="utf-8")
    result = run("new", "brief", "--project", str(tmp_path))
    assert result.returncode == 1
    assert "templates/brief.md.j2" in result.stderr
    assert not (tmp_path / "facts" / "brief.yaml").exists()


@pytest.mark.parametrize("name", ["../buiten", "met spatie", "_gedeeld", "a/b", "", "x" * 81, "brief.yaml"])
def test_new_wants_a_file_name_safe_name(tmp_path: Path, name: str) -> None:
    result = run("new", name, "--project", str(tmp_path))
    assert result.returncode == 2
    assert "geen bruikbare naam" in result.stderr
    assert not (tmp_path / "facts").exists()


def test_new_in_an_existing_project_adds_only_the_letter(tmp_path: Path) -> None:
    for folder in ("facts", "templates"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "output").mkdir()
    made = new_letter("tweede-brief", tmp_path)
    assert made.created == ()
    assert not (tmp_path / "output" / ".gitignore").exists()
    result = run("check", "--project", str(tmp_path))
    assert result.returncode == 0, result.stderr
