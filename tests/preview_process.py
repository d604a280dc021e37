"""A running ``briefing preview --no-open`` for the preview's tests, and plain HTTP to it."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from printed_lines import PrintedLines

LETTER = "armenie-azerbeidzjan"
OTHER = "geannoteerde-agenda-rbz"


class Running(PrintedLines):
    """``briefing preview --no-open --port 0`` in a project, and the lines it printed so far."""

    label = "preview"

    def __init__(self, project: Path, *args: str, browser: str | None = None) -> None:
        """``browser``: a command that the preview opens the page with (``$BROWSER``);
        none: ``--no-open``."""
        self.project = project
        env = {**os.environ, "BROWSER": browser} if browser else None
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefing.cli", "preview", *([] if browser else ["--no-open"]),
             "--port", "0", "--project", str(project), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
        )
        self._start_reading()
        line = self.lines[self.wait_for("briefing preview: http://")]
        self.url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))
        self.wait_for("wacht op wijzigingen", timeout=180)
        deadline = time.monotonic() + 60
        while self.json("/api/state")["rounds"] < 1:  # the first round's pages are in
            assert time.monotonic() < deadline, "the first round did not end"
            time.sleep(0.05)

    def get(
        self, path: str, host: str | None = None, method: str = "GET"
    ) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body of ``path``, sent exactly as written (no URL clean-up)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", host or f"127.0.0.1:{self.port}")
            connection.endheaders()
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def json(self, path: str) -> Any:
        """The JSON answer to ``path``."""
        status, _, body = self.get(path)
        assert status == 200, (path, status, body)
        return json.loads(body)

    def letter(self, name: str = LETTER) -> dict[str, Any]:
        """What the page gets for a letter."""
        return self.json(f"/api/brief/{name}")

    def wait_letter(self, condition, name: str = LETTER, timeout: float = 60) -> dict[str, Any]:
        """The letter's data once ``condition(data)`` holds."""
        deadline = time.monotonic() + timeout
        while True:
            data = self.letter(name)
            if condition(data):
                return data
            assert time.monotonic() < deadline, f"timed out; last: {data}\n" + "\n".join(self.lines)
            time.sleep(0.05)

    def interrupt(self) -> tuple[int, str]:
        """Ctrl-C (to the process group, as a terminal sends it); exit status and stderr."""
        os.killpg(self.process.pid, signal.SIGINT)
        status = self.process.wait(timeout=30)
        assert self.process.stderr is not None
        return status, self.process.stderr.read()

    def kill(self) -> None:
        """End it for good (a test's clean-up)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def replace(path: Path, old: str, new: str) -> None:
    """Save ``path`` with the first ``old`` replaced by ``new`` (``old`` must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture drift: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
