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
    # Without a compiled condition the include is unconditional: the generator decided it
    # (a qualifier such as "If ... has the value CLINICAL, Defined CID is 9566" only names
    # a context group), and the runtime never reads the standard's text.
    assert (
        spec_tree._include_guard(Include("table_C.18.1-1", "Table C.18.1-1", 10, qualifier)) is None
    )
    assert spec_tree._include_guard(Include("table_10-11", "Table 10-11", 3, "BCID 82.")) is None


# --- clauses about what the Data Set does not hold ------------------------------------------------

from dicomstd.conditions.ast import (  # noqa: E402
    AttributeRef,
    CodeIn,
    Compare,
    HasValue,
    InAnyItem,
    ValueCount,
)
from dicomstd.generator.conditions.parser import Vocabulary  # noqa: E402

MODALITY_CT = ValueIn(AttributeRef(0x00080060), ("CT",))


def test_a_clause_about_another_instance_is_unverifiable() -> None:
    clause = "Patient's Weight (0010,1030) in the referenced SOP Instance is greater than 10"
    assert parse_condition(clause) == Unverifiable(clause)
    condition = parse_condition(
        "Modality (0008,0060) is CT and the system is capable of calculating Exposure (0018,1152)"
    )
    assert condition == And(
        (MODALITY_CT, Unverifiable("the system is capable of calculating Exposure (0018,1152)"))
    )
    assert evaluate(condition, EvaluationContext(_ct(Modality="MR"))) is F
    assert evaluate(condition, EvaluationContext(_ct(Modality="CT"))) is U


def test_meaning_comparison_and_outside_lists_are_unverifiable() -> None:
    for clause in (
        "Concept Code Sequence (0040,A168) does not fully specify the semantics of the value",
        "Anatomic Region Sequence (0008,2218) is part of CID 4031 Common Anatomic Regions",
        "different from Samples per Pixel (0028,0002)",
        "Rescale Slope (0028,1053) changes during the acquisition",
    ):
        assert parse_condition(clause) == Unverifiable(clause)


def test_an_unread_clause_is_not_swallowed_by_its_unverifiable_neighbour() -> None:
    condition = parse_condition(
        "the Image is held in the referenced SOP Instance, and Modality (0008,0060) at Study "
        "level frobnicates"
    )
    assert isinstance(condition, Unparsed)


def test_a_phrase_continued_after_a_bare_and_stays_one_span() -> None:
    clause = (
        "the shutter does not apply to all the images and frames of Referenced Image Sequence "
        "(0008,1140)"
    )
    assert parse_condition(clause) == Unverifiable(clause)


def test_what_kind_of_thing_an_attribute_is_is_unverifiable() -> None:
    condition = parse_condition(
        "Selector Attribute VR (0072,0050) is present and the value is SQ, and Selector "
        "Attribute (0072,0026) is a Code Sequence"
    )
    assert isinstance(condition, And)
    assert condition.terms[1] == Unverifiable("Selector Attribute (0072,0026) is a Code Sequence")


def test_a_clause_read_too_far_is_read_up_to_its_connective() -> None:
    condition = parse_condition(
        "Body Part Examined (0018,0015) is present and contains a value defined in Annex L of "
        "PS3.16"
    )
    assert isinstance(condition, And) and isinstance(condition.terms[0], Present)
    assert isinstance(condition.terms[1], Unverifiable)


# --- Items of a Sequence ------------------------------------------------------------------------


def test_all_but_the_last_item() -> None:
    condition = parse_condition(
        "for all but the last Item in this Sequence and for the last Item if Modality "
        "(0008,0060) is CT"
    )
    assert condition == Or((Unverifiable("all but the last Item in this Sequence"), MODALITY_CT))


def test_first_item_and_subsequent_items_where_a_value_changes() -> None:
    condition = parse_condition(
        "for first Item of Control Point Sequence (300A,0111) if Number of Wedges (300A,00D0) "
        "is non-zero, and in subsequent control points if Wedge Angle (300A,00D5) changes "
        "during Beam"
    )
    wedges = Compare(AttributeRef(0x300A00D0), "ne", 0.0)
    assert condition == Or(
        (
            And((FirstItem(), wedges)),
            And((Not(FirstItem()), Unverifiable("Wedge Angle (300A,00D5) changes during Beam"))),
        )
    )


def test_first_item_of_the_including_sequence_binds_with_its_or() -> None:
    condition = parse_condition(
        "Wedge Sequence (300A,00D1) is present and for first Item of the including control "
        "point Sequence (either Control Point Sequence (300A,0111) or Ion Control Point "
        "Sequence (300A,03A8)), or if Wedge Angle (300A,00D5) changes during the Beam"
    )
    assert condition == And(
        (
            Present(AttributeRef(0x300A00D1)),
            Or((FirstItem(), Unverifiable("Wedge Angle (300A,00D5) changes during the Beam"))),
        )
    )


