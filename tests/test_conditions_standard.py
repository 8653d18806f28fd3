"""Conditions compiled from the real PS3.3 2024c text: sentences, evaluation on minimal
pydicom Data Sets, overrides, coverage. PS3.3 is read once per module (about 4 s)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Callable

import pytest
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from dicomstd.conditions.ast import (
    And,
    Constant,
    InAnyItem,
    ItemCount,
    PrivateTag,
    TransferSyntaxIn,
    ModulePresent,
    Not,
    SOPClassIn,
    Truth,
    Unverifiable,
    ValueIn,
    contains_unparsed,
    walk,
)
from dicomstd.conditions.evaluate import EvaluationContext, evaluate, evaluate_requirement
from dicomstd.errors import BuildError
from dicomstd.generator.conditions.audit import audit
from dicomstd.generator.conditions.coverage import CompiledCondition, compile_conditions, coverage
from dicomstd.generator.conditions.overrides import load_overrides, parse_override_condition
from dicomstd.generator.conditions.extract import condition_sentences
from dicomstd.generator.conditions.parser import Vocabulary, parse_requirement
from dicomstd.generator.extractors import part03
from dicomstd.generator.iod_model import Part03Model
from dicomstd.generator.publications import read_publication

from conftest import require_publication

pytestmark = pytest.mark.standard
T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN


@pytest.fixture(scope="module")
def model() -> Part03Model:
    path = require_publication("2024c/part03.chtml.tar.xz")
    found, _accounts = part03.extract_information_object_definitions(read_publication(path))
    return found


@pytest.fixture(scope="module")
def compiled(model: Part03Model) -> list[CompiledCondition]:
    return compile_conditions(model)


def _find(
    compiled: list[CompiledCondition], test: Callable[[CompiledCondition], bool]
) -> CompiledCondition:
    for row in compiled:
        if test(row):
            return row
    raise AssertionError("no such row in PS3.3 2024c")


def test_value_3_of_image_type_is_label(compiled: list[CompiledCondition]) -> None:
    row = _find(
        compiled,
        lambda r: r.category == "module usage" and r.name == "Slide Label",
    )
    assert (
        row.requirement.text
        == "Required if Image Type (0008,0008) Value 3 is LABEL may be present otherwise"
    )
    required = row.requirement.required
    assert (
        isinstance(required, ValueIn)
        and required.value_number == 3
        and required.values == ("LABEL",)
    )
    ds = Dataset()
    ds.ImageType = ["ORIGINAL", "PRIMARY", "LABEL"]  # Value 3 (1-based) is LABEL
    assert evaluate(required, EvaluationContext(ds)) is T
    ds.ImageType = ["ORIGINAL", "LABEL", "VOLUME"]
    assert evaluate(required, EvaluationContext(ds)) is F
    outcome = evaluate_requirement(row.requirement, EvaluationContext(ds))
    assert (outcome.required, outcome.forbidden) == (F, F)  # "may be present otherwise"


def test_sop_class_uid_unquoted_with_its_name(compiled: list[CompiledCondition]) -> None:
    row = _find(
        compiled,
        lambda r: "has a value of 1.2.840.10008.5.1.4.1.1.200.2 (CT Performed"
        in r.requirement.text,
    )
    # "..., and Source Acquisition Protocol Element Number (0018,9938) is present and only
    # some of the beams ... are to be stored": the SOP Class test is the first term.
    conjunction = row.requirement.required
    assert isinstance(conjunction, And) and isinstance(conjunction.terms[-1], Unverifiable)
    required = conjunction.terms[0]
    assert isinstance(required, SOPClassIn)
    assert required.uids == ("1.2.840.10008.5.1.4.1.1.200.2", "1.2.840.10008.5.1.4.1.1.200.8")
    assert required.names[0] == "CT Performed Procedure Protocol Storage"
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.200.8"
    item = Dataset()
    assert evaluate(required, EvaluationContext(item, parents=(ds,))) is T


def test_and_with_a_clause_not_checkable(compiled: list[CompiledCondition]) -> None:
    text = (
        "Required if a Display Shutter is to be applied to referenced image(s) and the Bitmap "
        "Display Shutter Module is not present"
    )
    row = _find(compiled, lambda r: r.requirement.text == text)
    required = row.requirement.required
    assert isinstance(required, And) and isinstance(required.terms[0], Unverifiable)
    assert isinstance(required.terms[1], Not) and isinstance(required.terms[1].term, ModulePresent)
    bitmap = required.terms[1].term.table_id
    assert row.status == "parser"
    assert evaluate(required, EvaluationContext(Dataset(), modules=frozenset())) is U
    assert evaluate(required, EvaluationContext(Dataset(), modules=frozenset({bitmap}))) is F


def test_shall_not_be_present_if_and_may_be_present_otherwise(
    compiled: list[CompiledCondition],
) -> None:
    row = _find(
        compiled, lambda r: r.name == "Filter Low Frequency" and r.requirement.forbidden is not None
    )
    requirement = row.requirement
    assert "Shall not be present if Waveform Amplifier Type (003A,0317) is DC" in requirement.text
    assert requirement.otherwise_stated
    item = Dataset()
    item.WaveformAmplifierType = "DC"
    outcome = evaluate_requirement(requirement, EvaluationContext(item))
    assert (outcome.required, outcome.forbidden) == (F, T)
    item.WaveformAmplifierType = "AC"
    outcome = evaluate_requirement(requirement, EvaluationContext(item))
    assert (outcome.required, outcome.forbidden) == (T, F)
    item.FilterLowFrequencyCharacteristicsSequence = [Dataset()]
    outcome = evaluate_requirement(requirement, EvaluationContext(item))
    assert (outcome.required, outcome.forbidden) == (F, F)  # may be present otherwise


def test_condition_on_a_per_frame_functional_group(compiled: list[CompiledCondition]) -> None:
    row = _find(
        compiled,
        lambda r: r.table == "table_C.8-89" and r.path == "0018,9112/0018,0080",
    )
    assert row.requirement.text == (
        "Required if Frame Type (0008,9007) Value 1 of this frame is ORIGINAL May be present otherwise."
    )
    required = row.requirement.required
    assert isinstance(required, ValueIn) and required.attribute.scope == "frame"
    top = Dataset()
    frame = Dataset()
    frame_type = Dataset()
    frame_type.FrameType = ["ORIGINAL", "PRIMARY", "VOLUME", "NONE"]
    frame.MRImageFrameTypeSequence = [frame_type]
    top.PerFrameFunctionalGroupsSequence = [frame]
    timing = Dataset()
    context = EvaluationContext(timing, parents=(Dataset(), top), frame_groups=(frame, Dataset()))
    assert evaluate(required, context) is T
    frame_type.FrameType = ["DERIVED", "PRIMARY", "VOLUME", "NONE"]
    assert evaluate(required, context) is F


def test_condition_on_the_parent_item(compiled: list[CompiledCondition]) -> None:
    row = _find(compiled, lambda r: r.table == "table_C.8-39" and r.path == "300C,0002/300C,0118")
    assert row.requirement.text == "Required if Plan Overview Sequence (300C,0116) is present."
    required = row.requirement.required
    assert required.attribute.scope == "parent" and required.attribute.levels == 1  # type: ignore[union-attr]
    top = Dataset()
    item = Dataset()
    assert evaluate(required, EvaluationContext(item, parents=(top,))) is F
    top.PlanOverviewSequence = [Dataset()]
    assert evaluate(required, EvaluationContext(item, parents=(top,))) is T


def test_module_usage_refers_to_a_module(
    model: Part03Model, compiled: list[CompiledCondition]
) -> None:
    row = _find(
        compiled,
        lambda r: r.category == "module usage"
        and r.requirement.text == "Required if Graphic Annotation Module is present.",
    )
    required = row.requirement.required
    assert (
        isinstance(required, ModulePresent)
        and model.tables[required.table_id].name == "Graphic Annotation"
    )
    assert (
        evaluate(required, EvaluationContext(Dataset(), modules=frozenset({required.table_id})))
        is T
    )
    assert evaluate(required, EvaluationContext(Dataset(), modules=frozenset())) is F
    groups = _find(
        compiled,
        lambda r: r.category == "functional group usage"
        and r.requirement.text == "Required if the Enhanced Contrast/Bolus Module is present.",
    )
    assert isinstance(groups.requirement.required, ModulePresent)


def test_unparsed_sentences_are_reported_not_guessed(
    model: Part03Model, compiled: list[CompiledCondition]
) -> None:
    # On 2024c every sentence is now read (by the parser or a reviewed override); one the
    # grammar cannot read, with the names of the publication, is unparsed and UNKNOWN.
    sentence = "Required if the Frame Increment Pointer is frobnicated by Image Type (0008,0008)."
    made_up = parse_requirement(condition_sentences(sentence), Vocabulary(model))
    assert contains_unparsed(made_up.required)
    assert evaluate(made_up.required, EvaluationContext(_dataset(CT))) is U
    unparsed = [row for row in compiled if row.status == "unparsed"]
    for row in unparsed:
        assert contains_unparsed(row.requirement.required) or contains_unparsed(
            row.requirement.otherwise
        )
        assert evaluate(row.requirement.required, EvaluationContext(Dataset())) in (U, F, T)


def test_overrides_apply_and_stale_ones_fail(
    model: Part03Model, compiled: list[CompiledCondition]
) -> None:
    overridden = [row for row in compiled if row.status == "override"]
    assert {"table_C.8-17", "table_C.11-1b", "table_C.7-11a"} <= {
        row.table for row in overridden if row.category == "attribute"
    }
    for override in load_overrides():
        assert override.reason.strip(), override.key
    stale = load_overrides("""
