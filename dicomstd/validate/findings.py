"""What validation reports: :class:`Finding` (one problem, where, which rule, which part of the
standard says so), :class:`FileReport` (one file or Data Set), :class:`Report` (a run).

Rule ids are stable (tools filter on them; SARIF names them): see :data:`RULES`. Each rule
has a default severity, which a finding may lower (never raise) where the standard leaves
room, e.g. an undefined attribute in an Item of an open Sequence.

References point at the standard's published text: part, table or section id, and the URL
of NEMA's chunked HTML (CHTML) page holding it for the edition, e.g.
``https://dicom.nema.org/medical/dicom/2024c/output/chtml/part03/sect_C.7.html#table_C.7-1``.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field

__all__ = [
    "FileReport",
    "Finding",
    "RULES",
    "Reference",
    "Report",
    "Rule",
    "Severity",
    "chtml_page",
    "reference_for_table",
]


class Severity(str, enum.Enum):
    """How bad a finding is. ``not-verifiable``: the standard's condition depends on what
    the data cannot show (or was not compiled), so the rule could not be decided."""

    ERROR = "error"
    WARNING = "warning"
    NOT_VERIFIABLE = "not-verifiable"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the worst (error) to 3 (info)."""
        return _RANKS[self]


_RANKS = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOT_VERIFIABLE: 2, Severity.INFO: 3}


@dataclass(frozen=True, slots=True)
class Rule:
    """A validation rule: ``id`` (stable), default ``severity``, one-line ``summary``."""

    id: str
    severity: Severity
    summary: str


