"""Commands that make no PDF never import WeasyPrint: its import alone costs about a second.

A DOCX built alone stores the page count of the PDF's layout; after a PDF of the same
inputs it is known, otherwise the letter is laid out (and WeasyPrint imported) to count.

Each command runs in a fresh interpreter, through ``briefing.cli.main`` as the console
script calls it; the test then looks at ``sys.modules`` of that interpreter.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LETTER = "armenie-azerbeidzjan"

SCRIPT = """
import json, sys
import briefing.cli, briefing.build
before = "weasyprint" in sys.modules
status = briefing.cli.main(sys.argv[1:])
print(json.dumps({"before": before, "status": status, "after": "weasyprint" in sys.modules}))
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example letter alone, with its shared facts and template."""
    (tmp_path / "facts").mkdir()
    for name in (f"{LETTER}.yaml", "_personen.yaml", "_armenie.yaml"):
        shutil.copy(ROOT / "facts" / name, tmp_path / "facts" / name)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


def run(*args: str, cwd: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, cwd=cwd
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def known(command: str) -> bool:
    """Whether ``command`` is a sub-command of this version of the CLI."""
    from briefing.cli import main

    try:
        return main([command, "--help"]) == 0
    except SystemExit as exc:  # pragma: no cover - main turns argparse's exit into a status
        return exc.code == 0


def test_importing_the_api_does_not_import_weasyprint(project: Path) -> None:
    assert run("check", LETTER, "--project", str(project), cwd=project)["before"] is False


@pytest.mark.parametrize(
    "args",
    [
        ["check", LETTER],
        ["check"],
        ["build", LETTER, "--format", "docx", "--jobs", "1"],
        ["build", LETTER, "--format", "docx"],
        ["schema"],
        ["new", "proefbrief"],
    ],
    ids=lambda args: " ".join(args),
)
def test_commands_without_a_pdf_never_import_weasyprint(project: Path, args: list[str], capsys) -> None:
    if not known(args[0]):
        pytest.skip(f"'briefing {args[0]}' is not a command (yet)")
    capsys.readouterr()  # the --help text of known()
    project_args = [] if args[0] == "schema" else ["--project", str(project)]
    if "docx" in args:
        # The DOCX stores the page count of the PDF's layout (issue 11): known from the
        # last PDF built from the same inputs, so no layout is needed (see the test below).
        assert run("build", LETTER, *project_args, cwd=project)["status"] == 0
    outcome = run(*args, *project_args, cwd=project)
    assert outcome["status"] == 0
    assert outcome["after"] is False, f"'briefing {' '.join(args)}' imported WeasyPrint"


def test_a_docx_alone_of_inputs_never_laid_out_does_import_it_for_its_page_count(project: Path) -> None:
    outcome = run("build", LETTER, "--format", "docx", "--jobs", "1", "--project", str(project), cwd=project)
    assert outcome == {"before": False, "status": 0, "after": True}


def test_a_pdf_build_does_import_it(project: Path) -> None:
    """The check above can fail: a build with a PDF, in this process, does import WeasyPrint."""
    outcome = run("build", LETTER, "--project", str(project), "--jobs", "1", cwd=project)
    assert outcome == {"before": False, "status": 0, "after": True}
