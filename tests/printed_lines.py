"""The lines a long-running briefing command (``watch``, ``preview``) prints, read as they come."""

from __future__ import annotations

import subprocess
import threading
import time


class PrintedLines:
    """Reads ``process``'s standard output into ``lines`` on a thread; :meth:`wait_for` waits
    for a line. ``label`` names the command in a failure."""

    label = "the command"
    process: subprocess.Popen

    def _start_reading(self) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def wait_for(self, text: str, after: int = 0, timeout: float = 60) -> int:
        """Index of the first line from ``after`` on that contains ``text``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for i in range(after, len(self.lines)):
                    if text in self.lines[i]:
                        return i
                left = deadline - time.monotonic()
                assert left > 0 and self.process.poll() is None, (
                    f"{text!r} did not appear; {self.label} printed:\n" + "\n".join(self.lines)
                )
                self._changed.wait(min(left, 0.2))
