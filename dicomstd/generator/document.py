"""The neutral document model: what a NEMA publication says, whatever format it came in.

NEMA renders every part of the standard from one DocBook source into two publication
formats, DocBook XML and chunked XHTML ("CHTML"). Both readers
(:mod:`dicomstd.generator.docbook`, :mod:`dicomstd.generator.chtml`) produce the types of
this module, and nothing downstream (the extractors) knows which format a table came from.

The model keeps what the extractors need and no more:

- a :class:`Document` is a part of one edition (``PS3.6``, ``2024c``) with its sections and
  tables, each found by its DocBook ``xml:id`` (``sect_C.7.6.1``, ``table_C.7-1``), the ids
  that CHTML keeps as ``<a id="...">`` anchors;
- a :class:`Table` has header rows and body rows on a rectangular grid: ``rowspan`` and
  ``colspan`` are resolved by repeating the spanning cell in every grid position it covers
  (each repetition marks the grid position of the cell as written in the markup);
- a :class:`Cell` or :class:`Section` holds blocks (paragraphs, notes, lists, definition
  lists), and a paragraph holds inlines (text, emphasis, cross-references, links).

Text is normalised deliberately, by :func:`normalize_text`, in one place for both readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Literal, Union

__all__ = [
    "Block",
    "Cell",
    "CrossReference",
    "DefinitionEntry",
    "DefinitionList",
    "Document",
    "Emphasis",
    "Inline",
    "ItemList",
    "Link",
    "Note",
    "Paragraph",
    "Preformatted",
    "Row",
    "Section",
    "Table",
    "Text",
    "blocks_text",
    "inlines_text",
    "normalize_text",
]

ZERO_WIDTH_SPACE = "\u200b"
NO_BREAK_SPACE = "\u00a0"
_WHITESPACE_RUN = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Return ``text`` as the model stores it.

    NEMA's text carries typographic characters that must not reach keyword or tag matching:

    - U+200B ZERO WIDTH SPACE is inserted to allow line breaks inside long keywords and UIDs
      (PS3.6 keywords such as ``Referenced​Performed​Procedure​Step​Sequence``); it is removed.
    - U+00A0 NO-BREAK SPACE keeps "Table C.7-1" on one line; it becomes an ordinary space.
    - Runs of white space (line breaks of the XML indentation) become one space, and the
      ends are stripped.

    Args:
        text: raw character data from either format.

    Returns:
        The normalised string (possibly empty).
    """
    text = text.replace(ZERO_WIDTH_SPACE, "").replace(NO_BREAK_SPACE, " ")
    return _WHITESPACE_RUN.sub(" ", text).strip()


# --- inlines -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Plain character data inside a paragraph (not normalised at the edges)."""

    text: str


@dataclass(frozen=True, slots=True)
class Emphasis:
    """Emphasised inlines; ``role`` is ``bold``, ``italic``, ``underline``,
    ``superscript``, ``subscript`` or ``literal`` (computer output)."""

    role: str
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class CrossReference:
    """A reference to an id: DocBook ``<xref linkend>`` / ``<olink>``, CHTML ``<a class="xref">``.

    Attributes:
        target: the ``xml:id`` referred to, e.g. ``table_C.7-1`` or ``sect_10.1``.
        label: the text a reader sees, e.g. ``Table C.7-1`` or ``Section 10.1``.
        document: the part referred to (``PS3.6``) for a reference into another part;
            ``None`` within the same part.
    """

    target: str
    label: str
    document: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """An external link (a URL) with its visible inlines."""

    url: str
    children: tuple[Inline, ...]


Inline = Union[Text, Emphasis, CrossReference, Link]


def inlines_text(inlines: tuple[Inline, ...]) -> str:
    """Return the normalised plain text a reader sees for ``inlines``."""
    return normalize_text("".join(_raw_text(inline) for inline in inlines))


def _raw_text(inline: Inline) -> str:
    if isinstance(inline, Text):
        return inline.text
    if isinstance(inline, CrossReference):
        return inline.label
    return "".join(_raw_text(child) for child in inline.children)


