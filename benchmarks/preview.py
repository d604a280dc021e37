"""``briefing preview``: from a save to the new page in the browser, and the server's memory.

    .venv/bin/python benchmarks/preview.py                   # 10 saves
    .venv/bin/python benchmarks/preview.py --saves 5 --screenshot docs/preview.png

A copy of the example is previewed with ``briefing preview --no-open``; headless Chromium
(Debian's ``chromium`` + ``chromium-driver``, driven by Selenium) shows the letter. Each
save changes one figure in the facts file; the time runs from just before the file is
written to the moment the page has the new page images decoded and on screen (the
page's own clock, ``Date.now()``, read back from ``window.briefingPreview.updates``).
Memory: the server process's resident set (VmRSS, and its peak VmHWM) and the PSS of
the whole process tree (with the warm PDF worker it keeps for fast rebuilds).

Where the time goes: the server notes the moments of each round (``/api/moments``, see
:mod:`briefing.timing`) and the page notes when the event came, when the letter's data was
fetched and when the images were on screen; one clock (``time.time()``, ``Date.now()``)
for all. Each phase's median over the saves is printed; the phases before "on screen" add
up to the save → page time, those after it (DOCX, redline, files written) run while the
page already shows the new pages. A preview without ``/api/moments`` (an older one) gets
the totals only.

Prints Markdown tables.
"""

from __future__ import annotations

import argparse
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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LETTER = "armenie-azerbeidzjan"


