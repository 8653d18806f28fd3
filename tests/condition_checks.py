"""A shared check for condition tests: the AST evaluator, the emitted expression and the
emitted predicate (exec'd as the generated modules do) give the same truth."""

from __future__ import annotations

from typing import Any

from dicomstd.conditions import runtime
from dicomstd.conditions.ast import Condition, Truth
from dicomstd.conditions.evaluate import EvaluationContext, evaluate
from dicomstd.generator.conditions.emit import emit_expression, emit_predicate


def agree(condition: Condition, context: EvaluationContext) -> Truth:
    """The evaluator's truth for ``condition`` in ``context``, after asserting that the
    generated code gives the same."""
    result = evaluate(condition, context)
    assert isinstance(result, Truth)
    expression = emit_expression(condition)
    from_expression: object = eval(expression, {"rt": runtime, "context": context})  # noqa: S307
    assert from_expression is result
    namespace: dict[str, Any] = {
        "rt": runtime,
        "EvaluationContext": EvaluationContext,
        "Truth": Truth,
    }
    exec(emit_predicate(condition, "predicate", "Required if ..."), namespace)  # noqa: S102
    from_predicate: object = namespace["predicate"](context)
    assert from_predicate is result
    return result
