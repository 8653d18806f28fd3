"""The compiled model: the standard as plain typed data, independent of any publication format.

The extractors (:mod:`dicomstd.generator.extractors`) fill it from the document model; the
emitter renders it through templates into ``dicomstd.generated``; it serialises to JSON
(:func:`to_json`) for other tools. Every element keeps where it came from
(:class:`SourceReference`), so that generated code and later findings can cite
``PS3.6 2024c Table A-1``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dicomstd.generator.serialize import plain

if TYPE_CHECKING:
    from dicomstd.generator.iod_emission import CompiledIODs
    from dicomstd.generator.iod_model import Part03Model, SOPClass

__all__ = [
    "CommandElement",
    "CompiledStandard",
    "DataElement",
    "SourceReference",
    "TableAccount",
    "TransferSyntax",
    "UID",
    "ValueRepresentation",
    "to_json",
]


@dataclass(frozen=True, slots=True, order=True)
class SourceReference:
    """Where a compiled element was read.

    Attributes:
        part: ``PS3.6``; for a secondary source, its name (``pydicom``).
        edition: ``2024c``; for a secondary source, its version (``3.0.2``).
        table_id: the table's ``xml:id`` (``table_6-1``), or a section id, or ``""``.
        label: how the standard names the place (``Table 6-1``, ``Section 6.2``).
    """

    part: str
    edition: str
    table_id: str
    label: str

    @property
    def citation(self) -> str:
        """``PS3.6 2015b Table 6-1`` (or ``pydicom 3.0.2 data dictionary``)."""
        return " ".join(piece for piece in (self.part, self.edition, self.label) if piece)

    @property
    def is_secondary(self) -> bool:
        """True for an entry that no NEMA publication at hand supplied."""
        return not self.part.startswith("PS3.")


@dataclass(frozen=True, slots=True)
class TableAccount:
    """How an extractor accounted for every body row of one table it was given.

    ``rows == compiled + sum(count for _, count in skipped)`` always holds; a row that an
    extractor cannot classify is a :class:`dicomstd.errors.BuildError`, never a skip.

    Attributes:
        source: the table.
        rows: body rows the document model holds for it.
        compiled: rows that became model elements.
        skipped: (reason, count) for rows deliberately not compiled, e.g.
            ``("span copy of a heading row", 2)``.
    """

    source: SourceReference
    rows: int
    compiled: int
    skipped: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class DataElement:
    """A row of the registry of data elements (PS3.6 Tables 6-1, 7-1, 8-1, 9-1).

    Attributes:
        tag: the tag as the standard writes it, upper case, without parentheses:
            ``0008,0005``; repeating groups and ranges keep their ``x``: ``60xx,0010``,
            ``0020,31xx``, ``1000,xxx0``.
        tag_value: the tag as a 32-bit integer (group << 16 | element) with each ``x`` as 0.
        tag_mask: bits that must match ``tag_value`` (``0xFFFFFFFF`` without ``x``; each
            ``x`` clears its four bits).
        name: the Attribute Name (``Specific Character Set``); may be empty for rows the
            standard lists without a name.
        keyword: the Keyword (``SpecificCharacterSet``); empty where the standard gives none.
        value_representations: the VRs the element may have: ``("CS",)``, ``("US", "SS")``
            for "US or SS"; empty where the VR column says "See Note" or nothing.
        vr_text: the VR column as printed (``US or SS``, ``See Note 2``).
        value_multiplicity: the VM as printed (``1``, ``1-n``, ``2-2n``).
        retired: the element is retired (RET in the last column).
        comment: the last column as printed (``RET``, ``DICOS``, ``DICONDE``, ``RET - See
            Note``), empty when blank.
        source: where the row was read.
    """

    tag: str
    tag_value: int
    tag_mask: int
    name: str
    keyword: str
    value_representations: tuple[str, ...]
    vr_text: str
    value_multiplicity: str
    retired: bool
    comment: str
    source: SourceReference


@dataclass(frozen=True, slots=True)
class UID:
    """A row of the UID registry (PS3.6 Table A-1) or of its neighbours (A-2, A-3, A-4).

    Attributes:
        value: ``1.2.840.10008.1.2``.
        name: ``Implicit VR Little Endian`` (without the "(Retired)" suffix; see ``retired``).
        keyword: ``ImplicitVRLittleEndian``; empty where the table gives none.
        uid_type: the UID Type column: ``SOP Class``, ``Transfer Syntax``, ``Well-known
            frame of reference``, ``Context Group Name``...
        defining_part: the Part column (``PS3.5``), empty where the table has none.
        retired: the name carries "(Retired)" (Table A-3: the Comment says ``RET``/``Retired``).
        source: where the row was read.
        context_group_identifier: the Context Group Identifier of a Table A-3 row
            (``CID 2``); empty for the other tables.
    """

    value: str
    name: str
    keyword: str
    uid_type: str
    defining_part: str
    retired: bool
    source: SourceReference
    context_group_identifier: str = ""


@dataclass(frozen=True, slots=True)
class ValueRepresentation:
    """A Value Representation (PS3.5 Section 6.2, Table 6.2-1).

    Attributes:
        code: ``AE``.
        name: ``Application Entity``.
        definition: the definition column as text.
        character_repertoire: the character repertoire column as text (empty for binary VRs).
        length_text: the "Length of Value" column as text.
        maximum_length: the maximum length of one Value; ``None`` where the standard sets
            none ("see NOTE", or limited only by the Value Length field).
        length_unit: ``bytes`` or ``characters``, the unit of ``maximum_length``.
        fixed_length: the Value has exactly ``maximum_length`` (AT, FL, FD, SL, SS, UL, US...).
        padding: the byte that pads a Value to even length: ``" "`` (space, character
            strings), ``"\\x00"`` (UI, OB and other binary VRs); ``None`` where no padding
            is defined (fixed-length binary VRs).
        source: ``PS3.5 Table 6.2-1``.
    """

    code: str
    name: str
    definition: str
    character_repertoire: str
    length_text: str
    maximum_length: int | None
    length_unit: str
    fixed_length: bool
    padding: str | None
    source: SourceReference


@dataclass(frozen=True, slots=True)
class TransferSyntax:
    """A Transfer Syntax defined by PS3.5 (Section 10 and Annex A), with its encoding.

    Attributes:
        uid: ``1.2.840.10008.1.2.1``.
        name: the name in the UID registry.
        keyword: the keyword in the UID registry.
        explicit_vr: the data set encodes the VR of each element.
        little_endian: byte order of the data set (after the File Meta Information).
        encapsulated: Pixel Data is encapsulated (compressed) per PS3.5 Annex A.4.
        deflated: the data set is deflated (PS3.5 Annex A.5).
        retired: the Transfer Syntax is retired.
        source: the PS3.5 section that defines it (``PS3.5 2024c Section A.4.1``).
    """

    uid: str
    name: str
    keyword: str
    explicit_vr: bool
    little_endian: bool
    encapsulated: bool
    deflated: bool
    retired: bool
    source: SourceReference


@dataclass(frozen=True, slots=True)
class CommandElement:
    """A DIMSE command field (PS3.7 Table E.1-1; retired ones from Table E.2-1).

    Attributes:
        tag: ``0000,0100``.
        tag_value: the tag as a 32-bit integer.
        name: the Message Field (``Command Field``).
        keyword: ``CommandField``.
        value_representation: ``US``.
        value_multiplicity: ``1``.
        description: the "Description of Field" column as text.
        retired: the field is retired (listed in Table E.2-1).
        source: where the row was read.
    """

    tag: str
    tag_value: int
    name: str
    keyword: str
    value_representation: str
    value_multiplicity: str
    description: str
    retired: bool
    source: SourceReference


@dataclass
class CompiledStandard:
    """Everything one build compiled, with the publications it was read from.

    Attributes:
        publications: per publication read: part, edition, format, sha256, path.
        data_elements: PS3.6 registry of data elements (Tables 6-1, 7-1, 8-1, 9-1), completed
            from the declared secondary source where the publications at hand lack rows.
        uids: PS3.6 Annex A registry.
        value_representations: PS3.5 Table 6.2-1.
        transfer_syntaxes: PS3.5 Transfer Syntaxes.
        command_elements: PS3.7 Annex E.
        part03: PS3.3's IODs, Modules, Macros and functional groups.
        sop_classes: PS3.4's Standard SOP Classes.
        iods: PS3.3/PS3.4 in the runtime's shapes (derived; not in the JSON).
    """

    publications: list[dict[str, str]] = field(default_factory=list)
    data_elements: list[DataElement] = field(default_factory=list)
    uids: list[UID] = field(default_factory=list)
    value_representations: list[ValueRepresentation] = field(default_factory=list)
    transfer_syntaxes: list[TransferSyntax] = field(default_factory=list)
    command_elements: list[CommandElement] = field(default_factory=list)
    part03: Part03Model | None = None
    sop_classes: list[SOPClass] = field(default_factory=list)
    iods: CompiledIODs | None = field(default=None, metadata={"json": False})


def to_json(compiled: CompiledStandard) -> str:
    """Serialise ``compiled`` as JSON (UTF-8 text, keys in field order, 1-space indent).

    Deterministic: the same model gives the same text.
    """
    return json.dumps(plain(compiled), indent=1, ensure_ascii=False) + "\n"
