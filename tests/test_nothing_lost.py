"""Nothing lost: reproducible outputs, a DOCX edited in Word is kept, two builds at once are safe."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
LETTER = "armenie-azerbeidzjan"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing.cli", *args], capture_output=True, text=True,
        env={**os.environ, **(env or {})},
    )


def example(folder: Path) -> Path:
    for name in ("facts", "templates"):
        shutil.copytree(ROOT / name, folder / name)
    return folder


def built(folder: Path, *args: str, env: dict[str, str] | None = None) -> Path:
    result = run("build", LETTER, "--project", str(folder), *args, env=env)
    assert result.returncode == 0, result.stderr
    return folder


def files(project: Path) -> dict[str, bytes]:
    return {fmt: (project / "output" / f"{LETTER}.{fmt}").read_bytes() for fmt in ("docx", "pdf")}


# --------------------------------------------------------------------------- reproducible


def test_the_same_inputs_give_the_same_bytes_anywhere_and_any_time(tmp_path: Path) -> None:
    first = files(built(example(tmp_path / "een")))
    time.sleep(2.1)  # zip times have a 2-second grain, PDF dates a 1-second one
    second = files(built(example(tmp_path / "elders" / "twee"), env={"SOURCE_DATE_EPOCH": "86400"}))
    assert second == first

    time.sleep(1.1)
    forced = files(built(tmp_path / "een", "--force", env={"TZ": "America/Curacao"}))
    assert forced == first


def test_outputs_are_readable_by_others(tmp_path: Path) -> None:
    """Written via a private temporary file, the outputs still get the usual permissions."""
    project = built(example(tmp_path))
    mode = (project / "output" / f"{LETTER}.pdf").stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


# --------------------------------------------------------------------------- edited in Word


def edited(docx: bytes) -> bytes:
    """The DOCX as Word would save it after a change: one word changed in the body."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/document.xml":
                assert b"verzocht" in data
                data = data.replace(b"verzocht", b"vroeg", 1)
            new.writestr(item, data)
    return out.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return built(example(tmp_path))


def test_an_edited_docx_stops_the_build_and_is_kept(project: Path) -> None:
    docx = project / "output" / f"{LETTER}.docx"
    original = files(project)
    docx.write_bytes(edited(docx.read_bytes()))
    mine = docx.read_bytes()
    facts = project / "facts" / "_armenie.yaml"  # the letter's figures, shared with vragen-sjoerdsma
    text = facts.read_text(encoding="utf-8")
    assert "armeense_soldaten: 207" in text
    facts.write_text(text.replace("armeense_soldaten: 207", "armeense_soldaten: 208"), encoding="utf-8")

    result = run("build", "--project", str(project))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"output/{LETTER}.docx" in result.stderr and "--force" in result.stderr
    assert docx.read_bytes() == mine
    assert (project / "output" / f"{LETTER}.pdf").read_bytes() == original["pdf"]
    assert not list((project / "output").glob("*.bewerkt-*"))


def test_an_edited_docx_alone_is_not_unchanged(project: Path) -> None:
    """Without any change of the inputs, an edited DOCX is still noticed (not 'ongewijzigd')."""
    docx = project / "output" / f"{LETTER}.docx"
    docx.write_bytes(edited(docx.read_bytes()))
    result = run("build", "--project", str(project))
    assert result.returncode == 1
    assert "ongewijzigd" not in result.stdout.split(f"{LETTER}:")[-1]


def test_force_keeps_a_copy_of_the_edited_docx_then_writes_a_fresh_one(project: Path) -> None:
    docx = project / "output" / f"{LETTER}.docx"
    fresh = docx.read_bytes()
    docx.write_bytes(edited(fresh))
    mine = docx.read_bytes()

    result = run("build", "--project", str(project), "--force")

    assert result.returncode == 0, result.stderr
    [copy] = (project / "output").glob(f"{LETTER}.bewerkt-*.docx")
    assert copy.read_bytes() == mine
    assert copy.name in result.stdout
    assert docx.read_bytes() == fresh  # the inputs did not change: the same file again
    again = run("build", "--project", str(project))
    assert f"{LETTER}: ongewijzigd" in again.stdout


# --------------------------------------------------------------------------- two builds at once


def test_two_builds_at_once_both_succeed_and_nothing_is_corrupt(project: Path, tmp_path: Path) -> None:
    before = files(project)
    alone = example(tmp_path / "alleen")
    for folder in (project, alone):
        facts = folder / "facts" / f"{LETTER}.yaml"
        text = facts.read_text(encoding="utf-8")
        facts.write_text(text.replace("vn_resoluties: 4", "vn_resoluties: 5"), encoding="utf-8")
    expected = files(built(alone))
    command = [sys.executable, "-m", "briefing.cli", "build", "--project", str(project), "--force"]

    builds = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(2)]
    results = [(b.wait(timeout=120), *b.communicate()) for b in builds]

    for status, _, err in results:
        assert status == 0, err
    docx, pdf = (project / "output" / f"{LETTER}.docx"), (project / "output" / f"{LETTER}.pdf")
    with zipfile.ZipFile(docx) as z:
        assert z.testzip() is None
    assert "vijf resoluties" in "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert len(PdfReader(pdf).pages) >= 2
    assert files(project) == expected != before  # whole, and the same as a build on its own
    assert not list((project / "output").glob(".*.tmp"))
    # The second build, which waited for the lock, kept no 'edited' copy of the first one's DOCX.
    assert not list((project / "output").glob("*.bewerkt-*"))
