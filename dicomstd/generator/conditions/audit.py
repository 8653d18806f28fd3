"""Audit compiled conditions for Attributes looked for where the IODs never put them.

A condition names Attributes and where to look for them (the scope: this Data Set, an
enclosing Item, the top level, the frame's Functional Groups, or the nearest of these). When,
in every IOD whose Modules and Functional Groups reach the row, the named Attribute is never
defined at a place that lookup reaches, the lookup always finds it absent and the condition
is decided one way forever. That is a misreading:

- the sentence speaks of another Instance ("Dose Summation Type (3004,000A) equals
  CONTROL_POINT" in an RT Plan is the referenced RT Dose's, PS3.3 Table C.8-50);
- or of the Items of another Sequence ("Data Path Assignment (0028,1402) is present",
  PS3.3 Table C.7.6.23-1, is in the Data Frame Assignment Sequence (0028,1401) Items).

A reviewed override must read it where it is. :func:`misplaced_attributes` lists them;
:func:`audit` sets them against the reviewed list of harmless ones
(``generator/data/condition_audit.toml``), which ``dicomstd build`` reports and the suite
checks.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field

from dicomstd.conditions.ast import (
    And,
    AttributeRef,
    Condition,
    InAnyItem,
    InMatchingItem,
    Not,
    Or,
    ReferencedInstance,
)
from dicomstd.errors import BuildError
from dicomstd.generator.conditions.coverage import CompiledCondition, attribute_rows
from dicomstd.generator.conditions.overrides import parse_tag_text, read_reviewed_list, tag_text
from dicomstd.generator.iod_model import AttributeSpec, Include, Part03Model

__all__ = ["AuditReport", "MisplacedAttribute", "audit", "load_reviewed", "misplaced_attributes"]

#: Attributes a condition may name though no Module of the IOD defines them where it looks:
#: SOP Class UID (0008,0016) of the SOP Common Module is everywhere; the File Meta
#: Information's are read from the file.
_EVERYWHERE = frozenset({0x00080016, 0x00020002, 0x00020010})


@dataclass(frozen=True, slots=True)
class MisplacedAttribute:
    """A compiled condition looking for an Attribute where none of its IODs holds it.

    Attributes:
        category: the row's category (``attribute``, ``module usage``...).
        table: the row's table id; ``path``: its path (see :class:`CompiledCondition`).
        tag: the Attribute named (``group << 16 | element``).
        scope: where the condition looks for it (``any``, ``item``...).
        defined: whether some IOD reaching the row defines the Attribute elsewhere
            (``False``: in none of them, at any depth).
    """

    category: str
    table: str
    path: str
    tag: int
    scope: str
    defined: bool


@dataclass
class _Places:
    """The Tags defined around every place a conditional Attribute occurs: at its own level,
    at each enclosing level (1 = the Item holding its Sequence), at the top level, in the
    Functional Group Items; and in the whole IOD."""

    same: set[int] = field(default_factory=set)
    enclosing: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    unbounded: bool = False  # an enclosing level outside what the tables show
    top: set[int] = field(default_factory=set)
    frame: set[int] = field(default_factory=set)
    anywhere: set[int] = field(default_factory=set)
    iods: set[str] = field(default_factory=set)  # where it occurs (fills the three above)


def _includes(model: Part03Model) -> dict[str, set[str]]:
    """By table id, the tables it includes."""
    includes: dict[str, set[str]] = defaultdict(set)
    for table_id, table in model.tables.items():
        for entry in table.walk():
            if isinstance(entry, Include):
                includes[table_id].add(entry.target)
    return includes


def _reachable_tables(
    model: Part03Model, includes: dict[str, set[str]], roots: list[str]
) -> set[str]:
    found: set[str] = set()
    stack = list(roots)
    while stack:
        table_id = stack.pop()
        if table_id in found or table_id not in model.tables:
            continue
        found.add(table_id)
        stack.extend(includes[table_id])
    return found


def _levels(
    expansion: list[tuple[tuple[AttributeSpec, ...], AttributeSpec]],
) -> dict[tuple[int, ...], set[int]]:
    """The Tags at each level, by the Tags of the Sequences leading there: two Modules that
    define the same Sequence (the Mask and Presentation State Mask Modules' Mask Subtraction
    Sequence, PS3.3 C.7.6.10 and C.11.13) fill one Item."""
    levels: dict[tuple[int, ...], set[int]] = defaultdict(set)
    for path, spec in expansion:
        levels[tuple(sequence.tag_value for sequence in path)].add(spec.tag_value)
    return levels


@dataclass
class _IODTags:
    """What one composite IOD defines: the tables its Modules and Functional Groups reach,
    every Tag at any depth, the top-level Tags, the Functional Group Items' Tags, and, by a
    Sequence's Tag, the Tags of its Items (wherever it occurs)."""

    tables: set[str]
    everywhere: set[int]
    top: set[int]
    frame: set[int]
    items: dict[int, set[int]]


