"""PS3.5 extractors: Value Representations and Transfer Syntaxes."""

from __future__ import annotations

import pytest

from dicomstd.errors import BuildError
from dicomstd.generator.document import Cell, Document, ItemList
from dicomstd.generator.extractors.part05 import (
    cross_check_transfer_syntaxes,
    extract_transfer_syntaxes,
    extract_value_representations,
)
from dicomstd.generator.extractors.part06 import extract_uids
from dicomstd.generator.model import UID, SourceReference
from document_factories import document, paragraph, read_standard, section, superscript, table

VR_HEADER = ("VR Name", "Definition", "Character Repertoire", "Length of Value")
PADDING = (
    "Values with VRs constructed of character strings, except in the case of the VR QI, "
    "shall be padded with SPACE characters. Values with a VR of QI shall be padded with a "
    "single trailing NULL (00H) character. Values with a VR of QB shall be padded with a "
    "single trailing NULL byte value (00H)."
)
POWER = Cell((paragraph("2", superscript("31"), "-2 bytes maximum"),))


def vr_document(*rows: tuple[object, ...], padding: str = PADDING) -> Document:
    return document(
        "PS3.5",
        [table("table_6.2-1", VR_HEADER, rows, section_id="sect_6.2")],  # type: ignore[arg-type]
        [section("sect_6.2", "Value Representations", [padding], table_ids=["table_6.2-1"])],
    )


def test_value_representation_forms() -> None:
    doc = vr_document(
        (["QS", "Quoted String"], "Invented.", "Some letters", ["10 chars maximum", "Else 2."]),
        ("QI Quoted Identifier", "Invented.", "Digits", "20 bytes maximum"),
        (["QF", "Quad Fixed"], "Invented.", "not applicable", "4 bytes fixed"),
        (["QB", "Quad Bytes"], "Invented.", "not applicable", "see elsewhere"),
        (["QL", "Quad Long"], "Invented.", "not applicable", POWER),
    )
    vrs, accounts = extract_value_representations(doc)
    qs, qi, qf, qb, ql = vrs
    assert (qs.code, qs.name, qs.maximum_length, qs.length_unit) == (
        "QS",
        "Quoted String",
        10,
        "characters",
    )
    assert qs.length_text == "10 chars maximum Else 2." and qs.padding == " "
    assert (qi.code, qi.name, qi.maximum_length, qi.padding) == (
        "QI",
        "Quoted Identifier",
        20,
        "\x00",
    )
    assert qf.fixed_length and qf.maximum_length == 4 and qf.padding is None
    assert qf.character_repertoire == ""
    assert qb.maximum_length is None and qb.length_unit == "" and qb.padding == "\x00"
    assert ql.maximum_length == 2**31 - 2 and ql.length_text == "2^31-2 bytes maximum"
    assert [(a.rows, a.compiled) for a in accounts] == [(5, 5)]


@pytest.mark.parametrize(
    ("rows", "padding", "message"),
    [
        ([("Quoted", "x", "y", "1 bytes fixed")], PADDING, "body row 1: 'Quoted' has no VR code"),
        (
            [(["QS", "A"], "x", "y", "232-2 bytes maximum")],
            PADDING,
            "length '232-2 bytes maximum' does not parse",
        ),
        (
            [(["QS", "A"], "x", "y", "1 bytes fixed"), (["QS", "B"], "x", "y", "1 bytes fixed")],
            PADDING,
            "body row 2: VR QS is listed twice",
        ),
        ([], "Strings are padded.", "padding rules of Section 6.2"),
    ],
)
def test_value_representation_errors(
    rows: list[tuple[object, ...]], padding: str, message: str
) -> None:
    with pytest.raises(BuildError) as caught:
        extract_value_representations(vr_document(*rows, padding=padding))
    assert message in str(caught.value)


def test_value_representation_table_errors() -> None:
    with pytest.raises(BuildError, match="has no Table 6.2-1"):
        extract_value_representations(document("PS3.5"))
    with pytest.raises(BuildError, match="has columns"):
        extract_value_representations(
            document("PS3.5", [table("table_6.2-1", ("VR", "Definition"), [])])
        )
    with pytest.raises(BuildError, match="expected PS3.5"):
        extract_value_representations(document("PS3.6"))


# --- Transfer Syntaxes -------------------------------------------------------------------

REGISTRY = SourceReference("PS3.6", "2099z", "table_A-1", "Table A-1")


def ts(value: str, name: str, retired: bool = False, keyword: str = "K") -> UID:
    return UID(value, name, keyword, "Transfer Syntax", "PS3.5", retired, REGISTRY)


def annex_a(*extra: object) -> Document:
    listing = ItemList(
        ((paragraph("The Data Elements shall be encoded with Implicit VR."),),), True
    )
    sections = [
        section("chapter_A", "Transfer Syntax Specifications"),
        section(
            "sect_A.1",
            "Implicit VR Little Endian Transfer Syntax",
            [listing, 'identified by "1.2.840.10008.1.2".'],
            parent_id="chapter_A",
        ),
        section(
            "sect_A.4",
            "Transfer Syntaxes For Encapsulation of Encoded Pixel Data",
            parent_id="chapter_A",
        ),
        section(
            "sect_A.4.1",
            "Invented Compression",
            ["identified by 1.2.840.10008.1.2.4.999 or 1.2.840.10008.1.2.4.998."],
            parent_id="sect_A.4",
        ),
        section(
            "sect_A.5",
            "Deflated Little Endian Transfer Syntax (Explicit VR)",
            ["UID 1.2.840.10008.1.2.1.99."],
            parent_id="chapter_A",
        ),
        *extra,
    ]
    return document("PS3.5", sections=sections)  # type: ignore[arg-type]