# --- blocks ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph (DocBook ``<para>``, CHTML ``<p>``); ``id`` is its ``para_<uuid>`` id."""

    inlines: tuple[Inline, ...]
    id: str | None = None

    @property
    def text(self) -> str:
        """The normalised plain text of the paragraph."""
        return inlines_text(self.inlines)


@dataclass(frozen=True, slots=True)
class Preformatted:
    """Literal text whose line breaks matter (DocBook ``<programlisting>``, CHTML ``<pre>``)."""

    text: str


@dataclass(frozen=True, slots=True)
class Note:
    """A note (DocBook ``<note>``, CHTML ``<div class="note">``) and its blocks."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class ItemList:
    """A bulleted (``ordered=False``) or numbered list; each item is a tuple of blocks."""

    items: tuple[tuple[Block, ...], ...]
    ordered: bool = False


@dataclass(frozen=True, slots=True)
class DefinitionEntry:
    """One term of a definition list with its definition, e.g. an Enumerated Value
    (``term`` = ``YES``) and its meaning."""

    term: tuple[Inline, ...]
    blocks: tuple[Block, ...]

    @property
    def term_text(self) -> str:
        """The normalised plain text of the term."""
        return inlines_text(self.term)


@dataclass(frozen=True, slots=True)
class DefinitionList:
    """A definition list (DocBook ``<variablelist>``, CHTML ``<div class="variablelist">``).

    Attributes:
        entries: the terms and their definitions.
        title: the list's own title, normalised: in PS3.3 it says what the terms are
            ("Enumerated Values:", "Defined Terms:"); ``""`` without one.
    """

    entries: tuple[DefinitionEntry, ...]
    title: str = ""


Block = Union[Paragraph, Preformatted, Note, ItemList, DefinitionList]


def blocks_text(blocks: tuple[Block, ...]) -> str:
    """Return the normalised plain text of ``blocks``, one space between blocks."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Preformatted):
            parts.append(normalize_text(block.text))
        elif isinstance(block, Note):
            parts.append(blocks_text(block.blocks))
        elif isinstance(block, ItemList):
            parts.extend(blocks_text(item) for item in block.items)
        else:
            parts.append(block.title)
            for entry in block.entries:
                parts.append(entry.term_text)
                parts.append(blocks_text(entry.blocks))
    return " ".join(part for part in parts if part)


