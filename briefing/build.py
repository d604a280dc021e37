"""Build letters: facts → template → Markdown → model → numbering → writers → files.

The one place that runs the pipeline. ``prepare`` takes a letter as far as the
numbered model (all that ``check`` needs); ``build`` also runs the writers and
writes the outputs atomically, skipping letters whose inputs did not change and
never overwriting a DOCX that was edited after briefing wrote it.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import yaml

from briefing import huisstijl, limits, outputs, parallel, placeholders, snapshot, timing
from briefing.errors import (
    BriefingError,
    InputError,
    OutputError,
    PlaceholderError,
    Problems,
    TemplateError,
    UsageError,
)
from briefing.facts import LetterFacts, letter_files, load_letter, shared_files
from briefing.model import Letter
from briefing.render import render_letter, template_dependencies

FORMATS = ("docx", "pdf")
DEFAULT_PDF_VARIANT = "pdf/ua-1"
VERSION = "0.1.0"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # only to find a letter's sjabloon


@dataclass(frozen=True, slots=True)
class Prepared:
    """A letter taken as far as the numbered model."""

    facts: LetterFacts
    markdown: str
    letter: Letter


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What building one letter did."""

    name: str
    written: tuple[Path, ...] = ()
    unchanged: bool = False
    kept: tuple[Path, ...] = ()  # edited outputs copied aside before overwriting
    seconds: float = 0.0


PdfReady = Callable[[str, bytes, Prepared], None]  # (letter's name, its PDF, what it was made from)


class BuildProblems(Problems):
    """Input problems of some letters; ``results`` holds the letters that did build."""

    def __init__(self, problems: Iterable[InputError], results: list[BuildResult]) -> None:
        super().__init__(problems)
        self.results = results


# --------------------------------------------------------------------------- selection


def resolve_letters(project: Path, letters: Sequence[str | Path] | None) -> list[Path]:
    """Letter files for names (``armenie-azerbeidzjan``) or paths; none means all."""
    if not letters:
        found = letter_files(project)
        if not found:
            raise UsageError(f"geen brieven gevonden in {project / 'facts'}")
        return found
    out = []
    for item in letters:
        text = str(item)
        path = Path(text)
        try:
            if path.suffix in (".yaml", ".yml") or path.exists():
                candidate = path if path.is_absolute() or path.exists() else project / path
            else:
                candidate = project / "facts" / f"{text}.yaml"
            found = candidate.is_file()
        except OSError:  # a name the system cannot even look up (too long)
            found = False
        if not found:
            text = text if len(text) <= 80 else text[:77] + "…"
            known = ", ".join(p.stem for p in letter_files(project)) or "geen"
            raise UsageError(f"onbekende brief '{text}' (bekende brieven: {known})")
        out.append(candidate.resolve())
    return out


# --------------------------------------------------------------------------- pipeline


def prepare(project: Path, path: Path, draft: bool = False) -> Prepared:
    """Load, render, parse and number one letter; raise its input problems."""
    # Imported here, not above: an unchanged build needs neither (markdown-it ≈ 0.05 s),
    # and a build starts its PDF worker before it gets here.
    from briefing.numbering import number
    from briefing.parse import parse
    from briefing.parts import assemble, split

    facts = load_letter(project, path)
    timing.mark("facts-loaded")
    # In a process of its own, bounded in time and memory: a template is code the user wrote.
    rendered = limits.run_limited(render_letter, facts, project, file=_rel(facts.template, project))
    timing.mark("template-rendered")
    markdown = assemble(rendered, facts, project)
    try:
        letter = number(split(parse(markdown, replace(facts.meta, concept=draft))))
    except TemplateError as exc:
        raise _locate(exc, facts, project, markdown) from None
    if not draft:
        found = placeholders.find(letter)
        if found:
            raise Problems([_placeholder_error(text, facts, project) for text in found])
    return Prepared(facts, markdown, letter)


def check(letters: Sequence[str | Path] | None = None, project: str | Path = ".") -> list[InputError]:
    """Validate letters without writing anything; return every problem found."""
    root = Path(project).resolve()
    problems: list[InputError] = []
    try:
        huisstijl.load(root)
    except InputError as exc:
        problems.append(exc)
    for path in resolve_letters(root, letters):
        try:
            prepare(root, path)
        except Problems as exc:
            problems.extend(exc.problems)
        except InputError as exc:
            problems.append(exc)
    # A problem in a shared file reaches every letter: report it once.
    return list({str(p): p for p in problems}.values())


