"""Compile every condition of a PS3.3 model, and report how much of it compiled.

:func:`compile_conditions` reads every Type 1C/2C Attribute, every Usage C Module row and
every Usage C Functional Group row and every conditional include ("Include Table C.18.1-1
if and only if Value Type (0040,A040) is NUM") of a
:class:`~dicomstd.generator.iod_model.Part03Model`, applies the reviewed overrides, and parses
the rest. :func:`coverage` counts unique
condition sentences per category:

- ``parser``: compiled by the parser, at least one clause checkable from the data;
- ``override``: compiled from a reviewed override;
- ``unknown by design``: understood, but nothing in it can be seen in the data ("Required
  if contrast media was used"): evaluates to UNKNOWN always;
- ``unparsed``: some clause could not be read: evaluates to UNKNOWN, reported with its text.

Of the compiled sentences (``parser`` and ``override``), those that keep a clause about the
world beside the checkable ones ("Required if Image Type Value 1 is ORIGINAL and the image has
been calibrated"; an override's evidence "Contrast/Bolus Usage Functional Group present, or
contrast media was applied") or a clause about a referenced Instance ("present in the
Instance referenced in ...": decided only where that Instance is at hand) are counted again
as ``partly unverifiable``: the data decides them in one direction or in some Data Sets only.

A sentence is counted once per category however many rows print it; when its rows compile
differently (an override for one table only), the least compiled status counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

from dicomstd.conditions.ast import (
    ConsistentInReferencedInstances,
    Constant,
    ReferencedInstance,
    ReferencedValueMatches,
    Requirement,
    Unparsed,
    Unverifiable,
    contains_unparsed,
    is_checkable,
    walk,
)
from dicomstd.errors import BuildError
from dicomstd.generator.conditions.extract import (
    condition_sentences,
    include_sentences,
    normalize,
    usage_sentences,
)
from dicomstd.generator.conditions.overrides import Override, format_condition, load_overrides
from dicomstd.generator.conditions.parser import ParseContext, Vocabulary, parse_requirement
from dicomstd.generator.iod_model import AttributeSpec, Entry, Include, Part03Model

__all__ = [
    "REFERENCE_FIGURES",
    "TARGETS",
    "Category",
    "CompiledCondition",
    "CoverageReport",
    "Status",
    "attribute_conditions",
    "attribute_rows",
    "compile_conditions",
    "coverage",
    "include_conditions",
]

Category = Literal["attribute", "module usage", "functional group usage", "include"]
Status = Literal["parser", "override", "unknown by design", "unparsed"]
_CATEGORIES: tuple[Category, ...] = (
    "attribute",
    "module usage",
    "functional group usage",
    "include",
)
_STATUSES: tuple[Status, ...] = ("parser", "override", "unknown by design", "unparsed")
_RANK: dict[str, int] = {status: rank for rank, status in enumerate(_STATUSES)}

#: The share (%) of unique condition sentences the public Python validator
#: (dicom-validator) compiles, per category, as the issue states them: the figures
#: :meth:`CoverageReport.summary` compares with (none for conditional includes, which the
#: issue does not count).
REFERENCE_FIGURES: dict[str, float] = {
    "attribute": 65.0,
    "module usage": 28.0,
    "functional group usage": 52.0,
}
#: The issue's targets (%), per category (none for conditional includes).
TARGETS: dict[str, float] = {
    "attribute": 90.0,
    "module usage": 80.0,
    "functional group usage": 80.0,
}


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    """One compiled row.

    Attributes:
        category: ``attribute``, ``module usage``, ``functional group usage`` or
            ``include``.
        table: the attribute table (``attribute``, ``include``: where the row is written)
            or the IOD's module table.
        path: ``attribute``: the Sequence Tags then the Attribute's Tag (``0028,0034``,
            ``300A,0111/300A,011E``); ``include``: the Sequence Tags then the included
            table's id (``0040,A730/table_C.17-5``); usage rows: the Module's or Macro's
            table id.
        name: the Attribute's, Module's or Macro's name (``include``: the included table's
            label, ``Table C.18.1-1``).
        requirement: the compiled requirement.
        status: see :data:`Status`.
    """

    category: Category
    table: str
    path: str
    name: str
    requirement: Requirement
    status: Status


def _status(requirement: Requirement, by_override: bool) -> Status:
    conditions = [requirement.required, requirement.otherwise]
    if requirement.forbidden is not None:
        conditions.append(requirement.forbidden)
    if any(contains_unparsed(condition) for condition in conditions):
        return "unparsed"
    if by_override:
        # A reviewed override may say "not checkable" too: that is still unknown by design;
        # a constant is a decided reading ("a Data Set in a file is not a STOW-RS request").
        decided = is_checkable(requirement.required) or isinstance(requirement.required, Constant)
        return "override" if decided else "unknown by design"
    if not is_checkable(requirement.required):
        return "unknown by design"
    return "parser"


def attribute_rows(model: Part03Model) -> list[tuple[str, tuple[int, ...], str, AttributeSpec]]:
    """(table id, Sequence Tags of the expansion, path text, spec) of every 1C/2C row, in
    the table where it is written: the rows :func:`compile_conditions` compiles, keyed as
    their :class:`CompiledCondition` (``table``, ``path``)."""
    rows: list[tuple[str, tuple[int, ...], str, AttributeSpec]] = []
    for table_id, table in model.tables.items():
        own = {id(entry) for entry in table.walk() if isinstance(entry, AttributeSpec)}
        seen: set[int] = set()
        for path, spec in model.expand(table_id):
            if id(spec) not in own or id(spec) in seen or spec.type not in ("1C", "2C"):
                continue
            seen.add(id(spec))
            tags = tuple(item.tag_value for item in path)
            text = "/".join([*(item.tag for item in path), spec.tag])
            rows.append((table_id, tags, text, spec))
    return rows


def _include_rows(model: Part03Model) -> list[tuple[str, tuple[int, ...], str, Include]]:
    """(table id, Sequence Tags in that table, path text, row) of every conditional include,
    in the table where it is written: the path is the enclosing Sequences' Tags, then the
    included table's id (a row number is added where one path would name two rows)."""
    rows: list[tuple[str, tuple[int, ...], str, Include]] = []

    def visit(
        table_id: str, entries: tuple[Entry, ...], tags: tuple[int, ...], texts: tuple[str, ...]
    ) -> None:
        for entry in entries:
            if isinstance(entry, AttributeSpec):
                visit(table_id, entry.items, (*tags, entry.tag_value), (*texts, entry.tag))
            elif isinstance(entry, Include):
                if include_sentences(entry.qualifier):
                    rows.append((table_id, tags, "/".join([*texts, entry.target]), entry))
                visit(table_id, entry.items, tags, texts)

    for table_id, table in model.tables.items():
        visit(table_id, table.entries, (), ())
    seen: dict[tuple[str, str], int] = {}
    for table_id, _tags, path, _entry in rows:
        seen[(table_id, path)] = seen.get((table_id, path), 0) + 1
    return [
        (table_id, tags, path if seen[(table_id, path)] == 1 else f"{path}#{entry.row}", entry)
        for table_id, tags, path, entry in rows
    ]


