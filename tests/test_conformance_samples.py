"""The IOD contents counted from samples (Annex A.A) agree with the validator's view of the
same samples: what it reports missing is shown absent, what it reports empty is not shown
with a Value, a Module it reports missing is shown absent, and what is shown ALWAYS is there."""

from __future__ import annotations

import re
from pathlib import Path

import pydicom
import pytest
from pydicom.data import get_testdata_file

import dicomstd
from dicomstd.conformance.declaration import parse_declaration
from dicomstd.conformance.iod_contents import IODContents, iod_contents

pytestmark = pytest.mark.filterwarnings("ignore:Invalid value for VR UI")

MISSING = {"type1-missing", "type2-missing", "type1c-missing", "type2c-missing"}

DECLARATION = """\
schema_version = 1
[product]
name = "P"
version = "1"
manufacturer = "M"
[implementation]
class_uid = "2.25.1"
[[created]]
sop_class = "{sop_class}"
"""


def created(sop_class: str):  # type: ignore[no-untyped-def]
    return parse_declaration(DECLARATION.format(sop_class=sop_class), "d.toml").created[0]


def broken_ct(folder: Path) -> Path:
    dataset = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    del dataset.PatientID  # Type 2: type2-missing
    dataset.Modality = ""  # Type 1 without a Value: type1-empty
    del dataset.FrameOfReferenceUID  # the Frame of Reference Module, Mandatory, gone
    del dataset.PositionReferenceIndicator
    del dataset.OtherPatientIDsSequence[0].PatientID  # inside an Item: Type 1 missing
    path = folder / "broken_ct.dcm"
    dataset.save_as(path)
    return path


def samples(tmp_path: Path) -> list[tuple[str, Path]]:
    return [
        ("CTImageStorage", Path(get_testdata_file("CT_small.dcm"))),
        ("CTImageStorage", broken_ct(tmp_path)),
        ("MRImageStorage", Path(get_testdata_file("MR_small.dcm"))),
        ("RTDoseStorage", Path(get_testdata_file("rtdose.dcm"))),
    ]


def rows_by_place(contents: IODContents) -> dict[str, list[tuple[str, object]]]:
    """``Sequence.Keyword`` → [(Module, row)] (a row's place: its enclosing Sequences)."""
    found: dict[str, list[tuple[str, object]]] = {}
    for module in contents.modules:
        stack: list[str] = []
        for row in module.rows:
            del stack[row.depth :]
            place = ".".join([*stack, row.keyword])
            found.setdefault(place, []).append((module.name, row))
            stack.append(row.keyword)
    return found


