"""Writing outputs without ever losing a user's work.

Files are written atomically (a temporary file in the same folder, then a rename),
so a failed build leaves earlier outputs byte for byte as they were. A manifest per
letter (``output/.briefing/<letter>.json``) records what briefing last wrote, so a
DOCX edited afterwards (in Word) is recognised and never silently overwritten. A
lock file keeps two builds of one project from writing at the same time.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from briefing.errors import OutputError

STATE_DIR = ".briefing"
_UMASK = os.umask(0o022)  # read the process's umask (setting it is the only way) …
os.umask(_UMASK)  # … and put it back


def sha256(data: bytes) -> str:
    """Hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); an output is as readable as any new file.
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{path}: kan niet schrijven ({exc.strerror or exc})") from None


class Manifest:
    """What briefing last wrote for one letter: output digests and the inputs' digest."""

    def __init__(self, output: Path, name: str) -> None:
        self.path = output / STATE_DIR / f"{name}.json"
        try:
            self.data: dict = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}

    def written(self, filename: str) -> str | None:
        """Digest of ``filename`` as briefing last wrote it, if it did."""
        return self.data.get("files", {}).get(filename)

    def said(self, filename: str) -> str | None:
        """The signature of what ``filename`` said as briefing last wrote it (a DOCX), if known."""
        return self.data.get("said", {}).get(filename)

    @property
    def inputs(self) -> str | None:
        """Digest of the inputs of the last successful build."""
        return self.data.get("inputs")

    def save(self, inputs: str, files: dict[str, str], said: dict[str, str] | None = None) -> None:
        """Record a successful build (``said``: the signatures of the DOCX files written)."""
        self.data = {"inputs": inputs, "files": files}
        if said:
            self.data["said"] = said
        write_atomic(self.path, json.dumps(self.data, indent=1, sort_keys=True).encode())


def edited_since_build(path: Path, manifest: Manifest) -> bool:
    """Whether ``path`` exists and says something else than what briefing last wrote there.

    A DOCX is judged by what it says (:func:`briefing.docx_read.signature`: the accepted
    text, the structure, bold and italic), not by its bytes: opening and saving it in Word
    or LibreOffice without a change is not an edit. Other files by their bytes."""
    if not path.exists():
        return False
    known = manifest.written(path.name)
    if known is None:
        return True
    data = path.read_bytes()
    if sha256(data) == known:
        return False
    said = manifest.said(path.name)
    if said is None or path.suffix != ".docx":
        return True
    from briefing.docx_read import DocxReadError, read_docx, signature

    try:
        return signature(read_docx(data)) != said
    except DocxReadError:
        return True


def keep_copy(path: Path, now: datetime | None = None) -> Path:
    """Copy an edited output aside as ``<letter>.bewerkt-<timestamp><suffix>``."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    copy = path.with_name(f"{path.stem}.bewerkt-{stamp}{path.suffix}")
    n = 1
    while copy.exists():
        n += 1
        copy = path.with_name(f"{path.stem}.bewerkt-{stamp}-{n}{path.suffix}")
    shutil.copy2(path, copy)
    return copy


@contextlib.contextmanager
def project_lock(output: Path) -> Iterator[None]:
    """Hold the project's build lock; a second build waits for the first to finish."""
    state = output / STATE_DIR
    state.mkdir(parents=True, exist_ok=True)
    with open(state / "lock", "a") as fh:  # "a": an unchanged build leaves even this file as it was
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
