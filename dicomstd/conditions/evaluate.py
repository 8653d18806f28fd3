"""Three-valued evaluation of the condition language on a pydicom Data Set.

:func:`evaluate` interprets an AST (:mod:`dicomstd.conditions.ast`) in an
:class:`~dicomstd.conditions.runtime.EvaluationContext`; :func:`evaluate_requirement` applies
a whole :class:`~dicomstd.conditions.ast.Requirement` (PS3.5 Sections 7.4.2 and 7.4.4 for
Type 1C/2C Data Elements, PS3.3 Section A.1.3.2 for Conditional Modules). The leaves call the
helpers of :mod:`dicomstd.conditions.runtime`, which the generated predicates call too.

Never raises on a Data Set's content: what cannot be interpreted is ``UNKNOWN``.
"""

from __future__ import annotations

from dataclasses import dataclass

from dicomstd.conditions import runtime
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
    Requirement,
    SOPClassIn,
    TransferSyntaxIn,
    Truth,
    Unparsed,
    Unverifiable,
    ValueCount,
    ValueIn,
    contains_unparsed,
)
from dicomstd.conditions.runtime import EvaluationContext

__all__ = ["EvaluationContext", "RequirementOutcome", "evaluate", "evaluate_requirement"]


def evaluate(condition: Condition, context: EvaluationContext) -> Truth:
    """``TRUE``, ``FALSE`` or ``UNKNOWN``: what ``condition`` is in ``context``.

    A condition holding an :class:`Unparsed` node anywhere is ``UNKNOWN`` as a whole (a
    clause that could not be read is never dropped: "A or <unread>" cannot be TRUE merely
    because A is).
    """
    if contains_unparsed(condition):
        return Truth.UNKNOWN
    return _evaluate(condition, context)


def _evaluate(condition: Condition, context: EvaluationContext) -> Truth:
    if isinstance(condition, Present):
        ref = condition.attribute
        return runtime.present(context, ref.tag, ref.scope, ref.levels)
    if isinstance(condition, HasValue):
        ref = condition.attribute
        return runtime.has_value(context, ref.tag, ref.scope, ref.levels)
    if isinstance(condition, ValueIn):
        ref = condition.attribute
        return runtime.value_in(
            context, ref.tag, ref.scope, ref.levels, condition.value_number, condition.values
        )
    if isinstance(condition, Compare):
        ref = condition.attribute
        return runtime.compare(
            context,
            ref.tag,
            ref.scope,
            ref.levels,
            condition.value_number,
            condition.operator,
            condition.bound,
        )
    if isinstance(condition, CodeIn):
        ref = condition.attribute
        return runtime.code_in(context, ref.tag, ref.scope, ref.levels, condition.codes)
    if isinstance(condition, ItemCount):
        ref = condition.attribute
        return runtime.item_count(
            context, ref.tag, ref.scope, ref.levels, condition.operator, condition.bound
        )
    if isinstance(condition, ValueCount):
        ref = condition.attribute
        return runtime.value_count(
            context, ref.tag, ref.scope, ref.levels, condition.operator, condition.bound
        )
    if isinstance(condition, ExtendedCharacters):
        return runtime.extended_characters(context, condition.scope)
    if isinstance(condition, InAnyItem):
        ref = condition.sequence
        inner = condition.condition
        return runtime.in_any_item(
            context,
            ref.tag,
            ref.scope,
            ref.levels,
            lambda item: _evaluate(inner, item),
            condition.nested,
        )
    if isinstance(condition, InMatchingItem):
        ref, here = condition.sequence, condition.here
        on_item = condition.condition
        return runtime.in_matching_item(
            context,
            ref.tag,
            ref.scope,
            ref.levels,
            condition.key,
            condition.equal,
            here.tag,
            here.scope,
            here.levels,
            lambda item: _evaluate(on_item, item),
        )
    if isinstance(condition, ReferencedInstance):
        ref = condition.reference
        on_instance = condition.condition
        return runtime.referenced_instance(
            context, ref.tag, ref.scope, ref.levels, lambda other: _evaluate(on_instance, other)
        )
    if isinstance(condition, ReferencedValueMatches):
        ref, here = condition.reference, condition.here
        return runtime.referenced_value_matches(
            context,
            ref.tag,
            ref.scope,
            ref.levels,
            condition.tag,
            here.tag,
            here.scope,
            here.levels,
            condition.equal,
        )
    if isinstance(condition, ConsistentInReferencedInstances):
        ref = condition.sequence
        return runtime.consistent_in_referenced_instances(
            context, ref.tag, ref.scope, ref.levels, condition.tag, condition.reference_tag
        )
    if isinstance(condition, PrivateTag):
        ref = condition.attribute
        return runtime.private_tag(context, ref.tag, ref.scope, ref.levels, condition.value_number)
    if isinstance(condition, OverlayFrames):
        return runtime.overlay_frames(context, condition.operator, condition.bound)
    if isinstance(condition, TransferSyntaxIn):
        return runtime.transfer_syntax_in(context, condition.uids)
    if isinstance(condition, ModulePresent):
        return runtime.module_present(context, condition.table_id)
    if isinstance(condition, SOPClassIn):
        return runtime.sop_class_in(context, condition.uids)
    if isinstance(condition, FirstItem):
        return runtime.first_item(context)
    if isinstance(condition, Constant):
        return Truth.of(condition.value)
    if isinstance(condition, Not):
        return runtime.neg(_evaluate(condition.term, context))
    if isinstance(condition, And):
        return runtime.conj(*(_evaluate(term, context) for term in condition.terms))
    if isinstance(condition, Or):
        return runtime.disj(*(_evaluate(term, context) for term in condition.terms))
    if isinstance(condition, (Unverifiable, Unparsed)):
        return Truth.UNKNOWN
    raise TypeError(f"not a condition: {condition!r}")  # a programming error, not data


@dataclass(frozen=True, slots=True)
class RequirementOutcome:
    """What a :class:`Requirement` says in a context.

    Attributes:
        required: it shall be present (TRUE), need not be (FALSE), or cannot be told.
        forbidden: it shall not be present: not required and "shall not be present
            otherwise" (stated or by default), or a "Shall not be present if" holds.
    """

    required: Truth
    forbidden: Truth


def evaluate_requirement(
    requirement: Requirement, context: EvaluationContext
) -> RequirementOutcome:
    """Evaluate ``requirement``: required = its condition; forbidden = (not required and not
    permitted otherwise) or its "shall not be present if" condition."""
    required = evaluate(requirement.required, context)
    permitted = evaluate(requirement.otherwise, context)
    forbidden = ~required & ~permitted
    if requirement.forbidden is not None:
        forbidden = forbidden | evaluate(requirement.forbidden, context)
    return RequirementOutcome(required, forbidden)