_E, _W, _N, _I = Severity.ERROR, Severity.WARNING, Severity.NOT_VERIFIABLE, Severity.INFO

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("type1-missing", _E, "A Type 1 Attribute is absent (PS3.5 Section 7.4.1)."),
        Rule("type1-empty", _E, "A Type 1 or required 1C Attribute is present without a Value."),
        Rule("type2-missing", _E, "A Type 2 Attribute is absent (PS3.5 Section 7.4.3)."),
        Rule("type1c-missing", _E, "A Type 1C Attribute is absent although its condition holds."),
        Rule("type2c-missing", _E, "A Type 2C Attribute is absent although its condition holds."),
        Rule(
            "condition-forbids",
            _E,
            "An Attribute, Module or Functional Group is present where its condition says "
            "it shall not be.",
        ),
        Rule(
            "not-verifiable",
            _N,
            "A conditional Attribute or Module is absent and its condition cannot be decided "
            "from the data (the condition's text is reported).",
        ),
        Rule("module-missing", _E, "A Mandatory (or required Conditional) Module is absent."),
        Rule("enumerated-value", _E, "A Value is not one of the Enumerated Values."),
        Rule("defined-term", _W, "A Value is not one of the Defined Terms (they may be extended)."),
        Rule("fixed-value", _E, "A Value differs from the one the Module requires."),
        Rule("vr-mismatch", _E, "The VR differs from the one(s) PS3.6 gives the Attribute."),
        Rule("vm-mismatch", _E, "The number of Values is outside PS3.6's Value Multiplicity."),
        Rule("value-format", _E, "A Value does not have the form its VR requires (PS3.5 6.2)."),
        Rule("value-length", _E, "A Value is longer than its VR allows (PS3.5 Table 6.2-1)."),
        Rule("item-count", _E, "A Sequence holds more or fewer Items than the Module allows."),
        Rule(
            "functional-group-missing",
            _E,
            "A Mandatory (or required) Functional Group is in neither the Shared nor the "
            "Per-Frame Functional Groups Sequence Item of a frame.",
        ),
        Rule(
            "functional-group-placement",
            _E,
            "A Functional Group is Shared where it shall be Per-Frame, or the reverse, or both.",
        ),
        Rule(
            "undefined-attribute",
            _W,
            "A standard Attribute the IOD does not define here (a Standard Extended SOP "
            "Class, PS3.4 Section B.1.3).",
        ),
        Rule("retired-attribute", _W, "A retired Attribute is present (PS3.6)."),
        Rule(
            "private-without-creator",
            _E,
            "A private Data Element has no Private Creator in its block (PS3.5 Section 7.8.1).",
        ),
        Rule("file-meta", _E, "File Meta Information (PS3.10 Section 7.1) is missing or wrong."),
        Rule("unreadable", _E, "The file is not DICOM, or cannot be read or parsed."),
        Rule("unknown-sop-class", _E, "The SOP Class has no IOD in PS3.4 (as compiled)."),
        Rule("retired-sop-class", _W, "The SOP Class is retired (PS3.6 Table A-1)."),
        Rule(
            "validation-aborted",
            _E,
            "Validating stopped early on malformed content (the findings up to there stand).",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Reference:
    """Where the standard says it.

    Attributes:
        part: ``PS3.3``.
        anchor: the table or section id (``table_C.7-1``, ``sect_7.4``).
        label: how to print it (``PS3.3 Table C.7-1``).
        url: NEMA's CHTML page with the anchor, for the edition.
    """

    part: str
    anchor: str
    label: str
    url: str


_BASE = "https://dicom.nema.org/medical/dicom/{edition}/output/chtml/part{part:02d}/{page}.html#{anchor}"


def chtml_page(section_id: str) -> str:
    """The CHTML page (without ``.html``) of PS3.3 holding section ``section_id``
    (``sect_C.7.1.1`` → ``sect_C.7``; ``sect_A.1.3`` → ``chapter_A``).

    NEMA's CHTML does not chunk at a fixed depth, so the page is the longest prefix of the
    section number that has a page of its own (:mod:`dicomstd.validate.chtml_pages`),
    else the chapter's page.
    """
    from dicomstd.validate.chtml_pages import PART03_SECTION_PAGES

    number = section_id.removeprefix("sect_")
    parts = number.split(".")
    while len(parts) > 1:
        candidate = ".".join(parts)
        if candidate in PART03_SECTION_PAGES:
            return f"sect_{candidate}"
        parts.pop()
    if number in PART03_SECTION_PAGES:  # a chapter-level "section" that is its own page
        return f"sect_{number}"
    return f"chapter_{parts[0]}"


def _label(anchor: str) -> str:
    kind, _, number = anchor.partition("_")
    return f"{'Table' if kind == 'table' else 'Section'} {number}"


def reference_for_table(table_id: str, section_id: str, edition: str) -> Reference:
    """The reference to PS3.3 table ``table_id`` in section ``section_id`` of ``edition``."""
    page = chtml_page(section_id)
    return Reference(
        "PS3.3",
        table_id,
        f"PS3.3 {_label(table_id)}",
        _BASE.format(edition=edition, part=3, page=page, anchor=table_id),
    )


def fixed_reference(part: int, page: str, anchor: str, edition: str) -> Reference:
    """A reference to ``anchor`` of PS3.<part> on CHTML page ``page`` (pages of parts other
    than PS3.3 are few and named by the caller, see :data:`STANDARD_REFERENCES`)."""
    return Reference(
        f"PS3.{part}",
        anchor,
        f"PS3.{part} {_label(anchor)}",
        _BASE.format(edition=edition, part=part, page=page, anchor=anchor),
    )


# The fixed places of PS3.4/5/6/10 that rules cite, as (part, CHTML page, anchor); pages
# checked against the 2024c CHTML releases of PS3.4, PS3.5, PS3.6 (PS3.10: its section 7.1 is
# the first of chapter 7, on chapter_7.html, as first sections are throughout the CHTML).
STANDARD_REFERENCES: dict[str, tuple[int, str, str]] = {
    "types": (5, "sect_7.4", "sect_7.4"),
    "vr": (5, "sect_6.2", "table_6.2-1"),
    "vm": (5, "sect_6.4", "sect_6.4"),
    "private": (5, "sect_7.8", "sect_7.8.1"),
    "dictionary": (6, "chapter_6", "table_6-1"),
    "uids": (6, "chapter_A", "table_A-1"),
    "sop-classes": (4, "sect_B.5", "table_B.5-1"),
    "file-meta": (10, "chapter_7", "table_7.1-1"),
    "functional-groups": (3, "sect_C.7.6.16", "sect_C.7.6.16"),
    "module-usage": (3, "chapter_A", "sect_A.1.3"),
}


def standard_reference(name: str, edition: str) -> Reference:
    """The reference named ``name`` in :data:`STANDARD_REFERENCES`."""
    part, page, anchor = STANDARD_REFERENCES[name]
    return fixed_reference(part, page, anchor, edition)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found.

    Attributes:
        severity: error, warning, not-verifiable or info.
        rule: the rule id (a key of :data:`RULES`).
        path: where, by Keyword with Item indices
            (``PerFrameFunctionalGroupsSequence[3].PlanePositionSequence[0].ImagePositionPatient``);
            ``""`` for the whole file.
        tag: the Attribute's tag as ``(gggg,eeee)``; ``""`` where the finding is not about one.
        module: the Module, Macro or Functional Group (``Patient``), ``""`` where none.
        message: what is wrong, in words.
        reference: where the standard says it, ``None`` where nothing specific applies.
        condition: the condition's text (PS3.3) for conditional rules, else ``""``.
    """

    severity: Severity
    rule: str
    path: str
    tag: str
    module: str
    message: str
    reference: Reference | None = None
    condition: str = ""

    def to_json(self) -> dict[str, object]:
        """The finding as JSON-ready values (see ``schema/report.schema.json``)."""
        data: dict[str, object] = {
            "severity": self.severity.value,
            "rule": self.rule,
            "path": self.path,
            "tag": self.tag,
            "module": self.module,
            "message": self.message,
        }
        if self.condition:
            data["condition"] = self.condition
        if self.reference is not None:
            data["reference"] = {
                "part": self.reference.part,
                "anchor": self.reference.anchor,
                "label": self.reference.label,
                "url": self.reference.url,
            }
        return data


@dataclass(slots=True)
class FileReport:
    """The findings of one file (or one Data Set).

    Attributes:
        source: the file's path, or ``<dataset>``.
        sop_class_uid: its SOP Class UID (``""`` where none could be read).
        iod: the IOD validated against (``CT Image``), ``""`` where none.
        findings: in the order found (the formats sort them).
        seconds: time spent validating.
    """

    source: str
    sop_class_uid: str = ""
    iod: str = ""
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, severity: Severity) -> int:
        """The number of findings of ``severity``."""
        return sum(1 for finding in self.findings if finding.severity is severity)

    @property
    def ok(self) -> bool:
        """No error."""
        return self.count(Severity.ERROR) == 0


@dataclass(slots=True)
class Report:
    """The result of validating one or more inputs: one :class:`FileReport` per file.

    ``exit_code``: 0 without error, 1 with errors (as ``dicomstd validate`` exits).
    """

    files: list[FileReport] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every file."""
        return [finding for report in self.files for finding in report.findings]

    @property
    def ok(self) -> bool:
        """No file has an error."""
        return all(report.ok for report in self.files)

    @property
    def exit_code(self) -> int:
        """0 when no error was found, 1 otherwise."""
        return 0 if self.ok else 1

    def counts_by_rule(self) -> Counter[str]:
        """How many findings each rule produced."""
        return Counter(finding.rule for finding in self.findings)

    def counts_by_severity(self) -> Counter[str]:
        """How many findings of each severity."""
        return Counter(finding.severity.value for finding in self.findings)