def test_transfer_syntaxes_from_annex_a_and_registry() -> None:
    registry = [
        ts("1.2.840.10008.1.2", "Implicit VR Little Endian: Default"),
        ts("1.2.840.10008.1.2.4.999", "Invented Lossless"),
        ts("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"),
        ts("1.2.840.10008.1.2.2", "Explicit VR Big Endian", retired=True),
        ts("1.2.840.10008.1.2.4.52", "JPEG Invented Process", retired=True),
        UID("1.2.3", "Not a syntax", "", "SOP Class", "", False, REGISTRY),
    ]
    syntaxes, accounts = extract_transfer_syntaxes(annex_a(), registry)
    by_uid = {s.uid: s for s in syntaxes}
    implicit = by_uid["1.2.840.10008.1.2"]
    assert (implicit.explicit_vr, implicit.little_endian, implicit.encapsulated) == (
        False,
        True,
        False,
    )
    assert implicit.source.label == "Section A.1"
    assert by_uid["1.2.840.10008.1.2.4.999"].encapsulated
    assert by_uid["1.2.840.10008.1.2.1.99"].deflated
    big = by_uid["1.2.840.10008.1.2.2"]
    assert not big.little_endian and big.retired and big.source == REGISTRY
    assert by_uid["1.2.840.10008.1.2.4.52"].encapsulated
    only = by_uid["1.2.840.10008.1.2.4.998"]
    assert only.name == "Invented Compression" and only.keyword == ""
    assert [(a.rows, a.compiled) for a in accounts] == [(6, 6)]
    check = cross_check_transfer_syntaxes(annex_a(), registry)
    assert check.registry_only == ("1.2.840.10008.1.2.2", "1.2.840.10008.1.2.4.52")
    assert check.part05_only == ("1.2.840.10008.1.2.4.998",)


def test_transfer_syntax_errors() -> None:
    registry = [ts("1.2.840.10008.1.2", "Implicit VR Little Endian")]
    with pytest.raises(BuildError, match="holds no Transfer Syntax"):
        extract_transfer_syntaxes(annex_a(), [])
    with pytest.raises(BuildError, match="has no Annex A"):
        extract_transfer_syntaxes(document("PS3.5"), registry)
    with pytest.raises(BuildError, match="registry name 'Explicit VR Big Endian'"):
        extract_transfer_syntaxes(annex_a(), [ts("1.2.840.10008.1.2", "Explicit VR Big Endian")])
    wrong = section(
        "sect_A.9",
        "Invented Syntax (Explicit VR)",
        ["shall be encoded with Implicit VR; UID 1.2.840.10008.1.2.9."],
        parent_id="chapter_A",
    )
    with pytest.raises(
        BuildError, match="Section A.9 .* says the data set is encoded with Implicit VR"
    ):
        extract_transfer_syntaxes(annex_a(wrong), registry)


# --- the real text -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def ps35() -> Document:
    return read_standard("2024c/part05.xml.xz")


@pytest.fixture(scope="module")
def registry_2024c() -> list[UID]:
    return extract_uids(read_standard("2024c/part06.chtml.tar.xz"))[0]


@pytest.mark.standard
def test_2024c_value_representations(ps35: Document) -> None:
    vrs, accounts = extract_value_representations(ps35)
    assert [(a.rows, a.compiled) for a in accounts] == [(34, 34)]
    by_code = {vr.code: vr for vr in vrs}
    assert (by_code["AE"].maximum_length, by_code["AE"].length_unit, by_code["AE"].padding) == (
        16,
        "bytes",
        " ",
    )
    assert (by_code["LO"].maximum_length, by_code["LO"].length_unit) == (64, "characters")
    assert by_code["UI"].padding == "\x00" and by_code["OB"].padding == "\x00"
    assert by_code["US"].fixed_length and by_code["US"].padding is None
    assert by_code["UT"].maximum_length == 2**32 - 2
    assert by_code["OD"].maximum_length == 2**32 - 8
    assert by_code["SQ"].maximum_length is None and by_code["UN"].maximum_length is None


@pytest.mark.standard
def test_2024c_transfer_syntaxes(ps35: Document, registry_2024c: list[UID]) -> None:
    syntaxes, accounts = extract_transfer_syntaxes(ps35, registry_2024c)
    assert [(a.rows, a.compiled) for a in accounts] == [(59, 59)]
    check = cross_check_transfer_syntaxes(ps35, registry_2024c)
    assert check.part05_only == ()
    # 17 retired syntaxes PS3.5 no longer describes, and the retired Papyrus 3 one.
    assert len(check.registry_only) == 18
    by_uid = {s.uid: s for s in syntaxes}
    assert not by_uid["1.2.840.10008.1.2"].explicit_vr
    assert not by_uid["1.2.840.10008.1.2.2"].little_endian
    assert by_uid["1.2.840.10008.1.2.4.50"].encapsulated
    assert by_uid["1.2.840.10008.1.2.4.50"].source.label == "Section A.4.1"
    assert not by_uid["1.2.840.10008.1.2.4.94"].encapsulated
    assert by_uid["1.2.840.10008.1.2.4.95"].deflated
    assert not by_uid["1.2.840.10008.1.20"].explicit_vr
