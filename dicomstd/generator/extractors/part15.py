"""PS3.15 Security and System Management Profiles: the de-identification table.

Source in the standard: PS3.15 Annex E, Table E.1-1 "Application Level Confidentiality
Profile Attributes": per Attribute, its Name, Tag, whether PS3.6 retires it ("Retd."),
whether a Standard Composite IOD of PS3.3 uses it ("In Std. Comp. IOD"), and one column per
profile or option (Basic Profile, Retain Safe Private Option, Retain UIDs Option...) holding
the action code to apply (``X`` remove, ``Z`` zero length, ``D`` dummy, ``K`` keep, ``C``
clean, ``U`` replace UID, and the combinations ``X/Z``, ``X/D``, ``X/Z/D``, ``Z/D``,
``X/Z/U*``), or nothing where the option does not change what the Basic Profile does. The
action codes are defined by Table E.1-1a (2024c and later; earlier editions define them in
the text of Section E.1.1).

Every body row becomes exactly one :class:`DeidentificationAttribute` or a
:class:`~dicomstd.errors.BuildError`; the :class:`TableAccount` records it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dicomstd.errors import BuildError
from dicomstd.generator.document import Document
from dicomstd.generator.extractors.part06 import parse_tag, row_error, table_source
from dicomstd.generator.model import SourceReference, TableAccount

__all__ = [
    "ACTION_CODES",
    "DEIDENTIFICATION_TABLE",
    "OPTION_NAMES",
    "DeidentificationAttribute",
    "extract_deidentification",
]

#: The table's id in every edition since 2013.
DEIDENTIFICATION_TABLE = "table_E.1-1"
_ACTION_CODE_TABLE = "table_E.1-1a"

#: The action codes of Section E.1.1 / Table E.1-1a (used where the edition lacks E.1-1a).
ACTION_CODES = frozenset({"D", "Z", "X", "K", "C", "U", "Z/D", "X/Z", "X/D", "X/Z/D", "X/Z/U*"})

#: The column headings as printed → the profile or option they stand for.
OPTION_NAMES = {
    "Basic Prof.": "Basic Application Level Confidentiality Profile",
    "Rtn. Safe Priv. Opt.": "Retain Safe Private Option",
    "Rtn. UIDs Opt.": "Retain UIDs Option",
    "Rtn. Dev. Id. Opt.": "Retain Device Identity Option",
    "Rtn. Inst. Id. Opt.": "Retain Institution Identity Option",
    "Rtn. Pat. Chars. Opt.": "Retain Patient Characteristics Option",
    "Rtn. Long. Full Dates Opt.": "Retain Longitudinal Temporal Information with Full Dates Option",
    "Rtn. Long. Modif. Dates Opt.": (
        "Retain Longitudinal Temporal Information with Modified Dates Option"
    ),
    "Clean Desc. Opt.": "Clean Descriptors Option",
    "Clean Struct. Cont. Opt.": "Clean Structured Content Option",
    "Clean Graph. Opt.": "Clean Graphics Option",
}

_FIXED_HEADER = ("Attribute Name", "Tag", "Retd. (from PS3.6)", "In Std. Comp. IOD (from PS3.3)")
# A further column is an option if its heading ends like the ones above.
_OPTION_HEADING = re.compile(r"(?:Prof\.|Opt\.)$")
# The one row whose Tag is not a tag: every private Attribute.
_PRIVATE_ROW = re.compile(r"^\(gggg,\s*eeee\)\s+where\s+gggg\s+is\s+odd$", re.IGNORECASE)
PRIVATE_TAG = "gggg,eeee"
_YES_NO = {"Y": True, "N": False}


@dataclass(frozen=True, slots=True)
class DeidentificationAttribute:
    """One row of PS3.15 Table E.1-1.

    Attributes:
        name: the Attribute Name as printed.
        tag: ``0008,0050``; repeating groups keep their ``x`` (``50xx,xxxx``); the row of
            private Attributes ("(gggg,eeee) where gggg is odd") is ``gggg,eeee``.
        tag_value, tag_mask: as in :class:`dicomstd.generator.model.DataElement`; both 0
            for the private Attributes row.
        retired: the "Retd. (from PS3.6)" column says ``Y``.
        in_standard_iod: the "In Std. Comp. IOD (from PS3.3)" column says ``Y``.
        actions: (column heading as printed, action code) for every profile or option
            column, in column order; ``""`` where the cell is empty.
        source: the table; ``row`` is the 1-based body row.
    """

    name: str
    tag: str
    tag_value: int
    tag_mask: int
    retired: bool
    in_standard_iod: bool
    actions: tuple[tuple[str, str], ...]
    source: SourceReference
    row: int

    def action(self, column: str) -> str:
        """The action code of ``column`` (a heading as printed), ``""`` where none."""
        return dict(self.actions).get(column, "")


def _action_codes(document: Document) -> frozenset[str]:
    """The codes Table E.1-1a defines (its first column), else :data:`ACTION_CODES`."""
    table = document.tables.get(_ACTION_CODE_TABLE)
    if table is None:
        return ACTION_CODES
    codes = frozenset(row.texts()[0] for row in table.body_rows if row.texts()[0])
    return codes or ACTION_CODES


def extract_deidentification(
    document: Document,
) -> tuple[list[DeidentificationAttribute], list[TableAccount]]:
    """Compile PS3.15 Table E.1-1 of ``document``.

    Returns:
        (one :class:`DeidentificationAttribute` per body row in table order, one
        :class:`TableAccount` for the table).

    Raises:
        BuildError: the document is not PS3.15 or lacks Table E.1-1; the first four columns
            are not Attribute Name, Tag, Retd., In Std. Comp. IOD, or a further column's
            heading is empty or ends neither "Prof." nor "Opt."; a row has no name, a Tag
            that is neither a tag nor the private Attributes form, a Retd. or In Std. Comp.
            IOD value other than Y/N, an action code the edition does not define; a tag is
            listed twice.
    """
    if document.part != "PS3.15":
        raise BuildError(
            f"expected PS3.15, got {document.part} {document.edition}", document.source
        )
    if DEIDENTIFICATION_TABLE not in document.tables:
        raise BuildError(
            f"{document.part} {document.edition} has no Table E.1-1 (Application Level "
            "Confidentiality Profile Attributes)",
            document.source,
        )
    table = document.table(DEIDENTIFICATION_TABLE)
    header = table.header_texts()
    fixed = len(_FIXED_HEADER)
    options = header[fixed:]
    if (
        tuple(text.casefold() for text in header[:fixed])
        != tuple(text.casefold() for text in _FIXED_HEADER)
        or not options
        or len(header) != table.column_count
        or not all(_OPTION_HEADING.search(text) for text in options)
    ):
        raise BuildError(
            f"{document.part} {document.edition} {table.reference} ({table.id}) has columns "
            f"{list(header)}, expected {list(_FIXED_HEADER)} then profile and option columns "
            "(headings ending 'Prof.' or 'Opt.')",
            document.source,
        )
    codes = _action_codes(document)
    source = table_source(document, table)
    attributes: list[DeidentificationAttribute] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(table.body_rows, start=1):
        texts = row.texts()
        name, tag_text, retired, in_iod = texts[:fixed]
        if not name:
            raise row_error(document, table, number, "has no Attribute Name")
        parsed = parse_tag(tag_text)
        if parsed is not None:
            tag, value, mask = parsed.text, parsed.value, parsed.mask
        elif _PRIVATE_ROW.match(tag_text):
            tag, value, mask = PRIVATE_TAG, 0, 0
        else:
            raise row_error(document, table, number, f"Tag {tag_text!r} is not a tag")
        for column, flag in ((header[2], retired), (header[3], in_iod)):
            if flag not in _YES_NO:
                raise row_error(document, table, number, f"{column} is {flag!r}, not Y or N")
        actions = tuple(zip(options, texts[fixed:]))
        for column, code in actions:
            if code and code not in codes:
                raise row_error(
                    document,
                    table,
                    number,
                    f"({tag}) {column} has action code {code!r}, not one of "
                    f"{', '.join(sorted(codes))}",
                )
        if tag in seen:
            raise row_error(document, table, number, f"tag ({tag}) already in body row {seen[tag]}")
        seen[tag] = number
        attributes.append(
            DeidentificationAttribute(
                name=name,
                tag=tag,
                tag_value=value,
                tag_mask=mask,
                retired=_YES_NO[retired],
                in_standard_iod=_YES_NO[in_iod],
                actions=actions,
                source=source,
                row=number,
            )
        )
    account = TableAccount(source=source, rows=len(table.body_rows), compiled=len(attributes))
    return attributes, [account]
