"""Benchmarks of issue 6: how fast briefing builds, next to what users would pick instead.

    .venv/bin/python benchmarks/run.py            # 5 runs per row (about 5–8 minutes)
    .venv/bin/python benchmarks/run.py --quick    # 3 runs per row, a smoke test

Everything is measured side by side in one run on this machine: the rounds are
interleaved (round 1 of every row, then round 2, …), so a machine that gets busier
halfway slows every row alike. Each row prints the median of its runs, the spread,
and where the issue sets a target, whether the median meets it. Work happens in a
temporary folder; the project itself is not touched.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).resolve().parent / "probe.py"
LETTER = "armenie-azerbeidzjan"
BATCH = 12
PY = sys.executable
BIN = Path(PY).parent
# Children run as on a user's machine: Python caches compiled modules in __pycache__.
# (Some sandboxes set PYTHONDONTWRITEBYTECODE, which makes every start compile the package.)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def briefing_cmd(*args: str) -> list[str]:
    """The ``briefing`` command of this venv (the console script, as a user runs it)."""
    script = BIN / "briefing"
    return [str(script), *args] if script.exists() else [PY, "-m", "briefing.cli", *args]


# --------------------------------------------------------------------------- running things


@dataclass
class Run:
    seconds: float
    max_rss_mb: float  # largest single process (wait4), the way getrusage reports it
    stdout: str
    stderr: str
    peak_pss_mb: float | None = None  # the whole process tree, sampled


def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None, sample_memory: bool = False) -> Run:
    """Run ``cmd``; wall time, the child's max RSS (``wait4``) and optionally its tree's peak PSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env or ENV, stdout=out, stderr=err)
        sampler = _PssSampler(proc.pid) if sample_memory else None
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = sampler.stop() if sampler else None
        out.seek(0)
        err.seek(0)
        result = Run(seconds, usage.ru_maxrss / 1024, out.read().decode(errors="replace"),
                     err.read().decode(errors="replace"), peak)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def probe(*args: str, cwd: Path | None = None) -> tuple[dict, Run]:
    result = run([PY, str(PROBE), *args], cwd=cwd)
    return json.loads(result.stdout.strip().splitlines()[-1]), result


class _PssSampler:
    """Samples the proportional set size of a process and all its descendants.

    PSS counts a page shared by forked processes once in total, so the sum over the
    tree is the memory the build really holds (RSS would count shared pages twice).
    """

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            with contextlib.suppress(OSError):  # the process may be gone already
                for task in Path(f"/proc/{pid}/task").iterdir():
                    todo += [int(c) for c in (task / "children").read_text().split()]
        return pids

    def _loop(self) -> None:
        while not self._done.is_set():
            total = 0
            for pid in self._tree():
                try:
                    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
                except OSError:
                    continue
                m = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
                total += int(m.group(1)) if m else 0
            self.peak = max(self.peak, total / 1024)
            self._done.wait(self.interval)

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak


# --------------------------------------------------------------------------- projects


def example_project(dest: Path, names: list[str] | None = None) -> Path:
    """A copy of the example letter (under ``names``, if given) with its shared facts and template."""
    (dest / "facts").mkdir(parents=True)
    (dest / "templates").mkdir()
    source = (ROOT / "facts" / f"{LETTER}.yaml").read_text(encoding="utf-8")
    template = yaml.safe_load(source)["brief"]["sjabloon"]
    shutil.copy(ROOT / "templates" / template, dest / "templates" / template)
    for shared in (ROOT / "facts").glob("_*.yaml"):
        shutil.copy(shared, dest / "facts" / shared.name)
    if (ROOT / "briefing.toml").exists():
        shutil.copy(ROOT / "briefing.toml", dest / "briefing.toml")
    for name in names or [LETTER]:
        (dest / "facts" / f"{name}.yaml").write_text(source, encoding="utf-8")
    return dest


