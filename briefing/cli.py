"""The ``briefing`` command: argument parsing, messages and exit codes — nothing else.

Exit status: 0 done; 1 a problem in the user's input (all listed, each with file
and line); 2 bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import os
import re
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from briefing import _compat
from briefing.errors import BriefingError, InputError, OutputError, Problems, UsageError

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


# argparse's own messages, in Dutch (its usage line and its errors for bad usage).
_ARGPARSE_MESSAGES = (
    (re.compile(r"^unrecognized arguments: (.*)$"), "onbekende argumenten: {0}"),
    (re.compile(r"^the following arguments are required: (.*)$"), "dit ontbreekt nog: {0}"),
    (re.compile(r"^argument (\S+): invalid choice: (.*) \(choose from (.*)\)$"),
     "{0}: ongeldige keuze {1} (kies uit {2})"),
    (re.compile(r"^argument (\S+): expected one argument$"), "{0} verwacht een waarde"),
    (re.compile(r"^argument (\S+): invalid (\w+) value: (.*)$"), "{0}: ongeldige waarde {2}"),
    (re.compile(r"^argument (\S+): ignored explicit argument (.*)$"), "{0}: onverwachte waarde {1}"),
    (re.compile(r"^ambiguous option: (\S+) could match (.*)$"), "optie {0} is niet eenduidig: {1}"),
)


class _Parser(argparse.ArgumentParser):
    """argparse with its usage line and error messages in Dutch; exit status 2 as before."""

    def format_usage(self) -> str:
        return re.sub(r"^usage: ", "gebruik: ", super().format_usage())

    def format_help(self) -> str:
        text = re.sub(r"^usage: ", "gebruik: ", super().format_help())
        text = text.replace("\npositional arguments:\n", "\nargumenten:\n")
        text = text.replace("\noptions:\n", "\nopties:\n")
        return text.replace("show this help message and exit", "toon deze hulp en stop")

    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, dutch in _ARGPARSE_MESSAGES:
            if match := pattern.match(message):
                message = dutch.format(*match.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fout: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="briefing", description="Kamerbrieven uit feiten (YAML) en een sjabloon (Jinja2 → Markdown)."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def with_project(p: argparse.ArgumentParser) -> None:
        p.add_argument("--project", type=Path, default=Path("."), help="projectmap (standaard: hier)")

    b = sub.add_parser("build", help="bouw DOCX en PDF")
    b.add_argument("letters", nargs="*", metavar="LETTER", help="naam of pad van een brief (standaard: alle)")
    with_project(b)
    b.add_argument("--format", choices=("docx", "pdf"), help="alleen dit formaat")
    b.add_argument("--draft", action="store_true", help="bouw een CONCEPT, ook met plaatshouders")
    b.add_argument("--force", action="store_true", help="ook als er niets veranderd is of de DOCX bewerkt is")
    b.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="aantal brieven tegelijk (standaard: het aantal processorkernen)")
    b.add_argument("--pdf-variant", default="pdf/ua-1", metavar="VARIANT",
                   help="PDF-variant, bijv. pdf/ua-1 (standaard), pdf/a-3b of pdf/ua-1+a-2b (beide)")

    c = sub.add_parser("check", help="controleer alles, schrijf niets")
    c.add_argument("letters", nargs="*", metavar="LETTER")
    with_project(c)

    d = sub.add_parser("diff", help="wat de brief anders zegt dan bij de laatste build")
    d.add_argument("letter", metavar="LETTER", help="naam of pad van een brief")
    with_project(d)

    a = sub.add_parser("absorb", help="neem bewerkingen in de DOCX (Word) over in sjabloon en feiten")
    a.add_argument("letter", metavar="LETTER", help="naam of pad van een brief")
    a.add_argument("--docx", type=Path, default=None, metavar="PATH",
                   help="het bewerkte bestand (standaard: output/LETTER.docx)")
    a.add_argument("--apply", action="store_true", help="pas de bronnen aan en bouw de brief opnieuw")
    a.add_argument("--partial", action="store_true", help="met --apply: neem over wat kan")
    with_project(a)

    w = sub.add_parser("watch", help="bouw opnieuw bij elke wijziging (stoppen met Ctrl-C)")
    with_project(w)
    w.add_argument("--draft", action="store_true", help="bouw een CONCEPT, ook met plaatshouders")

    v = sub.add_parser("preview", help="de pagina's live in de browser, op 127.0.0.1 (stoppen met Ctrl-C)")
    v.add_argument("letter", nargs="?", metavar="LETTER", help="de brief die eerst getoond wordt")
    v.add_argument("--port", type=int, default=None, metavar="N",
                   help="poort op 127.0.0.1 (standaard 8150, of de eerstvolgende vrije)")
    v.add_argument("--no-open", action="store_true", help="open geen browser")
    with_project(v)
    v.add_argument("--draft", action="store_true", help="bouw een CONCEPT, ook met plaatshouders")

    n = sub.add_parser("new", help="maak een nieuwe brief: facts/NAME.yaml en templates/NAME.md.j2")
    n.add_argument("name", metavar="NAME", help="naam van de brief, bijvoorbeeld voortgang-programma")
    n.add_argument("--soort", choices=("kamerbrief", "antwoorden"), default="kamerbrief",
                   help="kamerbrief (standaard) of antwoorden: de beantwoording van Kamervragen")
    with_project(n)

    sub.add_parser("schema", help="het JSON Schema van een briefbestand (voor editors)")
    return parser


class _Stdout(io.TextIOBase):
    """Standard output that cannot crash a command: a write that fails (a full disk, a
    closed stream) is remembered, and :func:`main` reports it once, as GNU tools do."""

    def __init__(self, stream: io.TextIOBase | None) -> None:
        self.stream = stream
        self.error: OSError | None = None

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.stream is not None and self.error is None and self.stream.isatty()

    def write(self, text: str) -> int:
        if self.error is None:
            try:
                if self.stream is None:  # started with stdout closed (briefing … >&-)
                    raise OSError(errno.EBADF, os.strerror(errno.EBADF))
                self.stream.write(text)
            except OSError as exc:
                self.error = exc
            except ValueError:  # closed from within
                self.error = OSError(errno.EBADF, os.strerror(errno.EBADF))
        return len(text)

    def flush(self) -> None:
        if self.error is None and self.stream is not None:
            try:
                self.stream.flush()
            except OSError as exc:
                self.error = exc
            except ValueError:
                pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    A failure to write standard output (``>/dev/full``, a closed stream) does not turn
    a command's success into a traceback: it is one line on stderr and exit status 1.
    A reader that stops early (``briefing diff … | head``) is no failure.
    """
    stdout = sys.stdout
    guarded = _Stdout(stdout)
    sys.stdout = guarded
    try:
        status = _main(argv)
        guarded.flush()
    finally:
        sys.stdout = stdout
    if guarded.error is not None and guarded.error.errno != errno.EPIPE:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            reason = guarded.error.strerror or str(guarded.error)
            print(f"briefing: kan niet naar de standaarduitvoer schrijven: {reason}", file=sys.stderr)
        return max(status, EXIT_INPUT) if status != EXIT_USAGE else status
    return status


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or bad usage (2)
        return int(exc.code or 0)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "check":
            return _check(args)
        if args.command == "diff":
            return _diff(args)
        if args.command == "absorb":
            return _absorb(args)
        if args.command == "watch":
            return _watch(args)
        if args.command == "preview":
            return _preview(args)
        if args.command == "new":
            return _new(args)
        if args.command == "schema":
            return _schema()
    except UsageError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Problems as exc:
        _report(exc.problems)
        return EXIT_INPUT
    except (InputError, OutputError) as exc:
        print(f"fout: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BriefingError as exc:
        print(f"fout: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:  # the system refused something (a name too long, a device gone): no traceback
        where = f"{exc.filename}: " if exc.filename and len(str(exc.filename)) < 300 else ""
        print(f"fout: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    return EXIT_USAGE


def _report(problems: Sequence[InputError]) -> None:
    for problem in problems:
        print(f"fout: {problem}", file=sys.stderr)
    n = len(problems)
    print(f"{n} {'probleem' if n == 1 else 'problemen'} gevonden.", file=sys.stderr)


def _build(args: argparse.Namespace) -> int:
    from briefing.build import BuildProblems, build

    formats = (args.format,) if args.format else ("docx", "pdf")
    variant = None if args.pdf_variant in ("", "geen", "none") else args.pdf_variant
    try:
        results = build(
            args.letters, args.project, formats, args.draft, args.force, args.jobs, variant, _progress
        )
    except BuildProblems as exc:
        _print_results(exc.results, args.project)
        _report(exc.problems)
        return EXIT_INPUT
    _print_results(results, args.project)
    return EXIT_OK


def _progress(done: int, total: int, name: str, outcome: object) -> None:
    """One line on stderr per finished letter of a batch: ``[3/12] naam (0.61 s)``."""
    if total < 2:
        return
    if isinstance(outcome, BriefingError):
        state = "fout"
    else:
        state = "ongewijzigd" if outcome.unchanged else f"{outcome.seconds:.2f} s"
    print(f"[{done}/{total}] {name} ({state})", file=sys.stderr, flush=True)


def _print_results(results, project: Path) -> None:
    for r in results:
        for kept in r.kept:
            print(f"{r.name}: bewerkte DOCX bewaard als {kept.name}")
        if r.unchanged:
            print(f"{r.name}: ongewijzigd")
        else:
            names = ", ".join(p.name for p in r.written)
            print(f"{r.name}: {names} geschreven ({r.seconds:.2f} s)")


def _check(args: argparse.Namespace) -> int:
    from briefing.build import check

    problems = check(args.letters, args.project)
    if problems:
        _report(problems)
        return EXIT_INPUT
    print("alles in orde")
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from briefing.diff import diff

    comparison = diff(args.letter, args.project)
    print(comparison.text(color=sys.stdout.isatty() and not os.environ.get("NO_COLOR")), end="")
    return EXIT_OK


def _absorb(args: argparse.Namespace) -> int:
    from briefing.absorb import absorb

    if args.partial and not args.apply:
        raise UsageError("--partial hoort bij --apply")
    root = args.project.resolve()
    plan = absorb(args.letter, root, docx=args.docx, apply=args.apply, partial=args.partial)
    print(plan.text(root), end="")
    if plan.applied:
        _print_results(plan.results, root)
    return EXIT_INPUT if plan.conflicts else EXIT_OK


def _watch(args: argparse.Namespace) -> int:
    from briefing.watch import watch

    try:
        watch(args.project, out=lambda line: print(line, flush=True), draft=args.draft)
    except KeyboardInterrupt:
        print("gestopt", flush=True)
    return EXIT_OK


def _preview(args: argparse.Namespace) -> int:
    from briefing.preview import preview

    if args.port is not None and not 0 <= args.port <= 65535:
        raise UsageError(f"--port moet tussen 0 en 65535 liggen, niet {args.port}")
    try:
        preview(args.project, args.letter, args.port, not args.no_open,
                out=lambda line: print(line, flush=True), draft=args.draft)
    except KeyboardInterrupt:
        print("gestopt", flush=True)
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from briefing.scaffold import new_letter

    made = new_letter(args.name, args.project, soort=args.soort)
    for path in (*made.created, made.facts, made.template):
        print(f"gemaakt: {path}")
    print(f"bouw de brief met: briefing build {args.name}" + (
        f" --project {args.project}" if args.project != Path(".") else ""))
    return EXIT_OK


def _schema() -> int:
    from briefing.schema import schema_json

    sys.stdout.write(schema_json())
    return EXIT_OK


def run() -> None:
    """The ``briefing`` console script: :func:`main`, then a quick exit.

    Once the exit handlers have run (they end the worker processes) and the output
    is flushed, the process ends without tearing the interpreter down: freeing every
    object of WeasyPrint, Babel and Jinja one by one takes 0.1–0.2 s per command.
    """
    for fd in (0, 1, 2):  # a stream started closed (briefing … >&-): its number must not go
        try:               # to the first file the command opens (a lock, an output)
            os.fstat(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_RDWR), fd)
    stopped: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        # SIGTERM (timeout, a service manager) and SIGHUP (the terminal closed) end the
        # command as Ctrl-C does: through its clean-up, so no worker outlives it.
        stopped.append(signum)
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            with contextlib.suppress(ValueError, OSError):
                signal.signal(getattr(signal, name), stop)
    try:
        status = main()
    except KeyboardInterrupt:
        status = 128 + (stopped[0] if stopped else signal.SIGINT)
    from briefing import parallel

    # The workers first (multiprocessing's exit handler would wait for them); all our
    # work is done, so a worker still loading WeasyPrint is stopped, not waited for.
    parallel.shutdown(now=True)
    if not _compat.run_exit_handlers():  # not this Python: exit the usual (slower) way
        sys.exit(status)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # a closed pipe, a closed stream
            stream.flush()
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
