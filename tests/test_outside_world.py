"""The world around a command (issue 15, kind 7): a closed or full standard output, a
``watch`` stopped by SIGTERM, SIGHUP or SIGKILL, a build that fails unexpectedly in
``watch``, and argparse's own messages."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_example

from briefing import watch as watch_module
from briefing.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "briefing"  # the console script, as a user runs it
LETTER = "armenie-azerbeidzjan"


def console(*args: str, stdout: int | None = None, close_stdout: bool = False) -> subprocess.CompletedProcess:
    command = [str(SCRIPT), *args]
    if close_stdout:  # the shell's >&-
        command = ["sh", "-c", '"$0" "$@" >&-', *command]
    return subprocess.run(command, stdout=stdout if stdout is not None else subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_example(tmp_path_factory.mktemp("wereld") / "project")
    result = console("build", LETTER, "--project", str(project), "--format", "docx", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    return project


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("command", [("build", "--force"), ("check",), ("diff", LETTER), ("schema",)])
def test_a_full_standard_output_is_one_line_and_exit_1(project: Path, command: tuple[str, ...]) -> None:
    args = [*command, "--project", str(project)] if command[0] != "schema" else list(command)
    if command[0] == "build":
        args += ["--format", "docx", "--jobs", "1", LETTER]
    with open("/dev/full", "w") as full:
        result = console(*args, stdout=full.fileno())
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines == ["briefing: kan niet naar de standaarduitvoer schrijven: No space left on device"]


@pytest.mark.parametrize("command", [("build", "--force"), ("diff", LETTER)])
def test_a_closed_standard_output_is_one_line_and_exit_1(project: Path, command: tuple[str, ...]) -> None:
    args = [*command, "--project", str(project)]
    if command[0] == "build":
        args += ["--format", "docx", "--jobs", "1", LETTER]
    before = (project / "output" / f"{LETTER}.docx").stat().st_mtime_ns
    result = console(*args, close_stdout=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "briefing: kan niet naar de standaarduitvoer schrijven: Bad file descriptor"
    ]
    if command[0] == "build":  # the build itself was done; only its report could not be shown
        assert (project / "output" / f"{LETTER}.docx").stat().st_mtime_ns != before
        assert not (project / "output" / ".briefing" / "lock").read_bytes()


def test_a_reader_that_stops_early_is_no_failure(project: Path) -> None:
    result = subprocess.run(f'"{SCRIPT}" schema | head -c 1', shell=True, capture_output=True, text=True)
    assert result.stdout == "{"
    assert "Traceback" not in result.stderr and "briefing:" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--bogus"], "briefing: fout: onbekende argumenten: --bogus"),
        (["bouw"], "briefing: fout: COMMAND: ongeldige keuze 'bouw'"),
        (["build", "--jobs", "x"], "briefing build: fout: --jobs: ongeldige waarde 'x'"),
        (["build", "--format", "odt"], "briefing build: fout: --format: ongeldige keuze 'odt'"),
        (["diff"], "briefing diff: fout: dit ontbreekt nog: LETTER"),
    ],
)
def test_bad_usage_is_said_in_dutch(args: list[str], message: str, capsys: pytest.CaptureFixture) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("gebruik: briefing")
    assert message in err


# --------------------------------------------------------------------------- watch


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_watch_stopped_by_a_signal_leaves_no_process(tmp_path: Path, signum: int) -> None:
    project = copy_example(tmp_path / "project")
    process = subprocess.Popen(
        [str(SCRIPT), "watch", "--project", str(project)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:  # the first round done
            if "wacht op wijzigingen" in line:
                break
        deadline = time.monotonic() + 30
        while not _descendants(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)  # the warm PDF worker starts after the first round
        children = _descendants(process.pid)
        assert children, "watch started no worker"
        process.send_signal(signum)
        process.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [c for c in children if _alive(c)], "a worker outlived watch"
        if signum != signal.SIGKILL:
            assert "Traceback" not in process.stderr.read()  # type: ignore[union-attr]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_watch_reports_an_unexpected_failure_and_goes_on(tmp_path: Path, monkeypatch) -> None:
    project = copy_example(tmp_path / "project")
    calls = []

    def failing_build(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("kapot")

    monkeypatch.setattr(watch_module, "build", failing_build)
    lines: list[str] = []
    rounds = iter(range(3))
    watch_module.watch(project, interval=0.01, out=lines.append, formats=("docx",),
                       stop=lambda: next(rounds, None) is None)
    assert calls
    assert any("onverwachte fout bij het bouwen: RuntimeError: kapot" in line for line in lines)
    assert "wacht op wijzigingen" in lines[-1]


def test_deleting_shared_facts_during_watch_rebuilds_their_letters_and_says_why(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    watcher = watch_module.Watcher(project, formats=("docx",))
    first = watcher.affected(set())
    watcher.changes()
    results, problems = watcher.build(first)
    assert not problems and len(results) == len(first)
    users = {p.name.removesuffix(".md.j2") for p in (project / "templates").glob("*.md.j2")
             if "personen." in p.read_text("utf-8")}
    assert users

    (project / "facts" / "_personen.yaml").unlink()
    letters = watcher.affected(watcher.changes())
    assert {p.stem for p in letters} == users
    results, problems = watcher.build(letters)
    assert not results
    assert {p.file for p in problems} == {f"templates/{name}.md.j2" for name in users}
    assert all("onbekend feit 'personen" in p.message for p in problems)
    for name in users:  # the earlier outputs stay
        assert (project / "output" / f"{name}.docx").exists()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_a_build_stopped_while_rendering_leaves_no_process(tmp_path: Path, signum: int) -> None:
    project = copy_example(tmp_path / "project")
    with (project / "templates" / f"{LETTER}.md.j2").open("a", encoding="utf-8") as fh:
        fh.write('\n{% for i in range(1000) %}{% for j in range(999) %}'
                 '{% set x = ("ab" * 5000) | replace("a", "xy") | length %}{% endfor %}{% endfor %}\n')
    process = subprocess.Popen([str(SCRIPT), "build", LETTER, "--project", str(project), "--jobs", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not _descendants(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)  # the render's own process
        children = _descendants(process.pid)
        assert children, "no render process was started"
        process.send_signal(signum)
        process.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [c for c in children if _alive(c)], "the render process outlived the build"
        if signum == signal.SIGTERM:
            assert process.returncode == 128 + signal.SIGTERM
            assert "Traceback" not in process.stderr.read()  # type: ignore[union-attr]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