#: The Shared and Per-Frame Functional Groups Sequences: their Items hold the Functional
#: Group Macros' Sequences (PS3.3 C.7.6.16).
_FUNCTIONAL_GROUP_SEQUENCES = (0x52009229, 0x52009230)


def _places(model: Part03Model) -> tuple[dict[int, _Places], dict[str, _IODTags]]:
    """(by ``id()`` of each AttributeSpec, the Tags around its occurrences in every composite
    IOD; by composite IOD, what it defines)."""
    places: dict[int, _Places] = defaultdict(_Places)
    iods: dict[str, _IODTags] = {}
    includes = _includes(model)
    # Most Modules are in many IODs: each table is expanded once.
    expansions: dict[str, list[tuple[tuple[AttributeSpec, ...], AttributeSpec]]] = {}

    def expand(table_id: str) -> list[tuple[tuple[AttributeSpec, ...], AttributeSpec]]:
        if table_id not in expansions:
            expansions[table_id] = model.expand(table_id)
        return expansions[table_id]

    for iod_id, iod in model.iods.items():
        if iod.kind != "composite":
            continue
        modules = [usage.table_id for usage in iod.modules if usage.table_id]
        groups = [usage.table_id for usage in iod.functional_groups if usage.table_id]
        module_expansion = [item for root in modules for item in expand(root)]
        group_expansions = [expand(root) for root in groups]
        all_levels = [_levels(module_expansion)] + [_levels(found) for found in group_expansions]
        top = all_levels[0][()]
        # A Functional Group Macro's Attributes sit in its Sequence's Item (one down).
        frame = {
            spec.tag_value for found in group_expansions for path, spec in found if len(path) <= 1
        }
        everything = {spec.tag_value for _, spec in module_expansion}
        everything |= {spec.tag_value for found in group_expansions for _, spec in found}
        items: dict[int, set[int]] = defaultdict(set)
        for levels in all_levels:
            for key, tags in levels.items():
                if key:
                    items[key[-1]] |= tags
        for sequence in _FUNCTIONAL_GROUP_SEQUENCES:
            items[sequence] |= {
                spec.tag_value for found in group_expansions for path, spec in found if not path
            }
        tables = _reachable_tables(model, includes, modules + groups)
        iods[iod_id] = _IODTags(tables, everything, top, frame, items)
        in_group = [False] + [True] * len(groups)
        for expansion, levels, grouped in zip(
            [module_expansion, *group_expansions], all_levels, in_group
        ):
            for path, spec in expansion:
                if spec.type not in ("1C", "2C"):
                    continue  # only conditional Attributes have conditions to audit
                key = tuple(sequence.tag_value for sequence in path)
                place = places[id(spec)]
                place.same |= levels[key]
                for outwards in range(1, len(key) + 1):
                    place.enclosing[outwards] |= levels[key[:-outwards]]
                # A Functional Group Macro's top level is an Item of the Functional Group
                # Sequences, nested in the Data Set: what encloses it is not in its table.
                place.unbounded |= grouped
                place.iods.add(iod_id)
    # The IOD-wide Tags, united once per set of IODs (most Attributes share a few such sets).
    united: dict[frozenset[str], tuple[set[int], set[int], set[int]]] = {}
    for place in places.values():
        occurring = frozenset(place.iods)
        if occurring not in united:
            united[occurring] = (
                set().union(*(iods[iod].top for iod in occurring)),
                set().union(*(iods[iod].frame for iod in occurring)),
                set().union(*(iods[iod].everywhere for iod in occurring)),
            )
        place.top, place.frame, place.anywhere = united[occurring]
    return places, iods


