"""The number of Values (:class:`ValueCount`), extended characters
(:class:`ExtendedCharacters`) and the ``anywhere`` scope: their meaning on minimal pydicom Data
Sets (converted, and raw as read from a file), generated predicates agreeing with the
evaluator, the override form, and a property test that hostile Data Sets (bad bytes, wrong
VRs, Sequences where values are expected, deep or looping nesting) never make them raise."""

from __future__ import annotations

import warnings
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydicom import dcmread
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset

from dicomstd.conditions import runtime
from dicomstd.conditions.ast import (
    AttributeRef,
    Condition,
    ExtendedCharacters,
    HasValue,
    InAnyItem,
    Not,
    Or,
    Present,
    Truth,
    Unverifiable,
    ValueCount,
    ValueIn,
    is_checkable,
    walk,
)
from dicomstd.conditions.evaluate import EvaluationContext, evaluate
from dicomstd.generator.conditions.emit import emit_expression
from dicomstd.generator.conditions.overrides import format_condition, parse_override_condition

from condition_checks import agree

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
MASK_FRAME_NUMBERS = 0x00286110
REFERENCED_SOP_INSTANCE_UID = 0x00081155
PATIENT_ID = 0x00100020


def _read(dataset: Dataset, implicit: bool = False) -> Dataset:
    """``dataset`` written and read back: its elements are pydicom RawDataElements (PN, LO
    ... undecoded; in implicit VR without a VR) until converted."""
    buffer = BytesIO()
    dataset.save_as(buffer, implicit_vr=implicit, little_endian=True)
    buffer.seek(0)
    return dcmread(buffer, force=True)


def _raw(tag: int, vr: str | None, value: bytes, implicit: bool = False) -> RawDataElement:
    return RawDataElement(tag, vr, len(value), value, 0, implicit, True)


def _nested(depth: int, leaf: Dataset) -> Dataset:
    """A top-level Data Set with ``leaf`` ``depth`` Sequences down."""
    inner = leaf
    for _ in range(depth):
        outer = Dataset()
        outer.ReferencedSeriesSequence = [inner]
        inner = outer
    return inner


# --- ValueCount -----------------------------------------------------------------------------


def test_value_count_counts_the_values_present() -> None:
    # PS3.3 Table C.7-16 (Mask Subtraction), Mask Frame Numbers (0028,6110): "specifies more
    # than one frame (i.e., is multi-valued)".
    multi = ValueCount(AttributeRef(MASK_FRAME_NUMBERS, "item"), "gt", 1)
    ds = Dataset()
    assert agree(multi, EvaluationContext(ds)) is F  # absent
    ds.MaskFrameNumbers = [3]
    assert agree(multi, EvaluationContext(ds)) is F
    assert agree(ValueCount(multi.attribute, "eq", 1), EvaluationContext(ds)) is T
    ds.MaskFrameNumbers = [3, 4, 5]
    assert agree(multi, EvaluationContext(ds)) is T
    assert agree(ValueCount(multi.attribute, "eq", 3), EvaluationContext(ds)) is T
    ds.MaskFrameNumbers = None  # present, zero length
    assert agree(ValueCount(multi.attribute, "eq", 0), EvaluationContext(ds)) is T
    assert agree(multi, EvaluationContext(ds)) is F


def test_value_count_of_strings_sequences_and_bytes() -> None:
    ds = Dataset()
    ds.ImageType = ["DERIVED", "PRIMARY"]
    ds.PatientName = ""
    ds.ReferencedImageSequence = [Dataset(), Dataset()]
    ds.add_new(0x00091010, "OB", b"\x00\x01\x02\x03")
    ctx = EvaluationContext(ds)
    assert agree(ValueCount(AttributeRef(0x00080008), "eq", 2), ctx) is T
    assert agree(ValueCount(AttributeRef(0x00100010), "eq", 0), ctx) is T  # empty
    # A Sequence has Items, not Values (ItemCount counts those); bytes are not Values.
    assert agree(ValueCount(AttributeRef(0x00081140), "gt", 1), ctx) is U
    assert agree(ValueCount(AttributeRef(0x00091010), "gt", 1), ctx) is U


