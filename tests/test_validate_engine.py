"""Unit tests of the validation engine on small Data Sets built here (no files)."""

from __future__ import annotations

import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

import dicomstd
from dicomstd.validate import Report, Severity, validate
from dicomstd.validate.engine import validate_dataset
from dicomstd.validate.findings import RULES, chtml_page

CT = "1.2.840.10008.5.1.4.1.1.2"
ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1"


def _ct() -> Dataset:
    """A CT Image with every unconditional Type 1 and 2 Attribute of its Mandatory Modules."""
    ds = Dataset()
    ds.SOPClassUID = CT
    ds.SOPInstanceUID = "1.2.3.4.5"
    ds.PatientName = "Doe^Jane"
    ds.PatientID = "123"
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "F"
    ds.StudyInstanceUID = "1.2.3.4"
    ds.StudyDate = "20240101"
    ds.StudyTime = "120000"
    ds.ReferringPhysicianName = ""
    ds.StudyID = "1"
    ds.AccessionNumber = ""
    ds.Modality = "CT"
    ds.SeriesInstanceUID = "1.2.3.4.1"
    ds.SeriesNumber = "1"
    ds.FrameOfReferenceUID = "1.2.3.4.2"
    ds.PositionReferenceIndicator = ""
    ds.Manufacturer = "ACME"
    ds.InstanceNumber = "1"
    ds.PatientOrientation = ""
    ds.PatientPosition = "HFS"  # Type 2C: required for CT without Patient Orientation Code Sequence
    ds.ContentDate = "20240101"
    ds.ContentTime = "120000"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.PixelSpacing = [0.5, 0.5]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.ImagePositionPatient = [0, 0, 0]
    ds.SliceThickness = "1.0"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = 2
    ds.Columns = 2
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.RescaleIntercept = "0"
    ds.RescaleSlope = "1"
    ds.RescaleType = "HU"
    ds.KVP = "120"
    ds.AcquisitionNumber = "1"
    ds.PixelData = b"\0" * 8
    return ds


