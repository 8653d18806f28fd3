"""The diff of two editions as text, JSON or HTML.

- text: counts first (per part and topic, per kind of change), then the changes grouped by
  section and kind, one line each;
- JSON: :meth:`dicomstd.editions.diff.EditionDiff.to_json` (the shape of
  ``dicomstd/editions/diff.schema.json``);
- HTML: one self-contained page (no script, no external resource): a summary table of
  counts, then per part and topic the tables compared with links to NEMA's CHTML page of the
  table in each edition, and the changes grouped by kind (PS3.3 attribute tables: by table),
  every text escaped by jinja2's autoescape.
"""

from __future__ import annotations

from itertools import groupby
from typing import Literal

from dicomstd.editions.diff import Change, DiffSection, EditionDiff

__all__ = ["FORMATS", "render", "render_html", "render_text"]

FORMATS = ("text", "json", "html")
ReportFormat = Literal["text", "json", "html"]


def _value(change: Change) -> str:
    if change.kind == "added":
        return change.after if change.after != change.name else ""
    if change.kind == "removed":
        return change.before if change.before != change.name else ""
    if not change.before and not change.after:
        return change.detail
    detail = f"{change.detail}: " if change.detail else ""
    return f"{detail}{change.before or '(none)'} → {change.after or '(none)'}"


def render_text(diff: EditionDiff, *, limit: int | None = None) -> str:
    """The diff as plain text.

    Args:
        diff: what :func:`dicomstd.editions.diff.diff_sides` found.
        limit: at most this many lines per kind of change (``None``: all).
    """
    lines = [f"dicomstd diff: A = {diff.a.label}, B = {diff.b.label}"]
    for label, side in (("A", diff.a), ("B", diff.b)):
        for publication in side.publications:
            lines.append(
                f"  {label}: {publication['part']} {publication['edition']} "
                f"({publication['format']}) {publication['path']}"
            )
    lines.append(f"{diff.total} changes")
    for section in diff.sections:
        counts = ", ".join(f"{count} {kind}" for kind, count in section.counts.items()) or "none"
        lines.append(
            f"  {section.part} {section.topic} ({section.edition_a} → {section.edition_b}; "
            f"{section.count_a} → {section.count_b}, {section.compared} in both): {counts}"
        )
    for note in diff.notes:
        lines.append(f"  note: {note}")
    for section in diff.sections:
        lines.append("")
        lines.append(
            f"== {section.part} {section.topic} ({section.edition_a} → {section.edition_b})"
        )
        for note in section.notes:
            lines.append(f"  note: {note}")
        for kind, group in groupby(section.changes, key=lambda change: change.kind):
            changes = list(group)
            lines.append(f"-- {kind} ({len(changes)})")
            shown = changes if limit is None else changes[:limit]
            for change in shown:
                where = (
                    f" [{change.table_id}]" if change.table_id and section.part == "PS3.3" else ""
                )
                value = _value(change)
                lines.append(
                    f"  {change.key}  {change.name}{where}" + (f"  {value}" if value else "")
                )
            if len(shown) < len(changes):
                lines.append(f"  … and {len(changes) - len(shown)} more")
    return "\n".join(lines) + "\n"


def _groups(section: DiffSection) -> list[tuple[str, str, list[Change]]]:
    """(heading, table id for links or "", changes) in the order to show.

    PS3.3 attribute tables: added/removed/renamed tables by kind, then one group per table
    (its rows' changes); elsewhere one group per kind.
    """
    groups: list[tuple[str, str, list[Change]]] = []
    per_table = section.part == "PS3.3"
    for kind, found in groupby(section.changes, key=lambda change: change.kind):
        changes = list(found)
        if per_table and kind not in ("added", "removed", "renamed"):
            continue
        groups.append((f"{kind} ({len(changes)})", "", changes))
    if per_table:
        by_table: dict[str, list[Change]] = {}
        for change in section.changes:
            if change.kind not in ("added", "removed", "renamed"):
                by_table.setdefault(change.table_id, []).append(change)
        for table_id, changes in by_table.items():
            ref = section.tables.get(table_id)
            heading = f"{ref.label if ref else table_id} ({len(changes)})"
            groups.append((heading, table_id, changes))
    return groups


def render_html(diff: EditionDiff) -> str:
    """The diff as one HTML page (UTF-8 text), every text escaped."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("dicomstd.editions", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("diff.html.jinja2")
    return template.render(diff=diff, groups=_groups, value=_value)


def render(diff: EditionDiff, report_format: str) -> str:
    """The diff in ``report_format`` (``text``, ``json``, ``html``).

    Raises:
        ValueError: an unknown format.
    """
    if report_format == "text":
        return render_text(diff)
    if report_format == "json":
        return diff.to_json()
    if report_format == "html":
        return render_html(diff)
    raise ValueError(f"unknown report format {report_format!r} (expected one of {FORMATS})")
