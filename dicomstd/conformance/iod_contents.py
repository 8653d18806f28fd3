"""The IOD contents of created SOP Instances (PS3.2 Annex N Section N.9, the statement's Annex
A.A): for each Module of the IOD that the product creates, its Attributes with Source and
Presence, from the compiled IOD definitions (:mod:`dicomstd.iods`) and, where sample files
are given, from what the samples hold.

Terms are those of PS3.2 Section N.9 (2024c):

- Presence of Attribute / of Value: ``ALWAYS``, ``CONDITIONAL``, ``EMPTY`` (the Attribute is
  present without a Value), ``SRC_COPY`` (declared only). Where samples show a Module or
  Attribute that PS3.3 requires to be absent from every sample, its presence is ``ABSENT``:
  not a term of the template (which lists supported things only), shown so that a reader sees
  what the samples lack, together with what the validator found.
- Source: ``FIXED``, ``GENERATED``, ``CONFIGURATION``, ``MWL``, ``QUERY``, ``USER``,
  ``SCANNED``, ``EMPTY``, ``SRC_INSTANCE``, as declared; where the declaration says nothing,
  a default from the Attribute's Type: ``GENERATED`` for Types 1, 1C and 3, ``GENERATED;
  EMPTY`` for Types 2 and 2C (which may be sent empty, PS3.5 Section 7.4.3), marked as not
  declared.

Without samples, presence follows the Type (PS3.5 Section 7.4): Type 1 is ALWAYS with a
Value, Type 2 ALWAYS with a Value or EMPTY (CONDITIONAL), Types 1C and 2C are CONDITIONAL on
their PS3.3 condition. With samples, presence is counted over the samples (and, inside a
Sequence, over the Items where the Sequence is present): in all of them ALWAYS, in some
CONDITIONAL, in none ABSENT. A Module counts as present in a sample when one of its top-level
Attributes is, not counting, for Usage C or U Modules, Attributes that a Mandatory Module of the
IOD also holds: the rule of the validator (:mod:`dicomstd.validate.engine`), so that the two
views agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from dicomstd.conformance.declaration import AttributeDeclaration, CreatedSOPClass
from dicomstd.specification import Attribute, IODSpecification, ModuleUsage

__all__ = [
    "AttributeRow",
    "IODContents",
    "ModuleContents",
    "SampleSummary",
    "iod_contents",
]


@dataclass(slots=True)
class AttributeRow:
    """One Attribute row of a Module table (PS3.2 Table N.9-1 and following).

    Attributes:
        depth: Sequence nesting (0 top level; printed as that many ``>``).
        name: the Attribute Name as PS3.3 prints it.
        keyword: its Keyword.
        tag: ``(gggg,eeee)``.
        type: its Type in PS3.3 (``1``, ``2C``...).
        source: the Source terms, ``;``-separated.
        source_declared: the declaration gave the Source (else it is the default).
        presence: Presence of Attribute (see the module docstring).
        value_presence: Presence of Value.
        value: a Value the declaration gives, or the Values the samples hold where PS3.3
            lists its Enumerated Values or Defined Terms (coded, never patient data).
        condition: the product's condition (declared), else PS3.3's for Types 1C/2C.
        comment: the declaration's comment.
        findings: the validator's findings on this Attribute in the samples, as
            ``rule: message``.
        counts: (samples or Items holding it, with a Value, occasions), ``None`` without
            samples.
    """

    depth: int
    name: str
    keyword: str
    tag: str
    type: str
    source: str
    source_declared: bool
    presence: str
    value_presence: str
    value: str = ""
    condition: str = ""
    comment: str = ""
    findings: list[str] = field(default_factory=list)
    counts: tuple[int, int, int] | None = None


@dataclass(slots=True)
class ModuleContents:
    """A Module of a created IOD: ``information_entity``, ``name``, ``table_id``,
    ``usage`` (M/C/U), ``reference`` (``PS3.3 Table C.7-1``), ``presence``, ``condition``,
    ``rows``, ``findings`` (Module-level validator findings)."""

    information_entity: str
    name: str
    table_id: str
    usage: str
    reference: str
    presence: str
    condition: str
    rows: list[AttributeRow]
    findings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SampleSummary:
    """A sample file and what the validator found: ``path``, ``sop_class_uid``, ``errors``
    and ``warnings`` (``rule: path: message``), ``matched`` (its SOP Class is the created
    one)."""

    path: str
    sop_class_uid: str
    errors: list[str]
    warnings: list[str]
    matched: bool = True


@dataclass(slots=True)
class IODContents:
    """The Annex A.A section of one created SOP Class: ``sop_class_name``, ``sop_class_uid``,
    ``kind``, ``iod_name``, ``iod_reference``, ``modules``, ``samples`` (empty: derived from
    the IOD definition alone), ``description``."""

    sop_class_name: str
    sop_class_uid: str
    kind: str
    iod_name: str
    iod_reference: str
    modules: list[ModuleContents]
    samples: list[SampleSummary]
    description: str = ""

    @property
    def from_samples(self) -> bool:
        """The presence columns were counted from samples."""
        return bool(self.samples)


def _tag_text(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


def _label(table_id: str) -> str:
    return "Table " + table_id.removeprefix("table_").removeprefix("PS3.3_")


def _has(dataset: Any, attribute: Attribute) -> Any:
    """The element of ``attribute`` in ``dataset`` (a repeating group matches any of its
    groups), ``None`` where absent."""
    if attribute.tag_mask == 0xFFFFFFFF:
        return dataset.get(attribute.tag) if attribute.tag in dataset else None
    for tag in dataset.keys():
        if int(tag) & attribute.tag_mask == attribute.tag:
            return dataset[tag]
    return None


def _empty(element: Any) -> bool:
    value = element.value
    if value is None:
        return True
    if isinstance(value, bytes):
        return len(value.strip(b"\x00 ")) == 0
    if isinstance(value, str):
        return len(value.strip("\x00 ")) == 0
    try:
        return len(value) == 0
    except TypeError:
        return False


def _items(datasets: Iterable[Any], path: Sequence[Attribute]) -> list[Any]:
    """Every Item reached from ``datasets`` through the Sequences of ``path``."""
    current = list(datasets)
    for sequence in path:
        found = []
        for dataset in current:
            element = _has(dataset, sequence)
            if element is not None and element.VR == "SQ" and element.value:
                found.extend(element.value)
        current = found
    return current


def _short_values(elements: Iterable[Any]) -> str:
    values: list[str] = []
    for element in elements:
        value = element.value
        parts = (
            list(value)
            if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue"
            else [value]
        )
        text = "\\".join(str(part) for part in parts)
        if text and text not in values:
            values.append(text)
    shown = "; ".join(values[:4])
    return shown + ("; ..." if len(values) > 4 else "")


def _presence(count: int, total: int) -> str:
    if total == 0 or count == 0:
        return "ABSENT"
    return "ALWAYS" if count == total else "CONDITIONAL"


def _value_presence(present: int, valued: int) -> str:
    if present == 0:
        return ""
    if valued == present:
        return "ALWAYS"
    return "EMPTY" if valued == 0 else "CONDITIONAL"


def _default_source(attribute_type: str) -> str:
    return "GENERATED; EMPTY" if attribute_type in ("2", "2C") else "GENERATED"


def _strip_indices(path: str) -> str:
    import re

    return re.sub(r"\[\d+\]", "", path)


def iod_contents(created: CreatedSOPClass, samples: Sequence[Path] = ()) -> IODContents:
    """The IOD contents of ``created`` (PS3.2 N.9), counted from ``samples`` where given
    (each validated with :func:`dicomstd.validate`; only samples of the created SOP Class
    count, the others are listed as not matched).

    Raises:
        KeyError: the SOP Class has no IOD in PS3.4 (the declaration's check prevents it).
    """
    import pydicom

    from dicomstd.iods import iod_for_sop_class
    from dicomstd.validate import validate

    iod = iod_for_sop_class(created.sop_class.uid)
    datasets: list[Any] = []
    summaries: list[SampleSummary] = []
    findings_by_place: dict[str, list[tuple[str, str]]] = {}
    module_findings: dict[str, list[str]] = {}
    for sample in samples:
        report = validate(str(sample)).files
        for file_report in report:
            matched = file_report.sop_class_uid == created.sop_class.uid
            errors = [
                f"{f.rule}: {f.path or '-'}: {f.message}"
                for f in file_report.findings
                if f.severity.value == "error"
            ]
            warnings = [
                f"{f.rule}: {f.path or '-'}: {f.message}"
                for f in file_report.findings
                if f.severity.value == "warning"
            ]
            summaries.append(
                SampleSummary(
                    file_report.source, file_report.sop_class_uid, errors, warnings, matched
                )
            )
            if not matched:
                continue
            try:
                datasets.append(pydicom.dcmread(file_report.source, force=True))
            except Exception:  # noqa: BLE001 - the validator has reported it unreadable
                continue
            for finding in file_report.findings:
                if finding.severity.value not in ("error", "warning"):
                    continue
                text = f"{finding.rule}: {finding.message}"
                if finding.path:
                    entry = (finding.module, text)
                    place = _strip_indices(finding.path)
                    if entry not in findings_by_place.setdefault(place, []):
                        findings_by_place[place].append(entry)
                elif finding.module:
                    module_findings.setdefault(finding.module, []).append(text)
    use_samples = bool(datasets)
    modules = _modules(
        iod, created, datasets if use_samples else None, findings_by_place, module_findings
    )
    return IODContents(
        created.sop_class.name,
        created.sop_class.uid,
        created.kind,
        iod.name,
        f"PS3.3 {_label(iod.table_id)}",
        modules,
        summaries,
        created.description,
    )


def _top_level(table_id: str) -> list[Attribute]:
    from dicomstd.iods import attribute_table, expand

    return [attribute for path, attribute in expand(attribute_table(table_id)) if not path]


def _module_present(dataset: Any, attributes: list[Attribute], excluded: frozenset[int]) -> bool:
    return any(
        attribute.tag not in excluded and _has(dataset, attribute) is not None
        for attribute in attributes
    )


def _modules(
    iod: IODSpecification,
    created: CreatedSOPClass,
    datasets: list[Any] | None,
    findings_by_place: dict[str, list[tuple[str, str]]],
    module_findings: dict[str, list[str]],
) -> list[ModuleContents]:
    # Each Module's top-level Attributes, once (a Module table not compiled is left out:
    # nothing to list).
    tops: dict[str, list[Attribute]] = {}
    for usage in iod.modules:
        try:
            tops[usage.table_id] = _top_level(usage.table_id)
        except KeyError:
            continue
    mandatory_tags = {
        a.tag for usage in iod.modules if usage.usage == "M" for a in tops.get(usage.table_id, [])
    }
    module_names = frozenset(usage.module for usage in iod.modules)
    top_keywords = {a.keyword for top in tops.values() for a in top}
    found: list[ModuleContents] = []
    for usage in iod.modules:
        top = tops.get(usage.table_id)
        if top is None:
            continue
        declared = usage.table_id in created.modules
        reported = module_findings.get(usage.module, [])
        if datasets is not None:
            excluded = frozenset() if usage.usage == "M" else frozenset(mandatory_tags)
            count = sum(1 for dataset in datasets if _module_present(dataset, top, excluded))
            presence = _presence(count, len(datasets))
            if presence == "ABSENT" and usage.usage != "M" and not declared and not reported:
                continue  # not created: the template lists supported Modules only
        else:
            if usage.usage != "M" and not declared:
                continue
            presence = "ALWAYS" if usage.usage == "M" else "CONDITIONAL"
        condition = usage.condition if usage.usage == "C" else ""
        rows = _rows(
            usage.table_id,
            usage,
            module_names,
            created.attributes,
            datasets,
            findings_by_place,
            presence,
            frozenset(top_keywords),
        )
        found.append(
            ModuleContents(
                usage.information_entity,
                usage.module,
                usage.table_id,
                usage.usage,
                f"PS3.3 {_label(usage.table_id)}",
                presence,
                condition,
                rows,
                list(reported),
            )
        )
    return found


def _rows(
    table_id: str,
    usage: ModuleUsage,
    module_names: frozenset[str],
    declared: dict[str, AttributeDeclaration],
    datasets: list[Any] | None,
    findings_by_place: dict[str, list[tuple[str, str]]],
    module_presence: str,
    top_keywords: frozenset[str],
) -> list[AttributeRow]:
    """The rows of one Module. A finding belongs to the row of its Module; the validator
    reports an Attribute once, under the first Module or Macro that reached it, so a finding
    naming a Macro (not a Module of the IOD) belongs to every row at its place."""
    from dicomstd.iods import attribute_table, expand

    rows: list[AttributeRow] = []
    shown: set[tuple[int, ...]] = set()  # the Sequences listed (as tag paths): their Items may be
    for path, attribute in expand(attribute_table(table_id)):
        tag_path = tuple(a.tag for a in path)
        if path and tag_path not in shown:
            continue  # inside a Sequence not listed
        place = ".".join(a.keyword for a in (*path, attribute))
        findings = [
            text
            for module, text in findings_by_place.get(place, [])
            if module == usage.module or module not in module_names
        ]
        # A declared Keyword means the top-level Attribute; inside a Sequence only where the
        # IOD has no top-level Attribute of that Keyword (Patient ID is also an Item of Other
        # Patient IDs Sequence, whose source is not the one declared for Patient ID).
        declaration = (
            declared.get(attribute.keyword)
            if not path or attribute.keyword not in top_keywords
            else None
        )
        if datasets is not None:
            occasions = _items(datasets, path)
            present_elements = [
                e for e in (_has(item, attribute) for item in occasions) if e is not None
            ]
            present = len(present_elements)
            valued = sum(1 for e in present_elements if not _empty(e))
            required = attribute.type in ("1", "2") and (not path or bool(occasions))
            if not (present or required or findings or declaration):
                continue
            if (
                module_presence == "ABSENT"
                and not findings
                and not declaration
                and attribute.type not in ("1", "2")
            ):
                continue
            presence = _presence(present, len(occasions))
            value_presence = _value_presence(present, valued)
            counts: tuple[int, int, int] | None = (present, valued, len(occasions))
            value = (
                _short_values(present_elements)
                if attribute.value_sets or attribute.fixed_values
                else ""
            )
        else:
            if not (attribute.type in ("1", "2", "1C", "2C") or declaration):
                continue
            if path and not (attribute.type in ("1", "2") or declaration):
                continue
            presence, value_presence = {
                "1": ("ALWAYS", "ALWAYS"),
                "2": ("ALWAYS", "CONDITIONAL"),
                "1C": ("CONDITIONAL", "ALWAYS"),
                "2C": ("CONDITIONAL", "CONDITIONAL"),
            }.get(attribute.type, ("CONDITIONAL", "CONDITIONAL"))
            counts = None
            value = ""
        if declaration is not None and declaration.presence:
            presence = declaration.presence if datasets is None else presence
        condition = ""
        if declaration is not None and declaration.condition:
            condition = declaration.condition
        elif attribute.type in ("1C", "2C") and attribute.requirement is not None:
            condition = attribute.requirement.text
        elif attribute.type == "2" and datasets is None:
            condition = "may be empty (Type 2)"
        if declaration is not None and declaration.source:
            source, source_declared = "; ".join(declaration.source), True
        else:
            source, source_declared = _default_source(attribute.type), False
        if declaration is not None and declaration.value:
            value = declaration.value
        rows.append(
            AttributeRow(
                depth=len(path),
                name=attribute.name,
                keyword=attribute.keyword,
                tag=(
                    _tag_text(attribute.tag)
                    if attribute.tag_mask == 0xFFFFFFFF
                    else _repeating(attribute)
                ),
                type=attribute.type,
                source=source,
                source_declared=source_declared,
                presence=presence,
                value_presence=value_presence,
                value=value,
                condition=condition,
                comment=declaration.comment if declaration is not None else "",
                findings=list(findings),
                counts=counts,
            )
        )
        if attribute.items:
            shown.add((*tag_path, attribute.tag))
    return rows


def _repeating(attribute: Attribute) -> str:
    group, element = attribute.tag >> 16, attribute.tag & 0xFFFF
    return f"({group >> 8:02X}xx,{element:04X})"
