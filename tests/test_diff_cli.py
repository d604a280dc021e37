"""``briefing diff`` and the redline on the default example, as a user meets them: build,
change a fact, see what the letter now says differently, build again, review in Word."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import copy_example, edit
from openxml_audit import OpenXmlValidator, ValidationErrorType
from tracked_changes import DEL, INS, RPR, formatted, parts, resolve

from briefing import snapshot
from briefing.cli import main

ROOT = Path(__file__).resolve().parent.parent
LETTER = "armenie-azerbeidzjan"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the default example project."""
    return copy_example(tmp_path)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def build(capsys, project: Path, *extra: str) -> str:
    code, out, err = run(capsys, "build", LETTER, "--project", str(project), "--format", "docx", *extra)
    assert code == 0, err
    return out


def diff(capsys, project: Path) -> str:
    code, out, err = run(capsys, "diff", LETTER, "--project", str(project))
    assert code == 0, err
    return out


def redline(project: Path) -> bytes:
    return (project / "output" / f"{LETTER}.wijzigingen.docx").read_bytes()


def revisions(blob: bytes) -> list[tuple[str, str]]:
    """(ins|del, text) of every tracked change in the body, footnotes and headers."""
    return [("ins" if e.tag == INS else "del", "".join(e.itertext()))
            for root in parts(blob).values() for e in root.iter(INS, DEL)
            if e.getparent().tag != RPR]  # not a paragraph mark


FACTS = f"facts/{LETTER}.yaml"
SHARED = "facts/_armenie.yaml"  # the figures the letter shares with the answers vragen-sjoerdsma


def change_facts(project: Path) -> None:
    edit(project / SHARED, "  armeense_soldaten: 207", "  armeense_soldaten: 210")
    edit(project / FACTS, "  sotsji: 2022-10-31", "  sotsji: 2022-10-28")


# --------------------------------------------------------------------------- briefing diff


def test_no_earlier_build(capsys, project: Path) -> None:
    out = diff(capsys, project)
    assert out == (f"{LETTER}: nog niet eerder gebouwd, dus niets om mee te vergelijken "
                   f"(bouw eerst: briefing build {LETTER})\n")


def test_nothing_changed(capsys, project: Path) -> None:
    build(capsys, project)
    assert snapshot.path_for(project / "output", LETTER).is_file()
    assert not (project / "output" / f"{LETTER}.wijzigingen.docx").exists()  # nothing to compare with
    assert diff(capsys, project) == f"{LETTER}: geen verschillen sinds de laatste build\n"


def test_fact_change_names_both_facts_and_both_sentences(capsys, project: Path) -> None:
    build(capsys, project)
    change_facts(project)
    assert diff(capsys, project) == f"""\
{LETTER}: verschillen sinds de laatste build

Gewijzigde feiten
  ontmoetingen.sotsji: 2022-10-31 → 2022-10-28
  armenie.slachtoffers.armeense_soldaten: 207 → 210

Gewijzigde tekst
  1 Stand van zaken in het conflict tussen Armenië en Azerbeidzjan
    ~ Volgens de Armeense berichtgeving kostten de gevechten het leven aan [-207-]{{+210+}} Armeense \
soldaten alsmede een aantal burgers.
  2 Vervolg vredesbesprekingen
    ~ Op [-31-]{{+28+}} oktober jl. kwamen de leiders van beide landen samen in Sotsji voor een gesprek \
o.l.v. de Russische President Poetin.
"""


def test_shared_fact_change_shows_under_its_file_name(capsys, project: Path) -> None:
    build(capsys, project)
    edit(project / "facts/_personen.yaml", "poetin: Poetin", "poetin: V. Poetin")
    out = diff(capsys, project)
    assert "  personen.poetin: Poetin → V. Poetin\n" in out
    assert "o.l.v. de Russische President {+V. +}Poetin." in out


def test_template_sentence_change_shows_too(capsys, project: Path) -> None:
    build(capsys, project)
    edit(project / "templates" / f"{LETTER}.md.j2", "Dit gesprek leidde niet tot een doorbraak",
         "Dit gesprek leidde tot een voorzichtige toenadering")
    out = diff(capsys, project)
    assert "Geen feiten gewijzigd" in out
    assert ("    ~ Dit gesprek leidde [-niet -]tot een [-doorbraak-]{+voorzichtige toenadering+} in de "
            "onderhandelingen.\n") in out


def test_metadata_change_shows_in_the_letterhead(capsys, project: Path) -> None:
    build(capsys, project)
    edit(project / FACTS, "kenmerk: BZ2213517", "kenmerk: BZ2213999")
    out = diff(capsys, project)
    assert "  brief.kenmerk: BZ2213517 → BZ2213999\n" in out
    assert "  Briefhoofd\n    ~ Ons kenmerk: [-BZ2213517-]{+BZ2213999+}\n" in out


def test_placeholders_do_not_stop_the_comparison(capsys, project: Path) -> None:
    build(capsys, project)
    edit(project / "templates" / f"{LETTER}.md.j2", "Dit gesprek leidde niet tot een doorbraak",
         "Dit gesprek leidde tot [resultaat]")
    assert main(["build", LETTER, "--project", str(project), "--format", "docx"]) == 1  # not without --draft
    assert "{+[resultaat]+}" in diff(capsys, project)


