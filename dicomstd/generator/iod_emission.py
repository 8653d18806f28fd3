"""Emission of PS3.3/PS3.4: the IOD model becomes one generated module per Module, Macro,
directory record and IOD, plus an index, holding :mod:`dicomstd.specification` instances.

Two passes, each plain Python:

1. :func:`to_specifications` turns the extracted model (:mod:`.iod_model`) into the runtime's
   shapes, giving each Attribute its PS3.6 Keyword and collecting the tags that neither the
   dictionary nor its secondary source defines;
2. :func:`iod_files` names a Python module for each (``modules/patient.py``,
   ``macros/code_sequence.py``, ``iods/ct_image.py``) and renders them through the
   templates; :func:`specification_literal` writes each instance as constructor calls with
   keyword arguments, leaving out fields at their defaults.
"""

from __future__ import annotations

import dataclasses
import keyword as python_keywords
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from dicomstd import specification as spec
from dicomstd.errors import BuildError
from dicomstd.generator import emit
from dicomstd.generator.iod_model import (
    AnyAttributes,
    AttributeSpec,
    AttributeTable,
    ContextGroupReference,
    Entry,
    Include,
    IOD,
    Part03Model,
    SOPClass,
    ValueSet,
)
from dicomstd.conditions.ast import Condition
from dicomstd.conditions.ast import Requirement as ConditionRequirement
from dicomstd.generator.conditions import CompiledCondition, emit_expression, emit_predicate
from dicomstd.generator.conditions.coverage import attribute_conditions, include_conditions
from dicomstd.generator.model import DataElement

__all__ = ["CompiledIODs", "iod_files", "module_names", "specification_literal", "to_specifications"]

_KIND_FOLDER = {"module": "modules", "macro": "macros", "directory record": "directory_records"}
_KIND_SUFFIX = {"module": "MODULE", "macro": "MACRO", "directory record": "DIRECTORY_RECORD"}
_TAG_FIELDS = frozenset({"tag", "tag_mask"})


@dataclass
class CompiledIODs:
    """PS3.3/PS3.4 in the runtime's shapes.

    Attributes:
        tables: every attribute table by table id, in the publication's order.
        iods: every IOD by module table id, in the publication's order.
        sop_classes: SOP Class UID → IOD table id, for the SOP Classes PS3.4 maps to an IOD.
        undefined_tags: (tag as printed, citation of the table) for Attributes whose tag
            neither PS3.6 at hand nor the secondary source defines.
        requirements: the compiled condition of a Type 1C/2C :class:`spec.Attribute`, a
            conditional :class:`spec.Include`, or a
            Usage C :class:`spec.ModuleUsage`/:class:`spec.FunctionalGroupUsage`, by the
            ``id()`` of that object (the runtime shapes are rendered with their predicates).
    """

    tables: dict[str, spec.AttributeTable] = field(default_factory=dict)
    iods: dict[str, spec.IODSpecification] = field(default_factory=dict)
    sop_classes: dict[str, str] = field(default_factory=dict)
    undefined_tags: list[tuple[str, str]] = field(default_factory=list)
    requirements: dict[int, Requirement] = field(default_factory=dict)


@dataclass(frozen=True)
class Requirement:
    """A compiled condition waiting to be emitted: what becomes a
    :class:`dicomstd.specification.Requirement` with generated predicate functions.

    Attributes:
        text: the sentences as printed.
        status: ``parser``, ``override``, ``unknown by design`` or ``unparsed``.
        condition: the compiled requirement (its ``required``, ``otherwise``, ``forbidden``).
    """

    text: str
    status: str
    condition: ConditionRequirement


def _context_groups(references: Iterable[ContextGroupReference]) -> tuple[spec.ContextGroup, ...]:
    return tuple(spec.ContextGroup(r.cid, r.strength) for r in references)


def _value_sets(value_sets: Iterable[ValueSet]) -> tuple[spec.ValueSet, ...]:
    return tuple(spec.ValueSet(v.kind, v.values, v.value_number) for v in value_sets)


