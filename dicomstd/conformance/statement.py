"""Build a Conformance Statement from a :class:`~.declaration.Declaration`: a tree of
numbered sections holding paragraphs, tables and banners, which the templates render as
HTML or Markdown.

The sections follow the template of PS3.2 2024c Annex N (the normative template; its
Annex A, the older template, is retired): a cover, then 1 Overview (N.1), 2 Table of
Contents (N.2), 3 Introduction (N.3), 4 Implementation Model (N.4), 5 Service and
Interoperability Description (N.5), 6 Configuration (N.6), 7 Network and Media Communication
Details (N.7), 8 Security (N.8), and the Annexes A.A Information Object Definitions (N.9),
A.B Structured Report Content Encoding (N.10), A.C Security Details (N.11), A.D Mapping of
Attributes (N.12), A.E Code Set Usage (N.13). As the template asks, a section that does not
apply keeps its place with the text "N/A" and "- N/A" after its title, tables list only
what is supported, Y/N mark support, and tables are numbered within each major section.

The template's boilerplate paragraphs are NEMA's text and are not reproduced: each section
carries text written here, or what the declaration says, and cites the template's section.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence, Union

from dicomstd.conformance.declaration import (
    ApplicationEntity,
    Declaration,
    Parameter,
    SOPClassRef,
    Service,
    TransferSyntaxRef,
)
from dicomstd.conformance.iod_contents import IODContents

__all__ = [
    "Banner",
    "Cell",
    "Items",
    "Paragraph",
    "Section",
    "Statement",
    "Table",
    "build_statement",
]

EDITION = "2024c"
APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1"  # the DICOM Application Context Name (PS3.7 Annex A)


# -- the document tree ------------------------------------------------------------------------


@dataclass(slots=True)
class Cell:
    """A table cell: ``text``; ``kind`` styles it (``y``, ``n``, ``absent``, ``default``,
    ``warn``, ``group``, ``mono``); ``colspan``/``rowspan`` (header cells only);
    ``detail`` a longer text (a tooltip in HTML, a footnote-free aside in Markdown)."""

    text: str
    kind: str = ""
    colspan: int = 1
    rowspan: int = 1
    detail: str = ""


@dataclass(slots=True)
class Table:
    """A numbered table: ``caption``; ``head`` rows (with spans); ``body`` rows; ``note``
    under it; ``number`` assigned when the statement is numbered."""

    caption: str
    head: list[list[Cell]]
    body: list[list[Cell]]
    note: str = ""
    number: str = ""

    def flat_head(self) -> list[str]:
        """One header row (for Markdown): each column's header cells joined, spans resolved."""
        width = sum(cell.colspan for cell in self.head[-1]) if len(self.head) == 1 else self.width()
        columns: list[list[str]] = [[] for _ in range(width)]
        occupied: dict[tuple[int, int], bool] = {}
        for row_index, row in enumerate(self.head):
            column = 0
            for cell in row:
                while occupied.get((row_index, column)):
                    column += 1
                for r in range(row_index, row_index + cell.rowspan):
                    for c in range(column, column + cell.colspan):
                        occupied[(r, c)] = True
                        if (
                            r == row_index
                            and cell.text
                            and (not columns[c] or columns[c][-1] != cell.text)
                        ):
                            columns[c].append(cell.text)
                column += cell.colspan
        return [" ".join(parts) for parts in columns]

    def width(self) -> int:
        """The number of columns."""
        return max((len(row) for row in self.body), default=sum(c.colspan for c in self.head[0]))


@dataclass(slots=True)
class Paragraph:
    """A paragraph of ``text``; ``kind`` ``note`` for a note, ``na`` for "N/A"."""

    text: str
    kind: str = ""


@dataclass(slots=True)
class Items:
    """A bulleted list."""

    items: list[str]


@dataclass(slots=True)
class Banner:
    """A highlighted box: ``level`` (``error``, ``warning``, ``info``), ``title``, ``lines``."""

    level: str
    title: str
    lines: list[str]


Block = Union[Paragraph, Table, Items, Banner]


@dataclass(slots=True)
class Section:
    """A section: ``title``; ``template`` the PS3.2 Annex N section it stands for
    (``N.5.2``); ``blocks``; ``children``; ``na`` (not applicable: "- N/A"); ``number``
    and ``anchor`` assigned when numbered."""

    title: str
    template: str = ""
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    na: bool = False
    number: str = ""
    anchor: str = ""

    @property
    def heading(self) -> str:
        """The numbered title, with "- N/A" where the section does not apply."""
        return f"{self.number} {self.title}{' - N/A' if self.na else ''}".strip()

    def add(self, child: Section) -> Section:
        self.children.append(child)
        return child


def _na(title: str, template: str) -> Section:
    return Section(title, template, [Paragraph("N/A", "na")], na=True)


@dataclass(slots=True)
class Statement:
    """A rendered-ready statement: ``title``, ``cover`` (label, value) rows, ``banners``
    shown under the cover, ``sections`` (numbered), ``warnings`` (the declaration's and the
    samples', as lines), ``edition`` of the template followed."""

    title: str
    cover: list[tuple[str, str]]
    banners: list[Banner]
    sections: list[Section]
    warnings: list[str]
    edition: str = EDITION

    def walk(self) -> Iterable[tuple[int, Section]]:
        """Every section with its depth (1 for the top level), in document order."""

        def visit(sections: list[Section], depth: int) -> Iterable[tuple[int, Section]]:
            for section in sections:
                yield depth, section
                yield from visit(section.children, depth + 1)

        yield from visit(self.sections, 1)


# -- helpers ----------------------------------------------------------------------------------


def _yn(flag: bool) -> Cell:
    return Cell("Y", "y") if flag else Cell("N", "n")


def _head(*labels: str) -> list[list[Cell]]:
    return [[Cell(label) for label in labels]]


def _uid_sort(refs: Iterable[SOPClassRef]) -> list[SOPClassRef]:
    return sorted({ref.uid: ref for ref in refs}.values(), key=lambda ref: ref.uid_sort_key)


def _sop_name(ref: SOPClassRef) -> str:
    return f"{ref.name} (Retired)" if ref.retired else ref.name


def _ts_name(ts: TransferSyntaxRef) -> str:
    return f"{ts.name} (Retired)" if ts.retired else ts.name


def _services(declaration: Declaration) -> Iterable[tuple[ApplicationEntity, Service, SOPClassRef]]:
    for ae in declaration.application_entities:
        for service in ae.services:
            for ref in service.sop_classes:
                yield ae, service, ref


def _syntax_label(declaration: Declaration, syntaxes: Sequence[TransferSyntaxRef]) -> str:
    """``syntaxes`` in their order, a run that makes up a declared Transfer Syntax Set (PS3.2
    Table N.1-2) named by the set's abbreviation, the others by name."""
    labels: list[str] = []
    covered: set[str] = set()
    for ts in syntaxes:
        if ts.uid in covered:
            continue
        for abbreviation, (_, members) in declaration.transfer_syntax_sets.items():
            uids = {member.uid for member in members}
            if ts.uid in uids and uids <= {s.uid for s in syntaxes} and not uids & covered:
                labels.append(abbreviation)
                covered |= uids
                break
        else:
            labels.append(_ts_name(ts))
            covered.add(ts.uid)
    return "; ".join(labels)