def test_diff_does_not_write(capsys, project: Path) -> None:
    build(capsys, project)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in (project / "output").rglob("*"))
    change_facts(project)
    diff(capsys, project)
    assert sorted((p.name, p.stat().st_mtime_ns) for p in (project / "output").rglob("*")) == before


def test_input_problem_is_exit_1_unknown_letter_exit_2(capsys, project: Path) -> None:
    build(capsys, project)
    edit(project / SHARED, "  armeense_soldaten: 207", "  armeense_soldaten: [207")
    code, _, err = run(capsys, "diff", LETTER, "--project", str(project))
    assert code == 1 and f"{SHARED}:" in err and "Traceback" not in err
    code, _, err = run(capsys, "diff", "onbekend", "--project", str(project))
    assert code == 2 and "onbekende brief" in err


def test_damaged_snapshot_is_exit_1_with_its_path(capsys, project: Path) -> None:
    build(capsys, project)
    snapshot.path_for(project / "output", LETTER).write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "diff", LETTER, "--project", str(project))
    assert code == 1 and f"{LETTER}.snapshot.json" in err and "onleesbaar" in err


def test_command_line_in_a_fresh_process(project: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "briefing.cli", *args, "--project", str(project)],
                              capture_output=True, text=True)

    assert cli("build", LETTER, "--format", "docx").returncode == 0
    change_facts(project)
    result = cli("diff", LETTER)
    assert result.returncode == 0, result.stderr
    assert "[-207-]{+210+}" in result.stdout and "\x1b[" not in result.stdout  # not a terminal: no colour


# --------------------------------------------------------------------------- the redline written by build


def test_build_writes_the_redline_with_the_changes(capsys, project: Path) -> None:
    build(capsys, project)
    change_facts(project)
    out = build(capsys, project)
    assert f"{LETTER}.wijzigingen.docx" in out
    changes = revisions(redline(project))
    assert ("del", "207") in changes and ("ins", "210") in changes
    assert ("del", "31") in changes and ("ins", "28") in changes
    assert len(changes) == 4
    # Accepted, it is the new letter; rejected, the letter as it was.
    new = (project / "output" / f"{LETTER}.docx").read_bytes()
    for name, root in parts(redline(project)).items():
        assert formatted(resolve(root, accept=True)) == formatted(parts(new)[name]), name
    result = OpenXmlValidator(max_errors=0).validate(str(project / "output" / f"{LETTER}.wijzigingen.docx"))
    assert [str(e) for e in result.errors if e.error_type is ValidationErrorType.SCHEMA] == []


def test_rejecting_gives_the_docx_of_the_previous_build(capsys, project: Path) -> None:
    build(capsys, project)
    old = (project / "output" / f"{LETTER}.docx").read_bytes()
    change_facts(project)
    edit(project / "facts/_personen.yaml", "poetin: Poetin", "poetin: V. Poetin")
    build(capsys, project)
    for name, root in parts(redline(project)).items():
        assert formatted(resolve(root, accept=False)) == formatted(parts(old)[name]), name


def test_unchanged_rebuild_gives_a_redline_without_changes(capsys, project: Path) -> None:
    build(capsys, project)
    change_facts(project)
    build(capsys, project)
    assert revisions(redline(project))
    assert "ongewijzigd" in build(capsys, project)  # nothing changed: nothing rewritten
    assert revisions(redline(project))  # the last comparison stays
    build(capsys, project, "--force")  # rebuilt without changes: this build against the last
    assert revisions(redline(project)) == []


def test_pdf_only_build_writes_no_redline_but_keeps_the_snapshot(capsys, project: Path) -> None:
    build(capsys, project)
    change_facts(project)
    code, _, err = run(capsys, "build", LETTER, "--project", str(project), "--format", "pdf")
    assert code == 0, err
    assert not (project / "output" / f"{LETTER}.wijzigingen.docx").exists()
    assert diff(capsys, project) == f"{LETTER}: geen verschillen sinds de laatste build\n"


def test_example_redline_shows_the_changes_in_libreoffice(capsys, project: Path, tmp_path: Path) -> None:
    build(capsys, project)
    change_facts(project)
    build(capsys, project)
    source = tmp_path / "wijzigingen.docx"
    source.write_bytes(redline(project))
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", str(tmp_path / "wijzigingen.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    text = re.sub(r"\s+", " ", text)
    assert "leven aan 207210 Armeense soldaten" in text  # old struck through, new underlined
    assert "Op 3128 oktober jl." in text


def test_revisions_carry_the_time_of_the_build(capsys, project: Path, monkeypatch) -> None:
    """Word shows who made a change and when: briefing, at this build (to the second, UTC)."""
    build(capsys, project)
    change_facts(project)
    before = datetime.now(UTC).replace(microsecond=0)
    build(capsys, project)
    after = datetime.now(UTC)
    with zipfile.ZipFile(io.BytesIO(redline(project))) as z:
        body = z.read("word/document.xml").decode()
    dates = set(re.findall(r'w:date="([^"]+)"', body))
    assert len(dates) == 1
    when = datetime.strptime(dates.pop(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= when <= after
    assert set(re.findall(r'w:author="([^"]+)"', body)) == {"briefing"}

    # A reproducible build sets the time: the same two letters give the same redline.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1670544000")  # 2022-12-09 00:00 UTC
    first = build(capsys, project, "--force") and redline(project)
    second = build(capsys, project, "--force") and redline(project)
    assert first == second
    assert set(re.findall(rb'w:date="([^"]+)"', first)) <= {b"2022-12-09T00:00:00Z"}