[[attribute]]
table = "table_C.8-17"
path = "0018,6011/0018,6046"
sentence = "Required if Pixel Component Organization = Bit-aligned"
required = 'value_in("0018,6044", [0], scope="item")'
reason = "test"
""")
    with pytest.raises(BuildError, match="no longer match"):
        compile_conditions(model, stale, Vocabulary(model))


def test_coverage_report(model: Part03Model, compiled: list[CompiledCondition]) -> None:
    report = coverage(model, compiled)
    counts = report.counts()
    for category in ("attribute", "module usage", "functional group usage", "include"):
        row = counts[category]
        assert row["unique"] == sum(
            row[s] for s in ("parser", "override", "unknown by design", "unparsed")
        )
    # Compiled (parser + override) or understood as not checkable from the data.
    assert (counts["attribute"]["parser"] + counts["attribute"]["override"]) / counts["attribute"][
        "unique"
    ] > 0.74
    assert counts["attribute"]["unparsed"] / counts["attribute"]["unique"] < 0.2
    assert counts["module usage"]["unparsed"] / counts["module usage"]["unique"] < 0.1
    assert (
        counts["functional group usage"]["unparsed"] / counts["functional group usage"]["unique"]
        < 0.1
    )
    document = json.loads(report.to_json())
    assert document["edition"] == "2024c"
    assert all(entry["text"] for entries in document["sentences"].values() for entry in entries)
    assert "  attribute " in report.summary()


# --- phrasings the parser reads since the coverage work -----------------------------------------


def _text(compiled: list[CompiledCondition], text: str) -> CompiledCondition:
    return _find(compiled, lambda r: r.requirement.text == text)


def test_item_count_and_elliptical_subject(compiled: list[CompiledCondition]) -> None:
    row = _text(
        compiled,
        "Required when Surface Sequence (0066,0002) is present and contains more than one Item.",
    )
    assert row.status == "parser"
    assert any(isinstance(node, ItemCount) for node in walk(row.requirement.required))
    ds = Dataset()
    ds.SurfaceSequence = [Dataset()]
    assert evaluate(row.requirement.required, EvaluationContext(ds)) is F
    ds.SurfaceSequence.append(Dataset())
    assert evaluate(row.requirement.required, EvaluationContext(ds)) is T
    # "... is not present or has zero Items": the second clause's subject is the first's.
    row = _text(
        compiled,
        "Required if Treatment Tolerance Violation Attribute Sequence (300A,0733) is not present "
        "or has zero Items May be present otherwise.",
    )
    item = Dataset()
    assert evaluate(row.requirement.required, EvaluationContext(item)) is T
    item.TreatmentToleranceViolationAttributeSequence = []
    assert evaluate(row.requirement.required, EvaluationContext(item)) is T
    item.TreatmentToleranceViolationAttributeSequence = [Dataset()]
    assert evaluate(row.requirement.required, EvaluationContext(item)) is F


def test_elliptical_clause_binds_to_its_subject(compiled: list[CompiledCondition]) -> None:
    row = _text(
        compiled,
        "Required if Respiratory Motion Compensation Technique (0018,9170) equals other than NONE "
        "or REALTIME and Respiratory Trigger Type (0020,9250) is absent or has a value of TIME or "
        "BOTH.",
    )
    required = row.requirement.required
    assert isinstance(required, And) and len(required.terms) == 2
    ds = Dataset()
    ds.RespiratoryMotionCompensationTechnique = "NONE"
    ds.RespiratoryTriggerType = "TIME"
    assert evaluate(required, EvaluationContext(ds)) is F  # NONE: not required whatever follows
    ds.RespiratoryMotionCompensationTechnique = "BREATH_HOLD"
    assert evaluate(required, EvaluationContext(ds)) is T
    ds.RespiratoryTriggerType = "AMPLITUDE"
    assert evaluate(required, EvaluationContext(ds)) is F


def test_sequence_within_a_sequence(compiled: list[CompiledCondition]) -> None:
    row = _text(
        compiled,
        "Required if Content Item Modifier Sequence (0040,0441) within Performed Protocol Code "
        'Sequence (0040,0260) contains an Item with the value (360156006, SCT, "Screening") May '
        "be present otherwise.",
    )
    required = row.requirement.required
    assert isinstance(required, InAnyItem) and required.sequence.tag == 0x00400260
    code = Dataset()
    code.CodeValue = "360156006"
    code.CodingSchemeDesignator = "SCT"
    # "Within": in a Protocol Context Sequence (0040,0440) Item of a Performed Protocol Code
    # Sequence Item (PS3.3 Table 10-16), one level deeper than the sentence says.
    context = Dataset()
    context.ContentItemModifierSequence = [code]
    protocol = Dataset()
    protocol.ProtocolContextSequence = [context]
    ds = Dataset()
    ds.PerformedProtocolCodeSequence = [Dataset(), protocol]
    assert evaluate(required, EvaluationContext(ds)) is T
    code.CodeValue = "261004008"
    assert evaluate(required, EvaluationContext(ds)) is F


def test_private_attribute_tag(compiled: list[CompiledCondition]) -> None:
    row = _text(
        compiled,
        "Required if the Selector Attribute (0072,0026) value is the Data Element Tag of a Private "
        "Attribute.",
    )
    assert isinstance(row.requirement.required, PrivateTag)
    ds = Dataset()
    ds.add_new(0x00720026, "AT", 0x00431001)
    assert evaluate(row.requirement.required, EvaluationContext(ds)) is T
    ds[0x00720026].value = 0x00180050
    assert evaluate(row.requirement.required, EvaluationContext(ds)) is F


def test_conditions_of_another_section(compiled: list[CompiledCondition]) -> None:
    # PS3.3 C.36.2.2.5.1.1: required at the first RT Control Point (Index 1); later, only
    # when the value changed, which one Item does not show.
    row = _text(
        compiled,
        "Required if Treatment Position Sequence (300A,063F) is present and the conditions in "
        "Section C.36.2.2.5.1.1 are satisfied.",
    )
    assert row.status == "parser"
    point = Dataset()
    point.RTControlPointIndex = 1
    point.TreatmentPositionSequence = [Dataset()]
    assert evaluate(row.requirement.required, EvaluationContext(point)) is T
    point.RTControlPointIndex = 2
    assert evaluate(row.requirement.required, EvaluationContext(point)) is U
    del point.TreatmentPositionSequence
    assert evaluate(row.requirement.required, EvaluationContext(point)) is F


def test_mutually_exclusive(compiled: list[CompiledCondition]) -> None:
    row = _text(compiled, "Mutually exclusive with Unformatted Text Value (0070,0006).")
    item = Dataset()
    item.UnformattedTextValue = "text"
    outcome = evaluate_requirement(row.requirement, EvaluationContext(item))
    assert (outcome.required, outcome.forbidden) == (F, T)
    outcome = evaluate_requirement(row.requirement, EvaluationContext(Dataset()))
    assert outcome.required is U  # the sentence says only "not both"


def test_may_be_present_if(compiled: list[CompiledCondition]) -> None:
    row = _text(
        compiled,
        "Required if Diffusion Directionality (0018,9075) equals DIRECTIONAL May be present if "
        "Diffusion Directionality (0018,9075) equals BMATRIX.",
    )
    item = Dataset()
    item.DiffusionDirectionality = "BMATRIX"
    outcome = evaluate_requirement(row.requirement, EvaluationContext(item))
    assert (outcome.required, outcome.forbidden) == (F, F)
    item.DiffusionDirectionality = "ISOTROPIC"
    outcome = evaluate_requirement(row.requirement, EvaluationContext(item))
    assert (outcome.required, outcome.forbidden) == (F, T)


def test_multi_frame_and_transfer_syntax(compiled: list[CompiledCondition]) -> None:
    from pydicom.dataset import FileMetaDataset

    row = _find(compiled, lambda r: r.table == "table_C.8-26" and r.path == "0028,0009")
    assert row.requirement.text == "Required if Multi-frame Image"
    ds = Dataset()
    assert evaluate(row.requirement.required, EvaluationContext(ds)) is F
    ds.NumberOfFrames = "1"
    assert evaluate(row.requirement.required, EvaluationContext(ds)) is U
    ds.NumberOfFrames = "12"
    assert evaluate(row.requirement.required, EvaluationContext(ds)) is T
    url = _find(compiled, lambda r: r.table == "table_C.7-11a" and r.path == "0028,7FE0")
    assert url.status == "override" and isinstance(url.requirement.required, TransferSyntaxIn)
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.95"
    assert evaluate(url.requirement.required, EvaluationContext(ds)) is T
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.50"
    assert evaluate(url.requirement.required, EvaluationContext(ds)) is F


def test_module_overrides(model: Part03Model, compiled: list[CompiledCondition]) -> None:
    rows = [r for r in compiled if r.category == "module usage" and r.table == "table_PS3.3_A.75-1"]
    floats = next(
        r for r in rows if r.requirement.text == "Required if 32 bit floating point pixels"
    )
    ds = Dataset()
    ds.add_new(0x7FE00008, "OF", b"\x00\x00\x80\x3f")
    assert evaluate(floats.requirement.required, EvaluationContext(ds)) is T
    assert evaluate(floats.requirement.required, EvaluationContext(Dataset())) is F
    beams = _find(
        compiled,
        lambda r: r.category == "module usage"
        and r.path == "table_C.8-50"
        and "fraction groups" in r.requirement.text,
    )
    plan = Dataset()
    group = Dataset()
    group.NumberOfBeams = 2
    plan.FractionGroupSequence = [group]
    context = EvaluationContext(plan, modules=frozenset({"table_C.8-49"}))
    assert evaluate(beams.requirement.required, context) is T
    group.NumberOfBeams = 0
    assert evaluate(beams.requirement.required, context) is F


def test_report_lists_every_sentence_not_compiled(
    model: Part03Model, compiled: list[CompiledCondition]
) -> None:
    report = coverage(model, compiled)
    document = json.loads(report.to_json())
    counts = document["counts"]
    missing = document["not_compiled"]
    assert len(missing) == sum(
        counts[c]["unknown by design"] + counts[c]["unparsed"] for c in counts
    )
    for entry in missing:
        assert entry["status"] in ("unknown by design", "unparsed")
        assert entry["category"] and entry["table"] and entry["path"] and entry["text"]
    assert document["compiled"]["attribute"]["public validator %"] == 65.0
    summary = report.summary()
    assert "65%" in summary and "28%" in summary and "52%" in summary


# --- conditions the comparison with dciodvfy exposed ------------------------------------------


def _dataset(sop_class: str, **values: object) -> Dataset:
    ds = Dataset()
    ds.SOPClassUID = sop_class
    for keyword, value in values.items():
        setattr(ds, keyword, value)
    return ds


CT = "1.2.840.10008.5.1.4.1.1.2"
US = "1.2.840.10008.5.1.4.1.1.6.1"
NM = "1.2.840.10008.5.1.4.1.1.20"


def test_ct_rescale_type_is_not_required_by_its_own_absence(
    compiled: list[CompiledCondition],
) -> None:
    row = _find(compiled, lambda r: r.table == "table_C.8-3" and r.path == "0028,1054")
    required = row.requirement.required
    # PS3.3 Table C.8-3: absent, HU is implied: "the Rescale Type is not HU" is not in the data.
    assert evaluate(required, EvaluationContext(_dataset(CT))) is U
    assert evaluate(required, EvaluationContext(_dataset(CT, RescaleType="HU"))) is F
    assert evaluate(required, EvaluationContext(_dataset(CT, MultienergyCTAcquisition="YES"))) is T
    outcome = evaluate_requirement(row.requirement, EvaluationContext(_dataset(CT)))
    assert outcome.required is U and outcome.forbidden is F


def test_patient_position_for_ct_and_mr_images(compiled: list[CompiledCondition]) -> None:
    row = _find(compiled, lambda r: r.table == "table_C.7-5a" and r.path == "0018,5100")
    assert row.status == "parser"
    required = row.requirement.required
    assert evaluate(required, EvaluationContext(_dataset(CT))) is T
    assert evaluate(required, EvaluationContext(_dataset("1.2.840.10008.5.1.4.1.1.4"))) is T
    assert evaluate(required, EvaluationContext(_dataset(US))) is F


def test_patient_orientation_of_the_general_image_module(
    compiled: list[CompiledCondition],
) -> None:
    row = _find(compiled, lambda r: r.table == "table_C.7-9" and r.path == "0020,0020")
    assert row.status == "override"
    required = row.requirement.required
    assert evaluate(required, EvaluationContext(_dataset(US))) is T  # no Image Plane Module
    assert evaluate(required, EvaluationContext(_dataset(CT))) is F  # Image Plane Module M
    assert evaluate(required, EvaluationContext(_dataset(NM))) is U  # NM Detector 2C


def test_enhanced_rt_beam_limiting_opening_needs_the_flag(
    compiled: list[CompiledCondition],
) -> None:
    rows = [
        r
        for r in compiled
        if r.category == "attribute"
        and r.path.endswith("3008,00A2")
        and r.requirement.text.startswith("Required for")
    ]
    assert len(rows) >= 4
    for row in rows:
        control_point = Dataset()
        beam = Dataset()  # no Enhanced RT Beam Limiting Device Definition Flag (3008,00A3)
        context = EvaluationContext(control_point, (beam, Dataset()), item_index=0)
        assert evaluate(row.requirement.required, context) is F, row.path


def test_conditional_includes_are_compiled(
    model: Part03Model, compiled: list[CompiledCondition]
) -> None:
    from dicomstd.generator.conditions.coverage import include_conditions

    includes = [r for r in compiled if r.category == "include"]
    by_path = {(r.table, r.path): r for r in includes}
    num = by_path[("table_C.17-5", "table_C.18.1-1")]
    assert num.status == "parser" and num.requirement.otherwise == Constant(False)
    item = Dataset()
    item.ValueType = "NUM"
    assert evaluate(num.requirement.required, EvaluationContext(item)) is T
    item.ValueType = "CODE"
    assert evaluate(num.requirement.required, EvaluationContext(item)) is F
    by_value = by_path[("table_C.17-6", "0040,A730/table_C.17-5")]
    assert by_value.status == "override"
    assert evaluate(by_value.requirement.required, EvaluationContext(Dataset())) is T
    reference = Dataset()
    reference.ReferencedContentItemIdentifier = [1, 1]
    assert evaluate(by_value.requirement.required, EvaluationContext(reference)) is F
    stow = by_path[("table_C.7-11a", "table_C.7-11c")]
    assert stow.status == "override" and stow.requirement.required == Constant(True)
    # A qualifier that chooses a context group is no condition of the include.
    assert not any(r.table == "table_C.36.22-1" for r in includes)
    assert not any(r.status == "unparsed" for r in includes)
    # Each compiled include is found again by its row.
    attached = include_conditions(model, compiled)
    assert len(attached) == len(includes)
    report = coverage(model, compiled)
    assert report.counts()["include"]["unique"] == len({r.requirement.text for r in includes})
    assert "  include " in report.summary()


def test_stale_include_override_fails(model: Part03Model) -> None:
    stale = load_overrides("""
