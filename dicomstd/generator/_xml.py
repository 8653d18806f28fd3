"""Helpers shared by the DocBook and CHTML readers.

Both readers must produce *the same* model from the two renderings of one DocBook source,
so everything that could make them drift apart lives here once: the safe XML parser, the
white-space canonicalisation of inlines, the rowspan/colspan grid, and the label rules.
"""

from __future__ import annotations

import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Sequence

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
    Table,
    Text,
)

__all__ = [
    "MAX_PUBLICATION_BYTES",
    "MAX_GRID_CELLS",
    "MAX_SPAN",
    "RawCell",
    "build_table",
    "first_element_text",
    "open_regular_file",
    "parse_xml",
    "read_regular_file",
    "split_heading",
    "tidy_inlines",
]

# XML white space only: NO-BREAK SPACE and ZERO WIDTH SPACE are NEMA's text and stay raw.
_XML_WHITESPACE_RUN = re.compile(r"[ \t\r\n]+")

# A section number as printed before a heading: "10", "C", "C.7.6.1", "A.5.2", "AA.1".
_SECTION_LABEL = re.compile(r"^(?:\d+|[A-Z]{1,3})(?:\.[0-9A-Za-z]+)*$")

# The most any publication may hold, uncompressed (a file, a tar, a zip's members): the
# largest NEMA publication, PS3.3 as CHTML, is a 37 MiB tar (2024c); whole DocBook parts
# are 1-10 MB. Reading keeps the bytes once and libxml2 builds its tree beside them, so
# this bounds the memory a hostile or broken file can take to a few times 512 MiB.
MAX_PUBLICATION_BYTES = 512 << 20


def size_text(size: int) -> str:
    """``512 MiB`` for 512 << 20 (the limits as messages name them)."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift and size % (1 << shift) == 0:
            return f"{size >> shift} {unit}"
    return f"{size} bytes"


# --- files -------------------------------------------------------------------------------


def os_error_reason(error: OSError) -> str:
    """How a message words an :class:`OSError` (its ``strerror``, as the system says it)."""
    if isinstance(error, FileNotFoundError):
        return "no such file or folder"
    return f"cannot read: {error.strerror or error}"


def open_regular_file(path: Path) -> IO[bytes]:
    """Open ``path`` for reading if it is a regular file (symbolic links followed).

    A FIFO, a device or a socket is refused without blocking: it is opened non-blocking
    and examined with ``fstat`` before anything is read, so that neither a named pipe nor
    ``/dev/stdin`` can hang the reader, whatever the path became since it was listed.

    Raises:
        PublicationError: naming ``path``: missing, a folder, not a regular file, or any
            other :class:`OSError` (with its ``strerror``).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except IsADirectoryError:
        raise PublicationError("is a folder, not a file", path) from None
    except OSError as error:
        raise PublicationError(os_error_reason(error), path) from None
    except ValueError as error:  # a NUL in the name
        raise PublicationError(f"not a valid file name ({error})", path) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISREG(mode):
            return open(descriptor, "rb")
    except OSError as error:
        os.close(descriptor)
        raise PublicationError(os_error_reason(error), path) from None
    os.close(descriptor)
    if stat.S_ISDIR(mode):
        raise PublicationError("is a folder, not a file", path)
    raise PublicationError(
        "not a regular file (a pipe, device or socket is not read as a publication)", path
    )


