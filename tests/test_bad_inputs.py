"""The corpus of bad inputs: every mistake a user can make gets exit 1 (2 for bad usage),
one line per problem naming the file and line, no traceback, and the earlier good
build's outputs stay byte for byte as they were.

Each case is a folder in ``tests/fixtures/bad/`` holding:

- ``edits.txt``: changes to a copy of the example project (``_voorbeeld/``, already
  built). ``@@ path`` starts a change of that file; the ``-`` lines that follow are
  replaced by the ``+`` lines. Without ``-`` lines, the ``+`` lines are the whole file
  (a new file, or one emptied: a single ``+``). ``<U+000B>`` stands for a character
  and ``<0xE9>`` for a raw byte, so that fixtures stay readable text.
- ``expected.txt``: ``# what the user did``, ``exit: N``, optionally ``args: …`` (after
  ``build --project DIR``) and ``problems: N`` (default 1), then substrings that the
  messages must contain, such as ``facts/armenie-azerbeidzjan.yaml:4``.

After the corpus: ``check`` lists the problems of all letters at once, and what must
simply work (Windows files, a long letter, diacritics in names).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import bad_fixtures
import pytest
from pypdf import PdfReader

from briefing import build, check
from briefing.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).parent / "fixtures" / "bad"
EXAMPLE = BAD / "_voorbeeld"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "expected.txt").is_file())
# A problem line: "fout: <file>:<line>[:<column>]: <message>"
PROBLEM = re.compile(r"^fout: (?P<file>[^:\s]+):(?P<line>\d+)(?::\d+)?: \S")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``briefing`` as a user runs it, in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "briefing.cli", *args], cwd=cwd or ROOT, capture_output=True, text=True
    )


# --------------------------------------------------------------------------- the fixture format


@dataclass(frozen=True)
class Expected:
    description: str
    exit: int
    args: tuple[str, ...]
    problems: int
    substrings: tuple[str, ...]


def expected(case: str) -> Expected:
    description, exit_, args, problems, substrings = "", 1, (), None, []
    for line in (BAD / case / "expected.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            description = description or line[1:].strip()
        elif m := re.fullmatch(r"(exit|args|problems): (.*)", line):
            key, value = m.groups()
            if key == "exit":
                exit_ = int(value)
            elif key == "args":
                args = tuple(value.split())
            else:
                problems = int(value)
        elif line:
            substrings.append(line)
    if problems is None:
        problems = 1 if exit_ == 1 else 0
    return Expected(description, exit_, args, problems, tuple(substrings))


def apply_edits(case: str, project: Path) -> None:
    """The case's ``edits.txt`` applied to ``project`` (see :mod:`bad_fixtures`)."""
    bad_fixtures.apply_edits(BAD / case / "edits.txt", project)


