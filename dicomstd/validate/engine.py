"""The validation engine: a pydicom Data Set against its IOD (PS3.3), as compiled into
:mod:`dicomstd.generated`; no text of the standard is read at run time.

For one Data Set (:func:`validate_dataset`) or file (:func:`validate_file`):

1. the IOD from the SOP Class UID (PS3.4; or given), unknown and retired SOP Classes;
2. Module Usage (PS3.3 Section A.1.3): M present, C by its compiled condition, U allowed;
   a Module is *present* when any of its top-level Attributes is;
3. Attributes by Type (PS3.5 Section 7.4) with their conditions, value sets, VR and VM
   (PS3.6), value formats (PS3.5 Section 6.2), Sequence Item counts, recursing into every
   Item with a path (``ReferencedSeriesSequence[0].SeriesInstanceUID``);
4. Functional Groups (PS3.3 Section C.7.6.16): each Functional Group in the Shared Item or
   in every frame's Per-Frame Item (not both), placement, conditions per frame;
5. Attributes the IOD does not define, retired ones, private ones without a creator;
6. File Meta Information (PS3.10): :mod:`dicomstd.validate.file_meta`.

Never raises on the content of its input: a file that cannot be read, or content that
cannot be parsed, is a finding (``unreadable``, ``validation-aborted``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from dicomstd.conditions.ast import Truth
from dicomstd.conditions.runtime import EvaluationContext, has_tag
from dicomstd.generated import __dicom_edition__
from dicomstd.specification import Attribute, IODSpecification, ModuleUsage, Requirement
from dicomstd.validate import values as vr_checks
from dicomstd.validate.file_meta import check_file_meta
from dicomstd.validate.instances import InstanceIndex
from dicomstd.validate.reading import (
    DEFER_SIZE,
    EndsEarly,
    quiet_pydicom,
    read_file,
    value_cut_short,
)
from dicomstd.validate.findings import (
    RULES,
    FileReport,
    Finding,
    Reference,
    Severity,
    reference_for_table,
    standard_reference,
)
from dicomstd.validate.spec_tree import (
    Guard,
    Level,
    Spec,
    directory_record_level,
    table_level,
)

__all__ = ["iter_dicom_files", "validate_dataset", "validate_file"]

_SHARED = 0x52009229
_PER_FRAME = 0x52009230
_SOP_CLASS_UID = 0x00080016
_SOP_INSTANCE_UID = 0x00080018
_NUMBER_OF_FRAMES = 0x00280008
_SPECIFIC_CHARACTER_SET = 0x00080005
_DIRECTORY_RECORD_SEQUENCE = 0x00041220
_DIRECTORY_RECORD_TYPE = 0x00041430
# Fixed values the compiled tables hold that PS3.3 states only for a case: Offset of
# Referenced Lower-Level Directory Entity is 00000000H only where there is no lower level
# (PS3.3 Table F.3-3); not checked.
_FIXED_VALUE_EXCEPTIONS = frozenset({0x00041420})
# The edition every compiled table comes from (their ``source`` says ``PS3.3 2024c ...``).
_DEFAULT_EDITION = __dicom_edition__

# Elements never reported as undefined at the top level of a composite instance: the
# Specific Character Set and the Data Set Trailing Padding have no Module of their own
# in every IOD, and group lengths are retired encoding artefacts (reported as retired).
_ALWAYS_ALLOWED = frozenset({_SPECIFIC_CHARACTER_SET, 0xFFFCFFFC})


def _tag_text(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


@lru_cache(maxsize=8192)
def _definition(tag: int) -> tuple[str, tuple[str, ...], str, bool] | None:
    """(keyword, VRs, VM, retired) from PS3.6, ``None`` for an unknown or private tag."""
    from dicomstd.dictionary import lookup_tag

    try:
        entry = lookup_tag(tag)
    except (KeyError, ValueError):
        return None
    return entry.keyword, entry.value_representations, entry.value_multiplicity, entry.retired


def _keyword(tag: int) -> str:
    found = _definition(tag)
    return found[0] if found is not None and found[0] else _tag_text(tag)


def _edition(source: str) -> str:
    # "PS3.3 2024c Table C.7-1" -> "2024c"
    parts = source.split()
    return parts[1] if len(parts) > 1 else _DEFAULT_EDITION


@lru_cache(maxsize=None)
def _spec_reference(table_id: str, section_id: str, source: str) -> Reference:
    return reference_for_table(table_id, section_id, _edition(source))


def _ref(spec: Spec) -> Reference:
    table = spec.table
    return _spec_reference(table.table_id, table.section_id, table.source)


@lru_cache(maxsize=None)
def _std_ref(name: str) -> Reference:
    return standard_reference(name, _DEFAULT_EDITION)


def _unknown_in_group(spec: Spec, offset: int) -> Spec:
    """``spec`` of a Module made only of repeating-group Attributes, for a group that holds
    none of them: guarded by a condition that is UNKNOWN (whether the Module describes this
    group is not known), so that what it requires there is not verifiable."""
    group = (spec.attribute.tag + offset) >> 16
    text = (
        f"the {spec.module} Module describes the groups that use it; group {group:04X} "
        "holds none of its Attributes"
    )
    return replace(spec, guards=(*spec.guards, Guard(text, _not_known)))


def _not_known(context: EvaluationContext) -> Truth:
    return Truth.UNKNOWN


def _has_tag(dataset: Any, tag: int) -> bool:
    try:
        return has_tag(dataset, tag)
    except Exception:  # noqa: BLE001
        return False


class _Aborted(Exception):
    """Content that cannot be parsed further (a corrupt Sequence): validation of the
    current Data Set stops; the findings so far stand."""


@dataclass(slots=True)
class _Verdict:
    """What one Spec says of its Attribute here: ``kind`` is ``required`` (with
    ``level`` 1 or 2), ``optional``, ``forbidden`` or ``unknown``."""

    kind: str
    level: int = 0
    conditional: bool = False
    text: str = ""


class _Validator:
    """Validates one Data Set; collects findings without duplicates."""

    def __init__(
        self,
        report: FileReport,
        top: Any,
        explicit_vr: bool,
        instances: Callable[[str], Any] | None = None,
    ) -> None:
        self.report = report
        self.top = top
        self.explicit_vr = explicit_vr
        self.instances = instances
        self.modules: frozenset[str] = frozenset()
        self.sop_class_uid: str | None = None
        self.file_size: int | None = None
        self._seen: set[tuple[str, str, str]] = set()
        self._last_context: EvaluationContext | None = None

    # --- findings -------------------------------------------------------------------

    def emit(
        self,
        rule: str,
        path: str,
        tag: int | None,
        module: str,
        message: str,
        reference: Reference | None = None,
        condition: str = "",
        severity: Severity | None = None,
    ) -> None:
        tag_text = "" if tag is None else _tag_text(tag)
        # One finding per rule and Attribute place, whichever Module or Macro reached it;
        # findings about a whole Module (no tag) are told apart by the Module.
        key = (rule, path, tag_text or module)
        if key in self._seen:
            return  # the same Attribute reached through two Modules or Macros
        self._seen.add(key)
        self.report.findings.append(
            Finding(
                severity or RULES[rule].severity,
                rule,
                path,
                tag_text,
                module,
                message,
                reference,
                condition,
            )
        )

    # --- elements -------------------------------------------------------------------

    def element(self, dataset: Any, tag: int, path: str) -> Any:
        """The converted element, or ``None`` where pydicom cannot convert it (a finding)."""
        try:
            return dataset[tag]
        except Exception as error:  # noqa: BLE001 - corrupt content is a finding
            self.emit(
                "unreadable",
                path,
                tag,
                "",
                f"{_keyword(tag)} cannot be decoded: {type(error).__name__}: {error}"[:300],
            )
            return None

    def context(
        self,
        dataset: Any,
        parents: tuple[Any, ...],
        frame_groups: tuple[Any, ...] | None,
        item_index: int | None,
    ) -> EvaluationContext:
        context = EvaluationContext(
            dataset=dataset,
            parents=parents,
            top=self.top,
            frame_groups=frame_groups,
            modules=self.modules,
            item_index=item_index,
            sop_class_uid=self.sop_class_uid,
            instances=self.instances,
        )
        # The Items a frame's conditions search are collected once per frame, not once per
        # Functional Group Item visited in it.
        last = self._last_context
        if last is not None and last.frame_groups is frame_groups:
            context.share_functional_group_items(last)
        self._last_context = context
        return context

    # --- requirements ---------------------------------------------------------------

    @staticmethod
    def _call(predicate: Any, context: EvaluationContext) -> Truth:
        try:
            result = predicate(context)
        except Exception:  # noqa: BLE001 - predicates never raise; be safe regardless
            return Truth.UNKNOWN
        return result if isinstance(result, Truth) else Truth.UNKNOWN

    def verdict(self, spec: Spec, context: EvaluationContext) -> _Verdict:
        """What ``spec`` says here, its conditional includes (guards) applied: where a
        guard is FALSE the row does not apply (optional); where UNKNOWN, a requirement
        becomes not verifiable."""
        found = self.attribute_verdict(spec.attribute, context)
        if not spec.guards or found.kind == "optional":
            return found
        guard = Truth.TRUE
        for one in spec.guards:
            guard = guard & self._call(one.test, context)
        if guard is Truth.TRUE:
            return found
        if guard is Truth.FALSE:
            return _Verdict("optional")
        if found.kind == "required":
            return _Verdict("unknown", found.level, True, spec.guards[-1].text)
        return found

    def attribute_verdict(self, attribute: Attribute, context: EvaluationContext) -> _Verdict:
        kind = attribute.type
        if kind in ("1", "2"):
            return _Verdict("required", int(kind))
        if kind not in ("1C", "2C"):
            return _Verdict("optional")
        level = 1 if kind == "1C" else 2
        requirement = attribute.requirement
        if requirement is None:
            return _Verdict("unknown", level, True, "(condition not compiled)")
        return self.requirement_verdict(requirement, context, level)

    def requirement_verdict(
        self, requirement: Requirement, context: EvaluationContext, level: int
    ) -> _Verdict:
        """PS3.5 Sections 7.4.2/7.4.4 (Types 1C/2C) and PS3.3 Section A.1.3.2 (Usage C):
        required when the condition holds; otherwise present only where "may be present
        otherwise" permits it; "shall not be present if" forbids."""
        text = requirement.text
        if requirement.forbidden is not None:
            if self._call(requirement.forbidden, context) is Truth.TRUE:
                return _Verdict("forbidden", level, True, text)
        required = self._call(requirement.required, context)
        if required is Truth.TRUE:
            return _Verdict("required", level, True, text)
        if required is Truth.UNKNOWN:
            return _Verdict("unknown", level, True, text)
        otherwise = self._call(requirement.otherwise, context)
        if otherwise is Truth.FALSE:
            return _Verdict("forbidden", level, True, text)
        return _Verdict("optional", level, True, text)

    # --- a Data Set at one Level ----------------------------------------------------

    def check_level(
        self,
        dataset: Any,
        levels: Sequence[Level],
        path: str,
        parents: tuple[Any, ...],
        item_index: int | None,
        frame_groups: tuple[Any, ...] | None,
        enforce: bool = True,
        open_level: bool = False,
        skip: frozenset[int] = frozenset(),
    ) -> None:
        """Check ``dataset`` against the union of ``levels``.

        ``enforce``: apply Types (False for a Functional Group Item, whose Sequences'
        presence the Functional Group rules decide); ``open_level``: no
        undefined-attribute findings; ``skip``: tags whose values and Items are checked
        elsewhere (the Functional Groups Sequences).
        """
        exact: dict[int, list[Spec]] = {}
        masked: list[Spec] = []
        is_open = open_level or not levels
        pending = list(levels)
        seen_levels: set[int] = set()
        while pending:
            level = pending.pop()
            if id(level) in seen_levels:
                continue
            seen_levels.add(id(level))
            for tag, specs in level.exact.items():
                exact.setdefault(tag, []).extend(specs)
            masked.extend(level.masked)
            is_open = is_open or level.open
            for link in level.links:
                try:
                    pending.append(table_level(link))
                except KeyError:
                    is_open = True
        context = self.context(dataset, parents, frame_groups, item_index)
        prefix = f"{path}." if path else ""

        try:
            present = [int(tag) for tag in dataset.keys()]
        except Exception as error:  # noqa: BLE001
            raise _Aborted(f"the Data Set at {path or 'top level'} cannot be read: {error}")

        # Repeating groups (Overlay 60xx, Curve 50xx): a group in use is checked as a whole.
        # A Module made only of repeating-group Attributes (Overlay Plane, Multi-frame
        # Overlay, Overlay Activation) describes each group that uses it (an image may have a
        # single-frame overlay in 6000 and a multi-frame one in 6002, PS3.3 C.9.3): in a
        # group holding none of its Attributes, whether it applies is not known, and what it
        # requires there is not verifiable.
        masked_tags: dict[int, list[Spec]] = {}
        if masked:
            present_set = set(present)
            offsets: set[int] = set()
            for tag in present:
                for spec in masked:
                    if tag & spec.attribute.tag_mask == spec.attribute.tag:
                        offsets.add(tag - spec.attribute.tag)
            modules_beyond_groups = {spec.module for specs in exact.values() for spec in specs}
            for offset in offsets:
                used = {
                    spec.module for spec in masked if spec.attribute.tag + offset in present_set
                }
                for spec in masked:
                    if spec.module not in modules_beyond_groups and spec.module not in used:
                        spec = _unknown_in_group(spec, offset)
                    masked_tags.setdefault(spec.attribute.tag + offset, []).append(spec)

        for tag, specs in [*exact.items(), *masked_tags.items()]:
            here = _has_tag(dataset, tag)
            if enforce:
                self.check_presence(dataset, tag, specs, prefix, context, here)
            if here and tag not in skip:
                element = self.element(dataset, tag, f"{prefix}{_keyword(tag)}")
                if element is not None:
                    self.check_defined_values(element, specs, prefix, context)
                    if element.VR == "SQ":
                        self.check_sequence(dataset, element, specs, prefix, parents, frame_groups)

        for tag in present:
            self.check_element(dataset, tag, prefix)
            if is_open or tag in exact or tag in masked_tags or tag in skip:
                continue
            if tag >> 16 & 1 or tag & 0xFFFF == 0 or tag >> 16 == 0x0002:
                continue  # private, group length (retired), File Meta: checked elsewhere
            if tag in _ALWAYS_ALLOWED:
                continue
            definition = _definition(tag)
            self.emit(
                "undefined-attribute",
                f"{prefix}{_keyword(tag)}",
                tag,
                "",
                f"{_keyword(tag)} {_tag_text(tag)} is not defined "
                + ("by the IOD" if not path else "in this Sequence Item")
                + ("" if definition is not None else " (nor in PS3.6)"),
            )

    def check_presence(
        self,
        dataset: Any,
        tag: int,
        specs: list[Spec],
        prefix: str,
        context: EvaluationContext,
        here: bool,
    ) -> None:
        verdicts = [(spec, self.verdict(spec, context)) for spec in specs]
        where = f"{prefix}{_keyword(tag)}"
        name = f"{_keyword(tag)} {_tag_text(tag)}"
        required = [pair for pair in verdicts if pair[1].kind == "required"]
        if required:
            spec, verdict = min(required, key=lambda pair: pair[1].level)
            if not here:
                rule = f"type{verdict.level}{'c' if verdict.conditional else ''}-missing"
                why = " (its condition holds)" if verdict.conditional else ""
                self.emit(
                    rule,
                    where,
                    tag,
                    spec.module,
                    f"{name} is absent; Type {spec.attribute.type}{why}",
                    _ref(spec),
                    verdict.text,
                )
            elif verdict.level == 1 and self.is_empty(dataset, tag):
                self.emit(
                    "type1-empty",
                    where,
                    tag,
                    spec.module,
                    f"{name} is empty; Type {spec.attribute.type} requires a Value",
                    _ref(spec),
                    verdict.text,
                )
            return
        if here:
            if all(verdict.kind == "forbidden" for _, verdict in verdicts):
                spec, verdict = verdicts[0]
                self.emit(
                    "condition-forbids",
                    where,
                    tag,
                    spec.module,
                    f"{name} is present; its condition says it shall not be",
                    _ref(spec),
                    verdict.text,
                )
            return
        unknown = [pair for pair in verdicts if pair[1].kind == "unknown"]
        if unknown:
            spec, verdict = unknown[0]
            self.emit(
                "not-verifiable",
                where,
                tag,
                spec.module,
                f"{name} (Type {spec.attribute.type}) is absent; whether it is required "
                "cannot be decided from the data",
                _ref(spec),
                verdict.text,
            )

    def is_empty(self, dataset: Any, tag: int) -> bool:
        """The element has no Value: zero length, or only padding (a string of spaces or
        NULs), or a Sequence without Items."""
        try:
            element = dataset.get_item(tag, keep_deferred=True)
            if element is None:
                return True
            value = element.value
            if value is None:
                length = getattr(element, "length", None)
                return length == 0 or length is None
            if isinstance(value, bytes):
                vr = element.VR
                if vr is None:  # a raw element of an implicit VR Data Set: PS3.6's VR
                    definition = _definition(tag)
                    vr = " or ".join(definition[1]) if definition is not None else "UN"
                binary = any(one in _BINARY_VRS for one in str(vr).split(" or "))
                return not value if binary else not value.strip(b" \x00")
            if isinstance(value, str):
                return not value.strip(" \x00")
            try:
                return len(value) == 0
            except TypeError:
                return False
        except Exception:  # noqa: BLE001
            return False

    # --- values ---------------------------------------------------------------------

    def check_defined_values(
        self, element: Any, specs: list[Spec], prefix: str, context: EvaluationContext
    ) -> None:
        """Enumerated Values (error), Defined Terms (warning), fixed values, per Value
        number where the standard says; a Value accepted by any place's set is accepted."""
        sets: dict[tuple[str, int | None], set[str]] = {}
        fixed: set[str] = set()
        owner: dict[tuple[str, int | None], Spec] = {}
        vr = element.VR
        numeric = vr in ("US", "SS", "UL", "SL", "UV", "SV", "FL", "FD", "IS", "DS", "AT")
        tag = int(element.tag)
        for spec in specs:
            for kind, number, values in _numbered_sets(spec.attribute, tag, numeric):
                sets.setdefault((kind, number), set()).update(values)
                owner.setdefault((kind, number), spec)
            if tag not in _FIXED_VALUE_EXCEPTIONS:
                fixed.update(spec.attribute.fixed_values)
        if not sets and not fixed:
            return
        if vr in ("SQ", "OB", "OW", "OF", "OD", "OL", "OV", "UN", "UT", "LT", "ST"):
            return
        actual = _element_values(element)
        if actual is None:
            return
        where = f"{prefix}{_keyword(tag)}"
        for (kind, number), allowed in sets.items():
            rule = "enumerated-value" if kind == "enumerated" else "defined-term"
            indices = range(len(actual)) if number is None else [number - 1]
            for index in indices:
                if index >= len(actual):
                    continue
                value = actual[index]
                if value == "" or _accepts(allowed, value, numeric):
                    continue
                spec = owner[(kind, number)]
                ordered = sorted(allowed)
                listed = ", ".join(ordered[:12]) + (", ..." if len(ordered) > 12 else "")
                what = "Enumerated Values" if kind == "enumerated" else "Defined Terms"
                self.emit(
                    rule,
                    where if number is None and len(actual) == 1 else f"{where}[value {index + 1}]",
                    tag,
                    spec.module,
                    f"{_keyword(tag)} Value {index + 1} {value!r} is not one of the {what} "
                    f"({listed})",
                    _ref(spec),
                )
        if fixed and actual and actual[0] != "" and not _accepts(fixed, actual[0], numeric):
            spec = next(s for s in specs if s.attribute.fixed_values)
            self.emit(
                "fixed-value",
                where,
                tag,
                spec.module,
                f"{_keyword(tag)} is {actual[0]!r}; the Module requires {', '.join(sorted(fixed))}",
                _ref(spec),
            )

    def check_element(self, dataset: Any, tag: int, prefix: str) -> None:
        """VR and VM against PS3.6, value formats and lengths (PS3.5 Section 6.2), retired
        and private elements; any element, defined by the IOD or not."""
        where = f"{prefix}{_keyword(tag)}"
        group, number = tag >> 16, tag & 0xFFFF
        if group & 1:
            if 0x0010 <= number <= 0x00FF or number == 0:
                return  # a Private Creator or a group length
            if number >= 0x1000 and not _has_tag(dataset, group << 16 | number >> 8):
                self.emit(
                    "private-without-creator",
                    where,
                    tag,
                    "",
                    f"private element {_tag_text(tag)} has no Private Creator "
                    f"{_tag_text(group << 16 | number >> 8)}",
                    _std_ref("private"),
                )
            return
        try:
            raw = dataset.get_item(tag, keep_deferred=True)
        except Exception:  # noqa: BLE001
            return
        if raw is None:
            return
        definition = _definition(tag)
        if definition is None:
            return
        keyword, allowed_vrs, vm, retired = definition
        if retired and number != 0:
            self.emit(
                "retired-attribute",
                where,
                tag,
                "",
                f"{keyword or _tag_text(tag)} {_tag_text(tag)} is retired (PS3.6)",
                _std_ref("dictionary"),
            )
        vr = raw.VR
        if vr is not None and " or " in vr:
            # pydicom's ambiguous VR ("OB or OW", "US or SS") of an element it could not
            # resolve (one built in memory): any of them is PS3.6's.
            vr = vr.split(" or ")[0]
            if vr not in allowed_vrs:
                return
        if vr is None:  # implicit VR: the dictionary's
            vr = allowed_vrs[0] if len(allowed_vrs) == 1 else None
        elif self.explicit_vr and allowed_vrs and vr not in allowed_vrs and vr != "SQ":
            if vr == "UN":
                self.emit(
                    "vr-mismatch",
                    where,
                    tag,
                    "",
                    f"{keyword} is encoded as UN; PS3.6 gives {' or '.join(allowed_vrs)}",
                    _std_ref("dictionary"),
                    severity=Severity.WARNING,
                )
                return
            self.emit(
                "vr-mismatch",
                where,
                tag,
                "",
                f"{keyword} has VR {vr}; PS3.6 gives {' or '.join(allowed_vrs)}",
                _std_ref("dictionary"),
            )
        if vr is None or vr in ("SQ", "UN"):
            return
        self.check_value(dataset, tag, raw, vr, vm, where, keyword)

    def check_truncation(self, dataset: Any) -> None:
        """Report the top-level elements whose value the file cuts short."""
        try:
            tags = [int(tag) for tag in dataset.keys()]
        except Exception:  # noqa: BLE001
            return
        for tag in tags:
            try:
                raw = dataset.get_item(tag, keep_deferred=True)
            except Exception:  # noqa: BLE001
                continue
            if raw is not None and type(raw).__name__ == "RawDataElement":
                self.truncated(raw, tag, _keyword(tag), _keyword(tag))

    def truncated(self, raw: Any, tag: int, where: str, keyword: str) -> bool:
        """Whether a raw element's value is cut short by the end of the file (a finding)."""
        cut = value_cut_short(raw, self.file_size)
        if cut is None:
            return False
        declared, held = cut
        self.emit(
            "unreadable",
            where,
            tag,
            "",
            f"{keyword} is truncated: its header declares {declared} bytes, the file holds {held}",
        )
        return True

    def check_value(
        self, dataset: Any, tag: int, raw: Any, vr: str, vm: str, where: str, keyword: str
    ) -> None:
        text: str | None = None
        count: int | None = None
        value = raw.value
        if type(raw).__name__ == "RawDataElement":
            if self.truncated(raw, tag, where, keyword):
                return
            if value is None:  # deferred (large) value: not loaded for these checks
                if vr not in vr_checks.ASCII_VRS and vr not in vr_checks.TEXT_VRS:
                    problems = vr_checks.check_binary_length(vr, int(raw.length))
                    for problem in problems:
                        self.emit(problem.rule, where, tag, "", f"{keyword}: {problem.message}")
                return
            if vr in vr_checks.ASCII_VRS:
                text = bytes(value).decode("latin-1")
            elif vr in vr_checks.TEXT_VRS:
                element = self.element(dataset, tag, where)
                if element is None:
                    return
                text = _as_text(element.value)
            else:
                for problem in vr_checks.check_binary_length(vr, len(value)):
                    self.emit(problem.rule, where, tag, "", f"{keyword}: {problem.message}")
                size = _BINARY_SIZES.get(vr)
                count = len(value) // size if size else (1 if value else 0)
        elif vr in vr_checks.ASCII_VRS or vr in vr_checks.TEXT_VRS:
            text = _as_text(value)
        else:
            if value is None or (isinstance(value, (bytes, bytearray, str)) and not value):
                count = 0
            elif isinstance(value, (bytes, bytearray)):
                size = _BINARY_SIZES.get(vr)
                count = len(value) // size if size and vr not in _OTHER_VRS else 1
            elif isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
                count = len(value)
            else:
                count = 1
        if text is not None:
            if not text.strip(" \x00"):
                return  # empty: Types decide
            for problem in vr_checks.check_text(vr, text):
                self.emit(
                    problem.rule, where, tag, "", f"{keyword}: {problem.message}", _std_ref("vr")
                )
            count = 1 if vr in vr_checks.SINGLE_VALUED_VRS else text.count("\\") + 1
        if count and vr not in _OTHER_VRS and not vr_checks.vm_allows(vm, count):
            self.emit(
                "vm-mismatch",
                where,
                tag,
                "",
                f"{keyword} has {count} Value{'s' if count != 1 else ''}; PS3.6 gives VM {vm}",
                _std_ref("dictionary"),
            )

    # --- Sequences ------------------------------------------------------------------

    def check_sequence(
        self,
        dataset: Any,
        element: Any,
        specs: list[Spec],
        prefix: str,
        parents: tuple[Any, ...],
        frame_groups: tuple[Any, ...] | None,
    ) -> None:
        tag = int(element.tag)
        keyword = _keyword(tag)
        try:
            items = list(element.value or ())
        except Exception as error:  # noqa: BLE001
            raise _Aborted(f"{prefix}{keyword} cannot be parsed: {error}") from None
        counts = [spec.attribute.item_count for spec in specs if spec.attribute.item_count]
        if counts and items:
            low = min(count.minimum for count in counts)
            highs = [count.maximum for count in counts]
            high = None if any(h is None for h in highs) else max(h for h in highs if h is not None)
            if len(items) < low or (high is not None and len(items) > high):
                spec = next(s for s in specs if s.attribute.item_count)
                allowed = (
                    f"{low}" if low == high else f"{low} to {high if high is not None else 'n'}"
                )
                self.emit(
                    "item-count",
                    f"{prefix}{keyword}",
                    tag,
                    spec.module,
                    f"{keyword} has {len(items)} Item{'s' if len(items) != 1 else ''}; "
                    f"the Module allows {allowed}",
                    _ref(spec),
                )
        item_levels = [spec.items for spec in specs if spec.items is not None]
        is_open = len(item_levels) < len(specs) or not item_levels
        for index, item in enumerate(items):
            if not hasattr(item, "keys"):
                continue
            levels = item_levels
            if tag == _DIRECTORY_RECORD_SEQUENCE:
                # A Directory Record's keys depend on its type (PS3.3 Section F.5).
                record = directory_record_level(_text_value(item, _DIRECTORY_RECORD_TYPE))
                levels = item_levels if record is None else [*item_levels, record]
            self.check_level(
                item,
                levels,
                f"{prefix}{keyword}[{index}]",
                (dataset, *parents),
                index,
                frame_groups,
                open_level=is_open or (levels is item_levels and tag == _DIRECTORY_RECORD_SEQUENCE),
            )