# -- building ---------------------------------------------------------------------------------


def build_statement(
    declaration: Declaration,
    contents: Sequence[IODContents] = (),
    *,
    today: datetime.date | None = None,
    unmatched_samples: Sequence[str] = (),
) -> Statement:
    """The statement of ``declaration``, with ``contents`` the IOD contents of its created
    SOP Classes (:func:`~.iod_contents.iod_contents`, in the declaration's order);
    ``unmatched_samples`` lists sample files of no created SOP Class (a warning)."""
    product = declaration.product
    date = product.get("date") or (today or datetime.date.today()).isoformat()
    cover = [
        ("Product", product["name"]),
        ("Version", product["version"]),
        ("Manufacturer", product["manufacturer"]),
        ("Date", date),
    ]
    if product.get("document_number"):
        cover.append(("Document", product["document_number"]))
    cover.append(
        (
            "Template",
            f"PS3.2 {EDITION} Annex N (DICOM Conformance Statement Template); names of SOP Classes, "
            "Transfer Syntaxes and IODs from PS3.3, PS3.4, PS3.5 and PS3.6 as compiled by dicomstd",
        )
    )
    banners: list[Banner] = []
    warnings = [f"{p.file}:{p.line}: {p.message}" for p in declaration.warnings]
    failing = [(c, s) for c in contents for s in c.samples if s.matched and s.errors]
    if failing:
        banners.append(
            Banner(
                "error",
                "Sample instances fail validation",
                [
                    f"{s.path} ({c.sop_class_name}): {len(s.errors)} error(s); see Annex A.A"
                    for c, s in failing
                ],
            )
        )
        warnings.extend(f"{s.path}: {len(s.errors)} validation error(s)" for _, s in failing)
    if unmatched_samples:
        banners.append(
            Banner(
                "warning",
                "Samples of no created SOP Class",
                [f"{path}: not used" for path in unmatched_samples],
            )
        )
        warnings.extend(
            f"{path}: its SOP Class is not declared as created; not used"
            for path in unmatched_samples
        )
    if declaration.warnings:
        banners.append(
            Banner("warning", "Declaration warnings", [str(p) for p in declaration.warnings])
        )
    sections = [
        _overview(declaration),
        Section(
            "Table of Contents",
            "N.2",
            [Paragraph("See the contents at the start of this document.")],
        ),
        _introduction(declaration, date),
        _implementation_model(declaration),
        _service_description(declaration),
        _configuration(declaration),
        _communication(declaration),
        _security(declaration),
        _annex_iods(declaration, contents),
        _na("Structured Report Content Encoding", "N.10"),
        _na("Security Details", "N.11"),
        _annex_mapping(declaration, contents),
        _na("Code Set Usage", "N.13"),
    ]
    statement = Statement(
        f"DICOM Conformance Statement: {product['name']} {product['version']}",
        cover,
        banners,
        sections,
        warnings,
    )
    _number(statement)
    return statement


def _number(statement: Statement) -> None:
    """Number sections 1..8 and the annexes A.A..A.E, and tables within each major section."""
    body, annexes = statement.sections[:8], statement.sections[8:]
    labels = [str(i) for i in range(1, len(body) + 1)] + [
        f"A.{chr(ord('A') + i)}" for i in range(len(annexes))
    ]
    for label, section in zip(labels, statement.sections):
        counter = [0]

        def visit(node: Section, number: str) -> None:
            node.number = number
            node.anchor = "sect-" + number.replace(".", "-")
            for block in node.blocks:
                if isinstance(block, Table):
                    counter[0] += 1
                    block.number = f"{label}-{counter[0]}"
            for index, child in enumerate(node.children, 1):
                visit(child, f"{number}.{index}")

        visit(section, label)


# -- 1 Overview (N.1) -------------------------------------------------------------------------


def _overview(d: Declaration) -> Section:
    section = Section("Overview", "N.1")
    if d.product.get("description"):
        section.blocks.append(Paragraph(d.product["description"]))
    section.blocks.append(_services_overview_table(d))
    content = section.add(Section("Content and Transfer", "N.1.1"))
    storage_rows = _storage_overview(d)
    if storage_rows.body:
        content.blocks.append(
            Paragraph(
                "The Storage SOP Classes the product supports, with the Transfer Syntax Sets of the next "
                "table, its roles for each (DIMSE, DICOM Web, media) and what it does with their "
                "instances: Create (S: Standard, SE: Standard Extended, SP: Specialized, P: Private SOP "
                "Class), Display, Process, Archive."
            )
        )
        content.blocks.append(storage_rows)
        content.blocks.append(_transfer_syntax_sets_table(d))
    else:
        content.na = True
        content.blocks.append(Paragraph("N/A", "na"))
    content.add(_na("Structured Reporting Root Template IDs", "N.1.1.1"))
    dimse = section.add(Section("DIMSE Services", "N.1.2"))
    groups = [
        ("Verification", "verification", "N.1.2.1"),
        ("Storage", "storage", "N.1.2.2"),
        ("Workflow Management", "workflow", "N.1.2.3"),
        ("Query/Retrieve", "query-retrieve", "N.1.2.4"),
        ("Printing", "print", "N.1.2.5"),
        ("Other Services", "other", ""),
    ]
    for title, group, template in groups:
        if group == "storage":
            sub = Section(title, template)
            if storage_rows.body:
                sub.blocks.append(
                    Paragraph("See Section 1.1 for the supported Storage SOP Classes.")
                )
            else:
                sub = _na(title, template)
            dimse.add(sub)
            continue
        table = _dimse_overview(d, group, title)
        if table.body:
            dimse.add(Section(title, template, [table]))
        elif group != "other":  # an added section only where something fills it
            dimse.add(_na(title, template))
    section.add(_na("DICOM Web Services", "N.1.3"))
    section.add(_media_overview(d))
    section.add(_na("Real-Time Video Service", "N.1.5"))
    section.add(_deidentification_overview(d))
    section.add(_character_sets_overview(d))
    return section


def _services_overview_table(d: Declaration) -> Table:
    """A summary: each AE and media entity with its services and roles (PS3.2 N.1 asks for
    an illustration of the implemented services; a table stands for it here)."""
    rows = []
    for ae in d.application_entities:
        for name, roles in sorted(ae.roles().items()):
            rows.append(
                [
                    Cell(ae.name),
                    Cell(ae.ae_title or "-", "mono"),
                    Cell(name),
                    Cell(", ".join(sorted(roles))),
                ]
            )
    for media in d.media:
        media_roles = sorted({role for profile in media.profiles for role in profile.roles})
        rows.append(
            [Cell(media.name), Cell("-"), Cell("Media Storage"), Cell(", ".join(media_roles))]
        )
    return Table(
        "Overview of Implemented Services",
        _head("Application Entity", "Default AE Title", "Service", "Roles"),
        rows,
    )


