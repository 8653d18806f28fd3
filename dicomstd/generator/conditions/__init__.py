"""Build time: compile PS3.3's condition sentences into the condition language.

- :mod:`.extract`: find the condition sentences (Type 1C/2C descriptions, Usage C texts);
- :mod:`.parser`: sentences → :class:`~dicomstd.conditions.ast.Requirement`;
- :mod:`.overrides`: the reviewed hand-written conditions (``data/condition_overrides.toml``);
- :mod:`.emit`: a condition → Python source calling :mod:`dicomstd.conditions.runtime`;
- :mod:`.coverage`: compile a whole model, and count what compiled;
- :mod:`.audit`: find compiled conditions that look for an Attribute where no IOD puts it.

What the build calls::

    compiled = compile_conditions(model)          # BuildError on a stale override
    report = coverage(model, compiled)            # report.to_json(), report.summary()
    findings = audit(model, compiled)             # findings.unreviewed, findings.summary()
    source = emit_predicate(row.requirement.required, "name", row.requirement.text)
"""

from __future__ import annotations

from dicomstd.generator.conditions.audit import AuditReport, audit
from dicomstd.generator.conditions.coverage import (
    CompiledCondition,
    CoverageReport,
    compile_conditions,
    coverage,
)
from dicomstd.generator.conditions.emit import emit_expression, emit_predicate
from dicomstd.generator.conditions.overrides import format_condition, load_overrides
from dicomstd.generator.conditions.parser import (
    ParseContext,
    Vocabulary,
    parse_condition,
    parse_requirement,
)

__all__ = [
    "AuditReport",
    "CompiledCondition",
    "CoverageReport",
    "ParseContext",
    "Vocabulary",
    "audit",
    "compile_conditions",
    "coverage",
    "emit_expression",
    "emit_predicate",
    "format_condition",
    "load_overrides",
    "parse_condition",
    "parse_requirement",
]
