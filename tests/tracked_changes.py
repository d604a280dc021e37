"""Accepting and rejecting Word tracked changes by XML, as Word's "accept all" and
"reject all" do, and a document's text with its formatting, for comparing results."""

from __future__ import annotations

import copy
import io
import re
import zipfile

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
P, R, RPR, PPR, TR, TRPR = (f"{W}{t}" for t in ("p", "r", "rPr", "pPr", "tr", "trPr"))
INS, DEL = f"{W}ins", f"{W}del"


def parts(blob: bytes) -> dict[str, etree._Element]:
    """The text-holding parts of a DOCX: body, footnotes, headers."""
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist()
                if re.fullmatch(r"word/(document|footnotes|header\d+)\.xml", n)}


def resolve(root: etree._Element, accept: bool) -> etree._Element:
    """What Word's "accept all" (or "reject all") leaves of a part, done by XML."""
    keep, drop = (INS, DEL) if accept else (DEL, INS)
    root = copy.deepcopy(root)
    for tr in list(root.iter(TR)):
        trpr = tr.find(TRPR)
        if trpr is not None and trpr.find(drop) is not None:
            tr.getparent().remove(tr)
    for e in list(root.iter(drop)):
        if e.getparent().tag != RPR:  # paragraph marks: below
            e.getparent().remove(e)
    for e in list(root.iter(keep)):
        parent = e.getparent()
        if parent.tag in (RPR, TRPR):
            parent.remove(e)
            continue
        at = parent.index(e)
        for child in list(e):
            parent.insert(at, child)
            at += 1
        parent.remove(e)
    if not accept:
        for e in root.iter(f"{W}delText"):
            e.tag = f"{W}t"
        for e in root.iter(f"{W}delInstrText"):
            e.tag = f"{W}instrText"
    for p in reversed(list(root.iter(P))):  # a removed paragraph mark joins the next paragraph
        mark = p.find(f"{PPR}/{RPR}/{drop}")
        if mark is None:
            continue
        content = [c for c in p if c.tag != PPR]
        following = p.getnext()
        if any("".join(c.itertext()) for c in content) and following is not None and following.tag == P:
            at = 1 if following.find(PPR) is not None else 0
            for child in content:
                following.insert(at, child)
                at += 1
        p.getparent().remove(p)
    return root


def formatted(root: etree._Element) -> list[list[tuple[str, str]]]:
    """Every paragraph as (run properties, text) stretches: text and its formatting."""
    out = []
    for p in root.iter(P):
        runs: list[tuple[str, str]] = []
        for r in p.iter(R):
            rpr = r.find(RPR)
            key = etree.tostring(rpr).decode() if rpr is not None else ""
            for child in r:
                tag = etree.QName(child).localname
                text = {"t": child.text or "", "tab": "\t", "br": "\n",
                        "footnoteReference": "[^]", "footnoteRef": "[^]", "delText": "<DEL>"}.get(tag, "")
                if not text:
                    continue
                if runs and runs[-1][0] == key:
                    runs[-1] = (key, runs[-1][1] + text)
                else:
                    runs.append((key, text))
        out.append(runs)
    return out


def texts(root: etree._Element) -> list[str]:
    return ["".join(t for _, t in para) for para in formatted(root)]