def _storage_overview(d: Declaration) -> Table:
    by_uid: dict[str, dict[str, object]] = {}

    def entry(ref: SOPClassRef) -> dict[str, object]:
        return by_uid.setdefault(
            ref.uid, {"ref": ref, "roles": set(), "syntaxes": [], "media": set()}
        )

    for _, service, ref in _services(d):
        if ref.service is None or ref.service.overview != "storage":
            continue
        record = entry(ref)
        roles = record["roles"]
        assert isinstance(roles, set)
        roles.add(service.role)
        syntaxes = record["syntaxes"]
        assert isinstance(syntaxes, list)
        syntaxes.extend(ts for ts in service.transfer_syntaxes if ts not in syntaxes)
    for media in d.media:
        for profile in media.profiles:
            for ref in profile.sop_classes:
                media_roles = entry(ref)["media"]
                assert isinstance(media_roles, set)
                media_roles.update(profile.roles)
    created = {c.sop_class.uid: c.kind for c in d.created}
    for c in d.created:
        entry(c.sop_class)
    functions = {name: {ref.uid for ref in refs} for name, refs in d.functions.items()}
    for refs in d.functions.values():
        for ref in refs:
            entry(ref)
    head = [
        [
            Cell("SOP Class", colspan=2),
            Cell("Transfer Syntax Set", rowspan=2),
            Cell("DIMSE", colspan=2),
            Cell("DICOM Web", colspan=2),
            Cell("Media", colspan=3),
            Cell("Function", colspan=4),
        ],
        [Cell("Name"), Cell("UID")]
        + [
            Cell(x)
            for x in (
                "SCU",
                "SCP",
                "UA",
                "OS",
                "FSC",
                "FSU",
                "FSR",
                "Create",
                "Display",
                "Process",
                "Archive",
            )
        ],
    ]
    rows = []
    for uid in sorted(by_uid, key=lambda u: tuple(int(p) for p in u.split("."))):
        record = by_uid[uid]
        sop = record["ref"]
        assert isinstance(sop, SOPClassRef)
        roles, media_roles, syntaxes = record["roles"], record["media"], record["syntaxes"]
        assert (
            isinstance(roles, set) and isinstance(media_roles, set) and isinstance(syntaxes, list)
        )
        rows.append(
            [
                Cell(_sop_name(sop)),
                Cell(uid, "mono"),
                Cell(_syntax_label(d, syntaxes) or "-"),
                _yn("SCU" in roles),
                _yn("SCP" in roles),
                _yn(False),
                _yn(False),
                _yn("FSC" in media_roles),
                _yn("FSU" in media_roles),
                _yn("FSR" in media_roles),
                Cell(created[uid], "y") if uid in created else _yn(False),
                _yn(uid in functions.get("display", set())),
                _yn(uid in functions.get("process", set())),
                _yn(uid in functions.get("archive", set())),
            ]
        )
    return Table("Storage SOP Classes", head, rows)


def _transfer_syntax_sets_table(d: Declaration) -> Table:
    rows = []
    used: list[TransferSyntaxRef] = []
    for _, service, _ in _services(d):
        used.extend(ts for ts in service.transfer_syntaxes if ts not in used)
    covered: set[str] = set()
    for abbreviation, (name, members) in d.transfer_syntax_sets.items():
        for index, ts in enumerate(members):
            covered.add(ts.uid)
            rows.append(
                [
                    Cell(
                        f"{name} ({abbreviation})" if index == 0 else "",
                        "group" if index == 0 else "",
                    ),
                    Cell(_ts_name(ts)),
                    Cell(ts.uid, "mono"),
                ]
            )
    extra = [ts for ts in used if ts.uid not in covered]
    for index, ts in enumerate(extra):
        rows.append(
            [
                Cell(
                    "Not in a set (named in full above)" if index == 0 else "",
                    "group" if index == 0 else "",
                ),
                Cell(_ts_name(ts)),
                Cell(ts.uid, "mono"),
            ]
        )
    return Table(
        "Supported Transfer Syntaxes",
        _head("Transfer Syntax Set", "Transfer Syntax Name", "Transfer Syntax UID"),
        rows,
    )


def _dimse_overview(d: Declaration, group: str, title: str) -> Table:
    found: dict[str, tuple[SOPClassRef, list[TransferSyntaxRef], set[str]]] = {}
    for _, service, ref in _services(d):
        if group == "other" and ref.service is None:
            pass
        elif ref.service is None or ref.service.overview != group:
            continue
        _, syntaxes, roles = found.setdefault(ref.uid, (ref, [], set()))
        syntaxes.extend(ts for ts in service.transfer_syntaxes if ts not in syntaxes)
        roles.add(service.role)
    rows = []
    for ref, syntaxes, roles in sorted(found.values(), key=lambda item: item[0].uid_sort_key):
        for index, ts in enumerate(syntaxes):
            first = index == 0
            rows.append(
                [
                    Cell(_sop_name(ref) if first else ""),
                    Cell(ref.uid if first else "", "mono"),
                    Cell(_ts_name(ts)),
                    Cell(ts.uid, "mono"),
                    _yn("SCU" in roles) if first else Cell(""),
                    _yn("SCP" in roles) if first else Cell(""),
                ]
            )
    head = [
        [
            Cell("SOP Class", colspan=2),
            Cell("Transfer Syntax", colspan=2),
            Cell("SCU", rowspan=2),
            Cell("SCP", rowspan=2),
        ],
        [Cell("Name"), Cell("UID"), Cell("Name"), Cell("UID")],
    ]
    return Table(f"{title} SOP Classes", head, rows)


def _media_overview(d: Declaration) -> Section:
    if not d.media:
        return _na("Media Services", "N.1.4")
    rows = []
    for media in d.media:
        for profile in media.profiles:
            label = profile.profile + ("" if profile.kind == "standard" else f" ({profile.kind})")
            rows.append(
                [
                    Cell(label, "mono"),
                    _yn("FSC" in profile.roles),
                    _yn("FSR" in profile.roles),
                    _yn("FSU" in profile.roles),
                ]
            )
    return Section(
        "Media Services",
        "N.1.4",
        [
            Table(
                "Supported Media Application Profiles",
                _head("Media Storage Application Profile", "FSC", "FSR", "FSU"),
                rows,
            )
        ],
    )


def _deidentification_overview(d: Declaration) -> Section:
    if d.de_identification is None:
        return _na("De-identification Profiles", "N.1.6")
    options = d.de_identification.get("options", [])
    rows = [
        [
            Cell("Basic Application Level Confidentiality Profile"),
            Cell(options[0] if options else "(the Basic Profile)"),
        ]
    ]
    rows.extend([Cell(""), Cell(option)] for option in options[1:])
    return Section(
        "De-identification Profiles",
        "N.1.6",
        [Table("De-Identification Profiles", _head("Profile", "Option"), rows)],
    )


