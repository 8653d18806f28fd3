"""Both readers agree: the DocBook and CHTML publications of one edition give the same model.

PS3.5, PS3.7 and PS3.15 of 2024c exist here in both formats. Every table is compared whole
(id, label, caption, section, grid, every cell's blocks and inlines); the only tables
allowed to differ are those of ``reader_agreement_differences.toml``, and each of them
must differ exactly in the way listed there. Sections are compared by id, label, title,
parent and tables.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from pathlib import Path
from typing import Any, Callable

import pytest

from dicomstd.generator.document import (
    Block,
    CrossReference,
    DefinitionEntry,
    DefinitionList,
    Document,
    Emphasis,
    Inline,
    ItemList,
    Link,
    Note,
    Paragraph,
    Table,
)
from dicomstd.generator.publications import read_publication

pytestmark = pytest.mark.standard

EDITION = "2024c"
PARTS = {"PS3.5": "part05", "PS3.7": "part07", "PS3.15": "part15"}
DIFFERENCES = Path(__file__).with_name("reader_agreement_differences.toml")


@functools.cache
def _read(path: Path) -> Document:
    # Each publication is parsed once per test session, whichever test asks first.
    return read_publication(path)


@pytest.fixture
def documents(publication: Callable[[str], Path]) -> Callable[[str], tuple[Document, Document]]:
    def both(part: str) -> tuple[Document, Document]:
        stem = PARTS[part]
        docbook = _read(publication(f"{EDITION}/{stem}.xml.xz"))
        chtml = _read(publication(f"{EDITION}/{stem}.chtml.tar.xz"))
        return docbook, chtml

    return both


def _listed(part: str) -> dict[str, str]:
    """Table id → kind of difference listed for ``part``."""
    data = tomllib.loads(DIFFERENCES.read_text(encoding="utf-8"))
    listed: dict[str, str] = {}
    for entry in data.get("difference", []):
        if entry["part"] == part and entry["edition"] == EDITION:
            assert entry.get("reason"), f"{entry} gives no reason"
            for table_id in entry["tables"]:
                listed[table_id] = entry["kind"]
    return listed


def _first_difference(left: Any, right: Any, where: str) -> str | None:
    """A readable path to the first place two models differ, or None."""
    if type(left) is not type(right):
        return f"{where}: {left!r} != {right!r}"
    if isinstance(left, tuple):
        if len(left) != len(right):
            return f"{where}: {len(left)} items != {len(right)}: {left!r} != {right!r}"
        for index, (a, b) in enumerate(zip(left, right)):
            found = _first_difference(a, b, f"{where}[{index}]")
            if found:
                return found
        return None
    if dataclasses.is_dataclass(left):
        for field in dataclasses.fields(left):
            found = _first_difference(
                getattr(left, field.name), getattr(right, field.name), f"{where}.{field.name}"
            )
            if found:
                return found
        return None
    return None if left == right else f"{where}: {left!r} != {right!r}"


def _mask_foreign_olink_labels(table: Table, part: str) -> Table:
    """``table`` with the labels of references into other parts blanked (target kept)."""

    def inline(item: Inline) -> Inline:
        if isinstance(item, CrossReference):
            if item.document is not None and item.document != part:
                return CrossReference(item.target, "", item.document)
            return item
        if isinstance(item, (Emphasis, Link)):
            return dataclasses.replace(item, children=tuple(inline(c) for c in item.children))
        return item

    def block(item: Block) -> Block:
        if isinstance(item, Paragraph):
            return Paragraph(tuple(inline(i) for i in item.inlines), item.id)
        if isinstance(item, Note):
            return Note(tuple(block(b) for b in item.blocks))
        if isinstance(item, ItemList):
            return ItemList(tuple(tuple(block(b) for b in i) for i in item.items), item.ordered)
        if isinstance(item, DefinitionList):
            return DefinitionList(
                tuple(
                    DefinitionEntry(
                        tuple(inline(i) for i in e.term), tuple(block(b) for b in e.blocks)
                    )
                    for e in item.entries
                )
            )
        return item

    def rows(grid: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            dataclasses.replace(
                row,
                cells=tuple(
                    dataclasses.replace(cell, blocks=tuple(block(b) for b in cell.blocks))
                    for cell in row.cells
                ),
            )
            for row in grid
        )

    return dataclasses.replace(
        table, header_rows=rows(table.header_rows), body_rows=rows(table.body_rows)
    )


@pytest.mark.parametrize("part", sorted(PARTS))
def test_every_table_is_the_same_model_in_both_formats(
    documents: Callable[[str], tuple[Document, Document]], part: str
) -> None:
    docbook, chtml = documents(part)
    assert (docbook.part, docbook.edition) == (part, EDITION)
    assert (chtml.part, chtml.edition) == (part, EDITION)
    assert docbook.title == chtml.title
    assert list(docbook.tables) == list(chtml.tables), "table ids or their order differ"
    assert len(docbook.tables) > 40
    listed = _listed(part)
    differing: dict[str, str] = {}
    for table_id, table in docbook.tables.items():
        found = _first_difference(table, chtml.tables[table_id], table_id)
        if found:
            differing[table_id] = found
    unlisted = {t: d for t, d in differing.items() if t not in listed}
    assert not unlisted, "tables differ between DocBook and CHTML:\n" + "\n".join(unlisted.values())
    assert sorted(differing) == sorted(
        listed
    ), f"listed in {DIFFERENCES.name} but now identical: {sorted(set(listed) - set(differing))}"


@pytest.mark.parametrize("part", sorted(PARTS))
def test_listed_differences_are_only_of_the_kind_stated(
    documents: Callable[[str], tuple[Document, Document]], part: str
) -> None:
    docbook, chtml = documents(part)
    for table_id, kind in _listed(part).items():
        assert kind == "olink-title", f"unknown kind {kind!r} for {table_id}"
        masked = _first_difference(
            _mask_foreign_olink_labels(docbook.tables[table_id], part),
            _mask_foreign_olink_labels(chtml.tables[table_id], part),
            table_id,
        )
        assert masked is None, f"{table_id} differs beyond olink titles: {masked}"


@pytest.mark.parametrize("part", sorted(PARTS))
def test_every_section_has_the_same_id_label_title_parent_and_tables(
    documents: Callable[[str], tuple[Document, Document]], part: str
) -> None:
    docbook, chtml = documents(part)
    assert list(docbook.sections) == list(chtml.sections), "section ids or their order differ"
    assert len(docbook.sections) > 100
    for section_id, section in docbook.sections.items():
        other = chtml.sections[section_id]
        assert (section.label, section.title, section.parent_id, section.table_ids) == (
            other.label,
            other.title,
            other.parent_id,
            other.table_ids,
        ), section_id
