"""PS3.3 extraction: IODs, modules, macros, functional groups (dicomstd.generator.extractors.part03).

Unit tests use small invented tables (never NEMA's text); the tests marked ``standard``
read the real 2024c CHTML and the 2016c DocBook excerpt, each parsed once per module.
"""

from __future__ import annotations

import json
import time
from typing import Sequence

import pytest

from conftest import require_publication
from dicomstd.errors import BuildError
from dicomstd.generator.document import (
    Cell,
    DefinitionEntry,
    DefinitionList,
    Document,
    Paragraph,
    Row,
    Table,
    Text,
)
from dicomstd.generator.extractors.part03 import (
    ExceptionRow,
    classify_table,
    extract_information_object_definitions,
    format_summary,
    load_exceptions,
    parse_context_groups,
    parse_item_count,
)
from dicomstd.generator.iod_model import (
    AnyAttributes,
    AttributeSpec,
    Include,
    Part03Model,
    part03_to_json,
)
from dicomstd.generator.model import TableAccount
from document_factories import cell, document, paragraph, row, section, xref

ATTRIBUTE_HEADER = ("Attribute Name", "Tag", "Type", "Attribute Description")


def spanning_row(row_index: int, width: int, first: Cell, *rest: Cell) -> Row:
    """A row whose first cell spans ``width - len(rest)`` columns (an Include row)."""
    span = width - len(rest)
    lead = Cell(first.blocks, colspan=span)
    copies = tuple(Cell(first.blocks, colspan=span, origin=(row_index, 0)) for _ in range(span - 1))
    return Row((lead, *copies, *rest))


def attribute_table(
    table_id: str,
    caption: str,
    section_id: str,
    rows: Sequence[Row],
    header: Sequence[str] = ATTRIBUTE_HEADER,
) -> Table:
    return Table(
        id=table_id,
        label=table_id.removeprefix("table_"),
        caption=caption,
        section_id=section_id,
        header_rows=(row(*header),),
        body_rows=tuple(rows),
        column_count=len(header),
        markup_row_count=1 + len(rows),
    )


def include_cell(depth: int, target: str, title: str, tail: str = "") -> Cell:
    return Cell(
        (
            paragraph(
                ">" * depth + "Include ",
                xref(target, "Table " + target.removeprefix("table_")),
                f" “{title}”{tail}",
            ),
        )
    )


def value_list(label: str, *values: str) -> tuple[Paragraph | DefinitionList, ...]:
    return (
        paragraph(label),
        DefinitionList(tuple(DefinitionEntry((Text(value),), ()) for value in values)),
    )


