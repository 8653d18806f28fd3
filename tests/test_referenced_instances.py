"""Conditions on a referenced Instance (:class:`ReferencedInstance`): their three-valued
meaning, the generated predicate agreeing with the evaluator, the override form, and the
:class:`InstanceIndex` that gives the validator the Instances of a run or of a DICOMDIR's
File-set (files written here, read back by pydicom)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import UID, ExplicitVRLittleEndian

from dicomstd.conditions.ast import (
    AttributeRef,
    InAnyItem,
    Not,
    Present,
    ReferencedInstance,
    Truth,
    ValueIn,
)
from dicomstd.conditions.evaluate import EvaluationContext
from dicomstd.errors import BuildError
from dicomstd.generator.conditions.overrides import (
    format_condition,
    load_overrides,
    parse_override_condition,
)
from dicomstd.validate.instances import InstanceIndex, read_sop_instance_uid

from condition_checks import agree

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
REFERENCED_SOP_INSTANCE_UID = AttributeRef(0x00081155, "item")
HPGL_DOCUMENT_SEQUENCE = 0x006862C0
#: "HPGL Document Sequence (0068,62C0) is present in the Instance referenced in the Implant
#: Template Group Members Sequence (0078,002A) Item" (PS3.3 Table C.29.3-1): the Item holds
#: the reference.
HPGL_IN_REFERENCED = ReferencedInstance(
    REFERENCED_SOP_INSTANCE_UID, Present(AttributeRef(HPGL_DOCUMENT_SEQUENCE, "top"))
)


def _item(*uids: str) -> Dataset:
    item = Dataset()
    item.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.43.1"
    item.ReferencedSOPInstanceUID = list(uids) if len(uids) > 1 else uids[0]
    return item


def _template(with_hpgl: bool) -> Dataset:
    template = Dataset()
    template.SOPInstanceUID = "1.2.3.1" if with_hpgl else "1.2.3.2"
    if with_hpgl:
        template.add_new(HPGL_DOCUMENT_SEQUENCE, "SQ", [Dataset()])
    return template


AT_HAND = {"1.2.3.1": _template(True), "1.2.3.2": _template(False)}


def test_true_false_and_unknown_by_what_is_at_hand() -> None:
    def context(item: Dataset, instances: Any = AT_HAND.get) -> EvaluationContext:
        return EvaluationContext(item, parents=(Dataset(),), instances=instances)

    assert agree(HPGL_IN_REFERENCED, context(_item("1.2.3.1"))) is T
    assert agree(HPGL_IN_REFERENCED, context(_item("1.2.3.2"))) is F
    # Not at hand, or no Instances at all: never guessed.
    assert agree(HPGL_IN_REFERENCED, context(_item("9.9.9"))) is U
    assert agree(HPGL_IN_REFERENCED, context(_item("1.2.3.1"), None)) is U
    # Several UIDs: TRUE when one satisfies it, whatever the others; FALSE needs all.
    assert agree(HPGL_IN_REFERENCED, context(_item("9.9.9", "1.2.3.1"))) is T
    assert agree(HPGL_IN_REFERENCED, context(_item("9.9.9", "1.2.3.2"))) is U
    # No reference: nothing referenced satisfies it.
    assert agree(HPGL_IN_REFERENCED, context(Dataset())) is F


def test_every_referenced_instance_is_the_negation_of_some_not() -> None:
    # "the Images referenced ... are tiled": every one, written not some(not C).
    every = Not(
        ReferencedInstance(
            REFERENCED_SOP_INSTANCE_UID,
            Not(Present(AttributeRef(HPGL_DOCUMENT_SEQUENCE, "top"))),
        )
    )
    context = EvaluationContext(_item("1.2.3.1", "1.2.3.2"), instances=AT_HAND.get)
    assert agree(every, context) is F
    context = EvaluationContext(_item("1.2.3.1"), instances=AT_HAND.get)
    assert agree(every, context) is T


def test_the_referenced_instance_is_its_own_top_level_data_set() -> None:
    # Inside the referenced Instance, "top" and "item" are that Instance, not the referrer.
    referrer = Dataset()
    referrer.add_new(HPGL_DOCUMENT_SEQUENCE, "SQ", [Dataset()])
    referrer.add_new(0x0078002A, "SQ", [_item("1.2.3.2")])
    condition = InAnyItem(AttributeRef(0x0078002A, "top"), HPGL_IN_REFERENCED)
    assert agree(condition, EvaluationContext(referrer, instances=AT_HAND.get)) is F
    modality = ReferencedInstance(
        REFERENCED_SOP_INSTANCE_UID, ValueIn(AttributeRef(0x00080060, "item"), ("CT",))
    )
    ct = Dataset()
    ct.Modality = "CT"
    assert agree(modality, EvaluationContext(_item("1.2.3.9"), instances={"1.2.3.9": ct}.get)) is T


@pytest.mark.parametrize(
    "value",
    [None, "", b"\x01\x02", 5, ["1.2.3.1", None]],
)
def test_values_that_are_not_uids_are_unknown_or_absent(value: Any) -> None:
    item = Dataset()
    (
        item.add_new(0x00081155, "UI", value)
        if not isinstance(value, (bytes, int))
        else item.add_new(0x00081155, "OB" if isinstance(value, bytes) else "US", value)
    )
    result = agree(HPGL_IN_REFERENCED, EvaluationContext(item, instances=AT_HAND.get))
    assert result in (T, F, U)
    if value in (None, ""):
        assert result is F  # present and empty: no Instance is referenced


def test_override_form_round_trips() -> None:
    text = 'in_referenced_instance("0008,1155", present("0068,62C0", scope="top"), scope="item")'
    condition = parse_override_condition(text)
    assert condition == HPGL_IN_REFERENCED
    assert format_condition(condition) == text


# --- the index of a run and of a File-set ---------------------------------------------------


def _write(path: Path, uid: str, **attributes: Any) -> Path:
    dataset = Dataset()
    dataset.SOPClassUID = UID("1.2.840.10008.5.1.4.1.1.7")
    dataset.SOPInstanceUID = UID(uid)
    for keyword, value in attributes.items():
        setattr(dataset, keyword, value)
    dataset.file_meta = FileMetaDataset()
    dataset.file_meta.MediaStorageSOPClassUID = dataset.SOPClassUID
    dataset.file_meta.MediaStorageSOPInstanceUID = UID(uid)
    dataset.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    path.parent.mkdir(parents=True, exist_ok=True)
    dataset.save_as(path, enforce_file_format=True)
    return path


def test_index_of_files_reads_each_instance_on_demand(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.dcm", "1.2.3.10", Modality="OT")
    second = _write(tmp_path / "b.dcm", "1.2.3.11", Modality="CT")
    junk = tmp_path / "junk.dcm"
    junk.write_bytes(b"not DICOM at all")
    index = InstanceIndex.of_files([str(first), str(second), str(junk), str(tmp_path / "gone")])
    assert dict(index.paths) == {"1.2.3.10": str(first), "1.2.3.11": str(second)}
    assert index("1.2.3.11").Modality == "CT"
    assert index("1.2.3.99") is None
    assert read_sop_instance_uid(str(junk)) == ""
    # A file whose content changed under the index (another Instance now) is not at hand.
    _write(second, "1.2.3.12")
    assert InstanceIndex(index.paths)("1.2.3.11") is None


def test_index_with_a_file_set_follows_the_directory_records(tmp_path: Path) -> None:
    _write(tmp_path / "IMAGES" / "IM1", "1.2.3.20", Modality="MR")
    record = Dataset()
    record.DirectoryRecordType = "IMAGE"
    record.ReferencedFileID = ["IMAGES", "IM1"]
    record.ReferencedSOPInstanceUIDInFile = "1.2.3.20"
    broken = Dataset()
    broken.DirectoryRecordType = "IMAGE"  # no Referenced File ID: skipped
    dicomdir = Dataset()
    dicomdir.DirectoryRecordSequence = [record, broken]
    index = InstanceIndex().with_file_set(dicomdir, str(tmp_path / "DICOMDIR"))
    assert index.paths == {"1.2.3.20": os.path.join(str(tmp_path), "IMAGES", "IM1")}
    assert index("1.2.3.20").Modality == "MR"
    # A copy: the index it was made from is unchanged.
    assert InstanceIndex().with_file_set(Dataset(), str(tmp_path / "DICOMDIR")).paths == {}


def test_an_overrides_file_that_is_not_toml_is_a_build_error() -> None:
    with pytest.raises(BuildError, match="not valid TOML"):
        load_overrides("[[attribute]]\nafter review: a comment line without its #\n")


def test_a_file_set_never_reaches_outside_its_folder(tmp_path: Path) -> None:
    # PS3.10 Section 8.2: File IDs name files of the File-set. A hostile DICOMDIR naming
    # "..", an absolute path or a device (/dev/zero would never end) adds nothing.
    outside = _write(tmp_path / "outside.dcm", "1.2.3.30")
    records = []
    for uid, file_id in (
        ("1.2.3.30", ["..", "outside.dcm"]),
        ("1.2.3.31", [str(outside)]),
        ("1.2.3.32", ["..", "..", "..", "..", "..", "..", "dev", "zero"]),
        ("1.2.3.33", ["SUB"]),  # a folder, not a file
    ):
        record = Dataset()
        record.ReferencedFileID = file_id
        record.ReferencedSOPInstanceUIDInFile = uid
        records.append(record)
    (tmp_path / "set" / "SUB").mkdir(parents=True)
    dicomdir = Dataset()
    dicomdir.DirectoryRecordSequence = records
    assert InstanceIndex().with_file_set(dicomdir, str(tmp_path / "set" / "DICOMDIR")).paths == {}


def test_only_regular_part10_files_are_indexed(tmp_path: Path) -> None:
    # A FIFO would block the index for ever; a file of zeros would parse as millions of
    # empty elements: neither is read.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    zeros = tmp_path / "zeros"
    zeros.write_bytes(bytes(4096))
    good = _write(tmp_path / "good.dcm", "1.2.3.50")
    index = InstanceIndex.of_files([str(fifo), str(zeros), str(tmp_path), str(good)])
    assert index.paths == {"1.2.3.50": str(good)}


def test_a_uid_two_files_claim_is_not_at_hand_unless_a_record_names_one(tmp_path: Path) -> None:
    first = _write(tmp_path / "a" / "IM1", "1.2.3.60", Modality="CT")
    second = _write(tmp_path / "b.dcm", "1.2.3.60", Modality="MR")
    index = InstanceIndex.of_files([str(first), str(second)])
    assert index("1.2.3.60") is None  # which copy is meant cannot be told
    record = Dataset()
    record.ReferencedFileID = ["a", "IM1"]
    record.ReferencedSOPInstanceUIDInFile = "1.2.3.60"
    dicomdir = Dataset()
    dicomdir.DirectoryRecordSequence = [record]
    named = index.with_file_set(dicomdir, str(tmp_path / "DICOMDIR"))
    assert named("1.2.3.60").Modality == "CT"


def test_records_that_cannot_be_read_do_not_stop_the_others(tmp_path: Path) -> None:
    _write(tmp_path / "IM2", "1.2.3.70")
    bad = Dataset()
    bad.ReferencedFileID = "IM\x002"  # a NUL in a File ID
    bad.ReferencedSOPInstanceUIDInFile = "1.2.3.71"
    good = Dataset()
    good.ReferencedFileID = "IM2"
    good.ReferencedSOPInstanceUIDInFile = "1.2.3.70"
    dicomdir = Dataset()
    dicomdir.DirectoryRecordSequence = [bad, good]
    index = InstanceIndex().with_file_set(dicomdir, str(tmp_path / "DICOMDIR"))
    assert set(index.paths) == {"1.2.3.70"}
    not_a_sequence = Dataset()
    not_a_sequence.add_new(0x00041220, "UL", 7)
    assert InstanceIndex().with_file_set(not_a_sequence, str(tmp_path / "DICOMDIR")).paths == {}


def test_a_referenced_file_cut_short_is_not_at_hand(tmp_path: Path) -> None:
    whole = _write(tmp_path / "whole.dcm", "1.2.3.80", ImageComments="x" * 2000)
    data = whole.read_bytes()
    cut = tmp_path / "cut.dcm"
    cut.write_bytes(data[:-1000])  # Image Comments declares 2000 bytes, holds fewer
    assert InstanceIndex({"1.2.3.80": str(whole)})("1.2.3.80") is not None
    assert InstanceIndex({"1.2.3.80": str(cut)})("1.2.3.80") is None
    # Cut inside an element's header, pydicom stops without a word, as if the Data Set were
    # whole but without the elements after the cut: found by an adversarial review.
    whole = _write(tmp_path / "whole2.dcm", "1.2.3.81", ImageComments="x" * 20)
    data = whole.read_bytes()
    header = data.index(b"\x20\x00\x00\x40")  # (0020,4000) Image Comments, little endian
    for stray in (2, 5):
        cut.write_bytes(data[: header + stray])
        assert InstanceIndex({"1.2.3.81": str(cut)})("1.2.3.81") is None


def test_a_deflated_instance_is_at_hand(tmp_path: Path) -> None:
    # Found in review: a deflated Data Set's offsets are in the inflated stream, not the
    # file's; compared with the file's size, a deferred value looked cut short.
    dataset = Dataset()
    dataset.SOPClassUID = UID("1.2.840.10008.5.1.4.1.1.7")
    dataset.SOPInstanceUID = UID("1.2.3.85")
    dataset.add_new(0x00091010, "OB", bytes(200_000))
    dataset.add_new(0x00090010, "LO", "ACME")
    dataset.file_meta = FileMetaDataset()
    dataset.file_meta.MediaStorageSOPClassUID = dataset.SOPClassUID
    dataset.file_meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
    dataset.file_meta.TransferSyntaxUID = UID("1.2.840.10008.1.2.1.99")
    path = tmp_path / "deflated.dcm"
    dataset.save_as(path, enforce_file_format=True)
    assert path.stat().st_size < 10_000  # zeros deflate well
    assert InstanceIndex({"1.2.3.85": str(path)})("1.2.3.85") is not None


def test_a_file_referenced_again_is_read_once(tmp_path: Path, monkeypatch: Any) -> None:
    path = _write(tmp_path / "once.dcm", "1.2.3.90")
    index = InstanceIndex({"1.2.3.90": str(path), "1.2.3.91": str(path)})
    reads: list[str] = []
    load = InstanceIndex._load
    monkeypatch.setattr(InstanceIndex, "_load", staticmethod(lambda p: reads.append(p) or load(p)))
    for _ in range(3):
        assert index("1.2.3.90") is not None
        assert index("1.2.3.91") is None  # the file holds another Instance
    assert reads == [str(path)]
