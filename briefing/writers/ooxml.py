"""Raw OOXML that python-docx lacks: numbering, footnotes, fields, bookmarks,
floating tables and images, schema-ordered property children, and a reproducible zip.

Everything here builds or edits lxml elements (python-docx's ``oxml`` layer) and knows
nothing about letters. Word refuses ("repairs") a file whose elements are out of schema
order even where LibreOffice reads it silently, so every child goes in through
:func:`put`, which inserts it at its place in the sequence the schema prescribes.
"""

from __future__ import annotations

import copy
import io
import zipfile

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, nsmap, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from lxml import etree

# --------------------------------------------------------------------------- schema order

# Child sequences (ECMA-376 Part 1, wml.xsd) of the elements this package edits.
ORDER: dict[str, tuple[str, ...]] = {
    "w:pPr": (
        "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
        "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
        "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
        "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
        "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
        "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
        "w:sectPr", "w:pPrChange",
    ),
    "w:rPr": (
        "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
        "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
        "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
        "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
        "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
    ),
    "w:tblPr": (
        "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
        "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
        "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    ),
    "w:trPr": (
        "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
        "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
    ),
    "w:tcPr": (
        "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
        "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    ),
    "w:style": (
        "w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden",
        "w:uiPriority", "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:locked", "w:personal",
        "w:personalCompose", "w:personalReply", "w:rsid", "w:pPr", "w:rPr", "w:tblPr", "w:trPr",
        "w:tcPr", "w:tblStylePr",
    ),
    "w:sectPr": (
        "w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr", "w:type", "w:pgSz",
        "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType", "w:cols",
        "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
        "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
    ),
}


def el(tag: str, **attrs: str | int) -> BaseOxmlElement:
    """A new element ``tag`` with ``w:`` attributes (``val=1`` → ``w:val="1"``)."""
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def put(parent: BaseOxmlElement, child: BaseOxmlElement) -> BaseOxmlElement:
    """Insert ``child`` at its schema place in ``parent``, replacing one with the same tag."""
    order = ORDER[_prefixed(parent.tag)]
    tag = _prefixed(child.tag)
    for old in parent.findall(child.tag):
        if tag != "w:tblStylePr":
            parent.remove(old)
    later = {qn(t) for t in order[order.index(tag) + 1 :]}
    successor = next((c for c in parent if c.tag in later), None)
    if successor is not None:
        successor.addprevious(child)
    else:
        parent.append(child)
    return child


def put_in(parent: BaseOxmlElement, path: str, child: BaseOxmlElement) -> BaseOxmlElement:
    """``put`` ``child`` into the descendant ``path`` (``"w:pPr"``), creating it in order."""
    target = parent
    for step in path.split("/"):
        found = target.find(qn(step))
        target = found if found is not None else put(target, el(step))
    return put(target, child)


def _prefixed(clark: str) -> str:
    return "w:" + clark.rsplit("}", 1)[1]


# --------------------------------------------------------------------------- run and paragraph bits


def lang(value: str) -> BaseOxmlElement:
    """``w:lang`` for Latin, East Asian and complex script text."""
    return el("w:lang", val=value, eastAsia=value, bidi="ar-SA")


def fonts(name: str) -> BaseOxmlElement:
    """``w:rFonts`` naming one font for every script (so no theme font wins)."""
    return el("w:rFonts", ascii=name, hAnsi=name, eastAsia=name, cs=name)


def num_pr(num_id: int, ilvl: int = 0) -> BaseOxmlElement:
    """``w:numPr``: list ``num_id`` at level ``ilvl`` (``num_id`` 0 switches numbering off)."""
    numpr = el("w:numPr")
    numpr.append(el("w:ilvl", val=ilvl))
    numpr.append(el("w:numId", val=num_id))
    return numpr


def tabs(*positions: int) -> BaseOxmlElement:
    """``w:tabs`` with left tab stops at ``positions`` (twips)."""
    element = el("w:tabs")
    for pos in positions:
        element.append(el("w:tab", val="left", pos=pos))
    return element


def border(side: str, size: int = 4, color: str = "000000", val: str = "single") -> BaseOxmlElement:
    """One border line (``size`` in eighths of a point)."""
    return el(f"w:{side}", val=val, sz=size, space=0, color=color)


def borders(tag: str, **sides: BaseOxmlElement) -> BaseOxmlElement:
    """``w:tblBorders`` or ``w:tcBorders`` with sides in schema order."""
    element = el(tag)
    for side in ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV"):
        if side in sides:
            element.append(sides[side])
    return element


def no_borders() -> BaseOxmlElement:
    """``w:tblBorders`` that draw nothing."""
    return borders("w:tblBorders", **{s: border(s, 0, "auto", "nil") for s in
                                        ("top", "left", "bottom", "right", "insideH", "insideV")})


def cell_margins(top: int = 0, left: int = 0, bottom: int = 0, right: int = 0) -> BaseOxmlElement:
    """``w:tblCellMar`` in twips."""
    element = el("w:tblCellMar")
    for side, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        element.append(el(f"w:{side}", w=value, type="dxa"))
    return element


def floating(x: int, y: int) -> BaseOxmlElement:
    """``w:tblpPr`` placing a table at (x, y) twips from the page's top-left corner.

    LibreOffice ignores ``w:framePr`` frames in headers but positions a floating table.
    """
    return el("w:tblpPr", leftFromText=0, rightFromText=0, vertAnchor="page", horzAnchor="page",
              tblpX=x, tblpY=y)


# --------------------------------------------------------------------------- fields and bookmarks


def field(instr: str, result: str, rpr: BaseOxmlElement | None = None) -> list[BaseOxmlElement]:
    """The runs of a complex field: begin, instruction, separate, cached result, end."""

    def run(child: BaseOxmlElement) -> BaseOxmlElement:
        r = el("w:r")
        if rpr is not None:
            r.append(copy.deepcopy(rpr))
        r.append(child)
        return r

    instr_text = el("w:instrText")
    instr_text.set(qn("xml:space"), "preserve")
    instr_text.text = f" {instr} "
    text = el("w:t")
    text.set(qn("xml:space"), "preserve")
    text.text = result
    return [
        run(el("w:fldChar", fldCharType="begin")),
        run(instr_text),
        run(el("w:fldChar", fldCharType="separate")),
        run(text),
        run(el("w:fldChar", fldCharType="end")),
    ]


def bookmark(name: str, ident: int) -> tuple[BaseOxmlElement, BaseOxmlElement]:
    """A ``w:bookmarkStart``/``w:bookmarkEnd`` pair to put around runs."""
    return el("w:bookmarkStart", id=ident, name=name), el("w:bookmarkEnd", id=ident)


# --------------------------------------------------------------------------- numbering
# Every part below is built element by element (lxml escapes every value): a house-style
# value with a quote or a '<' (a font name, a language) stays a value.


def _tree(tag: str, *children: BaseOxmlElement, **attrs: str | int) -> BaseOxmlElement:
    """``el(tag, **attrs)`` with ``children`` appended in order."""
    element = el(tag, **attrs)
    element.extend(children)
    return element


def numbering(abstract: list[BaseOxmlElement], nums: list[BaseOxmlElement]) -> BaseOxmlElement:
    """The ``w:numbering`` root: every ``w:abstractNum`` first, then every ``w:num``."""
    return _tree("w:numbering", *abstract, *nums)


def abstract_num(ident: int, levels: list[BaseOxmlElement]) -> BaseOxmlElement:
    """A multilevel ``w:abstractNum`` with a fixed ``w:nsid`` (no random ids)."""
    return _tree(
        "w:abstractNum",
        el("w:nsid", val=f"{0x1B0000 + ident:08X}"),
        el("w:multiLevelType", val="multilevel"),
        *levels,
        abstractNumId=ident,
    )


def level(ilvl: int, fmt: str, text: str, indent: int, hanging: int, *,
          style: str | None = None, suffix: str = "tab", font: str | None = None) -> BaseOxmlElement:
    """One ``w:lvl``, children in schema order: start, numFmt, lvlRestart, pStyle, isLgl,
    suff, lvlText, lvlPicBulletId, legacy, lvlJc, pPr, rPr."""
    children = [el("w:start", val=1), el("w:numFmt", val=fmt)]
    if style:
        children.append(el("w:pStyle", val=style))
    children += [
        el("w:suff", val=suffix),
        el("w:lvlText", val=text),
        el("w:lvlJc", val="left"),
        _tree("w:pPr", _tree("w:tabs", el("w:tab", val="num", pos=indent)),
              el("w:ind", left=indent, hanging=hanging)),
    ]
    if font:
        children.append(_tree("w:rPr", el("w:rFonts", ascii=font, hAnsi=font)))
    return _tree("w:lvl", *children, ilvl=ilvl)


def num(ident: int, abstract: int, restart: tuple[int, int] | None = None) -> BaseOxmlElement:
    """A ``w:num`` instance; ``restart=(ilvl, start)`` makes this list start afresh."""
    element = _tree("w:num", el("w:abstractNumId", val=abstract), numId=ident)
    if restart is not None:
        element.append(_tree("w:lvlOverride", el("w:startOverride", val=restart[1]), ilvl=restart[0]))
    return element


# --------------------------------------------------------------------------- footnotes

FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def footnotes() -> BaseOxmlElement:
    """The ``w:footnotes`` root with the two separators Word writes (ids -1 and 0)."""
    root = OxmlElement("w:footnotes", nsdecls={prefix: nsmap[prefix] for prefix in ("w", "r")})
    for kind, ident, mark in (("separator", -1, "w:separator"),
                              ("continuationSeparator", 0, "w:continuationSeparator")):
        spacing = _tree("w:pPr", el("w:spacing", after=0, line=240, lineRule="auto"))
        paragraph = _tree("w:p", spacing, _tree("w:r", el(mark)))
        root.append(_tree("w:footnote", paragraph, type=kind, id=ident))
    return root


# --------------------------------------------------------------------------- settings

# Constant: what Word writes for a fresh document. The two values are set on the parsed tree.
_SETTINGS = (
    f'<w:settings {nsdecls("w", "r")}>'
    '<w:zoom w:percent="100"/>'
    '<w:proofState w:spelling="clean" w:grammar="clean"/>'
    '<w:defaultTabStop w:val="720"/>'
    '<w:autoHyphenation/><w:consecutiveHyphenLimit w:val="2"/><w:hyphenationZone w:val="425"/>'
    '<w:characterSpacingControl w:val="doNotCompress"/>'
    '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word"'
    ' w:val="15"/></w:compat>'
    '<w:themeFontLang w:val="nl-NL"/>'
    '<w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" w:accent1="accent1"'
    ' w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" w:accent5="accent5"'
    ' w:accent6="accent6" w:hyperlink="hyperlink" w:followedHyperlink="followedHyperlink"/>'
    '<w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/>'
    "</w:settings>"
)


def settings(language: str, tab_stop: int) -> BaseOxmlElement:
    """``w:settings`` as Word writes it for a fresh document: hyphenation on, footnote
    separators declared, Word 2013+ layout; no rsids, so no random ids."""
    root = parse_xml(_SETTINGS)
    root.find(qn("w:defaultTabStop")).set(qn("w:val"), str(tab_stop))
    root.find(qn("w:themeFontLang")).set(qn("w:val"), language)
    return root


def _xml_bytes(root: etree._Element) -> bytes:
    """A part's bytes as Word writes them: declaration with ``standalone='yes'``."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def app_properties(company: str) -> bytes:
    """``docProps/app.xml`` without a template, timings or counts of another document."""
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    root = etree.Element(f"{{{ns}}}Properties", nsmap={None: ns, "vt": vt})
    for name, value in (("Application", "briefing"), ("DocSecurity", "0"), ("ScaleCrop", "false"),
                        ("Company", company), ("LinksUpToDate", "false"), ("SharedDoc", "false"),
                        ("HyperlinksChanged", "false")):
        etree.SubElement(root, f"{{{ns}}}{name}").text = value
    return _xml_bytes(root)


PANOSE = {"Verdana": "020B0604030504040204", "Georgia": "02040502050405020303"}


def font_table(fonts: tuple[tuple[str, str], ...]) -> bytes:
    """``word/fontTable.xml`` naming the fonts used, with their family (``swiss``,
    ``roman``) and, where known, PANOSE, so a reader without the font picks a close one."""
    root = OxmlElement("w:fonts")
    for name, family in dict(fonts).items():
        children = [el("w:panose1", val=PANOSE[name])] if name in PANOSE else []
        children += [el("w:charset", val="00"), el("w:family", val=family), el("w:pitch", val="variable")]
        root.append(_tree("w:font", *children, name=name))
    return _xml_bytes(root)


# --------------------------------------------------------------------------- floating image

_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_ANCHOR = (
    f'<wp:anchor {nsdecls("wp", "a", "pic", "r")} distT="0" distB="0" distL="0" distR="0"'
    ' simplePos="0" relativeHeight="0" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1">'
    '<wp:simplePos x="0" y="0"/>'
    '<wp:positionH relativeFrom="page"><wp:align/></wp:positionH>'
    '<wp:positionV relativeFrom="page"><wp:posOffset/></wp:positionV>'
    '<wp:extent cx="0" cy="0"/>'
    '<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
    '<wp:docPr id="0" name="" descr=""/>'
    '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
    "</wp:anchor>"
)


def anchor(inline: BaseOxmlElement, *, x_align: str, y: int, behind: bool, ident: int,
           name: str, descr: str) -> BaseOxmlElement:
    """Turn python-docx's ``wp:inline`` picture into a ``wp:anchor`` placed on the page:
    horizontally aligned (``center``), ``y`` EMU from the top edge, not wrapping text."""
    extent = inline.find(qn("wp:extent"))
    graphic = inline.find(qn("a:graphic"))
    element = parse_xml(_ANCHOR)
    element.set("relativeHeight", str(251658240 + ident))
    element.set("behindDoc", str(int(behind)))
    element.find(f"{{{_WP}}}positionH/{{{_WP}}}align").text = x_align
    element.find(f"{{{_WP}}}positionV/{{{_WP}}}posOffset").text = str(y)
    size = element.find(f"{{{_WP}}}extent")
    size.set("cx", extent.get("cx"))
    size.set("cy", extent.get("cy"))
    doc_pr = element.find(f"{{{_WP}}}docPr")
    for key, value in (("id", str(ident)), ("name", name), ("descr", descr)):
        doc_pr.set(key, value)
    element.append(graphic)
    return element


# --------------------------------------------------------------------------- reproducible zip

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def reproducible_zip(blob: bytes) -> bytes:
    """Rewrite a package with fixed timestamps, entry order and compression, so the same
    document gives the same bytes on any day ([Content_Types].xml first, as Word writes)."""
    with zipfile.ZipFile(io.BytesIO(blob)) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    first = ["[Content_Types].xml", "_rels/.rels"]
    names = [n for n in first if n in entries] + sorted(n for n in entries if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()
