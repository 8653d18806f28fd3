"""Helpers shared by the DocBook and CHTML readers.

Both readers must produce *the same* model from the two renderings of one DocBook source,
so everything that could make them drift apart lives here once: the safe XML parser, the
white-space canonicalisation of inlines, the rowspan/colspan grid, and the label rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from lxml import etree

from dicomstd.errors import PublicationError
from dicomstd.generator.document import (
    Block,
    Cell,
    CrossReference,
    Emphasis,
    Inline,
    Link,
    Paragraph,
    Row,
    Text,
)

__all__ = [
    "RawCell",
    "build_grid",
    "parse_xml",
    "split_heading",
    "tidy_inlines",
]

# XML white space only: NO-BREAK SPACE and ZERO WIDTH SPACE are NEMA's text and stay raw.
_XML_WHITESPACE_RUN = re.compile(r"[ \t\r\n]+")

# A section number as printed before a heading: "10", "C", "C.7.6.1", "A.5.2", "AA.1".
_SECTION_LABEL = re.compile(r"^(?:\d+|[A-Z]{1,3})(?:\.[0-9A-Za-z]+)*$")


def xml_parser(*, collect_ids: bool) -> etree.XMLParser:
    """Return a parser that cannot be made to read anything but the bytes given.

    No entity expansion (no XXE, no "billion laughs"), no DTD loading, no network.
    ``collect_ids=False`` tolerates duplicate ``xml:id`` (the 2016c PS3.3 DocBook repeats a
    few); it must stay ``True`` for XHTML, where libxml2 would otherwise try to fetch the
    DOCTYPE's DTD (and, without network, fail).
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
        collect_ids=collect_ids,
    )


def parse_xml(data: bytes, source: str, *, collect_ids: bool = True) -> etree._Element:
    """Parse ``data`` safely and return its root element.

    Raises:
        PublicationError: naming ``source`` and the line of the first XML error.
    """
    try:
        return etree.fromstring(data, xml_parser(collect_ids=collect_ids))
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else "?"
        message = str(error.msg or error).split("\n")[0]
        raise PublicationError(f"malformed XML at line {line}: {message}", source) from None


def element_text(element: etree._Element) -> str:
    """All character data inside ``element``, raw."""
    return "".join(
        text if isinstance(text, str) else text.decode("utf-8") for text in element.itertext()
    )


# --- inlines -----------------------------------------------------------------------------


def _collapse(inline: Inline) -> list[Inline]:
    """Collapse XML white space inside ``inline`` and hoist edge spaces out of containers.

    An emphasis or link never starts or ends with a space afterwards: a space at its edge is
    moved in front of / behind it, where the pretty-printed XHTML and the DocBook put it
    differently (``<span class="bold">\\n<strong>``).
    """
    if isinstance(inline, Text):
        text = _XML_WHITESPACE_RUN.sub(" ", inline.text)
        return [Text(text)] if text else []
    if isinstance(inline, CrossReference):
        return [inline]
    children = _merge([piece for child in inline.children for piece in _collapse(child)])
    before: list[Inline] = []
    after: list[Inline] = []
    if children and isinstance(children[0], Text) and children[0].text.startswith(" "):
        before = [Text(" ")]
        stripped = children[0].text.lstrip(" ")
        children = ([Text(stripped)] if stripped else []) + children[1:]
    if children and isinstance(children[-1], Text) and children[-1].text.endswith(" "):
        after = [Text(" ")]
        stripped = children[-1].text.rstrip(" ")
        children = children[:-1] + ([Text(stripped)] if stripped else [])
    if not children:
        return before or after
    if isinstance(inline, Emphasis):
        # <span class="bold"><strong>x</strong></span> is one emphasis, not two.
        if len(children) == 1 and isinstance(children[0], Emphasis):
            if children[0].role == inline.role:
                return before + children + after
        rebuilt: Inline = Emphasis(inline.role, tuple(children))
    else:
        rebuilt = Link(inline.url, tuple(children))
    return before + [rebuilt] + after


def _merge(inlines: Iterable[Inline]) -> list[Inline]:
    """Merge adjacent Text and drop a space that follows a space (HTML white-space rules)."""
    merged: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Text):
            if not inline.text:
                continue
            if merged and isinstance(merged[-1], Text):
                previous = merged[-1].text
                text = inline.text
                if previous.endswith(" ") and text.startswith(" "):
                    text = text[1:]
                merged[-1] = Text(previous + text)
                continue
        merged.append(inline)
    return merged


def tidy_inlines(inlines: Sequence[Inline]) -> tuple[Inline, ...]:
    """Return ``inlines`` in the canonical form both readers produce.

    Runs of XML white space (indentation, line breaks) become one space, spaces at the edges
    of an emphasis or link move outside it, adjacent texts merge, and the paragraph's ends
    are trimmed. NO-BREAK SPACE and ZERO WIDTH SPACE are kept raw (see
    :func:`dicomstd.generator.document.normalize_text`).
    """
    flat = _merge(piece for inline in inlines for piece in _collapse(inline))
    if flat and isinstance(flat[0], Text):
        text = flat[0].text.lstrip(" ")
        flat = ([Text(text)] if text else []) + flat[1:]
    if flat and isinstance(flat[-1], Text):
        text = flat[-1].text.rstrip(" ")
        flat = flat[:-1] + ([Text(text)] if text else [])
    return tuple(flat)


