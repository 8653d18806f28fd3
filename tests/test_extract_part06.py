"""PS3.6 extractors: registry of data elements and UID registry."""

from __future__ import annotations

import pytest

from dicomstd.errors import BuildError
from dicomstd.generator.document import Cell, Document
from dicomstd.generator.extractors.part06 import extract_data_elements, extract_uids, parse_tag
from document_factories import document, paragraph, read_standard, table, xref

HEADER = ("Tag", "Name", "Keyword", "VR", "VM", "")
UID_HEADER = ("UID Value", "UID Name", "UID Keyword", "UID Type", "Part")


def registry(*rows: tuple[str, ...], table_id: str = "table_6-1") -> Document:
    return document("PS3.6", [table(table_id, HEADER, rows)])


# --- tags --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tag", "value", "mask"),
    [
        ("(0008,0005)", "0008,0005", 0x00080005, 0xFFFFFFFF),
        ("(60xx,0010)", "60xx,0010", 0x60000010, 0xFF00FFFF),
        ("(0020,31xx)", "0020,31xx", 0x00203100, 0xFFFFFF00),
        ("(1000,xxx0)", "1000,xxx0", 0x10000000, 0xFFFF000F),
        ("(7Fxx,0010)", "7Fxx,0010", 0x7F000010, 0xFF00FFFF),
        ("(0028,04x2)", "0028,04x2", 0x00280402, 0xFFFFFF0F),
        ("(fffe, e000)", "FFFE,E000", 0xFFFEE000, 0xFFFFFFFF),
    ],
)
def test_parse_tag(text: str, tag: str, value: int, mask: int) -> None:
    parsed = parse_tag(text)
    assert parsed is not None
    assert (parsed.text, parsed.value, parsed.mask) == (tag, value, mask)


@pytest.mark.parametrize("text", ["0008,0005", "(0008,005)", "(0008,00G5)", ""])
def test_parse_tag_rejects(text: str) -> None:
    assert parse_tag(text) is None


# --- data elements -----------------------------------------------------------------------


def test_data_element_forms() -> None:
    doc = registry(
        ("(0011,0001)", "Invented Length", "Invented\u200bLength", "UL", "1", "RET"),
        ("(0011,0002)", "Invented Choice", "InventedChoice", "US or SS or OW", "1-n or 1", ""),
        ("(0011,0003)", "Invented Item", "InventedItem", "See Note 2", "1", "DICOS"),
        ("(0011,0004)", "", "", "", "", "RET - See Note"),
        ("(61xx,0010)", "Invented Repeat", "InventedRepeat", "OB or OW", "2-2n", ""),
    )
    elements, accounts = extract_data_elements(doc)
    assert [e.tag for e in elements] == [
        "0011,0001",
        "0011,0002",
        "0011,0003",
        "0011,0004",
        "61xx,0010",
    ]
    first, choice, item, blank, repeat = elements
    assert first.keyword == "InventedLength" and first.retired and first.comment == "RET"
    assert choice.value_representations == ("US", "SS", "OW")
    assert choice.value_multiplicity == "1-n or 1"
    assert item.value_representations == () and item.vr_text == "See Note 2"
    assert not item.retired and item.comment == "DICOS"
    assert blank.retired and blank.name == "" and blank.value_representations == ()
    assert (repeat.tag_value, repeat.tag_mask) == (0x61000010, 0xFF00FFFF)
    assert first.source.citation == "PS3.6 2099z Table 6-1"
    assert [(a.rows, a.compiled, a.skipped) for a in accounts] == [(5, 5, ())]


def test_reads_every_registry_table_present() -> None:
    doc = document(
        "PS3.6",
        [
            table("table_7-1", HEADER, [("(0002,0001)", "A", "A", "OB", "1", "")]),
            table("table_9-1", HEADER, [("(0006,0001)", "B", "B", "SQ", "1", "")]),
        ],
    )
    elements, accounts = extract_data_elements(doc)
    assert [e.source.table_id for e in elements] == ["table_7-1", "table_9-1"]
    assert [a.source.label for a in accounts] == ["Table 7-1", "Table 9-1"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("0011,0001", "A", "A", "UL", "1", ""), "body row 1: '0011,0001' is not a tag"),
        (("(0011,0001)", "A", "A", "UL or", "1", ""), "VR 'UL or' is unknown"),
        (("(0011,0001)", "A", "A", "Sequence", "1", ""), "VR 'Sequence' is unknown"),
        (("(0011,0001)", "A", "A", "UL", "one", ""), "VM 'one' is invalid"),
        (("(0011,0001)", "A", "A b", "UL", "1", ""), "keyword 'A b' is invalid"),
        (("(0011,0001)", "A", "A", "UL", "1", "WITHDRAWN"), "last column 'WITHDRAWN'"),
    ],
)
def test_data_element_row_errors(row: tuple[str, ...], message: str) -> None:
    with pytest.raises(BuildError, match="Table 6-1 \\(table_6-1\\) body row 1") as caught:
        extract_data_elements(registry(row))
    assert message in str(caught.value)


