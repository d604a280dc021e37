"""``build(jobs=N)``: letters built in worker processes give the same files, in the same order.

No test here depends on timing: the benchmark (``benchmarks/run.py``) measures speed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing.build import BuildProblems, build
from briefing.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
LETTER = "armenie-azerbeidzjan"
NAMES = ["brief-a", "brief-b", "brief-c"]


def make_project(folder: Path, names: list[str]) -> Path:
    """The example letter under each of ``names``, with its shared facts and template."""
    (folder / "facts").mkdir(parents=True)
    shutil.copy(ROOT / "facts" / "_personen.yaml", folder / "facts")
    shutil.copy(ROOT / "facts" / "_armenie.yaml", folder / "facts")
    shutil.copytree(ROOT / "templates", folder / "templates")
    text = (ROOT / "facts" / f"{LETTER}.yaml").read_text(encoding="utf-8")
    for i, name in enumerate(names):
        # Each letter a little different, so that a mix-up between letters would show.
        different = text.replace("armeense_bezetting_jaren: 30", f"armeense_bezetting_jaren: {30 + i}")
        (folder / "facts" / f"{name}.yaml").write_text(different, encoding="utf-8")
    return folder


def outputs(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "output").glob("*.*")) if p.is_file()}


def test_two_jobs_write_the_same_files_as_one(tmp_path: Path) -> None:
    one, two = make_project(tmp_path / "one", NAMES), make_project(tmp_path / "two", NAMES)
    seen: list[tuple[int, int, str]] = []
    results_one = build(project=one, jobs=1)
    def progress(done: int, total: int, name: str, _outcome: object) -> None:
        seen.append((done, total, name))

    results_two = build(project=two, jobs=2, progress=progress)
    assert [r.name for r in results_one] == [r.name for r in results_two] == NAMES
    assert all(not r.unchanged for r in results_two)
    files = outputs(one)
    assert sorted(files) == sorted(f"{n}.{ext}" for n in NAMES for ext in ("docx", "pdf"))
    assert outputs(two) == files  # byte for byte
    assert [done for done, _, _ in seen] == [1, 2, 3]
    assert {total for _, total, _ in seen} == {3}
    assert sorted(name for _, _, name in seen) == NAMES


def test_a_single_letter_made_in_two_processes_is_the_same(tmp_path: Path) -> None:
    """With jobs > 1 one letter's PDF is made in a worker, its DOCX here: same bytes as one process."""
    one, two = make_project(tmp_path / "one", [LETTER]), make_project(tmp_path / "two", [LETTER])
    build(project=one, jobs=1)
    build(project=two, jobs=2)
    assert outputs(two) == outputs(one)


def test_unchanged_letters_are_skipped_in_a_batch(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", NAMES)
    build(project=project, jobs=2)
    (project / "facts" / "brief-b.yaml").write_text(
        (project / "facts" / "brief-b.yaml").read_text(encoding="utf-8").replace(
            "armeense_bezetting_jaren: 31", "armeense_bezetting_jaren: 39"),
        encoding="utf-8",
    )
    results = build(project=project, jobs=2)
    assert [(r.name, r.unchanged) for r in results] == [
        ("brief-a", True), ("brief-b", False), ("brief-c", True)
    ]


def test_problems_are_collected_in_order_and_the_rest_is_built(tmp_path: Path) -> None:
    names = ["brief-a", "brief-b", "brief-c", "brief-d"]
    project = make_project(tmp_path / "p", names)
    for name in ("brief-b", "brief-d"):  # a placeholder stops a normal build
        path = project / "facts" / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("voor Buitenlandse Zaken\n", "[naam]\n", 1), encoding="utf-8")
    with pytest.raises(BuildProblems) as caught:
        build(project=project, jobs=2)
    assert [r.name for r in caught.value.results] == ["brief-a", "brief-c"]
    assert len(caught.value.problems) == 2
    assert ["brief-b" in str(p) for p in caught.value.problems] == [True, False]
    assert ["brief-d" in str(p) for p in caught.value.problems] == [False, True]
    assert sorted(outputs(project)) == ["brief-a.docx", "brief-a.pdf", "brief-c.docx", "brief-c.pdf"]