# VRs whose VM is 1 whatever their length (PS3.5 Section 6.4).
_OTHER_VRS = frozenset({"OB", "OD", "OF", "OL", "OV", "OW", "UN", "SQ"})
# Bytes per Value of the binary VRs that may be multi-valued.
_BINARY_SIZES = {vr: size for vr, size in vr_checks.BINARY_UNIT.items() if vr not in _OTHER_VRS}
# Binary VRs: raw bytes are their Value, whatever the bytes (a zero is a Value).
_BINARY_VRS = frozenset({*vr_checks.BINARY_UNIT, "OB", "UN"})


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return "\\".join(_one_text(item) for item in value)
    return _one_text(value)


def _one_text(value: Any) -> str:
    original = getattr(value, "original_string", None)
    if isinstance(original, str):
        return original
    return str(value)


def _element_values(element: Any) -> list[Any] | None:
    """The element's Values as stripped strings (text VRs) or numbers; ``None`` when not
    comparable."""
    value = element.value
    if value is None:
        return []
    if isinstance(value, (bytes, bytearray)):
        return None
    if isinstance(value, str):
        return [part.strip(" \x00") for part in value.split("\\")] if value.strip(" \x00") else []
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return [item.strip(" \x00") if isinstance(item, str) else item for item in value]
    if type(value).__name__ == "PersonName":
        return [str(value)]
    return [value]


