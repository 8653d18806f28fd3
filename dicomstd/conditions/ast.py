"""The condition language: a typed AST of what PS3.3's condition sentences say.

PS3.3 states when a Type 1C/2C Attribute is required in its Attribute Description ("Required
if Value 3 of Image Type (0008,0008) is LABEL. May be present otherwise."), and when a
Conditional Module or Functional Group Macro is required in the Usage column of an IOD table
("C - Required if contrast media was used in this image"). This module is the language those
sentences are compiled into; :mod:`dicomstd.conditions.evaluate` evaluates it on a pydicom
Dataset with three-valued logic, and :mod:`dicomstd.generator.conditions.emit` compiles it to
plain Python.

Shapes:

- :class:`Truth`: ``TRUE``, ``FALSE`` or ``UNKNOWN``, with Kleene's strong ``&``, ``|``, ``~``.
- :data:`Condition`: one of the frozen dataclasses below. Tags are ints (``0x00080008``);
  Value numbers are 1-based, as the standard writes them ("Value 3 of Image Type").
- :class:`Requirement`: a whole Type 1C/2C (or Usage C) statement: when required, whether it
  may be present otherwise, when it shall not be present.

Two leaves stand for what cannot be checked, and are kept apart on purpose:

- :class:`Unverifiable`: the sentence is understood, but speaks of something the data does not
  hold ("if contrast media was used", "if known"): *unknown by design*.
- :class:`Unparsed`: the compiler could not read the sentence; it is never guessed. A
  condition holding an :class:`Unparsed` anywhere evaluates to ``UNKNOWN`` as a whole (the
  parser returns it as the root, with the unread clause in ``detail``).

This module imports only the standard library: the validator imports it at run time.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Literal, Union

__all__ = [
    "And",
    "AttributeRef",
    "CodeIn",
    "Compare",
    "Condition",
    "ConsistentInReferencedInstances",
    "Constant",
    "ExtendedCharacters",
    "FirstItem",
    "HasValue",
    "InAnyItem",
    "InMatchingItem",
    "ItemCount",
    "ModulePresent",
    "Not",
    "Operator",
    "Or",
    "OverlayFrames",
    "Present",
    "PrivateTag",
    "REFERENCED_SOP_INSTANCE_UID",
    "ReferencedInstance",
    "ReferencedValueMatches",
    "Requirement",
    "SOPClassIn",
    "Scope",
    "TagValue",
    "TransferSyntaxIn",
    "Truth",
    "Unparsed",
    "Unverifiable",
    "Value",
    "ValueCount",
    "ValueIn",
    "contains_unparsed",
    "is_checkable",
    "walk",
]


class Truth(enum.Enum):
    """A three-valued truth value (Kleene's strong logic).

    ``UNKNOWN`` is what a condition evaluates to when the data cannot decide it: a clause
    that speaks of something not in the data, a clause the compiler could not read, or a
    value that cannot be interpreted (a Sequence where a string was expected).

    ``a & b`` is FALSE if either is FALSE, TRUE if both are TRUE, else UNKNOWN; ``a | b`` is
    TRUE if either is TRUE, FALSE if both are FALSE, else UNKNOWN; ``~a`` swaps TRUE and FALSE.
    """

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    def __and__(self, other: Truth) -> Truth:
        if self is Truth.FALSE or other is Truth.FALSE:
            return Truth.FALSE
        if self is Truth.TRUE and other is Truth.TRUE:
            return Truth.TRUE
        return Truth.UNKNOWN

    def __or__(self, other: Truth) -> Truth:
        if self is Truth.TRUE or other is Truth.TRUE:
            return Truth.TRUE
        if self is Truth.FALSE and other is Truth.FALSE:
            return Truth.FALSE
        return Truth.UNKNOWN

    def __invert__(self) -> Truth:
        if self is Truth.TRUE:
            return Truth.FALSE
        if self is Truth.FALSE:
            return Truth.TRUE
        return Truth.UNKNOWN

    def __bool__(self) -> bool:
        # A three-valued truth used as a bool is a bug (UNKNOWN would silently be True).
        raise TypeError("Truth is three-valued: compare with Truth.TRUE explicitly")

    @staticmethod
    def of(value: bool) -> Truth:
        """``TRUE`` for True, ``FALSE`` for False."""
        return Truth.TRUE if value else Truth.FALSE


#: Where an Attribute a condition names is looked for, relative to the Data Set (top level or
#: Sequence Item) that holds the conditional Attribute (PS3.5 Section 7.4.6: conditions are
#: "specified within the scope of each Data Set, i.e., for each Item"):
#:
#: - ``item``: that same Data Set (the Attribute is its sibling in the table);
#: - ``parent``: the enclosing Item ``levels`` levels out (1: the Item holding the Sequence);
#: - ``top``: the top-level Data Set;
#: - ``frame``: the Functional Group Sequences' Items of the current frame (Shared and
#:   Per-Frame, PS3.3 Section C.7.6.16), including the Items of the macros' Sequences there;
#: - ``any``: the nearest of these: the Data Set, its enclosing Items outwards, the top
#:   level, then the frame's Functional Groups (the table does not say where it lives);
#: - ``anywhere``: every occurrence in the whole top-level Data Set: the top level and every
#:   Sequence Item at any depth (the Functional Group Sequences' Items among them). A test on
#:   it holds when some occurrence satisfies it ("Required if other Instances are
#:   referenced": Referenced SOP Instance UID (0008,1155) present anywhere). Items deeper
#:   than a fixed bound (64 Sequences) are not searched; where that, or a Sequence that
#:   cannot be read, leaves part of the Data Set unsearched, what was not found is UNKNOWN,
#:   not FALSE.
Scope = Literal["item", "parent", "top", "frame", "any", "anywhere"]


@dataclass(frozen=True, slots=True)
class AttributeRef:
    """An Attribute named by a condition.

    Attributes:
        tag: ``group << 16 | element`` (``0x00080008``); for a repeating group (``60xx``)
            the tag of group ``6000``.
        scope: where it is looked for (see :data:`Scope`).
        levels: for ``parent``, how many Items outwards (1 = the enclosing Item).
        name: the name as the standard printed it (for messages only: not compared).
    """

    tag: int
    scope: Scope = "any"
    levels: int = 0
    name: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class TagValue:
    """An Attribute Tag used as a value: "Frame Increment Pointer (0028,0009) is Frame
    Time (0018,1063)" compares an AT value with ``tag``."""

    tag: int


#: A value a condition compares with: a string as printed (a Code String such as
#: ``ORIGINAL``, a quoted value such as ``"01"``), a number, or a Tag.
Value = Union[str, int, float, TagValue]


@dataclass(frozen=True, slots=True)
class Present:
    """The Attribute is present in the Data Set (with or without a value; PS3.5 Section
    7.4.3: a Type 2 Attribute may be present with zero length)."""

    attribute: AttributeRef


@dataclass(frozen=True, slots=True)
class HasValue:
    """The Attribute is present and not empty ("is present and has a value"); a Sequence
    has a value when it holds at least one Item."""

    attribute: AttributeRef


@dataclass(frozen=True, slots=True)
class ValueIn:
    """A Value of the Attribute equals one of ``values``.

    Attributes:
        attribute: the Attribute.
        values: the values listed ("is ORIGINAL or MIXED" → ``("ORIGINAL", "MIXED")``).
        value_number: the 1-based Value compared ("Value 3 of Image Type"); ``None`` means
            any Value (for a single-valued Attribute, its Value).

    Absent, empty, or with fewer Values than ``value_number``: FALSE. Strings are compared
    without their padding spaces; a number with a string holding a number, numerically.
    "X is not V" is ``Not(ValueIn(...))`` (so TRUE when X is absent).
    """

    attribute: AttributeRef
    values: tuple[Value, ...]
    value_number: int | None = None


@dataclass(frozen=True, slots=True)
class CodeIn:
    """A Code Sequence holds an Item with one of ``codes`` ("Assertion Code Sequence is
    (128604, DCM, "Approved for use in the clinical trial")").

    Attributes:
        attribute: the Code Sequence.
        codes: (Code Value, Coding Scheme Designator) pairs; the Item's Code Value, Long
            Code Value or URN Code Value (PS3.3 Section 8.8) is compared.
    """

    attribute: AttributeRef
    codes: tuple[tuple[str, str], ...]


#: A numeric comparison: ``gt`` "greater than", ``ge`` "greater than or equal to", ``lt``,
#: ``le``, ``ne`` "non-zero"/"not zero" (with 0), ``eq`` "zero" (with 0).
Operator = Literal["gt", "ge", "lt", "le", "eq", "ne"]


@dataclass(frozen=True, slots=True)
class Compare:
    """A numeric comparison of a Value of the Attribute with ``bound``.

    Attributes:
        attribute, value_number: as in :class:`ValueIn` (``None``: TRUE when any Value
            satisfies it; single-valued Attributes are the common case).
        operator: see :data:`Operator`.
        bound: the number.

    Absent or empty: FALSE. A Value that is not a number: UNKNOWN.
    """

    attribute: AttributeRef
    operator: Operator
    bound: float
    value_number: int | None = None


@dataclass(frozen=True, slots=True)
class ModulePresent:
    """A Module, Macro or Functional Group Macro is present ("Required if the Image Pixel
    Module is present", "Required if Derivation Image Functional Group is present").

    Attributes:
        table_id: the PS3.3 table of the Module or Macro (``table_C.7-11a``).
        name: its name as printed (for messages only: not compared).
        kind: ``module``, ``macro`` or ``functional group`` (present in the Shared or the
            current frame's Per-Frame Functional Groups).
    """

    table_id: str
    kind: Literal["module", "macro", "functional group"] = "module"
    name: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class SOPClassIn:
    """The SOP Class UID (0008,0016) of the top-level Data Set is one of ``uids``.

    Attributes:
        uids: the UIDs ("1.2.840.10008.5.1.4.1.1.481.17").
        names: the names printed with them ("RT Radiation Salvage Record Storage"; for
            messages only: not compared).
    """

    uids: tuple[str, ...]
    names: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class ItemCount:
    """The number of Items of a Sequence compares with ``bound`` ("has more than one Item",
    "the number of Items in X is greater than 1", "contains one Item", "has zero Items").

    Attributes:
        attribute: the Sequence.
        operator: see :data:`Operator` (``eq``, ``ne``, ``gt``, ``ge``, ``lt``, ``le``).
        bound: the number of Items.

    Absent: FALSE (as :class:`Compare`; "is not present or has zero Items" says both). An
    Attribute that is not a Sequence: UNKNOWN. Present and empty: 0 Items.
    """

    attribute: AttributeRef
    operator: Operator
    bound: int


@dataclass(frozen=True, slots=True)
class ValueCount:
    """The number of Values of a non-Sequence Attribute (the Value Multiplicity actually
    present, PS3.5 Section 6.4) compares with ``bound`` ("Mask Frame Numbers (0028,6110)
    specifies more than one frame (i.e., is multi-valued)" → ``ValueCount(ref, "gt", 1)``).

    Attributes:
        attribute: the Attribute.
        operator: see :data:`Operator`.
        bound: the number of Values.

    Absent: FALSE (as :class:`ItemCount`). Present and empty (zero length): 0 Values. A
    Sequence, or a value that is not a list of Values (the bytes of OB, OW, UN ...): UNKNOWN.
    """

    attribute: AttributeRef
    operator: Operator
    bound: int


@dataclass(frozen=True, slots=True)
class ExtendedCharacters:
    """Some string Value of the Data Set holds a character outside the default character
    repertoire ("Required if an expanded or replacement character set is used").

    The string VRs looked at are those Specific Character Set (0008,0005) applies to (PS3.5
    Section 6.1.2.3): SH, LO, ST, LT, UT, UC and PN. A character is outside the default
    repertoire, ISO-IR 6 (PS3.5 Sections 6.1 and 6.1.2.2), when it is a byte of 0x80 or
    above or ESC (0x1B, which only introduces a code extension, PS3.5 Section 6.1.2.5) in an
    undecoded value, a code point above 0x7F (or ESC) in a decoded one.

    Attributes:
        scope: ``item``: the Data Set holding the conditional Attribute and the Items nested
            in it; ``top``: the whole top-level Data Set, its Items at any depth.

    TRUE when one is found; FALSE when every such Value was read and none holds one;
    UNKNOWN when none was found but some Value or Item could not be read (a deferred value,
    an unreadable Sequence, Items nested deeper than 64 Sequences). FALSE proves nothing
    about the character set the producer used (a replacement character set may encode only
    these characters), so the overrides pair it with an :class:`Unverifiable`.
    """

    scope: Literal["item", "top"]


@dataclass(frozen=True, slots=True)
class InAnyItem:
    """Some Item of a Sequence satisfies ``condition`` ("Number of Beams (300A,0080) is
    greater than zero for one or more fraction groups", "Content Item Modifier Sequence
    within Performed Protocol Code Sequence contains ...").

    ``condition`` is evaluated with each Item as the Data Set (its ``item`` scope), the
    Data Set holding the Sequence as the first parent. TRUE if it is TRUE in some Item,
    FALSE if FALSE in every Item (or the Sequence is absent or empty), else UNKNOWN.

    Attributes:
        sequence: the Sequence.
        condition: the condition on one Item.
        nested: also the Items of the same Sequence within those Items, at any depth (a
            tree such as the SR Content Tree: Content Sequence (0040,A730) within Content
            Sequence Items, PS3.3 C.17.3); deeper than the runtime searches: UNKNOWN.
    """

    sequence: AttributeRef
    condition: Condition
    nested: bool = False


#: Referenced SOP Instance UID (0008,1155), the UI Attribute of the SOP Instance Reference
#: Macro (PS3.3 Table 10-11) that names a referenced Instance.
REFERENCED_SOP_INSTANCE_UID = 0x00081155


@dataclass(frozen=True, slots=True)
class InMatchingItem:
    """Some Item of a Sequence whose key Attribute matches a value of this Data Set satisfies
    ``condition``: a join of Items by value ("Required if Wedge Type (300A,00D3) of the wedge
    referenced by Referenced Wedge Number (300C,00C0) is PARTIAL_STANDARD", PS3.3 Table
    C.8.8.25-1: the Wedge Sequence Item whose Wedge Number (300A,00D2) is this Referenced
    Wedge Number).

    ``here`` is read once, where the node is evaluated (not in the Items). Each Item of
    ``sequence`` matches when its ``key`` (in the Item) equals (``equal``) or differs from
    that Value: numbers as numbers where either was decoded as one, else as text without
    padding. Where the key or ``here`` is absent, empty, multi-valued or cannot be read, the
    Item may match: UNKNOWN. An Item counts when it matches and satisfies ``condition``
    (Kleene "and"): TRUE if some Item counts, FALSE if none can (the Sequence absent or
    empty, or each Item not matching or not satisfying it), else UNKNOWN. A key compared for
    equality names one Item ("Wedge Number ... shall be unique within the Beam"): where
    several Items have it and ``condition`` differs between them, UNKNOWN.

    Attributes:
        sequence: the Sequence whose Items are joined.
        key: the Attribute of each Item compared.
        here: the Attribute of this Data Set it is compared with.
        equal: match on equality (``True``) or on a difference (``False``).
        condition: the condition on a matching Item (its ``item`` scope), ``Constant(True)``
            for "some Item matches".
    """

    sequence: AttributeRef
    key: int
    here: AttributeRef
    equal: bool
    condition: Condition


@dataclass(frozen=True, slots=True)
class ReferencedInstance:
    """Some Instance this Data Set references satisfies ``condition`` ("Required if HPGL
    Document Sequence (0068,62C0) is present in the Instance referenced in the Implant
    Template Group Members Sequence (0078,002A) Item").

    ``reference`` is the UI Attribute holding the referenced SOP Instance UIDs (Referenced
    SOP Instance UID (0008,1155); in a Directory Record, Referenced SOP Instance UID in File
    (0004,1511)). Each referenced Instance is looked up among the Instances the validator
    was given (the context's ``instances``: the files of the run, the files of a DICOMDIR's
    File-set), and ``condition`` is evaluated with its top-level Data Set as the Data Set.
    TRUE if it is TRUE for some referenced Instance; FALSE if the Attribute is absent or
    empty, or every referenced Instance was found and it is FALSE for each; else UNKNOWN (an
    Instance that is not at hand is never guessed). "Every referenced Instance satisfies
    C" is ``Not(ReferencedInstance(reference, Not(C)))``.

    Attributes:
        reference: the UI Attribute.
        condition: the condition on a referenced Instance.
    """

    reference: AttributeRef
    condition: Condition


@dataclass(frozen=True, slots=True)
class ReferencedValueMatches:
    """A Value of a referenced Instance matches, or does not match, one of this Data Set
    ("the Frame of Reference UID (0020,0052) value of the Images referenced by the Referenced
    Image Sequence (0008,1140) of this Item does not match the Frame of Reference UID
    (0020,0052) value of this Presentation State Instance", PS3.3 Table C.11.33-1).

    Each Instance whose SOP Instance UID is a Value of ``reference`` is looked up as for
    :class:`ReferencedInstance`, and its top-level Value of ``tag`` is compared with the Value
    of ``here`` in this Data Set (single Values: strings without their padding, as text;
    numbers as numbers, where either was decoded as one).
    An Instance is TRUE when the two are equal (``equal``) or differ (not ``equal``), FALSE
    otherwise, UNKNOWN when it is not at hand or either Value is absent, empty or
    multi-valued (a missing UID shows neither a match nor a mismatch). TRUE if some
    referenced Instance is TRUE; FALSE if ``reference`` is absent or empty, or every
    referenced Instance is FALSE; else UNKNOWN.

    Attributes:
        reference: the UI Attribute holding the referenced SOP Instance UIDs.
        tag: the Attribute read at the top level of each referenced Instance.
        here: the Attribute of this Data Set it is compared with.
        equal: TRUE on a match (``True``) or on a mismatch (``False``).
    """

    reference: AttributeRef
    tag: int
    here: AttributeRef
    equal: bool = True


@dataclass(frozen=True, slots=True)
class ConsistentInReferencedInstances:
    """An Attribute is present, with one and the same value, in every Instance a Sequence
    references ("Required if present and consistent in the contributing SOP Instances",
    PS3.3 Table 10-13).

    The referenced Instances are those whose SOP Instance UID is a Value of ``reference_tag``
    (Referenced SOP Instance UID (0008,1155)) in the Items of ``sequence``, at any depth
    (Contributing SOP Instances Reference Sequence (0020,9529) lists them by Study, then
    Series). Values are compared as the Values of the Data Element, strings without what
    PS3.5 Section 6.2 makes insignificant (padding; leading spaces but in ST, LT and UT;
    empty trailing Person Name components), a Sequence Item by Item and Attribute by
    Attribute.

    TRUE when there is at least one, every one is at hand, and each has ``tag`` at its top
    level with a value, the same in all. FALSE when one at hand lacks ``tag`` at its top
    level (an Attribute kept only in Functional Groups counts as lacking), or two at hand
    have different values. Otherwise UNKNOWN: no Instance referenced (which Instances
    contributed is not recorded), one not at hand, an empty value (present, but nothing to
    be consistent with), or part of ``sequence`` that cannot be read.

    Attributes:
        sequence: the Sequence whose Items reference the Instances.
        tag: the Attribute read at the top level of each referenced Instance.
        reference_tag: the UI Attribute, within those Items, holding the SOP Instance UIDs.
    """

    sequence: AttributeRef
    tag: int
    reference_tag: int = REFERENCED_SOP_INSTANCE_UID


@dataclass(frozen=True, slots=True)
class OverlayFrames:
    """The number of frames in the Overlay Data (60xx,3000) of some Overlay group of the
    top-level Data Set compares with ``bound`` ("Required if Overlay Data contains multiple
    frames" → ``OverlayFrames("gt", 1)``).

    The number is read from the Overlay Plane Module's own Attributes, not from Number of
    Frames in Overlay (60xx,0015) of the Multi-frame Overlay Module: Overlay Data holds the
    frames' bits concatenated, without padding between frames, and the whole Value padded to
    an even length (PS3.5 Section 8.1.2, PS3.3 Section C.9.3). With b = Overlay Rows
    (60xx,0010) × Overlay Columns (60xx,0011) bits per frame and L the Value Length in
    bytes, F frames take L = 2 × ⌈F × b / 16⌉. A group is TRUE when every F that fits L
    satisfies the comparison, FALSE when none does; UNKNOWN when they disagree (only for b
    below 16), when no F fits (a length no frame count gives), or when the group has no
    Overlay Data (an overlay in unused bits of Pixel Data, retired), no readable Rows,
    Columns or length, or Overlay Bits Allocated (60xx,0100) other than 1 (PS3.3 Table
    C.9-2). TRUE if some group is TRUE; FALSE if every group is FALSE, or there is no
    Overlay group; else UNKNOWN.

    Attributes:
        operator: see :data:`Operator`.
        bound: the number of frames.
    """

    operator: Operator
    bound: int


@dataclass(frozen=True, slots=True)
class PrivateTag:
    """A Value of an AT Attribute is the Tag of a Private Data Element ("is the Data Element
    Tag of a Private Attribute"): PS3.5 Section 7.8.1, an odd group number other than
    0001, 0003, 0005, 0007 and FFFF.

    Attributes:
        attribute: the AT Attribute.
        value_number: the 1-based Value; ``None``: any Value.

    Absent or empty: FALSE; a Value that is not a Tag: UNKNOWN.
    """

    attribute: AttributeRef
    value_number: int | None = None


@dataclass(frozen=True, slots=True)
class TransferSyntaxIn:
    """The Data Set is encoded in one of the Transfer Syntaxes ``uids`` (the context's
    Transfer Syntax, else Transfer Syntax UID (0002,0010) of the File Meta Information;
    UNKNOWN where neither is known).

    Attributes:
        uids: the Transfer Syntax UIDs.
        names: the names printed with them (for messages only: not compared).
    """

    uids: tuple[str, ...]
    names: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class FirstItem:
    """The Data Set is the first Item of its Sequence ("Required for first Item of Control
    Point Sequence"). UNKNOWN where the context does not know the Item's position."""


@dataclass(frozen=True, slots=True)
class Constant:
    """A constant truth value (``Requirement.otherwise``: "may be present otherwise" is
    ``Constant(True)``)."""

    value: bool


@dataclass(frozen=True, slots=True)
class Not:
    """Negation ("is not present", "is not LABEL")."""

    term: Condition


@dataclass(frozen=True, slots=True)
class And:
    """Conjunction of two or more terms."""

    terms: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Disjunction of two or more terms."""

    terms: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Unverifiable:
    """A statement about the object that the data cannot show ("if the image has been
    calibrated", "if known", "if contrast media was used"): always UNKNOWN, by design.

    Attributes:
        text: the clause as printed.
    """

    text: str


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A condition the compiler could not read: always UNKNOWN, never guessed.

    Attributes:
        text: the whole condition as printed.
        detail: the clause or the reason that stopped the parser.
    """

    text: str
    detail: str = ""


#: Any node of the condition language.
Condition = Union[
    Present,
    HasValue,
    ValueIn,
    CodeIn,
    Compare,
    ItemCount,
    ValueCount,
    InAnyItem,
    InMatchingItem,
    ReferencedInstance,
    ReferencedValueMatches,
    ConsistentInReferencedInstances,
    OverlayFrames,
    PrivateTag,
    ExtendedCharacters,
    TransferSyntaxIn,
    ModulePresent,
    SOPClassIn,
    FirstItem,
    Constant,
    Not,
    And,
    Or,
    Unverifiable,
    Unparsed,
]


@dataclass(frozen=True, slots=True)
class Requirement:
    """A conditional requirement: a Type 1C/2C Attribute, or a Module or Functional Group
    of Usage C.

    Attributes:
        required: when it is required ("Required if ...").
        otherwise: when it is not required, whether it may still be present:
            ``Constant(False)`` ("shall not be present", the default: PS3.5 Sections 7.4.2
            and 7.4.4 say of Type 1C and 2C Data Elements "When the specified conditions are
            not met, [they] shall not be included in the Data Set", and PS3.3 Section
            A.1.3.2 says of Conditional Modules "If the specified conditions are not met,
            this Module shall not be supported"), ``Constant(True)`` ("May be present
            otherwise"), or a condition ("May be present otherwise if ...").
        otherwise_stated: the text states the ``otherwise`` (False: the default applied).
        forbidden: "Shall not be present if ...": when it shall not be present even though
            ``otherwise`` would allow it; ``None`` without such a sentence.
        text: the condition sentences as printed, joined by a space.
    """

    required: Condition
    otherwise: Condition = Constant(False)
    otherwise_stated: bool = False
    forbidden: Condition | None = None
    text: str = ""


def walk(condition: Condition) -> list[Condition]:
    """Every node of ``condition``, the root first (depth first)."""
    found: list[Condition] = [condition]
    if isinstance(condition, Not):
        found.extend(walk(condition.term))
    elif isinstance(condition, (And, Or)):
        for term in condition.terms:
            found.extend(walk(term))
    elif isinstance(condition, (InAnyItem, InMatchingItem, ReferencedInstance)):
        found.extend(walk(condition.condition))
    return found


def contains_unparsed(condition: Condition) -> bool:
    """Some node of ``condition`` is :class:`Unparsed`."""
    return any(isinstance(node, Unparsed) for node in walk(condition))


def is_checkable(condition: Condition) -> bool:
    """Some leaf of ``condition`` looks at the data (not only :class:`Unverifiable`,
    :class:`Unparsed` and :class:`Constant` leaves)."""
    return any(
        not isinstance(node, (Not, And, Or, Unverifiable, Unparsed, Constant))
        for node in walk(condition)
    )