def read_regular_file(path: Path, *, limit: int | None = None) -> bytes:
    """Return the bytes of the regular file ``path`` (see :func:`open_regular_file`).

    Raises:
        PublicationError: as :func:`open_regular_file`, and a file larger than ``limit``
            (by default :data:`MAX_PUBLICATION_BYTES`).
    """
    if limit is None:
        limit = MAX_PUBLICATION_BYTES
    too_large = PublicationError(
        f"is larger than {size_text(limit)}, the limit for one publication; refused", path
    )
    with open_regular_file(path) as stream:
        try:
            size = os.fstat(stream.fileno()).st_size
            if size > limit:
                raise too_large
            data = stream.read(size + 1)  # in one piece, as large as the file says it is
            if len(data) > size:  # grown since, or of no stated size (procfs): read on
                buffer = io.BytesIO(data)
                buffer.seek(0, io.SEEK_END)
                while chunk := stream.read(1 << 20):
                    if buffer.tell() + len(chunk) > limit:
                        raise too_large
                    buffer.write(chunk)
                data = buffer.getvalue()
        except OSError as error:
            raise PublicationError(os_error_reason(error), path) from None
    if len(data) > limit:
        raise too_large
    return data


# --- XML ---------------------------------------------------------------------------------

# XHTML's own DOCTYPE, which every CHTML page carries: never loaded (nothing of it is needed:
# NEMA's pages use no named entity), answered with an empty DTD where libxml2 asks for it.
_XHTML_PUBLIC_IDS = frozenset(
    {
        "-//W3C//DTD XHTML 1.1//EN",
        "-//W3C//DTD XHTML 1.0 Strict//EN",
        "-//W3C//DTD XHTML 1.0 Transitional//EN",
    }
)
_ENTITY_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)[A-Za-z_:\x80-\xff]")


class _ExternalReference(Exception):
    """Raised by the resolver where libxml2 wants to load something: nothing is loaded."""

    def __init__(self, reference: str) -> None:
        super().__init__(reference)
        self.reference = reference


class _RefuseEverything(etree.Resolver):
    """Answers every request of libxml2 to load a DTD or an entity: nothing is opened.

    libxml2 asks for external subsets and parameter entities even with ``load_dtd=False``
    where lxml's ``collect_ids=False`` sets a bit of ``loadsubset`` (lxml 6.0 with libxml2
    < 2.15), and its default loader opens files by name (``/dev/zero``, a FIFO,
    ``/etc/passwd``). This resolver is consulted first and never falls through to it.
    """

    def resolve(  # type: ignore[override]
        self, system_url: str | None, public_id: str | None, context: object
    ) -> object:
        if public_id in _XHTML_PUBLIC_IDS:
            return self.resolve_string("", context, base_url=None)
        raise _ExternalReference(system_url or public_id or "?")


def xml_parser(*, collect_ids: bool) -> etree.XMLParser:
    """Return a parser that cannot be made to read anything but the bytes given.

    No entity expansion (no XXE, no "billion laughs"), no DTD loading, no network, and a
    resolver that refuses every external DTD or entity (see :class:`_RefuseEverything`).
    ``collect_ids=False`` tolerates duplicate ``xml:id`` (the 2016c PS3.3 DocBook repeats a
    few).
    """
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
        collect_ids=collect_ids,
    )
    parser.resolvers.add(_RefuseEverything())
    return parser


def _refused(reference: str, source: str) -> PublicationError:
    return PublicationError(
        f"the DOCTYPE refers to {reference!r}, an external DTD or entity; publications are "
        "read without loading anything else, and NEMA's need none",
        source,
    )


def _syntax_error(error: etree.XMLSyntaxError, source: str) -> PublicationError:
    line = error.lineno if error.lineno else "?"
    message = str(error.msg or error).split("\n")[0]
    return PublicationError(f"malformed XML at line {line}: {message}", source)


def parse_xml(data: bytes, source: str, *, collect_ids: bool = True) -> etree._Element:
    """Parse ``data`` safely and return its root element.

    Nothing but ``data`` is read (see :func:`xml_parser`). An entity reference that stays
    unexpanded (``&nbsp;`` under XHTML's DOCTYPE, an entity of an internal subset) is an
    error rather than text silently dropped.

    Raises:
        PublicationError: naming ``source`` and the line of the first XML error, or the
            DTD or entity the document wanted loaded.
    """
    try:
        root = etree.fromstring(data, xml_parser(collect_ids=collect_ids))
    except _ExternalReference as error:
        raise _refused(error.reference, source) from None
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error, source) from None
    if _ENTITY_REFERENCE.search(data):
        # Possibly inside CDATA or a comment: only entities left in the tree count.
        for entity in root.iter(etree.Entity):
            raise PublicationError(
                f"the entity reference {entity.text} at line {entity.sourceline} is not "
                "expanded (no DTD is read); NEMA's publications use none",
                source,
            )
    return root


