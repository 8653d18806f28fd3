"""PS3.4 SOP Class → IOD extraction (dicomstd.generator.extractors.part04).

Unit tests use invented tables; the tests marked ``standard`` read the 2024c CHTML (with
PS3.3 2024c for the IOD side) and the 2020c DocBook, each parsed once per module.
"""

from __future__ import annotations

import pytest

from conftest import require_publication
from dicomstd.errors import BuildError
from dicomstd.generator.document import Document
from dicomstd.generator.extractors.part03 import extract_information_object_definitions
from dicomstd.generator.extractors.part04 import extract_sop_classes, iods_of_sop_classes
from dicomstd.generator.iod_model import SOPClass
from dicomstd.generator.model import TableAccount
from document_factories import document, table, xref


def invented_ps34(uid: str = "1.2.840.99999.1.1", iod_cell: object = None) -> Document:
    iod = iod_cell if iod_cell is not None else (xref("sect_Z.1", "Widget Image IOD", "PS3.3"),)
    storage = table(
        "table_B.5-1",
        (
            "SOP Class Name",
            "SOP Class UID",
            "IOD Specification (defined in PS3.3)",
            "Specialization",
        ),
        [("Widget Image Storage", uid, iod, "")],  # type: ignore[list-item]
        caption="Standard SOP Classes",
    )
    query = table(
        "table_C.9-1",
        ("SOP Class Name", "SOP Class UID"),
        [("Widget Find", "1.2.840.99999.2.1")],
        caption="Widget Query SOP Classes",
    )
    return document("PS3.4", [storage, query])


def test_sop_classes_with_and_without_iod() -> None:
    classes, accounts = extract_sop_classes(invented_ps34())
    storage, query = classes
    assert (storage.uid, storage.iod, storage.iod_reference) == (
        "1.2.840.99999.1.1",
        "Widget Image",
        "sect_Z.1",
    )
    assert storage.source.citation == "PS3.4 2099z Table B.5-1"
    assert (query.iod, query.iod_reference, query.service) == ("", "", "Widget Query SOP Classes")
    assert [account.rows for account in accounts] == [1, 1]


def test_unresolved_olink_gives_the_section_only() -> None:
    # DocBook olinks into PS3.3 come without text: the cell shows the target id.
    classes, _ = extract_sop_classes(
        invented_ps34(iod_cell=(xref("sect_Z.1", "sect_Z.1", "PS3.3"),))
    )
    assert (classes[0].iod, classes[0].iod_reference_label) == ("", "Section Z.1")


def test_bad_rows_fail_naming_the_table() -> None:
    with pytest.raises(BuildError, match=r"table_B.5-1\) body row 1: expected a SOP Class"):
        extract_sop_classes(invented_ps34(uid="not a uid"))
    with pytest.raises(BuildError, match="does not refer to PS3.3"):
        extract_sop_classes(invented_ps34(iod_cell="Widget Image IOD"))
    with pytest.raises(BuildError, match="has no Table B.5-1"):
        extract_sop_classes(document("PS3.4"))
    with pytest.raises(BuildError, match="expected PS3.4"):
        extract_sop_classes(document("PS3.3"))


@pytest.fixture(scope="module")
def ps34_2024c() -> tuple[list[SOPClass], list[TableAccount]]:
    from dicomstd.generator.publications import read_publication

    return extract_sop_classes(read_publication(require_publication("2024c/part04.chtml.tar.xz")))


@pytest.mark.standard
def test_2024c_sop_classes_find_their_iods(
    ps34_2024c: tuple[list[SOPClass], list[TableAccount]],
) -> None:
    from dicomstd.generator.publications import read_publication

    classes, accounts = ps34_2024c
    with_iod = [sop_class for sop_class in classes if sop_class.iod_reference]
    # Table B.5-1 (166) and Table GG.3-1 (9): the 175 storage SOP Classes of an independent
    # 2024b extraction; plus Media Storage Directory (I.4-1) and Inventory Creation (KK.1-2).
    assert sum(1 for c in with_iod if c.source.table_id in ("table_B.5-1", "table_GG.3-1")) == 175
    assert len(with_iod) == 177
    assert len({c.uid for c in classes}) == len({(c.uid, c.iod_reference) for c in classes})
    ps33, _ = extract_information_object_definitions(
        read_publication(require_publication("2024c/part03.chtml.tar.xz"))
    )
    iods = iods_of_sop_classes(classes, ps33)
    assert len(iods) == 177, "every SOP Class naming an IOD finds it in PS3.3"
    assert iods["1.2.840.10008.5.1.4.1.1.2"].name == "CT Image"
    assert iods["1.2.840.10008.5.1.4.1.1.2.1"].name == "Enhanced CT Image"
    assert iods["1.2.840.10008.1.3.10"].name == "Basic Directory"


@pytest.mark.standard
def test_2020c_docbook_path() -> None:
    from dicomstd.generator.publications import read_publication

    classes, _ = extract_sop_classes(read_publication(require_publication("2020c/part04.xml.xz")))
    ct = next(c for c in classes if c.uid == "1.2.840.10008.5.1.4.1.1.2")
    assert ct.iod_reference == "sect_A.3" and ct.source.edition == "2020c"
    assert sum(1 for c in classes if c.iod_reference) >= 150