def test_is_present_has_the_value_without_and() -> None:
    condition = parse_condition("Modality (0008,0060) is absent, or is present has the value CT")
    assert condition == Or((Not(Present(AttributeRef(0x00080060))), MODALITY_CT))


def test_a_predicate_in_some_item_of_a_sequence() -> None:
    weight = parse_condition(
        "Cumulative Meterset Weight (300A,0134) is non-null in Control Points specified within "
        "Control Point Sequence (300A,0111)"
    )
    assert weight == InAnyItem(AttributeRef(0x300A0111), HasValue(AttributeRef(0x300A0134, "item")))
    modality = parse_condition(
        "Modality (0008,0060) is CT in any of the Items in the Referenced Series Sequence "
        "(0008,1115)"
    )
    assert modality == InAnyItem(
        AttributeRef(0x00081115), ValueIn(AttributeRef(0x00080060, "item"), ("CT",))
    )


def test_one_item_of_a_code_sequence_is_a_code() -> None:
    condition = parse_condition(
        'one Derivation Code Sequence (0008,9215) Item value is (113072, DCM, "Multiplanar")'
    )
    assert condition == CodeIn(AttributeRef(0x00089215), (("113072", "DCM"),))


def test_some_occurrence_has_a_value_other_than() -> None:
    expected = And(
        (
            Present(AttributeRef(0x00281402)),
            Not(ValueIn(AttributeRef(0x00281402), ("PRIMARY_PVALUES",))),
        )
    )
    assert (
        parse_condition(
            "Data Path Assignment (0028,1402) is present and there exists any value other than "
            "PRIMARY_PVALUES"
        )
        == expected
    )
    assert (
        parse_condition(
            "there are one or more Items of the Data Path Assignment (0028,1402) other than "
            "PRIMARY_PVALUES"
        )
        == expected
    )
    # A multi-valued Attribute: "any value other than" is not "no value equal to" (not read
    # as a ValueIn).
    multi = parse_condition(
        "Image Type (0008,0008) is present and there exists any value other than ORIGINAL"
    )
    assert not any(isinstance(node, ValueIn) for node in walk(multi))


# --- Values, SOP Classes, IODs ----------------------------------------------------------------


def test_the_number_of_values_and_a_definition_after_i_e() -> None:
    assert parse_condition(
        "Mask Frame Numbers (0028,6110) specifies more than one frame (i.e., is multi-valued)"
    ) == ValueCount(AttributeRef(0x00286110), "gt", 1)
    assert parse_condition("Image Type (0008,0008) is single-valued") == ValueCount(
        AttributeRef(0x00080008), "eq", 1
    )
    assert (
        parse_condition("the Instance is a localizer, i.e., Modality (0008,0060) is CT")
        == MODALITY_CT
    )


def test_sop_class_lists() -> None:
    listed = parse_condition(
        "the value of SOP Class UID (0008,0016) equals one of the following values: "
        "1.2.840.10008.5.1.4.1.1.2 (CT Image Storage) 1.2.840.10008.5.1.4.1.1.4 (MR Image "
        "Storage)"
    )
    assert listed == SOPClassIn(("1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.4"))
    kind = parse_condition(
        "the SOP Class UID of the referencing SOP Instance is not a converted SOP Class "
        '(Legacy Converted Enhanced CT Image Storage "1.2.840.10008.5.1.4.1.1.2.2", Legacy '
        'Converted Enhanced MR Image Storage "1.2.840.10008.5.1.4.1.1.4.4")'
    )
    assert kind == Not(SOPClassIn(("1.2.840.10008.5.1.4.1.1.2.2", "1.2.840.10008.5.1.4.1.1.4.4")))


class _Siblings(Vocabulary):
    """PS3.6 names, every Attribute beside the conditional one."""

    def scope(self, context: ParseContext, tag: int) -> tuple[str, int]:  # type: ignore[override]
        return "item", 0


def test_the_referenced_instance_s_sop_class_is_referenced_sop_class_uid() -> None:
    clause = (
        'the referenced SOP Instance has the SOP Class UID RT Plan ("1.2.840.10008.5.1.4.1.1.481.5")'
        ' or RT Ion Plan ("1.2.840.10008.5.1.4.1.1.481.8")'
    )
    assert parse_condition(clause, _Siblings(None), ParseContext("table_X")) == ValueIn(
        AttributeRef(0x00081150, "item"),
        ("1.2.840.10008.5.1.4.1.1.481.5", "1.2.840.10008.5.1.4.1.1.481.8"),
    )
    # Without a Referenced SOP Class UID beside it: the other Instance is not in the data.
    assert isinstance(parse_condition(clause), Unverifiable)


