"""The redline (the new letter with Word tracked changes), checked as a reviewer would:
accept every change and get the new letter, reject every change and get the old one;
open it in LibreOffice; validate it against the OOXML schema."""

from __future__ import annotations

import io
import re
import subprocess
import uuid
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import sample_letter, sample_meta
from lxml import etree
from openxml_audit import OpenXmlValidator, ValidationErrorType
from tracked_changes import DEL, INS, PPR, RPR, TR, TRPR, P, W, formatted, parts, resolve, texts

from briefing.huisstijl import HouseStyle
from briefing.model import Letter
from briefing.numbering import number
from briefing.parse import parse
from briefing.writers.docx import render_docx
from briefing.writers.redline import render_redline

OLD_MD = """\
Op 3 oktober jl. verzocht de vaste commissie mij te rapporteren.

# Stand van zaken {#stand}

Op 13 en 14 september jl. vonden er *hevige* gevechten plaats[^gevecht]. Volgens de Armeense \
berichtgeving kostten de gevechten het leven aan 207 Armeense soldaten. Zie <ref:vervolg>.

- Armenië: 207 soldaten
- Azerbeidzjan: 80 soldaten
- Georgië: geen

| Land | Soldaten |
|---|--:|
| Armenië | 207 |
| Azerbeidzjan | 80 |

# Oud hoofdstuk {#oud}

Deze alinea verdwijnt geheel[^weg].

# Vervolg vredesbesprekingen {#vervolg}

Op 31 oktober jl. kwamen de leiders samen in Sotsji o.l.v. de Russische President Poetin. \
Dit gesprek leidde niet tot een doorbraak.

[^gevecht]: Kamerstuk 21 501-02, nr. 2540.
[^weg]: Een voetnoot die verdwijnt.
"""

NEW_MD = """\
Op 3 oktober jl. verzocht de vaste commissie mij te rapporteren.

# Stand van zaken in het conflict {#stand}

Op 13 en 14 september jl. vonden er *hevige* gevechten plaats[^gevecht]. Volgens de Armeense \
berichtgeving kostten de gevechten het leven aan 210 Armeense soldaten[^bron]. Zie <ref:vervolg>.

- Armenië: 210 soldaten
- Azerbeidzjan: 80 soldaten

| Land | Soldaten |
|---|--:|
| Armenië | 210 |
| Azerbeidzjan | 80 |
| Georgië | 0 |

# Vervolg vredesbesprekingen {#vervolg}

Op 28 oktober jl. kwamen de leiders samen in Sotsji o.l.v. de Russische President Poetin. \
Dit gesprek leidde niet tot een doorbraak.

Een geheel nieuwe alinea met een [link](https://www.rijksoverheid.nl).

[^gevecht]: Kamerstuk 21 501-02, nr. 2541.
[^bron]: Armeense berichtgeving, 15 september 2022.
"""


def old_letter() -> Letter:
    return number(parse(OLD_MD, sample_meta()))


def new_letter() -> Letter:
    meta = sample_meta(
        betreft="Verslag bezoek ambassadeur aan het Armeense grensgebied",
        kenmerk="BZ2213999",
        bijlagen=("Verslag van de waarnemersmissie",),
        slot="Met vriendelijke groet,",
    )
    return number(parse(NEW_MD, meta))


@pytest.fixture(scope="module")
def docs() -> dict[str, bytes]:
    style = HouseStyle()
    old, new = old_letter(), new_letter()
    return {"old": render_docx(old, style), "new": render_docx(new, style),
            "redline": render_redline(old, new, style)}


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("part", ["word/document.xml", "word/header1.xml", "word/header2.xml"])
def test_accepting_all_changes_gives_the_new_letter(docs, part: str) -> None:
    accepted = resolve(parts(docs["redline"])[part], accept=True)
    assert formatted(accepted) == formatted(parts(docs["new"])[part])


@pytest.mark.parametrize("part", ["word/document.xml", "word/header1.xml", "word/header2.xml"])
def test_rejecting_all_changes_gives_the_old_letter(docs, part: str) -> None:
    rejected = resolve(parts(docs["redline"])[part], accept=False)
    assert formatted(rejected) == formatted(parts(docs["old"])[part])


def test_footnotes_accept_to_the_new_and_reject_to_the_old(docs) -> None:
    redline = parts(docs["redline"])["word/footnotes.xml"]
    new, old = (parts(docs[k])["word/footnotes.xml"] for k in ("new", "old"))
    assert formatted(resolve(redline, accept=True)) == formatted(new)
    # Rejected, the old notes are all there; the deleted one sits after the new ones.
    assert Counter(texts(resolve(redline, accept=False))) == Counter(texts(old))


def test_changes_are_word_level_within_the_sentence(docs) -> None:
    body = parts(docs["redline"])["word/document.xml"]
    para = next(p for p in body.iter(P) if "Armeense soldaten" in "".join(p.itertext()))
    deleted = ["".join(d.itertext()) for d in para.iter(DEL)]
    inserted = ["".join(i.itertext()) for i in para.iter(INS)]
    assert "207" in deleted and "210" in inserted
    unchanged = "".join(t.text for t in para.iter(f"{W}t") if not any(
        a.tag in (INS, DEL) for a in t.iterancestors()))
    assert "kostten de gevechten het leven aan " in unchanged
    assert "hevige" in unchanged  # the italic word survives as it was
    # The footnote call that came with the change is inserted too.
    assert any(i.find(f".//{W}footnoteReference") is not None for i in para.iter(INS))