def first_element_text(data: bytes, tag: str, source: str) -> str | None:
    """The raw text of the first element ``tag`` of ``data``, parsing no further than it.

    Parses with the same safeguards as :func:`parse_xml` (collecting no ids).

    Raises:
        PublicationError: as :func:`parse_xml`, for what precedes the element.
    """
    parser = etree.XMLPullParser(
        events=("end",),
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        collect_ids=False,
    )
    parser.resolvers.add(_RefuseEverything())
    view = memoryview(data)
    step = 1 << 16
    try:
        for start in range(0, len(data), step):
            parser.feed(bytes(view[start : start + step]))
            for _, element in parser.read_events():
                if isinstance(element, etree._Element):
                    return element_text(element)
        parser.close()
    except _ExternalReference as error:
        raise _refused(error.reference, source) from None
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error, source) from None
    return None


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


# Each span must be a whole number from 1 to this (NEMA's widest is 35; rowspan="0", HTML's
# "to the end of the group", does not occur in NEMA's publications and is refused).
MAX_SPAN = 1000
# The most grid positions one table may resolve to (rows x columns, spans repeated): NEMA's
# largest table, PS3.6 Table 6-1, is about 5,000 rows of 6 columns. Bounds the memory and
# time a table of hostile spans can take.
MAX_GRID_CELLS = 1_000_000
_SPAN_DIGITS = re.compile(r"[ \t\r\n]*([0-9]{1,9})[ \t\r\n]*")


@dataclass(frozen=True, slots=True)
class RawCell:
    """A cell as written in the markup: its blocks and its ``rowspan``/``colspan``
    attributes as written (``None`` when absent); :func:`build_table` validates them."""

    blocks: tuple[Block, ...]
    rowspan: str | None = None
    colspan: str | None = None


class _TableBuilder:
    """Validates the spans of one table's rows and resolves them into a grid."""

    def __init__(self, table_id: str, source: str) -> None:
        self.table_id = table_id
        self.source = source
        self.placed = 0

    def error(self, where: str, message: str) -> PublicationError:
        return PublicationError(f"table {self.table_id}, {where}: {message}", self.source)

    def span(self, value: str | None, attribute: str, where: str, widest: int | None) -> int:
        if value is None or value == "1":
            return 1
        match = _SPAN_DIGITS.fullmatch(value)
        number = int(match.group(1)) if match else 0
        if not 1 <= number <= MAX_SPAN:
            shown = value if len(value) <= 24 else value[:24] + "…"
            raise self.error(
                where, f"{attribute}={shown!r} is not a whole number from 1 to {MAX_SPAN}"
            )
        if widest is not None and number > widest:
            raise self.error(
                where, f"{attribute}={value!r} is wider than the table's {widest} columns"
            )
        return number

    def grid(
        self, rows: Sequence[Sequence[RawCell]], group: str, widest: int | None
    ) -> tuple[list[list[Cell]], int]:
        """Resolve ``rows`` of written cells into a grid (see :func:`build_table`).

        Returns:
            The grid rows (possibly ragged) and the widest row's width.
        """
        row_count = len(rows)
        grid: list[dict[int, Cell]] = [{} for _ in range(row_count)]
        width = 0
        for row_index, written in enumerate(rows):
            where = f"{group} row {row_index + 1}"
            occupied = grid[row_index]
            column = 0
            for raw in written:
                rowspan = self.span(raw.rowspan, "rowspan", where, None)
                colspan = self.span(raw.colspan, "colspan", where, widest)
                while column in occupied:
                    column += 1
                # A rowspan reaching past the group's last row is cut there, as browsers do
                # (NEMA writes a few: PS3.3 Table A.86.1.13-1, PS3.4 Table P.3-2).
                down = min(rowspan, row_count - row_index)
                self.placed += down * colspan
                if self.placed > MAX_GRID_CELLS:
                    raise self.error(
                        where, f"the spans resolve to more than {MAX_GRID_CELLS:,} grid cells"
                    )
                occupied[column] = Cell(raw.blocks, rowspan, colspan)
                if down > 1 or colspan > 1:
                    copy = Cell(raw.blocks, rowspan, colspan, (row_index, column))
                    for below in range(down):
                        target = grid[row_index + below]
                        for across in range(colspan):
                            if below or across:
                                target.setdefault(column + across, copy)
                column += colspan
            width = max(width, column)
        for cells in grid:
            if cells:
                width = max(width, max(cells) + 1)
        return [
            [cells.get(c, _EMPTY) for c in range(max(cells, default=-1) + 1)] for cells in grid
        ], width


