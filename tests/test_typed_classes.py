"""The generated IOD classes at run time: construction, pydicom behaviour kept (lookup,
copy, pickle), reading existing files, import cost, and the round trip of pydicom's test
files (issue 6)."""

from __future__ import annotations

import copy
import io
import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from pydicom import dcmread, dcmwrite
from pydicom.dataset import Dataset
from pydicom.valuerep import PersonName

from dicomstd.generated.classes import CLASSES, SOP_CLASS_CLASSES
from dicomstd.generated.classes.ct_image import CTImage
from dicomstd.typed import (
    IODDataset,
    TypedDataset,
    class_for_sop_class,
    snake_case,
    sop_class_uid,
)


def test_constructor_stores_keywords_and_sets_the_sop_class() -> None:
    ct = CTImage(patient_name="Doe^Jane", rows=64, patient_orientation=None)
    assert ct.SOPClassUID == "1.2.840.10008.5.1.4.1.1.2" == CTImage.SOP_CLASS_UID
    assert isinstance(ct.PatientName, PersonName) and ct.PatientName.family_name == "Doe"
    assert ct.Rows == 64 and ct[0x00280010].VR == "US"
    assert "PatientOrientation" in ct and not ct.PatientOrientation  # None: empty (Type 2)
    assert isinstance(ct, Dataset) and isinstance(ct, IODDataset)


def test_unknown_argument_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="patinet_name"):
        CTImage(patinet_name="Doe^Jane")  # type: ignore[call-arg]


def test_no_property_hides_an_element() -> None:
    # Bare annotations only: every Keyword reaches pydicom's element.
    for klass in CTImage.__mro__:
        for name in vars(klass).get("__annotations__", {}):
            assert not isinstance(vars(klass).get(name), property), name
    ct = CTImage()
    ct.add_new(0x00100010, "PN", "Raw^Value")
    assert ct.PatientName == "Raw^Value"


def test_copy_and_pickle_keep_class_and_values() -> None:
    ct = CTImage(patient_name="Doe^Jane", rows=64)
    for other in (copy.deepcopy(ct), pickle.loads(pickle.dumps(ct)), copy.copy(ct)):
        assert type(other) is CTImage
        assert other.PatientName == "Doe^Jane" and other.Rows == 64


def test_new_uids_and_file_meta() -> None:
    ct = CTImage().new_uids()
    assert {
        "SOPInstanceUID",
        "StudyInstanceUID",
        "SeriesInstanceUID",
        "FrameOfReferenceUID",
    } <= set(ct.dir())
    before = ct.SOPInstanceUID
    assert ct.new_uids().SOPInstanceUID == before
    assert ct.new_uids(overwrite=True).SOPInstanceUID != before
    ct.with_file_meta()
    assert ct.file_meta.MediaStorageSOPInstanceUID == ct.SOPInstanceUID
    assert ct.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"


def test_missing_lists_what_is_required() -> None:
    found = {m.keyword for m in CTImage(patient_name="Doe^Jane").missing()}
    assert {"StudyInstanceUID", "Rows", "PatientID"} <= found
    assert "PatientName" not in found


def test_from_dataset_checks_the_sop_class() -> None:
    with pytest.raises(ValueError, match="not a SOP Class"):
        CTImage.from_dataset(Dataset())
    plain = Dataset()
    plain.SOPClassUID = CTImage.SOP_CLASS_UID
    plain.PatientName = "Doe^Jane"
    typed = CTImage.from_dataset(plain)
    assert type(typed) is CTImage and typed.PatientName == "Doe^Jane"


def test_snake_case() -> None:
    assert snake_case("SOPClassUID") == "sop_class_uid"
    assert snake_case("PatientName") == "patient_name"
    assert snake_case("KVP") == "kvp"


def test_every_class_is_indexed_and_loads() -> None:
    assert len(CLASSES) >= 160
    for uid in (
        "1.2.840.10008.5.1.4.1.1.2",
        "1.2.840.10008.5.1.4.1.1.7",
        "1.2.840.10008.5.1.4.1.1.88.11",
        "1.2.840.10008.5.1.4.1.1.104.1",
        "1.2.840.10008.5.1.4.1.1.66.4",
        "1.2.840.10008.5.1.4.1.1.4.1",
    ):
        klass = class_for_sop_class(uid)
        assert uid in klass.SOP_CLASS_UIDS
    assert {n for _, n in SOP_CLASS_CLASSES.values()} >= {
        "CTImage",
        "SecondaryCaptureImage",
        "BasicTextSR",
        "EncapsulatedPDF",
        "Segmentation",
        "EnhancedMRImage",
    }