# --- tables ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """One grid position of a table row.

    Attributes:
        blocks: the cell's content.
        rowspan, colspan: the span written in the markup (1 when absent).
        origin: ``None`` where the markup writes this cell; for a grid position covered by
            a span, the (row, column) grid position, 0-based within the same header or body
            section, of the cell that spans it (the content is repeated).
    """

    blocks: tuple[Block, ...]
    rowspan: int = 1
    colspan: int = 1
    origin: tuple[int, int] | None = None

    @property
    def text(self) -> str:
        """The normalised plain text of the cell."""
        return blocks_text(self.blocks)

    @property
    def is_span_copy(self) -> bool:
        """True where this grid position only repeats a spanning cell."""
        return self.origin is not None

    def paragraphs(self) -> Iterator[Paragraph]:
        """Yield every paragraph of the cell, depth first (inside notes and lists too)."""
        yield from _paragraphs(self.blocks)


def _paragraphs(blocks: tuple[Block, ...]) -> Iterator[Paragraph]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block
        elif isinstance(block, Note):
            yield from _paragraphs(block.blocks)
        elif isinstance(block, ItemList):
            for item in block.items:
                yield from _paragraphs(item)
        elif isinstance(block, DefinitionList):
            for entry in block.entries:
                yield from _paragraphs(entry.blocks)


@dataclass(frozen=True, slots=True)
class Row:
    """A table row on the resolved grid: exactly ``Table.column_count`` cells."""

    cells: tuple[Cell, ...]

    def texts(self) -> tuple[str, ...]:
        """The normalised text of each cell, left to right."""
        return tuple(cell.text for cell in self.cells)


@dataclass(frozen=True, slots=True)
class Table:
    """A table of the standard.

    Attributes:
        id: the DocBook ``xml:id`` (``table_6-1``); tables without one (DocBook
            ``informaltable``) get ``informaltable_<section id>_<n>``, n counting from 1
            in document order within that section.
        label: the table's number as printed (``6-1``); empty for an informal table.
        caption: the caption without the "Table 6-1." prefix.
        section_id: the id of the innermost section (or chapter/appendix) holding the table.
        header_rows, body_rows: the resolved grid.
        column_count: the grid's width.
        markup_row_count: how many ``<tr>`` the markup holds (header and body); the reader
            fails rather than return fewer rows than this.
        padded_rows: the rows the markup wrote with fewer cells than the grid has columns,
            padded with empty cells by the reader: 0-based indices over ``header_rows``
            then ``body_rows``. A few of NEMA's tables have such rows (PS3.3 2024c Table
            F.3-3); elsewhere a short row is damage (a lost ``<td>``), so an extractor that
            relies on every column should refuse a table where this is not empty.
    """

    id: str
    label: str
    caption: str
    section_id: str | None
    header_rows: tuple[Row, ...]
    body_rows: tuple[Row, ...]
    column_count: int
    markup_row_count: int
    padded_rows: tuple[int, ...] = ()

    @property
    def rows_read(self) -> int:
        """How many rows the model holds (header and body)."""
        return len(self.header_rows) + len(self.body_rows)

    @property
    def reference(self) -> str:
        """How the standard names the table, e.g. ``Table 6-1``."""
        return f"Table {self.label}" if self.label else self.id

    def header_texts(self) -> tuple[str, ...]:
        """The text of the last header row (the column names), or ``()`` without a header."""
        return self.header_rows[-1].texts() if self.header_rows else ()


# --- sections and documents --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    """A chapter, appendix or section.

    Attributes:
        id: the DocBook ``xml:id`` (``chapter_6``, ``sect_C.7.6.1``).
        label: the number as printed (``C.7.6.1``); may be empty (front matter).
        title: the title without its number.
        parent_id: the enclosing section's id, ``None`` for a chapter or appendix.
        blocks: the section's own content, not its subsections' nor its tables.
        table_ids: ids of the tables directly in this section, in document order.
    """

    id: str
    label: str
    title: str
    parent_id: str | None
    blocks: tuple[Block, ...]
    table_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """One part of one edition of the standard, read from one publication.

    Attributes:
        part: ``PS3.6``.
        edition: ``2024c``, read from the document's own subtitle
            ("DICOM PS3.6 2024c - Data Dictionary").
        title: the subtitle as printed.
        source_format: ``docbook`` or ``chtml``.
        source: the path the publication was read from (for messages).
        sections: every section in document order, by id.
        tables: every table in document order, by id.
        missing_pages: for CHTML, the pages the publication links to but lacks, where the
            copy is known to lack them (see
            :data:`dicomstd.generator.chtml.KNOWN_MISSING_PAGES`; any other missing page
            is an error): their sections and tables are not in this document.
    """

    part: str
    edition: str
    title: str
    source_format: Literal["docbook", "chtml"]
    source: str
    sections: dict[str, Section] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    missing_pages: tuple[str, ...] = ()

    def table(self, table_id: str) -> Table:
        """Return the table with ``table_id``.

        Raises:
            KeyError: naming the part, edition and table id when the publication lacks it.
        """
        try:
            return self.tables[table_id]
        except KeyError:
            raise KeyError(
                f"{self.part} {self.edition} ({self.source}) has no table {table_id!r}"
            ) from None

    def section(self, section_id: str) -> Section:
        """Return the section with ``section_id``.

        Raises:
            KeyError: naming the part, edition and section id when the publication lacks it.
        """
        try:
            return self.sections[section_id]
        except KeyError:
            raise KeyError(
                f"{self.part} {self.edition} ({self.source}) has no section {section_id!r}"
            ) from None
