"""Conditions that compare referenced Instances with this Data Set, or with each other
(:class:`ReferencedValueMatches`, :class:`ConsistentInReferencedInstances`): their
three-valued meaning on Data Sets written here, the generated predicate agreeing with the
evaluator, and the override form."""

from __future__ import annotations

from typing import Any

import pytest
from pydicom.dataset import Dataset

from dicomstd.conditions.ast import (
    AttributeRef,
    ConsistentInReferencedInstances,
    InAnyItem,
    ReferencedValueMatches,
    Truth,
)
from dicomstd.conditions.evaluate import EvaluationContext
from dicomstd.generator.conditions.overrides import format_condition, parse_override_condition

from condition_checks import agree

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
FRAME_OF_REFERENCE_UID = 0x00200052
MANUFACTURER_MODEL_NAME = 0x00081090
OPERATOR_IDENTIFICATION_SEQUENCE = 0x00081072
CONTRIBUTING_SOP_INSTANCES = 0x00209529

#: "the Frame of Reference UID (0020,0052) value of the Images referenced by the Referenced
#: Image Sequence (0008,1140) of this Item does not match the Frame of Reference UID
#: (0020,0052) value of this Presentation State Instance" (PS3.3 Table C.11.33-1).
FRAME_OF_REFERENCE_DIFFERS = InAnyItem(
    AttributeRef(0x00081140, "item"),
    ReferencedValueMatches(
        AttributeRef(0x00081155, "item"),
        FRAME_OF_REFERENCE_UID,
        AttributeRef(FRAME_OF_REFERENCE_UID, "top"),
        equal=False,
    ),
)
#: "present and consistent in the contributing SOP Instances" (PS3.3 Table 10-13).
MODEL_CONSISTENT = ConsistentInReferencedInstances(
    AttributeRef(CONTRIBUTING_SOP_INSTANCES, "item"), MANUFACTURER_MODEL_NAME
)


def _image(uid: str, **attributes: Any) -> Dataset:
    image = Dataset()
    image.SOPInstanceUID = uid
    for keyword, value in attributes.items():
        setattr(image, keyword, value)
    return image


def _references(*uids: str) -> list[Dataset]:
    items = []
    for uid in uids:
        item = Dataset()
        item.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        item.ReferencedSOPInstanceUID = uid
        items.append(item)
    return items


def _blending_item(*uids: str) -> Dataset:
    item = Dataset()
    item.ReferencedImageSequence = _references(*uids)
    return item


IMAGES = {
    "1.1": _image("1.1", FrameOfReferenceUID="9.1"),
    "1.2": _image("1.2", FrameOfReferenceUID="9.2 "),
    "1.3": _image("1.3"),
}


def _presentation_state(frame_of_reference: str | None, item: Dataset) -> EvaluationContext:
    state = Dataset()
    if frame_of_reference is not None:
        state.FrameOfReferenceUID = frame_of_reference
    state.BlendingSequence = [item]
    return EvaluationContext(item, parents=(state,), instances=IMAGES.get)


@pytest.mark.parametrize(
    ("frame_of_reference", "uids", "expected"),
    [
        ("9.1", ("1.1",), F),  # the same Frame of Reference
        ("9.1", ("1.2",), T),  # another one (padding is not part of the UID)
        ("9.1", ("1.1", "1.2"), T),  # one referenced image differs
        ("9.1", ("1.1", "7.7"), U),  # one not at hand, the other matches: cannot tell
        ("9.1", ("1.3",), U),  # the image has no Frame of Reference UID
        (None, ("1.1",), U),  # the Presentation State has none
        ("9.1", (), F),  # no image referenced
    ],
)
def test_a_frame_of_reference_that_does_not_match(
    frame_of_reference: str | None, uids: tuple[str, ...], expected: Truth
) -> None:
    item = _blending_item(*uids) if uids else Dataset()
    assert agree(FRAME_OF_REFERENCE_DIFFERS, _presentation_state(frame_of_reference, item)) is (
        expected
    )