_SETS_CACHE: dict[tuple[int, int, bool], tuple[tuple[str, int | None, tuple[str, ...]], ...]] = {}


def _numbered_sets(
    attribute: Attribute, tag: int, numeric: bool
) -> tuple[tuple[str, int | None, tuple[str, ...]], ...]:
    """The Enumerated Values and Defined Terms of ``attribute`` as (kind, Value number,
    values).

    Where PS3.3 gives several sets of one kind for an Attribute and the compiled rows do not
    say which Value each is for (Image Type: "Value 1 ... ORIGINAL, DERIVED; Value 2 ...
    PRIMARY, SECONDARY"), they are taken as Values 1, 2, ... in order if the Attribute is
    multi-valued (PS3.6 VM); for a single-valued one, as one set (a union), except for
    numbers (bit fields such as Region Flags, whose sets describe bits): not checked.
    """
    # Cached by identity: the compiled Attributes live as long as the process, and hashing
    # one hashes its whole Item tree.
    key = (id(attribute), tag, numeric)
    cached = _SETS_CACHE.get(key)
    if cached is not None:
        return cached
    found: list[tuple[str, int | None, tuple[str, ...]]] = []
    unnumbered: dict[str, list[tuple[str, ...]]] = {}
    for value_set in attribute.value_sets:
        if value_set.kind not in ("enumerated", "defined"):
            continue
        if value_set.value_number is not None:
            found.append((value_set.kind, value_set.value_number, value_set.values))
        else:
            unnumbered.setdefault(value_set.kind, []).append(value_set.values)
    definition = _definition(tag)
    parsed = vr_checks.parse_vm(definition[2]) if definition is not None else None
    multi = parsed is not None and (parsed[1] is None or parsed[1] > 1)
    for kind, lists in unnumbered.items():
        if len(lists) == 1:
            found.append((kind, None, lists[0]))
        elif multi:
            found.extend((kind, index + 1, values) for index, values in enumerate(lists))
        elif not numeric:
            found.append((kind, None, tuple(v for values in lists for v in values)))
    _SETS_CACHE[key] = result = tuple(found)
    return result


