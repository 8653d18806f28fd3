"""``dicomstd build``: read the publications, compile them, emit ``generated/``.

The steps, each in its own module:

1. find the publications: those the manifest (``standard_xml/manifest.json``) names, or the
   paths given (``--source``), which then become the manifest;
2. read each into the document model (:mod:`.publications`);
3. compile the model (:mod:`.extractors`), each table from the newest publication that
   holds it (PS3.6 Table 6-1 from 2015b, its other tables from 2024c, with the data
   elements that 2015b lacks taken from the declared secondary source);
4. render the templates and format with black (:mod:`.emit`);
5. write ``generated/`` atomically, or, with ``check``, compare it with what is there.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from dicomstd.errors import BuildError, PublicationError
from dicomstd.generator import class_emission, emit, iod_emission, manifest
from dicomstd.generator.document import Document
from dicomstd.generator.manifest import Manifest, ManifestEntry

if TYPE_CHECKING:
    from dicomstd.generator.conditions import AuditReport, CoverageReport
from dicomstd.generator.model import (
    CompiledStandard,
    DataElement,
    UID,
    SourceReference,
    TableAccount,
    to_json,
)

__all__ = [
    "BuildOptions",
    "BuildReport",
    "PACKAGE_ROOT",
    "build",
    "compile_documents",
    "edition_key",
    "render_files",
]

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
"""The ``dicomstd`` package folder (holding ``generated/``)."""

DEFAULT_STANDARD_XML = PACKAGE_ROOT.parent / "standard_xml"
DEFAULT_OUTPUT = PACKAGE_ROOT / "generated"

# What each PS3.6 table of data elements is called in messages and counts.
DATA_ELEMENT_TABLES = ("table_6-1", "table_7-1", "table_8-1", "table_9-1")


def edition_key(edition: str) -> tuple[int, str]:
    """Order editions as NEMA releases them: ``2015b`` < ``2016c`` < ``2024c``."""
    return (int(edition[:4]), edition[4:]) if edition[:4].isdigit() else (0, edition)


@dataclass
class BuildOptions:
    """What ``dicomstd build`` was asked to do.

    Attributes:
        sources: publication paths given on the command line; ``None`` reads the manifest.
        standard_xml: the folder holding ``manifest.json`` and imported publications.
        search_path: further folders where the manifest's files may be found.
        output: the ``generated/`` folder to write (or to check).
        check: compare instead of writing; the build then fails when they differ.
        json_path: also write the compiled model as JSON there.
        conditions_report_path: also write the coverage of PS3.3's conditions as JSON there.
    """

    sources: list[Path] | None = None
    standard_xml: Path = DEFAULT_STANDARD_XML
    search_path: list[Path] = field(default_factory=list)
    output: Path = DEFAULT_OUTPUT
    check: bool = False
    json_path: Path | None = None
    conditions_report_path: Path | None = None


@dataclass
class ReadPublication:
    """A publication read: where, what, and how long it took (seconds)."""

    entry: ManifestEntry
    path: Path
    document: Document
    seconds: float


@dataclass
class BuildReport:
    """What a build read and produced, for the command line and the benchmark.

    Attributes:
        read: the publications, with parse seconds.
        accounts: per table compiled, its row accounting.
        counts: items compiled per kind (``data elements``, ``UIDs``...).
        secondary_data_elements: data elements taken from the secondary source.
        files: generated files and their sizes in bytes.
        differences: with ``check``, how ``generated/`` differs (empty when up to date).
        seconds: per step (``read``, ``compile``, ``render``, ``black``, ``write``).
        undefined_tags: (tag, table) of PS3.3 Attributes whose tag neither PS3.6 at hand
            nor the secondary source defines.
        condition_coverage: what the condition compiler made of PS3.3's conditions.
        condition_audit: the compiled conditions that look for an Attribute where no IOD
            puts it, against the reviewed harmless ones.
        prelayout_misses: generated files whose pre-layout black changed, so that they
            were formatted from the templates' text (the same bytes, two black passes
            more); none when the pre-layout knows every shape the templates write.
    """

    read: list[ReadPublication] = field(default_factory=list)
    accounts: list[TableAccount] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    secondary_data_elements: int = 0
    files: list[tuple[str, int]] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    undefined_tags: list[tuple[str, str]] = field(default_factory=list)
    condition_coverage: CoverageReport | None = None
    condition_audit: AuditReport | None = None
    prelayout_misses: list[str] = field(default_factory=list)


Progress = Callable[[Sequence[tuple[ManifestEntry, Path]]], Iterable[tuple[ManifestEntry, Path]]]


def _no_progress(
    items: Sequence[tuple[ManifestEntry, Path]],
) -> Iterable[tuple[ManifestEntry, Path]]:
    return items


def locate_publications(options: BuildOptions) -> list[tuple[ManifestEntry, Path]]:
    """The publications to read, as (manifest entry, path).

    With ``options.sources``, each path is identified (part, edition, format) and hashed;
    otherwise the manifest's files are found and their sha256 checked.

    Raises:
        PublicationError: a path or a manifest file is missing, unidentifiable, or differs
            from the manifest's sha256; two sources are the same part, edition and format.
    """
    from dicomstd.generator import publications

    located: list[tuple[ManifestEntry, Path]] = []
    if options.sources is not None:
        if not options.sources:
            raise PublicationError("no publication given")
        for path in options.sources:
            try:
                path.name.encode("utf-8")
            except UnicodeEncodeError:
                # The name is recorded in the manifest and in generated headers (UTF-8).
                raise PublicationError("the file name is not valid UTF-8", path) from None
            identity = publications.identify(path)
            entry = ManifestEntry(
                part=identity.part,
                edition=identity.edition,
                format=identity.format,
                file=f"{identity.edition}/{path.name}",
                sha256=publications.sha256_of(path),
                source=manifest.nema_address(identity.part, identity.edition, identity.format),
            )
            located.append((entry, path))
    else:
        listed = manifest.read_manifest(options.standard_xml / manifest.MANIFEST_NAME)
        search_path = manifest.standard_search_path(options.search_path)
        for entry in listed.entries:
            path = manifest.resolve(entry, options.standard_xml, search_path)
            digest = publications.sha256_of(path)
            if digest != entry.sha256:
                raise PublicationError(
                    f"sha256 {digest} differs from the manifest's {entry.sha256} for "
                    f"{entry.part} {entry.edition}: not the publication the build was made from",
                    path,
                )
            located.append((entry, path))
    seen: set[tuple[str, str, str]] = set()
    for entry, path in located:
        key = (entry.part, entry.edition, entry.format)
        if key in seen:
            raise PublicationError(f"{entry.part} {entry.edition} ({entry.format}) given twice", path)
        seen.add(key)
    return sorted(located)


def _newest_holding(
    documents: Iterable[Document], part: str, table_id: str
) -> Document | None:
    holding = [d for d in documents if d.part == part and table_id in d.tables]
    # DocBook before CHTML for the same edition: the source format is authoritative.
    return max(
        holding, key=lambda d: (edition_key(d.edition), d.source_format == "docbook"), default=None
    )


def compile_documents(
    documents: list[Document], report: BuildReport | None = None
) -> CompiledStandard:
    """Compile ``documents`` into the model, each table from the newest document holding it.

    Args:
        documents: the publications read (several editions of one part are allowed).
        report: receives row accounts, counts and the secondary-source count.

    Raises:
        BuildError: a needed table is in no document, or an extractor cannot account for a row.
    """
    from dicomstd.generator import conditions as condition_compiler
    from dicomstd.generator import iod_emission
    from dicomstd.generator.conditions.parser import NameSources, Vocabulary
    from dicomstd.generator.extractors import part03, part04, part05, part06, part07, secondary

    report = report if report is not None else BuildReport()
    compiled = CompiledStandard()

    def require(part: str, table_id: str, what: str) -> Document:
        document = _newest_holding(documents, part, table_id)
        if document is None:
            given = ", ".join(sorted(f"{d.part} {d.edition}" for d in documents)) or "none"
            raise BuildError(
                f"no {part} publication given holds {table_id} ({what}); given: {given}"
            )
        return document

    # PS3.6 registry of data elements: each table from the newest publication holding it.
    elements: list[DataElement] = []
    newest_registry_edition = ""
    for table_id in DATA_ELEMENT_TABLES:
        document = require("PS3.6", table_id, "registry of data elements")
        extracted, accounts = part06.extract_data_elements(document)
        elements.extend(e for e in extracted if e.source.table_id == table_id)
        report.accounts.extend(a for a in accounts if a.source.table_id == table_id)
        newest_registry_edition = max(
            newest_registry_edition or document.edition, document.edition, key=edition_key
        )
    table_6_1 = require("PS3.6", "table_6-1", "registry of data elements")
    if edition_key(table_6_1.edition) < edition_key(newest_registry_edition):
        # The publications at hand lack the newer Table 6-1: complete from the declared
        # secondary source, every such entry marked with where it came from.
        elements, report.secondary_data_elements = secondary.complete_from_pydicom(elements)
    compiled.data_elements = sorted(elements, key=lambda e: (e.tag_mask != 0xFFFFFFFF, e.tag_value, e.tag))

    uid_document = require("PS3.6", "table_A-1", "UID registry")
    compiled.uids, accounts = part06.extract_uids(uid_document)
    report.accounts.extend(accounts)

    vr_document = require("PS3.5", "table_6.2-1", "Value Representations")
    compiled.value_representations, accounts = part05.extract_value_representations(vr_document)
    report.accounts.extend(accounts)
    compiled.transfer_syntaxes, accounts = part05.extract_transfer_syntaxes(
        vr_document, compiled.uids
    )
    report.accounts.extend(accounts)

    command_document = require("PS3.7", "table_E.1-1", "command dictionary")
    compiled.command_elements, accounts = part07.extract_command_elements(command_document)
    report.accounts.extend(accounts)

    # PS3.3 and PS3.4: the IODs, their Modules and Macros, and the SOP Class → IOD mapping.
    iod_document = require("PS3.3", "table_C.7-1", "IODs, modules and macros")
    part03_model, accounts = part03.extract_information_object_definitions(iod_document)
    report.accounts.extend(accounts)
    sop_class_document = require("PS3.4", "table_B.5-1", "Standard SOP Classes")
    sop_classes, accounts = part04.extract_sop_classes(sop_class_document)
    report.accounts.extend(accounts)
    iods_of_sop_classes = part04.iods_of_sop_classes(sop_classes, part03_model)
    # The conditions of Type 1C/2C Attributes and of Usage C Modules and Functional Groups,
    # their names read from what this build compiled (never from the previous output).
    vocabulary = Vocabulary(
        part03_model,
        NameSources.from_compiled(compiled.data_elements, compiled.uids, iods_of_sop_classes),
    )
    conditions = condition_compiler.compile_conditions(part03_model, vocabulary=vocabulary)
    report.condition_coverage = condition_compiler.coverage(part03_model, conditions)
    report.condition_audit = condition_compiler.audit(part03_model, conditions)
    compiled.iods = iod_emission.to_specifications(
        part03_model,
        iods_of_sop_classes,
        compiled.data_elements,
        conditions,
    )
    compiled.part03 = part03_model
    compiled.sop_classes = sop_classes

    report.counts = {
        "data elements": len(compiled.data_elements),
        "UIDs": len(compiled.uids),
        "Value Representations": len(compiled.value_representations),
        "Transfer Syntaxes": len(compiled.transfer_syntaxes),
        "command elements": len(compiled.command_elements),
        **{
            kind: count
            for kind, count in part03_model.summary().items()
            if kind not in ("attribute tables",)
        },
        "SOP Classes of PS3.4": len(sop_classes),
        "SOP Classes mapped to an IOD": len(compiled.iods.sop_classes),
    }
    report.undefined_tags = compiled.iods.undefined_tags
    return compiled


def _python_identifier(keyword: str) -> bool:
    import keyword as python_keywords

    return keyword.isidentifier() and not python_keywords.iskeyword(keyword)


def render_files(
    compiled: CompiledStandard, read: list[ReadPublication]
) -> list[emit.GeneratedFile]:
    """Every module of ``generated/`` rendered from the templates, by name, not yet
    formatted (:func:`.emit.format_files` formats them). Each module's header lists only
    the publications its tables came from.

    Raises:
        BuildError: two UIDs share a keyword (their constants would collide), or a
            template fails.
    """
    by_part: dict[str, list[dict[str, str]]] = {}
    for item in read:
        by_part.setdefault(item.entry.part, []).append(
            {
                "part": item.entry.part,
                "edition": item.entry.edition,
                "format": item.entry.format,
                "file": item.entry.file,
                "sha256": item.entry.sha256,
            }
        )
    all_publications = [p for part in sorted(by_part) for p in by_part[part]]
    edition = max((item.entry.edition for item in read), key=edition_key)

    def used(part: str, sources: Iterable[SourceReference]) -> list[dict[str, str]]:
        editions = {s.edition for s in sources if s.part == part}
        return [p for p in by_part.get(part, []) if p["edition"] in editions]

    def module(name: str, **context: Any) -> emit.GeneratedFile:
        """``<name>.py`` rendered from ``templates/<name>.py.jinja2``."""
        return emit.GeneratedFile(
            f"{name}.py", emit.render(f"{name}.py.jinja2", edition=edition, **context)
        )

    element_sources = sorted(
        {e.source for e in compiled.data_elements}, key=lambda s: (s.is_secondary, s)
    )
    files = [
        module(
            "data_dictionary",
            publications=used("PS3.6", element_sources),
            sources=[s.citation for s in element_sources],
            source_index={s: i for i, s in enumerate(element_sources)},
            elements=[e for e in compiled.data_elements if e.tag_mask == 0xFFFFFFFF],
            repeating_elements=[e for e in compiled.data_elements if e.tag_mask != 0xFFFFFFFF],
            element_count=len(compiled.data_elements),
            secondary_count=sum(1 for e in compiled.data_elements if e.source.is_secondary),
        )
    ]
    constants = _uid_constants(compiled.uids)
    files.append(
        module(
            "uids",
            publications=used("PS3.6", (u.source for u in compiled.uids)),
            uids=compiled.uids,
            constants=constants,
            example=next((u for u in constants if u.uid_type == "Transfer Syntax"), constants[0]),
        )
    )
    files.append(
        module(
            "value_representations",
            publications=used("PS3.5", (v.source for v in compiled.value_representations)),
            value_representations=compiled.value_representations,
        )
    )
    files.append(
        module(
            "transfer_syntaxes",
            publications=used("PS3.5", (t.source for t in compiled.transfer_syntaxes))
            + used("PS3.6", (u.source for u in compiled.uids)),
            transfer_syntaxes=compiled.transfer_syntaxes,
        )
    )
    files.append(
        module(
            "command_dictionary",
            publications=used("PS3.7", (c.source for c in compiled.command_elements)),
            command_elements=compiled.command_elements,
        )
    )
    assert compiled.iods is not None
    iod_publications = by_part.get("PS3.3", []) + by_part.get("PS3.4", [])
    uid_names = {u.value: u.name for u in compiled.uids}
    files.extend(
        iod_emission.iod_files(
            compiled.iods, edition=edition, publications=iod_publications, uid_names=uid_names
        )
    )
    modules = sorted(
        name.removesuffix(".py").removesuffix("/__init__")
        for name in (f.name for f in files)
        if "/" not in name or name.endswith("/__init__.py")
    )
    files.append(module("__init__", publications=all_publications, modules=modules))
    # The typed IOD classes (generated/classes/), after the package index above, which lists
    # only the top-level modules.
    files.extend(
        class_emission.class_files_for(
            compiled, edition=edition, publications=iod_publications, uid_names=uid_names
        )
    )
    return sorted(files, key=lambda f: f.name)


def _uid_constants(uids: list[UID]) -> list[UID]:
    """The UIDs that become constants of ``generated/uids.py``: those with a keyword.

    Raises:
        BuildError: a keyword is not a Python name, two UIDs share one, or none has one.
    """
    keyword_owner: dict[str, str] = {}
    constants = []
    for uid in uids:
        if not uid.keyword:
            continue
        if not _python_identifier(uid.keyword):
            raise BuildError(f"UID {uid.value} has keyword {uid.keyword!r}, not a Python name")
        if uid.keyword in keyword_owner:
            raise BuildError(
                f"UIDs {keyword_owner[uid.keyword]} and {uid.value} share keyword {uid.keyword!r}"
            )
        keyword_owner[uid.keyword] = uid.value
        constants.append(uid)
    if not constants:
        raise BuildError("the UID registry read has no UID keywords (PS3.6 Table A-1 before 2016?)")
    return constants


def build(options: BuildOptions, progress: Progress = _no_progress) -> BuildReport:
    """Run the whole build (see the module docstring).

    Args:
        options: what to read and where to write.
        progress: wraps the list of publications while they are read (a progress bar).

    Returns:
        The report; with ``options.check``, ``report.differences`` lists what is out of date.

    Raises:
        PublicationError: a publication is missing, unreadable or not what the manifest says.
        BuildError: compiling or emitting failed; ``generated/`` is then untouched.
    """
    report = BuildReport()
    located = locate_publications(options)
    # Whatever can be written beside its target is written first, so that a destination that
    # cannot be written fails the build before the work, and nothing is renamed into place
    # until everything has succeeded.
    staged: list[tuple[Path, Path]] = []
    if options.sources is not None and not options.check:
        staged.append(
            manifest.stage_manifest(
                Manifest(tuple(entry for entry, _ in located)),
                options.standard_xml / manifest.MANIFEST_NAME,
            )
        )
    try:
        _build(options, progress, located, report, staged)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        temporary.replace(target)
    return report


def _build(
    options: BuildOptions,
    progress: Progress,
    located: list[tuple[ManifestEntry, Path]],
    report: BuildReport,
    staged: list[tuple[Path, Path]],
) -> None:
    from dicomstd.generator import publications

    started = time.perf_counter()
    for entry, path in progress(located):
        began = time.perf_counter()
        document = publications.read_publication(path, expected_part=entry.part)
        if (document.part, document.edition, document.source_format) != (
            entry.part,
            entry.edition,
            entry.format,
        ):
            raise PublicationError(
                f"is {document.part} {document.edition} ({document.source_format}), the "
                f"manifest says {entry.part} {entry.edition} ({entry.format})",
                path,
            )
        report.read.append(ReadPublication(entry, path, document, time.perf_counter() - began))
    report.seconds["read"] = time.perf_counter() - started

    began = time.perf_counter()
    compiled = compile_documents([item.document for item in report.read], report)
    compiled.publications = [
        {"part": r.entry.part, "edition": r.entry.edition, "format": r.entry.format,
         "file": r.entry.file, "sha256": r.entry.sha256}
        for r in report.read
    ]
    report.seconds["compile"] = time.perf_counter() - began

    began = time.perf_counter()
    files = render_files(compiled, report.read)
    report.seconds["render"] = time.perf_counter() - began

    began = time.perf_counter()
    files = emit.format_files(files, report.prelayout_misses)
    report.files = [(f.name, len(f.text.encode("utf-8"))) for f in files]
    report.seconds["black"] = time.perf_counter() - began

    began = time.perf_counter()
    if options.json_path is not None:
        staged.append(_stage_text(to_json(compiled), options.json_path))
    if options.conditions_report_path is not None and report.condition_coverage is not None:
        staged.append(
            _stage_text(report.condition_coverage.to_json(), options.conditions_report_path)
        )
    if options.check:
        report.differences = emit.compare_with(files, options.output)
    else:
        emit.write_atomically(files, options.output)
    report.seconds["write"] = time.perf_counter() - began


def _stage_text(text: str, target: Path) -> tuple[Path, Path]:
    """Write ``text`` beside ``target``; return (temporary, target) for the final rename.

    Raises:
        BuildError: the folder of ``target`` does not exist or cannot be written.
    """
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
    except OSError as error:
        raise BuildError(f"cannot write: {error.strerror}", target) from None
    return temporary, target


def account_summary(accounts: list[TableAccount], *, per_table: bool = False) -> list[str]:
    """Row accounting as lines of text.

    Per publication (default): ``PS3.3 2024c: 959 tables, 13744 rows, 13724 compiled,
    20 skipped (…)``; with ``per_table``, one line per table:
    ``PS3.6 2015b Table 6-1: 3879 rows, 3879 compiled``.
    """
    lines = []
    if per_table:
        for account in accounts:
            extra = "".join(f", {count} {reason}" for reason, count in sorted(account.skipped))
            lines.append(
                f"{account.source.citation}: {account.rows} rows, {account.compiled} compiled{extra}"
            )
        return lines
    grouped: dict[tuple[str, str], list[TableAccount]] = {}
    for account in accounts:
        grouped.setdefault((account.source.part, account.source.edition), []).append(account)
    for (part, edition), group in grouped.items():
        skipped: Counter[str] = Counter()
        for account in group:
            for reason, count in account.skipped:
                # "exception: <why>" → "exception": the per-table lines give the why.
                skipped[reason.split(":")[0]] += count
        extra = (
            f", {sum(skipped.values())} skipped ("
            + "; ".join(f"{count} {reason}" for reason, count in sorted(skipped.items()))
            + ")"
            if skipped
            else ""
        )
        lines.append(
            f"{part} {edition}: {len(group)} tables, {sum(a.rows for a in group)} rows, "
            f"{sum(a.compiled for a in group)} compiled{extra}"
        )
    return lines
