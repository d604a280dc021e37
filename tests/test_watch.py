"""``briefing watch`` as a user runs it: a save rebuilds, an error is shown and watching goes on."""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from printed_lines import PrintedLines

ROOT = Path(__file__).resolve().parent.parent
LETTER = "armenie-azerbeidzjan"
OTHER = "geannoteerde-agenda-rbz"


class Watch(PrintedLines):
    """A running ``briefing watch`` and the lines it printed so far."""

    label = "watch"

    def __init__(self, project: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefing.cli", "watch", "--project", str(project)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
        )
        self.stderr = ""
        self._start_reading()

    def interrupt(self) -> int:
        """Ctrl-C (to the whole process group, as a terminal sends it); the exit status."""
        os.killpg(self.process.pid, signal.SIGINT)
        status = self.process.wait(timeout=20)
        self._reader.join(timeout=5)
        assert self.process.stderr is not None
        self.stderr = self.process.stderr.read()
        return status


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for folder in ("facts", "templates"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


@pytest.fixture
def watch(project: Path) -> Iterator[Watch]:
    running = Watch(project)
    yield running
    if running.process.poll() is None:
        os.killpg(running.process.pid, signal.SIGKILL)
        running.process.wait()


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def wait_until(condition: Callable[[], bool], timeout: float = 30) -> float:
    """Seconds until ``condition()`` held (polled every 5 ms)."""
    start = time.perf_counter()
    while not condition():
        assert time.perf_counter() - start < timeout, "timed out"
        time.sleep(0.005)
    return time.perf_counter() - start


def test_watch_rebuilds_on_save_reports_errors_and_goes_on(project: Path, watch: Watch) -> None:
    facts = project / "facts" / f"{LETTER}.yaml"
    template = project / "templates" / f"{LETTER}.md.j2"
    pdf = project / "output" / f"{LETTER}.pdf"
    other = project / "output" / f"{OTHER}.pdf"
    first = watch.wait_for("wacht op wijzigingen", timeout=120)
    assert pdf.is_file() and other.is_file()
    other_before = other.stat().st_mtime_ns

    # A one-fact edit: the letter's PDF is rebuilt, the other letter is left alone.
    old = pdf.read_bytes()
    replace(facts, "armeense_bezetting_jaren: 30", "armeense_bezetting_jaren: 31")
    wait_until(lambda: pdf.read_bytes() != old)
    done = watch.wait_for("wacht op wijzigingen", first + 1)
    rebuilt = watch.wait_for(f"{LETTER}: ", first + 1)
    assert "herbouwd in" in watch.lines[rebuilt] and rebuilt < done
    assert not any(OTHER in line for line in watch.lines[first + 1:done])
    assert other.stat().st_mtime_ns == other_before

    # An error is printed as build prints it; the process keeps watching, the PDF stays.
    good = pdf.read_bytes()
    replace(template, "{{ verzoek.door }}", "{{ verzoek.doorr }}")
    error = watch.wait_for(f"fout: templates/{LETTER}.md.j2:3: onbekend feit 'verzoek.doorr'", done)
    done = watch.wait_for("1 probleem", error)
    assert watch.process.poll() is None
    assert pdf.read_bytes() == good

    # Fixed again: back to the last good build, so nothing needs writing.
    replace(template, "{{ verzoek.doorr }}", "{{ verzoek.door }}")
    done = watch.wait_for(f"{LETTER}: ongewijzigd", done + 1)

    # And it goes on rebuilding.
    replace(facts, "armeense_bezetting_jaren: 31", "armeense_bezetting_jaren: 32")
    wait_until(lambda: pdf.read_bytes() not in (good, old))
    watch.wait_for("herbouwd in", done + 1)

    assert watch.interrupt() == 0
    assert "Traceback" not in watch.stderr, watch.stderr
    assert watch.lines[-1] == "gestopt"


def test_watch_picks_up_a_new_letter_and_a_shared_fact(project: Path, watch: Watch) -> None:
    start = watch.wait_for("wacht op wijzigingen", timeout=120)
    shutil.copy(project / "facts" / f"{LETTER}.yaml", project / "facts" / "kopie.yaml")
    watch.wait_for("kopie: kopie.docx, kopie.pdf herbouwd in", start + 1)
    done = watch.wait_for("wacht op wijzigingen", start + 1)

    replace(project / "facts" / "_personen.yaml", "koeleba: Koeleba", "koeleba: Kuleba")
    end = watch.wait_for("wacht op wijzigingen", done + 1)
    round_ = watch.lines[done + 1:end]
    for name in (LETTER, OTHER, "kopie"):  # all three read 'personen'
        assert any(line.startswith(f"{name}: ") and "herbouwd in" in line for line in round_), round_
    assert watch.interrupt() == 0


def test_time_from_save_to_new_pdf(project: Path, watch: Watch) -> None:
    """Median of five one-fact edits of the example letter, from the save to the new PDF on disk."""
    facts = project / "facts" / f"{LETTER}.yaml"
    pdf = project / "output" / f"{LETTER}.pdf"
    after = watch.wait_for("wacht op wijzigingen", timeout=120)
    times = []
    for n in range(31, 36):
        old = pdf.read_bytes()
        replace(facts, f"armeense_bezetting_jaren: {n - 1}", f"armeense_bezetting_jaren: {n}")
        times.append(wait_until(lambda old=old: pdf.read_bytes() != old))
        after = watch.wait_for("wacht op wijzigingen", after + 1)
    median = statistics.median(times)
    print(f"\nwatch: save → new PDF, median of 5: {median:.2f} s ({', '.join(f'{t:.2f}' for t in times)})")
    assert median < 5
    assert watch.interrupt() == 0