def invented_ps33(
    *, extra_rows: Sequence[Row] = (), include_target: str = "table_Z.2-1"
) -> Document:
    """An invented PS3.3: a Widget Image IOD, its module, a macro, a functional group."""
    iod = Table(
        id="table_Z.1-1",
        label="Z.1-1",
        caption="Widget Image IOD Modules",
        section_id="sect_Z.1.3",
        header_rows=(row("IE", "Module", "Reference", "Usage"),),
        body_rows=(
            row("Thing", "Widget", (xref("sect_Z.10", "Z.10"),), "M"),
            Row(
                (
                    Cell((paragraph("Thing"),), origin=(0, 0)),
                    cell("Widget Extras"),
                    cell((xref("sect_Z.11", "Z.11"),)),
                    cell("C - Required if extras were attached."),
                )
            ),
        ),
        column_count=4,
        markup_row_count=3,
    )
    groups = Table(
        id="table_Z.1-2",
        label="Z.1-2",
        caption="Widget Image Functional Group Macros",
        section_id="sect_Z.1.4",
        header_rows=(row("Functional Group Macro", "Section", "Usage"),),
        body_rows=(
            row(
                "Gadget",
                (xref("sect_Z.12", "Z.12"),),
                "M - May not be used as a Shared Functional Group.",
            ),
            row("Gizmo", (xref("sect_Z.12", "Z.12"),), "U"),
        ),
        column_count=3,
        markup_row_count=3,
    )
    module_rows: list[Row] = [
        spanning_row(0, 4, cell("WIDGET HEADING")),
        row(
            "Widget Colour",
            "(7777,0010)",
            "1",
            Cell(value_list("Enumerated Values:", "RED", "BLUE")),
        ),
        row(
            "Widget Part Sequence",
            "(7777,0020)",
            "2",
            "Parts of the widget. One or more Items shall be included in this Sequence.",
        ),
        row(
            ">Part Label",
            "(7777,0021)",
            "1C",
            "Label. Required if labelled. DCID 9999 “Invented Labels”.",
        ),
        spanning_row(4, 4, include_cell(1, include_target, "Gadget Macro Attributes")),
        row(
            ">>Sub Part Code Sequence",
            "(7777,0022)",
            "3",
            "Only a single Item is permitted in this Sequence.",
        ),
        Row(
            (
                include_cell(3, "table_Z.3-1", "Code Macro Attributes"),
                Cell(include_cell(3, "table_Z.3-1", "").blocks, origin=(6, 0), colspan=3),
                Cell(include_cell(3, "table_Z.3-1", "").blocks, origin=(6, 0), colspan=3),
                cell("BCID 4242 “Invented Codes”."),
            )
        ),
        row("Overlay Thing", "(60xx,0099)", "3", "Repeating group."),
        *extra_rows,
    ]
    module = attribute_table("table_Z.10-1", "Widget Module Attributes", "sect_Z.10", module_rows)
    extras = attribute_table(
        "table_Z.11-1",
        "Widget Extras Module Attributes",
        "sect_Z.11",
        [row("Extra Count", "(7777,0030)", "3", "How many.")],
    )
    gadget = attribute_table(
        "table_Z.2-1",
        "Gadget Macro Attributes",
        "sect_Z.12",
        [
            row("Gadget Value", "(7777,0040)", "1", "A value."),
            row("Gadget Sequence", "(7777,0041)", "1", "Zero or more Items shall be included."),
        ],
    )
    code = attribute_table(
        "table_Z.3-1",
        "Code Macro Attributes",
        "sect_Z.13",
        [row("Code Thing", "(7777,0050)", "1", "A code.")],
    )
    sections = [
        section("sect_Z.1", "Widget Image IOD", table_ids=()),
        section(
            "sect_Z.1.3",
            "Widget Image IOD Module Table",
            parent_id="sect_Z.1",
            table_ids=("table_Z.1-1",),
        ),
        section(
            "sect_Z.1.4",
            "Widget Image Functional Group Macros",
            parent_id="sect_Z.1",
            table_ids=("table_Z.1-2",),
        ),
        section("sect_Z.10", "Widget Module", table_ids=("table_Z.10-1",)),
        section("sect_Z.11", "Widget Extras Module"),
        section(
            "sect_Z.11.1",
            "Widget Extras Module Attributes",
            parent_id="sect_Z.11",
            table_ids=("table_Z.11-1",),
        ),
        section("sect_Z.12", "Gadget Macro", table_ids=("table_Z.2-1",)),
        section("sect_Z.13", "Code Macro", table_ids=("table_Z.3-1",)),
    ]
    return document("PS3.3", [iod, groups, module, extras, gadget, code], sections)


def extract(doc: Document, **options: object) -> tuple[Part03Model, list[TableAccount]]:
    return extract_information_object_definitions(doc, exceptions=(), **options)  # type: ignore[arg-type]


# --- unit tests on invented tables ---------------------------------------------------------


def test_iod_module_rows_with_usage_condition_and_resolved_table() -> None:
    model, _ = extract(invented_ps33())
    iod = model.iod_by_name("Widget Image")
    assert iod.kind == "composite" and iod.section_id == "sect_Z.1"
    first, second = iod.modules
    assert (first.information_entity, first.module, first.usage, first.table_id) == (
        "Thing",
        "Widget",
        "M",
        "table_Z.10-1",
    )
    # The Reference names a section; the attribute table sits in its subsection.
    assert second.table_id == "table_Z.11-1"
    assert (second.usage, second.condition) == ("C", "Required if extras were attached.")
    assert second.source.citation == "PS3.3 2099z Table Z.1-1" and second.row == 2


