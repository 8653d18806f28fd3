"""Find the compiled IOD definitions: IODs by SOP Class UID or name, Modules and Macros by
table id, and a table's Attributes with its includes resolved.

The definitions live in ``dicomstd.generated`` (one module per IOD, Module and Macro, built
from PS3.3 and PS3.4); a definition's module is imported on first use, so looking up one
IOD loads that IOD and the tables it is asked for, not the whole standard.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Iterator

from dicomstd.specification import Attribute, AttributeTable, Entry, IODSpecification, Include

__all__ = ["attribute_table", "expand", "iod", "iod_names", "iod_for_sop_class"]


def _load(module: str, constant: str) -> object:
    return getattr(importlib.import_module(f"dicomstd.generated.{module}"), constant)


@lru_cache(maxsize=None)
def attribute_table(table_id: str) -> AttributeTable:
    """Return the Module, Macro or directory record table ``table_id`` (``table_C.7-1``).

    Raises:
        KeyError: PS3.3 (as compiled) has no such attribute table.
    """
    from dicomstd.generated.iod_index import ATTRIBUTE_TABLES

    try:
        module, constant = ATTRIBUTE_TABLES[table_id]
    except KeyError:
        raise KeyError(f"{table_id!r} is not an attribute table of PS3.3") from None
    table = _load(module, constant)
    assert isinstance(table, AttributeTable)
    return table


@lru_cache(maxsize=None)
def _iod_by_table(table_id: str) -> IODSpecification:
    from dicomstd.generated.iod_index import IODS

    module, constant, _ = IODS[table_id]
    found = _load(module, constant)
    assert isinstance(found, IODSpecification)
    return found


def iod_for_sop_class(sop_class_uid: str) -> IODSpecification:
    """Return the IOD that SOP Class ``sop_class_uid`` uses (PS3.4).

    Raises:
        KeyError: PS3.4 (as compiled) maps no IOD to that SOP Class.
    """
    from dicomstd.generated.iod_index import SOP_CLASS_IODS

    try:
        return _iod_by_table(SOP_CLASS_IODS[sop_class_uid.rstrip("\x00 ")])
    except KeyError:
        raise KeyError(f"{sop_class_uid} is not a SOP Class whose IOD PS3.4 names") from None


def iod(query: str) -> IODSpecification:
    """Return an IOD given its SOP Class UID, its name (``CT Image``, any case, with or
    without "IOD"), or its module table id (``table_A.3-1``).

    Raises:
        KeyError: no IOD matches.
    """
    from dicomstd.generated.iod_index import IODS, SOP_CLASS_IODS

    query = query.strip().rstrip("\x00")
    if query in SOP_CLASS_IODS:
        return _iod_by_table(SOP_CLASS_IODS[query])
    if query in IODS:
        return _iod_by_table(query)
    wanted = query.casefold().removesuffix(" iod")
    for table_id, (_, _, name) in IODS.items():
        if name.casefold() == wanted:
            return _iod_by_table(table_id)
    raise KeyError(f"{query!r} is neither a SOP Class UID, an IOD name nor an IOD table id of PS3.3")


def iod_names() -> list[str]:
    """The names of every compiled IOD, in PS3.3's order."""
    from dicomstd.generated.iod_index import IODS

    return [name for _, _, name in IODS.values()]


def expand(table: AttributeTable) -> Iterator[tuple[tuple[Attribute, ...], Attribute]]:
    """Yield every Attribute of ``table`` with its includes resolved, in row order, as
    (the Sequences enclosing it, outermost first; the Attribute).

    An include's table stands at the include's place; rows that follow an include one ``>``
    deeper belong to the Item of the included table's last Sequence. A table that includes
    itself (the SR Document Content Macro, PS3.3 Table C.17-6, in its Content Sequence) is
    expanded once.

    Raises:
        KeyError: an include names a table that is not compiled.
    """
    yield from _expand(table.entries, (), (table.table_id,), [])


def _expand(
    entries: tuple[Entry, ...],
    path: tuple[Attribute, ...],
    active: tuple[str, ...],
    last: list[tuple[Attribute, ...]],
) -> Iterator[tuple[tuple[Attribute, ...], Attribute]]:
    for entry in entries:
        if isinstance(entry, Attribute):
            yield path, entry
            inner = (*path, entry)
            if entry.items:
                yield from _expand(entry.items, inner, active, [])
            last[:] = [inner]
        elif isinstance(entry, Include):
            if entry.table_id in active:
                continue
            included_last: list[tuple[Attribute, ...]] = []
            yield from _expand(
                attribute_table(entry.table_id).entries, path, (*active, entry.table_id), included_last
            )
            if included_last:
                if entry.items:
                    yield from _expand(entry.items, included_last[0], active, [])
                last[:] = included_last
