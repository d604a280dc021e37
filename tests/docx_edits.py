"""Edit a built DOCX the ways users do: with python-docx, with Word's noise, through LibreOffice."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import docx
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in document.sections:
        for part in (section.first_page_header, section.header):
            yield from part.paragraphs
            for table in part.tables:
                for row in table.rows:
                    for cell in row.cells:
                        yield from cell.paragraphs


def replace(path: Path, *pairs: str) -> None:
    """Replace each OLD by NEW once (pairs: OLD, NEW, …), inside one run, as typing over a word does."""
    document = docx.Document(str(path))
    todo = list(zip(pairs[::2], pairs[1::2], strict=True))
    for paragraph in _paragraphs(document):
        for run in paragraph.runs:
            for pair in list(todo):
                old, new = pair
                if old in run.text:
                    run.text = run.text.replace(old, new, 1)
                    todo.remove(pair)
    # footnotes: python-docx has no API; edit the part's XML
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/footnotes") and todo:
            root = etree.fromstring(rel.target_part.blob)
            for t in root.iter(w("t")):
                for pair in list(todo):
                    if pair[0] in (t.text or ""):
                        t.text = t.text.replace(pair[0], pair[1], 1)
                        todo.remove(pair)
            blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            rel.target_part._blob = blob
    assert not todo, f"not found in the DOCX: {todo}"
    document.save(str(path))


def paragraph_after(path: Path, anchor: str, text: str) -> None:
    """Type a new paragraph (Enter, then text) after the body paragraph that contains ``anchor``."""
    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        if anchor in paragraph.text:
            new = paragraph._p.makeelement(w("p"), {})
            paragraph._p.addnext(new)
            run = etree.SubElement(new, w("r"))
            etree.SubElement(run, w("t")).text = text
            document.save(str(path))
            return
    raise AssertionError(f"no paragraph with {anchor!r}")


def delete_paragraph(path: Path, anchor: str) -> None:
    """Select a body paragraph that contains ``anchor`` and delete it."""
    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        if anchor in paragraph.text:
            paragraph._p.getparent().remove(paragraph._p)
            document.save(str(path))
            return
    raise AssertionError(f"no paragraph with {anchor!r}")


def bold(path: Path, word: str, how: str = "bold") -> None:
    """Select ``word`` (inside one run) and press Ctrl-B (or Ctrl-U: ``how="underline"``)."""
    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if word in run.text:
                before, after = run.text.split(word, 1)
                run.text = before
                middle = docx.text.run.Run(copy_run(run._r), paragraph)
                middle.text = word
                setattr(middle, how, True)
                rest = docx.text.run.Run(copy_run(run._r), paragraph)
                rest.text = after
                run._r.addnext(middle._r)
                middle._r.addnext(rest._r)
                document.save(str(path))
                return
    raise AssertionError(f"no run with {word!r}")


def copy_run(r):
    import copy

    new = copy.deepcopy(r)
    for t in new.findall(w("t")):
        new.remove(t)
    return new


def tracked(path: Path, old: str, new: str) -> None:
    """A pending tracked change: ``old`` deleted and ``new`` inserted, not yet accepted."""
    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if old in run.text:
                before, after = run.text.split(old, 1)
                run.text = before
                attrs = {w("id"): "901", w("author"): "Redacteur", w("date"): "2023-01-01T00:00:00Z"}
                deleted = etree.Element(w("del"), attrs)
                r = copy_run(run._r)
                etree.SubElement(r, w("delText")).text = old
                deleted.append(r)
                inserted = etree.Element(w("ins"), {**attrs, w("id"): "902"})
                r = copy_run(run._r)
                etree.SubElement(r, w("t")).text = new
                inserted.append(r)
                rest = copy_run(run._r)
                t = etree.SubElement(rest, w("t"))
                t.text = after
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                run._r.addnext(deleted)
                deleted.addnext(inserted)
                inserted.addnext(rest)
                document.save(str(path))
                return
    raise AssertionError(f"no run with {old!r}")


def wordify(path: Path) -> None:
    """What Word does to a file it saves: runs split at rsids, proofing marks, rendered page
    breaks, a ``_GoBack`` bookmark, paragraph ids — none of it changes what the letter says."""
    data = path.read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            blob = src.read(item.filename)
            if item.filename == "word/document.xml":
                blob = _noise(blob)
            dst.writestr(item, blob)
    path.write_bytes(out.getvalue())


def _noise(blob: bytes) -> bytes:
    root = etree.fromstring(blob)
    n = 0
    for p in root.iter(w("p")):
        n += 1
        p.set(f"{{{W14}}}paraId", f"{n:08X}")
        p.set(w("rsidR"), "00AB12CD")
        for r in list(p.findall(w("r"))):
            t = r.find(w("t"))
            content = [c for c in r if c.tag != w("rPr")]
            if t is None or content != [t] or not t.text or len(t.text) < 8:
                continue
            text = t.text
            cut = text.find(" ", len(text) // 2)
            if cut <= 0:
                continue
            import copy

            second = copy.deepcopy(r)
            t.text = text[:cut]
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            second.find(w("t")).text = text[cut:]
            second.find(w("t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            second.set(w("rsidR"), "00FE34AA")
            r.addnext(second)
            r.addnext(etree.Element(w("proofErr"), {w("type"): "spellStart"}))
            second.addnext(etree.Element(w("proofErr"), {w("type"): "spellEnd"}))
            lr = etree.SubElement(second, w("lastRenderedPageBreak"))
            second.remove(lr)
            second.insert(0 if second.find(w("rPr")) is None else 1, lr)
    body = root.find(w("body"))
    first = body.find(w("p"))
    first.append(etree.Element(w("bookmarkStart"), {w("id"): "777", w("name"): "_GoBack"}))
    first.append(etree.Element(w("bookmarkEnd"), {w("id"): "777"}))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def libreoffice(src: Path, dst: Path, *pairs: str) -> None:
    """Open ``src`` in LibreOffice Writer, find-and-replace each pair, save as Word to ``dst``."""
    python = "/usr/bin/python3"
    result = subprocess.run([python, str(ROOT / "tests" / "uno_edit.py"), str(src), str(dst), *pairs],
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert dst.is_file()


def texts(blob: bytes | Path, stories: tuple[str, ...] = ("body", "footnote")) -> list[str]:
    """The accepted text of a DOCX, paragraph by paragraph."""
    from briefing.docx_read import read_docx

    return [p.text for p in read_docx(blob if isinstance(blob, bytes) else Path(blob).read_bytes())
            if p.story in stories]


__all__ = ["bold", "delete_paragraph", "libreoffice", "paragraph_after", "replace", "texts", "tracked",
           "wordify"]
