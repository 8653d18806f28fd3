"""The shapes of the compiled IOD definitions: what ``dicomstd.generated`` holds of PS3.3 and
PS3.4, and what the runtime (lookups, validation, typed classes) reads.

The generator emits instances of these classes, one module per Module, Macro and IOD (see
:mod:`dicomstd.iods` for finding them). They are plain frozen dataclasses, in the standard's
terms:

- an :class:`IODSpecification` (PS3.3 Annex A or B) lists :class:`ModuleUsage` rows and, for
  enhanced multi-frame IODs, :class:`FunctionalGroupUsage` rows;
- an :class:`AttributeTable` (a Module, a Macro, or a directory record's keys) holds entries:
  :class:`Attribute` rows, :class:`Include` rows ("Include Table 10-11"), and
  :class:`AnyAttributes` placeholders; a Sequence Attribute's Item is its ``items``;
- an :class:`Include` names its table by id: Macros are stored once and shared, never copied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Union

if TYPE_CHECKING:
    from dicomstd.conditions.ast import Truth
    from dicomstd.conditions.runtime import EvaluationContext

    Predicate = Callable[[EvaluationContext], Truth]

__all__ = [
    "AnyAttributes",
    "Attribute",
    "AttributeTable",
    "ContextGroup",
    "Entry",
    "FunctionalGroupUsage",
    "IODSpecification",
    "Include",
    "ItemCount",
    "ModuleUsage",
    "Requirement",
    "ValueSet",
]


@dataclass(frozen=True, slots=True)
class Requirement:
    """A compiled condition of the standard: when a Type 1C/2C Attribute, or a Module or
    Functional Group of Usage C, is required, and whether it may be present otherwise.

    Each predicate is a generated function of a
    :class:`~dicomstd.conditions.runtime.EvaluationContext` returning a three-valued
    :class:`~dicomstd.conditions.ast.Truth` (TRUE, FALSE, UNKNOWN); it never raises.

    Attributes:
        text: the condition sentences as PS3.3 prints them (for "not verifiable" findings).
        status: how it was compiled: ``parser``, ``override`` (a reviewed hand-written
            condition), ``unknown by design`` (the text speaks of what the data cannot show:
            ``required`` answers UNKNOWN where it depends on that), ``unparsed`` (not
            understood: every predicate answers UNKNOWN).
        required: when it is required ("Required if ...").
        otherwise: where not required, whether it may be present: TRUE ("may be present
            otherwise"), FALSE ("shall not be present", the default of PS3.5 Sections 7.4.2
            and 7.4.4 for Type 1C/2C, and of PS3.3 Section A.1.3.2 for Usage C), or a
            condition ("may be present otherwise if ...").
        forbidden: "Shall not be present if ...", where the text says so.
    """

    text: str
    status: str
    required: Predicate
    otherwise: Predicate
    forbidden: Predicate | None = None


@dataclass(frozen=True, slots=True)
class ValueSet:
    """Enumerated Values or Defined Terms of an Attribute (PS3.5 Section 6.2: Enumerated
    Values are the only values allowed; Defined Terms may be extended).

    Attributes:
        kind: ``enumerated``, ``defined``, or ``listed`` (values listed without saying which).
        values: the values as printed (``ORIGINAL``).
        value_number: the 1-based Value the set applies to (``Value 3 of Image Type``);
            ``None`` where the text names none (every Value).
    """

    kind: str
    values: tuple[str, ...]
    value_number: int | None = None


@dataclass(frozen=True, slots=True)
class ItemCount:
    """How many Items a Sequence holds: ``minimum`` to ``maximum`` (``None``: no maximum).

    "Only a single Item shall be included" is 1..1; "One or more Items" is 1..None.
    """

    minimum: int
    maximum: int | None


@dataclass(frozen=True, slots=True)
class ContextGroup:
    """A context group (PS3.16) an Attribute or Include refers to: ``cid`` and the strength
    the text gives it (``Baseline``, ``Defined``, ``Enumerated``, or ``""``)."""

    cid: int
    strength: str


@dataclass(frozen=True, slots=True)
class Attribute:
    """An Attribute row of a Module or Macro table.

    Attributes:
        tag: ``group << 16 | element`` (each ``x`` of a repeating group as 0).
        keyword: the PS3.6 Keyword (``PatientName``); ``""`` where PS3.6 has none.
        name: the Attribute Name as PS3.3 prints it.
        type: ``1``, ``1C``, ``2``, ``2C``, ``3``, or ``""`` where the table has no Type.
        row: the 1-based body row of its table.
        tag_mask: bits of the tag that are fixed (``0xFF00FFFF`` for ``60xx,0010``).
        value_sets: its Enumerated Values and Defined Terms.
        fixed_values: values the text requires ("shall have a value of ORIGINAL").
        item_count: for a Sequence, how many Items it may hold, where the text says.
        context_groups: the context groups its description names.
        items: for a Sequence, the entries of its Item.
        retired: PS3.3 marks it retired.
        requirement: for Type 1C/2C, its compiled condition.
    """

    tag: int
    keyword: str
    name: str
    type: str
    row: int
    tag_mask: int = 0xFFFFFFFF
    value_sets: tuple[ValueSet, ...] = ()
    fixed_values: tuple[str, ...] = ()
    item_count: ItemCount | None = None
    context_groups: tuple[ContextGroup, ...] = ()
    items: tuple[Entry, ...] = ()
    retired: bool = False
    requirement: Requirement | None = None


@dataclass(frozen=True, slots=True)
class Include:
    """An "Include Table X" row: the entries of table ``table_id`` stand here.

    Attributes:
        table_id: the included table (``table_10-11``).
        label: how the row names it (``Table 10-11``).
        row: the 1-based body row.
        qualifier: what the row adds (``Defined CID 7010``, "with the following
            constraints"...), ``""`` without.
        context_groups: the context groups the qualifier names.
        constrained: the qualifier constrains the included Attributes.
        items: rows one ``>`` deeper that follow the include; they add to the Item of the
            included table's last Sequence.
        requirement: for a conditional include ("if and only if Value Type (0040,A040) is
            NUM", "Required if ..."), its qualifier compiled: where ``required`` is FALSE
            the included Attributes' Types do not apply; ``None`` for an unconditional
            include.
    """

    table_id: str
    label: str
    row: int
    qualifier: str = ""
    context_groups: tuple[ContextGroup, ...] = ()
    constrained: bool = False
    items: tuple[Entry, ...] = ()
    requirement: Requirement | None = None


@dataclass(frozen=True, slots=True)
class AnyAttributes:
    """A row standing for Attributes the table does not list ("Any Attribute from the top
    level Data Set that was modified"): ``text`` as printed, its ``type`` (or ``""``)."""

    text: str
    type: str
    row: int


Entry = Union[Attribute, Include, AnyAttributes]


@dataclass(frozen=True, slots=True)
class AttributeTable:
    """A Module, a Macro or a directory record's keys (one attribute table of PS3.3).

    Attributes:
        table_id: ``table_C.7-1``.
        name: ``Patient``.
        kind: ``module``, ``macro`` or ``directory record``.
        section_id: the section holding the table (``sect_C.7.1.1``).
        source: ``PS3.3 2024c Table C.7-1``.
        entries: the table's rows, Sequence Items nested.
        retired: PS3.3 marks the whole table retired.
    """

    table_id: str
    name: str
    kind: str
    section_id: str
    source: str
    entries: tuple[Entry, ...]
    retired: bool = False


@dataclass(frozen=True, slots=True)
class ModuleUsage:
    """A row of an IOD's module table: in ``information_entity``, ``module`` (table
    ``table_id``) with Usage ``M``, ``C`` (``condition`` says when, ``requirement`` is
    that text compiled) or ``U``; a normalized IOD's rows have no IE and no Usage (``""``)."""

    information_entity: str
    module: str
    table_id: str
    usage: str
    condition: str = ""
    requirement: Requirement | None = None


@dataclass(frozen=True, slots=True)
class FunctionalGroupUsage:
    """A row of an enhanced IOD's Functional Group Macros table: ``macro`` (table
    ``table_id``) with Usage ``M``/``C``/``U``, ``condition`` and, for Usage C, its
    compiled ``requirement``; ``placement`` is ``shared``, ``per-frame``, or ``any`` where
    the text does not constrain it."""

    macro: str
    table_id: str
    usage: str
    condition: str = ""
    placement: str = "any"
    requirement: Requirement | None = None


@dataclass(frozen=True, slots=True)
class IODSpecification:
    """An Information Object Definition (PS3.3 Annex A composite, Annex B normalized).

    Attributes:
        name: ``CT Image``.
        kind: ``composite`` or ``normalized``.
        table_id: its module table (``table_A.3-1``).
        section_id: its section (``sect_A.3``).
        source: ``PS3.3 2024c Table A.3-1``.
        modules: its module table's rows.
        functional_groups: its Functional Group Macros table's rows (enhanced IODs).
        sop_classes: the UIDs of the SOP Classes that use it (PS3.4).
        retired: PS3.3 marks it retired.
    """

    name: str
    kind: str
    table_id: str
    section_id: str
    source: str
    modules: tuple[ModuleUsage, ...]
    functional_groups: tuple[FunctionalGroupUsage, ...] = ()
    sop_classes: tuple[str, ...] = ()
    retired: bool = False