class BlockCollector:
    """Collects blocks of a container, turning loose inline content into a paragraph.

    DocBook allows inline content directly in ``<td>`` and block content inside ``<para>``;
    NEMA's XSL renders both as separate ``<p>``/``<div>``. Both readers feed this collector
    so the split happens identically.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._inlines: list[Inline] = []
        self._para_id: str | None = None
        self._para_open = False

    def start_paragraph(self, para_id: str | None) -> None:
        """Begin an explicit paragraph (a ``<para>`` / ``<p>``)."""
        self.flush()
        self._para_id = para_id
        self._para_open = True

    def inline(self, inline: Inline) -> None:
        """Add an inline to the current (possibly implicit) paragraph."""
        self._inlines.append(inline)

    def block(self, block: Block | None) -> None:
        """Add a block; an open paragraph is closed first and continues after it."""
        open_before = self._para_open
        self.flush()
        if block is not None:
            self.blocks.append(block)
        # The rest of a split <para> is a new paragraph without id.
        self._para_open = open_before

    def break_paragraph(self) -> None:
        """Close the current paragraph at something skipped (a figure) inside it."""
        open_before = self._para_open
        self.flush()
        self._para_open = open_before

    def end_paragraph(self) -> None:
        """End an explicit paragraph."""
        self.flush()
        self._para_open = False

    def flush(self) -> None:
        """Emit the pending paragraph, if it has content or an id."""
        inlines = tidy_inlines(self._inlines)
        if inlines or self._para_id is not None:
            self.blocks.append(Paragraph(inlines, self._para_id))
        self._inlines = []
        self._para_id = None

    def result(self) -> tuple[Block, ...]:
        """Return the collected blocks."""
        self.flush()
        return tuple(self.blocks)


# --- tables ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawCell:
    """A cell as written in the markup: its blocks and spans."""

    blocks: tuple[Block, ...]
    rowspan: int = 1
    colspan: int = 1


def span_value(value: str | None) -> int:
    """Return a ``rowspan``/``colspan`` attribute as an int (1 when absent or invalid;
    0 is kept: HTML's "to the end of the group")."""
    if value is None:
        return 1
    try:
        number = int(value.strip())
    except ValueError:
        return 1
    return number if number >= 0 else 1


def build_grid(rows: Sequence[Sequence[RawCell]]) -> tuple[list[list[Cell]], int]:
    """Resolve ``rows`` of written cells into a rectangular grid.

    A spanning cell is repeated in every grid position it covers, the copies marking the
    written cell's (row, column) as ``origin``. A rowspan reaching past the last row is cut
    there (as browsers do); ``rowspan="0"`` spans to the last row. Short rows are padded
    with empty cells by the caller (see :func:`pad_rows`).

    Returns:
        The grid rows (possibly ragged) and the widest row's width.
    """
    row_count = len(rows)
    grid: list[dict[int, Cell]] = [{} for _ in range(row_count)]
    width = 0
    for row_index, written in enumerate(rows):
        column = 0
        for raw in written:
            while column in grid[row_index]:
                column += 1
            rowspan = raw.rowspan if raw.rowspan > 0 else row_count - row_index
            colspan = max(raw.colspan, 1)
            grid[row_index][column] = Cell(raw.blocks, raw.rowspan, raw.colspan)
            for down in range(rowspan):
                target = row_index + down
                if target >= row_count:
                    break
                for across in range(colspan):
                    if down == 0 and across == 0:
                        continue
                    grid[target].setdefault(
                        column + across,
                        Cell(raw.blocks, raw.rowspan, raw.colspan, (row_index, column)),
                    )
            column += colspan
        width = max(width, column)
    for cells in grid:
        if cells:
            width = max(width, max(cells) + 1)
    return [
        [cells.get(c, _EMPTY) for c in range(max(cells, default=-1) + 1)] for cells in grid
    ], width


_EMPTY = Cell(())


def pad_rows(grid: list[list[Cell]], width: int) -> tuple[Row, ...]:
    """Return the grid as rows of exactly ``width`` cells (missing positions are empty)."""
    return tuple(Row(tuple(cells) + (_EMPTY,) * (width - len(cells))) for cells in grid)


# --- labels ------------------------------------------------------------------------------


def split_heading(text: str) -> tuple[str, str]:
    """Split a rendered heading "C.7.6.1 General Image Module" into (label, title).

    The first word is a label only if it has the shape of a section number, so that
    "Notice and Disclaimer" (a chapter without number) keeps its first word.
    """
    head, _, rest = text.partition(" ")
    if rest and _SECTION_LABEL.match(head):
        return head, rest.strip()
    return "", text.strip()


def part_of_document(name: str) -> str | None:
    """Return ``PS3.N`` for ``PS3.N``/``part0N``-like names, else ``None``."""
    match = re.fullmatch(r"(?:PS3\.|part)0*(\d+)", name.strip(), re.IGNORECASE)
    return f"PS3.{int(match.group(1))}" if match else None


_SUBTITLE = re.compile(r"\bDICOM\s+(PS3\.\d+)\s+(\d{4}[a-z]?)\b")


def edition_of_subtitle(subtitle: str) -> tuple[str, str] | None:
    """Return (part, edition) of a subtitle "DICOM PS3.7 2024c - Message Exchange"."""
    match = _SUBTITLE.search(subtitle.replace("\u00a0", " "))
    return (match.group(1), match.group(2)) if match else None