def test_value_count_of_raw_elements_and_in_a_parent() -> None:
    source = Dataset()
    source.MaskFrameNumbers = [1, 2]
    read = _read(source)
    ctx = EvaluationContext(Dataset(), parents=(read,))
    assert agree(ValueCount(AttributeRef(MASK_FRAME_NUMBERS, "parent", 1), "gt", 1), ctx) is T
    assert agree(ValueCount(AttributeRef(MASK_FRAME_NUMBERS, "parent", 2), "gt", 1), ctx) is U


# --- ExtendedCharacters ---------------------------------------------------------------------


def test_extended_characters_in_decoded_values() -> None:
    ds = Dataset()
    ds.PatientName = "Doe^John"
    ds.PatientID = "12345"
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ctx = EvaluationContext(ds)
    assert agree(ExtendedCharacters("item"), ctx) is F
    ds.InstitutionName = "Hôpital"  # LO
    assert agree(ExtendedCharacters("item"), ctx) is T
    del ds.InstitutionName
    ds.PatientName = "Yamada^Tarou=山田^太郎"  # PN
    assert agree(ExtendedCharacters("top"), ctx) is T
    ds.PatientName = "Doe^John"
    ds.OtherPatientIDs = ["1", "2\x1b"]  # LO, several Values; ESC introduces a code extension
    assert agree(ExtendedCharacters("item"), ctx) is T


def test_only_the_string_vrs_specific_character_set_applies_to() -> None:
    ds = Dataset()
    ds.add_new(0x00080005, "CS", "ISO_IR 100")  # the Specific Character Set itself: CS
    ds.add_new(0x00091010, "OB", b"\xff\xfe")  # binary
    ds.add_new(0x00091011, "UN", b"\xe9")  # unknown VR (Private)
    assert agree(ExtendedCharacters("item"), EvaluationContext(ds)) is F


@pytest.mark.parametrize("implicit", [False, True])
def test_extended_characters_in_raw_values_without_decoding(implicit: bool) -> None:
    source = Dataset()
    source.PatientName = "Doe^John"
    source.PatientID = "1"
    read = _read(source, implicit)
    assert type(read.get_item(0x00100010)).__name__ == "RawDataElement"
    assert agree(ExtendedCharacters("top"), EvaluationContext(read)) is F
    # ISO 8859-1 "é", with no Specific Character Set to decode it by.
    read[PATIENT_ID] = _raw(PATIENT_ID, None if implicit else "LO", b"Ren\xe9", implicit)
    assert agree(ExtendedCharacters("top"), EvaluationContext(read)) is T
    # An ISO 2022 escape sequence alone (ESC $ B: JIS X 0208) is a code extension.
    read[PATIENT_ID] = _raw(PATIENT_ID, None if implicit else "LO", b"\x1b$B", implicit)
    assert agree(ExtendedCharacters("top"), EvaluationContext(read)) is T
    # The raw elements were read as stored, never converted (converting decodes).
    assert type(read.get_item(PATIENT_ID)).__name__ == "RawDataElement"
    assert type(read.get_item(0x00100010)).__name__ == "RawDataElement"


def test_extended_characters_never_converts_what_would_raise() -> None:
    ds = Dataset()
    ds[0x00100010] = _raw(0x00100010, "ZZ", b"ab")  # an unknown VR: converting raises
    ds[0x00081115] = _raw(0x00081115, "SQ", b"\xfe\xff\x00\xe0\xff\xff")  # a broken Sequence
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Nothing found, but a Sequence could not be searched: not FALSE.
        assert agree(ExtendedCharacters("top"), EvaluationContext(ds)) is U
        ds[PATIENT_ID] = _raw(PATIENT_ID, "LO", b"\xff\xfe")
        assert agree(ExtendedCharacters("top"), EvaluationContext(ds)) is T