def test_duplicate_tag_is_an_error() -> None:
    row = ("(0011,0001)", "A", "A", "UL", "1", "")
    with pytest.raises(BuildError, match="body row 2: tag \\(0011,0001\\) already in"):
        extract_data_elements(registry(row, row))


def test_unexpected_columns_are_an_error() -> None:
    doc = document("PS3.6", [table("table_6-1", ("Tag", "Name", "VR", "VM", ""), [])])
    with pytest.raises(BuildError, match="Table 6-1 \\(table_6-1\\) has columns"):
        extract_data_elements(doc)


def test_missing_tables_and_wrong_part_are_errors() -> None:
    with pytest.raises(BuildError, match="holds none of the registries"):
        extract_data_elements(document("PS3.6"))
    with pytest.raises(BuildError, match="expected PS3.6, got PS3.5"):
        extract_data_elements(document("PS3.5"))


# --- UIDs --------------------------------------------------------------------------------


def uid_document(*tables: object) -> Document:
    return document("PS3.6", list(tables))  # type: ignore[arg-type]


def test_uid_forms() -> None:
    doc = uid_document(
        table(
            "table_A-1",
            UID_HEADER,
            [
                ("1.2.3.1", "Invented SOP Class", "Invented\u200bSOP", "SOP Class", "PS3.4"),
                ("1.2.3.2", "Old Syntax (Retired)", "OldSyntax", "Transfer Syntax", "PS3.5 (2001)"),
                ("1.2.3.3", "(Retired)", "", "SOP Class", "(2015c)"),
            ],
        ),
        table(
            "table_A-2",
            ("UID Value", "UID Name", "UID Keyword", "Normative Reference"),
            [("1.2.3.4", "Invented Frame", "InventedFrame", "A book")],
        ),
        table(
            "table_A-3",
            ("Context Group UID", "Context Group Identifier", "Context Group Name", "Comment"),
            [("1.2.3.5", "CID 9001", "Invented Group", ""), ("1.2.3.6", "", "", "RET (2013)")],
        ),
    )
    uids, accounts = extract_uids(doc)
    by_value = {uid.value: uid for uid in uids}
    assert by_value["1.2.3.1"].keyword == "InventedSOP"
    assert by_value["1.2.3.2"].name == "Old Syntax" and by_value["1.2.3.2"].retired
    assert by_value["1.2.3.3"].name == "" and by_value["1.2.3.3"].retired
    assert by_value["1.2.3.4"].uid_type == "Well-known frame of reference"
    group = by_value["1.2.3.5"]
    assert (group.uid_type, group.context_group_identifier, group.name) == (
        "Context Group Name",
        "CID 9001",
        "Invented Group",
    )
    assert by_value["1.2.3.6"].retired
    assert [(a.source.label, a.rows, a.compiled) for a in accounts] == [
        ("Table A-1", 3, 3),
        ("Table A-2", 1, 1),
        ("Table A-3", 2, 2),
    ]


def test_uid_columns_of_2015b_and_unresolved_olinks() -> None:
    olink = Cell((paragraph(xref("sect_CID_77", "", "PS3.16")),))
    doc = uid_document(
        table(
            "table_A-1",
            ("UID Value", "UID Name", "UID Type", "Part"),
            [("1.2.9", "X", "SOP Class", "")],
        ),
        table(
            "table_A-3",
            ("Context UID", "Context Identifier", "Context Group Name"),
            [("1.2.10", olink, olink)],
        ),
    )
    uids, _ = extract_uids(doc)
    assert uids[0].keyword == ""
    assert uids[1].context_group_identifier == "CID 77"
    assert uids[1].name == ""


def test_olink_whose_title_fell_back_to_its_target_gives_an_empty_name() -> None:
    fallback = Cell((paragraph(xref("sect_CID_78", "sect_CID_78", "PS3.16")),))
    doc = uid_document(
        table("table_A-1", UID_HEADER, [("1.2.9", "X", "X", "SOP Class", "")]),
        table(
            "table_A-3",
            ("Context UID", "Context Identifier", "Context Group Name"),
            [("1.2.10", Cell((paragraph(xref("sect_CID_78", "CID 78", "PS3.16")),)), fallback)],
        ),
    )
    uids, _ = extract_uids(doc)
    assert (uids[1].name, uids[1].context_group_identifier) == ("", "CID 78")