def test_functional_groups_belong_to_their_iod_with_placement() -> None:
    model, _ = extract(invented_ps33())
    iod = model.iods["table_Z.1-1"]
    assert iod.functional_group_table_id == "table_Z.1-2"
    gadget, gizmo = iod.functional_groups
    assert (gadget.usage, gadget.placement, gadget.table_id) == ("M", "per-frame", "table_Z.2-1")
    assert (gizmo.usage, gizmo.placement) == ("U", "any")
    assert set(model.functional_group_macros()) == {"table_Z.2-1"}


def test_nesting_includes_and_value_constraints() -> None:
    model, accounts = extract(invented_ps33())
    module = model.tables["table_Z.10-1"]
    assert module.kind == "module" and module.headings == ("WIDGET HEADING",)
    colour, parts, overlay = module.entries
    assert isinstance(colour, AttributeSpec)
    assert colour.value_sets[0].kind == "enumerated"
    assert colour.value_sets[0].values == ("RED", "BLUE")
    assert isinstance(parts, AttributeSpec) and parts.type == "2"
    assert parts.item_count is not None and (
        parts.item_count.minimum,
        parts.item_count.maximum,
    ) == (1, None)
    label, gadget_include = parts.items
    assert isinstance(label, AttributeSpec) and label.depth == 1 and label.type == "1C"
    assert label.context_groups[0].cid == 9999 and label.context_groups[0].strength == "defined"
    assert isinstance(gadget_include, Include) and gadget_include.target == "table_Z.2-1"
    assert gadget_include.depth == 1 and gadget_include.qualifier == ""
    # The row one '>' deeper after the include extends the included macro's last Sequence.
    (sub_part,) = gadget_include.items
    assert isinstance(sub_part, AttributeSpec)
    assert sub_part.item_count is not None and sub_part.item_count.maximum == 1
    (code_include,) = sub_part.items
    assert isinstance(code_include, Include)
    assert code_include.qualifier == "BCID 4242 “Invented Codes”."
    assert [(group.cid, group.strength, group.name) for group in code_include.context_groups] == [
        (4242, "baseline", "Invented Codes")
    ]
    assert isinstance(overlay, AttributeSpec) and (overlay.tag, overlay.tag_mask) == (
        "60xx,0099",
        0xFF00FFFF,
    )
    account = next(account for account in accounts if account.source.table_id == "table_Z.10-1")
    assert account.rows == 8 and account.compiled == 7 and account.skipped == (("heading row", 1),)


def test_expand_resolves_macros_once_by_reference() -> None:
    model, _ = extract(invented_ps33())
    expanded = [
        (*(parent.tag for parent in path), spec.tag) for path, spec in model.expand("table_Z.10-1")
    ]
    assert ("7777,0020", "7777,0040") in expanded  # macro attribute inside the Item
    assert ("7777,0020", "7777,0041", "7777,0022") in expanded
    assert ("7777,0020", "7777,0041", "7777,0022", "7777,0050") in expanded
    # The macro is stored once, referred to by id.
    payload = json.loads(part03_to_json(model))
    assert payload["tables"]["table_Z.2-1"]["kind"] == "macro"
    assert "Gadget Value" not in json.dumps(payload["tables"]["table_Z.10-1"])


def test_summary_counts() -> None:
    model, accounts = extract(invented_ps33())
    summary = model.summary()
    assert summary["iods"] == 1 and summary["modules"] == 2 and summary["macros"] == 2
    assert summary["includes"] == 2 and summary["maximum nesting depth"] == 3
    assert "includes: 2" in format_summary(model, accounts)


def test_unrecognised_row_fails_naming_table_and_row() -> None:
    odd = row("A sentence that is no attribute", "", "", "")
    with pytest.raises(BuildError, match=r"Table Z.10-1 \(table_Z.10-1\) body row 9: unrecognised"):
        extract(invented_ps33(extra_rows=[odd]))


def test_unrecognised_row_in_the_exception_list_is_accounted_for() -> None:
    odd = row("A sentence that is no attribute", "", "", "")
    exceptions = (ExceptionRow("table_Z.10-1", "A sentence", "invented for the test"),)
    model, accounts = extract_information_object_definitions(
        invented_ps33(extra_rows=[odd]), exceptions=exceptions
    )
    assert model.exceptions_used == [("table_Z.10-1", 9, "invented for the test")]
    account = next(account for account in accounts if account.source.table_id == "table_Z.10-1")
    assert ("exception: invented for the test", 1) in account.skipped
    assert account.rows == account.compiled + sum(count for _, count in account.skipped)