def _character_sets_overview(d: Declaration) -> Section:
    from dicomstd.conformance.profiles import CHARACTER_SETS

    if not d.character_sets:
        return _na("Specific Character Sets", "N.1.7")
    rows = []
    group = ""
    for term in sorted(d.character_sets, key=lambda t: list(CHARACTER_SETS).index(t)):
        entry = CHARACTER_SETS[term]
        if entry.group != group:
            group = entry.group
            rows.append([Cell(group, "group"), Cell(""), Cell("")])
        rows.append([Cell(term, "mono"), Cell(entry.iana or "-"), Cell(entry.description)])
    return Section(
        "Specific Character Sets",
        "N.1.7",
        [
            Table(
                "Supported Specific Character Sets",
                _head("Defined Term", "IANA", "Description"),
                rows,
            )
        ],
    )


# -- 3 Introduction (N.3) ---------------------------------------------------------------------


_ABBREVIATIONS = (
    ("AE", "Application Entity"),
    ("DIMSE", "DICOM Message Service Element"),
    ("FSC / FSR / FSU", "File-set Creator / Reader / Updater"),
    ("IOD", "Information Object Definition"),
    ("MPPS", "Modality Performed Procedure Step"),
    ("MWL", "Modality Worklist"),
    ("PDU", "Protocol Data Unit"),
    ("SCU / SCP", "Service Class User / Provider"),
    ("SOP", "Service-Object Pair"),
    ("TLS", "Transport Layer Security"),
    ("UID", "Unique Identifier"),
)


def _introduction(d: Declaration, date: str) -> Section:
    section = Section("Introduction", "N.3")
    revisions = d.revisions or [
        {
            "revision": "1",
            "date": date,
            "product_versions": d.product["version"],
            "change": "First version",
        }
    ]
    rows = [
        [
            Cell(r["revision"]),
            Cell(r["date"]),
            Cell(r.get("product_versions", "")),
            Cell(r["change"]),
        ]
        for r in revisions
    ]
    section.add(
        Section(
            "Revision History",
            "N.3.1",
            [
                Table(
                    "Revision History",
                    _head("Revision", "Date", "Product Version(s)", "Change"),
                    rows,
                )
            ],
        )
    )
    section.add(
        Section(
            "Audience",
            "N.3.2",
            [
                Paragraph(
                    "Readers who integrate this product with other DICOM systems and who know the concepts and terms of the DICOM Standard."
                )
            ],
        )
    )
    remarks = d.text.get("remarks") or (
        "This statement was generated by dicomstd from the product's declaration; where the product's "
        "behaviour is not declared, the statement says so rather than assume it. A Conformance Statement "
        "alone does not guarantee interoperability: compare it with the other system's statement and test."
    )
    section.add(Section("Remarks", "N.3.3", [Paragraph(remarks)]))
    section.add(
        Section(
            "Terms and Definitions",
            "N.3.4",
            [
                Paragraph(
                    "The terms of this statement are those of the DICOM Standard (PS3.1 to PS3.22) and are not repeated here."
                )
            ],
        )
    )
    section.add(
        Section(
            "Abbreviations",
            "N.3.5",
            [
                Table(
                    "Abbreviations",
                    _head("Abbreviation", "Meaning"),
                    [[Cell(a, "mono"), Cell(m)] for a, m in _ABBREVIATIONS],
                )
            ],
        )
    )
    section.add(
        Section(
            "References",
            "N.3.6",
            [
                Items(
                    [
                        f"NEMA PS3 / ISO 12052, Digital Imaging and Communications in Medicine (DICOM) Standard, edition {EDITION}: "
                        "PS3.2 Conformance, PS3.3 Information Object Definitions, PS3.4 Service Class Specifications, "
                        "PS3.5 Data Structures and Encoding, PS3.6 Data Dictionary, PS3.7 Message Exchange, "
                        "PS3.10 and PS3.11 Media Storage, PS3.15 Security and System Management Profiles. "
                        "https://www.dicomstandard.org/current"
                    ]
                )
            ],
        )
    )
    return section


# -- 4 Implementation Model (N.4) -------------------------------------------------------------


def _implementation_model(d: Declaration) -> Section:
    section = Section("Implementation Model", "N.4")
    if d.implementation.get("architecture"):
        section.blocks.append(Paragraph(d.implementation["architecture"]))
    flow = section.add(Section("Application Entities and Data Flow", "N.4.1"))
    rows = []
    for ae in d.application_entities:
        for service in ae.services:
            names = _service_names(service)
            direction = "initiates (SCU)" if service.role == "SCU" else "accepts (SCP)"
            rows.append(
                [Cell(service.activity or "-"), Cell(ae.name), Cell(f"{names} - {direction}")]
            )
    for media in d.media:
        for profile in media.profiles:
            rows.append(
                [
                    Cell("Media interchange"),
                    Cell(media.name),
                    Cell(f"{profile.profile} as {', '.join(profile.roles)}"),
                ]
            )
    flow.blocks.append(
        Paragraph(
            "The Real-World Activities and the Application Entities that serve them (the data flow, in place of the template's diagram):"
        )
    )
    flow.blocks.append(
        Table(
            "Application Data Flow",
            _head("Real-World Activity", "Application Entity", "DICOM Service and role"),
            rows,
        )
    )
    for ae in d.application_entities:
        sub = flow.add(Section(f"Functional Definition of {ae.name}", "N.4.1.1"))
        if ae.description:
            sub.blocks.append(Paragraph(ae.description))
        sub.blocks.append(
            Items(
                [
                    f"{_service_names(s)}: {s.role}" + (f" ({s.activity})" if s.activity else "")
                    for s in ae.services
                ]
            )
        )
    for media in d.media:
        sub = flow.add(Section(f"Functional Definition of {media.name}", "N.4.1.1"))
        if media.description:
            sub.blocks.append(Paragraph(media.description))
        sub.blocks.append(Items([f"{p.profile}: {', '.join(p.roles)}" for p in media.profiles]))
    return section


def _service_names(service: Service) -> str:
    refs = service.sop_classes
    groups = sorted({ref.service.name if ref.service else "Other" for ref in refs})
    if len(refs) > 3:
        return f"{' and '.join(groups)} ({len(refs)} SOP Classes)"
    return "; ".join(ref.name for ref in refs)


# -- 5 Service and Interoperability Description (N.5) -----------------------------------------