def _rules(report: Report, severity: Severity | None = None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in report.findings:
        if severity is None or finding.severity is severity:
            found.setdefault(finding.rule, []).append(finding.path)
    return found


def test_complete_ct_has_no_error() -> None:
    report = validate(_ct())
    errors = _rules(report, Severity.ERROR)
    assert errors == {}, errors
    assert report.ok and report.exit_code == 0
    assert report.files[0].iod == "CT Image"


def test_missing_type1_and_type2_and_empty_type1() -> None:
    ds = _ct()
    del ds.Rows
    del ds.PatientSex
    ds.SOPInstanceUID = ""
    rules = _rules(validate(ds))
    assert "Rows" in rules["type1-missing"]
    assert "PatientSex" in rules["type2-missing"]
    assert "SOPInstanceUID" in rules["type1-empty"]


def test_finding_carries_tag_module_and_nema_reference() -> None:
    ds = _ct()
    del ds.PatientSex
    finding = next(f for f in validate(ds).findings if f.rule == "type2-missing")
    assert finding.tag == "(0010,0040)"
    assert finding.module == "Patient"
    assert finding.reference is not None
    assert finding.reference.url == (
        "https://dicom.nema.org/medical/dicom/2024c/output/chtml/part03/sect_C.7.html#table_C.7-1"
    )


def test_enumerated_value_per_value_number_and_defined_term() -> None:
    ds = _ct()
    ds.ImageType = ["ORIGINAL", "BOGUS", "AXIAL"]  # Value 2: PRIMARY or SECONDARY
    ds.PatientSex = "X"  # Enumerated Values M, F, O
    rules = _rules(validate(ds))
    assert "ImageType[value 2]" in rules["enumerated-value"]
    assert "PatientSex" in rules["enumerated-value"]
    assert not any("value 3" in path for path in rules["enumerated-value"])


def test_value_formats_and_lengths() -> None:
    ds = _ct()
    ds.StudyDate = "2024-01-01"
    ds.StudyTime = "25:00"
    ds.SeriesInstanceUID = "1.02.3"
    ds.StudyID = "X" * 20  # SH: 16 characters
    rules = _rules(validate(ds))
    assert {"StudyDate", "StudyTime", "SeriesInstanceUID"} <= set(rules["value-format"])
    assert "StudyID" in rules["value-length"]


def test_vm_mismatch() -> None:
    ds = _ct()
    ds.PixelSpacing = [0.5, 0.5, 0.5]  # VM 2
    assert "PixelSpacing" in _rules(validate(ds))["vm-mismatch"]


def test_type1c_condition_true_false_and_unknown() -> None:
    ds = _ct()
    # Image Pixel: Pixel Data is 1C "Required if Pixel Data Provider URL is not present".
    del ds.PixelData
    rules = _rules(validate(ds))
    assert "PixelData" in rules["type1c-missing"]
    # A condition on what the data cannot show: not verifiable, with its text.
    finding = next(
        f
        for f in validate(_ct()).findings
        if f.rule == "not-verifiable" and f.path == "PatientSpeciesDescription"
    )
    assert finding.severity is Severity.NOT_VERIFIABLE
    assert "non-human" in finding.condition


def test_sequence_recursion_paths_and_item_count() -> None:
    ds = _ct()
    item = Dataset()
    item.ReferencedSOPClassUID = CT  # ReferencedSOPInstanceUID (Type 1) missing
    ds.ReferencedPatientSequence = Sequence([item, Dataset()])  # at most one Item
    rules = _rules(validate(ds))
    assert "ReferencedPatientSequence[0].ReferencedSOPInstanceUID" in rules["type1-missing"]
    assert "ReferencedPatientSequence" in rules["item-count"]


def test_undefined_retired_private_without_creator() -> None:
    ds = _ct()
    ds.add_new(0x00091010, "LO", "orphan")  # private, no creator (0009,0010)
    ds.add_new(0x00080040, "US", 1)  # Data Set Type... retired (PS3.6)
    ds.add_new(0x00189087, "FD", 1000.0)  # Diffusion b-value: not in the CT Image IOD
    rules = _rules(validate(ds))
    assert "(0009,1010)" in rules["private-without-creator"]
    assert "DataSetType" in rules["retired-attribute"]
    assert "DiffusionBValue" in rules["undefined-attribute"]


def test_unknown_and_missing_sop_class() -> None:
    ds = _ct()
    ds.SOPClassUID = "1.2.3.999"
    report = validate(ds)
    assert "unknown-sop-class" in _rules(report)
    del ds.SOPClassUID
    assert "unknown-sop-class" in _rules(validate(ds))


def test_iod_override() -> None:
    ds = _ct()
    ds.SOPClassUID = "1.2.3.999"
    report = validate(ds, iod="CT Image")
    assert report.files[0].iod == "CT Image"
    assert "unknown-sop-class" not in _rules(report)
    with pytest.raises(KeyError):
        validate(ds, iod="No Such IOD")


def test_file_meta_consistency() -> None:
    ds = _ct()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CT
    meta.MediaStorageSOPInstanceUID = "9.9.9"  # differs from SOP Instance UID
    meta.TransferSyntaxUID = "1.2.3.4"  # not a Transfer Syntax
    ds.file_meta = meta
    messages = [f.message for f in validate(ds).findings if f.rule == "file-meta"]
    assert any("differs from SOPInstanceUID" in m for m in messages)
    assert any("not a Transfer Syntax" in m for m in messages)
    assert any("ImplementationClassUID" in m for m in messages)


def test_module_usage_conditional_and_missing() -> None:
    ds = _ct()
    for keyword in ("FrameOfReferenceUID", "PositionReferenceIndicator"):
        delattr(ds, keyword)
    findings = validate(ds).findings
    assert any(f.rule == "module-missing" and f.module == "Frame of Reference" for f in findings)
    # Usage C with a condition the data cannot show: not verifiable, never an error.
    assert any(
        f.rule == "not-verifiable" and f.module == "Contrast/Bolus" and f.condition
        for f in findings
    )


def _enhanced_ct(frames: int) -> Dataset:
    ds = _ct()
    ds.SOPClassUID = ENHANCED_CT
    ds.NumberOfFrames = frames
    shared = Dataset()
    measures = Dataset()
    measures.PixelSpacing = [0.5, 0.5]
    measures.SliceThickness = "1"
    shared.PixelMeasuresSequence = Sequence([measures])
    frame_type = Dataset()
    frame_type.FrameType = ["ORIGINAL", "PRIMARY", "AXIAL", "NONE"]
    shared.CTImageFrameTypeSequence = Sequence([frame_type])
    per_frame = []
    for index in range(frames):
        item = Dataset()
        position = Dataset()
        if index != 1:
            position.ImagePositionPatient = [0, 0, index]
        item.PlanePositionSequence = Sequence([position])
        content = Dataset()
        content.FrameAcquisitionNumber = index
        if index == 2:
            content.FrameAcquisitionDateTime = "2024-01-01"
        item.FrameContentSequence = Sequence([content])
        per_frame.append(item)
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    return ds


def test_functional_groups_per_frame_paths_and_usage() -> None:
    ds = _enhanced_ct(3)
    report = validate(ds)
    rules = _rules(report)
    # Inside each frame's Items, with the frame's path: a bad value in frame 3, and the
    # Type 1C Image Position (Patient) absent in frame 2, where its condition (Frame Type
    # Value 1 of this frame is ORIGINAL, from the Shared Item) holds.
    assert (
        "PerFrameFunctionalGroupsSequence[2].FrameContentSequence[0].FrameAcquisitionDateTime"
        in rules["value-format"]
    )
    where = "PerFrameFunctionalGroupsSequence[1].PlanePositionSequence[0].ImagePositionPatient"
    assert where in rules["type1c-missing"]
    # Mandatory Plane Orientation Functional Group: absent for every frame.
    assert any(
        f.rule == "functional-group-missing" and f.module == "Plane Orientation (Patient)"
        for f in report.findings
    )
    # Frame Content may not be Shared.
    shared_item = ds.SharedFunctionalGroupsSequence[0]
    shared_item.FrameContentSequence = ds.PerFrameFunctionalGroupsSequence[0].FrameContentSequence
    placement = _rules(validate(ds))["functional-group-placement"]
    assert placement


def test_per_frame_count_against_number_of_frames() -> None:
    ds = _enhanced_ct(2)
    ds.NumberOfFrames = 3
    assert "PerFrameFunctionalGroupsSequence" in _rules(validate(ds))["item-count"]


def test_no_duplicate_findings_for_one_attribute() -> None:
    ds = _ct()
    del ds.ImageType  # in General Image (3) and CT Image (1)
    findings = [f for f in validate(ds).findings if f.tag == "(0008,0008)"]
    assert len(findings) == 1 and findings[0].rule == "type1-missing"


def test_never_raises_on_strange_values() -> None:
    ds = _ct()
    ds.add_new(0x00280010, "US", None)  # Rows empty
    ds.add_new(0x00180050, "DS", None)
    ds.add_new(0x00081140, "SQ", None)
    report = validate(ds)
    assert "validation-aborted" not in _rules(report)


def test_rules_documented_and_severities() -> None:
    assert RULES["not-verifiable"].severity is Severity.NOT_VERIFIABLE
    assert RULES["defined-term"].severity is Severity.WARNING
    for rule in RULES.values():
        assert rule.id and rule.summary


def test_chtml_page_from_section_id() -> None:
    assert chtml_page("sect_C.7.1.1") == "sect_C.7"
    assert chtml_page("sect_C.7.6.16.2.1") == "sect_C.7.6.16.2"
    assert chtml_page("sect_A.1.3") == "chapter_A"
    assert chtml_page("sect_10.25.1") == "sect_10.25"


def test_lazy_package_attribute() -> None:
    report = dicomstd.validate(_ct())
    assert isinstance(report, Report)


def test_dataset_from_file_reports_missing_meta(tmp_path: object) -> None:
    ds = _ct()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CT
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.file_meta.ImplementationClassUID = generate_uid()
    report = validate_dataset(ds)
    assert not [
        f for f in report.findings if f.rule == "file-meta" and f.severity is Severity.ERROR
    ]
    assert pydicom.__version__


def test_a_module_of_overlay_group_attributes_applies_to_the_groups_that_use_it() -> None:
    # An X-Ray Radiofluoroscopic image with a single-frame overlay in 6000 and a two-frame
    # one in 6002 (PS3.3 C.9.3): the Multi-frame Overlay Module describes 6002 only, so
    # Number of Frames in Overlay (6000,0015) is not missing; in 6002 it is checked.
    ds = _ct()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.12.2"
    ds.Modality = "RF"
    for group, frames in ((0x6000, 1), (0x6002, 2)):
        ds.add_new(group << 16 | 0x0010, "US", 64)
        ds.add_new(group << 16 | 0x0011, "US", 64)
        ds.add_new(group << 16 | 0x0040, "CS", "G")
        ds.add_new(group << 16 | 0x0050, "SS", [1, 1])
        ds.add_new(group << 16 | 0x0100, "US", 1)
        ds.add_new(group << 16 | 0x0102, "US", 0)
        ds.add_new(group << 16 | 0x3000, "OW", bytes(512 * frames))
    ds.add_new(0x60020015, "IS", 2)
    findings = validate(ds).findings
    about_frames = {f.tag: f for f in findings if f.tag in ("(6000,0015)", "(6002,0015)")}
    # 6002 holds the Module's Attribute; in 6000, whether the Module applies is not known.
    assert list(about_frames) == ["(6000,0015)"]
    assert about_frames["(6000,0015)"].severity is Severity.NOT_VERIFIABLE
    assert "group 6000 holds none of its Attributes" in about_frames["(6000,0015)"].condition
    assert not [f for f in findings if f.rule == "module-missing" and "Overlay" in f.module]
    # Found in review: two frames in 6000 without (6000,0015), the Module present through
    # 6002: not verifiable, never silently passed.
    ds[0x60003000].value = bytes(1024)
    findings = validate(ds).findings
    assert [f.severity for f in findings if f.tag == "(6000,0015)"] == [Severity.NOT_VERIFIABLE]
    # Without 6002,0015 the Module is required (6002 holds two frames) and absent.
    del ds[0x60020015]
    findings = validate(ds).findings
    assert [f.module for f in findings if f.rule == "module-missing"] == ["Multi-frame Overlay"]
