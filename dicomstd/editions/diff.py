"""``dicomstd diff A B``: what changed in the standard between two editions.

A and B are each a set of publications: an edition fetched into ``standard_xml/<edition>/``
(listed by its ``fetched.json``), an edition folder of a standard directory laid out
``<edition>/partNN...`` (``--standard-dir``, ``$DICOMSTD_STANDARD_DIR``, such as
``../shared/dicom-standard``), or explicit publication paths. Only the parts present on both
sides are compared; each part is read once (DocBook preferred to CHTML of the same edition)
and compiled with the extractors of :mod:`dicomstd.generator.extractors` (no build, nothing
emitted). A table one side lacks (PS3.6 Table 6-1 is missing from the 2024c CHTML at hand)
is reported in the section's notes, not fatal; a PS3.3 excerpt (whose includes do not all
resolve) is compared on the tables it holds, and the tables it lacks are not "added".

What is compared, per part (each item keyed as the standard identifies it):

- PS3.6 (Tables 6-1, 7-1, 8-1, 9-1): data elements by tag: added, removed, retired,
  unretired, renamed (Name), keyword changed, VR changed, VM changed. UID registry (Tables
  A-1 to A-4) by UID: added, removed, retired, unretired, renamed, keyword changed, UID Type
  changed.
- PS3.5: Value Representations (Table 6.2-1) by code: added, removed, renamed, length changed,
  character repertoire changed, padding changed; Transfer Syntaxes (Annex A) by UID: added,
  removed, section changed (number or title), encoding changed.
- PS3.7 (Tables E.1-1, E.2-1): command fields by tag, as data elements.
- PS3.4: SOP Classes by UID: added, removed, renamed, IOD changed (the PS3.3 section the row
  refers to, or the IOD's name where both rows print one), service changed.
- PS3.3: IODs (by module table id): added, removed, renamed, and per IOD its Modules added,
  removed, Usage changed; attribute tables (Modules, Macros, directory records, by table
  id): added, removed, renamed; per table in both, its rows by the tags of the enclosing
  Sequences and the tag: attribute added, removed, renamed, Type changed, condition changed
  (the condition sentences of the description), Enumerated Values / Defined Terms changed;
  includes added and removed.
- PS3.15 (Table E.1-1): de-identification by tag: added, removed, renamed, retired changed,
  in-IOD changed, action changed (per profile or option column).

Every change carries the table it concerns, so the HTML report links to NEMA's CHTML page
of the table in each edition (:func:`chtml_url`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from dicomstd.errors import DicomstdError, PublicationError
from dicomstd.generator.document import Document
from dicomstd.generator.manifest import nema_address, standard_search_path

__all__ = [
    "Change",
    "DiffError",
    "DiffSection",
    "EditionDiff",
    "Side",
    "SUPPORTED_PARTS",
    "TableRef",
    "chtml_pages",
    "chtml_url",
    "common_parts",
    "diff_documents",
    "diff_sides",
    "read_side",
    "resolve_edition",
]

#: The parts this module knows how to compare.
SUPPORTED_PARTS = ("PS3.3", "PS3.4", "PS3.5", "PS3.6", "PS3.7", "PS3.15")

_PUBLICATION_NAME = re.compile(
    r"^part(?P<number>\d{1,2})(?P<excerpt>-[\w.-]+?)?(?P<chtml>\.chtml)?"
    r"(?:\.xml|\.tar)?(?:\.xz|\.gz|\.bz2|\.zip)?$",
    re.IGNORECASE,
)
# DocBook XSL chunks sections down to this depth (0 = chapter), as NEMA's CHTML shows.
_CHUNK_SECTION_DEPTH = 4


class DiffError(DicomstdError):
    """A side of a diff cannot be found or read (an unknown edition, no common part)."""


# --- the result ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between A and B.

    Attributes:
        kind: what changed: ``added``, ``removed``, ``retired``, ``renamed``, ``VR changed``,
            ``Type changed``, ``action changed``... (see the module docstring per part).
        key: the item as the standard identifies it: a tag ``0010,0010``, a UID, a table id,
            a VR code; for a row of a PS3.3 attribute table, the tags of its enclosing
            Sequences then its own, joined by ``/``.
        name: the item's name (B's where it has one, else A's).
        before: A's value of what changed (``""`` for an addition).
        after: B's value (``""`` for a removal).
        detail: what the change concerns within the item: the profile or option column of
            PS3.15, the Module of an IOD, the value set's kind.
        table_id: the table the item is in (for links), ``""`` where none.
    """

    kind: str
    key: str
    name: str
    before: str = ""
    after: str = ""
    detail: str = ""
    table_id: str = ""


@dataclass(frozen=True, slots=True)
class TableRef:
    """A table compared, with its NEMA CHTML address in each edition.

    Attributes:
        table_id: ``table_C.7-1``.
        label: ``Table C.7-1 Patient Module Attributes`` (B's caption where B has it).
        url_a, url_b: ``https://dicom.nema.org/medical/dicom/<edition>/output/chtml/
            partNN/<page>.html#<table id>``; ``""`` where that side lacks the table.
    """

    table_id: str
    label: str
    url_a: str
    url_b: str


