"""A document in parts (DESIGN §4a): the rendered text → the cover letter and the answers.

Two steps around the parser, so that the whole document is parsed at once (footnotes
are defined anywhere and numbered through the document):

- :func:`assemble` (rendered Markdown → Markdown to parse): for ``soort: antwoorden``
  it checks that every question is answered exactly once, and rewrites each
  ``antwoord(…)`` marker line into marker paragraphs with the title line and the
  questions (literal text from the facts, escaped) between them; the notes of the
  questions become footnote definitions. A Kamerbrief's text passes unchanged.
- :func:`split` (parsed :class:`Letter` → Letter with parts): cuts the blocks at the
  marker paragraphs into the cover letter and an :class:`AnswersPart`.

Every problem names the question (number and first words), and the template line of
the ``antwoord(…)`` or the facts line of the question.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from briefing import dutch
from briefing.antwoorden import MARKER, vragenstellers
from briefing.errors import FactsError, InputError, Problems, TemplateError
from briefing.facts import LetterFacts
from briefing.model import Answer, AnswersPart, Block, Heading, Letter, Link, Paragraph, Question, Text
from briefing.render import escape_markdown

__all__ = ["NOTE_PREFIX", "assemble", "excerpt", "split", "title_text"]

SCHEME = "briefing:"
_PART = f"{SCHEME}antwoorden"  # the answers part starts (its title follows)
_ANSWER = f"{SCHEME}antwoord:"  # an answer starts: its questions follow
_TEXT = f"{SCHEME}tekst"  # the answer's own text follows
NOTE_PREFIX = "kamervragen.noten."  # label of a question's footnote in the model
_CALL = re.compile(r"\[\^([^\]\s]+)\]")


@dataclass(frozen=True, slots=True)
class _Call:
    """One ``{{ antwoord(…) }}`` in the rendered text."""

    numbers: tuple[int, ...]
    file: str
    line: int | None
    index: int  # its line in the rendered text (0-based)

    @property
    def written(self) -> str:
        return f"antwoord({', '.join(str(n) for n in self.numbers)})"


# --------------------------------------------------------------------------- assemble


def assemble(markdown: str, facts: LetterFacts, project: Path) -> str:
    """The rendered text as the parser gets it: answers checked and marked (see above)."""
    if facts.meta.soort != "antwoorden":
        return markdown
    root = Path(project)
    template = _shown(facts.template, root)
    kamervragen = facts.facts["kamervragen"]  # load_letter made sure it is there, and valid
    vragen = [str(v) for v in kamervragen["vragen"]]
    noten = {str(k): str(v) for k, v in (kamervragen.get("noten") or {}).items()}
    letter_file = _shown(facts.path, root)
    lines = markdown.split("\n")
    problems: list[InputError] = []

    calls: list[_Call] = []
    misplaced: set[int] = set()  # lines where antwoord(…) shares its line with text
    for index, text in enumerate(lines):
        for m in MARKER.finditer(text):
            numbers = tuple(int(n) for n in m["numbers"].split(","))
            call = _Call(numbers, f"templates/{m['name']}" if m["name"] else template,
                         int(m["line"]) if m["line"] else None, index)
            if text.strip() != m.group(0):
                misplaced.add(index)
                problems.append(TemplateError(
                    f"{call.written} moet alleen op een eigen regel staan", call.file, call.line,
                    hint="het antwoord volgt op de regel eronder (of na een lege regel)",
                ))
            calls.append(call)
    if not calls:
        raise TemplateError(
            "de beantwoording bevat geen enkel antwoord", template,
            hint="zet per antwoord {{ antwoord(1) }} op een eigen regel, met het antwoord eronder",
        )

    answered: dict[int, _Call] = {}
    for k, call in enumerate(calls):
        end = calls[k + 1].index if k + 1 < len(calls) else len(lines)
        if not "\n".join(lines[call.index + 1 : end]).strip() and call.index not in misplaced:
            problems.append(TemplateError(f"{call.written} heeft geen tekst", call.file, call.line,
                                          hint="schrijf het antwoord onder de regel met antwoord(…)"))
        for n in call.numbers:
            if n > len(vragen):
                problems.append(TemplateError(
                    f"{call.written}: er is geen vraag {n}", call.file, call.line,
                    hint=f"kamervragen.vragen telt {len(vragen)} {'vraag' if len(vragen) == 1 else 'vragen'}",
                ))
            elif n in answered:
                first = answered[n]
                where = f"regel {first.line}" if first.file == call.file else f"{first.file}:{first.line}"
                problems.append(TemplateError(
                    f"vraag {n} ({excerpt(vragen[n - 1])}) wordt twee keer beantwoord", call.file, call.line,
                    hint=f"eerder met {first.written} op {where}",
                ))
            else:
                answered[n] = call
    for n, vraag in enumerate(vragen, 1):
        if n not in answered:
            problems.append(FactsError(
                f"vraag {n} ({excerpt(vraag)}) wordt niet beantwoord", letter_file,
                facts.lines.get(f"kamervragen.vragen.{n - 1}"),
                hint=f"zet {{{{ antwoord({n}) }}}} op een eigen regel in {template}, "
                "met het antwoord eronder",
            ))
    used: set[str] = set()
    for n, vraag in enumerate(vragen, 1):
        for label in _CALL.findall(vraag):
            used.add(label)
            if label not in noten:
                problems.append(FactsError(
                    f"vraag {n} verwijst naar voetnoot [^{label}], "
                    "maar die staat niet onder kamervragen.noten",
                    letter_file, facts.lines.get(f"kamervragen.vragen.{n - 1}"),
                    hint=f"voeg onder noten: de regel '{label}: …' toe",
                ))
    for label in noten:
        if label not in used:
            problems.append(FactsError(
                f"noot '{label}' onder kamervragen.noten wordt in geen enkele vraag gebruikt", letter_file,
                facts.lines.get(f"kamervragen.noten.{label}"),
                hint=f"verwijs ernaar met [^{label}] in een vraag",
            ))
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise Problems(problems)

    title = escape_markdown(title_text(kamervragen, facts))
    out = [*lines[: calls[0].index], "", f"<{_PART}>", "", title, ""]
    for k, call in enumerate(calls):
        end = calls[k + 1].index if k + 1 < len(calls) else len(lines)
        out += [f"<{_ANSWER}{','.join(str(n) for n in call.numbers)}>", ""]
        for n in call.numbers:
            out += [_question_markdown(vragen[n - 1]), ""]
        out += [f"<{_TEXT}>", "", *lines[call.index + 1 : end], ""]
    for label, text in noten.items():
        out += [f"[^{NOTE_PREFIX}{label}]: {escape_markdown(text)}", ""]
    return "\n".join(out)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def excerpt(text: str, words: int = 6) -> str:
    """The first words of a question, quoted: ``‘Bent u bekend met het bericht…’``."""
    parts = _CALL.sub("", text).split()
    shown = " ".join(parts[:words])
    return f"\u2018{shown}{'…' if len(parts) > words else ''}\u2019"


def _question_markdown(text: str) -> str:
    """A question as literal Markdown text, except its calls of ``kamervragen.noten``."""
    out, start = [], 0
    for m in _CALL.finditer(text):
        if m.start() > start:
            out.append(escape_markdown(text[start : m.start()]))
        out.append(f"[^{NOTE_PREFIX}{m[1]}]")
        start = m.end()
    if start < len(text):
        out.append(escape_markdown(text[start:]))
    return "".join(out)


def title_text(kamervragen: Mapping[str, Any], facts: LetterFacts) -> str:
    """``Antwoorden van … op vragen van … over … (ingezonden …, kenmerk)``."""
    van = kamervragen.get("antwoorden_van") or _first_function(facts)
    ingezonden = kamervragen["ingezonden"]
    if not isinstance(ingezonden, date):
        ingezonden = date.fromisoformat(str(ingezonden))  # the schema checked the format
    return (
        f"Antwoorden van {van} op vragen van {vragenstellers(kamervragen)} over {kamervragen['onderwerp']} "
        f"(ingezonden {dutch.datum(ingezonden)}, {kamervragen['kenmerk']})"
    )


def _first_function(facts: LetterFacts) -> str:
    """``De minister van Buitenlandse Zaken,`` → ``de minister van Buitenlandse Zaken``."""
    functie = facts.meta.ondertekenaars[0].functie.strip().rstrip(",").strip()
    return functie[:1].lower() + functie[1:]


# --------------------------------------------------------------------------- split


def _marker(block: Block) -> str | None:
    """The target of a marker paragraph (``briefing:…``), or None for any other block."""
    if isinstance(block, Paragraph) and len(block.inlines) == 1:
        link = block.inlines[0]
        if isinstance(link, Link) and link.target.startswith(SCHEME):
            return link.target if link.children == (Text(link.target),) else None
    return None


def split(letter: Letter) -> Letter:
    """Cut the parsed blocks at the marker paragraphs of :func:`assemble` into parts."""
    blocks = letter.blocks
    start = next((i for i, b in enumerate(blocks) if _marker(b) == _PART), None)
    if start is None:
        return letter
    title = blocks[start + 1]
    assert isinstance(title, Paragraph)
    answers: list[Answer] = []
    i = start + 2
    while i < len(blocks):
        target = _marker(blocks[i])
        assert target is not None and target.startswith(_ANSWER), target
        numbers = [int(n) for n in target[len(_ANSWER):].split(",")]
        i += 1
        questions: list[Question] = []
        while _marker(blocks[i]) != _TEXT:
            question = blocks[i]
            assert isinstance(question, Paragraph)
            questions.append(Question(numbers[len(questions)], question.inlines))
            i += 1
        i += 1
        body: list[Block] = []
        while i < len(blocks) and _marker(blocks[i]) is None:
            if isinstance(blocks[i], Heading):
                raise TemplateError(
                    "een kop kan niet in een antwoord", line=blocks[i].line,
                    hint="de antwoorden hebben geen paragrafen; schrijf de tekst als alinea's",
                )
            body.append(blocks[i])
            i += 1
        answers.append(Answer(tuple(questions), tuple(body)))
    return replace(letter, blocks=blocks[:start], parts=(AnswersPart(title.inlines, tuple(answers)),))
