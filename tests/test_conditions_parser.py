"""The condition parser on sentences of PS3.3 2024c, with PS3.6's names only (no publication
needed): a clause about the conditional Attribute itself, "Required for images where ... and
whose SOP Class is ...", the RT idiom "for the first Item, or if ... changes, and if ...",
and the qualifiers of conditional includes."""

from __future__ import annotations

from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from dicomstd.conditions.ast import (
    And,
    Constant,
    FirstItem,
    Not,
    Or,
    Present,
    SOPClassIn,
    Truth,
    Unparsed,
    Unverifiable,
    ValueIn,
    contains_unparsed,
    walk,
)
from dicomstd.conditions.evaluate import EvaluationContext, evaluate, evaluate_requirement
from dicomstd.generator.conditions.extract import condition_sentences, include_sentences
from dicomstd.generator.conditions.parser import ParseContext, parse_condition, parse_requirement
from dicomstd.validate import spec_tree
from dicomstd.specification import Include, Requirement as SpecRequirement

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
RESCALE_TYPE = 0x00281054
CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"


def _ct(**values: object) -> Dataset:
    ds = Dataset()
    ds.SOPClassUID = CT_IMAGE_STORAGE
    for keyword, value in values.items():
        setattr(ds, keyword, value)
    return ds


# --- a clause about the Attribute itself -----------------------------------------------------


def test_a_clause_about_the_attribute_itself_is_not_made_true_by_its_absence() -> None:
    # PS3.3 Table C.8-3 (CT Image Module), Rescale Type (0028,1054), Type 1C.
    description = (
        "Required if the Rescale Type is not HU (Hounsfield Units), or Multi-energy CT "
        "Acquisition (0018,9361) is YES. May be present otherwise."
    )
    context = ParseContext(tag=RESCALE_TYPE, name="Rescale Type")
    requirement = parse_requirement(condition_sentences(description), None, context)
    required = requirement.required
    assert not contains_unparsed(required)
    assert any(isinstance(node, Unverifiable) for node in walk(required))
    # Absent: HU is implied; whether "the Rescale Type is not HU" is not in the data.
    assert evaluate(required, EvaluationContext(_ct())) is U
    outcome = evaluate_requirement(requirement, EvaluationContext(_ct()))
    assert outcome.required is U and outcome.forbidden is F
    # Present: read on its value.
    assert evaluate(required, EvaluationContext(_ct(RescaleType="HU"))) is F
    assert evaluate(required, EvaluationContext(_ct(RescaleType="US"))) is T
    # The other clause still decides alone.
    assert evaluate(required, EvaluationContext(_ct(MultienergyCTAcquisition="YES"))) is T


def test_without_the_attribute_s_tag_the_clause_is_read_as_before() -> None:
    clause = "the Rescale Type is not HU (Hounsfield Units)"
    required = parse_condition(clause)
    assert required == Not(ValueIn(required.term.attribute, ("HU",)))  # type: ignore[union-attr]
    assert evaluate(required, EvaluationContext(_ct())) is T


def test_a_clause_naming_other_data_is_left_alone() -> None:
    # "Required if Rescale Intercept is present" (Table C.11-1b) names another Attribute.
    context = ParseContext(tag=RESCALE_TYPE, name="Rescale Type")
    condition = parse_condition("Rescale Intercept (0028,1052) is present", None, context)
    assert isinstance(condition, Present) and condition.attribute.tag == 0x00281052


# --- "Required for images where ... and whose SOP Class is ..." -------------------------------

PATIENT_POSITION = (
    "Required for images where Patient Orientation Code Sequence (0054,0410) is not present "
    'and whose SOP Class is one of the following: CT ("1.2.840.10008.5.1.4.1.1.2") or MR '
    '("1.2.840.10008.5.1.4.1.1.4") or Enhanced CT ("1.2.840.10008.5.1.4.1.1.2.1") or Enhanced '
    'MR Image ("1.2.840.10008.5.1.4.1.1.4.1") or Enhanced Color MR Image '
    '("1.2.840.10008.5.1.4.1.1.4.3") or MR Spectroscopy ("1.2.840.10008.5.1.4.1.1.4.2") '
    "Storage SOP Classes."
)


