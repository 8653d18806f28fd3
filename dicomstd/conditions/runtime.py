"""The helpers that compiled conditions call, and the context they are evaluated in.

Both the AST evaluator (:mod:`dicomstd.conditions.evaluate`) and the generated predicates
(emitted by :mod:`dicomstd.generator.conditions.emit`) call these functions, so that the two
agree by construction. Every helper returns a :class:`~dicomstd.conditions.ast.Truth` and
never raises, whatever the Data Set holds (a wrong VR, an empty value, several Values where
one is expected, a Sequence where a value is expected, a value pydicom cannot convert): what
cannot be interpreted is ``UNKNOWN``.

Where Attributes are looked for is :data:`dicomstd.conditions.ast.Scope`; the Functional
Groups are PS3.3 Section C.7.6.16 (Shared Functional Groups Sequence (5200,9229), Per-Frame
Functional Groups Sequence (5200,9230)).

Imports only the standard library: pydicom's objects are recognised by their attributes,
and its data dictionary is used only where pydicom is already loaded.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from dicomstd.conditions.ast import TagValue, Truth, Value

__all__ = [
    "EvaluationContext",
    "all_of",
    "always",
    "any_of",
    "never",
    "not_verifiable",
    "FALSE",
    "TRUE",
    "TagValue",
    "UNKNOWN",
    "code_in",
    "compare",
    "conj",
    "consistent_in_referenced_instances",
    "disj",
    "extended_characters",
    "first_item",
    "has_tag",
    "has_value",
    "in_any_item",
    "in_matching_item",
    "item_count",
    "module_present",
    "neg",
    "overlay_frames",
    "present",
    "private_tag",
    "referenced_instance",
    "referenced_value_matches",
    "sop_class_in",
    "transfer_syntax_in",
    "value_count",
    "value_in",
]

TRUE = Truth.TRUE
FALSE = Truth.FALSE
UNKNOWN = Truth.UNKNOWN


def always(context: EvaluationContext) -> Truth:
    """The predicate of "may be present otherwise": TRUE whatever the data."""
    return TRUE


def never(context: EvaluationContext) -> Truth:
    """The predicate of "shall not be present otherwise" (the default): FALSE."""
    return FALSE


def not_verifiable(context: EvaluationContext) -> Truth:
    """The predicate of a condition the data cannot show, or that was not understood."""
    return UNKNOWN


_SHARED_FUNCTIONAL_GROUPS = 0x52009229
_PER_FRAME_FUNCTIONAL_GROUPS = 0x52009230
_SOP_CLASS_UID = 0x00080016
_MEDIA_STORAGE_SOP_CLASS_UID = 0x00020002
_CODE_VALUE = 0x00080100
_CODING_SCHEME_DESIGNATOR = 0x00080102
_LONG_CODE_VALUE = 0x00080119
_URN_CODE_VALUE = 0x00080120
_TRANSFER_SYNTAX_UID = 0x00020010
#: Odd groups that are not Private (PS3.5 Section 7.8.1).
_NOT_PRIVATE_ODD_GROUPS = frozenset({0x0001, 0x0003, 0x0005, 0x0007, 0xFFFF})


@dataclass(frozen=True)
class EvaluationContext:
    """Where a condition is evaluated.

    Attributes:
        dataset: the Data Set holding the conditional Attribute: the top-level Data Set, or
            the Sequence Item (a pydicom ``Dataset``).
        parents: the enclosing Data Sets, innermost first (for an Item of a top-level
            Sequence: ``(top,)``); ``()`` at the top level.
        top: the top-level Data Set; ``None``: the outermost of ``parents``, else
            ``dataset``.
        frame_groups: the Functional Group Items of the current frame (its Per-Frame Item,
            then the Shared Item); ``None`` where no frame is current, and then ``frame``
            lookups search the Shared Item and every Per-Frame Item of ``top`` (a condition
            is TRUE if it holds in any of them).
        modules: the table ids (``table_C.7-11a``) of the Modules, Macros and Functional
            Group Macros present; ``None`` where unknown (module conditions are UNKNOWN).
        item_index: the 0-based position of ``dataset`` in its Sequence; ``None`` where
            unknown or at the top level.
        sop_class_uid: the SOP Class UID to test; ``None``: SOP Class UID (0008,0016) of
            ``top``, else Media Storage SOP Class UID (0002,0002) of its File Meta.
        transfer_syntax_uid: the Transfer Syntax the Data Set is encoded in; ``None``:
            Transfer Syntax UID (0002,0010) of the File Meta of ``top``, if it has one.
        instances: the Instances at hand, by SOP Instance UID: a callable returning the
            top-level Data Set of the Instance with that UID, or ``None`` when it is not
            available (it may raise: the helpers count that as not available); ``None``:
            no other Instance is at hand (conditions on referenced Instances are UNKNOWN).
    """

    dataset: Any
    parents: tuple[Any, ...] = ()
    top: Any = None
    frame_groups: tuple[Any, ...] | None = None
    modules: frozenset[str] | None = None
    item_index: int | None = None
    sop_class_uid: str | None = None
    transfer_syntax_uid: str | None = None
    instances: Callable[[str], Any] | None = None

    @cached_property
    def functional_group_items(self) -> tuple[Any, ...]:
        """The Items ``frame`` lookups search: the Functional Group Items (``frame_groups``,
        else the Shared and every Per-Frame Item of ``top``) and the Items of the
        Functional Group Macros' Sequences in them. Collected once per context: a condition
        read at the top level of a multi-frame image would otherwise walk every frame's
        Items for each lookup. Raises on content that cannot be read (not kept then)."""
        return _collect_frame_items(self)

    def share_functional_group_items(self, other: EvaluationContext) -> EvaluationContext:
        """This context, given the Functional Group Items ``other`` has collected (if it
        has): for a context of the same frame and top level, made after ``other``."""
        collected = other.__dict__.get("functional_group_items")
        if collected is not None:
            self.__dict__["functional_group_items"] = collected
        return self

    @property
    def top_level(self) -> Any:
        """The top-level Data Set."""
        if self.top is not None:
            return self.top
        return self.parents[-1] if self.parents else self.dataset


# --- looking up -----------------------------------------------------------------------------


def has_tag(dataset: Any, tag: int) -> bool:
    """``tag in dataset``, for an int ``tag``; raises on a dataset that is not one (callers
    catch). A pydicom Dataset keeps its elements in a dict keyed by Tag (an int): looked up
    there directly, the Tag conversion ``Dataset.__contains__`` makes of every key (most of
    the lookups' time in a multi-frame image's Functional Groups) is skipped."""
    store = getattr(dataset, "_dict", None)
    if type(store) is dict:
        return tag in store
    return tag in dataset


def _element(dataset: Any, tag: int) -> Any:
    """The element of ``dataset`` with ``tag``, ``None`` if absent; raises on a dataset
    that is not one (callers catch)."""
    if has_tag(dataset, tag):
        return dataset[tag]
    return None


def _items(dataset: Any, tag: int) -> list[Any]:
    element = _element(dataset, tag)
    if element is None or getattr(element, "VR", None) != "SQ" or element.value is None:
        return []
    return [item for item in element.value if _is_dataset(item)]


def _is_dataset(value: Any) -> bool:
    # A pydicom Dataset, without importing pydicom at module import (keeps import fast).
    return hasattr(value, "__contains__") and hasattr(value, "elements")


def _collect_frame_items(context: EvaluationContext) -> tuple[Any, ...]:
    """The Functional Group Items to search, with the Items of the macros' Sequences in
    them (a Functional Group Macro's Attributes sit one Sequence down: Pixel Measures
    Sequence (0028,9110) > Pixel Spacing)."""
    if context.frame_groups is not None:
        groups = list(context.frame_groups)
    else:
        top = context.top_level
        groups = _items(top, _PER_FRAME_FUNCTIONAL_GROUPS) + _items(top, _SHARED_FUNCTIONAL_GROUPS)
    found: list[Any] = []
    for group in groups:
        if not _is_dataset(group):
            continue
        found.append(group)
        for element in group:
            if getattr(element, "VR", None) == "SQ" and element.value is not None:
                found.extend(item for item in element.value if _is_dataset(item))
    return tuple(found)


#: How many Sequences deep ``anywhere`` and :func:`extended_characters` search. pydicom's
#: Sequences are trees, but a hostile file can nest Items without end; deeper Items are
#: not searched, and what is not found is then UNKNOWN.
_MAX_DEPTH = 64


class _Unsearched:
    """Stands, among the elements :func:`_find` returns, for a part of the Data Set that
    could not be searched (a Sequence that cannot be read, Items deeper than
    :data:`_MAX_DEPTH`, an element that cannot be converted): an occurrence may be there,
    so the helpers count it UNKNOWN (never absent, never a value)."""

    VR = None

    def __repr__(self) -> str:
        return "<unsearched>"


_UNSEARCHED = _Unsearched()

#: A (Data Set, its enclosing Data Sets innermost first) pair, as an Item's context has.
_Placed = tuple[Any, tuple[Any, ...]]


def _is_raw(element: Any) -> bool:
    # pydicom's RawDataElement: the undecoded bytes, read lazily (converting it, as
    # ``dataset[tag]`` does, decodes the value and may raise on bad bytes).
    return type(element).__name__ == "RawDataElement"


def _stored(dataset: Any, tag: int) -> Any:
    """The element as stored, raw or converted, without converting it (a deferred value is
    left unread); raises on a dataset that is not one (callers catch)."""
    get_item = getattr(dataset, "get_item", None)
    if get_item is None:
        return dataset[tag]
    return get_item(tag, keep_deferred=True)


def _stored_vr(element: Any, tag: int) -> str | None:
    """The VR of a stored element. A raw element read in an implicit VR Transfer Syntax has
    none, and one of VR UN may hold a known Attribute (PS3.5 Section 6.2.2): for those, the
    data dictionary's VR, where pydicom is loaded (it is, if it made the element); ``None``
    where not known (a Private element without VR)."""
    vr = getattr(element, "VR", None)
    if _is_raw(element) and vr in (None, "UN"):
        datadict = sys.modules.get("pydicom.datadict")
        if datadict is not None:
            try:
                known = datadict.dictionary_VR(tag)
            except Exception:  # noqa: BLE001 - not in the dictionary (Private, unknown)
                known = None
            if isinstance(known, str):
                return known
    return vr if isinstance(vr, str) else None


def _sequences(dataset: Any) -> tuple[list[list[Any]], bool]:
    """The Items of each Sequence of ``dataset``, found without converting its other
    elements; and whether some Sequence could not be read."""
    try:
        tags = [int(tag) for tag in dataset.keys()]
    except Exception:  # noqa: BLE001
        return [], True
    found: list[list[Any]] = []
    unreadable = False
    for tag in tags:
        try:
            element = _stored(dataset, tag)
            if _stored_vr(element, tag) != "SQ":
                continue
            if _is_raw(element):
                element = dataset[tag]
                if getattr(element, "VR", None) != "SQ":
                    unreadable = True  # the dictionary says Sequence, the bytes say not
                    continue
            if element.value is not None:
                found.append([item for item in element.value if _is_dataset(item)])
        except Exception:  # noqa: BLE001 - a Sequence pydicom cannot read
            unreadable = True
    return found, unreadable


def _nested(roots: Iterable[_Placed]) -> tuple[list[_Placed], bool]:
    """Every Data Set reachable from ``roots``: each root, then its Sequences' Items at any
    depth (to :data:`_MAX_DEPTH`), each with its enclosing Data Sets; and whether some part
    could not be searched. Each Data Set once, so that an Item put in its own Sequence is
    not a loop."""
    found: list[_Placed] = []
    seen: set[int] = set()
    incomplete = False
    # Depth first, with an explicit stack: no recursion, whatever the nesting.
    stack: list[tuple[Any, tuple[Any, ...], int]] = [
        (dataset, parents, 0) for dataset, parents in reversed(list(roots))
    ]
    while stack:
        dataset, parents, depth = stack.pop()
        if not _is_dataset(dataset) or id(dataset) in seen:
            continue
        seen.add(id(dataset))
        found.append((dataset, parents))
        sequences, unreadable = _sequences(dataset)
        incomplete = incomplete or unreadable
        items = [item for sequence in sequences for item in sequence]
        if depth >= _MAX_DEPTH:
            incomplete = incomplete or bool(items)
            continue
        inner = (dataset, *parents)
        stack.extend((item, inner, depth + 1) for item in reversed(items))
    return found, incomplete


def _everywhere(context: EvaluationContext) -> tuple[list[_Placed], bool]:
    """The Data Sets of the ``anywhere`` scope: the top level and its Items at any depth.
    The context's own Data Set and parents are roots too, for a context whose Data Set is
    not an Item of its ``top`` (each Data Set is searched once either way)."""
    parents = context.parents
    roots: list[_Placed] = [(context.top_level, ())]
    roots.extend((parent, parents[index + 1 :]) for index, parent in enumerate(parents))
    roots.append((context.dataset, parents))
    return _nested(roots)


def _find_anywhere(context: EvaluationContext, tag: int) -> list[_Placed]:
    """Every occurrence of ``tag`` in the ``anywhere`` scope, each with the Data Sets an
    Item of it would have as parents; :data:`_UNSEARCHED` for what could not be searched."""
    datasets, incomplete = _everywhere(context)
    found: list[_Placed] = []
    for dataset, parents in datasets:
        try:
            element = _element(dataset, tag)
        except Exception:  # noqa: BLE001 - this occurrence cannot be read; others may
            found.append((_UNSEARCHED, ()))
            continue
        if element is not None:
            found.append((element, (dataset, *parents)))
    if incomplete:
        found.append((_UNSEARCHED, ()))
    return found


def _find(context: EvaluationContext, tag: int, scope: str, levels: int) -> list[Any] | None:
    """The elements the reference denotes: ``[]`` when absent, ``None`` when the place to
    look does not exist in the context (a parent beyond the chain); for ``anywhere``,
    :data:`_UNSEARCHED` among them where part of the Data Set could not be searched."""
    if scope == "anywhere":
        return [element for element, _ in _find_anywhere(context, tag)]
    if scope == "item":
        element = _element(context.dataset, tag)
        return [] if element is None else [element]
    if scope == "parent":
        if levels < 1 or levels > len(context.parents):
            return None
        element = _element(context.parents[levels - 1], tag)
        return [] if element is None else [element]
    if scope == "top":
        element = _element(context.top_level, tag)
        return [] if element is None else [element]
    if scope == "frame":
        return [item[tag] for item in context.functional_group_items if has_tag(item, tag)]
    # any: the nearest Data Set holding it, outwards, then the frame's Functional Groups.
    for dataset in (context.dataset, *context.parents, context.top_level):
        element = _element(dataset, tag)
        if element is not None:
            return [element]
    return [item[tag] for item in context.functional_group_items if has_tag(item, tag)]


def _values(element: Any) -> tuple[Any, ...] | None:
    """The element's Values (``()`` when empty), ``None`` when they are not values (a
    Sequence, bytes of a binary VR)."""
    if getattr(element, "VR", None) == "SQ":
        return None
    value = element.value
    if value is None:
        return ()
    if isinstance(value, (bytes, bytearray)):
        return () if not value else None
    if type(value).__name__ == "PersonName":
        value = str(value)
    if isinstance(value, str):
        return () if not value.strip(" \x00") else (value,)
    if isinstance(value, Sequence):
        return tuple(str(item) if type(item).__name__ == "PersonName" else item for item in value)
    return (value,)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value: Any) -> float | None:
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip(" \x00"))
        except ValueError:
            return None
    return None


def _matches(actual: Any, expected: Value) -> Truth:
    """One Value against one expected value."""
    if isinstance(expected, TagValue):
        if isinstance(actual, int) and not isinstance(actual, bool):
            return Truth.of(int(actual) == expected.tag)
        return UNKNOWN
    if isinstance(expected, str):
        if isinstance(actual, str):
            return Truth.of(actual.strip(" \x00") == expected.strip())
        if type(actual).__name__ == "PersonName":
            return Truth.of(str(actual).strip() == expected.strip())
        if _is_number(actual):
            wanted = _number(expected)
            return UNKNOWN if wanted is None else Truth.of(float(actual) == wanted)
        return UNKNOWN
    number = _number(actual)
    return UNKNOWN if number is None else Truth.of(number == float(expected))


def _selected(element: Any, value_number: int | None) -> tuple[Any, ...] | None:
    """The Values a test looks at: Value ``value_number`` (1-based) or all of them."""
    values = _values(element)
    if values is None or value_number is None:
        return values
    if value_number < 1 or len(values) < value_number:
        return ()
    return (values[value_number - 1],)


def _on_values(
    context: EvaluationContext,
    tag: int,
    scope: str,
    levels: int,
    value_number: int | None,
    judge: Callable[[Any], Truth],
) -> Truth:
    """``judge`` on each Value (Value ``value_number``, 1-based, or all) of each element
    the reference denotes: TRUE when some Value is TRUE, FALSE when every one is FALSE (or
    there is none: absent, empty, fewer Values), else UNKNOWN; an element whose Values
    cannot be read (a Sequence, bytes) or a part not searched is UNKNOWN. Never raises."""
    try:
        found = _find(context, tag, scope, levels)
        if found is None:
            return UNKNOWN
        results = []
        for element in found:
            selected = None if element is _UNSEARCHED else _selected(element, value_number)
            if selected is None:
                results.append(UNKNOWN)
                continue
            results.extend(judge(value) for value in selected)
        return _any(results)
    except Exception:  # noqa: BLE001
        return UNKNOWN


def _any(results: Iterable[Truth]) -> Truth:
    outcome = FALSE
    for result in results:
        outcome = outcome | result
        if outcome is TRUE:
            break
    return outcome


# --- the helpers the predicates call ---------------------------------------------------------


def present(context: EvaluationContext, tag: int, scope: str = "any", levels: int = 0) -> Truth:
    """The Attribute is present (empty or not)."""
    try:
        found = _find(context, tag, scope, levels)
        if found is None:
            return UNKNOWN
        if any(element is not _UNSEARCHED for element in found):
            return TRUE
        return UNKNOWN if found else FALSE
    except Exception:  # noqa: BLE001 - never raise on a Data Set's content
        return UNKNOWN


def has_value(context: EvaluationContext, tag: int, scope: str = "any", levels: int = 0) -> Truth:
    """The Attribute is present and not empty (a Sequence: has an Item)."""
    try:
        found = _find(context, tag, scope, levels)
        if found is None:
            return UNKNOWN
        results = []
        for element in found:
            if element is _UNSEARCHED:
                results.append(UNKNOWN)
                continue
            if getattr(element, "VR", None) == "SQ":
                results.append(Truth.of(bool(element.value)))
                continue
            values = _values(element)
            results.append(UNKNOWN if values is None else Truth.of(bool(values)))
        return _any(results)
    except Exception:  # noqa: BLE001
        return UNKNOWN


def value_in(
    context: EvaluationContext,
    tag: int,
    scope: str,
    levels: int,
    value_number: int | None,
    values: tuple[Value, ...],
) -> Truth:
    """A Value (Value ``value_number``, 1-based, or any) equals one of ``values``; FALSE
    when absent, empty, or with fewer Values."""
    return _on_values(
        context,
        tag,
        scope,
        levels,
        value_number,
        lambda actual: _any(_matches(actual, expected) for expected in values),
    )


def compare(
    context: EvaluationContext,
    tag: int,
    scope: str,
    levels: int,
    value_number: int | None,
    operator: str,
    bound: float,
) -> Truth:
    """A Value compares with ``bound`` (``gt``, ``ge``, ``lt``, ``le``, ``eq``, ``ne``);
    FALSE when absent or empty, UNKNOWN when a Value is not a number."""

    def judge(actual: Any) -> Truth:
        number = _number(actual)
        return UNKNOWN if number is None else _compare_numbers(number, operator, bound)

    return _on_values(context, tag, scope, levels, value_number, judge)


def code_in(
    context: EvaluationContext,
    tag: int,
    scope: str,
    levels: int,
    codes: tuple[tuple[str, str], ...],
) -> Truth:
    """An Item of the Code Sequence has one of ``codes`` (Code Value, Coding Scheme
    Designator); its Code Value is Code Value, Long Code Value or URN Code Value."""
    try:
        found = _find(context, tag, scope, levels)
        if found is None:
            return UNKNOWN
        results = []
        for element in found:
            if element is _UNSEARCHED or getattr(element, "VR", None) != "SQ":
                results.append(UNKNOWN)
                continue
            for item in element.value or ():
                if not _is_dataset(item):
                    results.append(UNKNOWN)
                    continue
                scheme = _text(item, _CODING_SCHEME_DESIGNATOR)
                value = None
                for value_tag in (_CODE_VALUE, _LONG_CODE_VALUE, _URN_CODE_VALUE):
                    value = _text(item, value_tag)
                    if value:
                        break
                if value is None or scheme is None:
                    results.append(UNKNOWN)
                else:
                    results.append(Truth.of((value, scheme) in codes))
        return _any(results)
    except Exception:  # noqa: BLE001
        return UNKNOWN


def _text(dataset: Any, tag: int) -> str | None:
    element = _element(dataset, tag)
    if element is None:
        return ""
    values = _values(element)
    if values is None or len(values) > 1:
        return None
    if not values:
        return ""
    return values[0].strip(" \x00") if isinstance(values[0], str) else None


def module_present(context: EvaluationContext, table_id: str) -> Truth:
    """The Module or Macro of ``table_id`` is present; UNKNOWN where the context does not
    say which are."""
    try:
        if context.modules is None:
            return UNKNOWN
        return Truth.of(table_id in context.modules)
    except Exception:  # noqa: BLE001
        return UNKNOWN


def sop_class_in(context: EvaluationContext, uids: tuple[str, ...]) -> Truth:
    """The SOP Class UID is one of ``uids``; UNKNOWN where it is absent or not a UID."""
    try:
        uid = context.sop_class_uid
        if uid is None:
            top = context.top_level
            uid = _text(top, _SOP_CLASS_UID)
            if not uid:
                meta = getattr(top, "file_meta", None)
                uid = _text(meta, _MEDIA_STORAGE_SOP_CLASS_UID) if meta is not None else None
        if not uid:
            return UNKNOWN
        return Truth.of(uid.strip(" \x00") in uids)
    except Exception:  # noqa: BLE001
        return UNKNOWN


def first_item(context: EvaluationContext) -> Truth:
    """The Data Set is the first Item of its Sequence; UNKNOWN where that is not known."""
    index = context.item_index
    if index is None or not isinstance(index, int):
        return UNKNOWN
    return Truth.of(index == 0)


def _counted(
    context: EvaluationContext,
    tag: int,
    scope: str,
    levels: int,
    operator: str,
    bound: int,
    count: Callable[[Any], int | None],
) -> Truth:
    """``count`` of each element the reference denotes compares with ``bound``; UNKNOWN for
    an element ``count`` cannot count (``None``) or a part not searched."""
    try:
        found = _find(context, tag, scope, levels)
        if found is None:
            return UNKNOWN
        results = []
        for element in found:
            counted = None if element is _UNSEARCHED else count(element)
            if counted is None:
                results.append(UNKNOWN)
                continue
            results.append(_compare_numbers(float(counted), operator, float(bound)))
        return _any(results)
    except Exception:  # noqa: BLE001
        return UNKNOWN


def _item_number(element: Any) -> int | None:
    if getattr(element, "VR", None) != "SQ":
        return None
    return len(element.value) if element.value is not None else 0


def _value_number(element: Any) -> int | None:
    if getattr(element, "VR", None) == "SQ":
        return None
    values = _values(element)
    return None if values is None else len(values)


def item_count(
    context: EvaluationContext,
    tag: int,
    scope: str,
    levels: int,
    operator: str,
    bound: int,
) -> Truth:
    """The number of Items of the Sequence compares with ``bound`` (``gt``, ``ge``, ``lt``,
    ``le``, ``eq``, ``ne``); FALSE when absent, UNKNOWN when not a Sequence."""
    return _counted(context, tag, scope, levels, operator, bound, _item_number)


def value_count(
    context: EvaluationContext,
    tag: int,
    scope: str,
    levels: int,
    operator: str,
    bound: int,
) -> Truth:
    """The number of Values of the Attribute (the Value Multiplicity present, PS3.5 Section
    6.4) compares with ``bound`` (``gt``, ``ge``, ``lt``, ``le``, ``eq``, ``ne``); FALSE
    when absent, 0 Values when empty, UNKNOWN for a Sequence or a value that is not a list
    of Values (the bytes of OB, OW, UN ...)."""
    return _counted(context, tag, scope, levels, operator, bound, _value_number)


#: The VRs Specific Character Set (0008,0005) applies to (PS3.5 Section 6.1.2.3).
_CHARACTER_SET_VRS = frozenset({"SH", "LO", "ST", "LT", "UT", "UC", "PN"})
#: Outside the default repertoire ISO-IR 6 (PS3.5 Sections 6.1 and 6.1.2.2): a byte of 0x80
#: or above, or ESC, which only introduces a code extension (PS3.5 Section 6.1.2.5.1).
_EXTENDED_BYTE = re.compile(rb"[\x80-\xff\x1b]")
_EXTENDED_CHARACTER = re.compile(r"[^\x00-\x7f]|\x1b")


def _text_extended(value: Any) -> Truth:
    """Whether one Value (undecoded bytes, a decoded str, a PersonName) holds a character
    outside the default repertoire; UNKNOWN for anything else."""
    if isinstance(value, (bytes, bytearray)):
        return Truth.of(_EXTENDED_BYTE.search(value) is not None)
    if isinstance(value, str):
        return Truth.of(_EXTENDED_CHARACTER.search(value) is not None)
    if type(value).__name__ == "PersonName":
        # The encoded bytes where pydicom kept them (decoding them may fail), else the
        # decoded text it was made from.
        original = getattr(value, "original_string", None)
        if isinstance(original, (bytes, bytearray)) and original:
            return Truth.of(_EXTENDED_BYTE.search(original) is not None)
        return _text_extended(str(value))
    return UNKNOWN


def _element_extended(element: Any) -> Truth:
    """Whether a stored (raw or converted) string element holds an extended character."""
    value = element.value
    if value is None:
        # A raw element with a deferred (unread) value is UNKNOWN; an empty one is not.
        length = getattr(element, "length", 0)
        return UNKNOWN if _is_raw(element) and length != 0 else FALSE
    if isinstance(value, (bytes, bytearray, str)) or type(value).__name__ == "PersonName":
        return _text_extended(value)
    if isinstance(value, Sequence):  # several Values (pydicom's MultiValue)
        return _any(_text_extended(item) for item in value)
    return UNKNOWN


def _dataset_extended(dataset: Any) -> Truth:
    """Whether some string element of ``dataset`` itself (not its Items) holds an extended
    character. Elements are read as stored, never converted (converting decodes, and may
    raise on bad bytes); an element whose VR is not known (Private, implicit VR) is not
    looked at."""
    try:
        tags = [int(tag) for tag in dataset.keys()]
    except Exception:  # noqa: BLE001
        return UNKNOWN
    return _any(_stored_extended(dataset, tag) for tag in tags)


def _stored_extended(dataset: Any, tag: int) -> Truth:
    """:func:`_element_extended` of the element ``tag`` of ``dataset`` as stored; FALSE for
    an element that is not a string the character set applies to."""
    try:
        element = _stored(dataset, tag)
        if _stored_vr(element, tag) not in _CHARACTER_SET_VRS:
            return FALSE
        return _element_extended(element)
    except Exception:  # noqa: BLE001
        return UNKNOWN


def extended_characters(context: EvaluationContext, scope: str) -> Truth:
    """Some string Value (SH, LO, ST, LT, UT, UC, PN: PS3.5 Section 6.1.2.3) holds a
    character outside the default repertoire (PS3.5 Section 6.1.2.2): in ``item`` scope,
    of the Data Set and the Items nested in it; in ``top`` scope, of the whole top-level
    Data Set. TRUE when one is found; FALSE when every such Value was read and none holds
    one; UNKNOWN when none was found but something could not be read (a deferred value,
    an unreadable Sequence, Items deeper than 64 Sequences) or the scope is unknown."""
    try:
        if scope == "item":
            roots: list[_Placed] = [(context.dataset, context.parents)]
        elif scope == "top":
            roots = [(context.top_level, ())]
        else:
            return UNKNOWN
        datasets, incomplete = _nested(roots)
        found = _any(_dataset_extended(dataset) for dataset, _ in datasets)
        return found | (UNKNOWN if incomplete else FALSE)
    except Exception:  # noqa: BLE001
        return UNKNOWN


def _compare_numbers(number: float, operator: str, bound: float) -> Truth:
    if operator == "gt":
        return Truth.of(number > bound)
    if operator == "ge":
        return Truth.of(number >= bound)
    if operator == "lt":
        return Truth.of(number < bound)
    if operator == "le":
        return Truth.of(number <= bound)
    if operator == "eq":
        return Truth.of(number == bound)
    if operator == "ne":
        return Truth.of(number != bound)
    return UNKNOWN


def _holders(
    context: EvaluationContext, tag: int, scope: str, levels: int
) -> list[tuple[Any, tuple[Any, ...]]] | None:
    """Like :func:`_find`, with the parents an Item of each element would have (the Data
    Set holding the element, then its enclosing Data Sets)."""
    if scope == "anywhere":
        return _find_anywhere(context, tag)
    chain: tuple[Any, ...] = (context.dataset, *context.parents)
    if scope == "item":
        candidates = [(context.dataset, chain)]
    elif scope == "parent":
        if levels < 1 or levels > len(context.parents):
            return None
        candidates = [(context.parents[levels - 1], chain[levels:])]
    elif scope == "top":
        candidates = [(context.top_level, (context.top_level,))]
    elif scope == "frame":
        candidates = []
    else:
        candidates = [(dataset, chain[index:]) for index, dataset in enumerate(chain)]
        if context.top_level is not chain[-1]:
            candidates.append((context.top_level, (context.top_level,)))
    for holder, parents in candidates:
        element = _element(holder, tag)
        if element is not None:
            return [(element, parents)]
        if scope != "any":
            return []
    top = context.top_level
    return [
        (item[tag], (item, top)) for item in context.functional_group_items if has_tag(item, tag)
    ]


def in_any_item(
    context: EvaluationContext,
    tag: int,
    scope: str,
    levels: int,
    condition: Callable[[EvaluationContext], Truth],
    nested: bool = False,
) -> Truth:
    """Some Item of the Sequence satisfies ``condition``, evaluated with the Item as the
    Data Set; FALSE when the Sequence is absent or empty, UNKNOWN when not a Sequence.
    ``nested``: the Items of the same Sequence within those Items count too, at any depth
    (to :data:`_MAX_DEPTH`; deeper: UNKNOWN)."""
    try:
        found = _holders(context, tag, scope, levels)
        if found is None:
            return UNKNOWN
        results = []
        # Depth first with an explicit stack: (element, the parents its Items get, depth).
        stack = [(element, parents, 0) for element, parents in reversed(found)]
        while stack:
            element, parents, depth = stack.pop()
            if element is _UNSEARCHED or getattr(element, "VR", None) != "SQ":
                results.append(UNKNOWN)
                continue
            for index, item in enumerate(element.value or ()):
                if not _is_dataset(item):
                    results.append(UNKNOWN)
                    continue
                inner = replace(
                    context,
                    dataset=item,
                    parents=parents,
                    top=context.top_level,
                    item_index=index,
                )
                # Same top level and frame: the same Functional Group Items.
                inner.share_functional_group_items(context)
                result = condition(inner)
                results.append(result if isinstance(result, Truth) else UNKNOWN)
                if nested and has_tag(item, tag):
                    if depth + 1 >= _MAX_DEPTH:
                        results.append(UNKNOWN)
                    else:
                        stack.append((item[tag], (item, *parents), depth + 1))
        return _any(results)
    except Exception:  # noqa: BLE001
        return UNKNOWN


def _single_value(elements: list[Any] | None) -> Any:
    """The one Value of the one element found: a string without padding, or a number;
    ``None`` when absent, empty, multi-valued, found more than once, or not a value."""
    if not elements or len(elements) != 1 or elements[0] is _UNSEARCHED:
        return None
    values = _values(elements[0])
    if not values or len(values) != 1:
        return None
    value = values[0]
    if isinstance(value, str):
        return value.strip(" \x00") or None
    return value if _is_number(value) else None


def _same_value(one: Any, other: Any) -> Truth:
    """Whether two single Values are the same: numbers as numbers (an IS 1 is a DS "1.0")
    where either was decoded as a number, UNKNOWN where the other is not one; text as text
    (the UIDs "2.25" and "2.250" differ)."""
    if _is_number(one) or _is_number(other):
        first, second = _number(one), _number(other)
        return UNKNOWN if first is None or second is None else Truth.of(first == second)
    return Truth.of(str(one) == str(other))


def _single_value_of(context: EvaluationContext, tag: int, scope: str, levels: int) -> Any:
    """:func:`_single_value` of the Attribute a reference denotes in ``context``; ``None``
    where it cannot be read."""
    try:
        return _single_value(_find(context, tag, scope, levels))
    except Exception:  # noqa: BLE001
        return None


def in_matching_item(
    context: EvaluationContext,
    sequence_tag: int,
    scope: str,
    levels: int,
    key_tag: int,
    equal: bool,
    here_tag: int,
    here_scope: str,
    here_levels: int,
    condition: Callable[[EvaluationContext], Truth],
) -> Truth:
    """Some Item of the Sequence ``sequence_tag`` whose ``key_tag`` equals (``equal``), or
    differs from, the single Value of ``here_tag`` in this Data Set satisfies ``condition``
    (see :class:`~dicomstd.conditions.ast.InMatchingItem`). An Item whose key, or this
    Data Set's Value, cannot be read may match: UNKNOWN for that Item (so FALSE still, where
    it fails ``condition``)."""
    here = _single_value_of(context, here_tag, here_scope, here_levels)
    # What the Items whose key certainly equals give: a key is meant to name one Item, so
    # several that disagree leave the join UNKNOWN.
    results_of_items_named: set[Truth] = set()

    def counts(item: EvaluationContext) -> Truth:
        key = _single_value_of(item, key_tag, "item", 0)
        if key is None or here is None:
            matches = UNKNOWN
        else:
            same = _same_value(key, here)
            matches = same if equal else ~same
        if matches is FALSE:
            return FALSE
        result = condition(item)
        result = result if isinstance(result, Truth) else UNKNOWN
        if equal and matches is TRUE:
            results_of_items_named.add(result)
        return matches & result

    outcome = in_any_item(context, sequence_tag, scope, levels, counts)
    return UNKNOWN if len(results_of_items_named) > 1 else outcome


def _uid(value: Any) -> str:
    """A UI Value without its padding; ``""`` for anything that is not a string."""
    return value.strip(" \x00") if isinstance(value, str) else ""


def referenced_instance(
    context: EvaluationContext,
    tag: int,
    scope: str,
    levels: int,
    condition: Callable[[EvaluationContext], Truth],
) -> Truth:
    """Some Instance whose SOP Instance UID is a Value of the UI Attribute satisfies
    ``condition``, evaluated with that Instance's top-level Data Set as the Data Set (and
    the same ``instances``). FALSE when the Attribute is absent or empty, or every
    referenced Instance is at hand and none satisfies it; UNKNOWN when some referenced
    Instance is not at hand (``context.instances`` gives ``None`` or raises) and none that is
    satisfies it, or a Value is not a UID string."""

    def judge(value: Any) -> Truth:
        uid = _uid(value)
        return _in_instance(context, uid, condition) if uid else UNKNOWN

    return _on_values(context, tag, scope, levels, None, judge)


def _instance(context: EvaluationContext, uid: str) -> Any:
    """The top-level Data Set of the Instance with SOP Instance UID ``uid``; ``None`` where
    it is not at hand."""
    if context.instances is None:
        return None
    try:
        dataset = context.instances(uid)
    except Exception:  # noqa: BLE001 - an Instance that cannot be read is not at hand
        return None
    return dataset if dataset is not None and _is_dataset(dataset) else None


def _in_instance(
    context: EvaluationContext, uid: str, condition: Callable[[EvaluationContext], Truth]
) -> Truth:
    """``condition`` on the Instance with SOP Instance UID ``uid``; UNKNOWN where it is not
    at hand."""
    dataset = _instance(context, uid)
    if dataset is None:
        return UNKNOWN
    result = condition(EvaluationContext(dataset=dataset, instances=context.instances))
    return result if isinstance(result, Truth) else UNKNOWN


def referenced_value_matches(
    context: EvaluationContext,
    reference_tag: int,
    scope: str,
    levels: int,
    compared_tag: int,
    here_tag: int,
    here_scope: str,
    here_levels: int,
    equal: bool,
) -> Truth:
    """Some Instance whose SOP Instance UID is a Value of the UI Attribute ``reference_tag``
    has at its top level a Value of ``compared_tag`` equal to (``equal``), or different
    from, the Value of ``here_tag`` in this Data Set (compared as :func:`_same_value` does).
    FALSE when the UI Attribute is absent or empty, or every referenced Instance is at hand
    and none does; UNKNOWN for an Instance not at hand, or where either Value is absent,
    empty, multi-valued or cannot be read (that Instance only)."""
    here = _single_value_of(context, here_tag, here_scope, here_levels)

    def judge(value: Any) -> Truth:
        try:
            uid = _uid(value)
            dataset = _instance(context, uid) if uid and here is not None else None
            if dataset is None:
                return UNKNOWN
            element = _element(dataset, compared_tag)
            theirs = None if element is None else _single_value([element])
            if theirs is None:
                return UNKNOWN
            same = _same_value(theirs, here)
            return same if equal else ~same
        except Exception:  # noqa: BLE001 - this Instance cannot be read; others may decide
            return UNKNOWN

    return _on_values(context, reference_tag, scope, levels, None, judge)


#: What :func:`_comparable` gives for a value it cannot compare (deeper than
#: :data:`_MAX_DEPTH`, an Item within itself, more Items than are worth walking).
_INCOMPARABLE = object()
#: Data Elements :func:`_comparable` walks in one value at most.
_COMPARABLE_BUDGET = 100_000


#: VRs whose leading spaces are significant (PS3.5 Section 6.2: ST, LT, UT keep them).
_LEADING_SPACES_KEPT = frozenset({"ST", "LT", "UT"})


def _comparable_text(text: str, vr: str | None) -> str:
    """A string Value without what PS3.5 Section 6.2 makes insignificant: padding, leading
    spaces (but for ST, LT, UT), and in a Person Name the empty trailing components of
    each component group ("Doe^Jane^^" is "Doe^Jane", Section 6.2.1)."""
    text = text.rstrip(" \x00") if vr in _LEADING_SPACES_KEPT else text.strip(" \x00")
    if vr == "PN":
        groups = [group.rstrip("^").strip(" ") for group in text.split("=")]
        text = "=".join(groups).rstrip("=")
    return text


def _comparable(element: Any) -> Any:
    """A form of the element's value to compare for "the same value in every Instance":
    strings as :func:`_comparable_text` gives them, a Sequence Item by Item and Attribute by
    Attribute; ``None`` when empty, :data:`_INCOMPARABLE` when it cannot be compared."""
    budget = _COMPARABLE_BUDGET

    def form(element: Any, depth: int, path: tuple[int, ...]) -> Any:
        nonlocal budget
        budget -= 1
        if element is None or element is _UNSEARCHED or depth > _MAX_DEPTH or budget < 0:
            return _INCOMPARABLE
        vr = getattr(element, "VR", None)
        if vr == "SQ":
            items = []
            for item in element.value or ():
                if not _is_dataset(item) or id(item) in path:
                    return _INCOMPARABLE  # not an Item, or an Item within itself
                attributes = []
                for tag in sorted(item.keys()):
                    value = form(_element(item, int(tag)), depth + 1, (*path, id(item)))
                    if value is _INCOMPARABLE:
                        return _INCOMPARABLE
                    attributes.append((int(tag), value))
                items.append(tuple(attributes))
            return tuple(items)
        value = element.value
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        values = _values(element)
        if values is None:
            return _INCOMPARABLE
        return tuple(
            _comparable_text(text, vr) if isinstance(text, str) else text for text in values
        )

    result = form(element, 0, ())
    if result is _INCOMPARABLE:
        return _INCOMPARABLE
    return result or None


def consistent_in_referenced_instances(
    context: EvaluationContext,
    sequence_tag: int,
    scope: str,
    levels: int,
    compared_tag: int,
    reference_tag: int,
) -> Truth:
    """Every Instance referenced (by the UI Attribute ``reference_tag`` at any depth in the
    Items of the Sequence ``sequence_tag``) is at hand and has ``compared_tag`` at its top
    level with one and the same value (as :func:`_comparable` gives it): TRUE; one at hand
    lacks it at its top level, or two at hand differ: FALSE; else UNKNOWN (no Instance
    referenced, one not at hand, an empty value, a part that cannot be read)."""
    try:
        found = _holders(context, sequence_tag, scope, levels)
        if not found:
            return UNKNOWN
        roots: list[_Placed] = []
        for element, _parents in found:
            if element is _UNSEARCHED or getattr(element, "VR", None) != "SQ":
                return UNKNOWN
            for item in element.value or ():
                if not _is_dataset(item):
                    return UNKNOWN
                roots.append((item, ()))
        datasets, incomplete = _nested(roots)
        uids: list[str] = []
        for dataset, _parents in datasets:
            element = _element(dataset, reference_tag)
            if element is None:
                continue
            values = _values(element)
            if values is None or not all(isinstance(value, str) for value in values):
                return UNKNOWN
            uids.extend(uid for uid in map(_uid, values) if uid)
        unknown = incomplete or not uids
        seen: Any = None
        for uid in dict.fromkeys(uids):
            dataset = _instance(context, uid)
            if dataset is None:
                unknown = True
                continue
            element = _element(dataset, compared_tag)
            if element is None:
                return FALSE
            value = _comparable(element)
            if value is None or value is _INCOMPARABLE:
                unknown = True
            elif seen is None:
                seen = value
            elif value != seen:
                return FALSE
        return UNKNOWN if unknown else TRUE
    except Exception:  # noqa: BLE001
        return UNKNOWN


#: The Overlay groups (PS3.5 Section 7.6): 6000-601E, even.
_OVERLAY_GROUPS = range(0x6000, 0x6020, 2)


def _value_length(element: Any) -> int | None:
    """The Value Length in bytes of a stored element of a binary VR (a deferred value is
    not read); ``None`` when not known."""
    if _is_raw(element):
        length = getattr(element, "length", None)
        if isinstance(length, int) and 0 <= length < 0xFFFFFFFF:
            return length
        value = element.value
        return len(value) if isinstance(value, (bytes, bytearray)) else None
    value = getattr(element, "value", None)
    return len(value) if isinstance(value, (bytes, bytearray)) else None


def _overlay_group_frames(top: Any, group: int, operator: str, bound: int) -> Truth:
    rows = _element(top, group << 16 | 0x0010)
    columns = _element(top, group << 16 | 0x0011)
    data = _stored(top, group << 16 | 0x3000)
    if rows is None or columns is None or data is None:
        return UNKNOWN
    row_values, column_values = _values(rows), _values(columns)
    if not row_values or not column_values or len(row_values) != 1 or len(column_values) != 1:
        return UNKNOWN
    # Overlay Bits Allocated is 1 (PS3.3 Table C.9-2); an overlay stored otherwise (a byte a
    # pixel, by old software) is not counted.
    bits_allocated = _element(top, group << 16 | 0x0100)
    if bits_allocated is not None and _values(bits_allocated) not in ((1,), ()):
        return UNKNOWN
    row_count, column_count = _number(row_values[0]), _number(column_values[0])
    length = _value_length(data)
    if row_count is None or column_count is None or not length or length % 2:
        return UNKNOWN
    product = row_count * column_count
    if product <= 0 or not product.is_integer():
        return UNKNOWN
    bits = int(product)
    # L = 2 * ceil(F * b / 16)  <=>  8 * (L - 2) < F * b <= 8 * L.
    fewest = max(1, 8 * (length - 2) // bits + 1)
    most = 8 * length // bits
    if most < fewest:
        return UNKNOWN
    outcomes = {_compare_numbers(frames, operator, bound) for frames in range(fewest, most + 1)}
    return outcomes.pop() if len(outcomes) == 1 else UNKNOWN


def overlay_frames(context: EvaluationContext, operator: str, bound: int) -> Truth:
    """The number of frames in Overlay Data (60xx,3000) of some Overlay group of the
    top-level Data Set compares with ``bound`` (see
    :class:`~dicomstd.conditions.ast.OverlayFrames`): TRUE if some group does, FALSE if
    every group does not (or there is none), else UNKNOWN."""
    try:
        top = context.top_level
        results = []
        for group in _OVERLAY_GROUPS:
            tags = (group << 16 | 0x0010, group << 16 | 0x0011, group << 16 | 0x3000)
            if any(has_tag(top, tag) for tag in tags):
                results.append(_overlay_group_frames(top, group, operator, bound))
        return _any(results)
    except Exception:  # noqa: BLE001
        return UNKNOWN


def private_tag(
    context: EvaluationContext, tag: int, scope: str, levels: int, value_number: int | None
) -> Truth:
    """A Value (``value_number``, 1-based, or any) of the AT Attribute is the Tag of a
    Private Data Element (PS3.5 Section 7.8.1: odd group, not 0001, 0003, 0005, 0007 or
    FFFF); FALSE when absent or empty, UNKNOWN for a Value that is not a Tag."""

    def judge(value: Any) -> Truth:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 0xFFFFFFFF:
            return UNKNOWN
        group = value >> 16
        return Truth.of(group % 2 == 1 and group not in _NOT_PRIVATE_ODD_GROUPS)

    return _on_values(context, tag, scope, levels, value_number, judge)


def transfer_syntax_in(context: EvaluationContext, uids: tuple[str, ...]) -> Truth:
    """The Transfer Syntax (the context's, else Transfer Syntax UID (0002,0010) of the File
    Meta Information) is one of ``uids``; UNKNOWN where it is not known."""
    try:
        uid = context.transfer_syntax_uid
        if uid is None:
            meta = getattr(context.top_level, "file_meta", None)
            uid = _text(meta, _TRANSFER_SYNTAX_UID) if meta is not None else None
        if not uid or not isinstance(uid, str):
            return UNKNOWN
        return Truth.of(uid.strip(" \x00") in uids)
    except Exception:  # noqa: BLE001
        return UNKNOWN


def conj(*terms: Truth) -> Truth:
    """Kleene conjunction of ``terms``."""
    outcome = TRUE
    for term in terms:
        outcome = outcome & term
    return outcome


def disj(*terms: Truth) -> Truth:
    """Kleene disjunction of ``terms``."""
    outcome = FALSE
    for term in terms:
        outcome = outcome | term
    return outcome


def all_of(*terms: Callable[[], Truth]) -> Truth:
    """Kleene conjunction of the terms, each evaluated only while no term has been FALSE
    (FALSE and anything is FALSE): what the generated predicates call."""
    outcome = TRUE
    for term in terms:
        outcome = outcome & term()
        if outcome is FALSE:
            break
    return outcome


def any_of(*terms: Callable[[], Truth]) -> Truth:
    """Kleene disjunction of the terms, each evaluated only while no term has been TRUE."""
    outcome = FALSE
    for term in terms:
        outcome = outcome | term()
        if outcome is TRUE:
            break
    return outcome


def neg(term: Truth) -> Truth:
    """Kleene negation."""
    return ~term
