"""PS3.7 extractor: DIMSE command fields."""

from __future__ import annotations

import pytest

from dicomstd.errors import BuildError
from dicomstd.generator.document import Document
from dicomstd.generator.extractors.part07 import extract_command_elements
from document_factories import document, read_standard, table

HEADER = ("Tag", "Message Field", "Keyword", "VR", "VM", "Description of Field")
RETIRED_HEADER = HEADER[:5]


def commands(rows: list[tuple[str, ...]], retired: list[tuple[str, ...]] | None = None) -> Document:
    tables = [table("table_E.1-1", HEADER, rows)]
    if retired is not None:
        tables.append(table("table_E.2-1", RETIRED_HEADER, retired))
    return document("PS3.7", tables)


def test_command_elements() -> None:
    doc = commands(
        [("(0000,0A00)", "Invented Field", "InventedField", "US", "1", "What it says.")],
        [("(0000,0A01)", "Old Field", "OldField", "AT", "1-n")],
    )
    elements, accounts = extract_command_elements(doc)
    current, old = elements
    assert (current.tag, current.tag_value, current.description, current.retired) == (
        "0000,0A00",
        0x0A00,
        "What it says.",
        False,
    )
    assert (old.keyword, old.value_multiplicity, old.description, old.retired) == (
        "OldField",
        "1-n",
        "",
        True,
    )
    assert [(a.source.label, a.rows, a.compiled) for a in accounts] == [
        ("Table E.1-1", 1, 1),
        ("Table E.2-1", 1, 1),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("(0008,0001)", "A", "A", "US", "1", ""), "'(0008,0001)' is not a command tag"),
        (("(0000,00xx)", "A", "A", "US", "1", ""), "is not a command tag"),
        (("(0000,0001)", "", "A", "US", "1", ""), "has no Message Field"),
        (("(0000,0001)", "A", "", "US", "1", ""), "keyword '' is invalid"),
        (("(0000,0001)", "A", "A", "US or SS", "1", ""), "VR 'US or SS' is invalid"),
        (("(0000,0001)", "A", "A", "US", "x", ""), "VM 'x' is invalid"),
    ],
)
def test_command_row_errors(row: tuple[str, ...], message: str) -> None:
    with pytest.raises(BuildError, match="Table E.1-1 \\(table_E.1-1\\) body row 1") as caught:
        extract_command_elements(commands([row]))
    assert message in str(caught.value)


def test_command_table_errors() -> None:
    row = ("(0000,0001)", "A", "A", "US", "1", "")
    with pytest.raises(BuildError, match="body row 2: \\(0000,0001\\) is listed twice"):
        extract_command_elements(commands([row, row]))
    wide = document(
        "PS3.7", [table("table_E.1-1", HEADER, [row]), table("table_E.2-1", HEADER, [])]
    )
    with pytest.raises(BuildError, match="Table E.2-1 \\(table_E.2-1\\) has columns"):
        extract_command_elements(wide)
    with pytest.raises(BuildError, match="has no Table E.1-1"):
        extract_command_elements(document("PS3.7"))
    with pytest.raises(BuildError, match="expected PS3.7"):
        extract_command_elements(document("PS3.6"))


@pytest.mark.standard
@pytest.mark.parametrize("relative_path", ["2024c/part07.xml.xz", "2024c/part07.chtml.tar.xz"])
def test_2024c_command_elements(relative_path: str) -> None:
    elements, accounts = extract_command_elements(read_standard(relative_path))
    assert [(a.source.label, a.rows, a.compiled) for a in accounts] == [
        ("Table E.1-1", 24, 24),
        ("Table E.2-1", 22, 22),
    ]
    by_keyword = {e.keyword: e for e in elements}
    assert by_keyword["CommandField"].tag == "0000,0100"
    assert by_keyword["Overlays"].retired and by_keyword["Overlays"].value_multiplicity == "1-n"