def test_uid_repeated_in_a_later_table_under_the_same_name_is_skipped() -> None:
    doc = uid_document(
        table(
            "table_A-1",
            UID_HEADER,
            [("1.2.4", "Frame", "Frame", "Well-known frame of reference", "")],
        ),
        table(
            "table_A-2", ("UID Value", "UID Name", "Normative Reference"), [("1.2.4", "Frame", "")]
        ),
    )
    uids, accounts = extract_uids(doc)
    assert len(uids) == 1
    assert accounts[1].compiled == 0 and accounts[1].skipped[0][1] == 1


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        (
            [table("table_A-1", UID_HEADER, [("1.2.x", "A", "A", "SOP Class", "")])],
            "'1.2.x' is not a UID",
        ),
        ([table("table_A-1", UID_HEADER, [("1.2", "A", "A-b", "SOP Class", "")])], "keyword 'A-b'"),
        (
            [table("table_A-1", UID_HEADER, [("1.2", "A", "A", "SOP Class", "")] * 2)],
            "body row 2: UID 1.2 already in Table A-1 body row 1",
        ),
        (
            [
                table("table_A-1", UID_HEADER, [("1.2", "A", "A", "SOP Class", "")]),
                table("table_A-2", ("UID Value", "UID Name"), [("1.2", "B")]),
            ],
            "Table A-2 (table_A-2) body row 1: UID 1.2 already in",
        ),
        (
            [table("table_A-1", ("UID Value", "UID Name", "Colour"), [])],
            "unexpected column 'Colour'",
        ),
        ([table("table_A-1", ("UID Value", "UID Name"), [])], "lacks the column(s) ['uid_type']"),
        ([table("table_A-2", ("UID Value", "UID Name"), [])], "has no UID registry (Table A-1)"),
    ],
)
def test_uid_errors(tables: list[object], message: str) -> None:
    with pytest.raises(BuildError) as caught:
        extract_uids(uid_document(*tables))
    assert message in str(caught.value)


# --- the real text -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def ps36_2015b() -> Document:
    return read_standard("2015b/part06.xml.xz")


@pytest.fixture(scope="module")
def ps36_2024c() -> Document:
    return read_standard("2024c/part06.chtml.tar.xz")


@pytest.mark.standard
def test_2015b_registry_of_data_elements(ps36_2015b: Document) -> None:
    elements, accounts = extract_data_elements(ps36_2015b)
    counts = {a.source.label: (a.rows, a.compiled, a.skipped) for a in accounts}
    assert counts == {
        "Table 6-1": (3879, 3879, ()),
        "Table 7-1": (12, 12, ()),
        "Table 8-1": (19, 19, ()),
    }
    by_tag = {e.tag: e for e in elements}
    assert by_tag["0008,0005"].keyword == "SpecificCharacterSet"
    assert by_tag["60xx,0010"].tag_mask == 0xFF00FFFF
    assert by_tag["1010,xxxx"].tag_mask == 0xFFFF0000
    assert by_tag["0028,1200"].value_representations == ("US", "SS", "OW")
    assert by_tag["FFFE,E000"].value_representations == ()
    assert sum(e.tag_mask != 0xFFFFFFFF for e in elements) == 88
    assert all("\u200b" not in e.keyword for e in elements)


@pytest.mark.standard
def test_2024c_registry_of_data_elements(ps36_2024c: Document) -> None:
    _, accounts = extract_data_elements(ps36_2024c)
    counts = {a.source.label: (a.rows, a.compiled) for a in accounts}
    assert counts == {"Table 7-1": (22, 22), "Table 8-1": (19, 19), "Table 9-1": (1, 1)}


@pytest.mark.standard
def test_2024c_uid_registry(ps36_2024c: Document) -> None:
    uids, accounts = extract_uids(ps36_2024c)
    counts = {a.source.label: (a.rows, a.compiled, a.skipped) for a in accounts}
    assert counts == {
        "Table A-1": (454, 454, ()),
        "Table A-2": (28, 28, ()),
        "Table A-3": (1388, 1388, ()),
        "Table A-4": (24, 24, ()),
    }
    by_value = {uid.value: uid for uid in uids}
    assert by_value["1.2.840.10008.1.2.1"].keyword == "ExplicitVRLittleEndian"
    assert by_value["1.2.840.10008.1.2.2"].retired
    assert by_value["1.2.840.10008.1.2.2"].name == "Explicit VR Big Endian"
    assert by_value["1.2.840.10008.6.1.1"].context_group_identifier == "CID 2"
    assert sum(uid.uid_type == "Transfer Syntax" for uid in uids) == 59


@pytest.mark.standard
def test_2015b_uid_registry(ps36_2015b: Document) -> None:
    uids, accounts = extract_uids(ps36_2015b)
    counts = {a.source.label: (a.rows, a.compiled) for a in accounts}
    # 2015b lists the 20 well-known frames of reference in Table A-1 and again in A-2.
    assert counts == {
        "Table A-1": (358, 358),
        "Table A-2": (20, 0),
        "Table A-3": (927, 927),
        "Table A-4": (24, 24),
    }
    by_value = {uid.value: uid for uid in uids}
    assert by_value["1.2.840.10008.6.1.1"].context_group_identifier == "CID 2"
    # The names are olinks into PS3.16/PS3.20 that a DocBook part cannot resolve.
    assert by_value["1.2.840.10008.6.1.1"].name == ""


def test_a_row_with_a_lost_cell_is_an_error() -> None:
    """The reader pads a short row and records it; these tables need every cell."""
    import dataclasses

    doc = registry(("(0011,0001)", "A", "A", "UL", "1", ""))
    damaged = dataclasses.replace(doc.tables["table_6-1"], padded_rows=(1,))
    with pytest.raises(BuildError, match="has rows with a cell missing \\(rows 1"):
        extract_data_elements(dataclasses.replace(doc, tables={"table_6-1": damaged}))