def _accepts(allowed: set[str], value: Any, numeric: bool) -> bool:
    if not numeric:
        return str(value).strip(" \x00") in allowed
    for candidate in allowed:
        number = _number(candidate)
        try:
            if number is not None and float(value) == number:
                return True
        except (TypeError, ValueError):
            return str(value).strip() in allowed
    return False


@lru_cache(maxsize=4096)
def _number(text: str) -> float | None:
    """A value of the standard's lists as a number: ``0001H`` (hexadecimal), ``16``, ``1.0``."""
    text = text.strip()
    try:
        if text.endswith("H") and len(text) > 1:
            return float(int(text[:-1], 16))
        return float(text)
    except ValueError:
        return None


# --- IOD-level: modules and functional groups ---------------------------------------------


@dataclass(slots=True)
class _ModuleState:
    usage: ModuleUsage
    present: bool
    active: bool


def _text_value(dataset: Any, tag: int) -> str:
    try:
        if tag not in dataset:
            return ""
        value = dataset[tag].value
        if value is None:
            return ""
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        return str(value).strip(" \x00")
    except Exception:  # noqa: BLE001
        return ""


@lru_cache(maxsize=None)
def _module_tags(table_id: str) -> tuple[frozenset[int], tuple[tuple[int, int], ...], bool]:
    """(exact top-level tags, (tag, mask) of repeating ones, has an unconditional Type 1 or
    2 top-level Attribute) of a Module."""
    level = table_level(table_id)
    mandatory = any(
        spec.attribute.type in ("1", "2") for specs in level.exact.values() for spec in specs
    ) or any(spec.attribute.type in ("1", "2") for spec in level.masked)
    masked = tuple((spec.attribute.tag, spec.attribute.tag_mask) for spec in level.masked)
    return frozenset(level.exact), masked, mandatory