def test_agreement_with_the_validator(tmp_path: Path) -> None:
    checked = {"missing": 0, "empty": 0, "module": 0, "always": 0}
    for sop_class, path in samples(tmp_path):
        contents = iod_contents(created(sop_class), [path])
        report = dicomstd.validate(str(path)).files[0]
        dataset = pydicom.dcmread(path)
        places = rows_by_place(contents)
        modules = {m.name: m for m in contents.modules}
        for finding in report.findings:
            place = re.sub(r"\[\d+\]", "", finding.path)
            if finding.rule in MISSING:
                rows = places.get(place, [])
                assert rows, f"{path.name}: {finding.path} reported missing, not listed"
                for _, row in rows:
                    assert row.presence != "ALWAYS", (path.name, place)  # type: ignore[attr-defined]
                    if "[" not in finding.path:  # top level: one occasion per sample
                        assert row.presence == "ABSENT", (path.name, place)  # type: ignore[attr-defined]
                assert any(finding.message in " ".join(row.findings) for _, row in rows)  # type: ignore[attr-defined]
                checked["missing"] += 1
            elif finding.rule == "type1-empty":
                for _, row in places.get(place, []):
                    assert row.value_presence in ("EMPTY", "CONDITIONAL"), (path.name, place)  # type: ignore[attr-defined]
                    checked["empty"] += 1
            elif finding.rule == "module-missing":
                assert modules[finding.module].presence == "ABSENT", (path.name, finding.module)
                checked["module"] += 1
        missing_places = {
            re.sub(r"\[\d+\]", "", f.path) for f in report.findings if f.rule in MISSING
        }
        for module in contents.modules:
            for row in module.rows:
                if row.depth == 0 and row.presence == "ALWAYS":
                    tag = int(row.tag[1:5] + row.tag[6:10], 16) if "x" not in row.tag else None
                    if tag is not None:
                        assert tag in dataset, (path.name, row.keyword)
                    assert row.keyword not in missing_places
                    checked["always"] += 1
        # Every standard top-level Attribute of the sample that the IOD defines is listed.
        undefined = {
            f.tag for f in report.findings if f.rule in ("undefined-attribute", "retired-attribute")
        }
        listed = {row.tag for m in contents.modules for row in m.rows if row.depth == 0}
        for element in dataset:
            tag_text = f"({element.tag.group:04X},{element.tag.element:04X})"
            if (
                element.tag.is_private
                or element.tag.group in (0x0002, 0xFFFC, 0xFFFE)
                or tag_text in undefined
            ):
                continue
            if element.tag.group & 0xFF00 in (0x5000, 0x6000):
                continue  # repeating groups are listed as (60xx,...)
            assert tag_text in listed, (path.name, element.keyword, tag_text)
    # The broken sample exercised every kind of disagreement the test looks for.
    assert checked["missing"] >= 2 and checked["empty"] >= 1 and checked["module"] >= 1
    assert checked["always"] > 100


def test_broken_sample_shows_in_the_statement(tmp_path: Path) -> None:
    contents = iod_contents(created("CTImageStorage"), [broken_ct(tmp_path)])
    (sample,) = contents.samples
    assert sample.matched and sample.errors
    modules = {m.name: m for m in contents.modules}
    assert modules["Frame of Reference"].presence == "ABSENT"
    patient = {row.keyword: row for row in modules["Patient"].rows if row.depth == 0}
    assert patient["PatientID"].presence == "ABSENT"
    assert any(f.startswith("type2-missing") for f in patient["PatientID"].findings)
    series = {row.keyword: row for row in modules["General Series"].rows}
    assert series["Modality"].value_presence == "EMPTY"


def test_without_samples_presence_follows_the_type() -> None:
    contents = iod_contents(created("CTImageStorage"))
    assert not contents.from_samples
    assert all(m.usage == "M" for m in contents.modules)
    rows = {row.keyword: row for m in contents.modules for row in m.rows if row.depth == 0}
    assert (rows["SOPInstanceUID"].presence, rows["SOPInstanceUID"].value_presence) == (
        "ALWAYS",
        "ALWAYS",
    )
    assert (rows["PatientName"].presence, rows["PatientName"].value_presence) == (
        "ALWAYS",
        "CONDITIONAL",
    )
    assert rows["RescaleType"].presence == "CONDITIONAL" and rows["RescaleType"].condition
    assert (
        not rows["PatientName"].source_declared and rows["PatientName"].source == "GENERATED; EMPTY"
    )


@pytest.mark.parametrize("sample", ["CT_small.dcm"])
def test_declared_sources_apply_to_top_level_attributes(sample: str) -> None:
    text = (
        DECLARATION.format(sop_class="CTImageStorage") + '[created.attributes]\nPatientID = "MWL"\n'
    )
    contents = iod_contents(
        parse_declaration(text, "d.toml").created[0], [Path(get_testdata_file(sample))]
    )
    patient = next(m for m in contents.modules if m.name == "Patient")
    sources = [
        (row.depth, row.source, row.source_declared)
        for row in patient.rows
        if row.keyword == "PatientID"
    ]
    assert sources[0] == (0, "MWL", True)
    assert all(not declared for depth, _, declared in sources if depth)
