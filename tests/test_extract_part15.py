"""PS3.15 extractor: the de-identification table (Table E.1-1)."""

from __future__ import annotations

import pytest

from dicomstd.errors import BuildError
from dicomstd.generator.document import Document
from dicomstd.generator.extractors.part15 import OPTION_NAMES, extract_deidentification
from document_factories import document, read_standard, table

HEADER = (
    "Attribute Name",
    "Tag",
    "Retd. (from PS3.6)",
    "In Std. Comp. IOD (from PS3.3)",
    "Basic Prof.",
    "Rtn. UIDs Opt.",
)


def deidentification(rows: list[tuple[str, ...]], header: tuple[str, ...] = HEADER) -> Document:
    return document("PS3.15", [table("table_E.1-1", header, rows)])


def test_rows() -> None:
    doc = deidentification(
        [
            ("Invented Name", "(0009,0001)", "N", "Y", "X/Z", "K"),
            ("Invented Overlay", "(60xx,4000)", "Y", "N", "X", ""),
            ("Private Attributes", "(gggg,eeee) where gggg is odd", "N", "Y", "X", ""),
        ]
    )
    attributes, accounts = extract_deidentification(doc)
    first, overlay, private = attributes
    assert (first.tag, first.tag_value, first.retired, first.in_standard_iod) == (
        "0009,0001",
        0x00090001,
        False,
        True,
    )
    assert first.actions == (("Basic Prof.", "X/Z"), ("Rtn. UIDs Opt.", "K"))
    assert first.action("Rtn. UIDs Opt.") == "K" and first.action("Clean Graph. Opt.") == ""
    assert (overlay.tag, overlay.tag_mask, overlay.retired) == ("60xx,4000", 0xFF00FFFF, True)
    assert (private.tag, private.tag_value, private.tag_mask) == ("gggg,eeee", 0, 0)
    assert [(a.source.label, a.rows, a.compiled) for a in accounts] == [("Table E.1-1", 3, 3)]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("", "(0009,0001)", "N", "Y", "X", ""), "has no Attribute Name"),
        (("A", "0009,0001x", "N", "Y", "X", ""), "Tag '0009,0001x' is not a tag"),
        (("A", "(0009,0001)", "R", "Y", "X", ""), "Retd. (from PS3.6) is 'R', not Y or N"),
        (("A", "(0009,0001)", "N", "", "X", ""), "IOD (from PS3.3) is '', not Y or N"),
        (("A", "(0009,0001)", "N", "Y", "Q", ""), "Basic Prof. has action code 'Q'"),
    ],
)
def test_row_errors(row: tuple[str, ...], message: str) -> None:
    with pytest.raises(BuildError, match="Table E.1-1 \\(table_E.1-1\\) body row 1") as caught:
        extract_deidentification(deidentification([row]))
    assert message in str(caught.value)


def test_table_errors() -> None:
    row = ("A", "(0009,0001)", "N", "Y", "X", "")
    with pytest.raises(BuildError, match="body row 2: tag \\(0009,0001\\) already in body row 1"):
        extract_deidentification(deidentification([row, row]))
    with pytest.raises(BuildError, match="has columns"):
        extract_deidentification(deidentification([row], HEADER[:5] + ("Something",)))
    with pytest.raises(BuildError, match="has columns"):
        extract_deidentification(deidentification([row[:4]], HEADER[:4]))
    with pytest.raises(BuildError, match="has no Table E.1-1"):
        extract_deidentification(document("PS3.15"))
    with pytest.raises(BuildError, match="expected PS3.15"):
        extract_deidentification(document("PS3.6"))


def test_codes_from_table_e_1_1a() -> None:
    codes = table("table_E.1-1a", ("Action Code", "Action"), [("X", "remove"), ("Q", "new")])
    rows = [("A", "(0009,0001)", "N", "Y", "Q", "")]
    doc = document("PS3.15", [codes, table("table_E.1-1", HEADER, rows)])
    attributes, _ = extract_deidentification(doc)
    assert attributes[0].action("Basic Prof.") == "Q"


@pytest.mark.standard
@pytest.mark.parametrize(("edition", "rows"), [("2020c", 442), ("2024c", 623), ("2026c", 656)])
def test_real_tables(edition: str, rows: int) -> None:
    attributes, accounts = extract_deidentification(read_standard(f"{edition}/part15.xml.xz"))
    assert len(attributes) == rows == accounts[0].rows == accounts[0].compiled
    columns = [column for column, _ in attributes[0].actions]
    assert set(columns) == set(OPTION_NAMES)
    by_tag = {a.tag: a for a in attributes}
    assert by_tag["0010,0010"].action("Basic Prof.") == "Z"  # Patient's Name
    assert "gggg,eeee" in by_tag and "60xx,3000" in by_tag


@pytest.mark.standard
def test_docbook_and_chtml_agree() -> None:
    docbook, _ = extract_deidentification(read_standard("2024c/part15.xml.xz"))
    chtml, _ = extract_deidentification(read_standard("2024c/part15.chtml.tar.xz"))
    assert [(a.tag, a.name, a.retired, a.in_standard_iod, a.actions) for a in docbook] == [
        (a.tag, a.name, a.retired, a.in_standard_iod, a.actions) for a in chtml
    ]