def test_an_unknown_pdf_variant_stops_a_parallel_batch_before_anything_is_written(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", NAMES)
    with pytest.raises(UsageError, match="pdf/a-9z"):
        build(project=project, jobs=2, pdf_variant="pdf/a-9z")
    assert outputs(project) == {}


@pytest.mark.parametrize("jobs", [0, -1])
def test_jobs_must_be_at_least_one(tmp_path: Path, jobs: int) -> None:
    with pytest.raises(UsageError, match="--jobs"):
        build(project=make_project(tmp_path / "p", [LETTER]), jobs=jobs)


def test_the_cached_hyphenation_dictionary_gives_the_same_pdf(tmp_path: Path, monkeypatch, style) -> None:
    """The Dutch patterns are kept parsed in the user's cache: same patterns, same PDF."""
    import pyphen
    from conftest import sample_letter

    from briefing import parallel
    from briefing.model import Letter, Paragraph, Text
    from briefing.writers.pdf import render_pdf

    sample = sample_letter()
    words = "vredesbesprekingen krijgsgevangenen grensafbakeningsgesprekken waarnemersmissie " * 12
    letter = Letter(sample.meta, (*sample.blocks, Paragraph((Text(words),))), sample.footnotes)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = pyphen.LANGUAGES[pyphen.language_fallback(style.language)]
    monkeypatch.delitem(pyphen.hdcache, source, raising=False)
    parallel.load_hyphenation(style.language)  # parses, and writes the cache
    parsed = pyphen.hdcache.pop(source)
    assert list((tmp_path / "cache" / "briefing").glob("*.marshal"))
    without_cache = render_pdf(letter, style)  # WeasyPrint loads the dictionary itself
    assert pyphen.hdcache.pop(source).cache  # this letter does hyphenate
    parallel.load_hyphenation(style.language)  # from the cache
    cached = pyphen.hdcache[source]
    assert cached is not parsed
    assert (cached.patterns, cached.maxlen) == (parsed.patterns, parsed.maxlen)
    assert render_pdf(letter, style) == without_cache
    assert cached.cache  # the cached dictionary was the one WeasyPrint used


def test_a_damaged_hyphenation_cache_is_parsed_again(tmp_path: Path, monkeypatch) -> None:
    import pyphen

    from briefing import parallel

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    source = pyphen.LANGUAGES["nl_NL"]
    monkeypatch.delitem(pyphen.hdcache, source, raising=False)
    parallel.load_hyphenation("nl-NL")
    (cache,) = (tmp_path / "briefing").glob("*.marshal")
    cache.write_bytes(b"\x00garbage")
    pyphen.hdcache.pop(source)
    parallel.load_hyphenation("nl-NL")
    assert pyphen.hdcache[source].positions("lettergrepen") == [3, 6, 9]


def test_a_redline_from_the_builds_own_docx_is_the_same(letter, style) -> None:
    """A build hands its DOCX to the redline instead of rendering the letter twice."""
    from dataclasses import replace

    from briefing.writers.docx import render_docx
    from briefing.writers.redline import render_redline

    old = replace(letter, meta=replace(letter.meta, betreft="Een eerdere versie"))
    expected = render_redline(old, letter, style)
    assert render_redline(old, letter, style, new_docx=render_docx(letter, style)) == expected


def test_warm_up_readies_the_writers_and_the_pdf_worker(tmp_path: Path) -> None:
    """What ``briefing watch`` calls after its first round, so that the first save is quick."""
    import subprocess
    import sys

    project = make_project(tmp_path / "p", [LETTER])
    script = (
        "import sys; from briefing import parallel; parallel.warm_up(sys.argv[1]);"
        "print('briefing.writers.redline' in sys.modules,"
        " parallel._executor is not None if parallel.cores() > 1 else 'weasyprint' in sys.modules,"
        " parallel._in_worker)"
    )
    result = subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "False"]


def test_a_build_stopped_by_a_mistake_leaves_no_worker_behind(tmp_path: Path) -> None:
    """The console script stops its PDF worker (still loading WeasyPrint) instead of
    waiting for it, and no worker outlives the command: none keeps a core busy or the
    project's lock held."""
    import subprocess
    import sys

    project = make_project(tmp_path / "fout", [LETTER])
    template = project / "templates" / f"{LETTER}.md.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("slachtoffers.armeense_soldaten", "slachtoffers.armeense_soldatn", 1),
                        encoding="utf-8")
    script = "import sys; from briefing.cli import run; sys.argv[0] = 'briefing'; run()"
    result = subprocess.run([sys.executable, "-c", script, "build", "--jobs", "2", "--project", str(project)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "armeense_soldatn" in result.stderr and "Traceback" not in result.stderr
    left = subprocess.run(["pgrep", "-f", str(project)], capture_output=True, text=True).stdout.split()
    assert left == []
    assert not (project / "output" / f"{LETTER}.pdf").exists()
