"""Build small :class:`Document` and :class:`Table` objects for extractor unit tests.

The rows used with these helpers are invented for the tests; NEMA's text is never copied
into the repository.
"""

from __future__ import annotations

from typing import Sequence, Union

from dicomstd.generator.document import (
    Block,
    Cell,
    CrossReference,
    Document,
    Emphasis,
    Inline,
    Paragraph,
    Row,
    Section,
    Table,
    Text,
)

#: What a factory accepts for a cell: plain text (one paragraph, or none when empty), a
#: sequence of paragraph texts, a ready :class:`Cell`, or a tuple of inlines.
CellSpec = Union[str, Sequence[str], Cell, tuple[Inline, ...]]


def paragraph(*inlines: Inline | str) -> Paragraph:
    """A paragraph of inlines; plain strings become :class:`Text`."""
    return Paragraph(tuple(Text(item) if isinstance(item, str) else item for item in inlines))


def superscript(text: str) -> Emphasis:
    """A superscript inline, as in ``2<sup>32</sup>``."""
    return Emphasis("superscript", (Text(text),))


def xref(target: str, label: str = "", document: str | None = None) -> CrossReference:
    """A cross-reference; an empty label is what an unresolved DocBook olink gives."""
    return CrossReference(target=target, label=label, document=document)


def cell(spec: CellSpec) -> Cell:
    """Turn a :data:`CellSpec` into a :class:`Cell`."""
    if isinstance(spec, Cell):
        return spec
    if isinstance(spec, str):
        return Cell((paragraph(spec),) if spec else ())
    if isinstance(spec, tuple) and all(not isinstance(item, str) for item in spec):
        return Cell((paragraph(*spec),))
    return Cell(tuple(paragraph(text) for text in spec if isinstance(text, str)))


def row(*specs: CellSpec) -> Row:
    """A row of cells."""
    return Row(tuple(cell(spec) for spec in specs))


def table(
    table_id: str,
    header: Sequence[str],
    rows: Sequence[Sequence[CellSpec]],
    *,
    label: str | None = None,
    caption: str = "An invented table",
    section_id: str | None = None,
) -> Table:
    """A table with one header row and ``rows`` as body rows.

    ``label`` defaults to the id without its ``table_`` prefix (``table_6-1`` → ``6-1``).
    """
    header_row = row(*header)
    body = tuple(row(*specs) for specs in rows)
    return Table(
        id=table_id,
        label=label if label is not None else table_id.removeprefix("table_"),
        caption=caption,
        section_id=section_id,
        header_rows=(header_row,),
        body_rows=body,
        column_count=len(header),
        markup_row_count=1 + len(body),
    )


def section(
    section_id: str,
    title: str,
    blocks: Sequence[Block | str] = (),
    *,
    parent_id: str | None = None,
    label: str | None = None,
    table_ids: Sequence[str] = (),
) -> Section:
    """A section; plain strings in ``blocks`` become paragraphs.

    ``label`` defaults to the id without its ``sect_``/``chapter_`` prefix.
    """
    if label is None:
        label = section_id.removeprefix("sect_").removeprefix("chapter_")
    return Section(
        id=section_id,
        label=label,
        title=title,
        parent_id=parent_id,
        blocks=tuple(paragraph(block) if isinstance(block, str) else block for block in blocks),
        table_ids=tuple(table_ids),
    )


def document(
    part: str,
    tables: Sequence[Table] = (),
    sections: Sequence[Section] = (),
    *,
    edition: str = "2099z",
    source_format: str = "docbook",
) -> Document:
    """A document of ``part`` holding ``tables`` and ``sections``."""
    return Document(
        part=part,
        edition=edition,
        title=f"DICOM {part} {edition} - invented for tests",
        source_format="chtml" if source_format == "chtml" else "docbook",
        source=f"<test {part}>",
        sections={item.id: item for item in sections},
        tables={item.id: item for item in tables},
    )


_READ: dict[str, Document] = {}


def read_standard(relative_path: str) -> Document:
    """The real publication ``relative_path`` (``2015b/part06.xml.xz``) read once per test
    session; skips (fails under CI=true) when the file is absent, skips when the readers
    are not importable."""
    import pytest

    from conftest import require_publication

    path = require_publication(relative_path)
    if relative_path not in _READ:
        publications = pytest.importorskip("dicomstd.generator.publications")
        _READ[relative_path] = publications.read_publication(path)
    return _READ[relative_path]