def test_a_match_is_the_other_reading() -> None:
    same_study = ReferencedValueMatches(
        AttributeRef(0x00081155, "anywhere"),
        0x0020000D,
        AttributeRef(0x0020000D, "top"),
    )
    ours = Dataset()
    ours.StudyInstanceUID = "5.5"
    ours.ReferencedImageSequence = _references("1.1", "1.2")
    studies = {"1.1": _image("1.1", StudyInstanceUID="6.6"), "1.2": _image("1.2")}
    # 1.1 is in another Study, 1.2 has no Study Instance UID: no match is known.
    assert agree(same_study, EvaluationContext(ours, instances=studies.get)) is U
    studies["1.2"].StudyInstanceUID = "5.5"
    assert agree(same_study, EvaluationContext(ours, instances=studies.get)) is T
    studies["1.2"].StudyInstanceUID = "6.6"
    assert agree(same_study, EvaluationContext(ours, instances=studies.get)) is F
    assert agree(same_study, EvaluationContext(ours)) is U  # no Instance at hand


def _contributing(*uids: str) -> Dataset:
    """A Contributing Sources Item: Contributing SOP Instances Reference Sequence, by Study
    then Series (PS3.3 Table 10-13)."""
    series = Dataset()
    series.SeriesInstanceUID = "3.3"
    series.ReferencedSOPSequence = _references(*uids)
    study = Dataset()
    study.StudyInstanceUID = "2.2"
    study.ReferencedSeriesSequence = [series]
    source = Dataset()
    source.add_new(CONTRIBUTING_SOP_INSTANCES, "SQ", [study])
    return source


@pytest.mark.parametrize(
    ("models", "expected"),
    [
        (["CT 5000", "CT 5000 "], T),  # the same, padding aside
        (["CT 5000", "CT 6000"], F),  # two differ
        (["CT 5000", None], F),  # one lacks it
        (["CT 5000", ""], U),  # present but empty: nothing to be consistent with
        (["CT 5000", "missing"], U),  # one is not at hand
        (["CT 5000", None, "missing"], F),  # a known absence decides, whatever is missing
        (["CT 5000"], T),
    ],
)
def test_present_and_consistent_in_the_contributing_instances(
    models: list[str | None], expected: Truth
) -> None:
    at_hand: dict[str, Dataset] = {}
    uids = []
    for number, model in enumerate(models):
        uid = f"1.{number}"
        uids.append(uid)
        if model == "missing":
            continue
        image = _image(uid)
        if model is not None:
            image.ManufacturerModelName = model
        at_hand[uid] = image
    context = EvaluationContext(_contributing(*uids), instances=at_hand.get)
    assert agree(MODEL_CONSISTENT, context) is expected


def test_without_contributing_instances_nothing_is_known() -> None:
    # Which Instances contributed is not recorded: neither consistent nor inconsistent.
    assert agree(MODEL_CONSISTENT, EvaluationContext(Dataset(), instances=lambda uid: None)) is U
    empty = Dataset()
    empty.add_new(CONTRIBUTING_SOP_INSTANCES, "SQ", [])
    assert agree(MODEL_CONSISTENT, EvaluationContext(empty, instances=lambda uid: None)) is U


def test_sequences_are_consistent_item_by_item() -> None:
    operators = ConsistentInReferencedInstances(
        AttributeRef(CONTRIBUTING_SOP_INSTANCES, "item"), OPERATOR_IDENTIFICATION_SEQUENCE
    )

    def image(uid: str, identifier: str) -> Dataset:
        operator = Dataset()
        operator.PersonIdentificationCodeSequence = []
        operator.InstitutionName = identifier
        dataset = _image(uid)
        dataset.OperatorIdentificationSequence = [operator]
        return dataset

    same = {"1.0": image("1.0", "General"), "1.1": image("1.1", "General ")}
    assert (
        agree(
            operators,
            EvaluationContext(_contributing("1.0", "1.1"), instances=lambda uid: same.get(uid)),
        )
        is T
    )
    other = {"1.0": image("1.0", "General"), "1.1": image("1.1", "County")}
    assert (
        agree(
            operators,
            EvaluationContext(_contributing("1.0", "1.1"), instances=lambda uid: other.get(uid)),
        )
        is F
    )


