"""The compiled PS3.3 tables as trees the engine walks: a :class:`Level` per Data Set (a
Module's top level, or a Sequence's Item) holding the :class:`Spec` of each Attribute that
may appear there, with the Macros included in place.

Built once per table and process (:func:`table_level` is cached): validating a folder pays
for each Module once. The expansion follows :func:`dicomstd.iods.expand` (an include's
table stands at its place; rows one ``>`` deeper after an include add to the Item of the
included table's last Attribute), and also keeps which table each row comes from (a
finding cites the Macro's table, not only the Module's), and a self-include (the SR
Document Content Macro, PS3.3 Table C.17-6, in its Content Sequence) as a link resolved
when an Item is validated, so nested Items get the same definitions at any depth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from dicomstd import iods
from dicomstd.conditions.ast import Truth
from dicomstd.conditions.runtime import EvaluationContext
from dicomstd.specification import AnyAttributes, Attribute, AttributeTable, Entry, Include

__all__ = ["Guard", "Level", "Spec", "directory_record_level", "table_level"]


@dataclass(frozen=True, slots=True)
class Guard:
    """The condition of a conditional include ("Include Table C.18.1-1 if and only if
    Value Type (0040,A040) is NUM"): the included Attributes' Types apply only where it
    holds. ``text`` is the qualifier as printed; ``test`` evaluates it (UNKNOWN where the
    text is not understood).

    The test is the include's compiled condition (:attr:`Include.requirement`): the
    generator decides which includes are conditional, so no qualifier is read here.
    """

    text: str
    test: Callable[[EvaluationContext], Truth]


def _include_guard(include: Include) -> Guard | None:
    """The Guard of a conditional include: its compiled condition
    (:attr:`Include.requirement`, "required" is where the included Attributes apply);
    ``None`` for an unconditional include (no compiled condition)."""
    requirement = include.requirement
    if requirement is None:
        return None
    return Guard(requirement.text or include.qualifier, requirement.required)


@dataclass(slots=True, eq=False)
class Spec:
    """An Attribute row as it applies at one place.

    Attributes:
        attribute: the row.
        table: the table the row is in (a Macro's table for an included row).
        module: the Module (or Functional Group Macro) the place belongs to.
        guards: the conditions of the conditional includes the row came through.
        items: for a Sequence, the Level of its Items (``None`` where the table gives
            none: the Items are not checked against definitions).
    """

    attribute: Attribute
    table: AttributeTable
    module: str
    guards: tuple[Guard, ...] = ()
    items: Level | None = None


@dataclass(slots=True, eq=False)
class Level:
    """The Attributes that may appear in one Data Set.

    Attributes:
        exact: Specs by tag.
        masked: Specs of repeating-group tags (``60xx,3000``), matched with their mask.
        open: the table allows Attributes it does not list ("Any Attribute ..."), or an
            include could not be resolved: no undefined-attribute findings here.
        links: tables included here that were already being expanded (self-includes):
            their top level applies here too.
    """

    exact: dict[int, list[Spec]] = field(default_factory=dict)
    masked: list[Spec] = field(default_factory=list)
    open: bool = False
    links: list[str] = field(default_factory=list)

    def add(self, spec: Spec) -> None:
        """Add ``spec`` (exact or masked by its tag mask)."""
        if spec.attribute.tag_mask != 0xFFFFFFFF:
            self.masked.append(spec)
        else:
            self.exact.setdefault(spec.attribute.tag, []).append(spec)


def _build(
    entries: tuple[Entry, ...],
    level: Level,
    table: AttributeTable,
    module: str,
    active: tuple[str, ...],
    guards: tuple[Guard, ...] = (),
) -> Spec | None:
    """Add ``entries`` of ``table`` to ``level``; return the Spec of the last Attribute
    added at this level (the anchor of rows that follow an include one ``>`` deeper)."""
    last: Spec | None = None
    for entry in entries:
        if isinstance(entry, Attribute):
            spec = Spec(entry, table, module, guards)
            if entry.items:
                spec.items = Level()
                _build(entry.items, spec.items, table, module, active)
            level.add(spec)
            last = spec
        elif isinstance(entry, Include):
            if entry.table_id in active:
                level.links.append(entry.table_id)
                continue
            try:
                included = iods.attribute_table(entry.table_id)
            except KeyError:
                level.open = True  # an include we cannot resolve: do not call its rows undefined
                continue
            guard = _include_guard(entry)
            inner = guards if guard is None else (*guards, guard)
            included_last = _build(
                included.entries, level, included, module, (*active, entry.table_id), inner
            )
            if included_last is not None:
                if entry.items:
                    if included_last.items is None:
                        included_last.items = Level()
                    _build(entry.items, included_last.items, table, module, active)
                last = included_last
        elif isinstance(entry, AnyAttributes):
            level.open = True
    return last


@lru_cache(maxsize=None)
def table_level(table_id: str, module: str | None = None) -> Level:
    """The top-level :class:`Level` of table ``table_id`` with its includes expanded;
    ``module`` names the place in findings (default: the table's name).

    Raises:
        KeyError: no such table is compiled.
    """
    table = iods.attribute_table(table_id)
    level = Level()
    _build(table.entries, level, table, module or table.name, (table_id,))
    return level


# DirectoryRecordType (0004,1430) values whose record table's name is not the value itself
# (PS3.3 Section F.5); the others are the name in upper case (PATIENT, SR DOCUMENT).
_RECORD_ALIASES = {
    "RT TREAT RECORD": "RT Treatment Record",
    "KEY OBJECT DOC": "Key Object Document",
    "ENCAP DOC": "Encapsulated Document",
    "VALUE MAP": "Real World Value Mapping",
    "STEREOMETRIC": "Stereometric Relationship",
    "IMPLANT ASSY": "Implant Assembly",
    "TRACT": "Tractography Results",
    "ASSESSMENT": "Content Assessment Results Directory Record Results",
    "ANNOTATION": "Microscopy Bulk Simple Annotations",
}


@lru_cache(maxsize=None)
def directory_record_level(record_type: str) -> Level | None:
    """The Level of the keys of a Directory Record of ``record_type`` (PS3.3 Section
    F.5), ``None`` for a type without a compiled table (PRIVATE, retired types)."""
    from dicomstd.generated.iod_index import ATTRIBUTE_TABLES

    wanted = _RECORD_ALIASES.get(record_type, record_type).casefold()
    for table_id in ATTRIBUTE_TABLES:
        if not table_id.startswith("table_F.5-"):
            continue
        table = iods.attribute_table(table_id)
        if table.kind == "directory record" and table.name.casefold() == wanted:
            return table_level(table_id)
    return None