@dataclass
class DiffSection:
    """The changes of one topic of one part (``PS3.6`` ``Data elements``).

    Attributes:
        part, topic: what is compared.
        edition_a, edition_b: the editions of the two publications compared.
        compared: how many items the two sides have in common (compared field by field).
        count_a, count_b: how many items each side has.
        changes: the differences, grouped by kind in the order of the module docstring.
        tables: the tables concerned, by id (compared ones first).
        notes: what could not be compared and why (a table one side lacks...).
    """

    part: str
    topic: str
    edition_a: str
    edition_b: str
    compared: int = 0
    count_a: int = 0
    count_b: int = 0
    changes: list[Change] = field(default_factory=list)
    tables: dict[str, TableRef] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Changes per kind, in first-seen order."""
        return dict(Counter(change.kind for change in self.changes))


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a diff: what it was named and the publications read.

    Attributes:
        label: the edition name (``2024c``) or ``A``/``B`` for explicit paths.
        publications: per part read: ``part``, ``edition``, ``format``, ``path``.
    """

    label: str
    publications: tuple[dict[str, str], ...]


@dataclass
class EditionDiff:
    """The whole diff of A and B.

    Attributes:
        a, b: the two sides.
        sections: per part compared (in :data:`SUPPORTED_PARTS` order), per topic.
        notes: parts only one side holds, parts not compared.
    """

    a: Side
    b: Side
    sections: list[DiffSection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """The number of changes of all sections."""
        return sum(len(section.changes) for section in self.sections)

    def to_data(self) -> dict[str, Any]:
        """Plain data for JSON (the shape ``dicomstd/editions/diff.schema.json`` describes)."""
        return {
            "format": "dicomstd-edition-diff/1",
            "a": {"label": self.a.label, "publications": list(self.a.publications)},
            "b": {"label": self.b.label, "publications": list(self.b.publications)},
            "total": self.total,
            "notes": list(self.notes),
            "sections": [
                {
                    "part": section.part,
                    "topic": section.topic,
                    "edition_a": section.edition_a,
                    "edition_b": section.edition_b,
                    "count_a": section.count_a,
                    "count_b": section.count_b,
                    "compared": section.compared,
                    "counts": section.counts,
                    "notes": list(section.notes),
                    "tables": [
                        {
                            "table_id": ref.table_id,
                            "label": ref.label,
                            "url_a": ref.url_a,
                            "url_b": ref.url_b,
                        }
                        for ref in section.tables.values()
                    ],
                    "changes": [
                        {
                            "kind": change.kind,
                            "key": change.key,
                            "name": change.name,
                            "before": change.before,
                            "after": change.after,
                            "detail": change.detail,
                            "table_id": change.table_id,
                        }
                        for change in section.changes
                    ],
                }
                for section in self.sections
            ],
        }

    def to_json(self) -> str:
        """Deterministic JSON text of :meth:`to_data`."""
        return json.dumps(self.to_data(), indent=1, ensure_ascii=False) + "\n"


# --- NEMA's CHTML pages ------------------------------------------------------------------------


def chtml_pages(document: Document) -> dict[str, str]:
    """Section id → the CHTML page (without ``.html``) that shows it, as NEMA chunks.

    NEMA renders CHTML with DocBook XSL, which gives a section its own page when it is at
    most five levels deep (chapter = level 1), is not the first section of its parent
    (``chunk.first.sections`` off) and its parent has its own page; otherwise it is shown on
    its parent's page. This rule reproduces the page list of every 2024c CHTML part at hand
    (but for 2 sections of PS3.6 Annex B), and so names pages for editions published only
    as DocBook here. For an excerpt it may be wrong where the excerpt drops a first section.
    """
    first_child: dict[str | None, str] = {}
    for section in document.sections.values():
        first_child.setdefault(section.parent_id, section.id)
    pages: dict[str, str] = {}

    def page(section_id: str) -> tuple[str, int]:
        """(page, depth) of ``section_id``."""
        section = document.sections[section_id]
        if section.parent_id is None or section.parent_id not in document.sections:
            pages[section_id] = section_id
            return section_id, 0
        if section_id in pages:
            parent_page, parent_depth = page(section.parent_id)
            return pages[section_id], parent_depth + 1
        parent_page, parent_depth = page(section.parent_id)
        depth = parent_depth + 1
        own = (
            depth <= _CHUNK_SECTION_DEPTH
            and first_child.get(section.parent_id) != section_id
            and parent_page == section.parent_id
        )
        pages[section_id] = section_id if own else parent_page
        return pages[section_id], depth

    for section_id in document.sections:
        page(section_id)
    return pages


def chtml_url(document: Document, table_id: str, pages: Mapping[str, str] | None = None) -> str:
    """NEMA's address of ``table_id`` in the CHTML of ``document``'s part and edition:
    ``https://dicom.nema.org/medical/dicom/2024c/output/chtml/part03/sect_C.7.html#table_C.7-1``.

    ``""`` where the document lacks the table. ``pages`` is :func:`chtml_pages` (computed
    when not given).
    """
    table = document.tables.get(table_id)
    if table is None:
        return ""
    pages = pages if pages is not None else chtml_pages(document)
    page = pages.get(table.section_id or "", "") or document.part
    return f"{nema_address(document.part, document.edition, 'chtml')}{page}.html#{table_id}"


# --- finding and reading the two sides ----------------------------------------------------------


def _publication_files(folder: Path) -> list[Path]:
    """The files (or CHTML folders) of ``folder`` named like publications (``partNN...``)."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        raise DiffError(f"cannot list: {error.strerror or error}", folder) from None
    return [entry for entry in entries if _PUBLICATION_NAME.match(entry.name)]


def resolve_edition(
    edition: str, standard_xml: Path, standard_dirs: Sequence[Path] = ()
) -> list[Path]:
    """The publications of ``edition``: those ``standard_xml/<edition>/fetched.json`` lists,
    else the ``partNN...`` files of ``<dir>/<edition>/`` for the first standard directory
    that has that folder (``standard_dirs``, then ``$DICOMSTD_STANDARD_DIR``).

    Raises:
        DiffError: no folder holds the edition (the message names the folders tried and the
            fetch command), or its folder holds no publication.
    """
    from dicomstd.editions.fetch import read_fetched

    fetched = standard_xml / edition / "fetched.json"
    if fetched.exists():
        record = read_fetched(fetched)
        return [standard_xml / edition / item.file for item in record.files]
    folders = standard_search_path(list(standard_dirs))
    for folder in [standard_xml, *folders]:
        candidate = folder / edition
        if candidate.is_dir():
            files = _publication_files(candidate)
            if not files:
                raise DiffError(
                    "holds no publication (partNN.xml, partNN.chtml.tar.xz...)", candidate
                )
            return files
    tried = ", ".join(str(folder) for folder in [standard_xml, *folders])
    raise DiffError(
        f"edition {edition} is neither fetched nor in a standard folder (looked in {tried}); "
        f"run 'dicomstd fetch --edition {edition}' or give --standard-dir",
        edition,
    )


@dataclass(frozen=True, slots=True)
class _Candidate:
    part: str
    chtml: bool
    excerpt: bool
    path: Path


def _candidate(path: Path) -> _Candidate:
    """Part and format as the file name tells (``part05.chtml.tar.xz``); other names are
    identified by their content."""
    match = _PUBLICATION_NAME.match(path.name)
    if match is not None:
        return _Candidate(
            part=f"PS3.{int(match.group('number'))}",
            chtml=bool(match.group("chtml")) or path.is_dir(),
            excerpt=bool(match.group("excerpt")),
            path=path,
        )
    from dicomstd.generator.publications import identify

    identity = identify(path)
    return _Candidate(identity.part, identity.format == "chtml", False, path)


def read_side(
    paths: Sequence[Path],
    *,
    parts: Iterable[str] | None = None,
    edition: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Document]:
    """Read one publication per part of ``paths``: part → document.

    Where several publications are of one part, a whole one is preferred to an excerpt,
    then DocBook to CHTML. Only ``parts`` (``PS3.N``) are read where given.

    Raises:
        PublicationError: a publication is unreadable, or not of ``edition`` when given.
    """
    from dicomstd.generator.publications import read_publication

    wanted = set(parts) if parts is not None else None
    chosen: dict[str, _Candidate] = {}
    for path in paths:
        candidate = _candidate(path)
        if wanted is not None and candidate.part not in wanted:
            continue
        current = chosen.get(candidate.part)
        rank = (candidate.excerpt, candidate.chtml)
        if current is None or rank < (current.excerpt, current.chtml):
            chosen[candidate.part] = candidate
    documents: dict[str, Document] = {}
    for part, candidate in sorted(chosen.items(), key=lambda item: _part_number(item[0])):
        if progress is not None:
            progress(f"reading {candidate.path}")
        document = read_publication(candidate.path, expected_part=part)
        if edition is not None and document.edition != edition:
            raise PublicationError(
                f"is {document.part} {document.edition}, not of edition {edition}", candidate.path
            )
        documents[part] = document
    return documents


def common_parts(paths_a: Sequence[Path], paths_b: Sequence[Path]) -> tuple[list[str], list[str]]:
    """The supported parts both lists hold, as their names tell (``partNN...``; other
    names are identified by content), so that only those are read; and notes on the parts
    only one side holds or that are not compared."""
    parts_a = {_candidate(path).part for path in paths_a}
    parts_b = {_candidate(path).part for path in paths_b}
    notes = []
    for part in sorted(parts_a ^ parts_b, key=_part_number):
        if part in SUPPORTED_PARTS:
            notes.append(f"{part}: only in {'A' if part in parts_a else 'B'}, not compared")
    return [part for part in SUPPORTED_PARTS if part in parts_a and part in parts_b], notes


def _part_number(part: str) -> int:
    return int(part.removeprefix("PS3.")) if part.removeprefix("PS3.").isdigit() else 999


def _side_of(label: str, documents: Mapping[str, Document]) -> Side:
    return Side(
        label,
        tuple(
            {
                "part": document.part,
                "edition": document.edition,
                "format": document.source_format,
                "path": document.source,
            }
            for document in documents.values()
        ),
    )


def diff_sides(
    a: Mapping[str, Document],
    b: Mapping[str, Document],
    *,
    label_a: str | None = None,
    label_b: str | None = None,
) -> EditionDiff:
    """Compare the parts both ``a`` and ``b`` hold (part → document, as :func:`read_side`).

    ``label_a``/``label_b`` default to the side's edition where all its publications are of
    one edition, else ``A``/``B``.

    Raises:
        DiffError: the two sides have no supported part in common.
        BuildError: an extractor cannot read a table of a side (its shape is unexpected).
    """

    def label(documents: Mapping[str, Document], default: str) -> str:
        editions = {document.edition for document in documents.values()}
        return editions.pop() if len(editions) == 1 else default

    result = EditionDiff(
        _side_of(label_a or label(a, "A"), a), _side_of(label_b or label(b, "B"), b)
    )
    common = [part for part in SUPPORTED_PARTS if part in a and part in b]
    for part in sorted(set(a) | set(b), key=_part_number):
        if part not in SUPPORTED_PARTS:
            result.notes.append(
                f"{part}: not compared (dicomstd diff compares {', '.join(SUPPORTED_PARTS)})"
            )
        elif part not in b:
            result.notes.append(f"{part}: only in A ({a[part].edition}), not compared")
        elif part not in a:
            result.notes.append(f"{part}: only in B ({b[part].edition}), not compared")
    if not common:
        raise DiffError(
            f"A ({', '.join(sorted(a)) or 'nothing'}) and B ({', '.join(sorted(b)) or 'nothing'}) "
            "have no part in common to compare"
        )
    for part in common:
        result.sections.extend(diff_documents(a[part], b[part]))
    return result


def diff_documents(a: Document, b: Document) -> list[DiffSection]:
    """The sections of the diff of two publications of one part.

    Raises:
        ValueError: ``a`` and ``b`` are not of the same supported part.
        BuildError: an extractor cannot read a table of ``a`` or ``b``.
    """
    if a.part != b.part or a.part not in _DIFFERS:
        raise ValueError(f"cannot compare {a.part} with {b.part}")
    return _DIFFERS[a.part](_Pair(a, b))


# --- comparing ---------------------------------------------------------------------------------


class _Pair:
    """The two documents of a part, their CHTML pages, and the section being filled."""

    def __init__(self, a: Document, b: Document) -> None:
        self.a = a
        self.b = b
        self.pages_a = chtml_pages(a)
        self.pages_b = chtml_pages(b)

    def section(self, topic: str) -> DiffSection:
        return DiffSection(self.a.part, topic, self.a.edition, self.b.edition)

    def ref(self, section: DiffSection, table_id: str) -> None:
        """Record ``table_id`` with its links in ``section``."""
        if not table_id or table_id in section.tables:
            return
        table = self.b.tables.get(table_id) or self.a.tables.get(table_id)
        label = (f"{table.reference} {table.caption}".strip()) if table else table_id
        section.tables[table_id] = TableRef(
            table_id,
            label,
            chtml_url(self.a, table_id, self.pages_a),
            chtml_url(self.b, table_id, self.pages_b),
        )

    def common_tables(self, section: DiffSection, table_ids: Iterable[str]) -> list[str]:
        """Those of ``table_ids`` both sides hold (recorded); the others become notes."""
        common = []
        for table_id in table_ids:
            in_a, in_b = table_id in self.a.tables, table_id in self.b.tables
            if in_a and in_b:
                common.append(table_id)
                self.ref(section, table_id)
            elif in_a or in_b:
                holder = self.a if in_a else self.b
                lacking = self.b if in_a else self.a
                label = holder.tables[table_id].reference
                section.notes.append(
                    f"{label} ({table_id}) is in {holder.edition} ({holder.source_format}) "
                    f"but not in {lacking.edition} ({lacking.source_format}): not compared"
                )
        return common


def _compare_fields(
    changes: list[Change],
    key: str,
    name: str,
    table_id: str,
    fields: Sequence[tuple[str, str, str]],
) -> None:
    """Append a change per (kind, before, after) whose values differ."""
    for kind, before, after in fields:
        if before != after:
            changes.append(Change(kind, key, name, before, after, table_id=table_id))


def _keyed_diff(
    section: DiffSection,
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    name: Callable[[Any], str],
    table_id: Callable[[Any], str],
    compare: Callable[[str, Any, Any, list[Change]], None],
    order: Sequence[str],
) -> None:
    """Fill ``section`` from items keyed alike: added, removed, then what ``compare`` finds,
    the changes sorted by ``order`` of kinds (others after, in first-seen order)."""
    changes: list[Change] = []
    section.count_a, section.count_b = len(a), len(b)
    for key, item in b.items():
        if key not in a:
            changes.append(
                Change("added", key, name(item), after=name(item), table_id=table_id(item))
            )
    for key, item in a.items():
        if key not in b:
            changes.append(
                Change("removed", key, name(item), before=name(item), table_id=table_id(item))
            )
    for key, item in a.items():
        if key in b:
            section.compared += 1
            compare(key, item, b[key], changes)
    rank = {kind: index for index, kind in enumerate(order)}
    section.changes = sorted(changes, key=lambda change: rank.get(change.kind, len(rank)))


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


# PS3.6 -----------------------------------------------------------------------------------------


def _diff_part06(pair: _Pair) -> list[DiffSection]:
    from dicomstd.generator.extractors import part06
    from dicomstd.generator.model import UID, DataElement

    sections = []
    elements = pair.section("Data elements")
    common = pair.common_tables(elements, part06.DATA_ELEMENT_TABLES)
    if common:

        def registry(document: Document) -> dict[str, DataElement]:
            found, _ = part06.extract_data_elements(document)
            return {e.tag: e for e in found if e.source.table_id in common}

        def compare(key: str, x: DataElement, y: DataElement, changes: list[Change]) -> None:
            name = y.name or x.name
            if x.retired != y.retired:
                kind = "retired" if y.retired else "unretired"
                changes.append(
                    Change(kind, key, name, x.comment, y.comment, table_id=y.source.table_id)
                )
            _compare_fields(
                changes,
                key,
                name,
                y.source.table_id,
                [
                    ("renamed", x.name, y.name),
                    ("keyword changed", x.keyword, y.keyword),
                    ("VR changed", x.vr_text, y.vr_text),
                    ("VM changed", x.value_multiplicity, y.value_multiplicity),
                ],
            )

        _keyed_diff(
            elements,
            registry(pair.a),
            registry(pair.b),
            lambda e: e.name or e.keyword or f"({e.tag})",
            lambda e: e.source.table_id,
            compare,
            _DATA_ELEMENT_ORDER,
        )
    sections.append(elements)

    uids = pair.section("UIDs")
    common_uids = pair.common_tables(uids, part06.UID_TABLES)
    if common_uids:

        def uid_registry(document: Document) -> dict[str, UID]:
            found, _ = part06.extract_uids(document)
            return {u.value: u for u in found if u.source.table_id in common_uids}

        registry_a, registry_b = uid_registry(pair.a), uid_registry(pair.b)
        a_has_keywords = any(u.keyword for u in registry_a.values())
        b_has_keywords = any(u.keyword for u in registry_b.values())
        compare_keywords = a_has_keywords and b_has_keywords
        if a_has_keywords != b_has_keywords:
            uids.notes.append(
                f"only {pair.b.edition if b_has_keywords else pair.a.edition} has a UID Keyword "
                "column: keywords not compared"
            )
        unnamed = 0

        def compare_uid(key: str, x: UID, y: UID, changes: list[Change]) -> None:
            nonlocal unnamed
            name = next((n for n in (y.name, x.name) if _named(n)), key)
            if x.retired != y.retired:
                changes.append(
                    Change(
                        "retired" if y.retired else "unretired",
                        key,
                        name,
                        table_id=y.source.table_id,
                    )
                )
            if _named(x.name) and _named(y.name):
                _compare_fields(
                    changes, key, name, y.source.table_id, [("renamed", x.name, y.name)]
                )
            elif x.name != y.name:
                unnamed += 1  # one side has no name as printed
            if compare_keywords:
                _compare_fields(
                    changes,
                    key,
                    name,
                    y.source.table_id,
                    [("keyword changed", x.keyword, y.keyword)],
                )
            _compare_fields(
                changes,
                key,
                name,
                y.source.table_id,
                [("UID Type changed", x.uid_type, y.uid_type)],
            )

        _keyed_diff(
            uids,
            registry_a,
            registry_b,
            lambda u: u.name if _named(u.name) else u.value,
            lambda u: u.source.table_id,
            compare_uid,
            _UID_ORDER,
        )
        if unnamed:
            uids.notes.append(
                f"{unnamed} UIDs have a name on one side only (the other gives an unresolved "
                "DocBook olink into PS3.16, or nothing): names not compared"
            )
    sections.append(uids)
    return sections


def _named(name: str) -> bool:
    """A UID name as printed, not empty nor an unresolved olink's target (``sect_CID_3082``,
    what 2015b DocBook gives for names that live in PS3.16)."""
    return bool(name) and not name.startswith("sect_")


_DATA_ELEMENT_ORDER = (
    "added",
    "removed",
    "retired",
    "unretired",
    "renamed",
    "keyword changed",
    "VR changed",
    "VM changed",
)
_UID_ORDER = (
    "added",
    "removed",
    "retired",
    "unretired",
    "renamed",
    "keyword changed",
    "UID Type changed",
)


# PS3.5 -----------------------------------------------------------------------------------------


def _diff_part05(pair: _Pair) -> list[DiffSection]:
    from dicomstd.generator.extractors import part05
    from dicomstd.generator.model import ValueRepresentation

    sections = []
    vrs = pair.section("Value Representations")
    if pair.common_tables(vrs, ("table_6.2-1",)):

        def compare(
            key: str, x: ValueRepresentation, y: ValueRepresentation, changes: list[Change]
        ) -> None:
            _compare_fields(
                changes,
                key,
                y.name,
                "table_6.2-1",
                [
                    ("renamed", x.name, y.name),
                    ("length changed", x.length_text, y.length_text),
                    (
                        "character repertoire changed",
                        x.character_repertoire,
                        y.character_repertoire,
                    ),
                    ("padding changed", repr(x.padding), repr(y.padding)),
                ],
            )

        _keyed_diff(
            vrs,
            {v.code: v for v in part05.extract_value_representations(pair.a)[0]},
            {v.code: v for v in part05.extract_value_representations(pair.b)[0]},
            lambda v: f"{v.code} {v.name}",
            lambda v: "table_6.2-1",
            compare,
            ("added", "removed", "renamed", "length changed"),
        )
    sections.append(vrs)

    syntaxes = pair.section("Transfer Syntaxes")
    if "chapter_A" in pair.a.sections and "chapter_A" in pair.b.sections:
        # The UIDs each section of Annex A defines, with the encoding its titles state
        # (the extractor's own reading of Annex A, without the UID registry of PS3.6).
        definitions_a = part05._annex_a_definitions(pair.a)
        definitions_b = part05._annex_a_definitions(pair.b)

        def describe(encoding: Any) -> str:
            return ", ".join(
                [
                    "explicit VR" if encoding.explicit_vr else "implicit VR",
                    "little endian" if encoding.little_endian else "big endian",
                    *(["encapsulated"] if encoding.encapsulated else []),
                    *(["deflated"] if encoding.deflated else []),
                ]
            )

        def compare_syntax(key: str, x: Any, y: Any, changes: list[Change]) -> None:
            (section_a, encoding_a), (section_b, encoding_b) = x, y
            _compare_fields(
                changes,
                key,
                section_b.title,
                "",
                [
                    (
                        "section changed",
                        f"{section_a.label} {section_a.title}",
                        f"{section_b.label} {section_b.title}",
                    ),
                    ("encoding changed", describe(encoding_a), describe(encoding_b)),
                ],
            )

        _keyed_diff(
            syntaxes,
            definitions_a,
            definitions_b,
            lambda item: f"{item[0].label} {item[0].title}",
            lambda item: "",
            compare_syntax,
            ("added", "removed", "section changed", "encoding changed"),
        )
    else:
        syntaxes.notes.append("Annex A (Transfer Syntax Specifications) is missing on a side")
    sections.append(syntaxes)
    return sections


# PS3.7 -----------------------------------------------------------------------------------------


def _diff_part07(pair: _Pair) -> list[DiffSection]:
    from dicomstd.generator.extractors import part07
    from dicomstd.generator.model import CommandElement

    commands = pair.section("Command fields")
    common = pair.common_tables(commands, [table_id for table_id, _ in part07.COMMAND_TABLES])
    if "table_E.1-1" in common:

        def compare(key: str, x: CommandElement, y: CommandElement, changes: list[Change]) -> None:
            if x.retired != y.retired:
                changes.append(
                    Change(
                        "retired" if y.retired else "unretired",
                        key,
                        y.name,
                        table_id=y.source.table_id,
                    )
                )
            _compare_fields(
                changes,
                key,
                y.name,
                y.source.table_id,
                [
                    ("renamed", x.name, y.name),
                    ("keyword changed", x.keyword, y.keyword),
                    ("VR changed", x.value_representation, y.value_representation),
                    ("VM changed", x.value_multiplicity, y.value_multiplicity),
                ],
            )

        def fields(document: Document) -> dict[str, CommandElement]:
            found, _ = part07.extract_command_elements(document)
            return {c.tag: c for c in found if c.source.table_id in common}

        _keyed_diff(
            commands,
            fields(pair.a),
            fields(pair.b),
            lambda c: c.name,
            lambda c: c.source.table_id,
            compare,
            _DATA_ELEMENT_ORDER,
        )
    return [commands]


# PS3.4 -----------------------------------------------------------------------------------------


def _diff_part04(pair: _Pair) -> list[DiffSection]:
    from dicomstd.generator.extractors import part04
    from dicomstd.generator.iod_model import SOPClass

    section = pair.section("SOP Classes")

    def classes(document: Document) -> dict[str, SOPClass]:
        found, _ = part04.extract_sop_classes(document)
        by_uid: dict[str, SOPClass] = {}
        for sop_class in found:
            by_uid.setdefault(sop_class.uid, sop_class)
        return by_uid

    def compare(key: str, x: SOPClass, y: SOPClass, changes: list[Change]) -> None:
        table_id = y.source.table_id
        _compare_fields(changes, key, y.name, table_id, [("renamed", x.name, y.name)])
        if x.iod_reference != y.iod_reference or (x.iod and y.iod and x.iod != y.iod):
            changes.append(
                Change(
                    "IOD changed",
                    key,
                    y.name,
                    f"{x.iod or '-'} ({x.iod_reference_label or 'none'})",
                    f"{y.iod or '-'} ({y.iod_reference_label or 'none'})",
                    table_id=table_id,
                )
            )
        if x.source.table_id != y.source.table_id:
            changes.append(
                Change(
                    "moved to another table",
                    key,
                    y.name,
                    f"{x.source.label} {x.service}",
                    f"{y.source.label} {y.service}",
                    table_id=table_id,
                )
            )

    found_a, found_b = classes(pair.a), classes(pair.b)
    for sop_class in [*found_a.values(), *found_b.values()]:
        if (
            sop_class.source.table_id in pair.a.tables
            and sop_class.source.table_id in pair.b.tables
        ):
            pair.ref(section, sop_class.source.table_id)
    _keyed_diff(
        section,
        found_a,
        found_b,
        lambda c: c.name,
        lambda c: c.source.table_id,
        compare,
        ("added", "removed", "renamed", "IOD changed", "moved to another table"),
    )
    for sop_class in [*found_a.values(), *found_b.values()]:
        pair.ref(section, sop_class.source.table_id)
    return [section]


# PS3.15 ----------------------------------------------------------------------------------------


def _diff_part15(pair: _Pair) -> list[DiffSection]:
    from dicomstd.generator.extractors import part15

    section = pair.section("De-identification (Application Level Confidentiality Profile)")
    if not pair.common_tables(section, (part15.DEIDENTIFICATION_TABLE,)):
        return [section]
    rows_a, _ = part15.extract_deidentification(pair.a)
    rows_b, _ = part15.extract_deidentification(pair.b)
    columns_a = [column for column, _ in rows_a[0].actions] if rows_a else []
    columns_b = [column for column, _ in rows_b[0].actions] if rows_b else []
    for column in columns_a:
        if column not in columns_b:
            section.notes.append(f"column {column!r} is only in {pair.a.edition}")
    for column in columns_b:
        if column not in columns_a:
            section.notes.append(f"column {column!r} is only in {pair.b.edition}")
    columns = [column for column in columns_b if column in columns_a]
    table_id = part15.DEIDENTIFICATION_TABLE

    def compare(
        key: str,
        x: part15.DeidentificationAttribute,
        y: part15.DeidentificationAttribute,
        changes: list[Change],
    ) -> None:
        _compare_fields(
            changes,
            key,
            y.name,
            table_id,
            [
                ("renamed", x.name, y.name),
                ("retired changed", _yes(x.retired), _yes(y.retired)),
                ("in Standard IOD changed", _yes(x.in_standard_iod), _yes(y.in_standard_iod)),
            ],
        )
        for column in columns:
            before, after = x.action(column), y.action(column)
            if before != after:
                changes.append(
                    Change(
                        "action changed",
                        key,
                        y.name,
                        before or "(none)",
                        after or "(none)",
                        detail=part15.OPTION_NAMES.get(column, column),
                        table_id=table_id,
                    )
                )

    def describe(row: part15.DeidentificationAttribute) -> str:
        return ", ".join(f"{column} {code}" for column, code in row.actions if code)

    by_a = {row.tag: row for row in rows_a}
    by_b = {row.tag: row for row in rows_b}
    _keyed_diff(
        section,
        by_a,
        by_b,
        lambda row: row.name,
        lambda row: table_id,
        compare,
        (
            "added",
            "removed",
            "renamed",
            "retired changed",
            "in Standard IOD changed",
            "action changed",
        ),
    )
    # An added or removed row shows its actions.
    section.changes = [
        Change(
            change.kind,
            change.key,
            change.name,
            describe(by_a[change.key]) if change.kind == "removed" else change.before,
            describe(by_b[change.key]) if change.kind == "added" else change.after,
            change.detail,
            change.table_id,
        )
        for change in section.changes
    ]
    return [section]


# PS3.3 -----------------------------------------------------------------------------------------


def _part03_model(document: Document) -> tuple[Any, bool]:
    """(the PS3.3 model, whether the document is partial: an excerpt whose includes or
    References do not all resolve)."""
    from dicomstd.errors import BuildError
    from dicomstd.generator.extractors import part03

    try:
        model, _ = part03.extract_information_object_definitions(document)
        return model, False
    except BuildError:
        model, _ = part03.extract_information_object_definitions(
            document, allow_missing_targets=True
        )
        return model, True


def _diff_part03(pair: _Pair) -> list[DiffSection]:
    from dicomstd.generator.conditions.extract import condition_sentences
    from dicomstd.generator.iod_model import IOD, AttributeSpec, AttributeTable, Entry, Include

    model_a, partial_a = _part03_model(pair.a)
    model_b, partial_b = _part03_model(pair.b)
    partial_note = [
        f"{document.edition} is an excerpt: only what it holds is compared; what only "
        f"{other.edition} holds is not counted as added or removed"
        for document, other, partial in ((pair.a, pair.b, partial_a), (pair.b, pair.a, partial_b))
        if partial
    ]

    def present_in_both(
        section: DiffSection, items_a: Mapping[str, Any], items_b: Mapping[str, Any], what: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Drop what a partial side cannot hold."""
        kept_a, kept_b = dict(items_a), dict(items_b)
        if partial_a:
            outside = [key for key in kept_b if key not in kept_a and key not in pair.a.tables]
            for key in outside:
                del kept_b[key]
            if outside:
                section.notes.append(
                    f"{len(outside)} {what} of {pair.b.edition} are not in the "
                    f"{pair.a.edition} excerpt: not compared"
                )
        if partial_b:
            outside = [key for key in kept_a if key not in kept_b and key not in pair.b.tables]
            for key in outside:
                del kept_a[key]
            if outside:
                section.notes.append(
                    f"{len(outside)} {what} of {pair.a.edition} are not in the "
                    f"{pair.b.edition} excerpt: not compared"
                )
        return kept_a, kept_b

    # IODs ----------------------------------------------------------------------------------
    iods = pair.section("IODs")
    iods.notes.extend(partial_note)
    iods_a, iods_b = present_in_both(iods, model_a.iods, model_b.iods, "IODs")

    def compare_iod(key: str, x: IOD, y: IOD, changes: list[Change]) -> None:
        pair.ref(iods, key)
        _compare_fields(changes, key, y.name, key, [("renamed", x.name, y.name)])
        modules_a = {(m.information_entity, m.module): m for m in x.modules}
        modules_b = {(m.information_entity, m.module): m for m in y.modules}
        for (entity, module), usage in modules_b.items():
            if (entity, module) not in modules_a:
                changes.append(
                    Change(
                        "Module added to IOD",
                        f"{entity or '-'} / {module}",
                        y.name,
                        after=f"{module} ({usage.usage or '-'})",
                        table_id=key,
                    )
                )
        for (entity, module), usage in modules_a.items():
            if (entity, module) not in modules_b:
                changes.append(
                    Change(
                        "Module removed from IOD",
                        f"{entity or '-'} / {module}",
                        y.name,
                        before=f"{module} ({usage.usage or '-'})",
                        table_id=key,
                    )
                )
            else:
                other = modules_b[(entity, module)]
                if (usage.usage, _clean(usage.condition)) != (other.usage, _clean(other.condition)):
                    changes.append(
                        Change(
                            "Module Usage changed",
                            f"{entity or '-'} / {module}",
                            y.name,
                            f"{usage.usage} {usage.condition}".strip(),
                            f"{other.usage} {other.condition}".strip(),
                            detail=module,
                            table_id=key,
                        )
                    )

    _keyed_diff(
        iods,
        iods_a,
        iods_b,
        lambda iod: iod.name,
        lambda iod: iod.table_id,
        compare_iod,
        (
            "added",
            "removed",
            "renamed",
            "Module added to IOD",
            "Module removed from IOD",
            "Module Usage changed",
        ),
    )
    for change in iods.changes:
        pair.ref(iods, change.table_id)

    # Modules, Macros, directory records ------------------------------------------------------
    tables = pair.section("Modules and Macros")
    tables.notes.extend(partial_note)
    tables_a, tables_b = present_in_both(tables, model_a.tables, model_b.tables, "attribute tables")

    def rows(table: AttributeTable) -> dict[str, Entry]:
        found: dict[str, Entry] = {}

        def visit(entries: tuple[Entry, ...], path: tuple[str, ...]) -> None:
            for entry in entries:
                if isinstance(entry, AttributeSpec):
                    key = "/".join((*path, entry.tag))
                    found.setdefault(key, entry)
                    visit(entry.items, (*path, entry.tag))
                elif isinstance(entry, Include):
                    key = "/".join((*path, f"include {entry.target}"))
                    found.setdefault(key, entry)
                    visit(entry.items, (*path, f"include {entry.target}"))

        visit(table.entries, ())
        return found

    def describe_entry(entry: Entry) -> str:
        if isinstance(entry, AttributeSpec):
            return f"{entry.name} ({entry.tag}) Type {entry.type or '-'}"
        if isinstance(entry, Include):
            return f"Include {entry.target_label}"
        return entry.text

    def condition(entry: AttributeSpec) -> str:
        return " ".join(sentence.text for sentence in condition_sentences(entry.description))

    def value_sets(entry: AttributeSpec) -> dict[int | None, tuple[str, tuple[str, ...]]]:
        """Per Value number (``None``: every Value): (kind, the values, sorted)."""
        sets: dict[int | None, tuple[str, tuple[str, ...]]] = {}
        for value_set in entry.value_sets:
            kind, values = sets.get(value_set.value_number, (value_set.kind, ()))
            if kind == "listed":
                kind = value_set.kind
            sets[value_set.value_number] = (kind, tuple(sorted({*values, *value_set.values})))
        return sets

    def compare_table(
        key: str, x: AttributeTable, y: AttributeTable, changes: list[Change]
    ) -> None:
        pair.ref(tables, key)
        name = f"{y.name} {y.kind.title()}"
        _compare_fields(changes, key, name, key, [("renamed", x.caption, y.caption)])
        rows_a, rows_b = rows(x), rows(y)
        for row_key, entry in rows_b.items():
            if row_key not in rows_a:
                kind = "include added" if isinstance(entry, Include) else "attribute added"
                changes.append(
                    Change(kind, row_key, name, after=describe_entry(entry), table_id=key)
                )
        for row_key, entry in rows_a.items():
            if row_key not in rows_b:
                kind = "include removed" if isinstance(entry, Include) else "attribute removed"
                changes.append(
                    Change(kind, row_key, name, before=describe_entry(entry), table_id=key)
                )
                continue
            other = rows_b[row_key]
            if not (isinstance(entry, AttributeSpec) and isinstance(other, AttributeSpec)):
                continue
            label = f"{other.name} ({other.tag})"
            if entry.name != other.name:
                changes.append(
                    Change("attribute renamed", row_key, name, entry.name, other.name, label, key)
                )
            if entry.type != other.type:
                changes.append(
                    Change("Type changed", row_key, name, entry.type, other.type, label, key)
                )
            before, after = condition(entry), condition(other)
            if _clean(before) != _clean(after):
                changes.append(
                    Change("condition changed", row_key, name, before, after, label, key)
                )
            sets_a, sets_b = value_sets(entry), value_sets(other)
            for number in sorted(set(sets_a) | set(sets_b), key=lambda n: -1 if n is None else n):
                kind_a, values_a = sets_a.get(number, ("", ()))
                kind_b, values_b = sets_b.get(number, ("", ()))
                kind = kind_b or kind_a
                label_of = {"enumerated": "Enumerated Values", "defined": "Defined Terms"}
                set_label = label_of.get(kind, "Values") + (
                    f" for Value {number}" if number is not None else ""
                )
                if values_a != values_b:
                    added = [value for value in values_b if value not in values_a]
                    removed = [value for value in values_a if value not in values_b]
                    changes.append(
                        Change(
                            f"{label_of.get(kind, 'Enumerated Values')} changed",
                            row_key,
                            name,
                            " ".join(f"−{value}" for value in removed),
                            " ".join(f"+{value}" for value in added),
                            f"{label}: {set_label}",
                            key,
                        )
                    )
                if kind_a in label_of and kind_b in label_of and kind_a != kind_b:
                    changes.append(
                        Change(
                            "value set kind changed",
                            row_key,
                            name,
                            label_of[kind_a],
                            label_of[kind_b],
                            label,
                            key,
                        )
                    )

    _keyed_diff(
        tables,
        tables_a,
        tables_b,
        lambda table: f"{table.name} {table.kind.title()}",
        lambda table: table.table_id,
        compare_table,
        _TABLE_ORDER,
    )
    for change in tables.changes:
        pair.ref(tables, change.table_id)
    return [iods, tables]


_TABLE_ORDER = (
    "added",
    "removed",
    "renamed",
    "attribute added",
    "attribute removed",
    "attribute renamed",
    "Type changed",
    "condition changed",
    "Enumerated Values changed",
    "Defined Terms changed",
    "value set kind changed",
    "include added",
    "include removed",
)


def _clean(text: str) -> str:
    """Text compared without typographic differences (quotes, spaces)."""
    from dicomstd.generator.conditions.extract import normalize

    return normalize(text).casefold()


_DIFFERS: dict[str, Callable[[_Pair], list[DiffSection]]] = {
    "PS3.3": _diff_part03,
    "PS3.4": _diff_part04,
    "PS3.5": _diff_part05,
    "PS3.6": _diff_part06,
    "PS3.7": _diff_part07,
    "PS3.15": _diff_part15,
}