def test_override_forms_round_trip() -> None:
    texts = [
        'in_any_item("0008,1140", referenced_value("0008,1155", "0020,0052", "!=", '
        'here("0020,0052", scope="top"), scope="item"), scope="item")',
        'consistent_in_referenced("0020,9529", "0008,1090", scope="item")',
        'consistent_in_referenced("0020,9529", "0008,1090", scope="item", reference="0004,1511")',
    ]
    for text in texts:
        assert format_condition(parse_override_condition(text)) == text
    assert parse_override_condition(texts[0]) == FRAME_OF_REFERENCE_DIFFERS
    assert parse_override_condition(texts[1]) == MODEL_CONSISTENT
    for wrong in (
        'referenced_value("0008,1155", "0020,0052", "<", here("0020,0052"))',
        'referenced_value("0008,1155", "0020,0052", "==", present("0020,0052"))',
    ):
        with pytest.raises(ValueError):
            parse_override_condition(wrong)


def test_sequences_that_cannot_be_compared_are_unknown() -> None:
    # An Item within itself (only in memory: a file cannot hold one), and a difference
    # deeper than the runtime walks, never read as consistent.
    operators = ConsistentInReferencedInstances(
        AttributeRef(CONTRIBUTING_SOP_INSTANCES, "item"), OPERATOR_IDENTIFICATION_SEQUENCE
    )

    def looping(uid: str) -> Dataset:
        item = Dataset()
        item.add_new(OPERATOR_IDENTIFICATION_SEQUENCE, "SQ", [item])
        dataset = _image(uid)
        dataset.add_new(OPERATOR_IDENTIFICATION_SEQUENCE, "SQ", [item])
        return dataset

    loops = {"1.0": looping("1.0"), "1.1": looping("1.1")}
    context = EvaluationContext(_contributing("1.0", "1.1"), instances=lambda uid: loops.get(uid))
    assert agree(operators, context) is U

    def deep(uid: str, leaf: str) -> Dataset:
        inner = Dataset()
        inner.InstitutionName = leaf
        for _ in range(80):
            outer = Dataset()
            outer.add_new(OPERATOR_IDENTIFICATION_SEQUENCE, "SQ", [inner])
            inner = outer
        dataset = _image(uid)
        dataset.add_new(OPERATOR_IDENTIFICATION_SEQUENCE, "SQ", [inner])
        return dataset

    deeply = {"1.0": deep("1.0", "General"), "1.1": deep("1.1", "County")}
    context = EvaluationContext(_contributing("1.0", "1.1"), instances=lambda uid: deeply.get(uid))
    assert agree(operators, context) is U


def test_one_instance_without_the_value_does_not_hide_another() -> None:
    # Found in review: an Instance lacking the compared Attribute made the whole answer
    # UNKNOWN, though another referenced Instance decided it.
    item = _blending_item("1.3", "1.2")  # 1.3 has no Frame of Reference UID; 1.2 differs
    assert agree(FRAME_OF_REFERENCE_DIFFERS, _presentation_state("9.1", item)) is T


def test_person_names_compare_without_empty_trailing_components() -> None:
    # PS3.5 Section 6.2.1: "Doe^Jane" and "Doe^Jane^^" are one name.
    names = ConsistentInReferencedInstances(
        AttributeRef(CONTRIBUTING_SOP_INSTANCES, "item"), 0x00081070
    )
    sources = {
        "1.0": _image("1.0", OperatorsName="Doe^Jane"),
        "1.1": _image("1.1", OperatorsName="Doe^Jane^^"),
    }
    context = EvaluationContext(_contributing("1.0", "1.1"), instances=lambda uid: sources.get(uid))
    assert agree(names, context) is T
    sources["1.1"].OperatorsName = "Roe^Jane"
    assert agree(names, context) is F