def _service_description(d: Declaration) -> Section:
    section = Section("Service and Interoperability Description", "N.5")
    mapping = section.add(Section("Mapping of Services to Application Entities", "N.5.1"))
    head = [
        [
            Cell("Application Entity", rowspan=2),
            Cell("Supported Services", rowspan=2),
            Cell("DIMSE", colspan=2),
            Cell("DICOM Web", colspan=2),
            Cell("DICOM Media", colspan=3),
        ],
        [Cell(x) for x in ("SCU", "SCP", "Origin Server", "User Agent", "FSC", "FSU", "FSR")],
    ]
    rows = []
    for ae in d.application_entities:
        for index, (name, roles) in enumerate(sorted(ae.roles().items())):
            rows.append(
                [
                    Cell(ae.name if index == 0 else ""),
                    Cell(name),
                    _yn("SCU" in roles),
                    _yn("SCP" in roles),
                    _yn(False),
                    _yn(False),
                    _yn(False),
                    _yn(False),
                    _yn(False),
                ]
            )
    for media in d.media:
        roles = {role for profile in media.profiles for role in profile.roles}
        rows.append(
            [
                Cell(media.name),
                Cell("Media Storage"),
                _yn(False),
                _yn(False),
                _yn(False),
                _yn(False),
                _yn("FSC" in roles),
                _yn("FSU" in roles),
                _yn("FSR" in roles),
            ]
        )
    mapping.blocks.append(Table("Service to AE Mapping", head, rows))

    dimse = section.add(Section("DIMSE Services", "N.5.2"))
    by_service: dict[str, list[tuple[ApplicationEntity, Service]]] = {}
    for ae in d.application_entities:
        for service in ae.services:
            names = {ref.service.name if ref.service else "Other" for ref in service.sop_classes}
            for name in sorted(names):
                by_service.setdefault(name, []).append((ae, service))
    if not by_service:
        dimse.na = True
        dimse.blocks.append(Paragraph("N/A", "na"))
    for name, uses in by_service.items():
        sub = dimse.add(Section(f"{name} Service", "N.5.2"))
        for ae, service in uses:
            refs = [
                ref
                for ref in service.sop_classes
                if (ref.service.name if ref.service else "Other") == name
            ]
            role_name = "Service Class User" if service.role == "SCU" else "Service Class Provider"
            target = refs[0].name if len(refs) == 1 else f"the {name} SOP Classes"
            part = sub.add(Section(f"{service.role} of {target}", "N.5.2"))
            dimse_names = refs[0].service.dimse if refs and refs[0].service else ""
            part.blocks.append(
                Paragraph(
                    f"{ae.name} acts as {role_name} of {target}"
                    + (
                        f" ({dimse_names}, {refs[0].service.reference})"
                        if refs and refs[0].service
                        else ""
                    )
                    + (
                        f', for the Real-World Activity "{service.activity}".'
                        if service.activity
                        else "."
                    )
                )
            )
            if len(refs) > 1:
                part.blocks.append(
                    Paragraph(f"{len(refs)} SOP Classes; see Section 1.1 for the list.")
                )
            if service.description:
                part.blocks.append(Paragraph(service.description))
            created = [c for c in d.created if c.sop_class.uid in {r.uid for r in refs}]
            if service.role == "SCU" and created:
                part.blocks.append(
                    Paragraph("The contents of the instances the product creates are in Annex A.A.")
                )
    section.add(_na("DICOM Web Services", "N.5.3"))
    if d.media:
        media_section = section.add(Section("Media Services", "N.5.4"))
        for entity in d.media:
            for role, title in (
                ("FSC", "File Set Creator (FSC)"),
                ("FSR", "File Set Reader (FSR)"),
                ("FSU", "File Set Updater (FSU)"),
            ):
                profiles = [p.profile for p in entity.profiles if role in p.roles]
                if profiles:
                    sub = media_section.add(Section(f"{title} of {entity.name}", "N.5.4"))
                    sub.blocks.append(
                        Paragraph(
                            f"{entity.name} acts as {role} for the Media Application Profiles {', '.join(profiles)}; see Section 1.4."
                        )
                    )
                    if entity.description:
                        sub.blocks.append(Paragraph(entity.description))
    else:
        section.add(_na("Media Services", "N.5.4"))
    section.add(_na("Real-Time Video Services", "N.5.5"))
    cross = d.text.get("cross_service")
    section.add(
        Section("Cross Service Considerations", "N.5.6", [Paragraph(cross)])
        if cross
        else _na("Cross Service Considerations", "N.5.6")
    )
    if d.character_sets:
        blocks: list[Block] = [
            Paragraph(
                "See Section 1.7 for the supported Values of Specific Character Set (0008,0005)."
            )
        ]
        if d.character_set_description:
            blocks.append(Paragraph(d.character_set_description))
        section.add(Section("Specific Character Sets", "N.5.7", blocks))
    else:
        section.add(_na("Specific Character Sets", "N.5.7"))
    return section


# -- 6 Configuration (N.6) --------------------------------------------------------------------


def _parameter_rows(parameters: Iterable[Parameter]) -> list[list[Cell]]:
    return [
        [Cell(p.parameter), Cell(p.configurable), Cell(p.default), Cell(p.comment)]
        for p in parameters
    ]


def _configuration(d: Declaration) -> Section:
    section = Section("Configuration", "N.6")
    if d.configuration_description:
        section.blocks.append(Paragraph(d.configuration_description))
    section.blocks.append(
        Paragraph(
            "Configurable: USER (by the user), SERVICE (by service personnel), FIXED (not configurable), "
            "N/A (not applicable)."
        )
    )
    general = section.add(Section("General Configuration Parameters", "N.6.1"))
    if d.general_configuration:
        general.blocks.append(
            Table(
                "General Configuration Parameters",
                _head("Parameter", "Configurable", "Default Value", "Comments"),
                _parameter_rows(d.general_configuration),
            )
        )
    else:
        general.na = True
        general.blocks.append(Paragraph("N/A", "na"))
    dimse = section.add(Section("Configuration of DIMSE Services", "N.6.2"))
    for ae in d.application_entities:
        local = []
        roles = {s.role for s in ae.services}
        if ae.ae_title:
            if "SCU" in roles:
                local.append(Parameter("Calling AE Title (SCU)", "SERVICE", ae.ae_title, "", False))
            if "SCP" in roles:
                local.append(Parameter("Called AE Title (SCP)", "SERVICE", ae.ae_title, "", False))
        if ae.port is not None:
            local.append(Parameter("Port", "SERVICE", str(ae.port), "", False))
        if ae.tls_port is not None:
            local.append(Parameter("TLS-Secured Port", "SERVICE", str(ae.tls_port), "", False))
        local.extend(p for p in ae.configuration if not p.remote)
        remote = [p for p in ae.configuration if p.remote]
        sub = dimse.add(Section(f"{ae.name} Configuration", "N.6.2"))
        sub.blocks.append(
            Table(
                f"Local Configuration Parameters - {ae.name}",
                _head("Parameter", "Configurable", "Default Value", "Comments"),
                _parameter_rows(local),
            )
        )
        if remote:
            sub.blocks.append(
                Table(
                    f"Remote Configuration Parameters - {ae.name}",
                    _head("Parameter", "Configurable", "Default Value", "Comments"),
                    _parameter_rows(remote),
                )
            )
    if not d.application_entities:
        dimse.na = True
        dimse.blocks.append(Paragraph("N/A", "na"))
    section.add(_na("Configuration of DICOM Web Services", "N.6.3"))
    media_text = d.text.get("media_configuration")
    if d.media:
        section.add(
            Section(
                "Configuration of Media Storage Service",
                "N.6.4",
                [Paragraph(media_text or "The media services have no configuration parameters.")],
            )
        )
    else:
        section.add(_na("Configuration of Media Storage Service", "N.6.4"))
    section.add(_na("Configuration of Real-Time Video Service", "N.6.5"))
    audit = any(p.name.startswith("Audit Trail Message Transmission") for p in d.security_profiles)
    section.add(
        Section(
            "Configuration of Audit Trail - Syslog",
            "N.6.6",
            [
                Paragraph(
                    "See Section 8.4.1 for the audit profiles; the syslog collector is configured by service personnel."
                )
            ],
        )
        if audit
        else _na("Configuration of Audit Trail - Syslog", "N.6.6")
    )
    return section


