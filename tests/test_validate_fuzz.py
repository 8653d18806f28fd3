"""Robustness: truncated and byte-flipped copies of real files never raise, and each gets a
result. Bounded: at most 200 mutated files and about 60 seconds."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from dicomstd.validate import validate
from dicomstd.validate.engine import validate_file

MAX_FILES = 200
MAX_SECONDS = 60.0


def _sources() -> list[Path]:
    from pydicom.data import get_testdata_file

    names = [
        "CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "rtstruct.dcm", "emri_small.dcm",
        "JPEG2000.dcm", "image_dfl.dcm", "ExplVR_BigEnd.dcm", "SC_rgb.dcm", "waveform_ecg.dcm",
        "MR_small_implicit.dcm", "rtdose.dcm", "DICOMDIR", "test-SR.dcm",
    ]  # fmt: skip
    found = []
    for name in names:
        path = get_testdata_file(name)
        if isinstance(path, str):
            found.append(Path(path))
    return found


def _mutations(data: bytes, rng: random.Random) -> list[bytes]:
    out = []
    for fraction in (0.1, 0.5, 0.9):  # truncated
        out.append(data[: max(1, int(len(data) * fraction))])
    header = min(len(data), 4096)  # most structure (lengths, VRs, tags) is near the start
    for _ in range(11):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(128 if header > 256 else 0, max(header, 129))
            if position < len(mutated):
                mutated[position] = rng.randrange(256)
        out.append(bytes(mutated))
    return out


def test_mutated_files_never_raise(tmp_path: Path) -> None:
    sources = _sources()
    assert sources
    rng = random.Random(20240)
    started = time.monotonic()
    written = 0
    for source in sources:
        for index, data in enumerate(_mutations(source.read_bytes(), rng)):
            if written >= MAX_FILES or time.monotonic() - started > MAX_SECONDS:
                break
            path = tmp_path / f"{source.name}.{index}"
            path.write_bytes(data)
            report = validate_file(path)  # must not raise
            assert report.source == str(path)
            written += 1
    assert written >= min(MAX_FILES, 50)
    # Through the public API too, on the whole folder: every file gets a result.
    report = validate(tmp_path)
    assert len(report.files) == written


def test_not_dicom_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "text").write_text("hello")
    (tmp_path / "preamble_only").write_bytes(b"\0" * 128 + b"DICM")
    report = validate(
        [tmp_path / "empty", tmp_path / "text", tmp_path / "preamble_only", tmp_path / "absent"]
    )
    assert len(report.files) == 4
    for file in report.files:
        assert any(
            f.rule in ("unreadable", "file-meta", "unknown-sop-class") for f in file.findings
        )


@pytest.mark.parametrize("depth", [200])
def test_deeply_nested_sequences(depth: int) -> None:
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    top = Dataset()
    top.SOPClassUID = "1.2.840.10008.5.1.4.1.1.88.11"  # Basic Text SR
    current = top
    for _ in range(depth):
        item = Dataset()
        item.ValueType = "CONTAINER"
        item.RelationshipType = "CONTAINS"
        current.ContentSequence = Sequence([item])
        current = item
    report = validate(top)
    assert report.files[0].iod
