"""What a typist keeps together, decided once for both writers.

A heading stays with its text (both writers mark every heading so). A paragraph that
ends in a colon introduces the list or table after it ("De missies luiden:") and stays
with it: the PDF sets ``break-after: avoid`` on it, the DOCX ``keepNext``. A link that
shows its own address (``https://…``, ``info@rvo.nl``) is printed whole, never hyphenated.
"""

from __future__ import annotations

from briefing.model import Link, ListBlock, NoteRef, Paragraph, Table, plain_text


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