@lru_cache(maxsize=None)
def _mandatory_tags_by_table(table_ids: tuple[str, ...]) -> frozenset[int]:
    found: set[int] = set()
    for table_id in table_ids:
        try:
            found |= _module_tags(table_id)[0]
        except KeyError:
            continue
    return frozenset(found)


def _mandatory_tags(iod: IODSpecification) -> frozenset[int]:
    """The top-level tags of the IOD's Mandatory Modules."""
    return _mandatory_tags_by_table(tuple(u.table_id for u in iod.modules if u.usage == "M"))


def _module_present(dataset_tags: frozenset[int], table_id: str) -> bool:
    exact, masked, _ = _module_tags(table_id)
    if not exact.isdisjoint(dataset_tags):
        return True
    return any(tag & mask == value for value, mask in masked for tag in dataset_tags)


def _present_tables(dataset: Any, levels: Iterable[Level]) -> set[str]:
    """Table ids of the Macros whose top-level Attributes appear in ``dataset``."""
    found: set[str] = set()
    for level in levels:
        for tag, specs in level.exact.items():
            if _has_tag(dataset, tag):
                found.update(spec.table.table_id for spec in specs)
    return found


def _check_iod(validator: _Validator, dataset: Any, iod: IODSpecification) -> None:
    """Modules by Usage, then the top-level Data Set, then the Functional Groups."""
    try:
        dataset_tags = frozenset(int(tag) for tag in dataset.keys())
    except Exception as error:  # noqa: BLE001
        raise _Aborted(f"the Data Set cannot be read: {error}") from None
    states: list[_ModuleState] = []
    present_ids: set[str] = set()
    mandatory_tags = _mandatory_tags(iod)
    for usage in iod.modules:
        try:
            # A Module is present when one of its top-level Attributes is, not counting
            # those a Mandatory Module of the IOD also holds (Pixel Spacing is in both the
            # SC Image Module and the Image Plane Module: its presence in an SC Image
            # does not make the (User optional) Image Plane Module present).
            tags = dataset_tags if usage.usage == "M" else dataset_tags - mandatory_tags
            present = _module_present(tags, usage.table_id)
        except KeyError:
            continue  # a Module table not compiled: nothing to check it against
        states.append(_ModuleState(usage, present, present))
        if present:
            present_ids.add(usage.table_id)
    functional_groups = _functional_group_items(validator, dataset)
    for items in functional_groups.values():
        for item in items:
            keys = _keys(item)  # once per Item, not per Functional Group Macro
            for fg in iod.functional_groups:
                try:
                    if _module_present(keys, fg.table_id):
                        present_ids.add(fg.table_id)
                except Exception:  # noqa: BLE001
                    continue
    active_levels = [table_level(state.usage.table_id) for state in states if state.present]
    present_ids |= _present_tables(dataset, active_levels)
    validator.modules = frozenset(present_ids)

    top_context = validator.context(dataset, (), None, None)
    usage_ref = _std_ref("module-usage")
    for state in states:
        usage = state.usage
        ref = _module_reference(usage.table_id) or usage_ref
        if usage.usage == "M":
            state.active = True
            if not state.present and _module_tags(usage.table_id)[2]:
                validator.emit(
                    "module-missing",
                    "",
                    None,
                    usage.module,
                    f"the {usage.module} Module (Mandatory) is absent",
                    ref,
                )
        elif usage.usage == "C":
            if usage.requirement is None:
                if not state.present:
                    validator.emit(
                        "not-verifiable",
                        "",
                        None,
                        usage.module,
                        f"the {usage.module} Module (Conditional) is absent; its condition "
                        "cannot be decided from the data",
                        usage_ref,
                        usage.condition,
                    )
                continue
            verdict = validator.requirement_verdict(usage.requirement, top_context, 1)
            text = usage.condition or verdict.text
            if verdict.kind == "required":
                state.active = True
                if not state.present and _module_present(dataset_tags, usage.table_id):
                    # Its only Attributes present are shared with a Mandatory Module
                    # (Instance Number is in SOP Common too): it is required, so they are
                    # read as its own, and its other Attributes are checked one by one.
                    state.present = True
                if not state.present and _module_tags(usage.table_id)[2]:
                    validator.emit(
                        "module-missing",
                        "",
                        None,
                        usage.module,
                        f"the {usage.module} Module (Conditional) is absent; its condition holds",
                        ref,
                        text,
                    )
            elif verdict.kind == "forbidden" and state.present:
                validator.emit(
                    "condition-forbids",
                    "",
                    None,
                    usage.module,
                    f"the {usage.module} Module is present; its condition says it shall not be",
                    ref,
                    text,
                )
            elif verdict.kind == "unknown" and not state.present:
                validator.emit(
                    "not-verifiable",
                    "",
                    None,
                    usage.module,
                    f"the {usage.module} Module (Conditional) is absent; its condition "
                    "cannot be decided from the data",
                    ref,
                    text,
                )

    # The inactive Modules need no Level: none of their top-level Attributes is present
    # (that would make them present, hence active), so they define nothing here.
    levels = [table_level(state.usage.table_id) for state in states if state.active]
    skip = frozenset({_SHARED, _PER_FRAME}) if iod.functional_groups else frozenset()
    validator.check_level(dataset, levels, "", (), None, None, skip=skip)
    if iod.functional_groups:
        _check_functional_groups(validator, dataset, iod, functional_groups)