LONG_TEMPLATE = """\
# Inleiding {#inleiding}

Dit verslag is gegenereerd voor de benchmark: het heeft de opmaak van het voorbeeld, maar meer pagina's.

{% for i in range(secties) %}
# Onderdeel {{ i + 1 }} van het verslag

{% for j in range(alineas) %}
Op {{ datum | datum(relatief=True) }} kwamen de delegaties opnieuw bijeen om te spreken over de \
afbakening van de grens, de terugkeer van ontheemden en de uitwisseling van krijgsgevangenen. Volgens \
de berichtgeving van beide zijden waren {{ (207 + i * j) | getal }} soldaten betrokken bij de gevechten \
en kwamen {{ (80 + j) | getal }} burgers om het leven. Het kabinet volgt deze ontwikkelingen \
aandachtig en zal uw Kamer informeren over de uitkomsten van de besprekingen. Zie ook {{ ref("inleiding") }}.

{% endfor %}
{% endfor %}
"""


def long_project(dest: Path, pages: int) -> Path:
    """A project with one generated letter of about ``pages`` pages, made like the example.

    Like the example it has no footnotes: the PDF writer lays a letter out again for
    each footnote WeasyPrint puts on the wrong page (up to 8 times), which would
    measure that repair rather than how cost grows with pages.
    """
    example_project(dest, names=[])
    letter = yaml.safe_load((ROOT / "facts" / f"{LETTER}.yaml").read_text(encoding="utf-8"))
    letter = {"brief": {**letter["brief"], "sjabloon": "lang.md.j2"},
              # About 1.39 sections (of four paragraphs) fill a page.
              "secties": max(1, round(pages * 1.39)), "alineas": 4, "datum": letter["brief"]["datum"]}
    (dest / "facts" / "lang.yaml").write_text(yaml.safe_dump(letter, allow_unicode=True), encoding="utf-8")
    (dest / "templates" / "lang.md.j2").write_text(LONG_TEMPLATE, encoding="utf-8")
    return dest


def watch_command(project: Path, edits: int) -> list[float]:
    """``briefing watch`` as a user runs it: seconds from saving a changed figure to the new PDF.

    The PDF counts as new when its file is replaced (briefing writes atomically), so the
    time includes watch's polling of the facts as well as the rebuild.
    """
    facts = project / "facts" / f"{LETTER}.yaml"
    pdf = project / "output" / f"{LETTER}.pdf"
    proc = subprocess.Popen(briefing_cmd("watch", "--project", str(project)), env=ENV, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    seconds = []
    try:
        deadline = time.perf_counter() + 60
        while not any(line.startswith(f"{LETTER}:") for line in lines):  # its first round is done
            if proc.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError("briefing watch did not build:\n" + "".join(lines))
            time.sleep(0.01)
        time.sleep(2.0)  # a user takes a moment before the first save; watch warms up meanwhile
        text = facts.read_text(encoding="utf-8")
        for i in range(edits):
            before = pdf.stat().st_ino, pdf.stat().st_mtime_ns
            text = re.sub(r"(armeense_bezetting_jaren:\s*)(\d+)", lambda m: f"{m[1]}{int(m[2]) + 1}", text)
            facts.write_text(text, encoding="utf-8")
            saved = time.perf_counter()
            while (pdf.stat().st_ino, pdf.stat().st_mtime_ns) == before:
                if time.perf_counter() - saved > 30:
                    raise RuntimeError(f"briefing watch did not rebuild (edit {i + 1}):\n" + "".join(lines))
                time.sleep(0.002)
            seconds.append(time.perf_counter() - saved)
            time.sleep(0.6)  # the rest of that round (DOCX, redline, snapshot) before the next save
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return seconds


def pdf_pages(path: Path) -> int | None:
    try:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------- the table


@dataclass
class Row:
    what: str
    unit: str = "s"
    samples: list[float] = field(default_factory=list)
    target: str = ""
    verdict: str = ""
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    def cells(self) -> list[str]:
        if not self.samples:
            value, spread = self.note or "–", ""
        else:
            fmt = {"s": "{:.3f}", "×": "{:.2f}", "MB/page": "{:.2f}"}.get(self.unit, "{:.0f}")
            value = fmt.format(self.median) + (f" {self.unit}" if self.unit != "s" else "")
            spread = f"{fmt.format(min(self.samples))}–{fmt.format(max(self.samples))}"
        runs = str(len(self.samples)) if self.samples else ""
        verdict = f"{self.target} — **{self.verdict}**" if self.target and self.verdict else self.target
        note = self.note if self.samples else ""
        return [self.what, value, spread, runs, verdict, note]


class Table:
    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.order: list[str | tuple[str]] = []

    def heading(self, text: str) -> None:
        self.order.append((text,))

    def row(self, key: str, what: str, **kw) -> Row:
        if key not in self.rows:
            self.rows[key] = Row(what, **kw)
            self.order.append(key)
        return self.rows[key]

    def add(self, key: str, value: float) -> None:
        self.rows[key].samples.append(value)

    def median(self, key: str) -> float | None:
        row = self.rows.get(key)
        return row.median if row else None

    def render(self) -> str:
        header = ["what", "median", "range", "runs", "target", "note"]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for item in self.order:
            if isinstance(item, tuple):
                lines.append(f"| **{item[0]}** |" + " |" * (len(header) - 1))
            else:
                lines.append("| " + " | ".join(c.replace("|", "\\|") for c in self.rows[item].cells()) + " |")
        return "\n".join(lines)


def spin_ratio() -> float:
    """Wall time of two CPU-bound loops at once ÷ one alone: ≈ 1 when a second core is free, ≈ 2 if not."""
    spin = [PY, str(PROBE), "spin", "0.4"]
    alone = run(spin).seconds
    start = time.perf_counter()
    procs = [subprocess.Popen(spin, stdout=subprocess.DEVNULL, env=ENV) for _ in range(2)]
    for p in procs:
        p.wait()
    return (time.perf_counter() - start) / alone


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "not met")


