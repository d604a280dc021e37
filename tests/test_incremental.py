"""Incremental builds: a letter is rebuilt when, and only when, an input it uses changed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefing import build
from briefing.build import dependencies
from briefing.scaffold import new_letter

ROOT = Path(__file__).resolve().parent.parent
WITH = "armenie-azerbeidzjan"  # uses the shared facts 'personen'
WITHOUT = "zonder-personen"  # the scaffold letter: no shared facts


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing.cli", *args], capture_output=True, text=True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example's first letter, which reads `personen`, and a letter that does not."""
    (tmp_path / "facts").mkdir()
    (tmp_path / "templates").mkdir()
    for name in ("_personen.yaml", "_armenie.yaml", f"{WITH}.yaml"):
        shutil.copy(ROOT / "facts" / name, tmp_path / "facts" / name)
    shutil.copy(ROOT / "templates" / f"{WITH}.md.j2", tmp_path / "templates")
    new_letter(WITHOUT, tmp_path)
    return tmp_path


def stamps(project: Path) -> dict[str, int]:
    """Every output file's modification time (ns)."""
    return {p.name: p.stat().st_mtime_ns for p in (project / "output").rglob("*") if p.is_file()}


def rebuilt(project: Path, **options) -> set[str]:
    return {r.name for r in build(project=project, **options) if not r.unchanged}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_dependencies_are_the_files_a_letter_uses(project: Path) -> None:
    root = project.resolve()
    (root / "templates" / "ongebruikt.md.j2").write_text("Niemand neemt mij op.\n", encoding="utf-8")
    (root / "facts" / "_ongebruikt.yaml").write_text("x: 1\n", encoding="utf-8")

    with_ = dependencies(root, root / "facts" / f"{WITH}.yaml")
    without = dependencies(root, root / "facts" / f"{WITHOUT}.yaml")

    project_files = {p.relative_to(root).as_posix() for p in with_ if p.is_relative_to(root)}
    assert project_files == {
        f"facts/{WITH}.yaml", "facts/_personen.yaml", "facts/_armenie.yaml", f"templates/{WITH}.md.j2",
        "briefing.toml",
    }  # briefing.toml even while it does not exist: creating it changes the inputs
    assert root / "facts" / "_personen.yaml" not in without
    assert {p.name for p in with_ if not p.is_relative_to(root)} == {"beeldmerk.svg", "beeldmerk.png"}


def test_includes_and_imports_are_followed(project: Path) -> None:
    root = project.resolve()
    (root / "templates" / "deel").mkdir()
    (root / "templates" / "deel" / "slot.md.j2").write_text(
        "{% import 'deel/macros.md.j2' as m %}Met dank aan {{ personen.klaar }}.\n", encoding="utf-8"
    )
    (root / "templates" / "deel" / "macros.md.j2").write_text(
        "{% macro groet() %}Hoogachtend{% endmacro %}\n", encoding="utf-8"
    )
    (root / "facts" / "_cijfers.yaml").write_text("totaal: 3\n", encoding="utf-8")
    template = root / "templates" / f"{WITHOUT}.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n{% include 'deel/slot.md.j2' %}\n",
                        encoding="utf-8")

    deps = {p.relative_to(root).as_posix() for p in dependencies(root, root / "facts" / f"{WITHOUT}.yaml")
            if p.is_relative_to(root)}

    assert {"templates/deel/slot.md.j2", "templates/deel/macros.md.j2", "facts/_personen.yaml"} <= deps
    assert "facts/_cijfers.yaml" not in deps


def test_a_computed_include_depends_on_every_template(project: Path) -> None:
    root = project.resolve()
    template = root / "templates" / f"{WITHOUT}.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n{% include brief.sjabloon %}\n",
                        encoding="utf-8")
    deps = dependencies(root, root / "facts" / f"{WITHOUT}.yaml")
    assert root / "templates" / f"{WITH}.md.j2" in deps
    assert root / "facts" / "_personen.yaml" in deps


def test_a_shared_fact_rebuilds_exactly_the_letters_that_use_it(project: Path) -> None:
    assert rebuilt(project, formats=("docx",)) == {WITH, WITHOUT}
    edit(project / "facts" / "_personen.yaml", "klaar: Toivo Klaar", "klaar: T. Klaar")
    assert rebuilt(project, formats=("docx",)) == {WITH}


def test_a_new_shared_file_that_a_letter_reads_rebuilds_it(project: Path) -> None:
    """A letter's fact that a new shared-facts file clashes with: the letter is checked again."""
    assert rebuilt(project, formats=("docx",)) == {WITH, WITHOUT}
    (project / "facts" / "_vervolg.yaml").write_text("overleg: 2030-01-01\n", encoding="utf-8")
    with pytest.raises(Exception) as caught:
        build(project=project, formats=("docx",))
    assert "facts/_vervolg.yaml" in str(caught.value)


def test_an_unchanged_rebuild_writes_nothing(project: Path) -> None:
    first = run("build", "--project", str(project))
    assert first.returncode == 0, first.stderr
    before = stamps(project)

    again = run("build", "--project", str(project))

    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [f"{WITH}: ongewijzigd", f"{WITHOUT}: ongewijzigd"]
    assert stamps(project) == before


def test_a_template_edit_rebuilds_that_letter(project: Path) -> None:
    assert rebuilt(project, formats=("docx",)) == {WITH, WITHOUT}
    edit(project / "templates" / f"{WITHOUT}.md.j2", "De belangrijkste resultaten zijn:",
         "De belangrijkste resultaten waren:")
    assert rebuilt(project, formats=("docx",)) == {WITHOUT}
    assert rebuilt(project, formats=("docx",)) == set()


def test_house_style_and_options_are_inputs(project: Path) -> None:
    assert rebuilt(project, formats=("docx",)) == {WITH, WITHOUT}
    (project / "briefing.toml").write_text('[huisstijl]\nfont_docx = "Arial"\n', encoding="utf-8")
    assert rebuilt(project, formats=("docx",)) == {WITH, WITHOUT}
    assert rebuilt(project, formats=("docx",), draft=True) == {WITH, WITHOUT}
    assert rebuilt(project, formats=("docx",), draft=True) == set()


def test_a_copied_project_is_up_to_date(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The inputs' digest holds no absolute path: a project copied elsewhere (or checked
    out in another folder) with its outputs rebuilds nothing."""
    shutil.copy(ROOT / "briefing" / "assets" / "beeldmerk.png", project / "logo.png")
    (project / "briefing.toml").write_text('[huisstijl]\nlogo_png = "logo.png"\n', encoding="utf-8")
    assert rebuilt(project, formats=("docx",)) == {WITH, WITHOUT}
    copy = tmp_path_factory.mktemp("elders") / "kopie"
    shutil.copytree(project, copy)
    assert rebuilt(copy, formats=("docx",)) == set()
    (copy / "logo.png").write_bytes((copy / "logo.png").read_bytes() + b"\0")  # the copy's own logo
    assert rebuilt(copy, formats=("docx",)) == {WITH, WITHOUT}