@lru_cache(maxsize=None)
def _module_reference(table_id: str) -> Reference | None:
    from dicomstd.iods import attribute_table

    try:
        table = attribute_table(table_id)
    except KeyError:
        return None
    return _spec_reference(table.table_id, table.section_id, table.source)


def _functional_group_items(validator: _Validator, dataset: Any) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    for tag in (_SHARED, _PER_FRAME):
        if not _has_tag(dataset, tag):
            continue
        element = validator.element(dataset, tag, _keyword(tag))
        if element is None or element.VR != "SQ":
            continue
        try:
            found[tag] = [item for item in (element.value or ()) if hasattr(item, "keys")]
        except Exception as error:  # noqa: BLE001
            raise _Aborted(f"{_keyword(tag)} cannot be parsed: {error}") from None
    return found


def _check_functional_groups(
    validator: _Validator, dataset: Any, iod: IODSpecification, groups: dict[int, list[Any]]
) -> None:
    """PS3.3 Section C.7.6.16: each Functional Group Macro in the Shared Item, or in the
    Per-Frame Item of every frame, never both; Usage per frame; then every Item's content."""
    shared_items = groups.get(_SHARED, [])
    per_frame = groups.get(_PER_FRAME, [])
    shared = shared_items[0] if shared_items else None
    fg_ref = _std_ref("functional-groups")
    frames_text = _text_value(dataset, _NUMBER_OF_FRAMES)
    try:
        frames = int(frames_text) if frames_text else None
    except ValueError:
        frames = None
    if frames is not None and per_frame and len(per_frame) != frames:
        validator.emit(
            "item-count",
            _keyword(_PER_FRAME),
            _PER_FRAME,
            "Multi-frame Functional Groups",
            f"PerFrameFunctionalGroupsSequence has {len(per_frame)} Items; Number of Frames is {frames}",
            fg_ref,
        )
    frame_count = len(per_frame) if per_frame else (frames or 1)
    keys_shared = _keys(shared)
    keys_frames = [_keys(item) for item in per_frame]
    macro_levels: list[Level] = []
    # One evaluation context per frame, shared by every conditional Functional Group.
    frame_contexts: dict[int, EvaluationContext] = {}
    for fg in iod.functional_groups:
        try:
            exact, masked, _ = _module_tags(fg.table_id)
            macro_levels.append(table_level(fg.table_id, fg.macro))
        except KeyError:
            continue
        tags = exact
        in_shared = not tags.isdisjoint(keys_shared)
        in_frames = [not tags.isdisjoint(keys) for keys in keys_frames]
        ref = _module_reference(fg.table_id) or fg_ref
        first_tag = min(tags) if tags else None
        if in_shared and any(in_frames):
            validator.emit(
                "functional-group-placement",
                _keyword(first_tag) if first_tag else "",
                first_tag,
                fg.macro,
                f"the {fg.macro} Functional Group is in both the Shared and Per-Frame Items",
                fg_ref,
            )
        if fg.placement == "per-frame" and in_shared:
            validator.emit(
                "functional-group-placement",
                f"{_keyword(_SHARED)}[0]",
                first_tag,
                fg.macro,
                f"the {fg.macro} Functional Group shall not be Shared",
                ref,
                fg.condition,
            )
        if fg.placement == "shared" and any(in_frames):
            index = in_frames.index(True)
            validator.emit(
                "functional-group-placement",
                f"{_keyword(_PER_FRAME)}[{index}]",
                first_tag,
                fg.macro,
                f"the {fg.macro} Functional Group shall be Shared, not Per-Frame",
                ref,
                fg.condition,
            )
        missing: list[int] = []
        forbidden: list[int] = []
        unknown: list[int] = []
        for frame in range(frame_count):
            here = in_shared or (frame < len(in_frames) and in_frames[frame])
            if fg.usage == "M":
                if not here:
                    missing.append(frame)
                continue
            if fg.usage != "C":
                continue
            if fg.requirement is None:
                if not here:
                    unknown.append(frame)
                continue
            context = frame_contexts.get(frame)
            if context is None:
                frame_items = tuple(
                    item
                    for item in (per_frame[frame] if frame < len(per_frame) else None, shared)
                    if item is not None
                )
                context = frame_contexts[frame] = validator.context(dataset, (), frame_items, None)
            verdict = validator.requirement_verdict(fg.requirement, context, 1)
            if verdict.kind == "required" and not here:
                missing.append(frame)
            elif verdict.kind == "forbidden" and here:
                forbidden.append(frame)
            elif verdict.kind == "unknown" and not here:
                unknown.append(frame)
        condition = fg.condition or (fg.requirement.text if fg.requirement else "")
        for frames_list, rule, what in (
            (missing, "functional-group-missing", "is absent"),
            (forbidden, "condition-forbids", "is present where its condition says it shall not be"),
            (unknown, "not-verifiable", "is absent; whether it is required cannot be decided"),
        ):
            if not frames_list:
                continue
            listed = ", ".join(str(f + 1) for f in frames_list[:10])
            more = f" and {len(frames_list) - 10} more" if len(frames_list) > 10 else ""
            validator.emit(
                rule,
                f"{_keyword(_PER_FRAME)}[{frames_list[0]}]" if per_frame else _keyword(_SHARED),
                first_tag,
                fg.macro,
                f"the {fg.macro} Functional Group ({'Usage ' + fg.usage}) {what} "
                f"for frame{'s' if len(frames_list) > 1 else ''} {listed}{more}",
                ref,
                condition if rule != "functional-group-missing" or fg.usage == "C" else "",
            )
    # The Items' content: each Sequence of a Functional Group with its Macro's definitions.
    if shared is not None:
        validator.check_level(
            shared, macro_levels, f"{_keyword(_SHARED)}[0]", (dataset,), 0, None, enforce=False
        )
    for index, item in enumerate(per_frame):
        validator.check_level(
            item,
            macro_levels,
            f"{_keyword(_PER_FRAME)}[{index}]",
            (dataset,),
            index,
            (item, shared) if shared is not None else (item,),
            enforce=False,
        )