def build(
    letters: Sequence[str | Path] | None = None,
    project: str | Path = ".",
    formats: Sequence[str] = FORMATS,
    draft: bool = False,
    force: bool = False,
    jobs: int | None = None,
    pdf_variant: str | None = DEFAULT_PDF_VARIANT,
    progress: Callable[[int, int, str, BuildResult | BriefingError], None] | None = None,
    on_pdf: PdfReady | None = None,
) -> list[BuildResult]:
    """Build letters into ``output/``; raise :class:`BuildProblems` if any had problems.

    Letters without problems are built even when others fail; their results are
    on the exception, in the order of ``letters``. Up to ``jobs`` letters (default:
    one per core) are built at once, in warm worker processes; a single letter's
    PDF is then made in a worker while this process makes its DOCX. ``progress``
    is called as each letter finishes: ``(done, total, name, result or error)``.

    ``on_pdf(name, pdf, prepared)``, when given, is called in this process with each
    letter's PDF as soon as it is made — the bytes the build then writes — before its
    DOCX is made and before any of its files is written (``briefing preview`` shows the
    new pages meanwhile). Letters are then built one after another, in the order given.
    """
    root = Path(project).resolve()
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"onbekend formaat '{fmt}' (kies uit {', '.join(FORMATS)})")
    # An unknown --pdf-variant is checked where the PDF is made (_render): checking it
    # here would import WeasyPrint (a second) even when nothing needs building.
    jobs = parallel.cores() if jobs is None else jobs
    if jobs < 1:
        raise UsageError(f"--jobs moet minstens 1 zijn, niet {jobs}")
    paths = resolve_letters(root, letters)
    style = huisstijl.load(root)
    output = root / "output"
    results: list[BuildResult] = []
    problems: list[InputError] = []
    outputs.check_state(output)
    with outputs.project_lock(output):
        job = _Job(root, style, output, tuple(formats), draft, force, pdf_variant)
        for outcome in _build_all(job, paths, jobs, progress, on_pdf):
            if isinstance(outcome, BuildResult):
                results.append(outcome)
            elif isinstance(outcome, Problems):
                problems.extend(outcome.problems)
            elif isinstance(outcome, InputError):
                problems.append(outcome)
            else:
                raise outcome
    if problems:
        raise BuildProblems(problems, results)
    return results


