"""The number of frames in Overlay Data (:class:`OverlayFrames`, "Required if Overlay Data
contains multiple frames", PS3.3 Section C.9.3): counted from the Value Length and Overlay
Rows × Columns (PS3.5 Section 8.1.2), on Data Sets written here and read back by pydicom
(deferred values are not read), and on real files of pydicom's test data."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydicom import dcmread
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

from dicomstd.conditions.ast import OverlayFrames, Truth
from dicomstd.conditions.evaluate import EvaluationContext
from dicomstd.generator.conditions.overrides import format_condition, parse_override_condition

from condition_checks import agree

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
MULTIPLE_FRAMES = OverlayFrames("gt", 1)


def _overlay(rows: int, columns: int, length: int, group: int = 0x6000) -> Dataset:
    ds = Dataset()
    ds.add_new(group << 16 | 0x0010, "US", rows)
    ds.add_new(group << 16 | 0x0011, "US", columns)
    ds.add_new(group << 16 | 0x3000, "OW", b"\x00" * length)
    return ds


@pytest.mark.parametrize(
    ("rows", "columns", "length", "expected"),
    [
        (64, 64, 512, F),  # one frame of 4096 bits
        (64, 64, 1024, T),  # two frames, no padding between them
        (10, 10, 14, F),  # 100 bits, padded to 112
        (10, 10, 26, T),  # 200 bits, padded to 208
        (10, 10, 24, U),  # 192 bits: no frame count gives this length
        (3, 3, 2, F),  # 9 bits a frame: one frame takes 2 bytes, two take 4
        (2, 2, 2, U),  # 4 bits a frame: 1 to 4 frames all fit 2 bytes
        (0, 64, 512, U),  # no bits a frame
        (64, 64, 513, U),  # an odd Value Length
    ],
)
def test_frames_counted_from_the_length(
    rows: int, columns: int, length: int, expected: Truth
) -> None:
    assert agree(MULTIPLE_FRAMES, EvaluationContext(_overlay(rows, columns, length))) is expected


def test_some_group_decides_and_none_is_false() -> None:
    ds = _overlay(64, 64, 512)
    second = _overlay(64, 64, 1536, group=0x6002)
    for element in second:
        ds.add(element)
    assert agree(MULTIPLE_FRAMES, EvaluationContext(ds)) is T
    assert agree(MULTIPLE_FRAMES, EvaluationContext(Dataset())) is F
    # An overlay in unused bits of Pixel Data (retired): no Overlay Data to count.
    retired = Dataset()
    retired.add_new(0x60000010, "US", 64)
    retired.add_new(0x60000011, "US", 64)
    assert agree(MULTIPLE_FRAMES, EvaluationContext(retired)) is U
    # Values of the wrong shape.
    odd = _overlay(64, 64, 1024)
    odd.add_new(0x60000010, "US", [64, 2])
    assert agree(MULTIPLE_FRAMES, EvaluationContext(odd)) is U
    # Overlay Bits Allocated is 1 (PS3.3 Table C.9-2): a byte a pixel is not counted.
    bytes_per_pixel = _overlay(64, 64, 4096)
    bytes_per_pixel.add_new(0x60000100, "US", 8)
    assert agree(MULTIPLE_FRAMES, EvaluationContext(bytes_per_pixel)) is U
    bytes_per_pixel[0x60000100].value = 1
    assert agree(MULTIPLE_FRAMES, EvaluationContext(bytes_per_pixel)) is T


def test_a_deferred_overlay_is_counted_without_being_read(tmp_path: Path) -> None:
    ds = _overlay(64, 64, 1024)
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.SOPInstanceUID = "1.2.3"
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    path = tmp_path / "overlay.dcm"
    ds.save_as(path, enforce_file_format=True)
    read = dcmread(path, defer_size=64)
    assert agree(MULTIPLE_FRAMES, EvaluationContext(read)) is T
    path.unlink()  # a deferred value read now would fail: the length alone decides
    assert agree(MULTIPLE_FRAMES, EvaluationContext(read)) is T


def test_real_single_frame_overlays() -> None:
    # pydicom's MR with an overlay: one frame (Number of Frames in Overlay is 1 too).
    path = get_testdata_file("MR-SIEMENS-DICOM-WithOverlays.dcm")
    assert path is not None
    ds = dcmread(path)
    assert ds[0x60000015].value == 1
    assert agree(MULTIPLE_FRAMES, EvaluationContext(ds)) is F


def test_override_form_round_trips() -> None:
    text = 'overlay_frames(">", 1)'
    assert parse_override_condition(text) == MULTIPLE_FRAMES
    assert format_condition(MULTIPLE_FRAMES) == text
    for wrong in ('overlay_frames(">", 1.5)', 'overlay_frames(">", 1, scope="top")'):
        with pytest.raises(ValueError):
            parse_override_condition(wrong)
