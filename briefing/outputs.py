"""Writing outputs without ever losing a user's work.

Files are written atomically (a temporary file in the same folder, then a rename),
so a failed build leaves earlier outputs byte for byte as they were. A manifest per
letter (``output/.briefing/<letter>.json``) records what briefing last wrote, so a
DOCX edited afterwards (in Word) is recognised and never silently overwritten. A
lock file keeps two builds of one project from writing at the same time.

A letter's outputs (DOCX, PDF, redline, snapshot, manifest, a kept edited copy) change
together, all or nothing: a :class:`Transaction` writes every new file beside its
target first; only when all are on disk does it write a journal
(``output/.briefing/<letter>.journal.json``) naming them, then renames them into place
and removes the journal. A full disk or any other failure before the journal leaves
every earlier file as it was; a build killed after it is finished by the next build
(:func:`recover`), so a half-finished build is never taken for an edit in Word.
"""

from __future__ import annotations

import contextlib
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
LOCK_TIMEOUT = 300.0  # seconds a build waits for another build of the same project
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
        if hasattr(os, "fchmod"):  # not on Windows before Python 3.13, where mkstemp's file is not private
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


def damaged(path: Path, what: str) -> OutputError:
    """The error for briefing's own bookkeeping file ``path`` that is not what it should be."""
    return OutputError(
        f"{path}: de administratie van briefing is beschadigd ({what}); verwijder dit bestand "
        "en bouw de brief opnieuw met --force (een bewerkte DOCX wordt dan eerst bewaard)"
    )


class Manifest:
    """What briefing last wrote for one letter: output digests and the inputs' digest.

    A manifest that is not what briefing writes (not JSON, or not of its shape) raises
    :class:`OutputError` naming it and how to recover, rather than make every output look
    edited; with ``ignore_damage`` (``--force``) it counts as no manifest.
    """

    def __init__(self, output: Path, name: str, ignore_damage: bool = False) -> None:
        self.path = output / STATE_DIR / f"{name}.json"
        self.data: dict = {}
        try:
            text = self.path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            if not ignore_damage:
                raise damaged(self.path, getattr(exc, "strerror", None) or "onleesbaar") from None
            return
        try:
            data = json.loads(text)
        except ValueError:
            data, problem = None, "geen geldige JSON"
        else:
            problem = _manifest_problem(data)
        if problem is not None:
            if not ignore_damage:
                raise damaged(self.path, problem)
            return
        self.data = data

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

    @property
    def pages(self) -> dict | None:
        """The page count of the letter's last PDF layout: ``{"for": digest, "count": n}``,
        ``for`` the digest of what that layout depended on (see :mod:`briefing.build`)."""
        return self.data.get("pages")

    def save(
        self, inputs: str, files: dict[str, str], said: dict[str, str] | None = None,
        transaction: Transaction | None = None, pages: dict | None = None,
    ) -> None:
        """Record a successful build (``said``: the signatures of the DOCX files written;
        ``pages``: see :attr:`pages`), as part of ``transaction`` if given."""
        self.data = {"inputs": inputs, "files": files}
        if said:
            self.data["said"] = said
        if pages:
            self.data["pages"] = pages
        blob = json.dumps(self.data, indent=1, sort_keys=True).encode()
        if transaction is not None:
            transaction.stage(self.path, blob)
        else:
            write_atomic(self.path, blob)


def _manifest_problem(data: object) -> str | None:
    """What is wrong with a manifest's JSON ``data``, or None."""
    if not isinstance(data, dict):
        return "geen object"
    if not isinstance(data.get("inputs"), str):
        return "'inputs' ontbreekt of is geen tekst"
    for key in ("files", "said"):
        entries = data.get(key, {} if key == "said" else None)
        if not isinstance(entries, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in entries.items()
        ):
            return f"'{key}' is geen lijst van bestanden met hun controlegetal"
    pages = data.get("pages", {"for": "", "count": 1})
    if not (isinstance(pages, dict) and isinstance(pages.get("for"), str)
            and type(pages.get("count")) is int and pages["count"] >= 1):
        return "'pages' is geen paginatelling"
    return None


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