def test_one_class_loads_only_its_own_modules() -> None:
    """What importing one IOD class loads (its cost is measured by
    benchmarks/benchmark_build.py, not here): its own class module and the Module and Macro
    classes it is built of, not every IOD; ``import dicomstd`` loads neither pydicom nor
    any generated module."""
    code = (
        "import sys\n"
        "import dicomstd\n"
        "before = {m for m in sys.modules if m.startswith(('pydicom', 'dicomstd.generated'))}\n"
        "from dicomstd.generated.classes.enhanced_mr_image import EnhancedMRImage\n"
        "iods = [m for m in sys.modules if m.startswith('dicomstd.generated.classes.')"
        " and m.count('.') == 3 and m.split('.')[3] not in ('macros', 'modules')]\n"
        "print(len(before), len(iods))"
    )
    before, iod_modules = (int(x) for x in _fresh_output(code).split())
    assert before == 0
    assert iod_modules == 1, iod_modules  # its own, not the 167 IOD classes


def _fresh_output(code: str) -> str:
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return run.stdout.strip().splitlines()[-1]


def _dataset_bytes(data: bytes) -> bytes:
    """The encoded Data Set of a file: after the preamble and File Meta Information."""
    from pydicom.filereader import _read_file_meta_info, read_preamble

    stream = io.BytesIO(data)
    read_preamble(stream, True)
    _read_file_meta_info(stream)
    return stream.read()


def _test_files() -> list[str]:
    """pydicom's own test files and those of the pydicom-data package, where installed
    (read from disk: ``get_testdata_files`` would try to download)."""
    import importlib.util

    import pydicom

    folders = [Path(pydicom.__file__).parent / "data" / "test_files"]
    spec = importlib.util.find_spec("data_store")
    if spec is not None and spec.submodule_search_locations:
        folders.append(Path(list(spec.submodule_search_locations)[0]) / "data")
    return sorted(
        str(p) for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file()
    )


def test_round_trip_of_pydicom_test_files() -> None:
    """Every test file whose SOP Class has a class loads into it and saves back with the
    same data element bytes as pydicom's own save of the same read."""
    checked = identical_to_file = 0
    failures: list[str] = []
    for path in _test_files():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                original = dcmread(path)
        except Exception:  # noqa: BLE001 - not a DICOM file (pydicom keeps others there)
            continue
        uid = sop_class_uid(original)
        if uid not in SOP_CLASS_CLASSES:
            continue
        typed = class_for_sop_class(uid).from_dataset(original)
        assert isinstance(typed, TypedDataset)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            plain_out, typed_out = io.BytesIO(), io.BytesIO()
            try:
                dcmwrite(plain_out, dcmread(path))
            except Exception:  # noqa: BLE001 - pydicom itself cannot write it back
                continue
            dcmwrite(typed_out, typed)
        checked += 1
        if typed_out.getvalue() != plain_out.getvalue():
            failures.append(Path(path).name)
        try:
            if _dataset_bytes(typed_out.getvalue()) == _dataset_bytes(Path(path).read_bytes()):
                identical_to_file += 1
        except Exception:  # noqa: BLE001 - files without File Meta Information
            pass
    assert checked >= 50, checked
    assert not failures, failures
    print(f"{checked} files round-tripped; {identical_to_file} byte-identical to the file itself")


def test_validate_method_on_a_typed_instance() -> None:
    """``instance.validate()`` hands the instance itself (a Dataset subclass) to the
    validator, which must take it as a Data Set, not as a list of paths."""
    from dicomstd.generated.classes.basic_text_sr import BasicTextSR

    report = BasicTextSR(patient_name="Doe^Jane", patient_id="123").new_uids().validate()
    assert len(report.files) == 1 and report.files[0].iod == "Basic Text SR"
    assert any(f.rule == "type1-missing" for f in report.findings)  # an incomplete report
