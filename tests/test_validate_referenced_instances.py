"""Conditions on referenced Instances, end to end: a DICOMDIR written by pydicom's FileSet
checked against the files of its File-set, and a Presentation State checked against the
image it references when both are in the run (``dicomstd validate``, one or two worker
processes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydicom import dcmread
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.fileset import FileSet
from pydicom.uid import UID, ExplicitVRLittleEndian, generate_uid

from dicomstd.cli import main
from dicomstd.validate import validate

RELATED_IN_FILE = "(0004,151A)"  # Referenced Related General SOP Class UID in File
PIXEL_ORIGIN_INTERPRETATION = "(0048,0301)"


def _findings(report: Any, tag: str) -> list[tuple[str, str]]:
    return [
        (finding.severity.value, finding.rule)
        for file in report.files
        for finding in file.findings
        if finding.tag == tag
    ]


def _file_set(folder: Path, related: bool) -> Path:
    image = dcmread(get_testdata_file("CT_small.dcm"))
    if related:
        image.RelatedGeneralSOPClassUID = "1.2.840.10008.5.1.4.1.1.2.1"
    file_set = FileSet()
    file_set.add(image)
    file_set.write(folder)
    return folder / "DICOMDIR"


def test_a_directory_record_is_checked_against_the_file_it_references(tmp_path: Path) -> None:
    # PS3.3 Table F.3-3: (0004,151A) "Required if the Directory Record references a SOP
    # Instance that encodes the Related General SOP Class UID (0008,001A)". pydicom's FileSet
    # does not copy it into the IMAGE record.
    dicomdir = _file_set(tmp_path / "related", related=True)
    assert _findings(validate(dicomdir), RELATED_IN_FILE) == [("error", "type1c-missing")]
    plain = _file_set(tmp_path / "plain", related=False)
    assert _findings(validate(plain), RELATED_IN_FILE) == []
    # The referenced file gone: not verifiable, never an error.
    for path in (tmp_path / "related").rglob("*"):
        if path.is_file() and path.name != "DICOMDIR":
            path.unlink()
    assert _findings(validate(dicomdir), RELATED_IN_FILE) == [("not-verifiable", "not-verifiable")]


def _write(path: Path, dataset: Dataset) -> str:
    dataset.file_meta = FileMetaDataset()
    dataset.file_meta.MediaStorageSOPClassUID = dataset.SOPClassUID
    dataset.file_meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
    dataset.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    dataset.save_as(path, enforce_file_format=True)
    return str(path)


def _slide_and_presentation_state(folder: Path) -> tuple[str, str]:
    slide = Dataset()
    slide.SOPClassUID = UID("1.2.840.10008.5.1.4.1.1.77.1.6")  # VL Whole Slide Microscopy
    slide.SOPInstanceUID = generate_uid()
    slide.TotalPixelMatrixColumns = 4096
    slide.TotalPixelMatrixRows = 2048
    reference = Dataset()
    reference.ReferencedSOPClassUID = slide.SOPClassUID
    reference.ReferencedSOPInstanceUID = slide.SOPInstanceUID
    area = Dataset()
    area.ReferencedImageSequence = [reference]
    area.PresentationSizeMode = "SCALE TO FIT"
    area.DisplayedAreaTopLeftHandCorner = [1, 1]
    area.DisplayedAreaBottomRightHandCorner = [4096, 2048]
    state = Dataset()
    state.SOPClassUID = UID("1.2.840.10008.5.1.4.1.1.11.1")  # Grayscale Softcopy PS
    state.SOPInstanceUID = generate_uid()
    state.DisplayedAreaSelectionSequence = [area]
    folder.mkdir()
    return _write(folder / "slide.dcm", slide), _write(folder / "state.dcm", state)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_run_checks_a_presentation_state_against_the_image_it_references(
    tmp_path: Path, jobs: str
) -> None:
    # PS3.3 Table C.10-4: Pixel Origin Interpretation (0048,0301) "Required if the instance
    # referenced by Referenced Image Sequence (0008,1140) is tiled".
    slide, state = _slide_and_presentation_state(tmp_path / "study")
    runner = CliRunner()

    def origin_findings(*paths: str) -> list[tuple[str, str]]:
        result = runner.invoke(main, ["validate", "--format", "json", "--jobs", jobs, *paths])
        assert result.exit_code in (0, 1), result.output
        return [
            (finding["severity"], finding["rule"])
            for file in json.loads(result.output)["files"]
            for finding in file["findings"]
            if finding["tag"] == PIXEL_ORIGIN_INTERPRETATION
        ]

    assert origin_findings(str(tmp_path / "study")) == [("error", "type1c-missing")]
    # The Presentation State alone: its image is not at hand, so whether the Attribute is
    # required cannot be told (never an error).
    assert origin_findings(state) == [("not-verifiable", "not-verifiable")]
    # A second file with the slide's SOP Instance UID, not tiled: which one is meant cannot
    # be told, whatever the order the files come in.
    copy = dcmread(slide)
    del copy.TotalPixelMatrixColumns
    _write(tmp_path / "study" / "0_copy.dcm", copy)
    assert origin_findings(str(tmp_path / "study")) == [("not-verifiable", "not-verifiable")]