# -- 7 Network and Media Communication Details (N.7) ------------------------------------------


def _association_rows(d: Declaration, association: dict[str, object]) -> list[list[Cell]]:
    from dicomstd.generated.uids import UID_REGISTRY

    context = UID_REGISTRY.get(APPLICATION_CONTEXT)
    rows = [
        [
            Cell("Networking Services", "group"),
            Cell("Application Context Name"),
            Cell(
                f"{APPLICATION_CONTEXT} ({context.name if context else 'DICOM Application Context Name'})",
                "mono",
            ),
        ],
        [Cell(""), Cell("Implementation Class UID"), Cell(d.implementation["class_uid"], "mono")],
        [
            Cell(""),
            Cell("Implementation Version Name"),
            Cell(d.implementation.get("version_name", "-"), "mono"),
        ],
    ]
    labels = (
        ("max_pdu_length", "Maximum PDU Length received"),
        ("artim_timeout", "ARTIM Timeout"),
        ("max_initiated", "Maximum number of simultaneous Associations as Association Initiator"),
        ("max_accepted", "Maximum number of simultaneous Associations as Association Acceptor"),
        ("max_async_operations", "Maximum number of outstanding asynchronous Transactions"),
    )
    for key, label in labels:
        if key in association:
            rows.append([Cell(""), Cell(label), Cell(str(association[key]))])
    return rows


def _communication(d: Declaration) -> Section:
    section = Section("Network and Media Communication Details", "N.7")
    general = section.add(Section("General", "N.7.1"))
    general.blocks.append(
        Paragraph(
            "Association parameters common to all Application Entities; those of each AE follow in Section 7.2."
        )
    )
    common: dict[str, object] = {}
    if d.application_entities:
        first = d.application_entities[0].association
        common = {
            k: v
            for k, v in first.items()
            if all(ae.association.get(k) == v for ae in d.application_entities)
            and not k.endswith(("_policy", "_behavior"))
        }
    rows = _association_rows(d, common)
    if d.media:
        rows.append(
            [
                Cell("Media Services", "group"),
                Cell("File Meta Information Version"),
                Cell("00\\01 (PS3.10 Section 7.1)", "mono"),
            ]
        )
        rows.append(
            [
                Cell(""),
                Cell("Implementation Class UID"),
                Cell(d.implementation["class_uid"], "mono"),
            ]
        )
        rows.append(
            [
                Cell(""),
                Cell("Implementation Version Name"),
                Cell(d.implementation.get("version_name", "-"), "mono"),
            ]
        )
    params = general.add(Section("General Association Parameters", "N.7.1.1"))
    params.blocks.append(Table("General Association Parameters", _head("", "Name", "Value"), rows))
    specs = section.add(Section("Specifications", "N.7.2"))
    if not d.application_entities:
        specs.na = True
        specs.blocks.append(Paragraph("N/A", "na"))
    for ae in d.application_entities:
        specs.add(_ae_specification(d, ae, common))
    status = d.text.get("status_codes")
    status_section = section.add(Section("Status Codes", "N.7.3"))
    status_section.blocks.append(
        Paragraph(
            status
            or "The product uses and interprets the status codes that PS3.4 and PS3.7 define for each service above; no product-specific codes are declared."
        )
    )
    for ae in d.application_entities:
        behavior = ae.association.get("failure_behavior")
        if isinstance(behavior, str) and behavior:
            status_section.blocks.append(Paragraph(f"{ae.name}: {behavior}"))
    return section


def _ae_specification(d: Declaration, ae: ApplicationEntity, common: dict[str, object]) -> Section:
    section = Section(f"{ae.name} Application Entity", "N.7.2.1")
    section.add(
        Section("Sequencing of Real-World Activities", "N.7.2.1.1", [Paragraph(ae.sequencing)])
        if ae.sequencing
        else _na("Sequencing of Real-World Activities", "N.7.2.1.1")
    )
    own = {
        k: v
        for k, v in ae.association.items()
        if k not in common and not k.endswith(("_policy", "_behavior"))
    }
    if own:
        section.add(
            Section(
                f"Association Parameters of {ae.name}",
                "N.7.2.1.2",
                [
                    Table(
                        f"Association Parameters for {ae.name}",
                        _head("", "Name", "Value"),
                        _association_rows(d, own),
                    )
                ],
            )
        )
    else:
        section.add(_na(f"Association Parameters of {ae.name}", "N.7.2.1.2"))
    for role, title, template, policy_key in (
        ("SCU", "Association Initiation", "N.7.2.1.3", "initiation_policy"),
        ("SCP", "Association Acceptance", "N.7.2.1.4", "acceptance_policy"),
    ):
        services = [s for s in ae.services if s.role == role]
        if not services:
            section.add(_na(title, template))
            continue
        sub = section.add(Section(title, template))
        policy = ae.association.get(policy_key)
        if isinstance(policy, str) and policy:
            sub.blocks.append(Paragraph(policy))
        activities: dict[str, list[Service]] = {}
        for service in services:
            activities.setdefault(service.activity or "All activities", []).append(service)
        for activity, members in activities.items():
            part = sub.add(Section(f"Real-World Activity {activity}", template + ".1"))
            for service in members:
                if service.description:
                    part.blocks.append(Paragraph(service.description))
            caption = (
                "Proposed Presentation Contexts"
                if role == "SCU"
                else "Acceptable Presentation Contexts"
            )
            part.blocks.append(
                _presentation_contexts(d, members, role, f"{caption} for {activity} of {ae.name}")
            )
            negotiation = [(s, s.extended_negotiation) for s in members if s.extended_negotiation]
            if negotiation:
                part.blocks.append(
                    Table(
                        f"Extended Negotiation for {activity} of {ae.name}",
                        _head("SOP Classes", "Extended Negotiation"),
                        [[Cell(_service_names(s)), Cell(text)] for s, text in negotiation],
                    )
                )
            if role == "SCP":
                ordered: list[TransferSyntaxRef] = []
                for service in members:
                    ordered.extend(ts for ts in service.transfer_syntaxes if ts not in ordered)
                part.blocks.append(
                    Paragraph(
                        "Transfer Syntax selection: where an initiator proposes several Transfer Syntaxes, the first of this order among them is accepted (the order declared)."
                    )
                )
                part.blocks.append(
                    Table(
                        f"Transfer Syntax Selection Preference Order for {activity} of {ae.name}",
                        _head("Preference Order", "Transfer Syntax", "UID"),
                        [
                            [Cell(str(i)), Cell(_ts_name(ts)), Cell(ts.uid, "mono")]
                            for i, ts in enumerate(ordered, 1)
                        ],
                    )
                )
    return section