def _references(
    condition: Condition,
    sequence: int | None,
    found: list[tuple[AttributeRef | int, int | None]],
) -> None:
    """Append (reference, the Tag of the Sequence whose Items it is read in, ``None`` for the
    Data Set the condition is evaluated in) for every Attribute ``condition`` names; a
    join's key is a plain Tag read in the joined Items. What is read in a referenced
    Instance is left out."""
    if isinstance(condition, ReferencedInstance):
        found.append((condition.reference, sequence))
        return
    for item in dataclasses.fields(condition):
        value = getattr(condition, item.name)
        if isinstance(value, AttributeRef):
            found.append((value, sequence))
    if isinstance(condition, (InAnyItem, InMatchingItem)):
        if isinstance(condition, InMatchingItem):
            found.append((condition.key, condition.sequence.tag))
        _references(condition.condition, condition.sequence.tag, found)
    elif isinstance(condition, (And, Or)):
        for term in condition.terms:
            _references(term, sequence, found)
    elif isinstance(condition, Not):
        _references(condition.term, sequence, found)


def _repeating_group_base(tag: int) -> int:
    """Overlay and curve groups (60xx, 50xx) as the standard's tables define them."""
    group = tag >> 16
    if group & 0xFF00 in (0x6000, 0x5000):
        return ((group & 0xFF00) << 16) | (tag & 0xFFFF)
    return tag


def _reaches(reference: AttributeRef, tag: int, place: _Places) -> bool:
    """Whether the lookup of ``reference`` can find ``tag`` somewhere it occurs."""
    if reference.scope == "item":
        return tag in place.same
    if reference.scope == "parent":
        levels = reference.levels
        return tag in place.enclosing.get(levels, set()) or (
            place.unbounded and levels >= max(place.enclosing, default=0)
        )
    if reference.scope == "top":
        return tag in place.top
    if reference.scope == "frame":
        return tag in place.frame
    if reference.scope == "any":
        return (
            tag in place.same
            or any(tag in tags for tags in place.enclosing.values())
            or place.unbounded
            and tag in place.anywhere
            or tag in place.top
            or tag in place.frame
        )
    return tag in place.anywhere


def misplaced_attributes(
    model: Part03Model, compiled: list[CompiledCondition]
) -> list[MisplacedAttribute]:
    """Every (row, Tag) where a compiled condition of ``compiled`` looks for an Attribute
    where no composite IOD of ``model`` reaching the row defines it.

    An Attribute row's references are checked at each place its Attribute occurs in those
    IODs, by the reference's scope (over the union of those places: a lookup that reaches
    the Attribute in one IOD passes); a Module or Functional Group usage row's at the IOD's
    top level (and, for ``any``, in its Functional Groups). A reference read in the Items of
    a Sequence the condition iterates (``in_any_item``, a join and its key) at their own
    level must be among the Tags of that Sequence's Items; other scopes there, and include
    rows, only defined somewhere in the IODs. Rows no composite IOD reaches (normalized
    IODs, Directory Records) are not audited. Returns them in the order of ``compiled``,
    each (row, Tag) once.
    """
    places, iods = _places(model)
    specs = {(table_id, path): spec for table_id, _, path, spec in attribute_rows(model)}
    found: list[MisplacedAttribute] = []
    seen: set[tuple[str, str, int]] = set()
    for row in compiled:
        if row.category in ("attribute", "include"):
            reaching = [tags for tags in iods.values() if row.table in tags.tables]
        else:
            reaching = [tags for iod, tags in iods.items() if iod == row.table]
        if not reaching:
            continue
        defined = set().union(*(tags.everywhere for tags in reaching))
        items: dict[int, set[int]] = defaultdict(set)
        for tags in reaching:
            for listed, inside in tags.items.items():
                items[listed] |= inside
        place: _Places | None = None
        if row.category == "attribute":
            spec = specs.get((row.table, row.path))
            place = places.get(id(spec)) if spec is not None else None
        elif row.category != "include":
            top = set().union(*(tags.top for tags in reaching))
            frame = set().union(*(tags.frame for tags in reaching))
            place = _Places(same=top, top=top, frame=frame, anywhere=defined)
        conditions = [row.requirement.required, row.requirement.otherwise]
        if row.requirement.forbidden is not None:
            conditions.append(row.requirement.forbidden)
        for condition in conditions:
            references: list[tuple[AttributeRef | int, int | None]] = []
            _references(condition, None, references)
            for reference, sequence in references:
                if isinstance(reference, int):
                    tag, scope = _repeating_group_base(reference), "item"
                else:
                    tag, scope = _repeating_group_base(reference.tag), reference.scope
                if tag in _EVERYWHERE or (row.table, row.path, tag) in seen:
                    continue
                if tag in defined:
                    if sequence is not None:
                        if scope != "item" or tag in items.get(sequence, set()):
                            continue
                    elif (
                        place is None
                        or isinstance(reference, AttributeRef)
                        and _reaches(reference, tag, place)
                    ):
                        continue
                seen.add((row.table, row.path, tag))
                found.append(
                    MisplacedAttribute(
                        row.category, row.table, row.path, tag, scope, tag in defined
                    )
                )
    return found