# --------------------------------------------------------------------------- one good build first


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project with a good build of every letter."""
    project = tmp_path_factory.mktemp("voorbeeld") / "project"
    shutil.copytree(EXAMPLE, project)
    result = run("build", "--project", str(project))
    assert result.returncode == 0, result.stderr
    return project


def outputs(project: Path) -> dict[str, bytes]:
    """Every file under output/ (the build's lock file aside), by relative path."""
    folder = project / "output"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "lock"
    }


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A copy of the built example: its outputs are those of an earlier good build here."""
    copy = tmp_path / "project"
    shutil.copytree(built, copy)
    return copy


def test_every_case_has_a_description_and_an_expectation() -> None:
    assert len(CASES) >= 50
    for case in CASES:
        exp = expected(case)
        assert exp.description, case
        assert exp.exit in (1, 2), case
        assert exp.substrings, case
        assert (BAD / case / "edits.txt").exists() or exp.args, case


@pytest.mark.parametrize("case", CASES)
def test_a_bad_input_is_reported_and_nothing_is_lost(case: str, project: Path) -> None:
    exp = expected(case)
    before = outputs(project)
    apply_edits(case, project)

    # One process is enough for a failing letter (and saves the warm-up of a PDF worker); a
    # case where several letters fail runs as a user's does, the problems coming from workers.
    jobs = () if exp.problems > 1 or "--jobs" in exp.args else ("--jobs", "1")
    result = run("build", "--project", str(project), *jobs, *exp.args)

    assert result.returncode == exp.exit, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for text in exp.substrings:
        assert text in result.stderr, f"{text!r} not in:\n{result.stderr}"
    problems = [line for line in result.stderr.splitlines() if line.startswith("fout: ")]
    assert len(problems) == exp.problems, result.stderr
    for line in problems:  # every problem names its file and line
        match = PROBLEM.match(line)
        assert match, f"no file:line in {line!r}"
        assert (project / match["file"]).is_file(), line
    assert outputs(project) == before, "an earlier output was changed"
    assert not list((project / "output").glob(".*.tmp")), "a temporary file was left behind"


@pytest.mark.parametrize("case", [c for c in CASES if expected(c).exit == 1])
def test_check_reports_the_same_problems_without_writing(case: str, project: Path) -> None:
    exp = expected(case)
    before = outputs(project)
    apply_edits(case, project)
    try:
        problems = check(project=project)
    except InputError as exc:  # briefing.toml: the project as a whole
        problems = [exc]
    text = "\n".join(str(p) for p in problems)
    for substring in exp.substrings:
        assert substring in text, f"{substring!r} not in:\n{text}"
    assert outputs(project) == before


# --------------------------------------------------------------------------- check: all at once


def test_check_lists_the_problems_of_every_letter_at_once(project: Path) -> None:
    letter = project / "facts" / "armenie-azerbeidzjan.yaml"
    agenda = project / "templates" / "geannoteerde-agenda-rbz.md.j2"
    text = letter.read_text(encoding="utf-8")
    text = text.replace("  datum: 2022-12-09", "  datum: 9 december 2022")
    text = text.replace("  kenmerk: BZ2213517", "  kenmerk: BZ2213517\n  kenmerk: BZ2213518")
    letter.write_text(text, encoding="utf-8")
    agenda.write_text(
        agenda.read_text(encoding="utf-8").replace("{{ personen.koeleba }}", "{{ personen.kuleba }}"),
        encoding="utf-8",
    )

    result = run("check", "--project", str(project))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("fout: ")]
    assert len(lines) == 3, result.stderr
    assert lines[0].startswith("fout: facts/armenie-azerbeidzjan.yaml:4")  # the date
    assert lines[1].startswith("fout: facts/armenie-azerbeidzjan.yaml:7:3")  # the second kenmerk
    assert lines[2].startswith("fout: templates/geannoteerde-agenda-rbz.md.j2:8")
    assert "bedoelde u 'koeleba'?" in lines[2]
    assert "3 problemen gevonden." in result.stderr


def test_a_build_lists_every_problem_and_still_builds_the_good_letters(project: Path) -> None:
    before = outputs(project)
    letter = project / "facts" / "armenie-azerbeidzjan.yaml"
    letter.write_text(letter.read_text(encoding="utf-8").replace("BZ2213517", "BZ2213517\n  betref: x"),
                      encoding="utf-8")
    agenda = project / "facts" / "geannoteerde-agenda-rbz.yaml"
    agenda.write_text(agenda.read_text(encoding="utf-8").replace("BZ2309846", "BZ2309847"), encoding="utf-8")

    result = run("build", "--project", str(project))

    assert result.returncode == 1
    assert "onbekende sleutel 'betref'" in result.stderr
    assert "geannoteerde-agenda-rbz.docx" in result.stdout  # the good letter was built
    after = outputs(project)
    assert after["armenie-azerbeidzjan.docx"] == before["armenie-azerbeidzjan.docx"]
    assert after["armenie-azerbeidzjan.pdf"] == before["armenie-azerbeidzjan.pdf"]
    assert after["geannoteerde-agenda-rbz.pdf"] != before["geannoteerde-agenda-rbz.pdf"]


# --------------------------------------------------------------------------- what must simply work


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_files_saved_on_windows_build_the_same_letter(built: Path, tmp_path: Path) -> None:
    """A byte-order mark and CRLF line endings, in the facts and in the template."""
    windows = tmp_path / "windows"
    shutil.copytree(EXAMPLE, windows)
    for path in [*(windows / "facts").iterdir(), *(windows / "templates").iterdir()]:
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))

    result = run("build", "--project", str(windows))

    assert result.returncode == 0, result.stderr
    for name in ("armenie-azerbeidzjan", "geannoteerde-agenda-rbz"):
        for fmt in ("docx", "pdf"):
            ours = (windows / "output" / f"{name}.{fmt}").read_bytes()
            assert ours == (built / "output" / f"{name}.{fmt}").read_bytes(), f"{name}.{fmt} differs"


def long_template(sections: int, paragraphs: int) -> str:
    parts = ["Inleiding bij een lange brief over {{ onderwerp }}.", ""]
    for s in range(1, sections + 1):
        parts += [f"# Onderwerp {s} {{#s{s}}}", ""]
        for p in range(1, paragraphs + 1):
            note = f"[^n{s}]" if p == 1 else ""
            parts += [
                f"Alinea {s}.{p}: de stand van zaken op {{{{ peildatum | datum }}}}, met "
                f"{{{{ {s * 1000 + p} | getal }}}} deelnemers en een verwijzing naar "
                f"{{{{ ref('s{max(1, s - 1)}') }}}}.{note}",
                "",
            ]
        parts += [f"[^n{s}]: Kamerstuk 36 000, nr. {s}.", ""]
    return "\n".join(parts)


def test_a_long_letter_builds(tmp_path: Path) -> None:
    """Hundreds of paragraphs: 30 numbered sections of 15, each with a footnote and a ref."""
    project = tmp_path / "lang"
    shutil.copytree(EXAMPLE, project)
    (project / "templates" / "lang.md.j2").write_text(long_template(30, 15), encoding="utf-8")
    letter = (project / "facts" / "armenie-azerbeidzjan.yaml").read_text(encoding="utf-8")
    letter = letter.split("\nverzoek:")[0].replace("armenie-azerbeidzjan.md.j2", "lang.md.j2")
    (project / "facts" / "lang.yaml").write_text(
        letter + "\nonderwerp: de voortgang\npeildatum: 2022-11-30\n", encoding="utf-8"
    )

    result = run("build", "lang", "--project", str(project))

    assert result.returncode == 0, result.stderr
    text = pdf_text(project / "output" / "lang.pdf")
    assert "Alinea 30.15" in text and "30.015" in text
    assert "paragraaf 29" in text
    assert len(PdfReader(project / "output" / "lang.pdf").pages) > 15


def test_names_with_diacritics_in_files_and_facts(tmp_path: Path) -> None:
    project = tmp_path / "één-project"
    (project / "facts").mkdir(parents=True)
    (project / "templates").mkdir()
    letter = (EXAMPLE / "facts" / "armenie-azerbeidzjan.yaml").read_text(encoding="utf-8")
    letter = letter.split("\nverzoek:")[0].replace("armenie-azerbeidzjan.md.j2", "curaçao-één.md.j2")
    letter = letter.replace("naam: W.B. Hoekstra", "naam: Ö. Çelik-Şahin")
    (project / "facts" / "bezoek-curaçao.yaml").write_text(
        letter + "\neilanden: [Curaçao, Bonaire, Sint Eustatius]\nstreefbedrag: 1250000.5\n",
        encoding="utf-8",
    )
    (project / "facts" / "_ministeriële.yaml").write_text("gezant: Zoë Ångström\n", encoding="utf-8")
    (project / "templates" / "curaçao-één.md.j2").write_text(
        "# Bezoek aan {{ eilanden | opsomming }}\n\n"
        "De gezant {{ ministeriële.gezant }} bezocht de eilanden; er is {{ streefbedrag | bedrag }} nodig.\n",
        encoding="utf-8",
    )

    result = run("build", "bezoek-curaçao", "--project", str(project))

    assert result.returncode == 0, result.stderr
    text = pdf_text(project / "output" / "bezoek-curaçao.pdf")
    assert "Curaçao, Bonaire en Sint Eustatius" in text
    assert "Zoë Ångström" in text and "Ö. Çelik-Şahin" in text
    assert "€ 1.250.000,50" in text
    assert (project / "output" / "bezoek-curaçao.docx").is_file()
    [res] = build(["bezoek-curaçao"], project=project)
    assert res.unchanged
