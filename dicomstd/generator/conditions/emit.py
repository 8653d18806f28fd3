"""Compile the condition language into plain Python source (no strings interpreted at
validation time).

:func:`emit_expression` turns a :data:`~dicomstd.conditions.ast.Condition` into a Python
expression that calls only the helpers of :mod:`dicomstd.conditions.runtime` (imported under
``runtime_name``, ``rt`` by default) on an
:class:`~dicomstd.conditions.runtime.EvaluationContext` named ``context_name``;
:func:`emit_predicate` wraps it in a function definition. The expression evaluates to the
same :class:`~dicomstd.conditions.ast.Truth` as :func:`dicomstd.conditions.evaluate.evaluate`
(the tests exec both on the same Data Sets): a condition holding an
:class:`~dicomstd.conditions.ast.Unparsed` node is ``rt.UNKNOWN`` as a whole, an
:class:`~dicomstd.conditions.ast.Unverifiable` leaf is ``rt.UNKNOWN``.
"""

from __future__ import annotations

import re

from dicomstd.conditions.ast import (
    And,
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
    SOPClassIn,
    TagValue,
    TransferSyntaxIn,
    Unparsed,
    Unverifiable,
    Value,
    ValueCount,
    ValueIn,
    contains_unparsed,
)

__all__ = ["emit_expression", "emit_predicate"]


def _value(value: Value, runtime: str) -> str:
    if isinstance(value, TagValue):
        return f"{runtime}.TagValue(0x{value.tag:08X})"
    return repr(value)


def _tuple(items: list[str]) -> str:
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def emit_expression(
    condition: Condition, context_name: str = "context", runtime_name: str = "rt"
) -> str:
    """A Python expression of ``condition`` (one line).

    Args:
        condition: the condition.
        context_name: the name of the EvaluationContext variable in the generated code.
        runtime_name: the name :mod:`dicomstd.conditions.runtime` is imported as.
    """
    if contains_unparsed(condition):
        return f"{runtime_name}.UNKNOWN"
    return _emit(condition, context_name, runtime_name)


