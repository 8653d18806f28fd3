"""A join of Items by value (:class:`InMatchingItem`): "the wedge referenced by Referenced
Wedge Number (300C,00C0)" is the Wedge Sequence Item whose Wedge Number (300A,00D2) is that
number. Its three-valued meaning on minimal Data Sets, the generated predicate agreeing with
the evaluator, and the override form."""

from __future__ import annotations

import pytest
from pydicom.dataset import Dataset

from dicomstd.conditions.ast import (
    AttributeRef,
    Constant,
    InMatchingItem,
    Truth,
    ValueIn,
)
from dicomstd.conditions.evaluate import EvaluationContext
from dicomstd.generator.conditions.overrides import format_condition, parse_override_condition

from condition_checks import agree

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
WEDGE_SEQUENCE = 0x300A00D1
WEDGE_NUMBER = 0x300A00D2
WEDGE_TYPE = 0x300A00D3
REFERENCED_WEDGE_NUMBER = 0x300C00C0

#: "Wedge Type (300A,00D3) of the wedge referenced by Referenced Wedge Number (300C,00C0) is
#: MOTORIZED": the Beam's Wedge Sequence, two Items out of a Wedge Position Sequence Item.
MOTORIZED_WEDGE = InMatchingItem(
    AttributeRef(WEDGE_SEQUENCE, "parent", 2),
    WEDGE_NUMBER,
    AttributeRef(REFERENCED_WEDGE_NUMBER, "item"),
    True,
    ValueIn(AttributeRef(WEDGE_TYPE, "item"), ("MOTORIZED",)),
)


def _wedge(number: object, kind: str | None) -> Dataset:
    wedge = Dataset()
    if number is not None:
        wedge.add_new(WEDGE_NUMBER, "IS", number)
    if kind is not None:
        wedge.add_new(WEDGE_TYPE, "CS", kind)
    return wedge


def _position(referenced: object, *wedges: Dataset) -> EvaluationContext:
    beam = Dataset()
    beam.add_new(WEDGE_SEQUENCE, "SQ", list(wedges))
    control_point = Dataset()
    position = Dataset()
    if referenced is not None:
        position.add_new(REFERENCED_WEDGE_NUMBER, "IS", referenced)
    return EvaluationContext(position, parents=(control_point, beam, Dataset()))


@pytest.mark.parametrize(
    ("referenced", "wedges", "expected"),
    [
        ("2", [("1", "STANDARD"), ("2", "MOTORIZED")], T),  # the referenced wedge is motorized
        ("1", [("1", "STANDARD"), ("2", "MOTORIZED")], F),  # it is not, the other one is
        ("1.0", [("1", "MOTORIZED")], T),  # numbers compared as numbers
        ("3", [("1", "MOTORIZED")], F),  # no wedge has that number
        ("2", [("1", "STANDARD"), ("2", None)], F),  # no Wedge Type: not MOTORIZED
        ("2", [(None, "MOTORIZED")], U),  # a wedge without its number may be the one
        ("2", [(["2", "3"], "MOTORIZED")], U),  # nor with two numbers
        (None, [("1", "MOTORIZED")], U),  # nothing to join on
        ("2", [], F),  # no wedges
        # Wedge Number is "unique within the Beam": two wedges numbered 2 that disagree
        # leave it open, two that agree do not.
        ("2", [("2", "STANDARD"), ("2", "MOTORIZED")], U),
        ("2", [("2", "MOTORIZED"), ("2", "MOTORIZED")], T),
    ],
)
def test_the_item_whose_key_matches_decides(
    referenced: object, wedges: list[tuple[object, str | None]], expected: Truth
) -> None:
    context = _position(referenced, *(_wedge(number, kind) for number, kind in wedges))
    assert agree(MOTORIZED_WEDGE, context) is expected


def test_a_difference_and_some_item_at_all() -> None:
    # "references Instances in more than one Study": an Evidence Item of this Study and
    # one of another (PS3.3 C.17.6.2.1), read on the Items' Study Instance UID.
    def evidence(*studies: str) -> Dataset:
        document = Dataset()
        document.StudyInstanceUID = "5.5"
        items = []
        for study in studies:
            item = Dataset()
            item.StudyInstanceUID = study
            items.append(item)
        document.CurrentRequestedProcedureEvidenceSequence = items
        return document

    def join(equal: bool) -> InMatchingItem:
        return InMatchingItem(
            AttributeRef(0x0040A375, "top"),
            0x0020000D,
            AttributeRef(0x0020000D, "top"),
            equal,
            Constant(True),
        )

    other = evidence("5.5", "6.6")
    assert agree(join(True), EvaluationContext(other)) is T
    assert agree(join(False), EvaluationContext(other)) is T
    same = evidence("5.5 ")
    assert agree(join(False), EvaluationContext(same)) is F
    # UIDs are text, not numbers: "5.50" is another Study.
    assert agree(join(False), EvaluationContext(evidence("5.5", "5.50"))) is T
    # The value joined on is read where the node is, not in the Items: an Item holding its
    # own Study Instance UID is not compared with itself.
    assert (
        agree(
            join(False),
            EvaluationContext(same.CurrentRequestedProcedureEvidenceSequence[0], (same,)),
        )
        is F
    )


def test_override_form_round_trips() -> None:
    texts = [
        'in_matching_item("300A,00D1", "300A,00D2", "==", here("300C,00C0", scope="item"), '
        'value_in("300A,00D3", ["MOTORIZED"], scope="item"), scope="parent", levels=2)',
        'in_matching_item("0040,A375", "0020,000D", "!=", here("0020,000D", scope="top"), '
        'scope="top")',
    ]
    for text in texts:
        assert format_condition(parse_override_condition(text)) == text
    assert parse_override_condition(texts[0]) == MOTORIZED_WEDGE
    with pytest.raises(ValueError):
        parse_override_condition(
            'in_matching_item("0040,A375", "0020,000D", "<", here("0020,000D"))'
        )


def test_without_the_value_joined_on_no_item_can_count() -> None:
    # Found in review: no Referenced Wedge Number, and every wedge STANDARD: whichever wedge
    # is meant, it is not MOTORIZED (FALSE), not UNKNOWN.
    assert agree(MOTORIZED_WEDGE, _position(None, _wedge("1", "STANDARD"))) is F
    assert agree(MOTORIZED_WEDGE, _position(None)) is F


def test_a_number_against_text_is_not_known_to_differ() -> None:
    # An IS key against a value that is not a number: neither equal nor different.
    differs = InMatchingItem(
        AttributeRef(WEDGE_SEQUENCE, "parent", 2),
        WEDGE_NUMBER,
        AttributeRef(0x300A00D4, "item"),  # Wedge ID (SH): text
        False,
        Constant(True),
    )
    position = _position(None, _wedge("1", "STANDARD"))
    position.dataset.add_new(0x300A00D4, "SH", "W1")
    assert agree(differs, position) is U