def test_every_part_of_the_letter_is_covered(docs) -> None:
    xml = parts(docs["redline"])
    body = xml["word/document.xml"]

    def changed(root, tag: str) -> str:
        return " | ".join("".join(e.itertext()) for e in root.iter(tag) if e.getparent().tag != RPR)

    deleted, inserted = changed(body, DEL), changed(body, INS)
    assert "Stand van zaken in het conflict" in "".join(body.itertext())
    assert "in het conflict" in inserted  # heading
    assert "Georgië: geen" in deleted  # a list item removed as a whole
    assert "Oud hoofdstuk" in deleted and "Deze alinea verdwijnt geheel" in deleted
    assert "Een geheel nieuwe alinea met een" in inserted and "link" in inserted
    assert "31" in deleted and "28" in inserted
    assert "het Armeense" in inserted  # Betreft
    assert "Met vriendelijke groet" in inserted and "Hoogachtend" in deleted  # slot
    assert "Kaart van het grensgebied" in deleted  # bijlagen
    # A table row inserted: the row itself is marked, not only its text.
    rows = [tr for tr in body.iter(TR) if tr.find(f"{TRPR}/{INS}") is not None]
    assert ["".join(tr.itertext()) for tr in rows] == ["Georgië0"]
    # Whole paragraphs carry the mark on their paragraph mark as well.
    assert any(p.find(f"{PPR}/{RPR}/{DEL}") is not None and "Oud hoofdstuk" in "".join(p.itertext())
               for p in body.iter(P))
    # The colofon (header): Ons kenmerk and the number of enclosures.
    first = xml["word/header1.xml"]
    assert "BZ2213517" in changed(first, DEL) and "BZ2213999" in changed(first, INS)
    assert "2" in changed(first, DEL) and "1" in changed(first, INS)
    # Footnotes: a changed note word by word, a new note inserted, an old one deleted.
    notes = xml["word/footnotes.xml"]
    assert "2540" in changed(notes, DEL) and "2541" in changed(notes, INS)
    assert "Armeense berichtgeving, 15 september 2022" in changed(notes, INS)
    assert "Een voetnoot die verdwijnt." in changed(notes, DEL)


def test_a_deleted_footnote_call_points_at_the_deleted_note(docs) -> None:
    xml = parts(docs["redline"])
    body, notes = xml["word/document.xml"], xml["word/footnotes.xml"]
    calls = [ref.get(f"{W}id") for d in body.iter(DEL) for ref in d.iter(f"{W}footnoteReference")]
    assert len(calls) == 1
    (note,) = [n for n in notes if n.get(f"{W}id") == calls[0]]
    assert "".join(note.itertext()).strip() == "Een voetnoot die verdwijnt."
    ids = [n.get(f"{W}id") for n in notes]
    assert len(ids) == len(set(ids))


def test_field_results_that_change_are_tracked(docs) -> None:
    """``paragraaf 3`` became ``paragraaf 2`` (a section was removed): the REF field is
    deleted and inserted whole, field code included."""
    body = parts(docs["redline"])["word/document.xml"]
    deleted = [d for d in body.iter(DEL) if d.find(f".//{W}delInstrText") is not None]
    inserted = [i for i in body.iter(INS) if i.find(f".//{W}instrText") is not None]
    assert ["".join(d.itertext()).split()[-1] for d in deleted] == ["3"]
    assert ["".join(i.itertext()).split()[-1] for i in inserted] == ["2"]


def test_revisions_carry_author_date_and_unique_ids(docs) -> None:
    ids = []
    for root in parts(docs["redline"]).values():
        for e in root.iter(INS, DEL):
            assert e.get(f"{W}author") == "briefing"
            assert e.get(f"{W}date") == "2022-12-09T00:00:00Z"  # the new letter's date
            ids.append(e.get(f"{W}id"))
        ids += [b.get(f"{W}id") for b in root.iter(f"{W}bookmarkStart")]
    assert len(ids) == len(set(ids))


def test_unchanged_letter_gives_no_revisions() -> None:
    letter = sample_letter()
    blob = render_redline(letter, letter, HouseStyle())
    for root in parts(blob).values():
        assert next(root.iter(INS, DEL), None) is None
    assert formatted(parts(blob)["word/document.xml"]) == formatted(
        parts(render_docx(letter, HouseStyle()))["word/document.xml"])


def test_same_letters_give_the_same_bytes(docs) -> None:
    assert render_redline(old_letter(), new_letter(), HouseStyle()) == docs["redline"]


def test_track_changes_stays_on_for_the_reviewer(docs) -> None:
    with zipfile.ZipFile(io.BytesIO(docs["redline"])) as z:
        settings = etree.fromstring(z.read("word/settings.xml"))
    assert settings.find(f"{W}trackRevisions") is not None
    assert settings.find(f"{W}revisionView") is None  # LibreOffice and Word show the changes


def test_openxml_audit_finds_no_schema_errors(docs, tmp_path: Path) -> None:
    path = tmp_path / "wijzigingen.docx"
    path.write_bytes(docs["redline"])
    result = OpenXmlValidator(max_errors=0).validate(str(path))
    schema = [str(e) for e in result.errors if e.error_type is ValidationErrorType.SCHEMA]
    assert schema == []


def test_libreoffice_opens_it_and_shows_old_and_new(docs, tmp_path: Path) -> None:
    source = tmp_path / "wijzigingen.docx"
    source.write_bytes(docs["redline"])
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "wijzigingen.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    text = re.sub(r"\s+", " ", text)
    # Shown with changes: deleted words stay visible (struck through) beside the new ones.
    assert "207210 Armeense soldaten" in text
    assert "Oud hoofdstuk" in text and "Een geheel nieuwe alinea" in text