class _Converter:
    """Converts entries, looking up Keywords by tag in the compiled data dictionary and
    attaching each conditional row's compiled condition."""

    def __init__(
        self, data_elements: list[DataElement], conditions: dict[int, CompiledCondition]
    ) -> None:
        self.exact = {e.tag_value: e for e in data_elements if e.tag_mask == 0xFFFFFFFF}
        self.masked = {(e.tag_value, e.tag_mask): e for e in data_elements if e.tag_mask != 0xFFFFFFFF}
        self.undefined: list[tuple[str, str]] = []
        self.conditions = conditions
        self.requirements: dict[int, Requirement] = {}

    def attach(self, converted: object, compiled: CompiledCondition | None) -> None:
        if compiled is not None:
            self.requirements[id(converted)] = Requirement(
                compiled.requirement.text, compiled.status, compiled.requirement
            )

    def keyword(self, attribute: AttributeSpec) -> str:
        element = (
            self.exact.get(attribute.tag_value)
            if attribute.tag_mask == 0xFFFFFFFF
            else self.masked.get((attribute.tag_value, attribute.tag_mask))
        )
        if element is None:
            self.undefined.append((attribute.tag, attribute.source.citation))
            return ""
        return element.keyword

    def entries(self, entries: Iterable[Entry]) -> tuple[spec.Entry, ...]:
        converted: list[spec.Entry] = []
        for entry in entries:
            if isinstance(entry, AttributeSpec):
                attribute = spec.Attribute(
                        tag=entry.tag_value,
                        keyword=self.keyword(entry),
                        name=entry.name,
                        type=entry.type,
                        row=entry.row,
                        tag_mask=entry.tag_mask,
                        value_sets=_value_sets(entry.value_sets),
                        fixed_values=entry.fixed_values,
                        item_count=(
                            spec.ItemCount(entry.item_count.minimum, entry.item_count.maximum)
                            if entry.item_count
                            else None
                        ),
                        context_groups=_context_groups(entry.context_groups),
                        items=self.entries(entry.items),
                        retired=entry.retired,
                    )
                self.attach(attribute, self.conditions.get(id(entry)))
                converted.append(attribute)
            elif isinstance(entry, Include):
                include = spec.Include(
                    table_id=entry.target,
                    label=entry.target_label,
                    row=entry.row,
                    qualifier=entry.qualifier,
                    context_groups=_context_groups(entry.context_groups),
                    constrained=entry.constrained,
                    items=self.entries(entry.items),
                )
                self.attach(include, self.conditions.get(id(entry)))
                converted.append(include)
            else:
                assert isinstance(entry, AnyAttributes)
                converted.append(spec.AnyAttributes(entry.text, entry.type, entry.row))
        return tuple(converted)


def _table(table: AttributeTable, converter: _Converter) -> spec.AttributeTable:
    return spec.AttributeTable(
        table_id=table.table_id,
        name=table.name,
        kind=table.kind,
        section_id=table.section_id,
        source=table.source.citation,
        entries=converter.entries(table.entries),
        retired=table.retired,
    )


def _iod(
    iod: IOD,
    sop_classes: tuple[str, ...],
    usages: dict[tuple[str, str, str], CompiledCondition],
    converter: _Converter,
) -> spec.IODSpecification:
    modules = []
    for m in iod.modules:
        module = spec.ModuleUsage(m.information_entity, m.module, m.table_id, m.usage, m.condition)
        if m.usage == "C":
            converter.attach(module, usages.get(("module usage", iod.table_id, m.table_id)))
        modules.append(module)
    groups = []
    for g in iod.functional_groups:
        group = spec.FunctionalGroupUsage(g.macro, g.table_id, g.usage, g.condition, g.placement)
        if g.usage == "C":
            converter.attach(
                group, usages.get(("functional group usage", iod.table_id, g.table_id))
            )
        groups.append(group)
    return spec.IODSpecification(
        name=iod.name,
        kind=iod.kind,
        table_id=iod.table_id,
        section_id=iod.section_id,
        source=iod.source.citation,
        modules=tuple(modules),
        functional_groups=tuple(groups),
        sop_classes=sop_classes,
        retired=iod.retired,
    )


def to_specifications(
    part03: Part03Model,
    sop_class_iods: dict[str, IOD],
    data_elements: list[DataElement],
    conditions: list[CompiledCondition] | None = None,
) -> CompiledIODs:
    """Convert the extracted PS3.3 model and the PS3.4 mapping into the runtime's shapes.

    Args:
        part03: the PS3.3 model.
        sop_class_iods: SOP Class UID → IOD (from :func:`.extractors.part04.iods_of_sop_classes`).
        data_elements: the compiled PS3.6 dictionary, for Keywords.
        conditions: the compiled conditions of ``part03``
            (:func:`dicomstd.generator.conditions.compile_conditions`); ``None``: none.
    """
    conditions = conditions or []
    converter = _Converter(
        data_elements,
        {**attribute_conditions(part03, conditions), **include_conditions(part03, conditions)},
    )
    usages: dict[tuple[str, str, str], CompiledCondition] = {
        (c.category, c.table, c.path): c
        for c in conditions
        if c.category not in ("attribute", "include")
    }
    compiled = CompiledIODs()
    for table_id, table in part03.tables.items():
        compiled.tables[table_id] = _table(table, converter)
    by_iod: dict[str, list[str]] = {}
    for uid, iod in sop_class_iods.items():
        by_iod.setdefault(iod.table_id, []).append(uid)
        compiled.sop_classes[uid] = iod.table_id
    for table_id, iod in part03.iods.items():
        compiled.iods[table_id] = _iod(iod, tuple(by_iod.get(table_id, ())), usages, converter)
    compiled.undefined_tags = sorted(set(converter.undefined))
    compiled.requirements = converter.requirements
    return compiled