def _build_one(
    root: Path,
    path: Path,
    style: huisstijl.HouseStyle,
    output: Path,
    formats: tuple[str, ...],
    draft: bool,
    force: bool,
    pdf_variant: str | None,
    pool: parallel.Pool | None = None,
    digest: str | None = None,
    on_pdf: PdfReady | None = None,
) -> BuildResult:
    start = time.perf_counter()
    name = path.stem
    timing.mark(f"begin {name}")
    manifest = outputs.Manifest(output, name, ignore_damage=force)
    targets = {fmt: output / f"{name}.{fmt}" for fmt in formats}
    digest = digest or _inputs_digest(root, path, style, formats, draft, pdf_variant)
    if not force and _unchanged(manifest, digest, targets.values()):
        return BuildResult(name, unchanged=True, seconds=time.perf_counter() - start)

    prepared = prepare(root, path, draft)
    docx = targets.get("docx")
    edited = docx is not None and outputs.edited_since_build(docx, manifest)
    if edited and not force:
        raise InputError(
            f"{docx.name} is bewerkt sinds briefing het schreef; het bestand is niet overschreven",
            file=docx.relative_to(root),
            hint=f"neem de bewerkingen over in de bronnen met: briefing absorb {name} --apply; "
            "of bouw opnieuw met --force (de bewerkte versie wordt dan eerst bewaard)",
        )

    timing.mark("prepared")

    def render(fmt: str) -> bytes:
        return _render(fmt, prepared.letter, style, pdf_variant, root)

    # With a pool, the PDF is made in a worker while this process makes the rest.
    pdf = None
    if pool is not None and "pdf" in formats:
        pdf = pool.submit(timing.collect, _render, "pdf", prepared.letter, style, pdf_variant, root)
    # A DOCX without a PDF still stores the true page count: the last PDF's, if it was laid
    # out from the same inputs, else the PDF's layout, made but not written.
    layout = _inputs_digest(root, path, style, ("pdf",), draft, pdf_variant)
    known = manifest.pages if manifest.pages and manifest.pages["for"] == layout else None
    pages: Future | int | None = None
    if "docx" in formats and "pdf" not in formats:
        args = (prepared.letter, style, pdf_variant, root)
        if known is not None:
            pages = known["count"]
        else:
            pages = pool.submit(_page_count, *args) if pool is not None else _page_count(*args)
    data: dict[str, bytes] = {}
    if on_pdf is not None and "pdf" in formats:  # the PDF first, handed over before the rest is made
        data["pdf"] = render("pdf") if pdf is None else _pdf_result(pdf, render)
        on_pdf(name, data["pdf"], prepared)
    for fmt in formats:
        if fmt not in data and (fmt != "pdf" or pdf is None):
            data[fmt] = render(fmt)
            timing.mark(fmt)
    redline = _redline(output, name, prepared.letter, style, data.get("docx")) if "docx" in formats else None
    timing.mark("redline")
    if "pdf" not in data and pdf is not None:
        data["pdf"] = _pdf_result(pdf, render)
    if isinstance(pages, Future):
        pages = _worker_result(pages, lambda: _page_count(prepared.letter, style, pdf_variant, root))
    if "pdf" in data:
        from briefing.writers.pdf_tags import page_count

        pages = page_count(data["pdf"])
    if pages is not None and "docx" in data:
        # The DOCX stores the page count the PDF's layout found (issue 11), not "1".
        from briefing.writers.docx import with_page_count

        data["docx"] = with_page_count(data["docx"], pages)
        if redline is not None:
            redline = (redline[0], with_page_count(redline[1], pages))
    said = dict(manifest.data.get("said", {}))
    if "docx" in data:
        from briefing.docx_read import read_docx, signature

        said[targets["docx"].name] = signature(read_docx(data["docx"]))
    # All of the letter's files change together, or none does (a full disk, a kill).
    kept: list[Path] = []
    with outputs.Transaction(output, name) as transaction:
        if edited:  # --force: the edited DOCX is kept aside, only if the build succeeds
            kept.append(transaction.stage_copy(docx))
        for fmt, blob in data.items():
            transaction.stage(targets[fmt], blob)
        written = [targets[f] for f in formats]
        if redline is not None:
            transaction.stage(*redline)
            written.append(redline[0])
        files = dict(manifest.data.get("files", {}))
        files.update({targets[fmt].name: outputs.sha256(blob) for fmt, blob in data.items()})
        count = {"for": layout, "count": pages} if pages is not None else known
        manifest.save(digest, files, said, transaction, pages=count)
        snapshot.save(output, name, prepared.letter, snapshot.letter_facts(prepared.facts),
                      built_sources(root, path, style), transaction)
        transaction.commit()
    timing.mark("written")
    return BuildResult(name, tuple(written), False, tuple(kept), time.perf_counter() - start)


def built_sources(root: Path, path: Path, style: huisstijl.HouseStyle | None = None) -> dict[str, str]:
    """The texts a letter is built from, by project path (``facts/x.yaml``, ``templates/x.md.j2``):
    its facts file, the templates and shared facts it uses, ``briefing.toml``. Kept in the
    snapshot, so that ``absorb`` can work against what was built."""
    out: dict[str, str] = {}
    for dep in dependencies(root, path, style):
        rel = dep.relative_to(root) if dep.is_relative_to(root) else None
        if rel is None or rel.parts[0] not in ("facts", "templates", "briefing.toml"):
            continue
        try:
            out[rel.as_posix()] = dep.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return out


def _redline(
    output: Path, name: str, letter: Letter, style: huisstijl.HouseStyle, docx: bytes | None = None
) -> tuple[Path, bytes] | None:
    """``<letter>.wijzigingen.docx``: this build against the last one (its snapshot), with
    tracked changes — written whenever there was an earlier build, without revisions if
    nothing changed. An unreadable snapshot counts as no earlier build."""
    try:
        previous = snapshot.load(output, name)
    except OutputError:
        return None
    if previous is None:
        return None
    from briefing.writers.redline import render_redline

    blob = render_redline(previous.letter, letter, style, date=build_time(), new_docx=docx)
    return output / f"{name}.wijzigingen.docx", blob


