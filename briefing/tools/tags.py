"""Print a PDF's structure tree, with the text of each element, and its artifacts.

    python -m briefing.tools.tags output/armenie-azerbeidzjan.pdf

Shows what a screen reader gets: every structure element (``/S``, with ``/Alt``,
``/ActualText``, ``/ID``, ``/Scope``, ``/ListNumbering`` and a link's ``/Contents``),
the text its marked content paints (its ``/ActualText`` where it has one), and per
page the artifacts (content outside the tree, such as running page numbers) with
their text. Elements that are in the
parent tree but cannot be reached from the root are listed as detached.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

__all__ = ["Element", "StructTree", "dump", "main", "read"]


@dataclass
class Element:
    """One structure element: its type, attributes, text and children."""

    type: str
    attributes: dict[str, str] = field(default_factory=dict)
    text: str = ""  # the text of the marked content it holds directly
    children: list[Element] = field(default_factory=list)
    page: int | None = None  # 1-based page of its first content, if any

    def walk(self) -> Iterator[Element]:
        """This element and all below it, in tree (reading) order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def all_text(self) -> str:
        """All the text of this element and below, in reading order."""
        return "".join(e.text for e in self.walk())

    def find(self, type_: str) -> list[Element]:
        """Every element of ``type_`` at or below this one, in reading order."""
        return [e for e in self.walk() if e.type == type_]


@dataclass
class StructTree:
    """A PDF's structure tree as read by :func:`read`."""

    root: Element
    artifacts: dict[int, list[tuple[str, str]]]  # page → [(artifact /Type, text)]
    detached: list[Element]  # elements in the parent tree that the root does not reach
    lang: str | None
    id_tree: set[str]  # the keys of the /IDTree


def read(path: Path | str | bytes) -> StructTree:
    """Read the structure tree of a PDF file (or PDF bytes)."""
    import io

    source = io.BytesIO(path) if isinstance(path, bytes) else path
    with pikepdf.open(source) as pdf:
        texts, artifacts = _marked_content(pdf)
        page_numbers = {page.objgen: n for n, page in enumerate(pdf.pages, 1)}
        root = pdf.Root.get("/StructTreeRoot")
        seen: set[tuple[int, int]] = set()
        tree = Element("StructTreeRoot") if root is None else _element(root, None, texts, page_numbers, seen)
        detached = _detached(root, texts, page_numbers, seen) if root is not None else []
        lang = str(pdf.Root["/Lang"]) if "/Lang" in pdf.Root else None
        ids = _name_tree_keys(root.get("/IDTree")) if root is not None else set()
        return StructTree(tree, artifacts, detached, lang, ids)


def _element(
    node: pikepdf.Dictionary,
    page: int | None,
    texts: dict[tuple[int, int], str],
    page_numbers: dict[tuple[int, int], int],
    seen: set[tuple[int, int]],
) -> Element:
    if node.is_indirect:
        seen.add(node.objgen)
    kind = str(node.get("/S", node.get("/Type", "?")))[1:]
    element = Element(kind)
    if "/Pg" in node:
        page = page_numbers.get(node.Pg.objgen, page)
    element.page = page
    for key in ("/Alt", "/ActualText", "/ID", "/T", "/Lang"):
        if key in node:
            element.attributes[key[1:]] = str(node[key])
    for attrs in _attribute_dicts(node):
        for key in ("/Scope", "/ListNumbering", "/Headers"):
            if key in attrs:
                value = attrs[key]
                element.attributes[key[1:]] = (
                    " ".join(str(v) for v in value) if isinstance(value, pikepdf.Array) else str(value)
                )
    kids = node.get("/K")
    if kids is None:
        kids = []
    elif not isinstance(kids, pikepdf.Array):
        kids = [kids]
    parts: list[str] = []
    for kid in kids:
        if isinstance(kid, int):
            parts.append(texts.get((page or 0, int(kid)), ""))
        elif isinstance(kid, pikepdf.Dictionary):
            kind = kid.get("/Type")
            if kind == "/MCR":
                kid_page = page_numbers.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                parts.append(texts.get((kid_page or 0, int(kid.MCID)), ""))
            elif kind == "/OBJR":
                annotation = kid.Obj
                contents = str(annotation.get("/Contents", ""))
                element.attributes["Annot"] = str(annotation.get("/Subtype", "?"))[1:]
                element.attributes["Contents"] = contents
                element.attributes["Flags"] = str(int(annotation.get("/F", 0)))
            else:
                element.children.append(_element(kid, page, texts, page_numbers, seen))
    element.text = "".join(parts)
    return element