# --- rendering -------------------------------------------------------------------------


class Predicates:
    """The predicate functions of one generated module.

    A condition that is a constant is one of the runtime's shared predicates
    (``always``, ``never``); one that can only be UNKNOWN is ``not_verifiable``; any other
    becomes a function ``_condition_<n>`` of the module, one per distinct expression.
    """

    def __init__(self) -> None:
        self.functions: dict[str, str] = {}  # expression → function name
        self.definitions: list[str] = []
        self.shared: set[str] = set()

    @property
    def runtime_imports(self) -> list[str]:
        """Names the module imports from :mod:`dicomstd.conditions.runtime`."""
        return sorted(self.shared | ({"EvaluationContext"} if self.definitions else set()))

    def name(self, condition: Condition, text: str) -> str:
        expression = emit_expression(condition)
        shared = {"rt.TRUE": "always", "rt.FALSE": "never", "rt.UNKNOWN": "not_verifiable"}
        if expression in shared:
            self.shared.add(shared[expression])
            return shared[expression]
        if expression not in self.functions:
            name = f"_condition_{len(self.functions) + 1}"
            self.functions[expression] = name
            self.definitions.append(emit_predicate(condition, name, text))
        return self.functions[expression]

    def requirement(self, pending: Requirement) -> str:
        condition = pending.condition
        arguments = [
            f"text={emit.python_literal(pending.text)}",
            f"status={emit.python_literal(pending.status)}",
            f"required={self.name(condition.required, pending.text)}",
            f"otherwise={self.name(condition.otherwise, '')}",
        ]
        if condition.forbidden is not None:
            arguments.append(f"forbidden={self.name(condition.forbidden, '')}")
        return f"Requirement({', '.join(arguments)})"


def specification_literal(
    value: Any,
    requirements: dict[int, Requirement] | None = None,
    predicates: Predicates | None = None,
) -> str:
    """Python source that constructs ``value`` (a :mod:`dicomstd.specification` instance, a
    tuple of them, or a literal); fields at their default value are left out, tags are
    written in hexadecimal (``0x00100010``).

    An object found (by ``id``) in ``requirements`` gets ``requirement=Requirement(...)``
    whose predicates ``predicates`` names and collects.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        arguments = []
        for item in dataclasses.fields(value):
            current = getattr(value, item.name)
            if item.default is not dataclasses.MISSING and current == item.default:
                continue
            if item.name in _TAG_FIELDS:
                rendered = emit.hexadecimal(current)
            else:
                rendered = specification_literal(current, requirements, predicates)
            arguments.append(f"{item.name}={rendered}")
        pending = (requirements or {}).get(id(value))
        if pending is not None and predicates is not None:
            arguments.append(f"requirement={predicates.requirement(pending)}")
        return f"{type(value).__name__}({', '.join(arguments)})"
    if isinstance(value, tuple):
        if not value:
            return "()"
        # A trailing comma only where Python needs one: black would split every tuple
        # that ends with one into a line per item.
        items = ", ".join(specification_literal(item, requirements, predicates) for item in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    return emit.python_literal(value)


def _snake(name: str) -> str:
    text = name.replace("'", "").replace("’", "")
    text = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").lower()
    if not text or text[0].isdigit():
        text = f"n_{text}"
    return text + "_" if python_keywords.iskeyword(text) else text


def module_names(compiled: CompiledIODs) -> tuple[dict[str, str], dict[str, str]]:
    """How the generated definitions are named: (table id → ``<folder>.<name>``, such as
    ``modules.patient``; IOD table id → its name in ``iods``). The typed classes
    (:mod:`.class_emission`) are named the same way."""
    table_names = _names(
        (table_id, _KIND_FOLDER[table.kind], table.name) for table_id, table in compiled.tables.items()
    )
    iod_names = _names((table_id, "iods", iod.name) for table_id, iod in compiled.iods.items())
    table_modules = {
        table_id: f"{_KIND_FOLDER[table.kind]}.{table_names[table_id]}"
        for table_id, table in compiled.tables.items()
    }
    return table_modules, iod_names


def _names(items: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """Unique Python module names per (folder, name): a name two tables share takes the
    table's label (``c_7_1``) as a suffix, the same every build."""
    wanted: dict[tuple[str, str], list[str]] = {}
    for key, folder, name in items:
        wanted.setdefault((folder, _snake(name)), []).append(key)
    names: dict[str, str] = {}
    for (_, snake), keys in wanted.items():
        for key in keys:
            label = _snake(key.removeprefix("table_"))
            names[key] = snake if len(keys) == 1 else f"{snake}_{label}"
    return names