def build_time() -> datetime:
    """When a build makes its changes, to the second (UTC): the time on a redline's revisions.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970), the reproducible-builds convention, sets it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def _render(fmt: str, letter: Letter, style: huisstijl.HouseStyle, variant: str | None, root: Path) -> bytes:
    if fmt == "docx":
        from briefing.writers.docx import render_docx

        return render_docx(letter, style)
    from briefing.writers.pdf import render_pdf, supported_variants  # imports WeasyPrint

    if variant is not None and variant not in supported_variants():
        raise UsageError(f"onbekende PDF-variant '{variant}' (kies uit {', '.join(supported_variants())})")
    parallel.load_hyphenation(style.language)  # from a cache: ≈ 0.2 s less for a first PDF
    return render_pdf(letter, style, variant=variant, base_dir=root)


def _page_count(letter: Letter, style: huisstijl.HouseStyle, variant: str | None, root: Path) -> int:
    """How many pages the letter's PDF has, laid out but not written (for a DOCX alone)."""
    from briefing.writers.pdf import page_count

    parallel.load_hyphenation(style.language)
    return page_count(letter, style, variant=variant, base_dir=root)


# --------------------------------------------------------------------------- in parallel


@dataclass(frozen=True, slots=True)
class _Job:
    """What every letter of one build shares (sent to the workers with each letter)."""

    root: Path
    style: huisstijl.HouseStyle
    output: Path
    formats: tuple[str, ...]
    draft: bool
    force: bool
    pdf_variant: str | None

    def digest(self, path: Path) -> str:
        """The digest of ``path``'s inputs (made once per build: it reads and parses templates)."""
        return _inputs_digest(self.root, path, self.style, self.formats, self.draft, self.pdf_variant)

    def needs_build(self, path: Path, digest: str) -> bool:
        """Whether ``path``'s outputs are missing, edited or older than its inputs."""
        if self.force:
            return True
        name = path.stem
        targets = [self.output / f"{name}.{fmt}" for fmt in self.formats]
        return not _unchanged(outputs.Manifest(self.output, name), digest, targets)

    def run(
        self, path: Path, digest: str, pool: parallel.Pool | None = None, on_pdf: PdfReady | None = None
    ) -> BuildResult | BriefingError:
        """Build one letter; a problem is returned, not raised, so that a worker can hand it back."""
        try:
            return _build_one(
                self.root, path, self.style, self.output, self.formats, self.draft, self.force,
                self.pdf_variant, pool, digest, on_pdf,
            )
        except BriefingError as exc:
            return exc


def _build_all(
    job: _Job, paths: list[Path], jobs: int, progress: Callable | None, on_pdf: PdfReady | None = None
) -> list[BuildResult | BriefingError]:
    """Every letter's result or problem, in the order of ``paths``.

    Letters that need building go to ``jobs`` warm workers when there are several;
    a single one is built here, its PDF in a worker. Unchanged letters are answered
    here at once. Should a worker die, its letter is built here instead. A problem
    that is not in a letter's input (an unwritable output, bad usage) stops the build.
    With ``on_pdf``, every letter is built here (in order), each PDF in a worker.
    """
    paths = list(dict.fromkeys(paths))
    outcomes: dict[Path, BuildResult | BriefingError] = {}

    def finished(path: Path, outcome: BuildResult | BriefingError) -> None:
        outcomes[path] = outcome
        if progress is not None:
            progress(len(outcomes), len(paths), path.stem, outcome)
        if isinstance(outcome, BriefingError) and not isinstance(outcome, Problems | InputError):
            raise outcome

    for path in paths:  # a build cut short (killed while renaming its files) is finished first
        outputs.recover(job.output, path.stem)
    digests = {path: job.digest(path) for path in paths}
    todo = [path for path in paths if job.needs_build(path, digests[path])]
    for path in paths:
        if path not in todo:
            finished(path, job.run(path, digests[path]))
    batch = jobs > 1 and len(todo) > 1 and on_pdf is None
    split = jobs > 1 and len(todo) >= 1 and not batch and "pdf" in job.formats and len(job.formats) > 1
    pdf = "pdf" in job.formats
    workers = 1 if split else min(jobs, len(todo))
    pool = parallel.start(workers, job.style.language, pdf) if batch or split else None
    if batch and pool is not None:
        from concurrent.futures import as_completed, wait

        futures = {pool.submit(job.run, path, digests[path]): path for path in todo}
        try:
            for future in as_completed(futures):
                path = futures[future]
                finished(path, _worker_result(future, lambda path=path: job.run(path, digests[path])))
        finally:  # on a problem that stops the build: no worker may write once the lock is released
            for future in futures:
                future.cancel()
            wait(futures)
    else:
        for path in todo:
            finished(path, job.run(path, digests[path], pool, on_pdf))
    return [outcomes[path] for path in paths]