def test_include_of_a_missing_table_fails_naming_the_table() -> None:
    with pytest.raises(
        BuildError, match=r"table_Z.10-1.*refers to table_Z.9-9, which PS3.3 2099z does not hold"
    ):
        extract(invented_ps33(include_target="table_Z.9-9"))
    model, _ = extract(invented_ps33(include_target="table_Z.9-9"), allow_missing_targets=True)
    assert model.unresolved_includes == [("table_Z.10-1", 5, "table_Z.9-9")]


def test_missing_column_fails_naming_the_table() -> None:
    doc = invented_ps33()
    broken = doc.tables["table_Z.10-1"]
    narrow = Table(
        id=broken.id,
        label=broken.label,
        caption=broken.caption,
        section_id=broken.section_id,
        header_rows=(row("Attribute Name", "Tag", "Type"),),
        body_rows=tuple(Row(r.cells[:3]) for r in broken.body_rows),
        column_count=3,
        markup_row_count=broken.markup_row_count,
    )
    doc.tables[broken.id] = narrow
    with pytest.raises(BuildError, match=r"\(table_Z.10-1\) has columns"):
        extract(doc)


def test_bad_usage_and_nesting_jump_fail() -> None:
    doc = invented_ps33()
    iod = doc.tables["table_Z.1-1"]
    bad = Row(iod.body_rows[0].cells[:3] + (cell("Sometimes"),))
    doc.tables[iod.id] = Table(
        iod.id, iod.label, iod.caption, iod.section_id, iod.header_rows, (bad,), 4, 2
    )
    with pytest.raises(BuildError, match=r"table_Z.1-1\) body row 1: Usage 'Sometimes'"):
        extract(doc)
    jump = row(">>Lost Attribute", "(7777,0060)", "3", "Too deep.")
    with pytest.raises(BuildError, match=r"body row 9: nesting jumps to depth 2"):
        extract(invented_ps33(extra_rows=[jump]))


def test_classify_and_placeholders() -> None:
    doc = invented_ps33(
        extra_rows=[
            Row(
                (
                    Cell((paragraph("Any Attribute of the invented IE"),), colspan=2),
                    Cell(
                        (paragraph("Any Attribute of the invented IE"),), colspan=2, origin=(8, 0)
                    ),
                    cell("3"),
                    cell(""),
                )
            )
        ]
    )
    model, _ = extract(doc)
    assert isinstance(model.tables["table_Z.10-1"].entries[-1], AnyAttributes)
    assert classify_table(doc.tables["table_Z.1-2"]) == "functional groups"
    with pytest.raises(BuildError, match="expected PS3.3"):
        extract(document("PS3.4"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Only a single Item shall be included in this Sequence.", (1, 1)),
        ("Only a single Item is permitted in this Sequence.", (0, 1)),
        ("One or more Items shall be included in this Sequence.", (1, None)),
        ("Zero or more Items shall be included in this Sequence.", (0, None)),
        ("One or two Items shall be included.", (1, 2)),
        ("Two Items shall be included in this Sequence.", (2, 2)),
        ("A plain description.", None),
    ],
)
def test_item_counts(text: str, expected: tuple[int, int | None] | None) -> None:
    count = parse_item_count(text)
    assert (None if count is None else (count.minimum, count.maximum)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shall have a value of 1.", ("1",)),
        ("This Attribute shall have the value YES when invented.", ("YES",)),
        ("Shall have the value: 0000H = invented.", ("0000H",)),
        ("shall have the value 1.2.3.4.", ("1.2.3.4",)),
        ("shall have a value greater than zero.", ()),
    ],
)
def test_fixed_values(text: str, expected: tuple[str, ...]) -> None:
    doc = invented_ps33(extra_rows=[row("Fixed Thing", "(7777,0070)", "1", text)])
    spec = extract(doc)[0].tables["table_Z.10-1"].entries[-1]
    assert isinstance(spec, AttributeSpec) and spec.fixed_values == expected


