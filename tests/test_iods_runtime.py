"""The compiled IOD definitions (PS3.3 2024c, PS3.4 2024c) through :mod:`dicomstd.iods`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dicomstd import iods, registry
from dicomstd.generated import iod_index, uids
from dicomstd.specification import AnyAttributes, Attribute, Include


def test_iod_by_sop_class_name_and_table_id() -> None:
    ct = iods.iod_for_sop_class(uids.CTImageStorage)
    assert (ct.name, ct.table_id, ct.source) == ("CT Image", "table_A.3-1", "PS3.3 2024c Table A.3-1")
    assert iods.iod("ct image iod") is ct
    assert iods.iod("table_A.3-1") is ct
    assert iods.iod(uids.CTImageStorage + "\x00") is ct  # a UID as read, padded
    assert uids.CTImageStorage in ct.sop_classes
    with pytest.raises(KeyError, match="neither a SOP Class UID"):
        iods.iod("No Such Image")


def test_ct_image_modules_and_usage() -> None:
    usage = {m.module: m.usage for m in iods.iod("CT Image").modules}
    assert usage["Patient"] == "M"
    assert usage["CT Image"] == "M"
    assert usage["Clinical Trial Subject"] == "U"
    assert usage["Contrast/Bolus"] == "C"
    conditional = next(m for m in iods.iod("CT Image").modules if m.module == "Contrast/Bolus")
    assert "contrast" in conditional.condition.lower()


def test_enhanced_iods_have_functional_groups() -> None:
    enhanced_ct = iods.iod_for_sop_class(uids.EnhancedCTImageStorage)
    groups = {g.macro: g for g in enhanced_ct.functional_groups}
    assert groups["Pixel Measures"].usage == "M"
    assert all(iods.attribute_table(g.table_id) for g in enhanced_ct.functional_groups)


def test_patient_module_and_expansion_of_includes() -> None:
    patient = iods.attribute_table("table_C.7-1")
    assert (patient.name, patient.kind) == ("Patient", "module")
    first = patient.entries[0]
    assert isinstance(first, Attribute)
    assert (first.tag, first.keyword, first.type) == (0x00100010, "PatientName", "2")
    assert any(isinstance(e, Include) and e.table_id == "table_10-18" for e in patient.entries)
    expanded = {attribute.keyword: path for path, attribute in iods.expand(patient)}
    assert "IssuerOfPatientID" in expanded  # from the Issuer of Patient ID Macro
    assert [s.keyword for s in expanded["PatientName"]] == []
    nested = [a.keyword for path, a in iods.expand(patient) if path and path[0].keyword == "OtherPatientIDsSequence"]
    assert {"PatientID", "IssuerOfPatientID", "TypeOfPatientID"} <= set(nested)  # an included macro inside an Item


def test_value_sets_and_item_counts() -> None:
    general_series = iods.attribute_table("table_C.7-5a")
    modality = next(a for _, a in iods.expand(general_series) if a.keyword == "Modality")
    assert modality.type == "1" and modality.value_sets
    sequences_with_counts = [a for _, a in iods.expand(general_series) if a.item_count is not None]
    assert sequences_with_counts and all(a.keyword.endswith("Sequence") for a in sequences_with_counts)


def test_every_include_and_module_reference_resolves() -> None:
    for table_id in iod_index.ATTRIBUTE_TABLES:
        for _, attribute in iods.expand(iods.attribute_table(table_id)):
            assert attribute.tag >= 0
    for name in iods.iod_names():
        for usage in iods.iod(name).modules:
            if usage.table_id:
                iods.attribute_table(usage.table_id)


def test_sop_classes_are_sop_classes_of_the_registry() -> None:
    assert len(iod_index.SOP_CLASS_IODS) >= 175
    for uid in iod_index.SOP_CLASS_IODS:
        assert registry.lookup_uid(uid).uid_type == "SOP Class"


def test_every_attribute_has_a_keyword_except_the_ones_reported() -> None:
    missing = {
        (table_id, entry.tag)
        for table_id in iod_index.ATTRIBUTE_TABLES
        for _, entry in iods.expand(iods.attribute_table(table_id))
        if not entry.keyword
    }
    # Tags of PS3.3 2024c that neither PS3.6 2015b nor pydicom's dictionary defines; the
    # build lists them. Few, and never a whole table.
    assert len(missing) < 20, sorted(missing)


def test_placeholders_are_kept() -> None:
    placeholders = [
        entry
        for table_id in iod_index.ATTRIBUTE_TABLES
        for entry in iods.attribute_table(table_id).entries
        if isinstance(entry, AnyAttributes)
    ]
    assert placeholders and all(p.text for p in placeholders)


def test_one_iod_loads_only_its_own_tables() -> None:
    code = (
        "import sys, dicomstd.iods as i\n"
        "ct = i.iod('CT Image')\n"
        "[i.attribute_table(m.table_id) for m in ct.modules]\n"
        "print(sum(1 for m in sys.modules if m.startswith('dicomstd.generated.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = int(result.stdout)
    assert 20 < loaded < 60, loaded