[[include]]
table = "table_C.17-5"
path = "table_C.18.1-1"
sentence = "if and only if Value Type (0040,A040) is NUMERIC."
required = 'value_in("0040,A040", ["NUM"], scope="item")'
reason = "test"
""")
    with pytest.raises(BuildError, match="no longer match"):
        compile_conditions(model, stale, Vocabulary(model))


# --- unparsed sentences read by the grammar (2024c) -----------------------------------------------


def _row(compiled: list[CompiledCondition], table: str, path: str) -> CompiledCondition:
    return _find(compiled, lambda r: r.table == table and r.path == path)


def test_former_unparsed_sentences_compile(compiled: list[CompiledCondition]) -> None:
    ct_vmi = _row(compiled, "table_C.8.15.3.12-1", "0018,9364")
    assert ct_vmi.status == "parser"
    image_type = ["ORIGINAL", "PRIMARY", "AXIAL", "VMI"]
    ct = _dataset(CT, ImageType=image_type)
    assert evaluate(ct_vmi.requirement.required, EvaluationContext(ct)) is T
    assert evaluate(ct_vmi.requirement.required, EvaluationContext(_dataset(NM))) is F
    icc = _row(compiled, "table_C.7.6.23-1", "0028,2000")
    assert icc.status == "parser"
    assignment = Dataset()
    assignment.DataPathAssignment = "PRIMARY_PVALUES"
    top = _dataset(CT, DataFrameAssignmentSequence=[assignment])
    assert evaluate(icc.requirement.required, EvaluationContext(top)) is F
    assignment.DataPathAssignment = "OTHER_PVALUES"
    assert evaluate(icc.requirement.required, EvaluationContext(top)) is T
    wedge = _row(compiled, "table_C.8-50", "300A,00B0/300A,0111/300A,0116")
    assert wedge.status == "parser"
    beam = Dataset()
    beam.NumberOfWedges = 0
    first = EvaluationContext(Dataset(), (beam, Dataset()), item_index=0)
    assert evaluate(wedge.requirement.required, first) is F
    later = EvaluationContext(Dataset(), (beam, Dataset()), item_index=2)
    assert evaluate(wedge.requirement.required, later) is U
    text = _row(compiled, "table_C.10-5", "0070,0001/0070,0008")
    assert text.status == "parser"
    annotation = Dataset()
    assert evaluate(text.requirement.required, EvaluationContext(annotation)) is T


def test_former_unparsed_sentences_about_other_instances(
    compiled: list[CompiledCondition],
) -> None:
    for table, path in (
        ("table_C.8-89", "0018,9112/0018,9239"),  # "the system is capable of calculating"
    ):
        assert _row(compiled, table, path).status == "unknown by design", path
    # "Required if Applicator Sequence (300A,0107) is included in the RT Ion Plan referenced
    # within the Referenced RT Plan Sequence (300C,0002)": read on the plan where it is at
    # hand, decided where every Ion Beam or none has one (whichever beam the Item records).
    applicator = _row(compiled, "table_C.8.8.26-1", "3008,0021/300A,0107")
    assert applicator.status == "override"
    record = Dataset()
    record.ReferencedRTPlanSequence = [_item(ReferencedSOPInstanceUID="1.2.3.9")]

    def plan(*applicators: bool) -> Dataset:
        beams = [_item(ApplicatorSequence=[Dataset()]) if a else Dataset() for a in applicators]
        return _item(IonBeamSequence=beams)

    def on(found: Dataset | None) -> Truth:
        at_hand = {} if found is None else {"1.2.3.9": found}
        context = EvaluationContext(Dataset(), (record,), instances=at_hand.get)
        return evaluate(applicator.requirement.required, context)

    assert (on(plan(True, True)), on(plan(False, False)), on(plan(True, False))) == (T, F, U)
    assert on(None) is U
    brachy = _row(compiled, "table_C.8.8.30-1", "0074,1404")
    assert brachy.status == "parser"  # the Brachy Task Sequence part is checked
    task = Dataset()
    task.TreatmentDeliveryType = "TREATMENT"
    record = _dataset(CT, BrachyTaskSequence=[task])
    assert evaluate(brachy.requirement.required, EvaluationContext(record)) is F


# --- Evidence overrides: sentences about the world, decided TRUE where the data proves them --


def _usage_row(compiled: list[CompiledCondition], iod: str, table: str) -> CompiledCondition:
    return _find(
        compiled,
        lambda r: r.category in ("module usage", "functional group usage")
        and r.table == iod
        and r.path == table,
    )


def _top(row: CompiledCondition, ds: Dataset, **context: object) -> Truth:
    return evaluate(row.requirement.required, EvaluationContext(ds, **context))  # type: ignore[arg-type]


def test_evidence_contrast_functional_group_not_synchronization(
    compiled: list[CompiledCondition],
) -> None:
    cardiac = _usage_row(compiled, "table_A.36-1", "table_C.7.6.18-1")  # Enhanced MR
    contrast = _usage_row(compiled, "table_A.38-1", "table_C.7-12b")  # Enhanced CT
    assert contrast.status == "override"
    # The Cardiac Synchronization Functional Group may be present without gating (Enhanced
    # MR: "... other than NONE or REALTIME. May be present otherwise"): no evidence (the
    # override's evidence is Image Type Value 3, tested below).
    assert cardiac.status == "override"
    for row in (cardiac, contrast):
        assert _top(row, Dataset()) is U  # no evidence: never FALSE, never forbids
        assert evaluate_requirement(row.requirement, EvaluationContext(Dataset())).forbidden is U
    shared = Dataset()
    shared.CardiacSynchronizationSequence = [Dataset()]
    image = Dataset()
    image.SharedFunctionalGroupsSequence = [shared]
    assert _top(cardiac, image) is U
    assert _top(contrast, image) is U
    frame = Dataset()
    frame.ContrastBolusUsageSequence = [Dataset()]
    image.PerFrameFunctionalGroupsSequence = [Dataset(), frame]
    assert _top(contrast, image) is T


def test_reviewed_evidence_needs_values_and_own_character_sets(
    compiled: list[CompiledCondition],
) -> None:
    # Graphic Layer: a zero-length Overlay Activation Layer names no layer (PS3.3 C.11.7).
    layer = _usage_row(compiled, "table_A.33.1-1", "table_C.10-7")
    state = Dataset()
    state.add_new(0x60001001, "CS", None)
    assert _top(layer, state) is U
    state[0x60001001].value = "ANNOTATIONS"
    assert _top(layer, state) is T
    # US Stage: zero-length Type 3 Attributes are as absent (PS3.5 7.4).
    stages = _row(compiled, "table_C.8-18", "0008,2124")
    us = Dataset()
    us.StageName = ""
    assert _top(stages, us) is U
    us.StageName = "REST"
    assert _top(stages, us) is T
    # SOP Common Specific Character Set: an Item with its own set speaks only for itself.
    charset = _row(compiled, "table_C.12-1", "0008,0005")
    item = Dataset()
    item.SpecificCharacterSet = "ISO_IR 192"
    item.PatientName = "Müller"
    top = Dataset()
    top.OtherPatientIDsSequence = [item]
    assert _top(charset, top) is U
    del item.SpecificCharacterSet
    assert _top(charset, top) is T
    # Segmentation Derivation Image: a slide Frame of Reference without Pixel Measures is fine.
    derivation = _usage_row(compiled, "table_A.51-1", "table_C.7.6.16-7")
    slide_frame = Dataset()
    slide_frame.PlanePositionSlideSequence = [Dataset()]
    segmentation = Dataset()
    segmentation.FrameOfReferenceUID = "1.2.3"
    segmentation.PerFrameFunctionalGroupsSequence = [slide_frame]
    assert _top(derivation, segmentation) is U
    del segmentation.FrameOfReferenceUID
    assert _top(derivation, segmentation) is T


def test_evidence_cine_rt_dose_and_concatenation(compiled: list[CompiledCondition]) -> None:
    cine = _usage_row(compiled, "table_A.14-1", "table_C.7-13")  # XA
    assert cine.status == "override"
    xa = Dataset()
    xa.FrameIncrementPointer = 0x00181063  # Frame Time
    assert _top(cine, xa) is T
    xa.FrameIncrementPointer = 0x00200013  # Instance Number
    assert _top(cine, xa) is U
    pixel = _usage_row(compiled, "table_A.18.3-1", "table_C.7-11a")  # RT Dose: Image Pixel
    dose = Dataset()
    assert _top(pixel, dose) is U
    dose.DoseGridScaling = 1e-6
    assert _top(pixel, dose) is T
    uid = _row(compiled, "table_C.7.6.16-1", "0020,9161")
    enhanced = Dataset()
    enhanced.InConcatenationTotalNumber = 1  # how an IOD forbids Concatenations: no evidence
    assert _top(uid, enhanced) is U
    enhanced.InConcatenationNumber = 2
    assert _top(uid, enhanced) is T


def test_evidence_dimension_index_and_cda_are_decided(compiled: list[CompiledCondition]) -> None:
    phase = _row(compiled, "table_C.7.6.16-8", "0018,9118/0020,9241")
    assert phase.status == "override"
    index = Dataset()
    index.DimensionIndexPointer = 0x00209241
    top = Dataset()
    top.DimensionIndexSequence = [index]
    item = Dataset()
    assert evaluate(phase.requirement.required, EvaluationContext(item, (Dataset(), top))) is T
    index.DimensionIndexPointer = 0x00209153
    outcome = evaluate_requirement(phase.requirement, EvaluationContext(item, (Dataset(), top)))
    assert (outcome.required, outcome.forbidden) == (F, F)  # "may be present otherwise"
    hl7 = _row(compiled, "table_C.24-2", "0040,E001")
    assert _top(hl7, _dataset("1.2.840.10008.5.1.4.1.1.104.2")) is T  # Encapsulated CDA
    pdf_document = _dataset("1.2.840.10008.5.1.4.1.1.104.1")  # Encapsulated PDF
    pdf = evaluate_requirement(hl7.requirement, EvaluationContext(pdf_document))
    assert (pdf.required, pdf.forbidden) == (F, T)
    assert _top(hl7, _dataset("1.2.3.4")) is U


def test_evidence_lossy_transfer_syntax_and_character_set(
    compiled: list[CompiledCondition],
) -> None:
    lossy = _row(compiled, "table_C.8-9", "0028,2110")  # NM Image Module
    nm = _dataset(NM)
    assert _top(lossy, nm, transfer_syntax_uid="1.2.840.10008.1.2.4.50") is T
    assert _top(lossy, nm, transfer_syntax_uid="1.2.840.10008.1.2.1") is U
    assert _top(lossy, nm, transfer_syntax_uid="1.2.840.10008.1.2.4.90") is U  # may be lossless
    charset = _row(compiled, "table_C.12-1", "0008,0005")
    assert charset.status == "override"
    patient = _dataset(CT, PatientName="Muller^Hans")
    assert _top(charset, patient) is U
    patient.PatientName = "Müller^Hans"
    assert _top(charset, patient) is T


def test_evidence_sr_content_tree_references(compiled: list[CompiledCondition]) -> None:
    evidence = _row(compiled, "table_C.17-2", "0040,A375")
    reference = Dataset()
    reference.ReferencedSOPClassUID = CT
    reference.ReferencedSOPInstanceUID = "1.2.3.4"
    image = Dataset()
    image.ValueType = "IMAGE"
    image.ReferencedSOPSequence = [reference]
    container = Dataset()
    container.ValueType = "CONTAINER"
    container.ContentSequence = [image]
    report = _dataset("1.2.840.10008.5.1.4.1.1.88.11", ContentSequence=[container])
    assert _top(evidence, report) is T  # an Instance referenced two levels down
    report.PertinentOtherEvidenceSequence = [Dataset()]  # it may be listed there instead
    assert _top(evidence, report) is U
    assert _top(evidence, _dataset("1.2.840.10008.5.1.4.1.1.88.11")) is U
    # The Content Tree at any depth: the reference twelve CONTAINERs down.
    del report.PertinentOtherEvidenceSequence
    deep = image
    for _ in range(12):
        outer = Dataset()
        outer.ValueType = "CONTAINER"
        outer.ContentSequence = [Dataset(), deep]
        deep = outer
    report.ContentSequence = [deep]
    assert _top(evidence, report) is T


def test_frame_anatomy_legacy_converted_is_never_false(compiled: list[CompiledCondition]) -> None:
    anatomy = _usage_row(compiled, "table_A.70-1", "table_C.7.6.16-9")
    for ds in (Dataset(), _dataset(CT, BodyPartExamined="CHEST")):
        outcome = evaluate_requirement(anatomy.requirement, EvaluationContext(ds))
        assert (outcome.required, outcome.forbidden) == (U, U)


# --- the last unparsed Attribute sentences: overrides checked against PS3.3 -----------------------


def _item(**values: object) -> Dataset:
    item = Dataset()
    for keyword, value in values.items():
        setattr(item, keyword, value)
    return item


def _in(row: CompiledCondition, item: Dataset, *parents: Dataset) -> Truth:
    return evaluate(row.requirement.required, EvaluationContext(item, parents))


def test_segment_reference_by_the_referenced_sop_class(compiled: list[CompiledCondition]) -> None:
    # PS3.3 C.36.9.1.1, Table C.36.9-2: the referencing Attribute per referenced SOP Class.
    path = "3010,0021/3010,0023/"
    segment = _row(compiled, "table_C.36.9-1", path + "0062,000B")
    roi = _row(compiled, "table_C.36.9-1", path + "3006,0084")
    surface = _row(compiled, "table_C.36.9-1", path + "0066,002C")
    assert segment.status == roi.status == surface.status == "override"

    def direct(sop_class: str) -> Dataset:
        reference = _item(ReferencedSOPClassUID=sop_class, ReferencedSOPInstanceUID="1.2.3")
        return _item(ReferencedSOPSequence=[reference])

    surface_segmentation = direct("1.2.840.10008.5.1.4.1.1.66.5")
    top = Dataset()
    assert _in(segment, surface_segmentation, Dataset(), top) is T
    assert _in(roi, surface_segmentation, Dataset(), top) is F
    assert _in(surface, surface_segmentation, Dataset(), top) is F
    structure_set = direct("1.2.840.10008.5.1.4.1.1.481.3")
    assert _in(roi, structure_set, Dataset(), top) is T
    assert _in(surface, direct("1.2.840.10008.5.1.4.1.1.68.1"), Dataset(), top) is T


def test_inventory_removal_reads_the_enclosing_levels(compiled: list[CompiledCondition]) -> None:
    series = _row(compiled, "table_C.38.1-1", "0008,0423/0008,0424/0008,0405")
    instance = _row(compiled, "table_C.38.1-1", "0008,0423/0008,0424/0008,0425/0008,0405")
    removed, kept = _item(RemovedFromOperationalUse="Y"), _item(RemovedFromOperationalUse="N")
    top = Dataset()
    assert _in(series, Dataset(), removed, top) is F
    assert _in(series, Dataset(), kept, top) is U
    assert _in(instance, Dataset(), Dataset(), removed, top) is F  # Study level
    assert _in(instance, Dataset(), removed, kept, top) is F  # Series level
    assert _in(instance, Dataset(), kept, kept, top) is U
    assert series.requirement.otherwise == Constant(True)
    retrieve = _row(compiled, "table_C.38.1-1", "0008,0423/0008,0054")
    end_points = _item(RetrieveAETitle="ARCHIVE")
    assert _in(retrieve, Dataset(), _item(StudyAccessEndPointsSequence=[end_points])) is F
    assert _in(retrieve, Dataset(), Dataset()) is U


def test_a_referenced_wedge_is_the_wedge_with_that_number(
    compiled: list[CompiledCondition],
) -> None:
    row = _row(compiled, "table_C.8.8.25-1", "300A,03A2/300A,03A8/300A,03AC/300A,00DB")
    position = _item(ReferencedWedgeNumber=1)

    def beam(*types: str) -> Dataset:
        wedges = [_item(WedgeNumber=n, WedgeType=t) for n, t in enumerate(types, start=1)]
        return _item(NumberOfWedges=len(types), IonWedgeSequence=wedges)

    top = Dataset()
    assert _in(row, position, Dataset(), beam("PARTIAL_STANDARD"), top) is T
    assert _in(row, position, Dataset(), beam("STANDARD"), top) is F
    # The wedge with Wedge Number 1 decides, whatever the others are.
    assert _in(row, position, Dataset(), beam("STANDARD", "PARTIAL_MOTORIZ"), top) is F
    assert _in(row, position, Dataset(), beam("PARTIAL_MOTORIZ", "STANDARD"), top) is T


def test_contrast_agent_phase_is_bounded_by_the_agents(compiled: list[CompiledCondition]) -> None:
    row = _row(compiled, "table_C.7.16-13", "0018,9341/0018,9344")
    intravenous = _item(CodeValue="47625008", CodingSchemeDesignator="SCT")
    oral = _item(CodeValue="26643006", CodingSchemeDesignator="SCT")

    def agent(number: int, route: Dataset) -> Dataset:
        return _item(
            ContrastBolusAgentNumber=number, ContrastBolusAdministrationRouteSequence=[route]
        )

    usage = _item(ContrastBolusAgentNumber=1)
    group = Dataset()
    one = _item(ContrastBolusAgentSequence=[agent(1, intravenous)])
    assert _in(row, usage, group, one) is T
    assert _in(row, usage, group, _item(ContrastBolusAgentSequence=[agent(1, oral)])) is F
    both = _item(ContrastBolusAgentSequence=[agent(1, intravenous), agent(2, oral)])
    assert _in(row, usage, group, both) is U
    assert row.requirement.otherwise == Constant(True)


def test_track_set_colour_decides_only_where_every_reading_agrees(
    compiled: list[CompiledCondition],
) -> None:
    row = _row(compiled, "table_C.8.33-2", "0066,0101/0062,000D")
    coloured = _item(RecommendedDisplayCIELabValue=[1, 2, 3])
    listed = _item(RecommendedDisplayCIELabValueList=b"\x00\x01" * 3)
    top = Dataset()
    assert _in(row, _item(TrackSequence=[Dataset(), Dataset()]), top) is T
    assert _in(row, _item(TrackSequence=[coloured, coloured]), top) is F
    assert _in(row, _item(TrackSequence=[listed, coloured]), top) is U
    assert _in(row, _item(TrackSequence=[coloured, Dataset()]), top) is U


def test_by_reference_content_items_and_table_cells(compiled: list[CompiledCondition]) -> None:
    by_reference = _row(compiled, "table_C.17-6", "0040,A730/0040,DB73")
    top = Dataset()
    assert _in(by_reference, _item(RelationshipType="INFERRED FROM"), top) is T
    assert _in(by_reference, _item(RelationshipType="CONTAINS", ValueType="TEXT"), top) is F
    row_number = _row(compiled, "table_C.18.10-1", "0040,A801/0040,A808/0040,A804")
    assert _in(row_number, Dataset(), Dataset(), top) is T
    assert _in(row_number, _item(TableColumnNumber=2), Dataset(), top) is U
    units = _row(compiled, "table_C.18.10-1", "0040,A801/0040,A808/0040,08EA")
    assert _in(units, _item(SelectorAttributeVR="UC"), Dataset(), top) is F
    assert _in(units, _item(SelectorAttributeVR="FD"), Dataset(), top) is U


def test_pixel_aspect_ratio_is_false_only_beside_a_pixel_spacing(
    compiled: list[CompiledCondition],
) -> None:
    row = _row(compiled, "table_C.7-11c", "0028,0034")
    assert _in(row, _dataset(CT, PixelSpacing=[0.5, 0.5])) is F
    assert _in(row, _dataset(CT)) is U
    # An Icon Image Sequence Item: the top-level Pixel Spacing is not about the icon.
    assert _in(row, Dataset(), _dataset(CT, PixelSpacing=[0.5, 0.5])) is U


# --- Code Sequence Macro: Code Value where neither Long nor URN Code Value holds the value ------


def test_code_value_required_where_no_other_code_value_attribute(
    compiled: list[CompiledCondition],
) -> None:
    row = _find(
        compiled,
        lambda r: r.category == "attribute" and r.table == "table_8.8-1a" and r.path == "0008,0100",
    )
    item = Dataset()
    item.CodingSchemeDesignator = "DCM"
    item.CodeMeaning = "Image"
    # Neither Long Code Value nor URN Code Value: Code Value shall be present (PS3.3 8.8).
    assert evaluate(row.requirement.required, EvaluationContext(item)) is T
    item.LongCodeValue = "1234567890ABCDEFGHIJ"
    assert evaluate(row.requirement.required, EvaluationContext(item)) is U
    del item.LongCodeValue
    item.URNCodeValue = "urn:oid:1.2.3"
    assert evaluate(row.requirement.required, EvaluationContext(item)) is U


def test_palette_color_data_decided_by_the_segmented_attributes(
    compiled: list[CompiledCondition],
) -> None:
    plain = _row(compiled, "table_C.7-22a", "0028,1201")
    segmented = _row(compiled, "table_C.7-22a", "0028,1222")
    assert (plain.status, segmented.status) == ("override", "override")
    image = _dataset(US)
    assert evaluate_requirement(plain.requirement, EvaluationContext(image)).required is T
    assert evaluate_requirement(segmented.requirement, EvaluationContext(image)).required is F
    image.add_new(0x00281221, "OW", b"\x00\x00")  # segmented Red only: Green is missing
    assert _top(plain, image) is F
    assert _top(segmented, image) is T
    # PS3.3 C.7.9: the Palette Color Lookup Table Module's conditions take precedence over
    # the Image Pixel Module's, which would otherwise require the non-segmented Data.
    image_pixel = _row(compiled, "table_C.7-11c", "0028,1201")
    image.PhotometricInterpretation = "PALETTE COLOR"
    assert _top(image_pixel, image) is F
    del image[0x00281221]
    assert _top(image_pixel, image) is T
    pseudo_color = _dataset("1.2.840.10008.5.1.4.1.1.11.3")  # a Presentation State
    pseudo_color.add_new(0x00281222, "OW", b"\x00\x00")
    outcome = evaluate_requirement(segmented.requirement, EvaluationContext(pseudo_color))
    assert (outcome.required, outcome.forbidden) == (F, T)
    assert _top(plain, pseudo_color) is T


def test_evidence_third_pass_is_one_sided(compiled: list[CompiledCondition]) -> None:
    spacing = _row(compiled, "table_10-10", "0028,0030")
    image = Dataset()
    assert _top(spacing, image) is U
    image.PixelSpacingCalibrationType = "GEOMETRY"
    assert _top(spacing, image) is T
    organism = _row(compiled, "table_C.7-1", "0010,2297")  # Responsible Person
    patient = Dataset()
    patient.PatientSpeciesDescription = "Homo sapiens"  # "May be present otherwise"
    assert _top(organism, patient) is U
    patient.StrainDescription = "C57BL/6J"
    assert _top(organism, patient) is T
    neutered = _row(compiled, "table_C.7-4a", "0010,2203")
    assert _top(neutered, patient) is T
    # A dynamic acquisition is no proof that this Series holds more than one time point
    # (evidence withdrawn after review).
    content_date = _row(compiled, "table_C.7-9", "0008,0023")
    assert content_date.status == "unknown by design"
    mr = Dataset()
    mr.NumberOfTemporalPositions = 12
    assert _top(content_date, mr) is U
    file_id = _row(compiled, "table_F.3-3", "0004,1220/0004,1500")
    record = Dataset()
    outcome = evaluate_requirement(file_id.requirement, EvaluationContext(record))
    assert (outcome.required, outcome.forbidden) == (U, U)
    record.ReferencedSOPInstanceUIDInFile = "1.2.3"
    outcome = evaluate_requirement(file_id.requirement, EvaluationContext(record))
    assert (outcome.required, outcome.forbidden) == (T, F)


def test_evidence_slide_and_patient_frames_of_reference(compiled: list[CompiledCondition]) -> None:
    confocal = "table_A.90.2.3-1"
    slide_position = _usage_row(compiled, confocal, "table_C.8.12.6.1-1")
    tile_organization = _usage_row(compiled, confocal, "table_C.8.12.14-1")
    specimen = _usage_row(compiled, confocal, "table_C.7.6.22-1")
    image = Dataset()
    image.PositionReferenceIndicator = ""
    image.TissueLocation = "INVIVO"
    for row in (slide_position, tile_organization, specimen):
        assert row.status == "override"
        assert _top(row, image) is U
    image.PositionReferenceIndicator = "SLIDE_CORNER"
    for row in (slide_position, tile_organization, specimen):
        assert _top(row, image) is T
    image.DimensionOrganizationType = "TILED_FULL"  # Plane Position (Slide) "may be omitted"
    assert _top(slide_position, image) is U
    image.PositionReferenceIndicator = ""
    image.TissueLocation = "EXVIVO"  # "an excised tissue sample"
    assert _top(specimen, image) is T
    position = _usage_row(compiled, "table_PS3.3_A.75-1", "table_C.7.6.16-4")  # Parametric Map
    frame = Dataset()
    frame.PlaneOrientationSequence = [Dataset()]
    parametric_map = Dataset()
    parametric_map.PerFrameFunctionalGroupsSequence = [frame]
    assert _top(position, parametric_map) is T
    parametric_map.PositionReferenceIndicator = "SLIDE_CORNER"
    assert _top(position, parametric_map) is U
    multi_frame = _usage_row(compiled, "table_A.14-1", "table_C.7-14")  # XA Multi-frame Module
    xa = Dataset()
    assert _top(multi_frame, xa) is U
    xa.FrameIncrementPointer = 0x00181065  # Frame Time Vector
    assert _top(multi_frame, xa) is T


def test_evidence_image_type_value_3_only_where_table_c8_129_applies(
    compiled: list[CompiledCondition],
) -> None:
    cardiac_mr = _usage_row(compiled, "table_A.36-1", "table_C.7.6.18-1")  # Enhanced MR
    cardiac_xa = _usage_row(compiled, "table_A.47-1", "table_C.7.6.18-1")  # Enhanced XA
    respiratory = _usage_row(compiled, "table_A.38-1", "table_C.7.6.18-2")  # Enhanced CT
    mr = _dataset("1.2.840.10008.5.1.4.1.1.4.1", ImageType=["ORIGINAL", "PRIMARY", "CARDIAC"])
    assert _top(cardiac_mr, mr) is U  # "Images of the heart": no word on gating
    mr.ImageType = ["ORIGINAL", "PRIMARY", "CARDIAC_GATED", "NONE"]
    assert _top(cardiac_mr, mr) is T
    xa = _dataset(
        "1.2.840.10008.5.1.4.1.1.12.1.1", ImageType=["ORIGINAL", "PRIMARY", "CARDIAC_GATED"]
    )
    assert _top(cardiac_xa, xa) is U  # XA's Value 3 is not Table C.8-129's
    ct = _dataset(
        "1.2.840.10008.5.1.4.1.1.2.1", ImageType=["ORIGINAL", "PRIMARY", "CARDRESP_GATED"]
    )
    assert _top(respiratory, ct) is T
    temporal = _usage_row(compiled, "table_A.59-1", "table_C.7.6.16.2.23-1")  # US Volume
    volume = _dataset("1.2.840.10008.5.1.4.1.1.6.2", ImageType=["ORIGINAL", "PRIMARY", "DYNAMIC"])
    assert _top(temporal, volume) is T
    volume.CardiacSynchronizationTechnique = "PROSPECTIVE"  # ECG-triggered dynamic imaging
    assert _top(temporal, volume) is U


def test_evidence_per_frame_groups_pointer_and_directory_records(
    compiled: list[CompiledCondition],
) -> None:
    per_frame = _row(compiled, "table_C.7.6.16-1", "5200,9230")
    assert _top(per_frame, _dataset("1.2.840.10008.5.1.4.1.1.2.1")) is T  # Enhanced CT
    assert _top(per_frame, _dataset("1.2.840.10008.5.1.4.1.1.77.1.6")) is U  # Whole Slide
    pointer = _row(compiled, "table_C.7.6.17-1", "0020,9222/0020,9167")
    index = Dataset()
    index.DimensionIndexPointer = 0x00209057  # In-Stack Position Number: Frame Content only
    assert evaluate(pointer.requirement.required, EvaluationContext(index, (Dataset(),))) is T
    index.DimensionIndexPointer = 0x00200032  # Image Position (Patient): also top level
    assert evaluate(pointer.requirement.required, EvaluationContext(index, (Dataset(),))) is U
    series = _row(compiled, "table_F.5-23", "0008,1115")
    record = Dataset()
    record.ReferencedSOPClassUIDInFile = "1.2.840.10008.5.1.4.1.1.11.1"  # Grayscale Softcopy PS
    assert _top(series, record) is T
    record.ReferencedSOPClassUIDInFile = "1.2.840.10008.5.1.4.1.1.11.4"  # Blending: no such Module
    assert _top(series, record) is F


def test_evidence_measurement_laterality(compiled: list[CompiledCondition]) -> None:
    left_autorefraction = _row(compiled, "table_C.8.25.9-1", "0046,0052")
    left_visual_acuity = _row(compiled, "table_C.8.25.12-1", "0046,0123")
    measurement = Dataset()
    for row in (left_autorefraction, left_visual_acuity):
        assert _top(row, measurement) is U
    measurement.MeasurementLaterality = "B"
    assert _top(left_autorefraction, measurement) is T
    # Visual acuity of both eyes working together is also B: no evidence for either eye.
    assert _top(left_visual_acuity, measurement) is U
    measurement.MeasurementLaterality = "R"
    for row in (left_autorefraction, left_visual_acuity):
        assert _top(row, measurement) is F


def test_enhanced_rt_image_gating_not_from_image_type_fraction_pair_is(
    compiled: list[CompiledCondition],
) -> None:
    # Its Image Type Value 3 mirrors Frame Type (PLANNED, TREATMENT, SIMULATION), not Table
    # C.8-129 (PS3.3 C.36.27.1.1): no evidence (withdrawn after review).
    cardiac = _usage_row(compiled, "table_A.86.1.16-1", "table_C.7.6.18-1")  # Continuous RT
    assert cardiac.status == "unknown by design"
    image = _dataset(
        "1.2.840.10008.5.1.4.1.1.481.24", ImageType=["ORIGINAL", "PRIMARY", "CARDRESP_GATED"]
    )
    assert _top(cardiac, image) is U
    # RT Image Frame Context: the two fraction numbers share one condition, no "may".
    fraction = _row(compiled, "table_C.36.2.4.11-1", "3002,0103/300A,0705")
    context = Dataset()
    assert evaluate(fraction.requirement.required, EvaluationContext(context, (Dataset(),))) is U
    context.RTRadiationSetDeliveryNumber = 1
    assert evaluate(fraction.requirement.required, EvaluationContext(context, (Dataset(),))) is T


def test_evidence_third_reading(compiled: list[CompiledCondition]) -> None:
    palette = _row(compiled, "table_C.23.3-1", "0072,0200/0072,0705")
    item = Dataset()
    outcome = evaluate_requirement(palette.requirement, EvaluationContext(item, (Dataset(),)))
    assert (outcome.required, outcome.forbidden) == (F, T)  # no Pseudo-Color Type: not present
    item.PseudoColorType = "HOT_IRON"  # a standard palette's Content Label (PS3.6 Annex B)
    outcome = evaluate_requirement(palette.requirement, EvaluationContext(item, (Dataset(),)))
    assert outcome.required is T
    item.PseudoColorType = "LOCAL_RAINBOW"
    outcome = evaluate_requirement(palette.requirement, EvaluationContext(item, (Dataset(),)))
    assert (outcome.required, outcome.forbidden) == (F, F)  # "may be present otherwise if ..."
    selector = _row(compiled, "table_10-20", "0072,0026")
    reference = Dataset()
    reference.SelectorAttributeVR = "SQ"
    assert evaluate(selector.requirement.required, EvaluationContext(reference, (Dataset(),))) is U
    reference.SelectorAttributeVR = "DS"
    assert evaluate(selector.requirement.required, EvaluationContext(reference, (Dataset(),))) is T
    conversion = _usage_row(compiled, "table_A.70-1", "table_C.7.6.16.2.25.3-1")
    legacy = Dataset()
    assert _top(conversion, legacy) is U
    legacy.QueryRetrieveView = "ENHANCED"
    assert _top(conversion, legacy) is T


# --- conditions on the Instances a Data Set references (in_referenced_instance) ---------------


def test_directory_record_keys_read_the_referenced_instance(
    compiled: list[CompiledCondition],
) -> None:
    # PS3.3 Table F.3-3: Referenced Related General SOP Class UID in File, "Required if the
    # Directory Record references a SOP Instance that encodes the Related General SOP Class UID".
    related = _row(compiled, "table_F.3-3", "0004,1220/0004,151A")
    assert related.status == "override"
    record = _item(DirectoryRecordType="IMAGE", ReferencedSOPInstanceUIDInFile="1.2.3.4")
    with_related = _item(RelatedGeneralSOPClassUID="1.2.840.10008.5.1.4.1.1.2")
    at_hand: dict[str, Dataset] = {"1.2.3.4": with_related}

    def outcome(instances: Callable[[str], object] | None) -> tuple[Truth, Truth]:
        context = EvaluationContext(record, (Dataset(),), instances=instances)
        result = evaluate_requirement(related.requirement, context)
        return result.required, result.forbidden

    assert outcome(at_hand.get) == (T, F)
    assert outcome({"1.2.3.4": Dataset()}.get) == (F, T)  # shall not be present
    assert outcome({}.get) == (U, U)  # not at hand: never guessed
    assert outcome(None) == (U, U)


def test_referenced_plan_fraction_groups_and_legacy_converted_sources(
    compiled: list[CompiledCondition],
) -> None:
    # PS3.3 Table C.8.8.29-1: "Required if the referenced plan has more than one Fraction
    # Group Sequence (300A,0070) Item."
    fraction = _row(compiled, "table_C.8.8.29-1", "0074,1020/300C,0022")
    top = Dataset()
    top.ReferencedRTPlanSequence = [_item(ReferencedSOPInstanceUID="1.2.3.5")]
    plan = Dataset()
    plan.FractionGroupSequence = [Dataset(), Dataset()]
    task = Dataset()
    assert (
        evaluate(
            fraction.requirement.required,
            EvaluationContext(task, (top,), instances={"1.2.3.5": plan}.get),
        )
        is T
    )
    plan.FractionGroupSequence = [Dataset()]
    assert (
        evaluate(
            fraction.requirement.required,
            EvaluationContext(task, (top,), instances={"1.2.3.5": plan}.get),
        )
        is F
    )
    # PS3.3 Table A.70-2: the Referenced Image Functional Group of a Legacy Converted Enhanced
    # CT Image, "Required if Referenced Image Sequence (0008,1140) was present in any of the
    # Classic Images that were converted": the frames' Conversion Source Attributes Sequence.
    referenced = _usage_row(compiled, "table_A.70-1", "table_C.7.6.16-6")
    assert referenced.status == "override"
    legacy = Dataset()
    frames = []
    for uid in ("1.2.3.6", "1.2.3.7"):
        frame = Dataset()
        frame.ConversionSourceAttributesSequence = [_item(ReferencedSOPInstanceUID=uid)]
        frames.append(frame)
    legacy.PerFrameFunctionalGroupsSequence = frames
    classic = _item(ReferencedImageSequence=[Dataset()])
    sources = {"1.2.3.6": Dataset(), "1.2.3.7": classic}
    assert _top(referenced, legacy, instances=sources.get) is T
    assert _top(referenced, legacy, instances={"1.2.3.6": Dataset(), "1.2.3.7": Dataset()}.get) is F
    assert _top(referenced, legacy, instances={"1.2.3.6": Dataset()}.get) is U
    del frames[0].ConversionSourceAttributesSequence  # a frame that names no source
    assert _top(referenced, legacy, instances={"1.2.3.7": Dataset()}.get) is U


def test_evidence_from_the_references_this_data_set_records(
    compiled: list[CompiledCondition],
) -> None:
    # PS3.3 Table C.7-7, Synchronization Channel: no Waveform Sequence, no channel to name.
    channel = _row(compiled, "table_C.7-7", "0018,106C")
    image = _dataset(CT)
    outcome = evaluate_requirement(channel.requirement, EvaluationContext(image))
    assert (outcome.required, outcome.forbidden) == (F, T)
    image.WaveformSequence = [Dataset()]
    assert _top(channel, image) is U
    # PS3.3 C.12.1.1.6: an HL7 CDA Release 2 document referenced by its HMD OID.
    hl7 = _row(compiled, "table_C.12-1", "0040,A390")
    sr = _dataset("1.2.840.10008.5.1.4.1.1.88.11")
    assert _top(hl7, sr) is U
    sr.ContentSequence = [
        _item(
            ReferencedSOPSequence=[
                _item(
                    ReferencedSOPClassUID="2.16.840.1.113883.1.7.2",
                    ReferencedSOPInstanceUID="1.2.3.8",
                )
            ]
        )
    ]
    assert _top(hl7, sr) is T


def test_evidence_fourth_reading(compiled: list[CompiledCondition]) -> None:
    # PS3.4 Y.6.1.1.3, which Table C.12-9 points to: one frame-level key per extraction.
    simple = _row(compiled, "table_C.12-9", "0008,1164/0008,1161")
    extraction = _item(CalculatedFrameList=[1, 10, 2])
    outcome = evaluate_requirement(simple.requirement, EvaluationContext(extraction, (Dataset(),)))
    assert (outcome.required, outcome.forbidden) == (F, T)
    assert _in(simple, Dataset(), Dataset()) is U
    # Table C.11.8-1: "No more than one VOI LUT ... for each image or frame": with two
    # Softcopy VOI LUT Sequence Items, neither applies to every image.
    voi = _row(compiled, "table_C.11.8-1", "0028,3110/0008,1140")
    state = Dataset()
    state.SoftcopyVOILUTSequence = [Dataset(), Dataset()]
    assert _in(voi, state.SoftcopyVOILUTSequence[0], state) is T
    state.SoftcopyVOILUTSequence = [Dataset()]
    assert _in(voi, state.SoftcopyVOILUTSequence[0], state) is U
    # Table C.11.33-1: the Optical Paths of the image this reference names, where at hand.
    optical = _row(compiled, "table_C.11.33-1", "0070,1B01/0028,3110/0008,1140/006A,000E")
    reference = _item(ReferencedSOPInstanceUID="1.2.3.40")
    slide = _item(OpticalPathSequence=[Dataset(), Dataset()])

    def paths(found: Dataset | None) -> Truth:
        at_hand = {} if found is None else {"1.2.3.40": found}
        context = EvaluationContext(
            reference, (Dataset(), Dataset(), Dataset()), instances=at_hand.get
        )
        return evaluate(optical.requirement.required, context)

    assert (paths(slide), paths(_item(OpticalPathSequence=[Dataset()])), paths(None)) == (T, F, U)
    # C.8.17.2.1.2: Samples per Pixel Used only where Samples per Pixel is 3.
    used = _row(compiled, "table_C.8.17.2-1", "0028,0003")
    assert _top(used, _dataset(CT, SamplesPerPixel=1)) is F
    assert _top(used, _dataset(CT, SamplesPerPixel=3)) is U
    # Table C.8.25.8-1: the Unspecified Laterality Lens Sequence, "Shall not be included if
    # Attribute Right Lens Sequence (0046,0014) or Left Lens Sequence (0046,0015) is present".
    unspecified = _row(compiled, "table_C.8.25.8-1", "0046,0016")
    lensometry = _dataset("1.2.840.10008.5.1.4.1.1.78.1", MeasurementLaterality="R")
    outcome = evaluate_requirement(unspecified.requirement, EvaluationContext(lensometry))
    assert (outcome.required, outcome.forbidden) == (F, T)
    lensometry.MeasurementLaterality = "U"  # not an Enumerated Value: nothing decided by it
    outcome = evaluate_requirement(unspecified.requirement, EvaluationContext(lensometry))
    assert (outcome.required, outcome.forbidden) == (U, U)
    lensometry.RightLensSequence = [Dataset()]
    assert (
        evaluate_requirement(unspecified.requirement, EvaluationContext(lensometry)).forbidden is T
    )


# --- values compared between Instances, and a fifth reading (2024c) -------------------------


def _requirement_in(
    row: CompiledCondition, item: Dataset, *parents: Dataset, **context: Any
) -> tuple[Truth, Truth]:
    outcome = evaluate_requirement(row.requirement, EvaluationContext(item, parents, **context))
    return outcome.required, outcome.forbidden


def test_may_be_present_only_if_present_in_the_referenced_template(
    compiled: list[CompiledCondition],
) -> None:
    # PS3.3 Table C.29.3-1: "May be present if HPGL Document Sequence (0068,62C0) is present
    # in the Instance referenced in the Implant Template Group Members Sequence Item".
    row = _row(compiled, "table_C.29.3-1", "0078,002A/0078,0070")
    assert row.status == "override"
    member = _item(ReferencedSOPInstanceUID="1.2.3.7")
    drawing = _item(HPGLDocumentSequence=[Dataset()])
    assert _requirement_in(row, member, Dataset(), instances={"1.2.3.7": drawing}.get) == (F, F)
    assert _requirement_in(row, member, Dataset(), instances={"1.2.3.7": Dataset()}.get) == (F, T)
    assert _requirement_in(row, member, Dataset(), instances={}.get) == (F, U)


def test_studies_of_the_referenced_instances(compiled: list[CompiledCondition]) -> None:
    # PS3.3 Table C.12-8: Referenced Series Sequence "Required if this Instance references
    # Instances in this Study"; Studies Containing Other Referenced Instances Sequence "...
    # in other Studies". Read one way: a referenced Instance at hand, in this Study or not.
    this_study = _row(compiled, "table_C.12-8", "0008,1115")
    other_studies = _row(compiled, "table_C.12-8", "0008,1200")
    ours = _dataset(CT, StudyInstanceUID="5.5")
    ours.SourceImageSequence = [_item(ReferencedSOPInstanceUID="1.1")]
    same = {"1.1": _item(StudyInstanceUID="5.5")}
    other = {"1.1": _item(StudyInstanceUID="6.6")}
    assert _requirement_in(this_study, ours, instances=same.get)[0] is T
    assert _requirement_in(other_studies, ours, instances=same.get)[0] is U  # never FALSE
    assert _requirement_in(other_studies, ours, instances=other.get)[0] is T
    assert _requirement_in(this_study, ours)[0] is U


def test_frame_of_reference_of_the_blended_images(compiled: list[CompiledCondition]) -> None:
    # PS3.3 Table C.11.33-1: Referenced Spatial Registration Sequence "Required if the Frame
    # of Reference UID (0020,0052) value of the Images referenced ... does not match the
    # Frame of Reference UID (0020,0052) value of this Presentation State Instance".
    row = _row(compiled, "table_C.11.33-1", "0070,1B01/0070,0404")
    state = _item(FrameOfReferenceUID="9.1")
    blending = _item(ReferencedImageSequence=[_item(ReferencedSOPInstanceUID="1.1")])
    images = {"1.1": _item(FrameOfReferenceUID="9.2")}
    assert _requirement_in(row, blending, state, instances=images.get) == (T, F)
    images["1.1"].FrameOfReferenceUID = "9.1"
    assert _requirement_in(row, blending, state, instances=images.get) == (F, F)  # "may"
    assert _requirement_in(row, _item(), state, instances=images.get)[0] is U  # a Series


def test_present_and_consistent_in_the_contributing_instances(
    compiled: list[CompiledCondition],
) -> None:
    # PS3.3 Table 10-13: "Required if present and consistent in the contributing SOP
    # Instances", the Instances listed by Study, Series and Referenced Instance Sequence.
    model_name = _row(compiled, "table_10-13", "0008,1090")
    operators = _row(compiled, "table_10-13", "0008,1070")
    series = _item(
        SeriesInstanceUID="3.3",
        ReferencedInstanceSequence=[
            _item(ReferencedSOPInstanceUID="1.1"),
            _item(ReferencedSOPInstanceUID="1.2"),
        ],
    )
    source = _item(
        ContributingSOPInstancesReferenceSequence=[
            _item(StudyInstanceUID="2.2", ReferencedSeriesSequence=[series])
        ]
    )
    sources = {
        "1.1": _item(ManufacturerModelName="Arc", OperatorsName="Doe^Jane"),
        "1.2": _item(ManufacturerModelName="Arc", OperatorsName="Doe^Jane^^"),
    }
    assert _requirement_in(model_name, source, Dataset(), instances=sources.get) == (T, F)
    # "Doe^Jane" and "Doe^Jane^^" are one name (PS3.5 6.2.1); a different one is no
    # evidence (one-sided: component groups may differ for one name).
    assert _requirement_in(operators, source, Dataset(), instances=sources.get)[0] is T
    sources["1.2"].OperatorsName = "Doe^Jane=ドウ^ジェーン"
    assert _requirement_in(operators, source, Dataset(), instances=sources.get)[0] is U
    sources["1.2"].ManufacturerModelName = "Arc II"
    assert _requirement_in(model_name, source, Dataset(), instances=sources.get) == (F, T)
    # Without the list of contributing Instances nothing is known.
    assert _requirement_in(model_name, _item(), Dataset(), instances=sources.get) == (U, U)


def test_contributing_instances_of_the_x_ray_3d_modules_seventh_reading(
    compiled: list[CompiledCondition],
) -> None:
    # PS3.3 Table C.8.21.2.1-1: Imager Pixel Spacing "Required if present and consistent in
    # the contributing SOP Instances", listed by the Item's Contributing SOP Instances
    # Reference Sequence (0020,9529) (Table 10-13). Read TRUE side only: an Enhanced XA/XRF
    # source keeps it in Functional Groups.
    spacing = _row(compiled, "table_C.8.21.2.1-1", "0018,9506/0018,1164")
    code = _row(compiled, "table_C.8.21.2.2-1", "0018,9506/0018,1401")
    assert spacing.status == code.status == "override"
    series = _item(
        ReferencedInstanceSequence=[
            _item(ReferencedSOPInstanceUID="1.1"),
            _item(ReferencedSOPInstanceUID="1.2"),
        ]
    )
    source = _item(
        ContributingSOPInstancesReferenceSequence=[_item(ReferencedSeriesSequence=[series])]
    )
    processing = "F1"  # LO: a device-specific code
    sources = {
        "1.1": _item(ImagerPixelSpacing=[0.2, 0.2], AcquisitionDeviceProcessingCode=processing),
        "1.2": _item(ImagerPixelSpacing=[0.2, 0.2], AcquisitionDeviceProcessingCode=processing),
    }
    assert _requirement_in(spacing, source, Dataset(), instances=sources.get) == (T, F)
    assert _requirement_in(code, source, Dataset(), instances=sources.get) == (T, F)
    sources["1.2"].ImagerPixelSpacing = [0.3, 0.3]
    assert _requirement_in(spacing, source, Dataset(), instances=sources.get) == (U, U)
    del sources["1.2"].ImagerPixelSpacing  # only in its Functional Groups: never FALSE
    assert _requirement_in(spacing, source, Dataset(), instances=sources.get) == (U, U)
    assert _requirement_in(spacing, source, Dataset(), instances={}.get) == (U, U)
    # PS3.3 Table C.8.21.3.2-1: an X-Ray 3D Acquisition Sequence Item's contributing
    # Instances are its Source Image Sequence (0008,2112) (Table C.8.21.3.1.1-1).
    distance = _row(compiled, "table_C.8.21.3.2-1", "0018,9507/0018,1110")
    acquisition = _item(SourceImageSequence=[_item(ReferencedSOPInstanceUID="1.1")])
    images = {"1.1": _item(DistanceSourceToDetector=1100)}
    assert _requirement_in(distance, acquisition, Dataset(), instances=images.get) == (T, F)
    assert _requirement_in(distance, _item(), Dataset(), instances=images.get) == (U, U)
    # PS3.3 Table C.8.21.3.1.2-1, in a Per Projection Acquisition Sequence Item: the Source
    # Image Sequence of the enclosing acquisition Item.
    collimator = _row(compiled, "table_C.8.21.3.1.2-1", "0018,1700")
    images["1.1"].CollimatorShape = "RECTANGULAR"
    projection = _item()
    assert _requirement_in(collimator, projection, acquisition, instances=images.get)[0] is T
    assert _requirement_in(collimator, projection, _item(), instances=images.get)[0] is U
    images["1.1"].CollimatorShape = ["RECTANGULAR", "CIRCULAR"]
    acquisition.SourceImageSequence.append(_item(ReferencedSOPInstanceUID="1.2"))
    images["1.2"] = _item(CollimatorShape=["CIRCULAR", "RECTANGULAR"])  # order counts: no TRUE
    assert _requirement_in(collimator, projection, acquisition, instances=images.get)[0] is U
    # Position of Isocenter Projection: its Isocenter Reference System Sequence (0018,9462) is
    # in the contributing Instances' Functional Groups, never in this Item (was always FALSE).
    isocenter = _row(compiled, "table_C.8.21.3.2-1", "0018,9507/0018,9430")
    holder = _item(PositionOfIsocenterProjection=[512.0, 512.0])
    images["1.1"].PositionOfIsocenterProjection = images["1.2"].PositionOfIsocenterProjection = [
        512.0,
        512.0,
    ]
    assert _requirement_in(isocenter, acquisition, Dataset(), instances=images.get) == (T, F)
    del images["1.2"].PositionOfIsocenterProjection
    assert _requirement_in(isocenter, acquisition, Dataset(), instances=images.get) == (U, U)
    assert _requirement_in(isocenter, holder, Dataset(), instances=images.get) == (U, U)


def test_conditions_on_an_attribute_of_a_referenced_instance(
    compiled: list[CompiledCondition],
) -> None:
    # PS3.3 Table C.8-50: a Control Point's Referenced Dose Sequence "Required if RT Dose is
    # being transmitted, and Dose Summation Type (3004,000A) equals CONTROL_POINT": 3004,000A
    # is the referenced RT Dose's (C.8.8.3), never the Plan's (was always "shall not be").
    doses = _row(compiled, "table_C.8-50", "300A,00B0/300A,0111/300C,0080")
    point = _item(ReferencedDoseSequence=[_item(ReferencedSOPInstanceUID="7.1")])
    beams = (Dataset(), _item(), Dataset())
    per_point = {"7.1": _item(DoseSummationType="CONTROL_POINT")}
    assert _requirement_in(doses, point, *beams, instances=per_point.get) == (T, F)
    per_plan = {"7.1": _item(DoseSummationType="PLAN")}
    assert _requirement_in(doses, point, *beams, instances=per_plan.get) == (F, T)
    assert _requirement_in(doses, point, *beams, instances={}.get) == (U, U)
    assert _requirement_in(doses, _item(), *beams, instances=per_point.get) == (U, U)
    # PS3.3 Table C.8.25.16-4: Ophthalmic Axial Measurements Device Type (0022,1009) is the
    # referenced Axial Measurements Instance's (C.8.25.14), named in this Item's Referenced
    # SOP Sequence (0008,1199).
    method = _row(compiled, "table_C.8.25.16-4", "0022,1012/0022,1044")
    axial = _item(ReferencedSOPSequence=[_item(ReferencedSOPInstanceUID="8.1")])
    ultrasound = {"8.1": _item(OphthalmicAxialMeasurementsDeviceType="ULTRASOUND")}
    optical = {"8.1": _item(OphthalmicAxialMeasurementsDeviceType="OPTICAL")}
    assert _requirement_in(method, axial, Dataset(), instances=ultrasound.get) == (T, F)
    assert _requirement_in(method, axial, Dataset(), instances=optical.get) == (F, T)
    assert _requirement_in(method, _item(), Dataset(), instances=ultrasound.get) == (U, U)
    # It lists every Instance "relevant to the interpretation" (C.8.25.16.1.1): with both
    # devices, or no Axial Measurements Instance, which one the value came from is unknown.
    axial.ReferencedSOPSequence.append(_item(ReferencedSOPInstanceUID="8.2"))
    keratometry = _item()
    both = {**ultrasound, "8.2": optical["8.1"]}
    assert _requirement_in(method, axial, Dataset(), instances=both.get) == (U, U)
    assert _requirement_in(
        method, axial, Dataset(), instances={**optical, "8.2": keratometry}.get
    ) == (F, T)
    only_other = {"8.1": keratometry, "8.2": keratometry}
    assert _requirement_in(method, axial, Dataset(), instances=only_other.get) == (U, U)
    assert _requirement_in(method, axial, Dataset(), instances={}.get) == (U, U)
    axial.ReferencedSOPSequence = []
    assert _requirement_in(method, axial, Dataset(), instances=ultrasound.get) == (U, U)


def test_no_condition_looks_for_an_attribute_where_its_iods_never_put_it(
    model: Part03Model, compiled: list[CompiledCondition]
) -> None:
    # Looked for where no IOD reaching the row defines it, an Attribute is always absent:
    # the sentence speaks of another Instance, or of another Sequence's Items. Found so, each
    # once decided one way forever: Referenced Dose Sequence (PS3.3 Table C.8-50),
    # Ophthalmic Ultrasound Method Code Sequence (C.8.25.16-4), Position of Isocenter
    # Projection (C.8.21.3.2-1), Enhanced Palette Color Lookup Table Sequence (C.7.6.23-1),
    # Acquisition DateTime of Enhanced CT and PET (C.8-114, C.8.22-3), the Graphic Layer
    # Module of Volumetric Presentation States (A.80), and more. A new one needs a review: an
    # override that reads it where it is, or an entry in condition_audit.toml.
    report = audit(model, compiled)
    assert report.unreviewed == [] and report.stale == []
    assert len(report.found) == len(report.reviewed) > 0
    # The parser's old reading of PS3.3 Table C.7.6.23-1: Data Path Assignment (0028,1402)
    # at the level of the Sequence, where it never is (it is in 0028,1401 Items).
    row = _row(compiled, "table_C.7.6.23-1", "0028,140B")
    misread = dataclasses.replace(
        row,
        requirement=dataclasses.replace(
            row.requirement, required=parse_override_condition('present("0028,1402")')
        ),
    )
    planted = audit(model, [misread])
    assert [(item.tag, item.scope, item.defined) for item in planted.unreviewed] == [
        (0x00281402, "any", True)
    ]


def test_conditions_read_in_the_items_of_another_sequence(
    compiled: list[CompiledCondition],
) -> None:
    # PS3.3 2024c rows whose condition names an Attribute of another Sequence's Items (the
    # audit above found them; each was decided one way forever). Data Sets built by Tag:
    # _TAG_VR=value, a Sequence from a list of Items.
    def tag(text: str) -> int:
        return int(text.replace(",", ""), 16)

    def ds(**elements: Any) -> Dataset:
        dataset = Dataset()
        for key, value in elements.items():
            _, number, vr = key.split("_")
            dataset.add_new(int(number, 16), vr, Sequence(value) if vr == "SQ" else value)
        return dataset

    def code(value: str, scheme: str = "DCM") -> Dataset:
        return ds(_00080100_SH=value, _00080102_SH=scheme)

    def req(key: tuple[str, str], item: Dataset, *parents: Dataset) -> tuple[Truth, Truth]:
        return _requirement_in(_row(compiled, *key), item, *parents)

    # Table C.7.6.23-1: Data Path Assignment in Data Frame Assignment Sequence Items.
    k = ("table_C.7.6.23-1", "0028,140B")
    top = ds(_00281401_SQ=[ds(_00281402_CS="PRIMARY_PVALUES"), ds(_00281402_CS="SECONDARY_SINGLE")])
    assert req(k, top) == (T, F), "1 one Item SECONDARY_SINGLE"
    top = ds(_00281401_SQ=[ds(_00281402_CS="PRIMARY_PVALUES")])
    assert req(k, top) == (F, T), "1 all PRIMARY_PVALUES"
    top = ds(_00281401_SQ=[ds(_00281402_CS="PRIMARY_PVALUES"), ds(_00281402_US=3)])
    assert req(k, top) == (U, U), "1 one Value not text"

    # Table C.8-44: the ROI Creator Sequence of the ROI with the Referenced ROI Number.
    k = ("table_C.8-44", "3006,0080/3006,004E")
    creator = ds(_0040A084_CS="PSN")
    top = ds(_30060020_SQ=[ds(_30060022_IS="1", _3006004D_SQ=[creator]), ds(_30060022_IS="2")])
    obs1, obs2, obs9 = ds(_30060084_IS="1"), ds(_30060084_IS="2"), ds(_30060084_IS="9")
    top.add_new(tag("3006,0080"), "SQ", Sequence([obs1, obs2, obs9]))
    assert req(k, obs1, top) == (U, F), "2 ROI 1 has creator"
    assert req(k, obs2, top) == (F, F), "2 ROI 2 has no creator"
    assert req(k, obs9, top) == (F, F), "2 ROI 9 unmatched"

    # Table C.8.8.30-1: Treatment Delivery Type in Brachy Task Sequence Items.
    k = ("table_C.8.8.30-1", "0074,140E")
    top = ds(_00741401_SQ=[ds(_300A00CE_CS="TREATMENT"), ds(_300A00CE_CS="CONTINUATION")])
    assert req(k, top) == (U, U), "3 CONTINUATION, absent"
    top.add_new(tag("0074,140E"), "SQ", Sequence([ds(_300C000C_IS="1")]))
    assert req(k, top) == (T, F), "3 CONTINUATION, present"
    top = ds(_00741401_SQ=[ds(_300A00CE_CS="TREATMENT")], _0074140E_SQ=[ds()])
    assert req(k, top) == (F, T), "3 TREATMENT only, present"

    # Table C.8-76: the modifier in the Anatomic Region Sequence Item.
    k = ("table_C.8-76", "0008,2228")
    top = ds(_00082218_SQ=[ds(_00080100_SH="x", _00082220_SQ=[code("y")])])
    assert req(k, top) == (F, T), "4 modifier present"
    top = ds(_00082218_SQ=[ds(_00080100_SH="x")])
    assert req(k, top) == (T, F), "4 modifier absent"

    # Table C.36.2.2.20-1: the device definition with the Referenced Device Index (second
    # generation: 300A,064D at the top level).
    ka = ("table_C.36.2.2.20-1", "300A,064A")
    kc = ("table_C.36.2.2.20-1", "300A,064C")

    def definition(index, code_value, mode=None):
        d = ds(_30100039_IS=str(index), _3010002E_SQ=[code(code_value)])
        if mode is not None:
            d.add_new(tag("300A,0647"), "SQ", Sequence([ds(_300A064E_CS=mode)]))
        return d

    defs = [
        definition(1, "130330"),
        definition(2, "130331", "VARIABLE"),
        definition(3, "130333", "BINARY"),
        definition(4, "130332"),
        definition(5, "130330", "VARIABLE"),
    ]
    top = ds(_300A064D_SQ=defs)

    def opening(index, cp=1):
        o = ds(_300A0607_IS=str(index))
        cpi = ds(_300A0600_IS=str(cp), _300A0656_SQ=[o])
        return o, cpi

    for idx, want_a, want_c, what in [
        (2, (T, F), (F, T), "Leaf Pairs VARIABLE"),
        (3, (F, T), (F, T), "Single Leaves BINARY"),
        (4, (F, T), (T, F), "Variable Circular Collimator"),
        (1, (U, U), (F, T), "Jaw Pair without 300A,0647"),
        (5, (T, F), (F, T), "Jaw Pair with VARIABLE"),
        (9, (F, T), (F, T), "unmatched index"),
    ]:
        o, cpi = opening(idx)
        assert req(ka, o, cpi, top) == want_a, f"6a CP1 {what}"
        assert req(kc, o, cpi, top) == want_c, f"6c CP1 {what}"
    o, cpi = opening(2, cp=2)
    assert req(ka, o, cpi, top) == (U, U), "6a CP2 Leaf Pairs VARIABLE"
    o, cpi = opening(3, cp=2)
    assert req(ka, o, cpi, top) == (F, T), "6a CP2 Single Leaves BINARY"
    # 1st gen: RT Plan beam Item holds 3008,00A1; Control Point 300A,0111 > 3008,00A2
    o = ds(_300A0607_IS="2")
    cp = ds(_300A0112_IS="0", _300800A2_SQ=[o])
    beam = ds(_300800A1_SQ=defs, _300A0111_SQ=[cp])
    top1 = ds(_300A00B0_SQ=[beam])
    assert req(ka, o, cp, beam, top1) == (U, U), "6a 1st gen Leaf Pairs VARIABLE"
    o = ds(_300A0607_IS="4")
    cp = ds(_300A0112_IS="0", _300800A2_SQ=[o])
    beam = ds(_300800A1_SQ=defs, _300A0111_SQ=[cp])
    top1 = ds(_300A00B0_SQ=[beam])
    assert req(ka, o, cp, beam, top1) == (F, T), "6a 1st gen VCC"
    assert req(kc, o, cp, beam, top1) == (U, U), "6c 1st gen VCC"

    # Table C.36.6-1: the flag of the objective with the Referenced Dosimetric Objective UID.
    k = ("table_C.36.6-1", "3010,006B/3010,0071/3010,0074")
    top = ds(
        _3010006C_SQ=[
            ds(_3010006E_UI="1.2.3", _30100073_CS="NO"),
            ds(_3010006E_UI="1.2.4", _30100073_CS="YES"),
        ]
    )
    for uid, want, what in [
        ("1.2.3", (T, F), "flag NO"),
        ("1.2.4", (F, T), "flag YES"),
        ("1.2.30", (F, T), "unmatched UID"),
    ]:
        ref = ds(_3010006F_UI=uid)
        presc = ds(_30100071_SQ=[ref])
        assert req(k, ref, presc, top) == want, f"7 {what}"
    ref = ds()
    presc = ds(_30100071_SQ=[ref])
    assert req(k, ref, presc, top) == (U, U), "7 no Referenced Dosimetric Objective UID"

    # Table C.36.21-1: Meterset to Dose Mapping in Radiation Dose Values Parameters Items.
    k = ("table_C.36.21-1", "300A,0617/300A,0772")
    item = ds(_300A061F_SQ=[ds(_300A060C_IS="1", _300A0620_SQ=[ds(), ds()])])
    top = ds(_300A0617_SQ=[item])
    assert req(k, item, top) == (F, F), "8 dose values with mapping"
    item = ds()
    top = ds(_300A0617_SQ=[item])
    assert req(k, item, top) == (T, F), "8 no dose values"

    # Table C.36.28-1: the matrices anywhere in the SOP Instance.
    k = ("table_C.36.28-1", "300A,0675")
    m = ds(_3002010F_FD=[1.0] * 16)
    top = ds(
        _30020118_SQ=[ds(_3002011A_SQ=[ds(_30020125_SQ=[ds(_30020112_SQ=[ds(_3002010D_SQ=[m])])])])]
    )
    assert req(k, top) == (T, F), "9 matrix deep in subtask"
    top = ds(_30020118_SQ=[ds(_3002011A_SQ=[ds(_30020129_CS="KV")])])
    assert req(k, top) == (F, T), "9 no matrix"

    # Table C.36.29-1: the Projection Imaging Acquisition Parameter Sequence Item.
    k = ("table_C.36.29-1", "3002,0118/3002,011A/3002,011E")
    for proj, want, what in [
        (ds(_30020111_CS="RELATIVE_PARAMS"), (T, F), "RELATIVE_PARAMS"),
        (ds(_30020111_CS="ABSOLUTE_MATRIX", _30020115_CS="BEAM"), (T, F), "aperture BEAM"),
        (ds(_30020111_CS="ABSOLUTE_PARAMS", _30020115_CS="CUSTOM"), (F, T), "absolute, CUSTOM"),
    ]:
        sub = ds(_3002012A_CS="PROJECTION", _30020125_SQ=[proj])
        task = ds(_3002011A_SQ=[sub])
        top = ds(_30020118_SQ=[task])
        assert req(k, sub, task, top) == want, f"10 {what}"
    sub = ds(_3002012A_CS="CT", _30020126_SQ=[ds()])
    task = ds(_3002011A_SQ=[sub])
    top = ds(_30020118_SQ=[task])
    assert req(k, sub, task, top) == (F, T), "10 CT subtask"


def test_conditions_read_at_their_own_level_found_by_the_audit(
    compiled: list[CompiledCondition],
) -> None:
    # PS3.3 Tables C.8-114 and C.8.22-3: "Image Type (0008,0008) Value 1 of this frame" is
    # the top-level Image Type (MIXED exists only there, C.8.16.1); it was read in the
    # Functional Groups, where it never is, and Acquisition DateTime was never required.
    def enhanced(image_type: str, sop_class: str) -> Dataset:
        return _item(ImageType=[image_type, "PRIMARY", "AXIAL", "NONE"], SOPClassUID=sop_class)

    for table, legacy in (
        ("table_C.8-114", "1.2.840.10008.5.1.4.1.1.2.2"),
        ("table_C.8.22-3", "1.2.840.10008.5.1.4.1.1.128.1"),
    ):
        for path in ("0008,002A", "0018,9073"):
            row = _row(compiled, table, path)
            assert _requirement_in(row, enhanced("ORIGINAL", "1.2.3")) == (T, F)
            assert _requirement_in(row, enhanced("ORIGINAL", legacy)) == (F, F)
            assert _requirement_in(row, enhanced("DERIVED", "1.2.3")) == (F, F)
    mixed = enhanced("MIXED", "1.2.3")
    assert _requirement_in(_row(compiled, "table_C.8-114", "0008,002A"), mixed) == (T, F)
    assert _requirement_in(_row(compiled, "table_C.8.22-3", "0008,002A"), mixed) == (F, F)
    # PS3.3 A.80.1: the Graphic Layer Module is required when Graphic Layer (0070,0002) is
    # in an annotation Item; read at the top level it was always "shall not be present".
    layers = _usage_row(compiled, "table_A.80.1-1", "table_C.10-7")
    annotated = _item(GraphicAnnotationSequence=[_item(GraphicLayer="LAYER1")])
    assert _top(layers, annotated) is T
    assert _top(layers, _item(GraphicAnnotationSequence=[_item()])) is F
    # PS3.3 A.34.6: the Synchronization Module, from Waveform Originality in Waveform Items.
    synchronization = _usage_row(compiled, "table_A.34.6-1", "table_C.7-7")
    original = _item(WaveformSequence=[_item(WaveformOriginality="ORIGINAL")])
    assert _top(synchronization, original) is T
    assert (
        _top(synchronization, _item(WaveformSequence=[_item(WaveformOriginality="DERIVED")])) is F
    )
    # PS3.3 Table C.8.26.2-1: the Content Item Modifier Sequence is in the Protocol Context
    # Sequence Items of the Performed Protocol Code Sequence Item.
    screening = _row(compiled, "table_C.8.26.2-1", "0024,0016")
    modifier = _item(CodeValue="360156006", CodingSchemeDesignator="SCT", CodeMeaning="Screening")
    protocol = _item(ProtocolContextSequence=[_item(ContentItemModifierSequence=[modifier])])
    perimetry = _item(PerformedProtocolCodeSequence=[protocol])
    assert _requirement_in(screening, perimetry)[0] is T
    assert _requirement_in(screening, _item(PerformedProtocolCodeSequence=[_item()]))[0] is F


def test_audio_contrast_and_table_units_fifth_reading(
    compiled: list[CompiledCondition],
) -> None:
    # PS3.3 Table C.7-13: multiplexed audio is possible only in the video Transfer Syntaxes.
    audio = _row(compiled, "table_C.7-13", "003A,0300")
    cine = _dataset(US)
    jpeg = "1.2.840.10008.1.2.4.50"
    mpeg2 = "1.2.840.10008.1.2.4.100"
    assert _requirement_in(audio, cine, transfer_syntax_uid=jpeg) == (F, T)
    assert _requirement_in(audio, cine, transfer_syntax_uid=mpeg2)[0] is U
    # "If no audio was recorded, [it] will be present and contain no Items" (C.7.6.5.1.3).
    cine.MultiplexedAudioChannelsDescriptionCodeSequence = []
    assert _requirement_in(audio, cine, transfer_syntax_uid=jpeg) == (F, F)
    cine.MultiplexedAudioChannelsDescriptionCodeSequence = [Dataset()]
    assert _requirement_in(audio, cine, transfer_syntax_uid=jpeg) == (F, T)
    # PS3.3 A.41: Image Type Value 4 FA, "fluorescein injected" (C.8.17.2.1.4).
    contrast = _usage_row(compiled, "table_A.41-1", "table_C.7-12b")
    assert contrast.status == "override"
    photo = _dataset(CT, ImageType=["ORIGINAL", "PRIMARY", "", "FA"])
    assert _top(contrast, photo) is T
    photo.ImageType = ["ORIGINAL", "PRIMARY", "", "RED"]
    assert _top(contrast, photo) is U
    # PS3.3 Table C.18.10-1: a row definition for all rows, beside a DateTime cell.
    units = _row(compiled, "table_C.18.10-1", "0040,A801/0040,A806/0040,08EA")
    table = _item(CellValuesSequence=[_item(SelectorAttributeVR="DT")])
    assert _requirement_in(units, _item(), table, Dataset())[0] is F
    table.CellValuesSequence = [_item(SelectorAttributeVR="FD")]
    assert _requirement_in(units, _item(), table, Dataset())[0] is U
    assert _requirement_in(units, _item(TableRowNumber=1), table, Dataset())[0] is U


def test_joins_of_items_by_value_sixth_reading(compiled: list[CompiledCondition]) -> None:
    # PS3.3 Table C.8.8.25-1: "Wedge Type (300A,00D3) of the wedge referenced by Referenced
    # Wedge Number (300C,00C0)": the Ion Wedge Sequence Item with that Wedge Number.
    thin_edge = _row(compiled, "table_C.8.8.25-1", "300A,03A2/300A,03A8/300A,03AC/300A,00DB")
    beam = _item(
        IonWedgeSequence=[
            _item(WedgeNumber="1", WedgeType="STANDARD"),
            _item(WedgeNumber="2", WedgeType="PARTIAL_STANDARD"),
        ]
    )
    position = _item(ReferencedWedgeNumber="2")
    assert _requirement_in(thin_edge, position, Dataset(), beam, Dataset())[0] is T
    position.ReferencedWedgeNumber = "1"
    assert _requirement_in(thin_edge, position, Dataset(), beam, Dataset()) == (F, T)
    # PS3.3 C.8.8.14.16: a Beam Dose Verification Control Point with the Cumulative Meterset
    # Weight of a Control Point "shall be referenced by the Referenced Control Point Index".
    index = _row(compiled, "table_C.8-50", "300A,00B0/300C,0050/300A,008C/300C,00F0")
    beam = _item(
        ControlPointSequence=[
            _item(CumulativeMetersetWeight="0"),
            _item(CumulativeMetersetWeight="0.5"),
        ]
    )
    verification = _item(CumulativeMetersetWeight="0.50")
    assert _requirement_in(index, verification, Dataset(), beam, Dataset())[0] is T
    verification.CumulativeMetersetWeight = "0.25"
    assert _requirement_in(index, verification, Dataset(), beam, Dataset())[0] is U  # never F
    # PS3.3 C.17.6.2.1: Evidence in this Study and in another one.
    identical = _row(compiled, "table_C.17.6-2", "0040,A525")
    document = _dataset(
        "1.2.840.10008.5.1.4.1.1.88.59",
        StudyInstanceUID="5.5",
        CurrentRequestedProcedureEvidenceSequence=[
            _item(StudyInstanceUID="5.5"),
            _item(StudyInstanceUID="6.6"),
        ],
    )
    assert _requirement_in(identical, document)[0] is T
    document.CurrentRequestedProcedureEvidenceSequence[1].StudyInstanceUID = "5.5"
    assert _requirement_in(identical, document)[0] is U


def test_overlay_subtype_views_and_fixed_devices_sixth_reading(
    compiled: list[CompiledCondition],
) -> None:
    # PS3.3 Table C.8-18: "Required if this Overlay Group is referenced in an Item of the
    # Sequence of Ultrasound Regions": decided where group 6000 is the only one.
    subtype = _row(compiled, "table_C.8-18", "60xx,0045")
    assert subtype.status == "override"
    image = _dataset(US, SequenceOfUltrasoundRegions=[_item(ActiveImageAreaOverlayGroup=0x6000)])
    image.add_new(0x60000010, "US", 64)
    assert _requirement_in(subtype, image)[0] is T
    image.add_new(0x60020010, "US", 64)
    assert _requirement_in(subtype, image)[0] is U
    # PS3.3 Table C.8.31-1: Patient Orientation "Required if View Code Sequence (0054,0220)
    # has an Item value other than one representing a specimen image".
    orientation = _row(compiled, "table_C.8.31-1", "0020,0020")
    view = _item(CodeValue="399162004", CodingSchemeDesignator="SCT", CodeMeaning="cranio-caudal")
    mammogram = _dataset(CT, ViewCodeSequence=[view])
    assert _requirement_in(orientation, mammogram)[0] is T
    view.CodeValue = "127457009"
    assert _requirement_in(orientation, mammogram)[0] is F
    view.CodeValue, view.CodingSchemeDesignator = "R-10242", "SRT"  # a legacy code
    assert _requirement_in(orientation, mammogram)[0] is U
    # PS3.3 Table C.36.2.2.19-1: "Required if Device Type Code Sequence (3010,002E) is part of
    # CID 9545 Fixed Beam Limiting Device Types".
    fixed = _row(compiled, "table_C.36.2.2.19-1", "300A,0646")
    device = _item(DeviceTypeCodeSequence=[_item(CodeValue="130344", CodingSchemeDesignator="DCM")])
    assert _requirement_in(fixed, device, Dataset())[0] is T
    device.DeviceTypeCodeSequence[0].CodeValue = "130331"  # Leaf Pairs: movable
    assert _requirement_in(fixed, device, Dataset()) == (F, T)  # not allowed on it


def test_multi_frame_overlay_from_the_overlay_data(compiled: list[CompiledCondition]) -> None:
    # PS3.3 A.14 (X-Ray Radiofluoroscopic Image IOD): Multi-frame Overlay Module "Required if
    # Overlay data contains multiple frames", counted from Overlay Data's length (PS3.5
    # 8.1.2); "may be present" with one frame (the Note of C.9.3.1.1).
    row = _usage_row(compiled, "table_A.14-1", "table_C.9-3")
    image = _dataset("1.2.840.10008.5.1.4.1.1.12.2")
    image.add_new(0x60000010, "US", 64)
    image.add_new(0x60000011, "US", 64)
    image.add_new(0x60003000, "OW", bytes(1024))
    outcome = evaluate_requirement(row.requirement, EvaluationContext(image))
    assert (outcome.required, outcome.forbidden) == (T, F)
    image[0x60003000].value = bytes(512)
    outcome = evaluate_requirement(row.requirement, EvaluationContext(image))
    assert (outcome.required, outcome.forbidden) == (F, F)


def test_history_recorded_by_contributing_equipment(compiled: list[CompiledCondition]) -> None:
    # PS3.4 Y.3.3: an Instance made by a Frame-Level retrieve has a Contributing Equipment
    # Item with Purpose of Reference (109105, DCM, "Frame Extracting Equipment"), and the
    # Frame Extraction Module (PS3.3 Table C.12-9).
    extraction = _usage_row(compiled, "table_A.5-1", "table_C.12-9")
    purpose = _item(CodeValue="109105", CodingSchemeDesignator="DCM")
    image = _dataset(
        NM, ContributingEquipmentSequence=[_item(PurposeOfReferenceCodeSequence=[purpose])]
    )
    assert _top(extraction, image) is T
    # An Instance derived from an extracted one carries the Item forward (PS3.3 C.12.1.1.5):
    # with a later Processing Equipment Item it is not known to be the one extracted.
    processing = _item(CodeValue="109102", CodingSchemeDesignator="DCM")
    image.ContributingEquipmentSequence.append(_item(PurposeOfReferenceCodeSequence=[processing]))
    assert _top(extraction, image) is U
    purpose.CodeValue = "109103"  # Modifying Equipment: no evidence
    del image.ContributingEquipmentSequence[1]
    assert _top(extraction, image) is U
    # Withdrawn after review: Query/Retrieve View from (109106, DCM), which offline
    # converters use without any view.
    view = _row(compiled, "table_C.12-1", "0008,0053")
    assert view.status == "unknown by design"