_EMPTY = Cell(())


def build_table(
    *,
    table_id: str,
    label: str,
    caption: str,
    section_id: str | None,
    header: Sequence[Sequence[RawCell]],
    body: Sequence[Sequence[RawCell]],
    markup_row_count: int,
    source: str,
) -> Table:
    """Resolve a table's written rows into a :class:`~dicomstd.generator.document.Table`.

    Both readers hand their rows here, so spans, grids and the checks are the same:

    - every ``rowspan``/``colspan`` is a whole number from 1 to :data:`MAX_SPAN`, and a
      body cell spans no more columns than the header has;
    - a spanning cell is repeated in every grid position it covers, the copies marking the
      written cell's (row, column) as ``origin``; a rowspan reaching past the last row of
      its header or body is cut there, as browsers do;
    - the grid may not exceed :data:`MAX_GRID_CELLS` positions;
    - a table has body rows (a NEMA table always has; an empty ``<tbody>`` is damage);
    - a row shorter than the grid is padded with empty cells, and its index is recorded
      in ``Table.padded_rows``: NEMA's own publications have such rows (PS3.3 2024c
      Table F.3-3, PS3.4 2020c Tables F.8.2-1 and II.6-1, PS3.4 2024c Table II.6-1), so
      they cannot be refused here, but an extractor can refuse a table that has them;
    - every ``<tr>`` of the markup is a row of the table.

    Raises:
        PublicationError: naming ``source``, the table and, where one is at fault, the row.
    """
    builder = _TableBuilder(table_id, source)
    header_grid, header_width = builder.grid(header, "header", None)
    body_grid, body_width = builder.grid(body, "body", header_width or None)
    if not body_grid:
        raise PublicationError(
            f"table {table_id} has no body rows (an empty <tbody>: a table of the standard "
            "always has some)",
            source,
        )
    width = max(header_width, body_width)
    rows = header_grid + body_grid
    if len(rows) * width > MAX_GRID_CELLS:
        raise PublicationError(
            f"table {table_id}: {len(rows)} rows of {width} columns exceed the "
            f"{MAX_GRID_CELLS:,} grid cells a table may have",
            source,
        )
    padded = tuple(index for index, cells in enumerate(rows) if len(cells) < width)
    resolved = tuple(Row(tuple(cells) + (_EMPTY,) * (width - len(cells))) for cells in rows)
    table = Table(
        id=table_id,
        label=label,
        caption=caption,
        section_id=section_id,
        header_rows=resolved[: len(header_grid)],
        body_rows=resolved[len(header_grid) :],
        column_count=width,
        markup_row_count=markup_row_count,
        padded_rows=padded,
    )
    if table.rows_read != markup_row_count:
        raise PublicationError(
            f"table {table_id}: read {table.rows_read} rows of the {markup_row_count} <tr> "
            "in the markup",
            source,
        )
    return table


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