def _attribute_dicts(node: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    attrs = node.get("/A")
    if attrs is None:
        return []
    if isinstance(attrs, pikepdf.Array):
        return [a for a in attrs if isinstance(a, pikepdf.Dictionary)]
    return [attrs] if isinstance(attrs, pikepdf.Dictionary) else []


def _detached(
    root: pikepdf.Dictionary,
    texts: dict[tuple[int, int], str],
    page_numbers: dict[tuple[int, int], int],
    seen: set[tuple[int, int]],
) -> list[Element]:
    """Elements named in the parent tree that the walk from the root never reached."""
    out: list[Element] = []
    tree = root.get("/ParentTree")
    if tree is None:
        return out
    for value in _number_tree_values(tree):
        for item in value if isinstance(value, pikepdf.Array) else [value]:
            if not isinstance(item, pikepdf.Dictionary) or not item.is_indirect or item.objgen in seen:
                continue
            # Climb to the highest unreached ancestor, then show it whole.
            top = item
            while "/P" in top and top.P.is_indirect and top.P.objgen not in seen and "/S" in top.P:
                top = top.P
            if top.objgen not in seen:
                out.append(_element(top, None, texts, page_numbers, seen))
    return out


def _number_tree_values(node: pikepdf.Dictionary) -> Iterator[pikepdf.Object]:
    if "/Nums" in node:
        nums = node.Nums
        for i in range(1, len(nums), 2):
            yield nums[i]
    for kid in node.get("/Kids", []):
        yield from _number_tree_values(kid)


def _name_tree_keys(node: pikepdf.Object | None) -> set[str]:
    if node is None:
        return set()
    keys: set[str] = set()
    if "/Names" in node:
        names = node.Names
        keys.update(str(names[i]) for i in range(0, len(names), 2))
    for kid in node.get("/Kids", []):
        keys |= _name_tree_keys(kid)
    return keys


# --------------------------------------------------------------------------- content


def _marked_content(pdf: pikepdf.Pdf) -> tuple[dict[tuple[int, int], str], dict[int, list[tuple[str, str]]]]:
    """The text of every marked-content id per page, and each page's artifacts."""
    texts: dict[tuple[int, int], str] = {}
    artifacts: dict[int, list[tuple[str, str]]] = {}
    for number, page in enumerate(pdf.pages, 1):
        cmaps = {name: _to_unicode(font) for name, font in _fonts(page)}
        font = None
        stack: list[tuple[str, int | None, list[str], str | None]] = []  # tag, mcid, parts, ActualText
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                tag = str(operands[0])[1:]
                props = operands[1] if op == "BDC" else None
                mcid = int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None
                if tag == "Artifact" and isinstance(props, pikepdf.Dictionary) and "/Type" in props:
                    tag = f"Artifact:{str(props.Type)[1:]}"
                actual = None
                if isinstance(props, pikepdf.Dictionary) and "/ActualText" in props:
                    actual = str(props.ActualText)
                stack.append((tag, mcid, [], actual))
            elif op == "EMC" and stack:
                tag, mcid, parts, actual = stack.pop()
                text = actual if actual is not None else "".join(parts)
                if mcid is not None:
                    texts[(number, mcid)] = texts.get((number, mcid), "") + text
                elif tag.startswith("Artifact"):
                    kind = tag.partition(":")[2] or "-"
                    artifacts.setdefault(number, []).append((kind, text))
                elif stack:
                    stack[-1][2].append(text)
            elif op == "Tf":
                font = cmaps.get(str(operands[0]))
            elif op in ("Tj", "TJ", "'", '"') and stack:
                strings = operands[-1] if op != "TJ" else operands[0]
                items = strings if isinstance(strings, pikepdf.Array) else [strings]
                for item in items:
                    if isinstance(item, pikepdf.String):
                        stack[-1][2].append(_decode(bytes(item), font))
    return texts, artifacts


def _fonts(page: pikepdf.Page) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    resources = page.obj.get("/Resources", {})
    fonts = resources.get("/Font", {})
    for name in fonts:
        yield name, fonts[name]


_HEX = re.compile(rb"<([0-9a-fA-F]+)>")


def _to_unicode(font: pikepdf.Dictionary) -> dict[int, str] | None:
    """A font's ToUnicode CMap as {code: text} (bfchar and bfrange; 2-byte codes)."""
    if "/ToUnicode" not in font:
        return None
    data = font.ToUnicode.read_bytes()
    table: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        pairs = _HEX.findall(block)
        for src, dst in zip(pairs[::2], pairs[1::2], strict=False):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for line in block.strip().splitlines():
            values = _HEX.findall(line)
            if len(values) == 3:
                lo, hi, dst = (int(v, 16) for v in values)
                for offset in range(hi - lo + 1):
                    table[lo + offset] = chr(dst + offset)
    return table


def _decode(data: bytes, cmap: dict[int, str] | None) -> str:
    if cmap is None:
        return data.decode("latin-1")
    return "".join(cmap.get(int.from_bytes(data[i : i + 2], "big"), "") for i in range(0, len(data) - 1, 2))


# --------------------------------------------------------------------------- printing


def dump(path: Path | str | bytes) -> str:
    """The structure tree of a PDF as indented text (the output of this tool)."""
    tree = read(path)
    lines = [f"Lang: {tree.lang}"]
    if not tree.root.children:
        lines.append("geen structuurboom: deze PDF is niet getagd")
    for element in tree.root.children:
        _print(element, 0, lines)
    for page, items in sorted(tree.artifacts.items()):
        for kind, text in items:
            if text.strip():
                lines.append(f"artefact p.{page} ({kind}): {text.strip()!r}")
    for element in tree.detached:
        lines.append("LOSGEKOPPELD (niet in de boom):")
        _print(element, 1, lines)
    return "\n".join(lines)


def _print(element: Element, depth: int, lines: list[str]) -> None:
    attrs = " ".join(f"{k}={v!r}" for k, v in element.attributes.items())
    text = f" {element.text!r}" if element.text else ""
    lines.append(f"{'  ' * depth}{element.type}{' ' + attrs if attrs else ''}{text}")
    for child in element.children:
        _print(child, depth + 1, lines)


def main(argv: list[str] | None = None) -> int:
    """Print the structure tree of each PDF named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("gebruik: python -m briefing.tools.tags BESTAND.pdf …", file=sys.stderr)
        return 2
    for name in args:
        if len(args) > 1:
            print(f"== {name}")
        print(dump(Path(name)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