def _status(pid: int, key: str) -> float:
    """A ``/proc/PID/status`` field in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def _tree(pid: int) -> list[int]:
    out = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for child in children:
        out += _tree(int(child))
    return out


def _pss(pid: int) -> float:
    total = 0
    for p in _tree(pid):
        try:
            text = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            continue
        total += int(re.search(r"^Pss:\s+(\d+)", text, re.M).group(1))
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--gap", type=float, default=None,
                        help="seconds from a page update to the next save (default: the round is over, "
                             "then 0.3 s); a short gap saves while the round still writes files and builds "
                             "other letters (no phase table then)")
    parser.add_argument("--screenshot", type=Path, help="save a screenshot of the page after the last save")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="the screen's device pixel ratio (2: a high-DPI screen, pages drawn at 2×)")
    args = parser.parse_args()

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    work = Path(tempfile.mkdtemp(prefix="briefing-preview-"))
    for folder in ("facts", "templates"):
        shutil.copytree(ROOT / folder, work / folder)
    facts = work / "facts" / "_armenie.yaml"  # the letter's figures (shared with the answers)
    server = subprocess.Popen(
        [sys.executable, "-m", "briefing.cli", "preview", LETTER, "--no-open", "--port", "0",
         "--project", str(work)],
        stdout=subprocess.PIPE, text=True, start_new_session=True,
    )
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--hide-scrollbars",
                     f"--force-device-scale-factor={args.scale}"):
        options.add_argument(argument)
    browser = None
    try:
        assert server.stdout is not None
        url = None
        for line in server.stdout:
            url = url or (re.search(r"http://127\.0\.0\.1:\d+/\S*", line) or [None])[0]
            if "wacht op wijzigingen" in line:
                break
        builds: list[float] = []  # the server's own "herbouwd in X s" of each save

        def read() -> None:
            for line in server.stdout:
                found = re.search(rf"^{LETTER}: .* herbouwd in ([0-9.]+) s", line)
                if found:
                    builds.append(float(found.group(1)))

        threading.Thread(target=read, daemon=True).start()
        browser = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
        browser.get(url)
        _wait(browser, "return document.body.dataset.version")
        rss_start = _status(server.pid, "VmRSS")
        times = []
        phases: dict[str, list[float]] = {}
        for n in range(args.saves):
            rounds_before = _json(url, "/api/state")["rounds"]
            seen = browser.execute_script("return window.briefingPreview.updates.length")
            first = browser.execute_script(
                "return document.querySelector('#paginas img.blad').getAttribute('src')")
            text = facts.read_text(encoding="utf-8")
            old = re.search(r"armeense_soldaten: (\d+)", text).group(1)
            new = str(int(old) + 1)
            start = time.time() * 1000
            facts.write_text(text.replace(f"armeense_soldaten: {old}", f"armeense_soldaten: {new}"), "utf-8")
            update = _wait(browser, f"""const u = window.briefingPreview.updates.slice({seen})
                .find(u => u.first && !'{first}'.startsWith(u.first)); return u""")
            # When the last image the update fetched had arrived (the browser's resource timing).
            update["loaded"] = browser.execute_script(f"""
                const since = {update.get('fetched') or update['at'] - 1000} - performance.timeOrigin;
                const ends = performance.getEntriesByType('resource').filter(e => e.name.includes('/pagina/')
                    && e.startTime >= since).map(e => e.responseEnd);
                return ends.length ? performance.timeOrigin + Math.max(...ends) : null""")
            times.append((update["at"] - start) / 1000)
            print(f"save {n + 1}: {times[-1]:.2f} s", file=sys.stderr)
            if args.gap is not None:
                time.sleep(args.gap)
                continue
            for name, seconds in _phases(url, rounds_before, start / 1000, update).items():
                phases.setdefault(name, []).append(seconds)
            time.sleep(0.3)
        if args.screenshot:
            browser.execute_script(  # the highlighted change in view
                "const m = document.querySelector('.markering'); if (m) m.scrollIntoView({block: 'center'})")
            time.sleep(0.5)
            browser.save_screenshot(str(args.screenshot))
        rss, hwm, pss = _status(server.pid, "VmRSS"), _status(server.pid, "VmHWM"), _pss(server.pid)
        median = statistics.median(times)
        print("| measure | value |")
        print("|---|---|")
        gap = "" if args.gap is None else f", {args.gap:g} s after the last update"
        print(f"| save → page updated in the browser (device pixel ratio {args.scale:g}{gap}), median of "
              f"{len(times)} | {median:.2f} s "
              f"(range {min(times):.2f}–{max(times):.2f} s; target < 1 s: {'yes' if median < 1 else 'NO'}) |")
        if builds:
            print(f"| of which the build (as printed), median | {statistics.median(builds):.2f} s |")
        load = Path("/proc/loadavg").read_text().split()[0]
        print(f"| machine load (1 min) at the end | {load} on {os.cpu_count()} cores |")
        print(f"| server process memory (RSS), after the first build | {rss_start:.0f} MB |")
        print(f"| server process memory (RSS / peak), after {len(times)} saves "
              f"| {rss:.0f} MB / {hwm:.0f} MB |")
        print(f"| whole process tree incl. the warm PDF worker (PSS) | {pss:.0f} MB |")
        if phases:
            print()
            print(f"| phase (letter on screen), median of {len(times)} | seconds | range |")
            print("|---|---|---|")
            for name, _, _ in PHASES:
                if name in phases:
                    values = phases[name]
                    print(f"| {name} | {statistics.median(values):.3f} | "
                          f"{min(values):.3f}–{max(values):.3f} |")
    finally:
        if browser is not None:
            browser.quit()
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)


# (phase, from moment, to moment): server moments by name, the page's as "page:heard" etc.
# Before "page:at" the page waits for them; after it, the round goes on behind the new pages.
PHASES = (
    ("detect the save (polling, settling, dependencies)", "save", "round"),
    ("round start → letter (digests, lock)", "round", "begin"),
    ("load facts", "begin", "facts-loaded"),
    ("render template (forked, limited)", "facts-loaded", "template-rendered"),
    ("model (parse, number, placeholders)", "template-rendered", "prepared"),
    ("PDF layout (warm worker)", "prepared", "pdf-layout"),
    ("PDF write", "pdf-layout", "pdf-write"),
    ("PDF tag repair", "pdf-write", "pdf-tags"),
    ("PDF back, pages described", "pdf-tags", "pages-described"),
    ("diff report + marks", "pages-described", "diff"),
    ("changed pages drawn (PNG)", "diff", "pages-drawn"),
    ("event to the page", "pages-drawn", "page:heard"),
    ("letter's data fetched", "page:heard", "page:fetched"),
    ("changed pages' images fetched", "page:fetched", "page:loaded"),
    ("images decoded, on screen", "page:loaded", "page:at"),
    ("= save → on screen", "save", "page:at"),
    ("after: waiting for the page to fetch its images", "pages-drawn", "pages-served"),
    ("after: DOCX", "pages-served", "docx"),
    ("after: redline", "docx", "redline"),
    ("after: page count, files written (transaction)", "redline", "written"),
    ("= save → letter's files written", "save", "written"),
    ("= save → round over (other letters too)", "save", "end"),
)


def _json(url: str, path: str):
    import json

    base = re.match(r"http://[^/]+", url).group(0)
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return json.loads(response.read())


def _phases(url: str, rounds_before: int, saved: float, update: dict) -> dict[str, float]:
    """Seconds of each phase of one save's round, for the letter on screen (first built)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            data = _json(url, "/api/moments")
        except OSError:  # an older preview: no moments
            return {}
        if data["rounds"] > rounds_before:
            break
        if time.monotonic() > deadline:
            return {}
        time.sleep(0.02)
    at: dict[str, float] = {"save": saved}
    for what, when in data["moments"]:
        key = "begin" if what.startswith("begin ") else what
        at.setdefault(key, when)  # the first of each: the letter on screen is built first
        at["end"] = when
    for key in ("heard", "fetched", "loaded", "at"):
        if update.get(key):
            at[f"page:{key}"] = update[key] / 1000
    return {name: at[b] - at[a] for name, a, b in PHASES if a in at and b in at}


def _wait(browser, script: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while True:
        value = browser.execute_script(script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(script)
        time.sleep(0.01)


if __name__ == "__main__":
    main()