def test_context_group_forms() -> None:
    groups = parse_context_groups(
        "BCID 7 “A”. Defined CID 12. DCID 7 again; Enumerated CID 5; CID 2."
    )
    assert [(group.cid, group.strength) for group in groups] == [
        (7, "baseline"),
        (12, "defined"),
        (5, "enumerated"),
        (2, ""),
    ]


def test_committed_exception_list_is_well_formed() -> None:
    rows = load_exceptions()
    assert rows and all(row.reason and row.table.startswith("table_") for row in rows)
    with pytest.raises(BuildError, match="lacks 'reason'"):
        load_exceptions('[[row]]\ntable = "table_X"\nstarts_with = "x"\n')


# --- the real publications -----------------------------------------------------------------


@pytest.fixture(scope="module")
def ps33_2024c() -> tuple[Part03Model, list[TableAccount], float]:
    from dicomstd.generator.publications import read_publication

    path = require_publication("2024c/part03.chtml.tar.xz")
    document = read_publication(path)
    started = time.perf_counter()
    model, accounts = extract_information_object_definitions(document)
    return model, accounts, time.perf_counter() - started


@pytest.fixture(scope="module")
def ps33_2016c() -> tuple[Part03Model, list[TableAccount]]:
    from dicomstd.generator.publications import read_publication

    path = require_publication("2016c/part03-excerpt.xml.xz")
    # An excerpt: includes of tables it does not hold are recorded, not fatal.
    return extract_information_object_definitions(
        read_publication(path), allow_missing_targets=True
    )


@pytest.mark.standard
def test_2024c_counts(ps33_2024c: tuple[Part03Model, list[TableAccount], float]) -> None:
    model, accounts, seconds = ps33_2024c
    summary = model.summary()
    print(format_summary(model, accounts), f"\n  extraction: {seconds:.2f} s")
    # 171 Composite IODs, as in an independent 2024b extraction; 17 Annex B normalized IODs
    # and the Basic Directory IOD of Annex F.
    assert summary["composite iods"] == 171
    assert summary["normalized iods"] == 18
    assert summary["modules"] == 403 and summary["macros"] == 302
    assert summary["directory records"] == 31
    assert summary["functional group macros"] >= 100
    assert summary["attribute rows"] > 8000 and summary["includes"] > 1400
    assert summary["maximum nesting depth"] >= 5
    assert sum(len(iod.modules) for iod in model.iods.values() if iod.kind == "composite") == 3269
    assert sum(1 for iod in model.iods.values() if iod.functional_group_table_id) == 31
    assert seconds < 5


@pytest.mark.standard
def test_2024c_every_row_accounted_and_exceptions_short(
    ps33_2024c: tuple[Part03Model, list[TableAccount], float],
) -> None:
    model, accounts, _ = ps33_2024c
    for account in accounts:
        assert account.rows == account.compiled + sum(count for _, count in account.skipped)
    assert not model.unresolved_includes
    used = {(table, reason) for table, _, reason in model.exceptions_used}
    committed = {(row.table, row.reason) for row in load_exceptions()}
    assert used == committed, "every committed exception is needed, none is missing"
    assert len(model.exceptions_used) <= 10


@pytest.mark.standard
def test_2024c_ct_image_and_enhanced_ct(
    ps33_2024c: tuple[Part03Model, list[TableAccount], float],
) -> None:
    model, _, _ = ps33_2024c
    ct = model.iod_by_name("CT Image")
    assert ct.table_id == "table_A.3-1"
    usage = {row.module: row.usage for row in ct.modules}
    assert usage["Patient"] == "M" and usage["Contrast/Bolus"] == "C"
    enhanced = model.iod_by_name("Enhanced CT Image")
    placements = {row.macro: row.placement for row in enhanced.functional_groups}
    assert placements["Frame Content"] == "per-frame" and placements["Pixel Measures"] == "any"
    patient = model.tables["table_C.7-1"]
    sex = next(e for e in patient.walk() if isinstance(e, AttributeSpec) and e.tag == "0010,0040")
    assert sex.type == "2" and set(sex.value_sets[0].values) == {"M", "F", "O"}
    # Every Include names a table PS3.3 holds.
    for table in model.tables.values():
        for entry in table.walk():
            if isinstance(entry, Include):
                assert entry.target in model.tables


