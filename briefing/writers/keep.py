"""What a typist keeps together, decided once for both writers.

A heading stays with its text (both writers mark every heading so). A paragraph that
ends in a colon introduces the list or table after it ("De missies luiden:") and stays
with it: the PDF sets ``break-after: avoid`` on it, the DOCX ``keepNext``. A heading does not
break at the hyphen of a compound ("Innovatie-Convenant"). A link that
shows its own address (``https://…``, ``info@rvo.nl``) is printed whole, never hyphenated.
"""

from __future__ import annotations

import re

from briefing.model import Emph, Link, ListBlock, NoteRef, Paragraph, Strong, Table, Text, plain_text

NON_BREAKING_HYPHEN = "\u2011"
_COMPOUND_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def introduces(block: object, following: object | None) -> bool:
    """Whether ``block`` is an intro line: a paragraph ending in ``:`` before a list or table."""
    if not (isinstance(block, Paragraph) and isinstance(following, ListBlock | Table)):
        return False
    words = tuple(n for n in block.inlines if not isinstance(n, NoteRef))  # "luiden:¹"
    return plain_text(words).rstrip().endswith(":")


def intros(blocks: tuple[object, ...]) -> set[int]:
    """The indices of the intro lines among ``blocks`` (a body, a quote, a list item)."""
    return {i for i in range(len(blocks) - 1) if introduces(blocks[i], blocks[i + 1])}


def shows_address(link: Link) -> bool:
    """Whether the link's text is its own address (a bare URL or e-mail address)."""
    text = plain_text(link.children).strip()
    return bool(text) and " " not in text and text in link.target


def unbreakable_hyphens(inlines: tuple) -> tuple:
    """Inlines of a heading with every hyphen inside a word made non-breaking (U+2011):
    "Kennis- en Innovatie-Convenant" may break after "Kennis-", not after "Innovatie-"."""
    out = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(Text(_COMPOUND_HYPHEN.sub(NON_BREAKING_HYPHEN, node.text)))
        elif isinstance(node, Emph | Strong):
            out.append(type(node)(unbreakable_hyphens(node.children)))
        else:
            out.append(node)
    return tuple(out)