def test_extended_characters_item_and_top_scopes() -> None:
    top = Dataset()
    top.PatientName = "Doe^John"
    item = Dataset()
    item.CodeMeaning = "Läsion"  # LO
    inner = Dataset()
    inner.ConceptNameCodeSequence = [item]
    top.ContentSequence = [inner]
    # The Items nested in the current Data Set count; its parents and siblings do not.
    assert agree(ExtendedCharacters("item"), EvaluationContext(inner, parents=(top,))) is T
    assert agree(ExtendedCharacters("item"), EvaluationContext(top)) is T
    sibling = Dataset()
    top.ContentSequence.append(sibling)
    assert agree(ExtendedCharacters("item"), EvaluationContext(sibling, parents=(top,))) is F
    assert agree(ExtendedCharacters("top"), EvaluationContext(sibling, parents=(top,))) is T


def test_extended_characters_deferred_and_too_deep() -> None:
    ds = Dataset()
    ds[PATIENT_ID] = RawDataElement(PATIENT_ID, "LO", 8, None, 0, False, True)  # not read
    assert agree(ExtendedCharacters("item"), EvaluationContext(ds)) is U
    ds[PATIENT_ID] = RawDataElement(PATIENT_ID, "LO", 0, None, 0, False, True)  # empty
    assert agree(ExtendedCharacters("item"), EvaluationContext(ds)) is F
    deep_leaf = Dataset()
    deep_leaf.PatientID = "Zoë"
    assert agree(ExtendedCharacters("top"), EvaluationContext(_nested(10, deep_leaf))) is T
    plain_leaf = Dataset()
    plain_leaf.PatientID = "1"
    assert agree(ExtendedCharacters("top"), EvaluationContext(_nested(10, plain_leaf))) is F
    # Deeper than the bound (64 Sequences): not searched, so not FALSE.
    assert agree(ExtendedCharacters("top"), EvaluationContext(_nested(100, plain_leaf))) is U


def test_extended_characters_as_the_overrides_use_it() -> None:
    # "Required if an expanded or replacement character set is used": found proves it;
    # not found proves nothing (a replacement character set may encode only ASCII here).
    condition = Or((ExtendedCharacters("top"), Unverifiable("a character set is used")))
    ds = Dataset()
    ds.PatientName = "Doe"
    assert agree(condition, EvaluationContext(ds)) is U
    ds.PatientName = "Døe"
    assert agree(condition, EvaluationContext(ds)) is T
    assert is_checkable(condition)


# --- the anywhere scope ---------------------------------------------------------------------


def _referencing() -> Dataset:
    top = Dataset()
    top.SOPClassUID = "1.2.840.10008.5.1.4.1.1.4.1"
    reference = Dataset()
    reference.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.4"
    reference.ReferencedSOPInstanceUID = "1.2.3.4"
    derivation = Dataset()
    derivation.SourceImageSequence = [reference]
    frame = Dataset()
    frame.DerivationImageSequence = [derivation]
    top.PerFrameFunctionalGroupsSequence = [Dataset(), frame]
    top.SharedFunctionalGroupsSequence = [Dataset()]
    return top


def test_anywhere_finds_an_occurrence_at_any_depth() -> None:
    # "Required if other Instances are referenced": here, three Sequences down in the
    # second frame's Per-Frame Functional Groups Item.
    referenced = Present(AttributeRef(REFERENCED_SOP_INSTANCE_UID, "anywhere"))
    top = _referencing()
    assert agree(referenced, EvaluationContext(top)) is T
    assert (
        agree(Present(AttributeRef(REFERENCED_SOP_INSTANCE_UID, "top")), EvaluationContext(top))
        is F
    )
    assert (
        agree(Present(AttributeRef(REFERENCED_SOP_INSTANCE_UID, "frame")), EvaluationContext(top))
        is F
    )
    # From inside an Item, the whole top-level Data Set is searched, not only that Item.
    item = top.SharedFunctionalGroupsSequence[0]
    assert agree(referenced, EvaluationContext(item, parents=(top,))) is T
    assert agree(referenced, EvaluationContext(Dataset(), top=top)) is T
    assert agree(referenced, EvaluationContext(Dataset())) is F
    assert agree(Not(referenced), EvaluationContext(Dataset())) is T


