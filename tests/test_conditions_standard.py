"""Conditions compiled from the real PS3.3 2024c text: sentences, evaluation on minimal
pydicom Data Sets, overrides, coverage. PS3.3 is read once per module (about 4 s)."""

from __future__ import annotations

import json
from typing import Callable

import pytest
from pydicom.dataset import Dataset

from dicomstd.conditions.ast import (
    And,
    ModulePresent,
    Not,
    SOPClassIn,
    Truth,
    Unverifiable,
    ValueIn,
    contains_unparsed,
)
from dicomstd.conditions.evaluate import EvaluationContext, evaluate, evaluate_requirement
from dicomstd.errors import BuildError
from dicomstd.generator.conditions.coverage import CompiledCondition, compile_conditions, coverage
from dicomstd.generator.conditions.overrides import load_overrides
from dicomstd.generator.conditions.parser import Vocabulary
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


def test_unparsed_sentences_are_reported_not_guessed(compiled: list[CompiledCondition]) -> None:
    unparsed = [row for row in compiled if row.status == "unparsed"]
    assert unparsed
    for row in unparsed:
        assert contains_unparsed(row.requirement.required) or contains_unparsed(
            row.requirement.otherwise
        )
        assert evaluate(row.requirement.required, EvaluationContext(Dataset())) in (U, F, T)


def test_overrides_apply_and_stale_ones_fail(
    model: Part03Model, compiled: list[CompiledCondition]
) -> None:
    overridden = [row for row in compiled if row.status == "override"]
    assert {row.table for row in overridden if row.category == "attribute"} == {"table_C.8-17"}
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
    for category in ("attribute", "module usage", "functional group usage"):
        row = counts[category]
        assert row["unique"] == sum(
            row[s] for s in ("parser", "override", "unknown by design", "unparsed")
        )
    # Compiled (parser + override) or understood as not checkable from the data.
    assert (counts["attribute"]["parser"] + counts["attribute"]["override"]) / counts["attribute"][
        "unique"
    ] > 0.65
    assert counts["attribute"]["unparsed"] / counts["attribute"]["unique"] < 0.2
    assert counts["module usage"]["unparsed"] / counts["module usage"]["unique"] < 0.1
    assert (
        counts["functional group usage"]["unparsed"] / counts["functional group usage"]["unique"]
        < 0.1
    )
    document = json.loads(report.to_json())
    assert document["edition"] == "2024c"
    assert all(entry["text"] for entries in document["sentences"].values() for entry in entries)
    assert "attribute:" in report.summary()