def _keys(item: Any) -> frozenset[int]:
    if item is None:
        return frozenset()
    try:
        return frozenset(int(tag) for tag in item.keys())
    except Exception:  # noqa: BLE001
        return frozenset()


# --- entry points ---------------------------------------------------------------------------


def validate_dataset(
    dataset: Any,
    *,
    source: str = "<dataset>",
    iod: IODSpecification | None = None,
    from_file: bool = False,
    has_preamble: bool = True,
    instances: InstanceIndex | None = None,
) -> FileReport:
    """Validate a pydicom ``Dataset`` against its IOD; never raises on its content.

    ``iod``: validate against this IOD instead of the SOP Class's. ``from_file`` and
    ``has_preamble`` say how it was read (for the File Meta Information checks).
    ``instances``: the other Instances at hand, for the conditions that speak of a
    referenced Instance (without it, and for an Instance it lacks, they are not verifiable).
    """
    started = time.perf_counter()
    report = FileReport(source)
    with quiet_pydicom():
        _validate_into(report, dataset, iod, from_file, has_preamble, instances)
    report.seconds = time.perf_counter() - started
    return report


def _validate_into(
    report: FileReport,
    dataset: Any,
    iod: IODSpecification | None,
    from_file: bool,
    has_preamble: bool,
    instances: InstanceIndex | None = None,
) -> None:
    encoding = getattr(dataset, "original_encoding", None)
    explicit = not (isinstance(encoding, tuple) and encoding[0] is True)
    validator = _Validator(report, dataset, explicit, instances)
    if from_file and not _deflated(dataset):
        # A deflated Data Set's offsets are in the inflated stream: no file-size check.
        try:
            validator.file_size = os.path.getsize(report.source)
        except OSError:
            validator.file_size = None
    try:
        meta_ref = _std_ref("file-meta")

        def emit_meta(severity: Severity, path: str, tag: str, message: str) -> None:
            tag_value = int(tag[1:5] + tag[6:10], 16) if tag else None
            validator.emit(
                "file-meta",
                path,
                tag_value,
                "File Meta Information",
                message,
                meta_ref,
                severity=severity,
            )

        check_file_meta(dataset, emit_meta, from_file, has_preamble)
        # Before any condition reads (and so converts) an element: a value cut short by the
        # end of the file is only visible in the raw element.
        validator.check_truncation(dataset)
        sop_class = _text_value(dataset, _SOP_CLASS_UID)
        meta = getattr(dataset, "file_meta", None)
        if not sop_class and meta is not None:
            sop_class = _text_value(meta, 0x00020002)
        report.sop_class_uid = sop_class
        validator.sop_class_uid = sop_class or None
        from dicomstd.generated.uids import MediaStorageDirectoryStorage

        if from_file and sop_class == MediaStorageDirectoryStorage:
            # A DICOMDIR's records are checked against the files of its File-set.
            validator.instances = (instances or InstanceIndex()).with_file_set(
                dataset, report.source
            )
        if iod is None:
            iod = _iod_for(validator, sop_class)
        if iod is None:
            # No IOD: the checks that need none (VR, VM, values, private, retired).
            validator.check_level(dataset, [], "", (), None, None, enforce=False, open_level=True)
            return
        report.iod = iod.name
        _check_iod(validator, dataset, iod)
    except _Aborted as error:
        validator.emit("validation-aborted", "", None, "", str(error)[:500])
    except RecursionError:
        validator.emit("validation-aborted", "", None, "", "Sequences nested too deeply")
    except Exception as error:  # noqa: BLE001 - never crash on input; say what happened
        validator.emit(
            "validation-aborted",
            "",
            None,
            "",
            f"validation stopped: {type(error).__name__}: {error}"[:500],
        )