def test_anywhere_tests_hold_when_some_occurrence_satisfies_them() -> None:
    top = _referencing()
    top.ReferencedSOPInstanceUID = ""
    anywhere = AttributeRef(REFERENCED_SOP_INSTANCE_UID, "anywhere")
    ctx = EvaluationContext(top)
    assert agree(HasValue(anywhere), ctx) is T  # empty at the top, a value deeper
    assert agree(HasValue(AttributeRef(REFERENCED_SOP_INSTANCE_UID, "top")), ctx) is F
    assert agree(ValueIn(anywhere, ("1.2.3.4",)), ctx) is T
    assert agree(ValueIn(anywhere, ("9.9",)), ctx) is F
    assert agree(ValueCount(anywhere, "eq", 1), ctx) is T
    # An Item of a Sequence found anywhere is read with its own parents.
    classes = ValueIn(AttributeRef(0x00081150, "item"), ("1.2.840.10008.5.1.4.1.1.4",))
    assert agree(InAnyItem(AttributeRef(0x00082112, "anywhere"), classes), ctx) is T
    parent = ValueIn(AttributeRef(0x00089215, "parent", 1), ("x",))  # no such Attribute
    assert agree(InAnyItem(AttributeRef(0x00082112, "anywhere"), parent), ctx) is F


def test_anywhere_is_bounded_and_does_not_loop() -> None:
    present = Present(AttributeRef(REFERENCED_SOP_INSTANCE_UID, "anywhere"))
    leaf = Dataset()
    leaf.ReferencedSOPInstanceUID = "1.2"
    assert agree(present, EvaluationContext(_nested(60, leaf))) is T
    # Beyond 64 Sequences: not searched, so neither TRUE nor FALSE.
    assert agree(present, EvaluationContext(_nested(100, leaf))) is U
    assert agree(present, EvaluationContext(_nested(100, Dataset()))) is U
    # Found before the bound: TRUE whatever lies deeper.
    shallow = _nested(100, Dataset())
    shallow.ReferencedSOPInstanceUID = "1.2"
    assert agree(present, EvaluationContext(shallow)) is T
    # An Item holding its own Sequence (not DICOM, but a Python object can).
    looped = Dataset()
    looped.ReferencedSeriesSequence = [Dataset()]
    looped.ReferencedSeriesSequence[0].ReferencedSeriesSequence = [looped]
    assert agree(present, EvaluationContext(looped)) is F


def test_anywhere_with_an_unreadable_sequence_is_unknown_not_false() -> None:
    present = Present(AttributeRef(REFERENCED_SOP_INSTANCE_UID, "anywhere"))
    ds = Dataset()
    ds[0x00081115] = _raw(0x00081115, "SQ", b"\xfe\xff\x00\xe0\xff\xff")
    assert agree(present, EvaluationContext(ds)) is U
    ds.ReferencedSOPInstanceUID = "1.2"
    assert agree(present, EvaluationContext(ds)) is T


@pytest.mark.parametrize("implicit", [False, True])
def test_anywhere_in_a_data_set_read_from_a_file(implicit: bool) -> None:
    read = _read(_referencing(), implicit)
    present = Present(AttributeRef(REFERENCED_SOP_INSTANCE_UID, "anywhere"))
    assert agree(present, EvaluationContext(read)) is T
    assert agree(Present(AttributeRef(0x00100010, "anywhere")), EvaluationContext(read)) is F


# --- the override form ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        (
            'value_count("0028,6110", ">", 1, scope="item")',
            ValueCount(AttributeRef(MASK_FRAME_NUMBERS, "item"), "gt", 1),
        ),
        ('value_count("0008,0008", "==", 0)', ValueCount(AttributeRef(0x00080008), "eq", 0)),
        ('extended_characters(scope="item")', ExtendedCharacters("item")),
        ('extended_characters(scope="top")', ExtendedCharacters("top")),
        (
            'present("0008,1155", scope="anywhere")',
            Present(AttributeRef(REFERENCED_SOP_INSTANCE_UID, "anywhere")),
        ),
        (
            'extended_characters(scope="top") or unverifiable("a character set is used")',
            Or((ExtendedCharacters("top"), Unverifiable("a character set is used"))),
        ),
    ],
)
def test_override_form(text: str, condition: Condition) -> None:
    assert parse_override_condition(text) == condition
    assert format_condition(condition) == text
    assert parse_override_condition(format_condition(condition)) == condition