def include_conditions(
    model: Part03Model, compiled: list[CompiledCondition]
) -> dict[int, CompiledCondition]:
    """The compiled condition of each conditional include row of ``model``, by the ``id()``
    of its :class:`Include`."""
    by_key = {(c.table, c.path): c for c in compiled if c.category == "include"}
    found: dict[int, CompiledCondition] = {}
    for table_id, _, path, entry in _include_rows(model):
        condition = by_key.get((table_id, path))
        if condition is not None:
            found[id(entry)] = condition
    return found


def attribute_conditions(
    model: Part03Model, compiled: list[CompiledCondition]
) -> dict[int, CompiledCondition]:
    """The compiled condition of each Type 1C/2C row of ``model``, by the ``id()`` of its
    :class:`AttributeSpec` (the row where it is written, whatever includes it)."""
    by_key = {(c.table, c.path): c for c in compiled if c.category == "attribute"}
    found: dict[int, CompiledCondition] = {}
    for table_id, _, path, spec in attribute_rows(model):
        condition = by_key.get((table_id, path))
        if condition is not None:
            found[id(spec)] = condition
    return found


def compile_conditions(
    model: Part03Model,
    overrides: tuple[Override, ...] | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[CompiledCondition]:
    """Compile every condition of ``model``.

    Args:
        model: PS3.3 as compiled by :func:`~dicomstd.generator.extractors.part03.
            extract_information_object_definitions`.
        overrides: the reviewed overrides; ``None`` reads the committed file.
        vocabulary: the names to recognise; ``None`` builds them from ``model``.

    Returns:
        one :class:`CompiledCondition` per Type 1C/2C Attribute row (in the table where it
        is written), per Usage C Module and Functional Group row, then per conditional
        include row, in document order.

    Raises:
        BuildError: an override matches no row with its sentence (the standard changed, or
            the override is wrong: re-review it).
    """
    overrides = load_overrides() if overrides is None else overrides
    vocabulary = vocabulary or Vocabulary(model)
    by_key = {override.key: override for override in overrides}
    used: set[tuple[str, str, str, str]] = set()
    found: list[CompiledCondition] = []

    def apply(key: tuple[str, str, str, str], parsed: Requirement) -> tuple[Requirement, bool]:
        override = by_key.get(key)
        if override is None:
            return parsed, False
        used.add(key)
        return override.requirement, True

    for table_id, tags, path, spec in attribute_rows(model):
        sentences = condition_sentences(spec.description)
        context = ParseContext(table_id, tags, tag=spec.tag_value, name=spec.name)
        parsed = parse_requirement(sentences, vocabulary, context, normalize(spec.description))
        requirement, overridden = apply(("attribute", table_id, path, parsed.text), parsed)
        found.append(
            CompiledCondition(
                "attribute",
                table_id,
                path,
                spec.name,
                requirement,
                _status(requirement, overridden),
            )
        )
    for iod in model.iods.values():
        for usage in iod.modules:
            if usage.usage != "C":
                continue
            sentences = usage_sentences(usage.condition)
            parsed = parse_requirement(
                sentences,
                vocabulary,
                ParseContext(iod_table_id=iod.table_id),
                normalize(usage.condition),
            )
            requirement, overridden = apply(("module", usage.table_id, "", parsed.text), parsed)
            found.append(
                CompiledCondition(
                    "module usage",
                    iod.table_id,
                    usage.table_id,
                    usage.module,
                    requirement,
                    _status(requirement, overridden),
                )
            )
        for group in iod.functional_groups:
            if group.usage != "C":
                continue
            sentences = usage_sentences(group.condition)
            parsed = parse_requirement(
                sentences,
                vocabulary,
                ParseContext(iod_table_id=iod.table_id),
                normalize(group.condition),
            )
            requirement, overridden = apply(
                ("functional_group", group.table_id, "", parsed.text), parsed
            )
            found.append(
                CompiledCondition(
                    "functional group usage",
                    iod.table_id,
                    group.table_id,
                    group.macro,
                    requirement,
                    _status(requirement, overridden),
                )
            )
    for table_id, tags, path, entry in _include_rows(model):
        sentences = include_sentences(entry.qualifier)
        parsed = parse_requirement(
            sentences, vocabulary, ParseContext(table_id, tags), normalize(entry.qualifier)
        )
        requirement, overridden = apply(("include", table_id, path, parsed.text), parsed)
        found.append(
            CompiledCondition(
                "include",
                table_id,
                path,
                entry.target_label,
                requirement,
                _status(requirement, overridden),
            )
        )
    stale = [override for override in overrides if override.key not in used]
    if stale:
        first = stale[0]
        raise BuildError(
            f"{len(stale)} condition override(s) no longer match the publication "
            f"({model.part} {model.edition}), e.g. {first.kind} {first.table} {first.path or ''} "
            f"{first.sentence!r}: the standard changed, re-review them"
        )
    return found


@dataclass
class CoverageReport:
    """Unique condition sentences per category and status.

    Attributes:
        edition: ``2024c``.
        sentences: per category, each unique sentence with its ``category``, ``status``,
            where it is printed (``table`` and ``path`` of the first row, also joined as
            ``first``, and the ``rows`` count), its ``text``, and the compiled condition
            (override form) or the reason it is not (``condition``).
    """

    edition: str
    sentences: dict[str, list[dict[str, object]]] = field(default_factory=dict)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per category: ``unique``, one count per status, and ``partly unverifiable`` (of
        the compiled, those keeping a clause about the world)."""
        result: dict[str, dict[str, int]] = {}
        for category in _CATEGORIES:
            rows = self.sentences.get(category, [])
            counts = {"unique": len(rows)}
            for status in _STATUSES:
                counts[status] = sum(1 for row in rows if row["status"] == status)
            counts["partly unverifiable"] = sum(
                1
                for row in rows
                if row["status"] in ("parser", "override") and row["partly_unverifiable"]
            )
            result[category] = counts
        return result

    def compiled_fraction(self, category: str) -> float:
        """(parser + override) / unique, for ``category``."""
        counts = self.counts()[category]
        return (
            (counts["parser"] + counts["override"]) / counts["unique"] if counts["unique"] else 1.0
        )

    def not_compiled(self) -> list[dict[str, object]]:
        """Every unique sentence not fully compiled (``unknown by design`` or
        ``unparsed``), per category in order, with its text and where it is printed."""
        return [
            entry
            for category in _CATEGORIES
            for entry in self.sentences.get(category, [])
            if entry["status"] in ("unknown by design", "unparsed")
        ]

    def to_json(self) -> str:
        """The report as deterministic JSON text: counts with the comparison figures, every
        sentence, and the list of those not fully compiled."""
        fractions = {
            category: {
                "compiled %": round(100 * self.compiled_fraction(category), 1),
                "public validator %": REFERENCE_FIGURES.get(category),
                "target %": TARGETS.get(category),
            }
            for category in _CATEGORIES
        }
        document = {
            "edition": self.edition,
            "counts": self.counts(),
            "compiled": fractions,
            "sentences": self.sentences,
            "not_compiled": self.not_compiled(),
        }
        return json.dumps(document, indent=1, ensure_ascii=False) + "\n"

    def summary(self) -> str:
        """A few lines of text: per category, unique sentences and each status with %."""
        lines = [
            f"Conditions of PS3.3 {self.edition} (unique sentences; compiled = parser + override):",
            f"  {'category':<24}{'unique':>7}{'parser':>8}{'override':>9}{'unknown':>9}"
            f"{'unparsed':>9}{'compiled':>10}{'partly':>8}{'public':>8}{'target':>8}",
        ]

        def figure(value: float | None) -> str:
            return f"{value:>7.0f}%" if value is not None else f"{'-':>8}"

        for category, counts in self.counts().items():
            lines.append(
                f"  {category:<24}{counts['unique']:>7}{counts['parser']:>8}"
                f"{counts['override']:>9}{counts['unknown by design']:>9}"
                f"{counts['unparsed']:>9}{100 * self.compiled_fraction(category):>9.1f}%"
                f"{counts['partly unverifiable']:>8}"
                f"{figure(REFERENCE_FIGURES.get(category))}{figure(TARGETS.get(category))}"
            )
        lines.append(
            "  (unknown = unknown by design: not checkable from the data; partly = compiled but"
            " keeping a clause about the world\n   or about a referenced Instance; public = the"
            " public Python validator's figure)"
        )
        return "\n".join(lines)


def coverage(model: Part03Model, compiled: list[CompiledCondition] | None = None) -> CoverageReport:
    """The coverage report of ``model`` (compiling it unless ``compiled`` is given)."""
    compiled = compile_conditions(model) if compiled is None else compiled
    unique: dict[tuple[str, str], dict[str, object]] = {}
    for row in compiled:
        key = (row.category, row.requirement.text)
        entry = unique.get(key)
        if entry is None:
            entry = {
                "category": row.category,
                "table": row.table,
                "path": row.path,
                "text": row.requirement.text,
                "status": row.status,
                "first": f"{row.table}:{row.path}",
                "rows": 0,
                "condition": _describe(row.requirement),
                "partly_unverifiable": _partly_unverifiable(row.requirement),
            }
            unique[key] = entry
        entry["rows"] = int(entry["rows"]) + 1  # type: ignore[call-overload]
        if _RANK[row.status] > _RANK[str(entry["status"])]:
            entry["status"] = row.status
            entry["condition"] = _describe(row.requirement)
            entry["partly_unverifiable"] = _partly_unverifiable(row.requirement)
        elif _RANK[row.status] == _RANK[str(entry["status"])] and _partly_unverifiable(
            row.requirement
        ):
            entry["partly_unverifiable"] = True
    report = CoverageReport(model.edition)
    for (category, _text), entry in sorted(unique.items()):
        report.sentences.setdefault(category, []).append(entry)
    return report


def _partly_unverifiable(requirement: Requirement) -> bool:
    """``requirement.required`` keeps an :class:`Unverifiable` clause, or a clause on a
    referenced Instance (decided only where the validator has that Instance at hand)."""
    on_other_instances = (
        ReferencedInstance,
        ReferencedValueMatches,
        ConsistentInReferencedInstances,
    )
    return any(
        isinstance(node, (Unverifiable, *on_other_instances)) for node in walk(requirement.required)
    )


def _describe(requirement: Requirement) -> str:
    unparsed = [node for node in walk(requirement.required) if isinstance(node, Unparsed)]
    if unparsed:
        return f"unparsed: {unparsed[0].detail}"
    text = format_condition(requirement.required)
    if requirement.otherwise_stated:
        text += f" ; otherwise {format_condition(requirement.otherwise)}"
    if requirement.forbidden is not None:
        text += f" ; forbidden if {format_condition(requirement.forbidden)}"
    return text