def test_a_value_per_iod() -> None:
    condition = parse_condition(
        "Image Type (0008,0008) Value 4 in the CT Image IOD or Frame Type (0008,9007) Value 5 "
        "in the Enhanced CT Image IOD Frame is EQUAL to VMI"
    )
    assert condition == Or(
        (
            And(
                (
                    SOPClassIn((CT_IMAGE_STORAGE,)),
                    ValueIn(AttributeRef(0x00080008), ("VMI",), 4),
                )
            ),
            And(
                (
                    SOPClassIn(("1.2.840.10008.5.1.4.1.1.2.1",)),
                    ValueIn(AttributeRef(0x00089007, "frame"), ("VMI",), 5),
                )
            ),
        )
    )


def test_absent_from_the_functional_groups() -> None:
    condition = parse_condition(
        "Pixel Measures Sequence (0028,9110) is not present in an Item of Shared Functional "
        "Groups Sequence (5200,9229) or Per-Frame Functional Groups Sequence (5200,9230)"
    )
    assert condition == Not(Present(AttributeRef(0x00289110, "frame")))


def test_in_which_case_is_no_part_of_the_condition() -> None:
    condition = parse_condition(
        "Modality (0008,0060) is CT, in which case the values are in Hounsfield Units"
    )
    assert condition == MODALITY_CT


# --- sentences without "Required if" -------------------------------------------------------------


def test_values_printed_after_the_condition_are_cut_off() -> None:
    (sentence,) = condition_sentences(
        "Required if Modality (0008,0060) is CT Enumerated Values: YES NO"
    )
    assert sentence.clause == "Modality (0008,0060) is CT"


def test_either_one_or_both_are_required() -> None:
    description = (
        "Sequence of text. Either one or both of Text Object Sequence (0070,0008) or Graphic "
        "Object Sequence (0070,0009) are required."
    )
    requirement = parse_requirement(
        condition_sentences(description), None, ParseContext(tag=0x00700008)
    )
    assert requirement.required == Not(Present(AttributeRef(0x00700009, "any")))
    assert requirement.otherwise == Constant(True)
    # Written in the description of an Attribute not listed: never guessed.
    other = parse_requirement(condition_sentences(description), None, ParseContext(tag=0x1))
    assert isinstance(other.required, Unparsed)


def test_only_when_it_shall_not_be_present() -> None:
    requirement = parse_requirement(
        condition_sentences(
            "A File ID. When Modality (0008,0060) is CT this Attribute shall not be present."
        )
    )
    assert requirement.forbidden == MODALITY_CT
    assert evaluate(requirement.required, EvaluationContext(_ct(Modality="CT"))) is F
    assert evaluate(requirement.required, EvaluationContext(_ct(Modality="MR"))) is U


def test_only_when_it_may_be_present() -> None:
    requirement = parse_requirement(
        condition_sentences("May be present if Modality (0008,0060) is CT")
    )
    assert isinstance(requirement.required, Unverifiable)
    assert requirement.otherwise == MODALITY_CT


def test_a_purpose_and_a_section_reference() -> None:
    purpose = parse_requirement(
        condition_sentences("A character set. Required to specify the character set used.")
    )
    assert purpose.required == Unverifiable("to specify the character set used")
    described = parse_requirement(
        condition_sentences("A number. Required as described in Section C.99.1.1.")
    )
    assert isinstance(described.required, Unparsed)
    assert "C.99.1.1" in described.required.text


# --- prose beside a clause: a comma connective binds looser than a bare one -------------------


def test_prose_is_not_merged_across_a_comma_connective_looser_than_its_neighbour() -> None:
    # The shape of the Frame Anatomy Functional Group's Usage in the Legacy Converted
    # Enhanced IODs (PS3.3 Sections A.70.4, A.71.4, A.72.4): "A and <prose>, or <prose>" is
    # "(A and <prose>) or <prose>" (the parser's docstring: a comma connective binds looser
    # than a bare one); merging the two prose spans into one would read "A and (<prose> or
    # <prose>)", FALSE wherever A is absent.
    condition = parse_condition(
        "Patient Position (0018,5100) is present and contains a value defined in Annex L in "
        "PS3.16, or contrast media was used"
    )
    position = Present(AttributeRef(0x00185100, "any"))
    assert condition == Or(
        (
            And((position, Unverifiable("contains a value defined in Annex L in PS3.16"))),
            Unverifiable("contrast media was used"),
        )
    )
    # Absent: the second alternative is still open.
    assert evaluate(condition, EvaluationContext(_ct())) is U


def test_a_bare_or_inside_prose_is_still_a_word_of_the_phrase() -> None:
    # PS3.3 Table 8.8-1a: "a URN or URL" is one phrase, not two clauses.
    condition = parse_condition(
        "Code Value (0008,0100) is not present and the Code Value is a URN or URL"
    )
    assert condition == And(
        (
            Not(Present(AttributeRef(0x00080100, "any"))),
            Unverifiable("the Code Value is a URN or URL"),
        )
    )