@pytest.mark.parametrize(
    "text",
    [
        'value_count("0028,6110", ">", 1.5)',
        "extended_characters()",
        'extended_characters(scope="frame")',
        'extended_characters("item")',
        'present("0008,1155", scope="everywhere")',
    ],
)
def test_override_form_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_override_condition(text)


def test_new_nodes_are_leaves() -> None:
    condition = Not(ValueCount(AttributeRef(MASK_FRAME_NUMBERS), "gt", 1))
    assert walk(condition) == [condition, condition.term]
    assert walk(ExtendedCharacters("top")) == [ExtendedCharacters("top")]


# --- hostile Data Sets ----------------------------------------------------------------------

_TAGS = [MASK_FRAME_NUMBERS, REFERENCED_SOP_INSTANCE_UID, 0x00100010, PATIENT_ID, 0x00081115]
_REF = st.one_of(
    st.builds(
        AttributeRef,
        st.sampled_from(_TAGS),
        st.sampled_from(["item", "top", "frame", "any", "anywhere"]),
    ),
    st.builds(AttributeRef, st.sampled_from(_TAGS), st.just("parent"), st.sampled_from([1, 2])),
)
_NEW = st.one_of(
    st.builds(
        ValueCount, _REF, st.sampled_from(["gt", "ge", "lt", "le", "eq", "ne"]), st.integers(0, 3)
    ),
    st.builds(ExtendedCharacters, st.sampled_from(["item", "top"])),
    st.builds(Present, _REF),
    st.builds(HasValue, _REF),
    st.builds(ValueIn, _REF, st.just(("1.2", 2)), st.sampled_from([None, 1])),
)
NEW_CONDITIONS: st.SearchStrategy[Condition] = st.recursive(
    _NEW,
    lambda inner: st.one_of(
        st.builds(Not, inner),
        st.builds(Or, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(InAnyItem, _REF, inner),
    ),
    max_leaves=4,
)

# Raw elements as a hostile file would hold them: bad bytes, unknown or missing VRs, a
# Sequence's bytes that are not Items, a deferred value.
_RAW = st.sampled_from(
    [
        ("LO", b"\xff\xfe\x00"),
        ("PN", b"Doe\x1b$B^"),
        ("PN", b"\xc3\x28"),
        ("US", b"\x01"),
        ("ZZ", b"ab"),
        ("SQ", b"\xfe\xff\x00\xe0\xff\xff"),
        ("SQ", b"garbage"),
        (None, b"\xe9\xe9"),
        (None, b"\xfe\xff"),
        ("UN", b"\x80"),
        ("IS", b"1\\x\\\xff"),
        ("LO", None),
    ]
)
# Converted elements of the wrong shape: values where Sequences are expected and back.
_CONVERTED = st.sampled_from(
    [
        ("US", [1, 2, 3]),
        ("US", None),
        ("LO", "Zoë"),
        ("LO", ["a", "b"]),
        ("PN", "Doe^John"),
        ("UI", "1.2"),
        ("UI", ""),
        ("OB", b"\x80\x81"),
        ("SQ", "items"),
        ("SQ", "empty"),
        ("CS", "ORIGINAL"),
    ]
)


def _dataset(draw: st.DrawFn, depth: int) -> Dataset:
    ds = Dataset()
    for tag in draw(st.lists(st.sampled_from(_TAGS), max_size=4, unique=True)):
        if draw(st.booleans()):
            vr, raw = draw(_RAW)
            length = 8 if raw is None else len(raw)
            ds[tag] = RawDataElement(tag, vr, length, raw, 0, vr is None, True)
            continue
        vr, value = draw(_CONVERTED)
        if vr == "SQ":
            items = [] if value == "empty" or depth <= 0 else [_dataset(draw, depth - 1)]
            ds.add_new(tag, "SQ", items)
        else:
            ds.add_new(tag, vr, value)
    return ds


@st.composite
def hostile_contexts(draw: st.DrawFn) -> EvaluationContext:
    dataset = _dataset(draw, 2)
    top = _dataset(draw, 2)
    if draw(st.booleans()):
        top.add_new(0x52009230, "SQ", [_dataset(draw, 1), dataset])
        top.add_new(0x52009229, "SQ", [_dataset(draw, 1)])
    if draw(st.booleans()):  # deeper than the search bound
        top.add_new(0x00081250, "SQ", [_nested(draw(st.sampled_from([3, 70])), _dataset(draw, 0))])
    if draw(st.booleans()):  # a loop
        dataset.add_new(0x00081250, "SQ", [top])
    return EvaluationContext(dataset, parents=(top,), item_index=draw(st.sampled_from([None, 0])))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NEW_CONDITIONS, hostile_contexts())