# --------------------------------------------------------------------------- the benchmark


class Bench:
    def __init__(self, runs: int, work: Path, only: set[str] | None) -> None:
        self.runs, self.work, self.only = runs, work, only
        self.table = Table()
        self.cores = len(os.sched_getaffinity(0))
        self.free_core: bool | None = None
        self.tasks: list[tuple[str, Callable[[], None]]] = []

    def wanted(self, group: str) -> bool:
        return self.only is None or group in self.only

    def log(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    # ----------------------------------------------------------------- machine

    def machine(self) -> None:
        t = self.table
        t.heading("machine")
        loads = Path("/proc/loadavg").read_text().split()[:3]
        t.row("cores", "cores available to this process", unit="", note=str(self.cores))
        t.row("load", "load average (1, 5, 15 min)", unit="", note=" ".join(loads))
        ratios = [spin_ratio() for _ in range(3)]
        ratio = statistics.median(ratios)
        self.free_core = self.cores >= 2 and ratio < 1.3
        row = t.row("spin", "CPU loop: two at once ÷ one alone", unit="×",
                    note="a second core is free" if self.free_core else "no free second core")
        row.samples = ratios
        self.log(f"second core free: {self.free_core} (two loops take {ratio:.2f}× one)")

    # ----------------------------------------------------------------- set-up

    def setup(self) -> None:
        w = self.work
        self.example = example_project(w / "example")
        self.peer_dir = w / "peers"
        self.peer_dir.mkdir()
        run(briefing_cmd("build", LETTER, "--project", str(self.example), "--force"))
        probe("prepare", str(self.example), LETTER, str(self.peer_dir))
        shutil.copy(self.example / "output" / f"{LETTER}.docx", self.peer_dir / "letter.docx")
        self.pages = pdf_pages(self.example / "output" / f"{LETTER}.pdf")
        self.unchanged = example_project(w / "unchanged")
        run(briefing_cmd("build", "--project", str(self.unchanged)))
        self.batch = example_project(w / "batch", [f"brief-{i:02d}" for i in range(1, BATCH + 1)])
        # Built once, so that every measured batch rebuilds letters that were built before,
        # as the example's cold build does (it then also writes <letter>.wijzigingen.docx).
        run(briefing_cmd("build", "--project", str(self.batch)))
        self.profile = w / "lo-profile"
        self.soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if self.soffice:  # a throwaway profile, created once: later conversions start as a user's do
            self.convert([str(self.peer_dir / "letter.docx")], w / "lo-warmup")
        self.pandoc = shutil.which("pandoc")
        try:
            import docxtpl  # noqa: F401

            self.docxtpl = True
        except ImportError:
            self.docxtpl = False
        if self.docxtpl:
            self.docxtpl_template()

    def convert(self, files: list[str], outdir: Path) -> Run:
        return run([self.soffice, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), *files])

    def docxtpl_template(self) -> None:
        """A Word template with the letter's paragraphs, its figures as docxtpl fields."""
        import docx

        paragraphs = json.loads((self.peer_dir / "paragraphs.json").read_text(encoding="utf-8"))
        document = docx.Document()
        for kind, text in paragraphs:
            text = text.replace("207", "{{ armeense_soldaten }}").replace("9 december 2022", "{{ datum }}")
            text = text.replace(" 80 ", " {{ azerbeidzjaanse_soldaten }} ")
            if kind == "heading":
                document.add_heading(text, level=1)
            else:
                document.add_paragraph(text)
        self.template = self.peer_dir / "sjabloon.docx"
        document.save(str(self.template))

    # ----------------------------------------------------------------- rows

    def plan(self) -> None:
        t = self.table
        if self.wanted("build"):
            t.heading(f"our build of the example ({self.pages} pages, DOCX + PDF)")
            t.row("cold", "cold `briefing build --force` (both formats)",
                  target="≤ LibreOffice converting the DOCX")
            t.row("cold jobs1", "  the same with `--jobs 1` (DOCX and PDF in one process)")
            t.row("stages total", "  stages, one process, in order: total")
            for stage in ("start", "import pipeline", "import DOCX writer", "import WeasyPrint",
                          "load facts", "render template", "parse + number", "DOCX", "redline DOCX",
                          "hyphenation dictionary", "PDF"):
                label = "python start-up" if stage == "start" else stage
                t.row(f"stage {stage}", f"  · {label}")
            self.tasks.append(("cold build", self.cold))
            self.tasks.append(("stages", self.stages))
        if self.wanted("watch") or self.wanted("unchanged"):
            t.heading("rebuilds")
        if self.wanted("watch"):
            t.row("watch cli", "`briefing watch`: save of one fact → new PDF on disk", target="≤ 0.5 s")
            t.row("watch", "  the rebuild alone: `build()` again in a warm process")
            t.row("watch first", "  (the first, cold build in that process)")
            self.tasks.append(("watch", self.watch))
        if self.wanted("unchanged"):
            t.row("unchanged", "unchanged rebuild, cold `briefing build` (skips)", target="< 0.5 s")
            self.tasks.append(("unchanged", self.unchanged_build))
        if self.wanted("batch"):
            t.heading(f"batch of {BATCH} letters (`briefing build --force`)")
            t.row("jobs1", "--jobs 1")
            t.row("jobs2", "--jobs 2")
            t.row("jobs ratio", "--jobs 2 ÷ --jobs 1", unit="×", target="≤ 0.65× with a free second core")
            t.row("per letter", "per letter, --jobs 2",
                  target="≤ ½ × docxtpl + one LibreOffice call, per letter")
            self.tasks.append(("batch", self.batch_build))
        if self.wanted("peers"):
            t.heading("peers on the same letter")
            if self.soffice:
                t.row("lo", "LibreOffice: our DOCX → PDF (`soffice --convert-to pdf`)")
            else:
                t.row("lo", "LibreOffice", note="not installed")
            if self.pandoc:
                t.row("pandoc docx", "pandoc: Markdown → DOCX")
                t.row("pandoc pdf", "pandoc: Markdown → PDF via WeasyPrint")
            else:
                t.row("pandoc docx", "pandoc", note="not installed")
            if self.docxtpl and self.soffice:
                t.row("docxtpl", "(optional) docxtpl + LibreOffice, one letter")
                t.row("docxtpl batch", f"(optional) docxtpl + one LibreOffice call for {BATCH}, per letter")
            else:
                t.row("docxtpl", "(optional) docxtpl + LibreOffice", note="docxtpl not installed")
            self.tasks.append(("peers", self.peers))
        if self.wanted("floor"):
            t.heading("floor: bare WeasyPrint + bare python-docx, same content, cold process")
            t.row("floor", "floor: import + PDF + DOCX, cold process")
            t.row("floor import", "  · import WeasyPrint + python-docx")
            t.row("floor pdf", "  · `HTML(string=…).write_pdf()`")
            t.row("floor docx", "  · python-docx, same paragraphs, save")
            t.row("floor warm", "  · the PDF once more in that process (warm: a batch's cost per letter)")
            t.row("overhead", "our cold build ÷ floor", unit="×", target="≤ 1.10× (overhead ≤ 10%)")
            self.tasks.append(("floor", self.floor))
        if self.wanted("absorb"):
            t.heading("carrying Word edits back (`briefing absorb`, issue 10)")
            t.row("absorb", "`briefing absorb` plan: 207→210 and hevige→zware in the DOCX (cold CLI)")
            t.row("absorb apply", "  `--apply`: writes the sources, keeps the DOCX, rebuilds (cold CLI)")
            t.row("absorb cold", "  a cold `briefing build --force` of the example, in the same rounds")
            t.row("absorb ratio", "absorb plan ÷ cold build", unit="×", target="≤ 2×")
            self.tasks.append(("absorb", self.absorb))
        if self.wanted("memory"):
            t.heading("peak memory (MB)")
            t.row("mem example", "example: whole process tree (PSS)", unit="MB", target="≤ 300 MB")
            t.row("mem example rss", "example: largest process (max RSS)", unit="MB")
            self.long = {}
            for pages in (10, 100):
                self.long[pages] = long_project(self.work / f"lang-{pages}", pages)
                t.row(f"mem {pages}", f"{pages}-page letter, --jobs 1 (max RSS)", unit="MB")
                t.row(f"time {pages}", "  time of that build (--jobs 1)")
            t.row("mem slope", "memory growth per page, 10 → 100 pages", unit="MB/page")
            self.tasks.append(("memory", self.memory))

    def cold(self) -> None:
        r = run(briefing_cmd("build", LETTER, "--project", str(self.example), "--force"))
        self.table.add("cold", r.seconds)
        r = run(briefing_cmd("build", LETTER, "--project", str(self.example), "--force", "--jobs", "1"))
        self.table.add("cold jobs1", r.seconds)

    def stages(self) -> None:
        data, r = probe("stages", str(self.example), LETTER)
        inside = sum(data.values())
        self.table.add("stages total", r.seconds)
        self.table.add("stage start", r.seconds - inside)  # interpreter start-up and exit
        for stage, seconds in data.items():
            self.table.add(f"stage {stage}", seconds)

    def watch(self) -> None:
        project = self.work / "watch"
        shutil.rmtree(project, ignore_errors=True)
        example_project(project)
        data, _ = probe("watch", str(project), LETTER, "3")
        self.table.add("watch first", data["first build"])
        for seconds in data["rebuilds"]:
            self.table.add("watch", seconds)
        for seconds in watch_command(project, 3):
            self.table.add("watch cli", seconds)

    def absorb(self) -> None:
        """A fresh copy of the example, built, its DOCX edited with python-docx; then absorb."""
        import docx

        folder = self.work / "absorb"
        shutil.rmtree(folder, ignore_errors=True)
        project = example_project(folder)
        run(briefing_cmd("build", LETTER, "--project", str(project)))
        path = project / "output" / f"{LETTER}.docx"
        document = docx.Document(str(path))
        for paragraph in document.paragraphs:
            for r in paragraph.runs:
                r.text = r.text.replace(" 207 ", " 210 ").replace("hevige", "zware")
        document.save(str(path))
        r = run(briefing_cmd("absorb", LETTER, "--project", str(project)))
        if "armeense_soldaten: 207 → 210" not in r.stdout:
            raise RuntimeError("absorb did not find the edit:\n" + r.stdout + r.stderr)
        self.table.add("absorb", r.seconds)
        cold = run(briefing_cmd("build", LETTER, "--project", str(self.example), "--force"))
        self.table.add("absorb cold", cold.seconds)
        self.table.add("absorb ratio", r.seconds / cold.seconds)
        applied = run(briefing_cmd("absorb", LETTER, "--apply", "--project", str(project)))
        self.table.add("absorb apply", applied.seconds)

    def unchanged_build(self) -> None:
        # Up to date first (not timed): a change of briefing itself since the last round
        # (others work in this tree) may rightly have made the outputs stale.
        run(briefing_cmd("build", "--project", str(self.unchanged)))
        r = run(briefing_cmd("build", "--project", str(self.unchanged)))
        if "ongewijzigd" not in r.stdout:
            raise RuntimeError("unchanged rebuild did not skip:\n" + r.stdout + r.stderr)
        self.table.add("unchanged", r.seconds)

    def batch_build(self) -> None:
        for jobs in ("1", "2"):
            r = run(briefing_cmd("build", "--project", str(self.batch), "--force", "--jobs", jobs))
            self.table.add(f"jobs{jobs}", r.seconds)
            if jobs == "2":
                self.table.add("per letter", r.seconds / BATCH)

    def peers(self) -> None:
        out = self.work / "peer-out"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        if self.soffice:
            self.table.add("lo", self.convert([str(self.peer_dir / "letter.docx")], out).seconds)
        if self.pandoc:
            md = str(self.peer_dir / "letter.md")
            env = {**ENV, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}
            self.table.add("pandoc docx", run([self.pandoc, md, "-o", str(out / "p.docx")], env=env).seconds)
            r = run([self.pandoc, md, "-o", str(out / "p.pdf"), "--pdf-engine=weasyprint",
                     "--metadata", "title=Brief", "--metadata", "lang=nl-NL"], env=env)
            self.table.add("pandoc pdf", r.seconds)
        if self.docxtpl and self.soffice:
            one = out / "one"
            one.mkdir()
            _, r1 = probe("docxtpl", str(self.template), str(one), "1")
            r2 = self.convert([str(one / "brief-01.docx")], one)
            self.table.add("docxtpl", r1.seconds + r2.seconds)
            many = out / "many"
            many.mkdir()
            _, r1 = probe("docxtpl", str(self.template), str(many), str(BATCH))
            r2 = self.convert(sorted(str(p) for p in many.glob("*.docx")), many)
            self.table.add("docxtpl batch", (r1.seconds + r2.seconds) / BATCH)

    def floor(self) -> None:
        data, r = probe("floor", str(self.peer_dir))
        self.table.add("floor", r.seconds)
        self.table.add("floor import", data["import"])
        self.table.add("floor pdf", data["PDF"])
        self.table.add("floor docx", data["DOCX"])
        self.table.add("floor warm", data["PDF again"])

    def memory(self) -> None:
        r = run(briefing_cmd("build", LETTER, "--project", str(self.example), "--force"), sample_memory=True)
        self.table.add("mem example", r.peak_pss_mb)
        self.table.add("mem example rss", r.max_rss_mb)
        for pages, project in self.long.items():
            r = run(briefing_cmd("build", "lang", "--project", str(project), "--force", "--jobs", "1"))
            self.table.add(f"mem {pages}", r.max_rss_mb)
            self.table.add(f"time {pages}", r.seconds)

    # ----------------------------------------------------------------- verdicts

    def conclude(self) -> None:
        t = self.table
        m = t.median
        if m("cold") is not None:
            lo = m("lo")
            row = t.rows["cold"]
            row.verdict = verdict(None if lo is None else m("cold") <= lo)
            total = sum(m(k) or 0 for k in t.rows if k.startswith("stage "))
            for k in t.rows:
                if k.startswith("stage ") and total:
                    t.rows[k].note = f"{100 * m(k) / total:.0f}%"
        if m("watch cli") is not None:
            t.rows["watch cli"].verdict = verdict(m("watch cli") <= 0.5)
        if m("unchanged") is not None:
            t.rows["unchanged"].verdict = verdict(m("unchanged") < 0.5)
        if m("jobs1") is not None:
            ratios = [b / a for a, b in zip(t.rows["jobs1"].samples, t.rows["jobs2"].samples, strict=True)]
            t.rows["jobs ratio"].samples = ratios
            t.rows["jobs ratio"].verdict = verdict(m("jobs ratio") <= 0.65 if self.free_core else None)
            if not self.free_core:
                t.rows["jobs ratio"].note = "no free second core: not a fair test"
            tpl = m("docxtpl batch")
            t.rows["per letter"].verdict = verdict(None if tpl is None else m("per letter") <= tpl / 2)
            if tpl is not None:
                t.rows["per letter"].note = f"docxtpl batch: {tpl:.3f} s per letter; ½ = {tpl / 2:.3f} s"
        if m("floor") is not None and m("cold") is not None:
            cold, floor = t.rows["cold"].samples, t.rows["floor"].samples
            t.rows["overhead"].samples = [c / f for c, f in zip(cold, floor, strict=False)]
            t.rows["overhead"].verdict = verdict(m("overhead") <= 1.10)
        if m("absorb ratio") is not None:
            t.rows["absorb ratio"].verdict = verdict(m("absorb ratio") <= 2)
        if m("mem example") is not None:
            t.rows["mem example"].verdict = verdict(m("mem example") <= 300)
        if m("mem 10") is not None:
            slope = (m("mem 100") - m("mem 10")) / 90
            base = m("mem 10") - 10 * slope
            row = t.rows["mem slope"]
            row.samples = [slope]
            row.note = (f"linear fit: {base:.0f} MB + {slope:.2f} MB/page; "
                        f"time {(m('time 100') - m('time 10')) / 90:.3f} s/page")
            for pages in (10, 100):
                got = pdf_pages(self.long[pages] / "output" / "lang.pdf")
                t.rows[f"mem {pages}"].note = f"{got} pages"

    # ----------------------------------------------------------------- driver

    def go(self) -> None:
        started = time.perf_counter()
        self.machine()
        self.setup()
        self.plan()
        for i in range(self.runs):
            for name, task in self.tasks:
                self.log(f"round {i + 1}/{self.runs}: {name}")
                task()
        free_before = self.free_core
        self.machine_again()
        self.conclude()
        print(self.table.render())
        print(f"\n{self.runs} runs per row, interleaved; {time.perf_counter() - started:.0f} s in all. "
              f"Second core free: {'yes' if free_before else 'no'} before, "
              f"{'yes' if self.free_core else 'no'} after the rows.")

    def machine_again(self) -> None:
        """Check the second core again at the end: the machine is shared."""
        before = self.free_core
        ratio = spin_ratio()
        self.table.rows["spin"].samples.append(ratio)
        self.free_core = bool(before) and self.cores >= 2 and ratio < 1.3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 runs per row (smoke test)")
    parser.add_argument("--runs", type=int, help="runs per row (default 5, or 3 with --quick)")
    parser.add_argument("--only", metavar="GROUPS",
                        help="comma-separated: build,watch,unchanged,batch,peers,floor,absorb,memory")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 5)
    only = set(args.only.split(",")) if args.only else None
    if only and "build" not in only and ("floor" in only):
        only.add("build")  # the floor is compared with the cold build
    work = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    try:
        Bench(runs, work, only).go()
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
