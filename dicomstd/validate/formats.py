"""Render a :class:`~dicomstd.validate.findings.Report`: ``text`` (for people), ``json``
(``schema/report.schema.json``), ``sarif`` (SARIF 2.1.0, for code-scanning tools).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from dicomstd import __version__
from dicomstd.validate.findings import RULES, FileReport, Finding, Report, Severity

__all__ = ["FORMATS", "render", "summary", "to_json", "to_sarif", "to_text"]

FORMATS = ("text", "json", "sarif")
JSON_FORMAT_VERSION = 1


def _order(finding: Finding) -> tuple[int, str, str]:
    return (finding.severity.rank, finding.path, finding.rule)


def summary(report: Report) -> str:
    """One paragraph: files, files with errors, findings by severity and by rule."""
    files = len(report.files)
    failing = sum(1 for file in report.files if not file.ok)
    by_severity = report.counts_by_severity()
    parts = ", ".join(
        f"{by_severity.get(severity.value, 0)} {severity.value}" for severity in Severity
    )
    lines = [f"{files} file{'s' if files != 1 else ''} validated, {failing} with errors; {parts}"]
    by_rule = report.counts_by_rule()
    if by_rule:
        lines.append(
            "by rule: " + ", ".join(f"{rule} {count}" for rule, count in sorted(by_rule.items()))
        )
    return "\n".join(lines)


def _file_text(file: FileReport, minimum: Severity) -> list[str]:
    shown = [f for f in file.findings if f.severity.rank <= minimum.rank]
    head = file.source
    if file.iod:
        head += f" — {file.iod} IOD"
    elif file.sop_class_uid:
        head += f" — SOP Class {file.sop_class_uid}"
    counts = Counter(f.severity for f in file.findings)
    head += (
        f": {counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
        f"{counts[Severity.NOT_VERIFIABLE]} not verifiable"
    )
    lines = [head]
    for finding in sorted(shown, key=_order):
        where = " ".join(part for part in (finding.path, finding.tag) if part)
        line = f"  {finding.severity.value}: [{finding.rule}] "
        line += f"{where}: " if where else ""
        line += finding.message
        if finding.module:
            line += f" ({finding.module})"
        lines.append(line)
        if finding.condition:
            lines.append(f"      condition: {finding.condition}")
        if finding.reference is not None:
            lines.append(f"      see {finding.reference.label}: {finding.reference.url}")
    return lines


def to_text(report: Report, minimum: Severity = Severity.NOT_VERIFIABLE) -> str:
    """The findings file by file, worst first, down to severity ``minimum``; a summary."""
    lines: list[str] = []
    for file in report.files:
        lines.extend(_file_text(file, minimum))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def to_json_data(report: Report) -> dict[str, Any]:
    """The report as JSON-ready values (``schema/report.schema.json``)."""
    return {
        "format": "dicomstd-validate",
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": "dicomstd", "version": __version__},
        "summary": {
            "files": len(report.files),
            "files_with_errors": sum(1 for file in report.files if not file.ok),
            "by_severity": {s.value: report.counts_by_severity().get(s.value, 0) for s in Severity},
            "by_rule": dict(sorted(report.counts_by_rule().items())),
        },
        "files": [
            {
                "source": file.source,
                "sop_class_uid": file.sop_class_uid,
                "iod": file.iod,
                "ok": file.ok,
                "seconds": round(file.seconds, 6),
                "findings": [f.to_json() for f in sorted(file.findings, key=_order)],
            }
            for file in report.files
        ],
    }


def to_json(report: Report) -> str:
    """The report as JSON text."""
    return json.dumps(to_json_data(report), indent=2, ensure_ascii=False) + "\n"


_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.NOT_VERIFIABLE: "note",
    Severity.INFO: "note",
}


def to_sarif_data(report: Report) -> dict[str, Any]:
    """The report as SARIF 2.1.0: one run, the rules of :data:`RULES`, one result per
    finding located at the file (and, logically, at the Attribute's path)."""
    rule_ids = list(RULES)
    rules = [
        {
            "id": rule.id,
            "shortDescription": {"text": rule.summary},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        }
        for rule in RULES.values()
    ]
    results: list[dict[str, Any]] = []
    for file in report.files:
        for finding in sorted(file.findings, key=_order):
            result: dict[str, Any] = {
                "ruleId": finding.rule,
                "ruleIndex": rule_ids.index(finding.rule),
                "level": _SARIF_LEVEL[finding.severity],
                "message": {"text": finding.message},
                "locations": [
                    {
                        "physicalLocation": {"artifactLocation": {"uri": _uri(file.source)}},
                        **(
                            {
                                "logicalLocations": [
                                    {"fullyQualifiedName": finding.path, "kind": "member"}
                                ]
                            }
                            if finding.path
                            else {}
                        ),
                    }
                ],
                "properties": {
                    "severity": finding.severity.value,
                    "tag": finding.tag,
                    "module": finding.module,
                },
            }
            if finding.condition:
                result["properties"]["condition"] = finding.condition
            if finding.reference is not None:
                result["properties"]["reference"] = finding.reference.url
                result["relatedLocations"] = [
                    {
                        "id": 0,
                        "physicalLocation": {"artifactLocation": {"uri": finding.reference.url}},
                        "message": {"text": finding.reference.label},
                    }
                ]
            results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dicomstd",
                        "version": __version__,
                        "informationUri": "https://dicom.nema.org/medical/dicom/current/output/chtml/part03/PS3.3.html",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def _uri(path: str) -> str:
    from pathlib import Path
    from urllib.parse import quote

    if path.startswith("<"):
        return quote(path.strip("<>"))
    try:
        return Path(path).resolve().as_uri()
    except ValueError:
        return quote(path)


def to_sarif(report: Report) -> str:
    """The report as SARIF 2.1.0 JSON text."""
    return json.dumps(to_sarif_data(report), indent=2, ensure_ascii=False) + "\n"


def render(report: Report, format: str, minimum: Severity = Severity.NOT_VERIFIABLE) -> str:
    """``report`` in ``format`` (one of :data:`FORMATS`).

    Raises:
        ValueError: an unknown format.
    """
    if format == "text":
        return to_text(report, minimum)
    if format == "json":
        return to_json(report)
    if format == "sarif":
        return to_sarif(report)
    raise ValueError(f"unknown format {format!r}: one of {', '.join(FORMATS)}")