def test_hostile_data_sets_never_raise_and_generated_code_agrees(
    condition: Condition, context: EvaluationContext
) -> None:
    raw_before = _raw_values(context)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom warns of the bad bytes it is given
        result = evaluate(condition, context)
        assert isinstance(result, Truth)
        generated = eval(
            emit_expression(condition), {"rt": runtime, "context": context}
        )  # noqa: S307
        assert generated is result
    if isinstance(condition, ExtendedCharacters):
        # Values are read as stored: no raw element but a Sequence's was converted.
        assert _raw_values(context) == raw_before


def _raw_values(context: EvaluationContext) -> set[tuple[int, int]]:
    """(id of the Data Set, tag) of the raw elements of the context's Data Sets that are
    not Sequences."""
    found = set()
    for dataset in (context.dataset, *context.parents):
        for tag in list(dataset.keys()):
            element = dataset.get_item(tag, keep_deferred=True)
            if type(element).__name__ == "RawDataElement" and tag != 0x00081115:
                found.add((id(dataset), int(tag)))
    return found


@settings(max_examples=150, deadline=None)
@given(NEW_CONDITIONS)
def test_override_form_round_trips(condition: Condition) -> None:
    assert parse_override_condition(format_condition(condition)) == condition


def test_garbage_contexts_do_not_raise() -> None:
    for context in (
        EvaluationContext(None),
        EvaluationContext(42, parents=("x",)),
        EvaluationContext(Dataset(), top=[1]),
        EvaluationContext(Dataset(), parents=(None, Dataset())),
    ):
        for condition in (
            ExtendedCharacters("item"),
            ExtendedCharacters("top"),
            ValueCount(AttributeRef(MASK_FRAME_NUMBERS, "anywhere"), "gt", 1),
            Present(AttributeRef(MASK_FRAME_NUMBERS, "anywhere")),
        ):
            assert isinstance(agree(condition, context), Truth)


def test_in_any_item_nested_follows_the_same_sequence_at_any_depth() -> None:
    leaf = Dataset()
    leaf.ReferencedSOPSequence = [Dataset()]
    tree = leaf
    for _ in range(5):
        node = Dataset()
        node.ContentSequence = [Dataset(), tree]
        tree = node
    top = Dataset()
    top.ContentSequence = tree.ContentSequence
    found = Present(AttributeRef(0x00081199, "item"))
    shallow = InAnyItem(AttributeRef(0x0040A730, "top"), found)
    nested = InAnyItem(AttributeRef(0x0040A730, "top"), found, nested=True)
    context = EvaluationContext(top)
    assert evaluate(shallow, context) is Truth.FALSE
    assert evaluate(nested, context) is Truth.TRUE
    # the emitted predicate agrees, and the override form round-trips
    namespace: dict[str, object] = {"rt": runtime}
    exec(f"result = {emit_expression(nested)}", {**namespace, "context": context}, namespace)
    assert namespace["result"] is Truth.TRUE
    assert parse_override_condition(format_condition(nested)) == nested
    # Items nested deeper than the runtime searches are UNKNOWN, never FALSE
    deep = Dataset()
    for _ in range(70):
        node = Dataset()
        node.ContentSequence = [deep]
        deep = node
    assert evaluate(nested, EvaluationContext(deep)) is Truth.UNKNOWN