def _pdf_result(future: Future, render: Callable[[str], bytes]) -> bytes:
    """The PDF a worker made (:func:`timing.collect` of :func:`_render`), its moments noted
    here; made here should the worker have died."""
    blob, moments = _worker_result(future, lambda: (render("pdf"), []))
    timing.replay(moments)
    return blob


def _worker_result(future: Future, here: Callable):
    """The worker's answer; if the worker died (out of memory, a crash), do the work here."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        parallel.shutdown()
        return here()


def _unchanged(manifest: outputs.Manifest, digest: str, targets: Iterable[Path]) -> bool:
    """Whether the last build had these inputs and its outputs are still there, unedited."""
    return manifest.inputs == digest and all(
        t.exists() and not outputs.edited_since_build(t, manifest) for t in targets
    )


def _inputs_digest(
    root: Path,
    path: Path,
    style: huisstijl.HouseStyle,
    formats: tuple[str, ...],
    draft: bool,
    variant: str | None,
) -> str:
    """Digest of everything an output depends on (see :func:`dependencies`).

    Paths go in as the project and the package know them (relative), so that a copied or
    moved project, or another installation of briefing, finds its outputs up to date.
    """
    h = hashlib.sha256()
    portable = replace(
        style,
        logo=_portable(Path(style.logo), root),
        logo_png=_portable(Path(style.logo_png), root),
        font_pdf_files=tuple(_portable(Path(f), root) for f in style.font_pdf_files),
    )
    h.update(repr((VERSION, formats, draft, variant, portable)).encode())
    for dep in dependencies(root, path, style):
        h.update(_portable(dep, root).encode())
        try:
            h.update(dep.read_bytes())
        except OSError:
            h.update(b"<missing>")
    return h.hexdigest()


def _portable(path: Path, root: Path) -> str:
    """``path`` relative to the project, or to the package's assets, else as it is."""
    for base, prefix in ((root, ""), (huisstijl.ASSETS, "<briefing>/")):
        if path.is_relative_to(base):
            return prefix + path.relative_to(base).as_posix()
        resolved = path.resolve()
        if resolved.is_relative_to(base.resolve()):
            return prefix + resolved.relative_to(base.resolve()).as_posix()
    return str(path)


def dependencies(root: Path, path: Path, style: huisstijl.HouseStyle | None = None) -> list[Path]:
    """Files a letter's outputs depend on, as precisely as can be known before building.

    The letter file, ``briefing.toml``, the templates its template includes or imports
    (recursively), the shared-facts files whose names those templates read, and the logo
    and font files the house style names. When that cannot be known statically (the
    letter or a template does not parse, an include's name is computed), every template
    and every shared-facts file. (The tool's version is part of the digest.)
    """
    root = Path(root)
    templates = root / "templates"
    used = _templates_used(root, path)
    if used is None:
        template_files = sorted(p for p in templates.rglob("*") if p.is_file()) if templates.is_dir() else []
        shared = shared_files(root)
    else:
        template_files = sorted(templates / name for name in used[0])
        shared = [p for p in shared_files(root) if p.stem[1:] in used[1]]
    if style is None:
        try:
            style = huisstijl.load(root)
        except InputError:
            style = huisstijl.HouseStyle()
    house = [Path(f) for f in (style.logo, style.logo_png, *style.font_pdf_files)]
    deps = [path, root / "briefing.toml", *template_files, *shared, *house]
    return [d for d in dict.fromkeys(deps) if d.is_file() or d == root / "briefing.toml"]


def _templates_used(root: Path, path: Path) -> tuple[set[str], set[str]] | None:
    """(templates, names) of a letter's template (see :func:`render.template_dependencies`)."""
    try:
        data = yaml.load(path.read_bytes().decode("utf-8-sig"), Loader=_YAML_LOADER)
        sjabloon = PurePosixPath(data["brief"]["sjabloon"])
    except Exception:  # an unreadable letter: the build reports it
        return None
    if sjabloon.is_absolute() or ".." in sjabloon.parts:
        return None
    return template_dependencies(root / "templates", sjabloon.as_posix())


