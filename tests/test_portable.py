"""briefing outside Linux: no POSIX-only module at import, no fork, a lock that gives up.

Windows cannot be run here, so its differences are simulated: ``fcntl`` missing (an
import of it fails, as on Windows), a platform other than Linux (no forked workers),
and a second build that holds the project's lock.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_example

from briefing import outputs, parallel
from briefing.build import build
from briefing.errors import OutputError

ROOT = Path(__file__).resolve().parent.parent
LETTER = "armenie-azerbeidzjan"

WITHOUT_FCNTL = """
import importlib, pkgutil, sys
sys.modules["fcntl"] = None  # what Windows has: `import fcntl` raises ImportError
import briefing
names = [m.name for m in pkgutil.walk_packages(briefing.__path__, "briefing.")]
for name in names:
    importlib.import_module(name)
from briefing.build import build
result = build([sys.argv[1]], sys.argv[2], formats=("docx",), jobs=1)
print(len(names), result[0].name, [p.name for p in result[0].written])
"""


def test_briefing_imports_and_builds_without_fcntl(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_FCNTL, LETTER, str(project)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    count, name, written = result.stdout.split(maxsplit=2)
    assert int(count) > 20  # every module of the package was imported
    assert name == LETTER and f"{LETTER}.docx" in written
    assert (project / "output" / f"{LETTER}.docx").stat().st_size > 10_000


def test_no_forked_workers_outside_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert parallel.forking() is False
    assert parallel.start(2) is None


def test_without_workers_a_batch_is_built_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The no-pool path: two letters with --jobs 2 where no worker can be forked."""
    project = copy_example(tmp_path / "project")
    (project / "facts" / "tweede.yaml").write_text(
        (project / "facts" / f"{LETTER}.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.setattr(parallel, "forking", lambda: False)  # as on Windows and macOS
    parallel.shutdown()
    results = build([LETTER, "tweede"], project, formats=("docx",), jobs=2)
    assert [r.name for r in results] == [LETTER, "tweede"]
    assert all((project / "output" / f"{r.name}.docx").is_file() for r in results)
    assert parallel._executor is None  # nothing was forked


LOCK_HOLDER = """
import sys, time
from pathlib import Path
from briefing import outputs
with outputs.project_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_a_build_waits_for_the_lock_a_limited_time(tmp_path: Path) -> None:
    output = tmp_path / "output"
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(output)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with (
            pytest.raises(OutputError, match="een andere build van dit project loopt nog"),
            outputs.project_lock(output, timeout=0.5),
        ):
            pass  # pragma: no cover - the lock is held by the other process
    finally:
        holder.kill()
        holder.wait()
    with outputs.project_lock(output, timeout=5):  # released when its holder ended
        pass


def test_the_tests_need_nothing_beside_the_repository() -> None:
    """A fresh clone runs the tests alone: no test reads the folder the repository sits in."""
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "tests").rglob("*.py")) if path.name != "test_portable.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "ROOT.parent" in line or '"shared"' in line or "/work/" in line
    ]
    assert found == []