def test_required_for_images_whose_sop_class_is_one_of_the_following() -> None:
    requirement = parse_requirement(condition_sentences(PATIENT_POSITION))
    required = requirement.required
    assert isinstance(required, And)
    sop_classes = next(term for term in required.terms if isinstance(term, SOPClassIn))
    assert sop_classes.uids == (
        "1.2.840.10008.5.1.4.1.1.2",
        "1.2.840.10008.5.1.4.1.1.4",
        "1.2.840.10008.5.1.4.1.1.2.1",
        "1.2.840.10008.5.1.4.1.1.4.1",
        "1.2.840.10008.5.1.4.1.1.4.3",
        "1.2.840.10008.5.1.4.1.1.4.2",
    )
    assert evaluate(required, EvaluationContext(_ct())) is T
    with_code = _ct(PatientOrientationCodeSequence=Sequence([Dataset()]))
    assert evaluate(required, EvaluationContext(with_code)) is F
    us = Dataset()
    us.SOPClassUID = "1.2.840.10008.5.1.4.1.1.6.1"  # Ultrasound Image Storage
    assert evaluate(required, EvaluationContext(us)) is F


# --- "for the first Item, or if ... changes, and if ..." ---------------------------------------


def test_first_item_or_change_is_restricted_by_the_clause_after_it() -> None:
    # PS3.3 Table C.8-50 (RT Beams Module), Enhanced RT Beam Limiting Opening Sequence.
    text = (
        "Required for first Item of Control Point Sequence (300A,0111), or if the values of "
        "the Beam Limiting Device change during Beam and if Enhanced RT Beam Limiting Device "
        "Definition Flag (3008,00A3) is present and has the value YES"
    )
    required = parse_requirement(condition_sentences(text)).required
    assert isinstance(required, And) and len(required.terms) == 2
    first_or_change, flag = required.terms
    assert isinstance(first_or_change, Or) and isinstance(first_or_change.terms[0], FirstItem)
    assert isinstance(flag, ValueIn) and flag.values == ("YES",)
    # An RT Plan without the Flag (pydicom's rtplan.dcm): not required, even in Item 1.
    item = Dataset()
    assert evaluate(required, EvaluationContext(item, (Dataset(),), item_index=0)) is F
    beam = Dataset()
    beam.EnhancedRTBeamLimitingDeviceDefinitionFlag = "YES"
    assert evaluate(required, EvaluationContext(item, (beam,), item_index=0)) is T
    assert evaluate(required, EvaluationContext(item, (beam,), item_index=3)) is U


def test_first_item_or_change_then_a_comma_and() -> None:
    # PS3.3 Table C.8.8.26-1: ", and KVP (0018,0060) is not present" restricts both.
    text = (
        "Required for Control Point 0 of Ion Control Point Delivery Sequence (3008,0041) or "
        "if Nominal Beam Energy (300A,0114) changes during beam administration, and KVP "
        "(0018,0060) is not present."
    )
    required = parse_requirement(condition_sentences(text)).required
    assert isinstance(required, And)
    assert isinstance(required.terms[0], Or) and isinstance(required.terms[1], Not)
    item = Dataset()
    item.KVP = 120
    assert evaluate(required, EvaluationContext(item, (Dataset(),), item_index=0)) is F


def test_first_item_with_its_own_if_keeps_its_reading() -> None:
    text = (
        "Required for first Item of Control Point Sequence if Number of Range Shifters "
        "(300A,0312) is non-zero, or if Range Shifter Setting (300A,0362) changes during Beam."
    )
    required = parse_requirement(condition_sentences(text)).required
    assert isinstance(required, Or) and isinstance(required.terms[0], And)