# --------------------------------------------------------------------------- locating errors


def _rel(path: Path, root: Path) -> Path:
    return path.relative_to(root) if path.is_relative_to(root) else path


def _find(path: Path, needles: Iterable[str]) -> int | None:
    """The first line of ``path`` that contains any of ``needles``."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for needle in needles:
        for number_, line in enumerate(lines, 1):
            if needle and needle in line:
                return number_
    return None


def _locate(exc: TemplateError, facts: LetterFacts, root: Path, markdown: str) -> TemplateError:
    """Point a model-stage error (which knows only a Markdown line) at the template.

    Searched: the letter's template, then the templates it includes; a ``ref`` whose id
    comes from a fact, in the letter file. What to look for follows from the error's
    ``kind`` and ``subject`` (see :class:`TemplateError`). A Markdown line that is not in
    any template as written (facts were filled in) is matched to the most similar
    template line.
    """
    needles: list[str] = []
    in_facts: list[str] = []  # what to look for in the letter file
    message = exc.message
    sources = _template_sources(facts, root)
    text_line = None
    if exc.line is not None:
        lines = markdown.splitlines()
        if 0 < exc.line <= len(lines):
            text_line = lines[exc.line - 1].strip()
    subject = exc.subject or ""
    if exc.kind == "ref":
        needles = [f'ref("{subject}")', f"ref('{subject}')", f"<ref:{subject}>"]
        sources += [facts.path]  # ref(fact): the id is written in the letter file
        in_facts = [subject]
    elif exc.kind == "footnote-definition":
        needles = [f"[^{subject}]:", f"[^{subject}]"]
    elif exc.kind == "footnote-call":
        needles = [f"[^{subject}]"]
    elif exc.kind == "image":
        needles = [f"]({subject}", "!["]
    elif exc.kind == "link":
        needles = [f"]({subject}"]
    elif exc.kind == "html":
        needles = [subject]
    elif text_line:
        needles = [text_line]
    for source in sources:
        found = _find(source, in_facts if source == facts.path else needles)
        if found is not None:
            return _located(exc, _rel(source, root), found)
    if text_line:
        best = _most_similar(sources, text_line)
        if best is not None:
            return _located(exc, _rel(best[0], root), best[1])
    hint = exc.hint
    if exc.line is not None:
        hint = f"regel {exc.line} van de gegenereerde tekst" + (f"; {hint}" if hint else "")
    return TemplateError(
        message, _rel(facts.template, root), None, None, hint, kind=exc.kind, subject=exc.subject
    )


def _located(exc: TemplateError, file: Path, line: int) -> TemplateError:
    return TemplateError(exc.message, file, line, None, exc.hint, kind=exc.kind, subject=exc.subject)


def _template_sources(facts: LetterFacts, root: Path) -> list[Path]:
    """The letter's template first, then the templates it includes or imports."""
    folder = root / "templates"
    sjabloon = facts.template.resolve().relative_to(folder.resolve()).as_posix()
    used = template_dependencies(folder, sjabloon)
    others = sorted(folder / name for name in used[0] if name != sjabloon) if used else []
    return [facts.template, *others]


def _most_similar(sources: Iterable[Path], text: str) -> tuple[Path, int] | None:
    """The template line most like a line of the generated text (facts filled in), if one is."""
    best: tuple[float, Path, int] | None = None
    for source in sources:
        try:
            lines = source.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number_, line in enumerate(lines, 1):
            matcher = difflib.SequenceMatcher(None, line.strip(), text, autojunk=False)
            if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
                continue
            ratio = matcher.ratio()
            if ratio >= 0.5 and (best is None or ratio > best[0]):
                best = (ratio, source, number_)
    return (best[1], best[2]) if best else None


def _placeholder_error(text: str, facts: LetterFacts, root: Path) -> PlaceholderError:
    message = f"de brief bevat nog een plaatshouder: {text}"
    hint = "vul hem in, of bouw een concept met --draft"
    for source in (facts.template, facts.path, *facts.shared_files):
        line = _find(source, [text])
        if line is not None:
            return PlaceholderError(message, _rel(source, root), line, None, hint)
    return PlaceholderError(message, _rel(facts.template, root), None, None, hint)


__all__ = ["BriefingError", "BuildResult", "Prepared", "build", "check", "prepare"]
