"""A letter's outputs change together or not at all (issue 15, kinds 1 and 8).

Faults are injected where they happen for real: a disk that fills up while a file is
written (``OSError(ENOSPC)``, and a real small tmpfs where the machine allows mounting
one), a build killed between two renames, damaged bookkeeping in ``output/``.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_example, edit
from docx import Document

from briefing import build, outputs
from briefing.errors import OutputError

LETTER = "armenie-azerbeidzjan"
FACTS = f"facts/{LETTER}.yaml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "briefing.cli", *args], capture_output=True, text=True)


def state(project: Path) -> dict[str, bytes]:
    """Every file under output/ but the lock, by relative path."""
    folder = project / "output"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "lock"
    }


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example, its letter built twice (so that a redline exists), DOCX only: quick."""
    project = copy_example(tmp_path_factory.mktemp("eens") / "project")
    build([LETTER], project, formats=("docx",), jobs=1)
    build([LETTER], project, formats=("docx",), jobs=1, force=True)
    return project


@pytest.fixture
def project(built_once: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(built_once, copy)
    # a changed fact: the next build has work
    edit(copy / FACTS, "armeense_bezetting_jaren: 30", "armeense_bezetting_jaren: 31")
    return copy


def fail_on_write(monkeypatch: pytest.MonkeyPatch, nth: int) -> None:
    """The ``nth`` file briefing stages fails as on a full disk, after half of it is written."""
    real = outputs._stage_file
    calls = []

    def stage(path: Path, data: bytes) -> Path:
        calls.append(path)
        if len(calls) == nth:
            tmp = path.with_name(f".{path.name}.half.tmp")
            tmp.write_bytes(data[: len(data) // 2])
            tmp.unlink()  # what _stage_file does on its failure
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(path, data)

    monkeypatch.setattr(outputs, "_stage_file", stage)


# --------------------------------------------------------------------------- a full disk


@pytest.mark.parametrize("nth", [1, 2, 3, 4])  # DOCX, redline, manifest, snapshot
def test_a_disk_full_halfway_changes_nothing_and_the_next_build_is_not_an_edit(
    project: Path, monkeypatch: pytest.MonkeyPatch, nth: int
) -> None:
    before = state(project)
    fail_on_write(monkeypatch, nth)
    with pytest.raises(OutputError, match="No space left on device"):
        build([LETTER], project, formats=("docx",), jobs=1)
    assert state(project) == before
    assert not [p for p in (project / "output").rglob("*.tmp")], "a staged file was left behind"

    monkeypatch.undo()
    results = build([LETTER], project, formats=("docx",), jobs=1)  # no "bewerkt in Word?"
    assert results[0].written and not results[0].kept


def test_a_failed_force_build_keeps_no_copy_of_the_edited_docx(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docx = project / "output" / f"{LETTER}.docx"
    edited = Document(docx)
    edited.add_paragraph("Een zin uit Word.")
    edited.save(docx)
    before = state(project)
    fail_on_write(monkeypatch, 3)
    with pytest.raises(OutputError):
        build([LETTER], project, formats=("docx",), jobs=1, force=True)
    assert state(project) == before
    assert not list((project / "output").glob("*bewerkt*"))

    monkeypatch.undo()
    results = build([LETTER], project, formats=("docx",), jobs=1, force=True)
    assert [p.name for p in results[0].kept] == [p.name for p in (project / "output").glob("*bewerkt*")]
    assert "Een zin uit Word." in [p.text for p in Document(results[0].kept[0]).paragraphs]


# --------------------------------------------------------------------------- killed while renaming


def test_a_build_killed_between_two_renames_is_finished_by_the_next(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.replace
    renamed = []

    def replace(src, dst) -> None:  # the process dies after the first output is in place
        if str(src).endswith(".tmp") and not Path(dst).name.endswith(".journal.json"):
            if renamed:
                raise KeyboardInterrupt  # as good as a kill: nothing after this runs
            renamed.append(dst)
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        build([LETTER], project, formats=("docx",), jobs=1)
    monkeypatch.undo()
    assert outputs.journal_path(project / "output", LETTER).exists()

    # The next build puts the rest in place: the letter is then up to date, not "edited".
    results = build([LETTER], project, formats=("docx",), jobs=1)
    assert results[0].unchanged
    assert not outputs.journal_path(project / "output", LETTER).exists()
    assert not [p for p in (project / "output").rglob("*.tmp")]
    docx = (project / "output" / f"{LETTER}.docx").read_bytes()  # the new letter, not the old
    forced = build([LETTER], project, formats=("docx",), jobs=1, force=True)
    assert forced[0].written and not forced[0].kept
    assert (project / "output" / f"{LETTER}.docx").read_bytes() == docx


def test_a_really_full_disk(tmp_path: Path) -> None:
    """On a small tmpfs (where this machine lets us mount one): the build says the disk is
    full, and the earlier outputs stay as they were."""
    mount = tmp_path / "klein"
    mount.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                       check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("no tmpfs can be mounted here")
    try:
        project = copy_example(mount / "project")
        first = run("build", LETTER, "--project", str(project), "--format", "docx", "--jobs", "1")
        assert first.returncode == 0, first.stderr
        before = state(project)
        edit(project / FACTS, "armeense_bezetting_jaren: 30", "armeense_bezetting_jaren: 31")
        (mount / "vulsel").write_bytes(b"\0" * 1024 * 8)
        while True:  # fill the disk to the last few kilobytes
            try:
                with open(mount / "vulsel", "ab") as fh:
                    fh.write(b"\0" * 4096)
            except OSError:
                break
        result = run("build", LETTER, "--project", str(project), "--format", "docx", "--jobs", "1")
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "kan niet schrijven" in result.stderr
        assert state(project) == before
        (mount / "vulsel").unlink()
        again = run("build", LETTER, "--project", str(project), "--format", "docx", "--jobs", "1")
        assert again.returncode == 0, again.stderr
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


# --------------------------------------------------------------------------- damaged bookkeeping


@pytest.mark.parametrize(
    "manifest",
    [b"[1, 2]", b'{"files": [1]}', b'{"inputs": "x", "files": {"a.docx": 1}}', b"{niet", b"\xff\xfe"],
)
def test_a_damaged_manifest_is_named_and_never_taken_for_an_edit(project: Path, manifest: bytes) -> None:
    path = project / "output" / ".briefing" / f"{LETTER}.json"
    path.write_bytes(manifest)
    result = run("build", LETTER, "--project", str(project), "--format", "docx", "--jobs", "1")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "bewerkt in Word" not in result.stderr
    assert str(path) in result.stderr and "beschadigd" in result.stderr
    assert "--force" in result.stderr  # how to recover

    forced = run("build", LETTER, "--project", str(project), "--format", "docx", "--jobs", "1", "--force")
    assert forced.returncode == 0, forced.stderr
    again = run("build", LETTER, "--project", str(project), "--format", "docx", "--jobs", "1")
    assert again.returncode == 0 and "ongewijzigd" in again.stdout


@pytest.mark.parametrize("damage", ["output-is-a-file", "state-is-a-file", "lock-is-a-folder"])
def test_damaged_output_folders_are_named(tmp_path: Path, damage: str) -> None:
    project = copy_example(tmp_path / "project")
    output = project / "output"
    if damage == "output-is-a-file":
        output.write_text("oeps")
        named = output
    elif damage == "state-is-a-file":
        output.mkdir()
        (output / ".briefing").write_text("oeps")
        named = output / ".briefing"
    else:
        (output / ".briefing" / "lock").mkdir(parents=True)
        named = output / ".briefing" / "lock"
    result = run("build", LETTER, "--project", str(project), "--format", "docx", "--jobs", "1")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"fout: {named}: " in result.stderr
    assert "verwijder" in result.stderr or "verplaats" in result.stderr


# --------------------------------------------------------------------------- a dead worker, a held lock


def test_a_worker_that_dies_has_its_letter_built_here(tmp_path: Path, monkeypatch) -> None:
    import importlib

    from briefing import parallel

    build_module = importlib.import_module("briefing.build")  # the module; briefing.build is the function

    project = copy_example(tmp_path / "project")
    expected = copy_example(tmp_path / "verwacht")
    build(project=expected, formats=("docx",), jobs=1)
    real = build_module._render

    def render(fmt, *args):
        if parallel._in_worker:  # the worker dies, as by the out-of-memory killer
            os._exit(9)
        return real(fmt, *args)

    parallel.shutdown()  # a fresh pool, forked with the patched function
    monkeypatch.setattr(build_module, "_render", render)
    try:
        results = build(project=project, formats=("docx",), jobs=2)
    finally:
        parallel.shutdown()
    letters = sorted(p.stem for p in (project / "facts").glob("[!_]*.yaml"))
    assert sorted(r.name for r in results if r.written) == letters
    for letter in (project / "output").glob("*.docx"):
        assert letter.read_bytes() == (expected / "output" / letter.name).read_bytes()


def test_a_held_lock_makes_a_second_build_wait(project: Path) -> None:
    import fcntl

    lock = project / "output" / ".briefing" / "lock"
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        process = subprocess.Popen(
            [sys.executable, "-m", "briefing.cli", "build", LETTER, "--project", str(project),
             "--format", "docx", "--jobs", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            with pytest.raises(subprocess.TimeoutExpired):
                process.wait(timeout=3)  # it waits for the lock, writing nothing
            assert not [p for p in (project / "output").rglob("*.tmp")]
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "geschreven" in out


@pytest.mark.parametrize(
    "target",
    [f"{LETTER}.docx", f"{LETTER}.wijzigingen.docx", f".briefing/{LETTER}.json",
     f".briefing/{LETTER}.snapshot.json"],
)
def test_a_folder_where_an_output_belongs_is_named(project: Path, target: str) -> None:
    path = project / "output" / target
    path.unlink()
    path.mkdir()
    before = state(project)
    for force in ((), ("--force",)):
        result = run("build", LETTER, "--project", str(project), "--format", "docx", "--jobs", "1", *force)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert f"fout: {path}: is een map" in result.stderr
        assert state(project) == before
        assert not outputs.journal_path(project / "output", LETTER).exists()
