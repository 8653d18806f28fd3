"""PS3.6 Data Dictionary: the registry of data elements and the UID registry.

Sources in the standard:

- PS3.6 Table 6-1 (Registry of DICOM Data Elements), Table 7-1 (File Meta Elements),
  Table 8-1 (Directory Structuring Elements), Table 9-1 (Dynamic RTP Payload Elements,
  added after 2015b): six columns Tag, Name, Keyword, VR, VM and an unnamed last column
  (``RET``, ``DICOS``, ``DICONDE``, ``RET - See Note``...).
- PS3.6 Table A-1 (UID Values), Table A-2 (Well-known Frames of Reference), Table A-3
  (Context Group UID Values), Table A-4 (Template UID Values); their columns differ between
  tables and editions (2015b has no UID Keyword column), so columns are found by header.

Every body row becomes exactly one compiled element or a :class:`BuildError`; the
:class:`TableAccount` of each table records it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from dicomstd.errors import BuildError
from dicomstd.generator.document import (
    Cell,
    CrossReference,
    Document,
    Emphasis,
    Inline,
    Link,
    Table,
    Text,
)
from dicomstd.generator.model import DataElement, SourceReference, TableAccount, UID

__all__ = [
    "DATA_ELEMENT_TABLES",
    "UID_TABLES",
    "ParsedTag",
    "check_header",
    "extract_data_elements",
    "extract_uids",
    "parse_tag",
    "row_error",
    "table_source",
]

#: The registries of data elements, in the order PS3.6 prints them.
DATA_ELEMENT_TABLES = ("table_6-1", "table_7-1", "table_8-1", "table_9-1")
#: The UID registry and its neighbours in Annex A.
UID_TABLES = ("table_A-1", "table_A-2", "table_A-3", "table_A-4")

_REGISTRY_HEADER = ("Tag", "Name", "Keyword", "VR", "VM")

_TAG = re.compile(r"^\(\s*([0-9A-Fa-fxX]{4})\s*,\s*([0-9A-Fa-fxX]{4})\s*\)$")
_VR_CODE = re.compile(r"^[A-Z]{2}$")
# "See Note" and "See Note 2": the VR is explained below the table (Item, delimiters).
_SEE_NOTE = re.compile(r"^See Note(?: \d+)?$")
# 1, 1-n, 2-2n, 1-32, and alternatives such as "1-n or 1".
_VM_ONE = r"\d+(?:-(?:\d*n|\d+))?"
_VM = re.compile(rf"^{_VM_ONE}(?: or {_VM_ONE})*$")
_KEYWORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# The unnamed last column: retired status and/or the family of standards (DICOS, DICONDE),
# possibly pointing to a note.
_COMMENT = re.compile(
    r"^(?:(?P<ret>RET)(?: \(\d{4}[a-z]?\))?|DICOS|DICONDE)?(?:\s*-?\s*See Note(?: \d+)?)?$"
)
_UID = re.compile(r"^[0-9]+(?:\.[0-9]+)*$")
_RETIRED_SUFFIX = " (Retired)"


def table_source(document: Document, table: Table) -> SourceReference:
    """``PS3.6 2015b Table 6-1`` as a :class:`SourceReference`."""
    return SourceReference(
        part=document.part, edition=document.edition, table_id=table.id, label=table.reference
    )


def row_error(document: Document, table: Table, row_number: int, message: str) -> BuildError:
    """A :class:`BuildError` naming the part, edition, table and 1-based body row."""
    return BuildError(
        f"{document.part} {document.edition} {table.reference} ({table.id}) body row "
        f"{row_number}: {message}",
        document.source,
    )


def check_header(
    document: Document, table: Table, expected: Sequence[str], *, extra: int = 0
) -> None:
    """Raise :class:`BuildError` unless ``table`` has exactly ``len(expected) + extra``
    columns and its column names start with ``expected`` (case-insensitive).

    ``extra`` counts trailing columns whose header text is not checked (PS3.6 leaves the
    last column of Table 6-1 unnamed). A row the markup wrote short (a lost cell, padded
    by the reader) is refused too: these tables need every column of every row.
    """
    if table.padded_rows:
        raise BuildError(
            f"{document.part} {document.edition} {table.reference} ({table.id}) has rows with "
            f"a cell missing (rows {', '.join(str(r) for r in table.padded_rows[:5])}"
            f"{'…' if len(table.padded_rows) > 5 else ''}, counting the header)",
            document.source,
        )
    header = tuple(text.casefold() for text in table.header_texts())
    width = len(expected) + extra
    if (
        table.column_count != width
        or len(header) != width
        or header[: len(expected)] != tuple(name.casefold() for name in expected)
    ):
        raise BuildError(
            f"{document.part} {document.edition} {table.reference} ({table.id}) has columns "
            f"{list(table.header_texts())}, expected {list(expected)}"
            + (f" and {extra} more" if extra else ""),
            document.source,
        )


@dataclass(frozen=True, slots=True)
class ParsedTag:
    """A tag as PS3.6 writes it: ``text`` (``60xx,0010``), ``value`` and ``mask``."""

    text: str
    value: int
    mask: int


def parse_tag(text: str) -> ParsedTag | None:
    """Parse ``(gggg,eeee)`` where any hex digit may be ``x`` (repeating groups, ranges).

    Returns ``None`` when ``text`` is not a tag. Each ``x`` is 0 in ``value`` and clears its
    four bits in ``mask``: ``(60xx,0010)`` → value ``0x60000010``, mask ``0xFF00FFFF``.
    """
    match = _TAG.match(text)
    if match is None:
        return None
    digits = (match.group(1) + match.group(2)).upper().replace("X", "x")
    value = 0
    mask = 0
    for digit in digits:
        value <<= 4
        mask <<= 4
        if digit != "x":
            value |= int(digit, 16)
            mask |= 0xF
    return ParsedTag(f"{digits[:4]},{digits[4:]}", value, mask)


# --- data elements -----------------------------------------------------------------------


def extract_data_elements(document: Document) -> tuple[list[DataElement], list[TableAccount]]:
    """Compile the registries of data elements that ``document`` (PS3.6) holds.

    Reads whichever of PS3.6 Tables 6-1, 7-1, 8-1 and 9-1 the publication holds (2015b
    DocBook has 6-1, 7-1, 8-1; the 2024c CHTML lacks 6-1 and adds 9-1). Every body row
    becomes one :class:`DataElement`, in table order; rows without a name (the standard
    keeps a few retired tags whose name and VR were withdrawn) are kept with empty fields.

    Returns:
        (elements, one :class:`TableAccount` per table read).

    Raises:
        BuildError: the document is not PS3.6 or holds none of the tables; a table's
            columns are not Tag, Name, Keyword, VR, VM and one unnamed column; a row has no
            valid tag, an unknown VR form (neither ``XX``, ``XX or YY...``, ``See Note`` nor
            empty), an invalid VM or keyword, an unknown last column; a tag is listed twice.
    """
    _require_part(document, "PS3.6")
    present = [table_id for table_id in DATA_ELEMENT_TABLES if table_id in document.tables]
    if not present:
        raise BuildError(
            f"{document.part} {document.edition} holds none of the registries of data "
            f"elements ({', '.join(DATA_ELEMENT_TABLES)})",
            document.source,
        )
    elements: list[DataElement] = []
    accounts: list[TableAccount] = []
    seen: dict[str, str] = {}
    for table_id in present:
        table = document.table(table_id)
        check_header(document, table, _REGISTRY_HEADER, extra=1)
        source = table_source(document, table)
        for number, row in enumerate(table.body_rows, start=1):
            element = _data_element(document, table, number, row.cells, source)
            where = f"{table.reference} body row {number}"
            if element.tag in seen:
                raise row_error(
                    document, table, number, f"tag ({element.tag}) already in {seen[element.tag]}"
                )
            seen[element.tag] = where
            elements.append(element)
        accounts.append(
            TableAccount(source=source, rows=len(table.body_rows), compiled=len(table.body_rows))
        )
    return elements, accounts


def _data_element(
    document: Document,
    table: Table,
    number: int,
    cells: tuple[Cell, ...],
    source: SourceReference,
) -> DataElement:
    tag_text, name, keyword, vr_text, vm, comment = (cell.text for cell in cells)
    tag = parse_tag(tag_text)
    if tag is None:
        raise row_error(document, table, number, f"{tag_text!r} is not a tag (gggg,eeee)")
    if keyword and not _KEYWORD.match(keyword):
        raise row_error(document, table, number, f"({tag.text}) keyword {keyword!r} is invalid")
    if vr_text == "" or _SEE_NOTE.match(vr_text):
        vrs: tuple[str, ...] = ()
    else:
        vrs = tuple(vr_text.split(" or "))
        if not all(_VR_CODE.match(vr) for vr in vrs):
            raise row_error(document, table, number, f"({tag.text}) VR {vr_text!r} is unknown")
    if vm and not _VM.match(vm):
        raise row_error(document, table, number, f"({tag.text}) VM {vm!r} is invalid")
    comment_match = _COMMENT.match(comment)
    if comment_match is None:
        raise row_error(document, table, number, f"({tag.text}) last column {comment!r} is unknown")
    return DataElement(
        tag=tag.text,
        tag_value=tag.value,
        tag_mask=tag.mask,
        name=name,
        keyword=keyword,
        value_representations=vrs,
        vr_text=vr_text,
        value_multiplicity=vm,
        retired=comment_match.group("ret") is not None,
        comment=comment,
        source=source,
    )


def _require_part(document: Document, part: str) -> None:
    if document.part != part:
        raise BuildError(
            f"expected {part}, got {document.part} {document.edition}", document.source
        )


# --- UIDs --------------------------------------------------------------------------------

# Column names (case-folded) of Annex A tables → the UID field they fill.
_UID_COLUMNS = {
    "uid value": "value",
    "context uid": "value",
    "context group uid": "value",
    "uid name": "name",
    "context group name": "name",
    "uid keyword": "keyword",
    "uid type": "uid_type",
    "part": "defining_part",
    "context identifier": "context_group_identifier",
    "context group identifier": "context_group_identifier",
    "normative reference": "normative_reference",
    "comment": "comment",
}
# Tables without a UID Type column: the type their caption implies, in the words the
# UID registry itself used for these UIDs (and pydicom's dictionary still uses).
_IMPLIED_UID_TYPE = {
    "table_A-2": "Well-known frame of reference",
    "table_A-3": "Context Group Name",
}
_RETIRED_COMMENT = re.compile(r"^(?:RET\b|Retired\b)")
_CID_TARGET = re.compile(r"^sect_CID_(\d+)$")


def extract_uids(document: Document) -> tuple[list[UID], list[TableAccount]]:
    """Compile the UID registry of ``document`` (PS3.6 Annex A).

    Reads PS3.6 Table A-1 (UID Values; required) and, where present, Table A-2
    (Well-known Frames of Reference; ``uid_type`` ``Well-known frame of reference``),
    Table A-3 (Context Group UID Values; ``uid_type`` ``Context Group Name``, the CID in
    ``context_group_identifier``) and Table A-4 (Template UID Values). Columns are found
    by their header (2015b has no UID Keyword column). A name ending in "(Retired)" loses
    the suffix and sets ``retired``; in Table A-3 a Comment starting ``RET``/``Retired``
    does. Where DocBook gives a name only as an unresolved olink into PS3.16/PS3.20 (2015b
    Tables A-3, A-4) the name is empty, and the CID is read from the olink's target.

    Returns:
        (UIDs in table order, one :class:`TableAccount` per table read).

    Raises:
        BuildError: the document is not PS3.6 or lacks Table A-1; a table has an unknown
            column, or lacks the UID or name column, or (A-1, A-4) the UID Type column; a
            row's UID is not a dotted number or a keyword is invalid; a UID is listed twice
            in one table, or in two tables under different names (a UID that Table A-1 and
            A-2 both list under the same name, as 2015b does for the frames of reference,
            is compiled from A-1 and accounted as skipped in A-2).
    """
    _require_part(document, "PS3.6")
    if "table_A-1" not in document.tables:
        raise BuildError(
            f"{document.part} {document.edition} has no UID registry (Table A-1)",
            document.source,
        )
    uids: list[UID] = []
    accounts: list[TableAccount] = []
    seen: dict[str, tuple[str, UID]] = {}
    for table_id in UID_TABLES:
        if table_id not in document.tables:
            continue
        table = document.table(table_id)
        columns = _uid_columns(document, table)
        source = table_source(document, table)
        repeated = 0
        for number, row in enumerate(table.body_rows, start=1):
            uid = _uid(document, table, number, columns, row.cells, source)
            if uid.value in seen:
                where, first = seen[uid.value]
                # Until about 2016, Table A-1 also listed the well-known frames of
                # reference that Table A-2 lists: the same UID, under the same name.
                if (
                    first.source.table_id == table.id
                    or first.name.casefold() != uid.name.casefold()
                ):
                    raise row_error(document, table, number, f"UID {uid.value} already in {where}")
                repeated += 1
                continue
            seen[uid.value] = (f"{table.reference} body row {number}", uid)
            uids.append(uid)
        rows = len(table.body_rows)
        accounts.append(
            TableAccount(
                source=source,
                rows=rows,
                compiled=rows - repeated,
                skipped=(
                    (("UID also listed, under the same name, in an earlier table", repeated),)
                    if repeated
                    else ()
                ),
            )
        )
    return uids, accounts


def _uid_columns(document: Document, table: Table) -> dict[str, int]:
    header = table.header_texts()
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        field_name = _UID_COLUMNS.get(name.casefold())
        if field_name is None or field_name in columns:
            raise BuildError(
                f"{document.part} {document.edition} {table.reference} ({table.id}) has an "
                f"unexpected column {name!r} (columns {list(header)})",
                document.source,
            )
        columns[field_name] = index
    required = {"value", "name"} | ({"uid_type"} if table.id not in _IMPLIED_UID_TYPE else set())
    missing = required - columns.keys()
    if missing or len(header) != table.column_count:
        raise BuildError(
            f"{document.part} {document.edition} {table.reference} ({table.id}) lacks the "
            f"column(s) {sorted(missing)} (columns {list(header)})",
            document.source,
        )
    return columns


def _uid(
    document: Document,
    table: Table,
    number: int,
    columns: dict[str, int],
    cells: tuple[Cell, ...],
    source: SourceReference,
) -> UID:
    def text(field_name: str) -> str:
        index = columns.get(field_name)
        return "" if index is None else _resolved_text(cells[index])

    value = text("value")
    if not _UID.match(value):
        raise row_error(document, table, number, f"{value!r} is not a UID")
    name = text("name")
    retired = False
    if name == _RETIRED_SUFFIX.strip():
        name, retired = "", True
    elif name.endswith(_RETIRED_SUFFIX):
        name, retired = name[: -len(_RETIRED_SUFFIX)], True
    if _RETIRED_COMMENT.match(text("comment")):
        retired = True
    keyword = text("keyword")
    if keyword and not _KEYWORD.match(keyword):
        raise row_error(document, table, number, f"UID {value} keyword {keyword!r} is invalid")
    identifier = text("context_group_identifier")
    if not identifier and "context_group_identifier" in columns:
        identifier = _cid_from_olink(cells[columns["context_group_identifier"]])
    return UID(
        value=value,
        name=name,
        keyword=keyword,
        uid_type=text("uid_type") or _IMPLIED_UID_TYPE.get(table.id, ""),
        defining_part=text("defining_part"),
        retired=retired,
        source=source,
        context_group_identifier=identifier,
    )


def _resolved_text(cell: Cell) -> str:
    """The cell's text, or ``""`` where it is only references into other parts that the
    reader could not resolve: DocBook olinks carry no text, and for a title in another part
    the reader falls back to the target id (2015b Table A-3 names: ``sect_CID_2``)."""
    references = [
        inline
        for paragraph in cell.paragraphs()
        for inline in paragraph.inlines
        if not (isinstance(inline, Text) and not inline.text.strip())
    ]
    if references and all(
        isinstance(inline, CrossReference)
        and inline.document is not None
        # A label equal to a section or table id is the reader's fallback; an olink to a
        # whole part ("PS3.4", the Part column of Table A-1) is labelled by its target.
        and (inline.label == "" or (inline.label == inline.target != inline.document))
        for inline in references
    ):
        return ""
    return cell.text


def _cid_from_olink(cell: Cell) -> str:
    """``CID 2`` from an unresolved olink to ``sect_CID_2`` (DocBook gives no label)."""
    for paragraph in cell.paragraphs():
        for reference in _cross_references(paragraph.inlines):
            match = _CID_TARGET.match(reference.target)
            if match:
                return f"CID {match.group(1)}"
    return ""


def _cross_references(inlines: Iterable[Inline]) -> Iterable[CrossReference]:
    for inline in inlines:
        if isinstance(inline, CrossReference):
            yield inline
        elif isinstance(inline, (Emphasis, Link)):
            yield from _cross_references(inline.children)
