"""The compiled model of PS3.3 (IODs, modules, macros, functional groups) and PS3.4 (SOP Classes).

Filled by :mod:`dicomstd.generator.extractors.part03` and
:mod:`dicomstd.generator.extractors.part04`; like :mod:`dicomstd.generator.model` it is plain
frozen dataclasses, every element with the :class:`~dicomstd.generator.model.SourceReference`
it was read from, serialisable to JSON by :func:`part03_to_json`.

Shapes, in the standard's terms:

- An :class:`IOD` lists :class:`ModuleUsage` rows (PS3.3 Annex A "IE | Module | Reference |
  Usage" tables; Annex B normalized IOD tables have no IE and no Usage) and, for enhanced
  multi-frame IODs, :class:`FunctionalGroupUsage` rows (the "Functional Group Macro | Section
  | Usage" tables).
- An :class:`AttributeTable` (a Module, a Macro or a directory record's keys) holds
  :data:`Entry` rows as a tree: the rows after a Sequence Attribute whose ``>`` markers are one
  deeper are that Sequence's Item (:attr:`AttributeSpec.items`).
- An :class:`Include` refers to the included table by id: macros are shared by reference,
  never copied, so a macro's attributes are stored once however many tables include it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Literal, Union

from dicomstd.generator.model import SourceReference
from dicomstd.generator.serialize import plain, tag_with_class

__all__ = [
    "AnyAttributes",
    "AttributeSpec",
    "AttributeTable",
    "ContextGroupReference",
    "Entry",
    "FunctionalGroupUsage",
    "IOD",
    "Include",
    "ItemCount",
    "ModuleUsage",
    "Part03Model",
    "SOPClass",
    "TableKind",
    "ValueSet",
    "part03_to_json",
]

#: What an attribute table is (see :func:`dicomstd.generator.extractors.part03.table_kind`).
TableKind = Literal["module", "macro", "directory record"]


@dataclass(frozen=True, slots=True)
class ContextGroupReference:
    """A context group named in a description or an include qualifier.

    Attributes:
        cid: the Context ID (``4031``).
        strength: how it binds, as PS3.3 Section 8.6 (and PS3.16) define: ``baseline``
            (``BCID``/"Baseline CID"), ``defined`` (``DCID``/"Defined CID"), ``enumerated``
            (``ECID``), or ``""`` where the text just says ``CID``.
        name: the group's name where the text quotes it (``Measurement Unit``), else ``""``.
    """

    cid: int
    strength: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class ValueSet:
    """Enumerated Values or Defined Terms of an attribute.

    Attributes:
        kind: ``enumerated`` (Enumerated Values: only these), ``defined`` (Defined Terms:
            these or others), or ``listed`` where the publication's reader gave the values
            without their "Enumerated Values:"/"Defined Terms:" heading (see the report on
            :class:`dicomstd.generator.document.DefinitionList`, which has no title).
        values: the values as printed, in order (``M``, ``F``, ``O``).
        value_number: the Value (1-based) the list applies to, where the text says so
            ("Enumerated Values for Value 1:"); ``None`` for every Value.
        source: the table (description cell) or section where the list is printed.
    """

    kind: str
    values: tuple[str, ...]
    value_number: int | None
    source: SourceReference


@dataclass(frozen=True, slots=True)
class ItemCount:
    """How many Items a Sequence may hold, from its description.

    ``("Only a single Item shall be included" → 1..1; "One or more Items shall be
    included" → 1..None; "Zero or more Items" → 0..None; "One or two Items" → 1..2)``.

    Attributes:
        minimum: the least number of Items.
        maximum: the most, ``None`` without a limit.
        text: the sentence it was read from.
    """

    minimum: int
    maximum: int | None
    text: str


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """One Attribute row of a module or macro table.

    Attributes:
        name: the Attribute Name without its ``>`` markers.
        tag: ``0010,0010`` (upper case, ``x`` kept for repeating groups: ``60xx,0010``).
        tag_value, tag_mask: as in :class:`dicomstd.generator.model.DataElement`.
        depth: the number of ``>`` markers (0 at the top level of the table).
        type: the Type normalised: ``1``, ``1C``, ``2``, ``2C``, ``3``; other forms the
            tables use are kept as printed (see ``type_text``); ``""`` where the table has
            no Type column (normalized IODs).
        type_text: the Type cell as printed.
        description: the description cell as text.
        retired: the name or description marks the Attribute retired.
        value_sets: Enumerated Values / Defined Terms from the cell and from the sections
            it points to.
        fixed_values: values the text requires ("shall have a value of ORIGINAL").
        item_count: for a Sequence, its Item count constraint where the text states one.
        context_groups: context groups the description names (``DCID 82``).
        items: the entries of the Sequence's Item (rows one ``>`` deeper that follow).
        source: the table; ``row`` is its 1-based body row.
    """

    name: str
    tag: str
    tag_value: int
    tag_mask: int
    depth: int
    type: str
    type_text: str
    description: str
    retired: bool
    value_sets: tuple[ValueSet, ...]
    fixed_values: tuple[str, ...]
    item_count: ItemCount | None
    context_groups: tuple[ContextGroupReference, ...]
    items: tuple[Entry, ...]
    source: SourceReference
    row: int


@dataclass(frozen=True, slots=True)
class Include:
    """An ``Include Table X`` row: the attributes of table ``target`` at ``depth``.

    Attributes:
        target: the included table's id (``table_10-11``).
        target_label: ``Table 10-11``.
        depth: the ``>`` markers of the row (the included attributes sit at this depth).
        text: the row's text as printed (name cell and, where distinct, description cell).
        qualifier: what follows the table's title in the row, e.g. "DCID 82 “Measurement
            Unit”." or "No Baseline CID is defined."; ``""`` without one.
        context_groups: the context groups the qualifier names.
        no_baseline_cid: the qualifier says no Baseline CID (or TID) is defined.
        constrained: the qualifier constrains the included attributes ("with the following
            constraints", "shall be", "only", "within"...): see ``qualifier``.
        items: rows one ``>`` deeper that follow the include: they add to the Item of the
            included table's last Sequence (PS3.3 Table C.18.4-1 includes a macro ending
            with Referenced SOP Sequence, then lists more of that Sequence's Attributes).
        source, row: where it was read.
    """

    target: str
    target_label: str
    depth: int
    text: str
    qualifier: str
    context_groups: tuple[ContextGroupReference, ...]
    no_baseline_cid: bool
    constrained: bool
    items: tuple[Entry, ...]
    source: SourceReference
    row: int


@dataclass(frozen=True, slots=True)
class AnyAttributes:
    """A placeholder row standing for attributes not listed ("Any Attribute from the top
    level Data Set that was modified", "Any other Attribute of the Study IE Modules").

    Attributes:
        text: the row's name cell as printed, without ``>`` markers.
        depth: the ``>`` markers.
        type: the Type cell where it has one (``3``), else ``""``.
        description: the description cell, ``""`` where the text spans the whole row.
        source, row: where it was read.
    """

    text: str
    depth: int
    type: str
    description: str
    source: SourceReference
    row: int


#: An entry of an attribute table or of a Sequence's Item.
Entry = Union[AttributeSpec, Include, AnyAttributes]


@dataclass(frozen=True, slots=True)
class AttributeTable:
    """A Module, a Macro or a directory record's keys: one attribute table of PS3.3.

    Attributes:
        table_id: ``table_C.7-1``.
        name: the caption without "Module Attributes"/"Macro Attributes" (``Patient``).
        caption: the caption as printed.
        kind: ``module``, ``macro`` or ``directory record`` (the rule is
            :func:`dicomstd.generator.extractors.part03.table_kind`).
        section_id: the section holding the table (``sect_C.7.1.1``).
        columns: the header as printed.
        has_type: the table has a Type column.
        entries: the top-level entries (depth 0), Sequence Items nested in them.
        retired: the caption or section title says Retired.
        headings: label rows (bold group headings spanning the row) as printed.
        source: the table.
    """

    table_id: str
    name: str
    caption: str
    kind: str
    section_id: str
    columns: tuple[str, ...]
    has_type: bool
    entries: tuple[Entry, ...]
    retired: bool
    headings: tuple[str, ...]
    source: SourceReference

    def walk(self) -> list[Entry]:
        """Every entry, depth first, Items after their Sequence (the table's row order)."""
        found: list[Entry] = []
        _walk(self.entries, found)
        return found


def _walk(entries: tuple[Entry, ...], found: list[Entry]) -> None:
    for entry in entries:
        found.append(entry)
        if isinstance(entry, (AttributeSpec, Include)):
            _walk(entry.items, found)


@dataclass(frozen=True, slots=True)
class ModuleUsage:
    """A row of an IOD's module table.

    Attributes:
        information_entity: the IE (``Patient``); ``""`` for a normalized IOD.
        module: the module's name as printed (``Clinical Trial Subject``).
        reference: the section the Reference column points to (``sect_C.7.1.3``).
        reference_label: the Reference as printed (``C.7.1.3``).
        table_id: the module's attribute table found in that section (``table_C.7-2b``);
            ``""`` where the section has none (a few normalized modules are prose).
        usage: ``M``, ``C`` or ``U``; ``""`` for a normalized IOD (no Usage column).
        condition: the text after the usage letter ("Required if contrast media was used");
            for a normalized IOD, the Module Description.
        source, row: where it was read.
    """

    information_entity: str
    module: str
    reference: str
    reference_label: str
    table_id: str
    usage: str
    condition: str
    source: SourceReference
    row: int


@dataclass(frozen=True, slots=True)
class FunctionalGroupUsage:
    """A row of an enhanced multi-frame IOD's Functional Group Macros table.

    Attributes:
        macro: the macro's name as printed (``Pixel Measures``).
        reference: the section referred to (``sect_C.7.6.16.2.1``).
        reference_label: ``C.7.6.16.2.1``.
        table_id: the macro's attribute table (``table_C.7.6.16-2``), ``""`` if none.
        usage: ``M``, ``C`` or ``U``.
        condition: the text after the usage letter.
        placement: ``per-frame`` (may/shall not be used as a Shared Functional Group),
            ``shared`` (shall be used as a Shared / may not be used as a Per-Frame
            Functional Group), or ``any``.
        source, row: where it was read.
    """

    macro: str
    reference: str
    reference_label: str
    table_id: str
    usage: str
    condition: str
    placement: str
    source: SourceReference
    row: int


@dataclass(frozen=True, slots=True)
class IOD:
    """An Information Object Definition.

    Attributes:
        name: ``CT Image`` (the IOD section's title without "IOD").
        caption: the module table's caption (``CT Image IOD Modules``); editions differ in
            the section title (2016c: "Computed Tomography Image IOD") more than here.
        kind: ``composite`` (Annex A) or ``normalized`` (Annex B, and the Basic Directory
            IOD of Annex F, whose table has the Annex B columns plus Usage).
        section_id: the IOD's section (``sect_A.3``).
        table_id: the module table (``table_A.3-1``).
        modules: the module table's rows.
        functional_groups: the Functional Group Macros table's rows (enhanced IODs).
        functional_group_table_id: that table's id, ``""`` without one.
        retired: the section title says Retired.
        source: the module table.
    """

    name: str
    caption: str
    kind: str
    section_id: str
    table_id: str
    modules: tuple[ModuleUsage, ...]
    functional_groups: tuple[FunctionalGroupUsage, ...]
    functional_group_table_id: str
    retired: bool
    source: SourceReference


@dataclass(frozen=True, slots=True)
class SOPClass:
    """A Standard SOP Class of PS3.4 with the IOD it uses.

    Attributes:
        uid: ``1.2.840.10008.5.1.4.1.1.2``.
        name: ``CT Image Storage``.
        iod: the IOD's name as the row prints it (``CT Image``), ``""`` where the table
            names none (Query/Retrieve models, some services).
        iod_reference: the PS3.3 section the row's IOD cell refers to (``sect_A.3``), ``""``
            where it does not refer to one.
        iod_reference_label: the reference as printed (``Section A.3``).
        service: the service class table's caption (``Standard SOP Classes``).
        source, row: where it was read (``PS3.4 2024c Table B.5-1``).
    """

    uid: str
    name: str
    iod: str
    iod_reference: str
    iod_reference_label: str
    service: str
    source: SourceReference
    row: int


@dataclass
class Part03Model:
    """What PS3.3 compiles to.

    Attributes:
        part, edition: ``PS3.3``, ``2024c``.
        iods: by module table id, in document order.
        tables: every attribute table (modules, macros, directory records) by table id.
        exceptions_used: (table id, row, reason) of rows accounted for by the committed
            exception list.
        unresolved_includes: (table id, row, target) of includes whose target this
            publication does not hold (only tolerated for an excerpt, see the extractor).
    """

    part: str
    edition: str
    iods: dict[str, IOD] = field(default_factory=dict)
    tables: dict[str, AttributeTable] = field(default_factory=dict)
    exceptions_used: list[tuple[str, int, str]] = field(default_factory=list)
    unresolved_includes: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def modules(self) -> dict[str, AttributeTable]:
        """The tables of kind ``module``."""
        return {key: item for key, item in self.tables.items() if item.kind == "module"}

    @property
    def macros(self) -> dict[str, AttributeTable]:
        """The tables of kind ``macro``."""
        return {key: item for key, item in self.tables.items() if item.kind == "macro"}

    def functional_group_macros(self) -> dict[str, AttributeTable]:
        """Macros that some IOD's Functional Group Macros table refers to."""
        referred = {
            usage.table_id
            for iod in self.iods.values()
            for usage in iod.functional_groups
            if usage.table_id
        }
        return {key: item for key, item in self.tables.items() if key in referred}

    def expand(self, table_id: str) -> list[tuple[tuple[AttributeSpec, ...], AttributeSpec]]:
        """Every Attribute of a table with its includes resolved, in row order.

        Returns:
            (the Sequences enclosing the Attribute, outermost first; the Attribute). An
            include at depth d puts the included table's Attributes inside the Sequence of
            depth d-1; rows that follow an include one ``>`` deeper go into the Item of the
            included table's last Sequence. Includes whose target this model lacks (an
            excerpt) are left out, and so is an include of a table already being expanded
            (a recursive macro is expanded once).
        """
        found: list[tuple[tuple[AttributeSpec, ...], AttributeSpec]] = []
        self._expand(self.tables[table_id].entries, (), found, (table_id,))
        return found

    def _expand(
        self,
        entries: tuple[Entry, ...],
        path: tuple[AttributeSpec, ...],
        found: list[tuple[tuple[AttributeSpec, ...], AttributeSpec]],
        active: tuple[str, ...],
    ) -> tuple[AttributeSpec, ...] | None:
        """Append the expansion of ``entries``; return the path into the last Sequence
        found at this level (where an include's continuation rows belong)."""
        last: tuple[AttributeSpec, ...] | None = None
        for entry in entries:
            if isinstance(entry, AttributeSpec):
                found.append((path, entry))
                if entry.items:
                    self._expand(entry.items, (*path, entry), found, active)
                last = (*path, entry)
            elif isinstance(entry, Include):
                target = self.tables.get(entry.target)
                if target is None:
                    continue
                if entry.target in active:
                    # Recursive structures are real (the SR Document Content Macro, PS3.3
                    # Table C.17-6, includes itself in Content Sequence Items): expand once.
                    continue
                inner = self._expand(target.entries, path, found, (*active, entry.target))
                if entry.items and inner is not None:
                    self._expand(entry.items, inner, found, active)
                if inner is not None:
                    last = inner
        return last

    def iod_by_name(self, name: str) -> IOD:
        """The IOD called ``name`` (``CT Image``), case-insensitive, by its section title
        or by its module table's caption ("CT Image IOD Modules").

        Raises:
            KeyError: no IOD has that name.
        """
        wanted = name.casefold().removesuffix(" iod")
        for iod in self.iods.values():
            if iod.name.casefold() == wanted:
                return iod
        for iod in self.iods.values():
            if iod.caption.casefold().removesuffix(" iod modules") == wanted:
                return iod
        raise KeyError(f"{self.part} {self.edition} has no IOD named {name!r}")

    def summary(self) -> dict[str, int]:
        """Counts per kind: IODs (composite, normalized), modules, macros, functional group
        macros, attribute rows, includes, placeholders, IOD→module rows, functional group
        rows, maximum nesting depth, exceptions."""
        attributes = includes = placeholders = depth = 0
        for item in self.tables.values():
            for entry in item.walk():
                depth = max(depth, entry.depth)
                if isinstance(entry, AttributeSpec):
                    attributes += 1
                elif isinstance(entry, Include):
                    includes += 1
                else:
                    placeholders += 1
        return {
            "iods": len(self.iods),
            "composite iods": sum(1 for iod in self.iods.values() if iod.kind == "composite"),
            "normalized iods": sum(1 for iod in self.iods.values() if iod.kind == "normalized"),
            "iod module rows": sum(len(iod.modules) for iod in self.iods.values()),
            "functional group rows": sum(len(iod.functional_groups) for iod in self.iods.values()),
            "attribute tables": len(self.tables),
            "modules": len(self.modules),
            "macros": len(self.macros),
            "functional group macros": len(self.functional_group_macros()),
            "directory records": sum(
                1 for item in self.tables.values() if item.kind == "directory record"
            ),
            "attribute rows": attributes,
            "includes": includes,
            "placeholder rows": placeholders,
            "maximum nesting depth": depth,
            "exceptions": len(self.exceptions_used),
        }


tag_with_class(AttributeSpec, Include, AnyAttributes)


def part03_to_json(model: Part03Model, sop_classes: list[SOPClass] | None = None) -> str:
    """Serialise ``model`` (and ``sop_classes`` when given) as deterministic JSON text.

    Macros appear once, under ``tables``; an include names its target's table id.
    """
    document: dict[str, Any] = {
        "part": model.part,
        "edition": model.edition,
        "iods": plain(model.iods),
        "tables": plain(model.tables),
        "exceptions_used": plain(model.exceptions_used),
        "unresolved_includes": plain(model.unresolved_includes),
    }
    if sop_classes is not None:
        document["sop_classes"] = plain(sop_classes)
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
