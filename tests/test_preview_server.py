"""``briefing preview``'s server over plain HTTP: pages, downloads, events, problems and safety."""

from __future__ import annotations

import http.client
import io
import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_example
from PIL import Image
from preview_process import LETTER, OTHER, Running, replace
from pypdf import PdfReader


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("preview"))


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[Running]:
    running = Running(project)
    yield running
    running.kill()


def test_the_page_lists_the_letters_and_their_pages(server: Running, project: Path) -> None:
    state = server.json("/api/state")
    assert state["letters"] == sorted(p.stem for p in (project / "facts").glob("[!_]*.yaml"))
    assert LETTER in state["letters"] and OTHER in state["letters"]
    assert state["first"] == LETTER
    status, headers, _ = server.get("/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    for name in (LETTER, OTHER):
        data = server.letter(name)
        pdf = project / "output" / f"{name}.pdf"
        assert len(data["pages"]) == len(PdfReader(pdf).pages) >= 2
        assert data["problems"] == []
        assert data["downloads"] == {"pdf": f"/download/{name}.pdf", "docx": f"/download/{name}.docx"}


def test_pages_are_images_of_the_pdf_at_screen_resolution(server: Running) -> None:
    data = server.letter()
    first = data["pages"][0]
    assert (first["width"], first["height"]) == (794, 1123)  # A4 in CSS pixels (96 per inch)
    status, headers, body = server.get(first["url"] + "&r=1")
    assert status == 200 and headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(body)).size == (794, 1123)
    status, _, body = server.get(first["url"] + "&r=2")  # a high-DPI screen gets twice the pixels
    assert Image.open(io.BytesIO(body)).size == (1588, 2246)
    # Pages are drawn in grey (smaller, faster); the part of page 1 with colour, the emblem at the
    # top in the middle, comes as a second image to lay over it. The text pages have no colour.
    grey = Image.open(io.BytesIO(body))
    assert grey.mode == "L"
    assert grey.getextrema()[0] < 60 and grey.getextrema()[1] == 255  # dark text on white
    left, top, width, height = first["colour"]["box"]
    assert top == 0 and 300 < left < left + width < 500 and 40 < width < 120 and 60 < height < 160
    status, headers, body = server.get(first["colour"]["url"] + "&r=2")
    assert status == 200 and headers["content-type"] == "image/png"
    colour = Image.open(io.BytesIO(body))
    assert colour.mode == "RGB" and colour.size == (2 * width, 2 * height)
    red, _, blue = colour.getpixel((width, height // 2))  # the emblem's blue
    assert blue > red + 40
    assert [page["colour"] for page in data["pages"][1:]] == [None, None]
    assert server.get(f"/brief/{LETTER}/pagina/2-kleur.png")[0] == 404
    missing = len(data["pages"]) + 1
    assert server.get(f"/brief/{LETTER}/pagina/{missing}.png")[0] == 404


def test_downloads_are_the_built_files(server: Running, project: Path) -> None:
    for fmt, kind in (("pdf", "application/pdf"), ("docx", "wordprocessingml")):
        status, headers, body = server.get(f"/download/{LETTER}.{fmt}")
        assert status == 200 and kind in headers["content-type"]
        assert body == (project / "output" / f"{LETTER}.{fmt}").read_bytes()
        assert headers["content-disposition"] == f'attachment; filename="{LETTER}.{fmt}"'


@pytest.mark.parametrize("path", [
    "/../../etc/passwd",
    "/static/../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/download/..%2f..%2f..%2fetc%2fpasswd.pdf",
    f"/download/..%2ffacts%2f{LETTER}.yaml",
    "/download/..%2foutput%2f" + LETTER + ".pdf",
    "/brief/..%2f..%2fetc/pagina/1.png",
    f"/brief/{LETTER}/pagina/0.png",
    "/static/__init__.py",
    "/api/brief/onbekend",
    "/facts/" + LETTER + ".yaml",
    "/output/" + LETTER + ".pdf",
])
def test_no_path_reaches_the_file_system(server: Running, path: str) -> None:
    status, _, body = server.get(path)
    assert status == 404, (path, body[:200])
    assert b"root:" not in body


def test_loopback_only_and_nothing_from_elsewhere(server: Running) -> None:
    # Bound to 127.0.0.1 only.
    assert _listening_addresses(server.port) == {"127.0.0.1"}
    # A request that names another host (a web site that points its own name at 127.0.0.1).
    assert server.get("/api/state", host=f"evil.example:{server.port}")[0] == 403
    assert server.get("/api/state", host=f"localhost:{server.port}")[0] == 200
    # Only reading.
    assert server.get("/api/state", method="POST")[0] == 501
    # The page loads nothing from the internet and runs no script written into the page.
    _, headers, _ = server.get("/")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    for asset in ("/", "/static/preview.js", "/static/preview.css"):
        status, _, body = server.get(asset)
        assert status == 200
        assert b"http://" not in body and b"https://" not in body and b"//cdn" not in body
    assert b"innerHTML" not in server.get("/static/preview.js")[2]


def _listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP socket listens on at ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table, size in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                if size == 8:
                    found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
                else:
                    found.add(address)
    return found


def test_a_save_updates_the_page_with_what_changed(server: Running, project: Path) -> None:
    events = _Events(server.port)
    first = events.next(lambda state: True)  # a stream starts with the state as it is
    before = server.letter()
    replace(project / "facts" / "_armenie.yaml", "armeense_soldaten: 207", "armeense_soldaten: 210")
    # The server tells the page (an event), and then has new pages and the change report.
    events.next(lambda state: state["event"] > first["event"])
    after = server.wait_letter(lambda d: d["version"] > before["version"] and d["changes"])
    # A new image of the page that changed; the others keep theirs (the browser fetches nothing).
    assert after["pages"][0]["url"] != before["pages"][0]["url"]
    assert [p["url"] for p in after["pages"][1:]] == [p["url"] for p in before["pages"][1:]]
    facts = after["changes"]["facts"]
    assert {"path": "armenie.slachtoffers.armeense_soldaten", "old": "207", "new": "210"} in facts
    sentences = [s for section in after["changes"]["sections"] for s in section["sentences"]]
    (changed,) = [s for s in sentences if ["-", "207"] in s["pieces"] and ["+", "210"] in s["pieces"]]
    # The new figure is highlighted where it is on the page: one mark, the width of "210",
    # on the line of page 1 that holds it (below the letter's opening, above the page's end).
    marks = [(i, m) for i, page in enumerate(after["pages"]) for m in page["marks"]]
    assert len(marks) == 1
    page, (left, top, width, height) = marks[0]
    assert page == 0 and 15 < width < 40 and 10 < height < 25 and 500 < top < 1000 and left < 400
    assert changed["place"] == [0, top]  # the panel's sentence knows where its mark is
    # Another letter's page did not change.
    assert server.letter(OTHER)["changes"] is None
    events.close()


def test_problems_are_shown_above_the_last_good_pages(server: Running, project: Path) -> None:
    template = project / "templates" / f"{LETTER}.md.j2"
    good = server.letter()
    replace(template, "{{ verzoek.door }}", "{{ verzoek.doorr }}")
    broken = server.wait_letter(lambda d: d["problems"])
    (problem,) = broken["problems"]
    assert problem["location"] == f"templates/{LETTER}.md.j2:3"
    assert problem["message"] == "onbekend feit 'verzoek.doorr'"
    assert problem["link"] == f"vscode://file{template.as_posix()}:3"
    assert broken["pages"] == good["pages"]  # the last good pages stay
    replace(template, "{{ verzoek.doorr }}", "{{ verzoek.door }}")
    fixed = server.wait_letter(lambda d: not d["problems"])
    assert len(fixed["pages"]) == len(good["pages"])


def test_a_new_letter_joins_the_list_and_a_removed_one_leaves_it(server: Running, project: Path) -> None:
    copy = project / "facts" / "kopie.yaml"
    shutil.copy(project / "facts" / f"{LETTER}.yaml", copy)
    _until(lambda: "kopie" in server.json("/api/state")["letters"])
    kopie = server.wait_letter(lambda d: d["pages"], name="kopie")
    assert len(kopie["pages"]) == len(server.letter()["pages"])
    letters = sorted(p.stem for p in (project / "facts").glob("[!_]*.yaml"))
    assert server.json("/api/state")["letters"] == letters and "kopie" in letters
    copy.unlink()
    _until(lambda: "kopie" not in server.json("/api/state")["letters"])
    assert server.get("/api/brief/kopie")[0] == 404
    assert server.get("/download/kopie.pdf")[0] == 404


def test_ctrl_c_stops_cleanly_and_a_taken_port_or_unknown_letter_is_a_usage_error(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run(
            [sys.executable, "-m", "briefing.cli", "preview", "--no-open", "--port", str(port),
             "--project", str(project)], capture_output=True, text=True, timeout=60,
        )
    assert run.returncode == 2 and f"poort {port} is niet vrij" in run.stderr
    run = subprocess.run(
        [sys.executable, "-m", "briefing.cli", "preview", "onbekend", "--no-open", "--project", str(project)],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 2 and "onbekende brief 'onbekend'" in run.stderr

    # Without --no-open the page is opened in the default browser ($BROWSER here), at this letter.
    opened = project.parent / "geopend.txt"
    browser = project.parent / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)
    running = Running(project, OTHER, browser=f"{browser} %s")
    try:
        assert running.json("/api/state")["first"] == OTHER
        _until(lambda: opened.exists() and opened.read_text().strip())
        assert opened.read_text().strip() == f"{running.url}?brief={OTHER}"
        status, stderr = running.interrupt()
    finally:
        running.kill()
    assert status == 0
    assert "Traceback" not in stderr, stderr
    assert running.lines[-1] == "gestopt"
    with pytest.raises(OSError):  # the port is free again: nothing listens
        socket.create_connection(("127.0.0.1", running.port), timeout=2).close()


def _until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


class _Events:
    """A reader of the server's event stream."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.connection.request("GET", "/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type").startswith("text/event-stream")

    def next(self, condition, timeout: float = 60) -> dict:
        """The first event whose state meets ``condition``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.response.fp.readline().decode()
            if line.startswith("data: "):
                state = json.loads(line[6:])
                if condition(state):
                    return state
        raise AssertionError("no such event")

    def close(self) -> None:
        self.connection.close()