def iod_files(
    compiled: CompiledIODs,
    *,
    edition: str,
    publications: list[dict[str, str]],
    uid_names: dict[str, str],
) -> list[emit.GeneratedFile]:
    """Render one module per attribute table and per IOD, their packages, and the index.

    Args:
        compiled: from :func:`to_specifications`.
        edition: the edition named in the headers.
        publications: the PS3.3/PS3.4 publications, for the headers.
        uid_names: SOP Class UID → name (from the UID registry) for the index's comments.

    Raises:
        BuildError: an include or a module usage names a table that is not compiled.
    """
    table_modules, iod_names = module_names(compiled)
    _check_references(compiled)

    files: list[emit.GeneratedFile] = []
    index_tables: list[tuple[str, str, str]] = []
    for table_id, table in compiled.tables.items():
        module = table_modules[table_id]
        constant = f"{module.rpartition('.')[2].upper()}_{_KIND_SUFFIX[table.kind]}"
        index_tables.append((table_id, module, constant))
        predicates = Predicates()
        literal = specification_literal(table, compiled.requirements, predicates)
        files.append(
            emit.GeneratedFile(
                module.replace(".", "/") + ".py",
                emit.render(
                    "attribute_table.py.jinja2",
                    edition=edition,
                    publications=publications,
                    table=table,
                    constant=constant,
                    literal=literal,
                    classes=_classes_used(table, bool(predicates.definitions or predicates.shared)),
                    predicates=predicates,
                ),
            )
        )
    index_iods: list[tuple[str, str, str, str]] = []
    for table_id, iod in compiled.iods.items():
        module = f"iods.{iod_names[table_id]}"
        constant = f"{iod_names[table_id].upper()}_IOD"
        index_iods.append((table_id, module, constant, iod.name))
        predicates = Predicates()
        literal = specification_literal(iod, compiled.requirements, predicates)
        files.append(
            emit.GeneratedFile(
                module.replace(".", "/") + ".py",
                emit.render(
                    "iod.py.jinja2",
                    edition=edition,
                    publications=publications,
                    iod=iod,
                    constant=constant,
                    literal=literal,
                    classes=_classes_used(iod, bool(predicates.definitions or predicates.shared)),
                    predicates=predicates,
                    uid_names=uid_names,
                ),
            )
        )
    for folder in sorted({*_KIND_FOLDER.values(), "iods"}):
        files.append(
            emit.GeneratedFile(
                f"{folder}/__init__.py",
                emit.render("package.py.jinja2", edition=edition, publications=publications, folder=folder),
            )
        )
    files.append(
        emit.GeneratedFile(
            "iod_index.py",
            emit.render(
                "iod_index.py.jinja2",
                edition=edition,
                publications=publications,
                tables=index_tables,
                iods=index_iods,
                sop_classes=sorted(compiled.sop_classes.items()),
                uid_names=uid_names,
            ),
        )
    )
    return files


def _check_references(compiled: CompiledIODs) -> None:
    def walk(entries: tuple[spec.Entry, ...], where: str) -> None:
        for entry in entries:
            if isinstance(entry, spec.Include):
                if entry.table_id not in compiled.tables:
                    raise BuildError(f"{where} row {entry.row} includes {entry.label} ({entry.table_id}), which PS3.3 does not hold")
                walk(entry.items, where)
            elif isinstance(entry, spec.Attribute):
                walk(entry.items, where)

    for table in compiled.tables.values():
        walk(table.entries, table.source)
    for iod in compiled.iods.values():
        usages: list[spec.ModuleUsage | spec.FunctionalGroupUsage] = [
            *iod.modules,
            *iod.functional_groups,
        ]
        for usage in usages:
            if usage.table_id and usage.table_id not in compiled.tables:
                raise BuildError(f"{iod.source} refers to {usage.table_id}, which PS3.3 does not hold")


def _classes_used(value: Any, with_requirements: bool = False) -> list[str]:
    """The names of the :mod:`dicomstd.specification` classes ``value`` is built of."""
    found: set[str] = {"Requirement"} if with_requirements else set()

    def visit(item: Any) -> None:
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            found.add(type(item).__name__)
            for child in dataclasses.fields(item):
                visit(getattr(item, child.name))
        elif isinstance(item, tuple):
            for child in item:
                visit(child)

    visit(value)
    return sorted(found)