#: A reviewed finding: (table id, path, Tag).
FindingKey = tuple[str, str, int]


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The audit of one build's conditions against the reviewed list.

    Attributes:
        found: every finding of :func:`misplaced_attributes`.
        reviewed: the reviewed harmless findings, with why.
    """

    found: tuple[MisplacedAttribute, ...]
    reviewed: dict[FindingKey, str]

    @property
    def unreviewed(self) -> list[MisplacedAttribute]:
        """Findings not in the reviewed list: each a misreading to fix, or to review."""
        return [
            item for item in self.found if (item.table, item.path, item.tag) not in self.reviewed
        ]

    @property
    def stale(self) -> list[FindingKey]:
        """Reviewed entries the audit no longer finds (the standard or an override changed)."""
        found = {(item.table, item.path, item.tag) for item in self.found}
        return [key for key in self.reviewed if key not in found]

    def summary(self) -> str:
        """One line, and one more per unreviewed finding or stale entry."""
        lines = [
            f"Audit of the conditions: {len(self.found)} look for an Attribute where no IOD"
            f" reaching them defines it; {len(self.found) - len(self.unreviewed)} reviewed as"
            f" harmless (condition_audit.toml), {len(self.unreviewed)} not reviewed"
        ]
        for item in self.unreviewed:
            lines.append(
                f"  not reviewed: {item.table} {item.path}: ({tag_text(item.tag)})"
                f" looked for with scope {item.scope!r}"
                + ("" if item.defined else ", defined nowhere in those IODs")
            )
        for table, path, tag in self.stale:
            lines.append(f"  reviewed but no longer found: {table} {path} ({tag_text(tag)})")
        return "\n".join(lines)


def load_reviewed(text: str | None = None) -> dict[FindingKey, str]:
    """The reviewed harmless findings (``generator/data/condition_audit.toml``, or ``text``
    in the same form), by (table id, path, Tag), with why.

    Raises:
        BuildError: the text is not TOML, or an entry lacks a field or has a malformed Tag.
    """
    document = read_reviewed_list("condition_audit.toml", text)
    reviewed: dict[FindingKey, str] = {}
    for number, entry in enumerate(document.get("harmless", []), start=1):
        where = f"condition_audit.toml [[harmless]] #{number}"
        try:
            table, path, tag, reason = (
                str(entry[key]) for key in ("table", "path", "tag", "reason")
            )
        except KeyError as missing:
            raise BuildError(f"{where}: no {missing.args[0]!r}") from None
        try:
            value = parse_tag_text(tag)
        except ValueError:
            raise BuildError(f"{where}: tag {tag!r} is not (gggg,eeee)") from None
        reviewed[(table, path, value)] = reason
    return reviewed


def audit(
    model: Part03Model,
    compiled: list[CompiledCondition],
    reviewed: dict[FindingKey, str] | None = None,
) -> AuditReport:
    """:func:`misplaced_attributes` of ``compiled``, set against ``reviewed`` (default: the
    committed list, :func:`load_reviewed`).

    Raises:
        BuildError: the committed list cannot be read.
    """
    reviewed = load_reviewed() if reviewed is None else reviewed
    return AuditReport(tuple(misplaced_attributes(model, compiled)), reviewed)