# --- conditional includes ------------------------------------------------------------------------


def test_include_sentences() -> None:
    assert include_sentences("No Baseline CID is defined.") == ()
    assert include_sentences("BCID 82 “Measurement Unit”.") == ()
    # A capitalised "If ..., Defined CID is ..." chooses a context group, not the include.
    assert (
        include_sentences(
            "If Treatment Tolerance Violation Category (300A,0732) has the value CLINICAL, "
            'Defined CID is 9566 "Clinical Tolerance Violation Types"'
        )
        == ()
    )
    only_if = include_sentences("if and only if Value Type (0040,A040) is NUM.")
    assert [s.kind for s in only_if] == ["required", "shall not"]
    assert only_if[0].clause == "Value Type (0040,A040) is NUM"
    by_value = include_sentences(
        "if the Target Content Item is included by-value in the Source Content Item. The "
        "Macro shall not be present if the relationship is by-reference."
    )
    assert [s.kind for s in by_value] == ["required", "forbidden"]
    assert by_value[1].text.startswith("The Macro shall not be present")
    optional = include_sentences(
        "Include if Ophthalmic Thickness Map Type Code Sequence (0022,1436) contains an Item "
        'with the value (111930, DCM, "Absolute ophthalmic thickness"). May be present '
        "otherwise. DCID 4260 “Ophthalmic Mapping Unit for Real World Value Mapping”"
    )
    assert [s.kind for s in optional] == ["required", "may"]
    unless = include_sentences(
        "May not be necessary if the anatomy is implicit in the Segmented Property Type Code "
        "Sequence. More than one Item in Anatomic Region Sequence (0008,2218) may be used."
    )
    assert [s.kind for s in unless] == ["unless"]


def test_include_if_and_only_if_compiles_with_shall_not_otherwise() -> None:
    requirement = parse_requirement(
        include_sentences("if and only if Value Type (0040,A040) is NUM.")
    )
    assert requirement.text == "if and only if Value Type (0040,A040) is NUM."
    assert isinstance(requirement.required, ValueIn)
    assert requirement.otherwise == Constant(False) and requirement.otherwise_stated
    item = Dataset()
    item.ValueType = "NUM"
    assert evaluate(requirement.required, EvaluationContext(item)) is T
    item.ValueType = "TEXT"
    assert evaluate(requirement.required, EvaluationContext(item)) is F


def test_may_not_be_necessary_if_is_required_unless() -> None:
    requirement = parse_requirement(
        include_sentences("May not be necessary if the anatomy is not known.")
    )
    assert requirement.required == Not(Unverifiable("the anatomy is not known"))
    assert requirement.otherwise == Constant(True)
    unread = parse_requirement(
        include_sentences("May not be necessary if Value Type (0040,A040) frobnicates.")
    )
    assert isinstance(unread.required, Unparsed)


def _always_false(context: EvaluationContext) -> Truth:
    return F


def test_spec_tree_guard_prefers_the_compiled_condition() -> None:
    qualifier = "if and only if Value Type (0040,A040) is NUM."
    compiled = SpecRequirement(qualifier, "parser", _always_false, _always_false)
    guard = spec_tree._include_guard(
        Include("table_C.18.1-1", "Table C.18.1-1", 10, qualifier, requirement=compiled)
    )
    assert guard is not None and guard.test is _always_false and guard.text == qualifier
    # Without a compiled condition: the qualifier is read as before.
    fallback = spec_tree._include_guard(Include("table_C.18.1-1", "Table C.18.1-1", 10, qualifier))
    item = Dataset()
    item.ValueType = "NUM"
    assert fallback is not None and fallback.test(EvaluationContext(item)) is T
    assert spec_tree._include_guard(Include("table_10-11", "Table 10-11", 3, "BCID 82.")) is None
