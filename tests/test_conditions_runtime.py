"""The condition language at run time: three-valued logic, evaluation on minimal pydicom
Data Sets, generated predicates agreeing with the evaluator, the override form, and a
property test that evaluation never raises."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from dicomstd.conditions import runtime
from dicomstd.conditions.ast import (
    And,
    AttributeRef,
    CodeIn,
    Compare,
    Condition,
    ConsistentInReferencedInstances,
    Constant,
    ExtendedCharacters,
    FirstItem,
    HasValue,
    InAnyItem,
    InMatchingItem,
    ItemCount,
    ModulePresent,
    Not,
    Or,
    OverlayFrames,
    Present,
    PrivateTag,
    ReferencedInstance,
    ReferencedValueMatches,
    Requirement,
    SOPClassIn,
    TagValue,
    TransferSyntaxIn,
    Truth,
    Unparsed,
    Unverifiable,
    ValueCount,
    ValueIn,
)
from dicomstd.conditions.evaluate import EvaluationContext, evaluate, evaluate_requirement
from dicomstd.generator.conditions.emit import emit_expression, emit_predicate
from dicomstd.generator.conditions.overrides import format_condition, parse_override_condition

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
IMAGE_TYPE = AttributeRef(0x00080008, "any", 0, "Image Type")


def test_kleene_tables() -> None:
    assert [a & b for a in (T, F, U) for b in (T, F, U)] == [T, F, U, F, F, F, U, F, U]
    assert [a | b for a in (T, F, U) for b in (T, F, U)] == [T, T, T, T, F, U, T, U, U]
    assert [~a for a in (T, F, U)] == [F, T, U]
    with pytest.raises(TypeError):
        bool(U)


def _context(dataset: Dataset, **kwargs: Any) -> EvaluationContext:
    return EvaluationContext(dataset, **kwargs)


def test_value_number_is_one_based() -> None:
    ds = Dataset()
    ds.ImageType = ["DERIVED", "PRIMARY", "LABEL"]
    label3 = ValueIn(IMAGE_TYPE, ("LABEL",), 3)
    assert evaluate(label3, _context(ds)) is T
    assert evaluate(ValueIn(IMAGE_TYPE, ("LABEL",), 2), _context(ds)) is F
    ds.ImageType = ["DERIVED", "PRIMARY"]  # fewer Values than the one named
    assert evaluate(label3, _context(ds)) is F
    assert evaluate(label3, _context(Dataset())) is F  # absent
    assert evaluate(Not(label3), _context(Dataset())) is T  # "is not LABEL" when absent


def test_presence_and_has_value() -> None:
    ds = Dataset()
    ds.PatientName = ""
    name = AttributeRef(0x00100010)
    assert evaluate(Present(name), _context(ds)) is T
    assert evaluate(HasValue(name), _context(ds)) is F
    ds.ReferencedImageSequence = Sequence()
    assert evaluate(HasValue(AttributeRef(0x00081140)), _context(ds)) is F
    ds.ReferencedImageSequence.append(Dataset())
    assert evaluate(HasValue(AttributeRef(0x00081140)), _context(ds)) is T


def test_numbers_tags_codes_and_sop_class() -> None:
    ds = Dataset()
    ds.NumberOfFrames = "3"  # IS as a string
    ds.FrameIncrementPointer = 0x00181065
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.481.17"
    item = Dataset()
    item.CodeValue = "128604"
    item.CodingSchemeDesignator = "DCM"
    ds.ConceptNameCodeSequence = [item]
    ctx = _context(ds)
    assert evaluate(Compare(AttributeRef(0x00280008), "gt", 1.0), ctx) is T
    assert evaluate(ValueIn(AttributeRef(0x00280009), (TagValue(0x00181065),)), ctx) is T
    assert evaluate(CodeIn(AttributeRef(0x0040A043), (("128604", "DCM"),)), ctx) is T
    assert evaluate(SOPClassIn(("1.2.840.10008.5.1.4.1.1.481.17",)), ctx) is T
    assert evaluate(SOPClassIn(("1.2.840.10008.5.1.4.1.1.2",)), _context(Dataset())) is U


def test_scopes_parent_top_and_frame() -> None:
    top = Dataset()
    top.Modality = "RTIMAGE"
    item = Dataset()
    per_frame = Dataset()
    frame_type = Dataset()
    frame_type.FrameType = ["ORIGINAL", "PRIMARY"]
    per_frame.MRImageFrameTypeSequence = [frame_type]
    top.PerFrameFunctionalGroupsSequence = [per_frame]
    top.SharedFunctionalGroupsSequence = [Dataset()]
    ctx = _context(item, parents=(top,), item_index=0)
    modality = ValueIn(AttributeRef(0x00080060, "parent", 1), ("RTIMAGE",))
    assert evaluate(modality, ctx) is T
    assert evaluate(ValueIn(AttributeRef(0x00080060, "item"), ("RTIMAGE",)), ctx) is F
    assert evaluate(ValueIn(AttributeRef(0x00080060, "parent", 2), ("RTIMAGE",)), ctx) is U
    original = ValueIn(AttributeRef(0x00089007, "frame"), ("ORIGINAL",), 1)
    assert evaluate(original, _context(top)) is T
    # With a current frame given, only its groups count.
    assert evaluate(original, _context(top, frame_groups=(Dataset(),))) is F
    assert evaluate(FirstItem(), ctx) is T
    assert evaluate(FirstItem(), _context(item)) is U


def test_and_with_an_uncheckable_clause() -> None:
    shutter = Not(ModulePresent("table_C.7.6.15-1", "module"))
    condition = And((Unverifiable("a Display Shutter is to be applied"), shutter))
    assert evaluate(condition, _context(Dataset(), modules=frozenset())) is U
    assert evaluate(condition, _context(Dataset(), modules=frozenset({"table_C.7.6.15-1"}))) is F
    assert evaluate(condition, _context(Dataset())) is U  # modules unknown


def test_unparsed_makes_the_whole_unknown() -> None:
    ds = Dataset()
    ds.Modality = "CT"
    condition = Or((ValueIn(AttributeRef(0x00080060), ("CT",)), Unparsed("x", "y")))
    assert evaluate(condition, _context(ds)) is U
    assert eval(emit_expression(condition), {"rt": runtime, "context": _context(ds)}) is U


def test_requirement_otherwise_and_forbidden() -> None:
    present = Present(AttributeRef(0x00281052))
    ds = Dataset()
    shall_not = Requirement(present)  # default: shall not be present otherwise (PS3.5 7.4.2)
    outcome = evaluate_requirement(shall_not, _context(ds))
    assert (outcome.required, outcome.forbidden) == (F, T)
    may = Requirement(present, Constant(True), True)
    assert evaluate_requirement(may, _context(ds)).forbidden is F
    forbidden = Requirement(Unverifiable("x"), Constant(True), True, Not(present))
    assert evaluate_requirement(forbidden, _context(ds)).forbidden is T
    ds.RescaleIntercept = "0"
    assert evaluate_requirement(shall_not, _context(ds)).required is T


# --- generated predicates agree with the evaluator --------------------------------------------

_REF = st.sampled_from(
    [
        AttributeRef(0x00080008),
        AttributeRef(0x00280008, "item"),
        AttributeRef(0x00080060, "parent", 1),
        AttributeRef(0x00089007, "frame"),
        AttributeRef(0x00100010, "top"),
        AttributeRef(0x0040A043),
        AttributeRef(0x00080008, "anywhere"),
        AttributeRef(0x0040A043, "anywhere"),
    ]
)
_VALUE = st.one_of(
    st.sampled_from(["ORIGINAL", "LABEL", "CT", "01", ""]),
    st.integers(-2, 3),
    st.just(TagValue(0x00181065)),
)
#: Attributes read on a referenced Instance (the hostile content of the property test holds
#: them with every shape).
_TAGS_COMPARED = [0x00080008, 0x00100010, 0x0040A043]
_LEAF = st.one_of(
    st.builds(Present, _REF),
    st.builds(HasValue, _REF),
    st.builds(
        ValueIn,
        _REF,
        st.lists(_VALUE, min_size=1, max_size=3).map(tuple),
        st.sampled_from([None, 1, 3]),
    ),
    st.builds(
        Compare,
        _REF,
        st.sampled_from(["gt", "ge", "lt", "le", "eq", "ne"]),
        st.sampled_from([0.0, 1.0]),
    ),
    st.builds(CodeIn, _REF, st.just((("128604", "DCM"),))),
    st.builds(ModulePresent, st.sampled_from(["table_C.7-11a", "table_C.7-12"])),
    st.builds(SOPClassIn, st.just(("1.2.840.10008.5.1.4.1.1.2",))),
    st.just(FirstItem()),
    st.builds(ItemCount, _REF, st.sampled_from(["gt", "eq", "ge"]), st.sampled_from([0, 1])),
    st.builds(PrivateTag, _REF, st.sampled_from([None, 1])),
    st.builds(ValueCount, _REF, st.sampled_from(["gt", "eq", "le"]), st.sampled_from([0, 1, 2])),
    st.builds(ExtendedCharacters, st.sampled_from(["item", "top"])),
    st.builds(TransferSyntaxIn, st.just(("1.2.840.10008.1.2.4.94",))),
    st.builds(OverlayFrames, st.sampled_from(["gt", "eq", "le"]), st.sampled_from([0, 1, 2])),
    st.builds(ReferencedValueMatches, _REF, st.sampled_from(_TAGS_COMPARED), _REF, st.booleans()),
    st.builds(
        ConsistentInReferencedInstances,
        _REF,
        st.sampled_from(_TAGS_COMPARED),
        st.sampled_from([0x00081155, 0x00080100]),
    ),
    st.builds(Constant, st.booleans()),
    st.builds(Unverifiable, st.just("if known")),
)
CONDITIONS: st.SearchStrategy[Condition] = st.recursive(
    _LEAF,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.builds(And, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(Or, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(InAnyItem, _REF, inner),
        st.builds(ReferencedInstance, _REF, inner),
        st.builds(
            InMatchingItem, _REF, st.sampled_from(_TAGS_COMPARED), _REF, st.booleans(), inner
        ),
    ),
    max_leaves=6,
)

# Values of every shape where a value is expected: wrong VRs, empty, multi-valued,
# Sequences, bytes, numbers as strings.
_CONTENT = st.sampled_from(
    [
        ("CS", ["ORIGINAL", "PRIMARY", "LABEL"]),
        ("CS", ""),
        ("CS", None),
        ("IS", "3"),
        ("IS", ["1", "2"]),
        ("US", 1),
        ("US", [0, 5]),
        ("AT", [0x00181065]),
        ("OB", b"\x00\x01"),
        ("PN", "Doe^John"),
        ("DS", "1.5"),
        ("SQ", "sequence"),
        ("SQ", "empty sequence"),
        ("UN", b""),
        ("LO", "not a number"),
        ("AT", [0x00090010, 0x00100010]),
        ("LO", "Müller"),
        ("SH", b"\x1b$B"),
    ]
)
_TAGS = [0x00080008, 0x00280008, 0x00080060, 0x00089007, 0x00100010, 0x0040A043, 0x00080016]
# Overlay group Attributes (Overlay Rows, Overlay Data) with every shape, for overlay_frames.
_TAGS += [0x60000010, 0x60003000]


def _element_dataset(draw: st.DrawFn) -> Dataset:
    ds = Dataset()
    for tag in draw(st.lists(st.sampled_from(_TAGS), max_size=5, unique=True)):
        vr, value = draw(_CONTENT)
        if vr == "SQ":
            item = Dataset()
            item.CodeValue = "128604"
            item.CodingSchemeDesignator = draw(st.sampled_from(["DCM", "", None]))
            ds.add_new(tag, "SQ", [] if value == "empty sequence" else [item, Dataset()])
        else:
            ds.add_new(tag, vr, value)
    return ds


@st.composite
def contexts(draw: st.DrawFn) -> EvaluationContext:
    dataset = _element_dataset(draw)
    parent = _element_dataset(draw)
    if draw(st.booleans()):
        frame = _element_dataset(draw)
        parent.add_new(0x52009230, "SQ", [frame])
        parent.add_new(0x52009229, "SQ", [_element_dataset(draw)])
    modules = draw(st.sampled_from([None, frozenset(), frozenset({"table_C.7-11a"})]))
    index = draw(st.sampled_from([None, 0, 2]))
    # The Instances at hand: none, any UID found (hostile content too), not a Data Set, or
    # a lookup that raises.
    other = _element_dataset(draw)

    def fails(uid: str) -> Any:
        raise OSError("cannot be read")

    instances = draw(
        st.sampled_from([None, lambda uid: other, lambda uid: None, lambda uid: "text", fails])
    )
    return EvaluationContext(
        dataset, parents=(parent,), modules=modules, item_index=index, instances=instances
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CONDITIONS, contexts())
def test_evaluation_never_raises_and_generated_code_agrees(
    condition: Condition, context: EvaluationContext
) -> None:
    result = evaluate(condition, context)
    assert isinstance(result, Truth)
    generated = eval(emit_expression(condition), {"rt": runtime, "context": context})  # noqa: S307
    assert generated is result


@settings(max_examples=150, deadline=None)
@given(CONDITIONS)
def test_override_form_round_trips(condition: Condition) -> None:
    assert parse_override_condition(format_condition(condition)) == condition


def test_emitted_predicate_is_a_function() -> None:
    condition = ValueIn(IMAGE_TYPE, ("LABEL",), 3)
    source = emit_predicate(
        condition, "image_type_label", "Required if Value 3 of Image Type is LABEL"
    )
    namespace: dict[str, Any] = {
        "rt": runtime,
        "EvaluationContext": EvaluationContext,
        "Truth": Truth,
    }
    exec(source, namespace)  # noqa: S102
    ds = Dataset()
    ds.ImageType = ["DERIVED", "PRIMARY", "LABEL"]
    assert namespace["image_type_label"](EvaluationContext(ds)) is T
    assert "value_in(context, 0x00080008, 'any', 0, 3, ('LABEL',))" in source
    with pytest.raises(ValueError):
        emit_predicate(condition, "not an identifier")


def test_evaluate_on_garbage_context_does_not_raise() -> None:
    for context in (
        EvaluationContext(None),
        EvaluationContext(42, parents=("x",)),
        EvaluationContext(Dataset(), top=[1]),
    ):
        assert evaluate(Present(AttributeRef(0x00080008)), context) is U or True
        assert isinstance(evaluate(SOPClassIn(("1",)), context), Truth)
        assert isinstance(
            evaluate(ValueIn(AttributeRef(0x00080008, "frame"), ("A",)), context), Truth
        )


# --- Item counts, Items, Private Tags, Transfer Syntax ----------------------------------------


def test_item_count() -> None:
    surfaces = AttributeRef(0x00660002, "item")
    more_than_one = ItemCount(surfaces, "gt", 1)
    ds = Dataset()
    assert evaluate(more_than_one, _context(ds)) is F  # absent: FALSE, as Compare
    ds.SurfaceSequence = [Dataset()]
    assert evaluate(more_than_one, _context(ds)) is F
    assert evaluate(ItemCount(surfaces, "eq", 1), _context(ds)) is T
    ds.SurfaceSequence.append(Dataset())
    assert evaluate(more_than_one, _context(ds)) is T
    ds.SurfaceSequence = []
    assert evaluate(ItemCount(surfaces, "eq", 0), _context(ds)) is T
    ds = Dataset()
    ds.PatientName = "Doe"  # not a Sequence
    assert evaluate(ItemCount(AttributeRef(0x00100010), "eq", 0), _context(ds)) is U


def test_in_any_item_evaluates_each_item_with_the_item_as_data_set() -> None:
    top = Dataset()
    top.Modality = "RTPLAN"
    groups = []
    for beams in ("0", "2"):
        group = Dataset()
        group.NumberOfBeams = beams
        groups.append(group)
    top.FractionGroupSequence = groups
    beams = Compare(AttributeRef(0x300A0080, "item"), "gt", 0.0)
    condition = InAnyItem(AttributeRef(0x300A0070), beams)
    assert evaluate(condition, _context(top)) is T
    groups[1].NumberOfBeams = "0"
    assert evaluate(condition, _context(top)) is F
    assert evaluate(condition, _context(Dataset())) is F  # no Sequence: no Item
    # The Item's parents: the Data Set holding the Sequence, then its own parents.
    modality = ValueIn(AttributeRef(0x00080060, "parent", 1), ("RTPLAN",))
    assert evaluate(InAnyItem(AttributeRef(0x300A0070), modality), _context(top)) is T
    item = Dataset()
    ctx = _context(item, parents=(top,))  # the Sequence is found in the parent
    assert evaluate(InAnyItem(AttributeRef(0x300A0070, "parent", 1), modality), ctx) is T
    assert (
        eval(
            emit_expression(InAnyItem(AttributeRef(0x300A0070), beams)),
            {"rt": runtime, "context": _context(top)},
        )
        is F
    )


def test_private_tag() -> None:
    ds = Dataset()
    ds.add_new(0x00720026, "AT", 0x00291010)  # Selector Attribute: a Private Tag
    selector = PrivateTag(AttributeRef(0x00720026))
    assert evaluate(selector, _context(ds)) is T
    ds[0x00720026].value = 0x00100010
    assert evaluate(selector, _context(ds)) is F
    ds[0x00720026].value = 0x00030010  # odd group 0003 is not Private (PS3.5 7.8.1)
    assert evaluate(selector, _context(ds)) is F
    ds.add_new(0x00720052, "AT", [0x00081140, 0x00091001])
    pointers = AttributeRef(0x00720052)
    assert evaluate(PrivateTag(pointers), _context(ds)) is T
    assert evaluate(PrivateTag(pointers, 1), _context(ds)) is F
    assert evaluate(selector, _context(Dataset())) is F


def test_transfer_syntax_from_file_meta_or_context() -> None:
    from pydicom.dataset import FileMetaDataset

    jpip = TransferSyntaxIn(("1.2.840.10008.1.2.4.94", "1.2.840.10008.1.2.4.95"))
    ds = Dataset()
    assert evaluate(jpip, _context(ds)) is U  # not known
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.94"
    assert evaluate(jpip, _context(ds)) is T
    assert evaluate(jpip, _context(Dataset(), parents=(ds,))) is T  # the top level's
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    assert evaluate(jpip, _context(ds)) is F
    assert evaluate(jpip, _context(ds, transfer_syntax_uid="1.2.840.10008.1.2.4.95")) is T


def test_functional_group_items_are_collected_once_and_shared_with_items() -> None:
    # A frame lookup at the top level of a multi-frame image walks every frame's Items:
    # collected once per context, and shared with the Item contexts of in_any_item.
    top = Dataset()
    frame = Dataset()
    frame.FrameContentSequence = [Dataset()]
    frame.FrameContentSequence[0].TemporalPositionIndex = 1
    top.PerFrameFunctionalGroupsSequence = [frame]
    top.ReferencedSeriesSequence = [Dataset()]
    context = EvaluationContext(top)
    items = context.functional_group_items
    assert context.functional_group_items is items and len(items) == 2  # the group, its Item
    seen: list[tuple[Any, ...]] = []

    def inner(item_context: EvaluationContext) -> Truth:
        seen.append(item_context.__dict__.get("functional_group_items", ()))
        return runtime.present(item_context, 0x00209128, "frame", 0)

    assert runtime.in_any_item(context, 0x00081115, "top", 0, inner) is T
    assert seen == [items]
    later = EvaluationContext(top).share_functional_group_items(context)
    assert later.functional_group_items is items
