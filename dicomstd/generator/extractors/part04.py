"""PS3.4 Service Class Specifications: the Standard SOP Classes and the IODs they use.

Sources in the standard: PS3.4 Table B.5-1 "Standard SOP Classes" (Storage: SOP Class Name |
SOP Class UID | IOD Specification (defined in PS3.3) | Specialization), Table GG.3-1
(Non-Patient Object Storage), Tables I.4-1 and KK.1-2 (media and storage management), and
every other table whose columns start "SOP Class Name | SOP Class UID" (Query/Retrieve
models, Worklist, Hanging Protocol and Color Palette Q/R...): those name no IOD, and their
SOP Classes are compiled with an empty ``iod``. Tables are recognised by their columns.

SOP Classes that PS3.4 defines in prose rather than in such a table (Print Management's,
Modality Performed Procedure Step...) are not compiled here.
"""

from __future__ import annotations

import re

from dicomstd.errors import BuildError
from dicomstd.generator.document import Document, Table
from dicomstd.generator.extractors.part03 import cross_references
from dicomstd.generator.extractors.part06 import row_error, table_source
from dicomstd.generator.iod_model import IOD, Part03Model, SOPClass
from dicomstd.generator.model import TableAccount

__all__ = ["classify_sop_class_table", "extract_sop_classes", "iods_of_sop_classes"]

_UID = re.compile(r"^[0-2](?:\.(?:0|[1-9][0-9]*))+$")


def classify_sop_class_table(table: Table) -> tuple[int, int, int | None] | None:
    """Column indices (name, UID, IOD or None) of a SOP Class table, or ``None`` when the
    table's columns do not start with "SOP Class Name | SOP Class UID"."""
    header = tuple(text.casefold() for text in table.header_texts())
    if header[:2] != ("sop class name", "sop class uid"):
        return None
    iod = next((index for index, text in enumerate(header) if text.startswith("iod")), None)
    return 0, 1, iod


def extract_sop_classes(document: Document) -> tuple[list[SOPClass], list[TableAccount]]:
    """Compile the SOP Classes of the SOP Class tables of ``document`` (PS3.4).

    Returns:
        (SOP Classes in document order, one :class:`TableAccount` per table read).

    Raises:
        BuildError: the document is not PS3.4 or lacks Table B.5-1; a row has no name or an
            invalid UID; an IOD cell names an IOD without referring to PS3.3; a UID is
            listed twice with different IODs.
    """
    if document.part != "PS3.4":
        raise BuildError(f"expected PS3.4, got {document.part} {document.edition}", document.source)
    if "table_B.5-1" not in document.tables:
        raise BuildError(
            f"{document.part} {document.edition} has no Table B.5-1 (Standard SOP Classes)",
            document.source,
        )
    classes: list[SOPClass] = []
    accounts: list[TableAccount] = []
    seen: dict[str, str] = {}
    for table in document.tables.values():
        columns = classify_sop_class_table(table)
        if columns is None:
            continue
        name_column, uid_column, iod_column = columns
        source = table_source(document, table)
        for number, row in enumerate(table.body_rows, start=1):
            texts = row.texts()
            name, uid = texts[name_column], texts[uid_column].replace(" ", "")
            if not name or not _UID.match(uid):
                raise row_error(
                    document, table, number, f"expected a SOP Class name and UID, got {texts[:2]}"
                )
            iod, reference, label = "", "", ""
            if iod_column is not None and texts[iod_column]:
                iod = re.sub(r"\s*\bIOD\b.*$", "", texts[iod_column])
                references = list(cross_references(row.cells[iod_column].blocks))
                if not references:
                    raise row_error(
                        document,
                        table,
                        number,
                        f"IOD {texts[iod_column]!r} of {uid} does not refer to PS3.3",
                    )
                reference, label = references[0].target, references[0].label
                if label in ("", reference):
                    # A DocBook olink into PS3.3 carries no text (NEMA resolves it from an
                    # olink database the publication lacks): the row names no IOD, only
                    # its section; the PS3.3 model supplies the name.
                    iod = ""
                    label = "Section " + reference.removeprefix("sect_")
            if seen.get(uid, reference) != reference:
                raise row_error(
                    document, table, number, f"{uid} is listed twice with different IODs"
                )
            seen[uid] = reference
            classes.append(
                SOPClass(
                    uid=uid,
                    name=name,
                    iod=iod,
                    iod_reference=reference,
                    iod_reference_label=label,
                    service=table.caption,
                    source=source,
                    row=number,
                )
            )
        accounts.append(TableAccount(source, len(table.body_rows), len(table.body_rows)))
    return classes, accounts


def iods_of_sop_classes(sop_classes: list[SOPClass], part03: Part03Model) -> dict[str, IOD]:
    """SOP Class UID → the PS3.3 IOD its row refers to (SOP Classes without an IOD, or whose
    IOD the PS3.3 model lacks, are left out).

    The row's reference (``sect_A.3``) is matched to the IOD's section; where PS3.4 refers
    to a subsection or a parent of it, the nearest IOD by section id prefix is taken.
    """
    by_section: dict[str, IOD] = {}
    for iod in part03.iods.values():
        by_section.setdefault(iod.section_id, iod)
    found: dict[str, IOD] = {}
    for sop_class in sop_classes:
        if not sop_class.iod_reference:
            continue
        # "sect_A.38.1" may be referred to as "sect_A.38.1.3"; try the enclosing ids.
        target = sop_class.iod_reference
        while target not in by_section and "." in target:
            target = target.rsplit(".", 1)[0]
        if target in by_section:
            found[sop_class.uid] = by_section[target]
    return found