def _presentation_contexts(
    d: Declaration, services: list[Service], role: str, caption: str
) -> Table:
    head = [
        [
            Cell("Abstract Syntax", colspan=2),
            Cell("Transfer Syntax", rowspan=2),
            Cell("Role", rowspan=2),
            Cell("Extended Negotiation", rowspan=2),
        ],
        [Cell("Name"), Cell("UID")],
    ]
    rows = []
    for service in services:
        label = _syntax_label(d, service.transfer_syntaxes)
        for ref in sorted(service.sop_classes, key=lambda r: r.uid_sort_key):
            rows.append(
                [
                    Cell(_sop_name(ref)),
                    Cell(ref.uid, "mono"),
                    Cell(label),
                    Cell(role),
                    Cell("See below" if service.extended_negotiation else "None"),
                ]
            )
    note = ""
    if (
        any(
            ts.uid not in {m.uid for _, (_, ms) in d.transfer_syntax_sets.items() for m in ms}
            for s in services
            for ts in s.transfer_syntaxes
        )
        or d.transfer_syntax_sets
    ):
        note = "Transfer Syntax Sets are those of Table 1-2; the Transfer Syntaxes are listed in the order of preference."
    return Table(caption, head, rows, note)


# -- 8 Security (N.8) -------------------------------------------------------------------------


def _security(d: Declaration) -> Section:
    section = Section("Security", "N.8")
    intro = section.add(Section("Introduction", "N.8.1"))
    intro.blocks.append(
        Paragraph(
            d.security_description
            or "The security features of the product that concern DICOM communication, as declared."
        )
    )
    network = [p for p in d.security_profiles if p.category == "network"]
    if network:
        section.add(
            Section(
                "External Network Requirements",
                "N.8.2",
                [
                    Table(
                        "External Network Requirements",
                        _head("Profile", "Reference"),
                        [[Cell(p.name), Cell(p.section)] for p in network],
                    )
                ],
            )
        )
    else:
        section.add(_na("External Network Requirements", "N.8.2"))
    ports = [
        [
            Cell(ae.name),
            Cell(str(ae.port) if ae.port else "-"),
            Cell(str(ae.tls_port) if ae.tls_port else "-"),
        ]
        for ae in d.application_entities
        if ae.port or ae.tls_port
    ]
    section.add(
        Section(
            "TCP Port Configuration",
            "N.8.3",
            [Table("DICOM Ports", _head("Application Entity", "Port", "TLS-Secured Port"), ports)],
        )
        if ports
        else _na("TCP Port Configuration", "N.8.3")
    )
    profiles = section.add(Section("DICOM Security Profiles Support", "N.8.4"))

    def profile_table(category: str, title: str, template: str, columns: tuple[str, str]) -> None:
        chosen = [p for p in d.security_profiles if p.category == category]
        if not chosen:
            profiles.add(_na(title, template))
            return
        rows = []
        for p in chosen:
            aes = ", ".join(p.application_entities) or "ALL"
            sends = any(r in ("Sender", "Creator") for r in p.roles) or not p.roles
            receives = any(r in ("Receiver", "Consumer") for r in p.roles) or not p.roles
            rows.append(
                [Cell(p.name), Cell(aes), _yn(sends), _yn(receives), Cell(p.section)]
                + ([Cell(p.comment)] if any(q.comment for q in chosen) else [])
            )
        labels = ["Profile", "Secured AE", columns[0], columns[1], "Reference"] + (
            ["Comments"] if any(q.comment for q in chosen) else []
        )
        profiles.add(Section(title, template, [Table(title, _head(*labels), rows)]))

    profile_table(
        "secure-use",
        "Secure Use and User Identity Profiles",
        "N.8.4.1",
        ("Creator/Sender", "Consumer/Receiver"),
    )
    profile_table(
        "transport", "Secure Transport Connection Profiles", "N.8.4.2", ("Sender", "Receiver")
    )
    profile_table("media", "Media Storage Security Profiles", "N.8.4.3", ("FSC/FSU", "FSR"))
    if d.de_identification is not None:
        options = d.de_identification.get("options", [])
        aes = ", ".join(d.de_identification.get("application_entities", [])) or "ALL"
        configurable = d.de_identification.get("configurable")
        rows = [
            [
                Cell("Basic Application Level Confidentiality"),
                Cell("Basic Profile"),
                Cell(aes),
                _yn(True),
                _yn(False),
                Cell("-" if configurable is None else ("Y" if configurable else "N")),
            ]
        ]
        rows.extend(
            [Cell(""), Cell(option), Cell(aes), _yn(True), _yn(False), Cell("")]
            for option in options
        )
        profiles.add(
            Section(
                "Attribute Confidentiality Profiles",
                "N.8.4.4",
                [
                    Table(
                        "Attribute Confidentiality Profiles",
                        _head(
                            "Profile",
                            "Option",
                            "AE",
                            "De-identifier",
                            "Re-identifier",
                            "Configurable",
                        ),
                        rows,
                    )
                ],
            )
        )
    else:
        profiles.add(_na("Attribute Confidentiality Profiles", "N.8.4.4"))
    profile_table("signature", "Digital Signature Profiles", "N.8.4.5", ("Creator", "Verifier"))
    profiles.add(_na("Additional DICOM Security Profiles", "N.8.4.6"))
    section.add(
        Section("User Identity Negotiation Support", "N.8.5", [Paragraph(d.user_identity)])
        if d.user_identity
        else _na("User Identity Negotiation Support", "N.8.5")
    )
    section.add(_na("Web Services Security Features", "N.8.6"))
    section.add(
        Section("Other Security Features", "N.8.7", [Paragraph(d.security_other)])
        if d.security_other
        else _na("Other Security Features", "N.8.7")
    )
    return section


# -- Annex A.A IODs (N.9) and A.D Mapping of Attributes (N.12) ---------------------------------


_SOURCE_TERMS = (
    "FIXED: pre-defined, not modifiable. GENERATED: generated by the system. CONFIGURATION: copied from "
    "the configuration. MWL: copied from a Modality Worklist entry. QUERY: from a Query/Retrieve query. "
    "USER: entered by the user. SCANNED: read from a barcode scanner or similar. EMPTY: sent with a "
    "zero-length Value. SRC_INSTANCE: copied from other SOP Instances."
)
_PRESENCE_TERMS = (
    "ALWAYS: always present. CONDITIONAL: present depending on a condition (given in the Conditions "
    "column). EMPTY: present without a Value. ABSENT (added by dicomstd, not a term of the template): "
    "present in none of the samples, shown where PS3.3 requires it or the validator reports on it."
)