def copy_name(path: Path, now: datetime | None = None) -> Path:
    """A free name for an edited output kept aside: ``<letter>.bewerkt-<timestamp><suffix>``."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    copy = path.with_name(f"{path.stem}.bewerkt-{stamp}{path.suffix}")
    n = 1
    while copy.exists():
        n += 1
        copy = path.with_name(f"{path.stem}.bewerkt-{stamp}-{n}{path.suffix}")
    return copy


def keep_copy(path: Path, now: datetime | None = None) -> Path:
    """Copy an edited output aside as ``<letter>.bewerkt-<timestamp><suffix>``."""
    copy = copy_name(path, now)
    shutil.copy2(path, copy)
    return copy


# --------------------------------------------------------------------------- all or nothing


def journal_path(output: Path, name: str) -> Path:
    """Where an unfinished commit of letter ``name``'s outputs is written down."""
    return output / STATE_DIR / f"{name}.journal.json"


def _stage_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new temporary file beside ``path`` (synced to disk); return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def _fsync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable (where the system allows opening a folder)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Transaction:
    """The outputs of one letter, written together: all of them or none.

    ``stage`` writes each new file beside its target; ``commit`` writes the journal (the
    moment the build counts as done), renames every file into place and removes the
    journal. Leaving the ``with`` block by an exception removes what was staged, so every
    earlier file stays as it was and nothing of this build is left behind.
    """

    def __init__(self, output: Path, name: str) -> None:
        self.output = output
        self.name = name
        self.staged: list[tuple[Path, Path]] = []  # (target, temporary file)
        self.committed = False

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if not self.committed:
            self.abort()

    def stage(self, path: Path, data: bytes) -> None:
        """Write ``data`` for ``path``, to be put in place by :meth:`commit`."""
        try:
            self.staged.append((path, _stage_file(path, data)))
        except OSError as exc:
            raise OutputError(f"{path}: kan niet schrijven ({exc.strerror or exc})") from None

    def stage_copy(self, path: Path) -> Path:
        """Keep the current ``path`` (an edited DOCX) as a ``bewerkt-`` copy on commit; its name."""
        copy = copy_name(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise OutputError(f"{path}: kan niet lezen ({exc.strerror or exc})") from None
        self.stage(copy, data)
        return copy

    def abort(self) -> None:
        """Remove every staged file; the targets are untouched."""
        for _, tmp in self.staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self.staged = []

    def commit(self) -> None:
        """Put every staged file in place, as one step as far as a later build can tell."""
        for target, _ in self.staged:  # a rename onto a folder would fail halfway through
            if target.exists() and not target.is_file():
                self.abort()
                _not_a_folder(target)
        journal = journal_path(self.output, self.name)
        entries = {_relative(target, self.output): _relative(tmp, self.output) for target, tmp in self.staged}
        write_atomic(journal, json.dumps({"files": entries}, indent=1, sort_keys=True).encode())
        self.committed = True  # from here on the build is done: a later build finishes it
        try:
            _finish(self.output, entries)
        except OSError as exc:
            raise OutputError(
                f"{self.output}: kan de nieuwe bestanden niet op hun plaats zetten ({exc.strerror or exc}); "
                "de volgende build maakt het af"
            ) from None
        with contextlib.suppress(OSError):
            os.unlink(journal)
        self.staged = []


def _relative(path: Path, output: Path) -> str:
    return path.relative_to(output).as_posix()


def _finish(output: Path, entries: dict[str, str]) -> None:
    """Rename the staged files of a journal into place (those not yet moved)."""
    folders = set()
    for target, tmp in entries.items():
        source = output / tmp
        if source.exists():
            os.replace(source, output / target)
            folders.add((output / target).parent)
    for folder in sorted(folders):
        _fsync_dir(folder)


def recover(output: Path, name: str) -> None:
    """Finish a commit of letter ``name`` that was cut short, and remove stale staged files.

    Called by a build (holding the project lock) before it looks at the letter's outputs:
    a build killed while renaming its files left a journal, and the rest of its new files
    are put in place now, so the outputs again belong to one build. Files staged by a
    build that never reached its journal are removed.
    """
    journal = journal_path(output, name)
    try:
        text = journal.read_bytes().decode("utf-8")
    except FileNotFoundError:
        text = None
    except (OSError, UnicodeDecodeError) as exc:
        raise damaged(journal, getattr(exc, "strerror", None) or "onleesbaar") from None
    if text is not None:
        try:
            entries = json.loads(text)["files"]
            if not isinstance(entries, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and ".." not in Path(k).parts + Path(v).parts
                for k, v in entries.items()
            ):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise damaged(journal, "geen geldig journaal") from None
        try:
            _finish(output, entries)
            journal.unlink()
        except OSError as exc:
            raise OutputError(
                f"{journal}: kan een onderbroken build niet afmaken ({exc.strerror or exc})"
            ) from None
    targets = [f"{name}.docx", f"{name}.pdf", f"{name}.wijzigingen.docx"]
    state = [f"{name}.json", f"{name}.snapshot.json", f"{name}.journal.json"]
    for folder, names in ((output, targets), (output / STATE_DIR, state)):
        for target in names:
            _not_a_folder(folder / target)
    for folder, names in ((output, targets), (output / STATE_DIR, state)):
        for target in names:
            for stale in folder.glob(f".{_glob_escape(target)}.*.tmp"):
                with contextlib.suppress(OSError):
                    stale.unlink()


def _not_a_folder(path: Path) -> None:
    """Raise :class:`OutputError` when a folder stands where briefing writes a file."""
    if path.exists() and not path.is_file():
        raise OutputError(
            f"{path}: is een map, maar briefing schrijft hier een bestand (verplaats of verwijder de map)"
        )


def _glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def check_state(output: Path) -> None:
    """Raise :class:`OutputError` (what is wrong, how to recover) when ``output/`` or its
    bookkeeping is not of a kind a build can use: a file where a folder belongs, a folder
    where the lock file belongs."""
    state = output / STATE_DIR
    lock = state / "lock"
    if output.exists() and not output.is_dir():
        raise OutputError(
            f"{output}: is een bestand, maar briefing schrijft de brieven in deze map "
            "(verplaats of verwijder het bestand)"
        )
    if state.exists() and not state.is_dir():
        raise OutputError(
            f"{state}: is een bestand, maar hoort de map met de administratie van briefing te zijn "
            "(verwijder het bestand en bouw opnieuw met --force)"
        )
    if lock.exists() and not lock.is_file():
        raise OutputError(
            f"{lock}: is een map, maar hoort het slotbestand van briefing te zijn (verwijder de map)"
        )


@contextlib.contextmanager
def project_lock(output: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the project's build lock; a second build waits for the first to finish.

    The lock is an operating-system lock on ``output/.briefing/lock`` (filelock: fcntl on
    Linux and macOS, msvcrt on Windows), released when the process ends, however it ends.
    A build that has waited ``timeout`` seconds stops with an :class:`OutputError`
    instead of waiting for ever. (The file is left in place: an unchanged build changes
    nothing under ``output/``.)
    """
    import filelock  # ≈ 0.04 s: only a build that writes pays it

    state = output / STATE_DIR
    state.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(state / "lock", timeout=timeout)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise OutputError(
            f"{output}: een andere build van dit project loopt nog (na {timeout:g} s wachten gestopt); "
            "probeer het opnieuw als die klaar is"
        ) from None
    try:
        yield
    finally:
        lock.release()
