"""The raw OOXML parts are built element by element: a house-style value with quotes or
angle brackets (from ``briefing.toml``) stays a value and cannot add attributes or elements."""

from __future__ import annotations

import io
import zipfile

from conftest import sample_letter
from lxml import etree

from briefing.huisstijl import HouseStyle
from briefing.writers import ooxml
from briefing.writers.docx import render_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SNEAKY_FONT = 'Verdana" w:evil="1'
SNEAKY_LANGUAGE = 'nl-NL"/><w:evil w:val="1'


def parts(style: HouseStyle) -> dict[str, etree._Element]:
    blob = render_docx(sample_letter(), style)
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {name: etree.fromstring(z.read(name)) for name in z.namelist() if name.endswith(".xml")}


def test_a_quote_in_a_house_style_value_stays_in_the_value() -> None:
    style = HouseStyle(font_docx=SNEAKY_FONT, font_woordmerk_docx="Georgia & <Co>", language=SNEAKY_LANGUAGE)
    xml = parts(style)  # every part is well-formed XML
    fonts = [f.get(f"{W}name") for f in xml["word/fontTable.xml"].iter(f"{W}font")]
    assert fonts == [SNEAKY_FONT, "Georgia & <Co>"]
    assert xml["word/settings.xml"].find(f"{W}themeFontLang").get(f"{W}val") == SNEAKY_LANGUAGE
    for root in xml.values():
        assert not list(root.iter(f"{W}evil"))
        assert not any(f"{W}evil" in e.attrib for e in root.iter())


def test_the_company_name_is_text_in_app_xml() -> None:
    root = etree.fromstring(ooxml.app_properties("Ministerie <van> \"Zaken\" & co"))
    company = root.find("{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Company")
    assert company.text == 'Ministerie <van> "Zaken" & co'


def test_numbering_levels_are_in_schema_order() -> None:
    lvl = ooxml.level(0, "decimal", "%1", 567, 567, style="Heading1", font="Verdana")
    assert [child.tag.removeprefix(W) for child in lvl] == [
        "start", "numFmt", "pStyle", "suff", "lvlText", "lvlJc", "pPr", "rPr"]