def _annex_iods(d: Declaration, contents: Sequence[IODContents]) -> Section:
    section = Section("Information Object Definitions (IODs)", "N.9")
    if not contents:
        section.na = True
        section.blocks.append(Paragraph("N/A", "na"))
        return section
    section.blocks.append(
        Paragraph(
            "The SOP Instances the product creates (Create in Table 1-1), by IOD: its Modules, then each Module's Attributes in the order of PS3.3."
        )
    )
    section.blocks.append(Paragraph("Source: " + _SOURCE_TERMS))
    section.blocks.append(Paragraph("Presence of Attribute, Presence of Value: " + _PRESENCE_TERMS))
    section.blocks.append(
        Paragraph(
            "Where sample instances were given, presence is counted from them (the Samples column: "
            "present / with a Value / of), and the findings of dicomstd's validator on them are shown; "
            "elsewhere presence follows the Attribute's Type in PS3.3, and a Source in italics was not "
            "declared but assumed from the Type."
        )
    )
    section.add(
        Section(
            "Information Shared Across Multiple IODs",
            "N.9.1",
            [Paragraph("Each IOD below lists all its Modules; none are factored out.")],
        )
    )
    for content in contents:
        section.add(_iod_section(content))
    return section


def _iod_section(content: IODContents) -> Section:
    section = Section(f"{content.iod_name} IOD ({content.sop_class_name})", "N.9.2")
    section.blocks.append(
        Paragraph(
            f"SOP Class {content.sop_class_name} ({content.sop_class_uid}), {content.iod_reference}."
        )
    )
    if content.description:
        section.blocks.append(Paragraph(content.description))
    matched = [s for s in content.samples if s.matched]
    for sample in matched:
        if sample.errors:
            section.blocks.append(
                Banner(
                    "error",
                    f"Sample {sample.path} fails validation ({len(sample.errors)} error(s))",
                    sample.errors[:50],
                )
            )
    if matched and not any(s.errors for s in matched):
        section.blocks.append(
            Banner(
                "info",
                f"{len(matched)} sample(s) validated without errors",
                [s.path for s in matched],
            )
        )
    from_samples = content.from_samples
    module_rows = []
    for index, module in enumerate(content.modules, 1):
        module_rows.append(
            [
                Cell(module.information_entity),
                Cell(module.name),
                Cell(module.usage),
                Cell(module.presence, "absent" if module.presence == "ABSENT" else ""),
                Cell(_shorten(module.condition), detail=module.condition),
                Cell(module.reference),
            ]
        )
    section.blocks.append(
        Table(
            f"{content.iod_name} IOD Modules",
            _head("IE", "Module", "Usage (PS3.3)", "Presence (Module)", "Condition", "Reference"),
            module_rows,
        )
    )
    modules = section.add(Section(f"{content.iod_name} Modules", "N.9.2.1"))
    for module in content.modules:
        sub = modules.add(Section(f"{module.name} Module", "N.9.2.1"))
        for finding in module.findings:
            sub.blocks.append(
                Banner(
                    (
                        "error"
                        if not finding.startswith(("not-verifiable", "defined-term", "undefined"))
                        else "warning"
                    ),
                    "Validator",
                    [finding],
                )
            )
        labels = [
            "Attribute Name",
            "Tag",
            "Type",
            "Source",
            "Presence of Attribute",
            "Presence of Value",
            "Value",
            "Conditions",
            "Comments",
        ]
        if from_samples:
            labels += ["Samples", "Validator"]
        rows = []
        for row in module.rows:
            cells = [
                Cell(">" * row.depth + row.name),
                Cell(row.tag, "mono"),
                Cell(row.type),
                Cell(row.source, "" if row.source_declared else "default"),
                Cell(row.presence, "absent" if row.presence == "ABSENT" else ""),
                Cell(
                    row.value_presence,
                    "warn" if row.value_presence == "EMPTY" and row.type in ("1", "1C") else "",
                ),
                Cell(row.value),
                Cell(_shorten(row.condition), detail=row.condition),
                Cell(row.comment),
            ]
            if from_samples:
                counts = row.counts or (0, 0, 0)
                cells.append(Cell(f"{counts[0]} / {counts[1]} / {counts[2]}"))
                cells.append(Cell("; ".join(row.findings), "warn" if row.findings else ""))
            rows.append(cells)
        sub.blocks.append(
            Table(f"{module.name} Module of {content.iod_name}", _head(*labels), rows)
        )
    section.add(_na("Functional Group Macros", "N.9.2.2"))
    section.add(_na("Private Modules", "N.9.2.3"))
    section.add(_na("Coded Values", "N.9.2.4"))
    return section


def _shorten(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _annex_mapping(d: Declaration, contents: Sequence[IODContents]) -> Section:
    rows = []
    for content in contents:
        for module in content.modules:
            for row in module.rows:
                if row.source_declared and "MWL" in row.source.split("; "):
                    rows.append(
                        [
                            Cell(content.iod_name),
                            Cell(module.name),
                            Cell(">" * row.depth + row.name),
                            Cell(row.tag, "mono"),
                            Cell(row.source),
                        ]
                    )
    if not rows:
        return _na("Mapping of Attributes", "N.12")
    return Section(
        "Mapping of Attributes",
        "N.12",
        [
            Paragraph(
                "The Attributes of created instances whose Values are copied from the Modality Worklist (Source MWL in Annex A.A)."
            ),
            Table(
                "Attributes Copied from the Modality Worklist",
                _head("IOD", "Module", "Attribute", "Tag", "Source"),
                rows,
            ),
        ],
    )


def statement_for(declaration: Declaration, samples: Sequence[Path] = ()) -> Statement:
    """The statement of ``declaration`` with the IOD contents of its created SOP Classes,
    counted from ``samples`` (files or folders) and the declaration's own samples."""
    from dicomstd.conformance.iod_contents import iod_contents
    from dicomstd.validate.engine import iter_dicom_files

    files = [Path(p) for p in iter_dicom_files([str(p) for p in samples])] if samples else []
    by_class: dict[str, list[Path]] = {}
    unmatched: list[str] = []
    if files:
        import pydicom

        created = {c.sop_class.uid for c in declaration.created}
        for path in files:
            try:
                uid = str(
                    pydicom.dcmread(str(path), stop_before_pixels=True, force=True).get(
                        "SOPClassUID", ""
                    )
                )
            except Exception:  # noqa: BLE001 - the validator reports it; it matches no class
                uid = ""
            if uid in created:
                by_class.setdefault(uid, []).append(path)
            else:
                unmatched.append(str(path))
    contents = [
        iod_contents(created, [*created.samples, *by_class.get(created.sop_class.uid, [])])
        for created in declaration.created
        if created.sop_class.uid
    ]
    return build_statement(declaration, contents, unmatched_samples=unmatched)
