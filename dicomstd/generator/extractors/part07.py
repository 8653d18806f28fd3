"""PS3.7 Message Exchange: the DIMSE command fields of Annex E.

Sources in the standard: PS3.7 Table E.1-1 (Command Fields: Tag, Message Field, Keyword,
VR, VM, Description of Field) and Table E.2-1 (Retired Command Fields: the same columns
without the description).
"""

from __future__ import annotations

import re

from dicomstd.errors import BuildError
from dicomstd.generator.document import Document
from dicomstd.generator.extractors.part06 import check_header, parse_tag, row_error, table_source
from dicomstd.generator.model import CommandElement, TableAccount

__all__ = ["COMMAND_TABLES", "extract_command_elements"]

#: (table id, retired) in the order PS3.7 prints them.
COMMAND_TABLES = (("table_E.1-1", False), ("table_E.2-1", True))

_HEADER = ("Tag", "Message Field", "Keyword", "VR", "VM")
_VR_CODE = re.compile(r"^[A-Z]{2}$")
_VM = re.compile(r"^\d+(?:-(?:\d*n|\d+))?$")
_KEYWORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def extract_command_elements(
    document: Document,
) -> tuple[list[CommandElement], list[TableAccount]]:
    """Compile the command fields of ``document`` (PS3.7 Tables E.1-1 and E.2-1).

    Rows of Table E.2-1 are ``retired``; their ``description`` is empty (the table has no
    such column). Tags must be of the command group 0000 and without ``x``.

    Returns:
        (command elements, E.1-1 rows then E.2-1 rows; one :class:`TableAccount` per table).

    Raises:
        BuildError: the document is not PS3.7 or lacks Table E.1-1; a table's columns are
            not Tag, Message Field, Keyword, VR, VM (and, for E.1-1, Description of Field);
            a row has an invalid tag (not ``(0000,eeee)``), name, keyword, VR or VM; a tag
            is listed twice.
    """
    if document.part != "PS3.7":
        raise BuildError(f"expected PS3.7, got {document.part} {document.edition}", document.source)
    if "table_E.1-1" not in document.tables:
        raise BuildError(
            f"{document.part} {document.edition} has no Table E.1-1 (Command Fields)",
            document.source,
        )
    elements: list[CommandElement] = []
    accounts: list[TableAccount] = []
    seen: set[int] = set()
    for table_id, retired in COMMAND_TABLES:
        if table_id not in document.tables:
            continue
        table = document.table(table_id)
        check_header(document, table, _HEADER if retired else _HEADER + ("Description of Field",))
        source = table_source(document, table)
        for number, row in enumerate(table.body_rows, start=1):
            texts = row.texts()
            tag_text, name, keyword, vr, vm = texts[:5]
            tag = parse_tag(tag_text)
            if tag is None or tag.mask != 0xFFFFFFFF or tag.value >> 16 != 0:
                raise row_error(
                    document, table, number, f"{tag_text!r} is not a command tag (0000,eeee)"
                )
            problem = None
            if not name:
                problem = "has no Message Field"
            elif not _KEYWORD.match(keyword):
                problem = f"keyword {keyword!r} is invalid"
            elif not _VR_CODE.match(vr):
                problem = f"VR {vr!r} is invalid"
            elif not _VM.match(vm):
                problem = f"VM {vm!r} is invalid"
            elif tag.value in seen:
                problem = "is listed twice"
            if problem:
                raise row_error(document, table, number, f"({tag.text}) {problem}")
            seen.add(tag.value)
            elements.append(
                CommandElement(
                    tag=tag.text,
                    tag_value=tag.value,
                    name=name,
                    keyword=keyword,
                    value_representation=vr,
                    value_multiplicity=vm,
                    description="" if retired else texts[5],
                    retired=retired,
                    source=source,
                )
            )
        accounts.append(
            TableAccount(source=source, rows=len(table.body_rows), compiled=len(table.body_rows))
        )
    return elements, accounts