def _deflated(dataset: Any) -> bool:
    from dicomstd.registry import lookup_transfer_syntax

    meta = getattr(dataset, "file_meta", None)
    uid = _text_value(meta, 0x00020010) if meta is not None else ""
    try:
        return bool(uid) and lookup_transfer_syntax(uid).deflated
    except KeyError:
        return False


def _iod_for(validator: _Validator, sop_class: str) -> IODSpecification | None:
    from dicomstd.iods import iod_for_sop_class
    from dicomstd.registry import lookup_uid

    ref = _std_ref("sop-classes")
    if not sop_class:
        validator.emit(
            "unknown-sop-class",
            "SOPClassUID",
            _SOP_CLASS_UID,
            "",
            "no SOP Class UID (0008,0016) nor Media Storage SOP Class UID: the IOD is unknown",
            ref,
        )
        return None
    try:
        entry = lookup_uid(sop_class)
    except KeyError:
        entry = None
    if entry is not None and entry.retired:
        validator.emit(
            "retired-sop-class",
            "SOPClassUID",
            _SOP_CLASS_UID,
            "",
            f"SOP Class {sop_class} ({entry.name}) is retired",
            _std_ref("uids"),
        )
    try:
        return iod_for_sop_class(sop_class)
    except KeyError:
        if entry is not None and entry.retired:
            return None  # retired: PS3.4 no longer defines its IOD; reported above
        what = f" ({entry.name})" if entry is not None else " (not in PS3.6's UID registry)"
        validator.emit(
            "unknown-sop-class",
            "SOPClassUID",
            _SOP_CLASS_UID,
            "",
            f"SOP Class {sop_class}{what} has no IOD in PS3.4: only generic checks were made",
            ref,
        )
        return None


def validate_file(
    path: str | os.PathLike[str],
    iod: IODSpecification | None = None,
    instances: InstanceIndex | None = None,
) -> FileReport:
    """Read and validate the file at ``path``; an unreadable or non-DICOM file is an
    ``unreadable`` finding, never an exception. ``instances``: as for
    :func:`validate_dataset` (a DICOMDIR adds the files of its File-set itself)."""
    started = time.perf_counter()
    source = os.fspath(path)
    report = FileReport(source)
    with quiet_pydicom():
        dataset, preamble = _read(report, source)
        if dataset is not None:
            _validate_into(report, dataset, iod, True, preamble, instances)
    report.seconds = time.perf_counter() - started
    return report


def _read(report: FileReport, source: str) -> tuple[Any, bool]:
    import pydicom
    from pydicom.errors import InvalidDicomError

    def unreadable(message: str) -> None:
        report.findings.append(
            Finding(Severity.ERROR, "unreadable", "", "", "", message[:500], _std_ref("file-meta"))
        )

    if os.path.exists(source) and not os.path.isfile(source):
        # A FIFO or a device (/dev/zero) would be read for ever; a folder is no file.
        unreadable("is not a regular file (a folder, FIFO, device or socket)")
        return None, False
    def cut_short(ends_early: EndsEarly | None) -> None:
        # pydicom stops there as if the Data Set were whole: say so, then validate what is.
        if ends_early is not None:
            unreadable(ends_early.describe())

    try:
        read = read_file(source, defer_size=DEFER_SIZE)
        cut_short(read.ends_early)
        return read.dataset, True
    except InvalidDicomError:
        pass
    except (OSError, MemoryError) as error:
        unreadable(f"cannot be read: {error}")
        return None, False
    except Exception as error:  # noqa: BLE001 - a truncated or corrupt file
        unreadable(f"cannot be parsed: {type(error).__name__}: {error}")
        return None, False
    # No preamble and DICM prefix: try as a bare Data Set (ACR-NEMA style, or a stream).
    try:
        read = read_file(source, defer_size=DEFER_SIZE, force=True)
        dataset = read.dataset
    except Exception as error:  # noqa: BLE001
        unreadable(f"not a DICOM file (no DICM prefix) and not a parseable Data Set: {error}")
        return None, False
    try:
        tags = [int(tag) for tag in dataset.keys()]
    except Exception:  # noqa: BLE001
        tags = []
    # Read without a preamble, random bytes often "parse" as a few nonsense elements: a
    # Data Set worth validating names its SOP Class or Instance.
    if not any(tag in (_SOP_CLASS_UID, _SOP_INSTANCE_UID) for tag in tags):
        unreadable(
            "not a DICOM file: no DICM prefix, and no SOP Class or Instance UID when read as a bare Data Set"
        )
        return None, False
    cut_short(read.ends_early)
    return dataset, False


def iter_dicom_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """The files named by ``paths``: each file, and every file under each folder
    (recursively, sorted, hidden files and folders skipped). A path that does not exist is
    yielded as is (validating it reports it unreadable)."""
    for path in paths:
        path = os.fspath(path)
        if os.path.isdir(path):
            for root, folders, files in os.walk(path):
                folders[:] = sorted(f for f in folders if not f.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield os.path.join(root, name)
        else:
            yield path