def _emit(condition: Condition, ctx: str, rt: str) -> str:
    if isinstance(condition, InAnyItem):
        ref = condition.sequence
        # The Item's context is a lambda parameter named after the outer one, one level
        # deeper, so that nested Items never shadow a name still in use.
        inner = f"{ctx}_item"
        body = _emit(condition.condition, inner, rt)
        nested = ", nested=True" if condition.nested else ""
        return (
            f"{rt}.in_any_item({ctx}, 0x{ref.tag:08X}, {ref.scope!r}, {ref.levels}, "
            f"lambda {inner}: {body}{nested})"
        )
    if isinstance(condition, InMatchingItem):
        ref, here = condition.sequence, condition.here
        inner = f"{ctx}_item"
        body = _emit(condition.condition, inner, rt)
        return (
            f"{rt}.in_matching_item({ctx}, 0x{ref.tag:08X}, {ref.scope!r}, {ref.levels}, "
            f"0x{condition.key:08X}, {condition.equal!r}, 0x{here.tag:08X}, {here.scope!r}, "
            f"{here.levels}, lambda {inner}: {body})"
        )
    if isinstance(condition, ReferencedInstance):
        ref = condition.reference
        # The referenced Instance's context, named like an Item's (see above).
        inner = f"{ctx}_instance"
        body = _emit(condition.condition, inner, rt)
        return (
            f"{rt}.referenced_instance({ctx}, 0x{ref.tag:08X}, {ref.scope!r}, {ref.levels}, "
            f"lambda {inner}: {body})"
        )
    if isinstance(condition, ReferencedValueMatches):
        ref, here = condition.reference, condition.here
        return (
            f"{rt}.referenced_value_matches({ctx}, 0x{ref.tag:08X}, {ref.scope!r}, "
            f"{ref.levels}, 0x{condition.tag:08X}, 0x{here.tag:08X}, {here.scope!r}, "
            f"{here.levels}, {condition.equal!r})"
        )
    if isinstance(condition, ConsistentInReferencedInstances):
        ref = condition.sequence
        return (
            f"{rt}.consistent_in_referenced_instances({ctx}, 0x{ref.tag:08X}, {ref.scope!r}, "
            f"{ref.levels}, 0x{condition.tag:08X}, 0x{condition.reference_tag:08X})"
        )
    if isinstance(condition, TransferSyntaxIn):
        return f"{rt}.transfer_syntax_in({ctx}, {_tuple([repr(uid) for uid in condition.uids])})"
    if isinstance(condition, ExtendedCharacters):
        return f"{rt}.extended_characters({ctx}, {condition.scope!r})"
    if isinstance(condition, OverlayFrames):
        return f"{rt}.overlay_frames({ctx}, {condition.operator!r}, {int(condition.bound)!r})"
    if isinstance(
        condition,
        (Present, HasValue, ValueIn, Compare, CodeIn, ItemCount, ValueCount, PrivateTag),
    ):
        ref = condition.attribute
        head = f"{ctx}, 0x{ref.tag:08X}, {ref.scope!r}, {ref.levels}"
        if isinstance(condition, Present):
            return f"{rt}.present({head})"
        if isinstance(condition, HasValue):
            return f"{rt}.has_value({head})"
        if isinstance(condition, ValueIn):
            values = _tuple([_value(value, rt) for value in condition.values])
            return f"{rt}.value_in({head}, {condition.value_number!r}, {values})"
        if isinstance(condition, ItemCount):
            return f"{rt}.item_count({head}, {condition.operator!r}, {int(condition.bound)!r})"
        if isinstance(condition, PrivateTag):
            return f"{rt}.private_tag({head}, {condition.value_number!r})"
        if isinstance(condition, ValueCount):
            return f"{rt}.value_count({head}, {condition.operator!r}, {int(condition.bound)!r})"
        if isinstance(condition, Compare):
            return (
                f"{rt}.compare({head}, {condition.value_number!r}, {condition.operator!r}, "
                f"{float(condition.bound)!r})"
            )
        codes = _tuple([repr(code) for code in condition.codes])
        return f"{rt}.code_in({head}, {codes})"
    if isinstance(condition, ModulePresent):
        return f"{rt}.module_present({ctx}, {condition.table_id!r})"
    if isinstance(condition, SOPClassIn):
        return f"{rt}.sop_class_in({ctx}, {_tuple([repr(uid) for uid in condition.uids])})"
    if isinstance(condition, FirstItem):
        return f"{rt}.first_item({ctx})"
    if isinstance(condition, Constant):
        return f"{rt}.TRUE" if condition.value else f"{rt}.FALSE"
    if isinstance(condition, Not):
        return f"{rt}.neg({_emit(condition.term, ctx, rt)})"
    if isinstance(condition, (And, Or)):
        # Each term a lambda, so that the first FALSE (conjunction) or TRUE (disjunction)
        # term ends the evaluation: the later ones may search every frame of the image.
        helper = "all_of" if isinstance(condition, And) else "any_of"
        terms = ", ".join(f"lambda: {_emit(term, ctx, rt)}" for term in condition.terms)
        return f"{rt}.{helper}({terms})"
    if isinstance(condition, (Unverifiable, Unparsed)):
        return f"{rt}.UNKNOWN"
    raise TypeError(f"not a condition: {condition!r}")


def emit_predicate(
    condition: Condition, name: str, text: str = "", runtime_name: str = "rt"
) -> str:
    """A function definition ``def name(context: EvaluationContext) -> Truth`` returning the
    condition's truth, with the sentence it was compiled from as its docstring.

    The module it is written into must import ``dicomstd.conditions.runtime as rt`` (or
    ``runtime_name``) and, for the annotations, ``EvaluationContext`` and ``Truth``.

    Raises:
        ValueError: ``name`` is not a Python identifier.
    """
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"{name!r} is not a Python identifier")
    docstring = f"    {text!r}\n" if text else ""
    body = emit_expression(condition, "context", runtime_name)
    return f"def {name}(context: EvaluationContext) -> Truth:\n{docstring}    return {body}\n"
