"""The condition language of PS3.3 (Type 1C/2C Attributes, Conditional Modules and
Functional Groups) at run time: the AST (:mod:`.ast`), its three-valued evaluation
(:mod:`.evaluate`), and the helpers compiled predicates call (:mod:`.runtime`).

Imports only the standard library (pydicom Data Sets are inspected, never imported here).
"""

from __future__ import annotations

from dicomstd.conditions.ast import Condition, Requirement, Truth
from dicomstd.conditions.evaluate import (
    EvaluationContext,
    RequirementOutcome,
    evaluate,
    evaluate_requirement,
)

__all__ = [
    "Condition",
    "EvaluationContext",
    "Requirement",
    "RequirementOutcome",
    "Truth",
    "evaluate",
    "evaluate_requirement",
]