@pytest.mark.standard
def test_2016c_excerpt_ct_image(ps33_2016c: tuple[Part03Model, list[TableAccount]]) -> None:
    model, accounts = ps33_2016c
    print(format_summary(model, accounts))
    ct = model.iod_by_name("CT Image")
    assert ct.section_id == "sect_A.3" and len(ct.modules) == 20
    assert all(row.table_id for row in ct.modules)
    ct_module = next(row for row in ct.modules if row.module == "CT Image")
    attributes = [
        e for e in model.tables[ct_module.table_id].walk() if isinstance(e, AttributeSpec)
    ]
    assert any(e.tag == "0018,0060" for e in attributes)  # KVP
    assert model.summary()["composite iods"] == 4


# --- the Value a list of values is for ----------------------------------------------------------


def test_value_number_from_the_paragraph_before_an_untitled_list() -> None:
    from dicomstd.generator.document import ItemList
    from dicomstd.generator.extractors.part03 import _value_sets
    from dicomstd.generator.model import SourceReference

    source = SourceReference("PS3.3", "2024c", "sect_C.7.6.1.1.2", "Section C.7.6.1.1.2")

    def titled(title: str, *values: str) -> DefinitionList:
        return DefinitionList(
            tuple(DefinitionEntry((Text(value),), ()) for value in values), title=title
        )

    # PS3.3 C.7.6.1.1.2 (Image Type): "Value 1 shall identify ..." then "Enumerated Values:".
    blocks = (
        paragraph(
            "The Image Type Attribute is multi-valued and shall be provided in the following manner:"
        ),
        ItemList(
            (
                (
                    paragraph("Value 1 shall identify the Pixel Data Characteristics"),
                    titled("Enumerated Values:", "ORIGINAL", "DERIVED"),
                ),
                (
                    paragraph("Value 2 shall identify the Patient Examination Characteristics"),
                    titled("Enumerated Values:", "PRIMARY", "SECONDARY"),
                ),
                (paragraph("Value 3 shall identify any Image IOD specific specialization"),),
            )
        ),
        # Table C.8-60 (Series Type): the Value in the list's own title.
        titled("Value 1 Enumerated Values:", "STATIC", "DYNAMIC"),
        # A paragraph ending "for Value N:" before an untitled list.
        *value_list("Defined Terms for Value 3:", "AXIAL", "LOCALIZER"),
        # No Value named (the view decides, PS3.3 10.20.1.1): every Value.
        paragraph("If View Code Sequence (0054,0220) indicates a short axis view:"),
        titled("Enumerated Values", "APEX_TO_BASE", "BASE_TO_APEX"),
        # A range of Values is not one Value.
        paragraph("Value 3 and 4 shall be one of:"),
        titled("Defined Terms:", "A", "B"),
    )
    found = [(v.kind, v.value_number, v.values[0]) for v in _value_sets(blocks, source)]
    assert found == [
        ("enumerated", 1, "ORIGINAL"),
        ("enumerated", 2, "PRIMARY"),
        ("enumerated", 1, "STATIC"),
        ("defined", 3, "AXIAL"),
        ("enumerated", None, "APEX_TO_BASE"),
        ("defined", None, "A"),
    ]


@pytest.mark.standard
def test_2024c_image_type_and_series_type_value_numbers(
    ps33_2024c: tuple[Part03Model, list[TableAccount], float],
) -> None:
    model, _, _ = ps33_2024c

    def value_sets(table_id: str, tag: str) -> list[tuple[int | None, tuple[str, ...]]]:
        spec = next(
            e
            for e in model.tables[table_id].walk()
            if isinstance(e, AttributeSpec) and e.tag == tag
        )
        return [(v.value_number, v.values) for v in spec.value_sets]

    image_type = value_sets("table_C.7-9", "0008,0008")  # General Image, via C.7.6.1.1.2
    assert (1, ("ORIGINAL", "DERIVED")) in image_type
    assert (2, ("PRIMARY", "SECONDARY")) in image_type
    series_type = value_sets("table_C.8-60", "0054,1000")  # PET Series
    assert series_type[0][0] == 1 and "STATIC" in series_type[0][1]
    assert series_type[1] == (2, ("IMAGE", "REPROJECTION"))
