"""PS3.3 Information Object Definitions: IODs, modules, macros and functional groups.

Sources in the standard:

- PS3.3 Annex A: one "IE | Module | Reference | Usage" table per Composite IOD (Table A.3-1
  "CT Image IOD Modules"), and for enhanced multi-frame IODs a "Functional Group Macro |
  Section | Usage" table (Table A.38-2).
- PS3.3 Annex B: one "Module | Reference | Module Description" table per Normalized IOD
  (Table B.10-1); Annex F's Basic Directory IOD (Table F.3-1) adds a Usage column.
- PS3.3 Chapter 8, Chapter 10 and Annex C (and F): the attribute tables, "Attribute Name |
  Tag | Type | Attribute Description" (Table C.7-1 "Patient Module Attributes"); some have no
  Type column (the modules of normalized IODs, Table C.13-2), some say "Description", and the
  directory records of Annex F.5 name their first column "Key".

Tables are recognised by their header columns, never by their ids: an edition that adds a
table is read without a code change, and a table whose columns change fails the build.

Module or macro (:func:`table_kind`): a caption that says "Macro" makes a macro, one that says
"Module" a module (Annex C holds both, side by side, so the section alone cannot decide); a
table whose caption says neither is a module when an IOD table refers to it and a macro
otherwise (it can only be included); a "Key" table is a directory record (PS3.3 F.5).

Row accounting: every body row of every attribute, IOD and functional group table is an
attribute, an include, a placeholder ("Any Attribute ..."), a heading (a row spanned by one
cell, such as "BASIC CODED ENTRY ATTRIBUTES"), or a row of the committed exception list
(``data/part03_exceptions.toml``, each with why); anything else is a
:class:`~dicomstd.errors.BuildError` naming the table and the row.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Iterable

from dicomstd.errors import BuildError
from dicomstd.generator.document import (
    Block,
    Cell,
    CrossReference,
    DefinitionList,
    Document,
    Emphasis,
    Inline,
    ItemList,
    Link,
    Note,
    Paragraph,
    Row,
    Table,
    normalize_text,
)
from dicomstd.generator.extractors.part06 import ParsedTag, parse_tag, row_error, table_source
from dicomstd.generator.iod_model import (
    IOD,
    AnyAttributes,
    AttributeSpec,
    AttributeTable,
    ContextGroupReference,
    Entry,
    FunctionalGroupUsage,
    Include,
    ItemCount,
    ModuleUsage,
    Part03Model,
    ValueSet,
)
from dicomstd.generator.model import SourceReference, TableAccount

__all__ = [
    "ExceptionRow",
    "classify_table",
    "cross_references",
    "extract_information_object_definitions",
    "format_summary",
    "load_exceptions",
    "parse_context_groups",
    "parse_item_count",
    "table_kind",
]

# --- table shapes --------------------------------------------------------------------------

_IOD_HEADER = ("ie", "module", "reference", "usage")
_FUNCTIONAL_GROUP_HEADER = ("functional group macro", "section", "usage")
#: Normalized IODs (Annex B) and the Basic Directory IOD (Annex F, with Usage).
_NORMALIZED_HEADERS = (
    ("module", "reference", "module description"),
    ("module", "reference", "description"),
    ("module", "reference", "usage", "module description"),
)
_ATTRIBUTE_FIRST = ("attribute name", "key")
_DESCRIPTION = ("attribute description", "description")


def _header(table: Table) -> tuple[str, ...]:
    return tuple(text.casefold() for text in table.header_texts())


def classify_table(table: Table) -> str | None:
    """The shape of ``table`` from its header columns.

    Returns:
        ``iod`` (IE | Module | Reference | Usage), ``normalized iod`` (Module | Reference |
        [Usage |] Module Description), ``functional groups`` (Functional Group Macro | Section
        | Usage), ``attributes`` (Attribute Name or Key | Tag | [Type |] Attribute Description
        [| an unnamed column]), or ``None`` for any other table (prose tables, examples of
        encodings) which this extractor does not read.
    """
    header = _header(table)
    if header == _IOD_HEADER:
        return "iod"
    if header in _NORMALIZED_HEADERS:
        return "normalized iod"
    if header == _FUNCTIONAL_GROUP_HEADER:
        return "functional groups"
    if len(header) >= 3 and header[0] in _ATTRIBUTE_FIRST and header[1] == "tag":
        return "attributes"
    return None


def table_kind(table: Table, referred_by_iod: bool) -> str:
    """``module``, ``macro`` or ``directory record`` for an attribute table (rule above)."""
    if _header(table)[0] == "key":
        return "directory record"
    caption = table.caption.casefold()
    if "macro" in caption:
        return "macro"
    if "module" in caption:
        return "module"
    return "module" if referred_by_iod else "macro"


@dataclass(frozen=True, slots=True)
class _Columns:
    """Where an attribute table keeps what (indices into a row's cells)."""

    name: int
    tag: int
    type: int | None
    description: int


def _attribute_columns(document: Document, table: Table) -> _Columns:
    header = _header(table)
    if len(header) >= 4 and header[2] == "type" and header[3] in _DESCRIPTION:
        # Table F.3-3 has a fifth column without a name (it holds nothing we read).
        if len(header) == 4 or all(not text for text in header[4:]):
            return _Columns(0, 1, 2, 3)
    if len(header) == 3 and header[2] in _DESCRIPTION:
        return _Columns(0, 1, None, 2)
    raise BuildError(
        f"{document.part} {document.edition} {table.reference} ({table.id}) has columns "
        f"{list(table.header_texts())}, expected Attribute Name, Tag, [Type,] Attribute "
        "Description",
        document.source,
    )


# --- the exception list --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExceptionRow:
    """A committed exception: a body row the classifier does not recognise, and why.

    Attributes:
        table: the table id.
        starts_with: the row's first cell starts with this text (rows are matched by text,
            not by number, so that an edition that inserts rows does not shift them).
        reason: why the row is not compiled.
    """

    table: str
    starts_with: str
    reason: str


def load_exceptions(text: str | None = None) -> tuple[ExceptionRow, ...]:
    """Read the exception list (``data/part03_exceptions.toml`` when ``text`` is None).

    Raises:
        BuildError: an entry lacks ``table``, ``starts_with`` or ``reason``.
    """
    if text is None:
        text = (
            resources.files("dicomstd.generator")
            .joinpath("data/part03_exceptions.toml")
            .read_text(encoding="utf-8")
        )
    rows: list[ExceptionRow] = []
    for number, entry in enumerate(tomllib.loads(text).get("row", []), start=1):
        try:
            rows.append(
                ExceptionRow(str(entry["table"]), str(entry["starts_with"]), str(entry["reason"]))
            )
        except KeyError as missing:
            raise BuildError(
                f"part03_exceptions.toml entry {number} lacks {missing.args[0]!r}"
            ) from None
    return tuple(rows)


# --- text patterns -------------------------------------------------------------------------

_DEPTH = re.compile(r"^((?:>\s*)*)")
_INCLUDE = re.compile(r"^(?:>\s*)*Include\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"^(?:>\s*)*(?:Any\b.*\bAttributes?\b|Optionally,? all other Attributes\b)", re.IGNORECASE
)
_USAGE = re.compile(r"^\s*([MCU])(?![A-Za-z])\s*(?:[-–—:,.]\s*)?(.*)$", re.DOTALL)
_RETIRED = re.compile(r"\bretired\b", re.IGNORECASE)
_TYPES = {"1", "1C", "2", "2C", "3"}

_CID = re.compile(
    r"\b(?:(?P<short>[BDE])CID|(?:(?P<long>Baseline|Defined|Enumerated)\s+)?"
    r"(?:CID|Context\s+ID))\s*(?P<cid>\d+)(?:\s*[“\"](?P<name>[^”\"]+)[”\"])?",
)
_STRENGTH = {"B": "baseline", "D": "defined", "E": "enumerated"}
_NO_BASELINE = re.compile(r"\bNo\s+(?:Baseline\s+)?(?:CID|TID|Context\s+ID)s?\b", re.IGNORECASE)
_CONSTRAINED = re.compile(
    r"with the following constraints|\bshall\b|\bonly\b|\bwithin\b|\bconstrain",
    re.IGNORECASE,
)

_NUMBERS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "a single": 1, "single": 1}
_NUMBER = r"(zero|one|two|three|four|a single|single|\d+)"
_ITEM_COUNTS: tuple[tuple[re.Pattern[str], str], ...] = (
    # order matters: "one or more" before "one".
    (re.compile(rf"\b{_NUMBER} or more (?:Items|Sequence Items)\b", re.IGNORECASE), "more"),
    (re.compile(rf"\b{_NUMBER} or {_NUMBER} (?:Items|Sequence Items)\b", re.IGNORECASE), "or"),
    (
        re.compile(
            rf"\b(?:only|exactly)?\s*{_NUMBER} (?:Items?|Sequence Items?)\s+"
            r"(?:shall|may|is|are)\b[^.]*?\b(included|present|permitted|allowed)",
            re.IGNORECASE,
        ),
        "exact",
    ),
)
_FIXED_VALUE = re.compile(
    r"\b[Ss]hall (?:have|be set to) (?:a|the)? ?(?:Enumerated )?[Vv]alue(?: of|:)? "
    r"[“\"]?(?P<value>[A-Z0-9](?:[A-Z0-9_\\/-]|\.(?=[A-Z0-9]))*)[”\"]?(?=[\s.,;)]|$)",
)
_VALUE_SET_LABEL = re.compile(
    r"(?:\bValue\s+(?P<prefix>\d+):?\s+)?"
    r"(?P<kind>Enumerated Values?|Defined Terms?)(?:\s+for\s+Value\s+(?P<number>\d+))?\s*:?\s*$",
    re.IGNORECASE,
)
# The paragraph just before an untitled-by-number list that says which Value it is for:
# "Value 1 shall identify the Pixel Data Characteristics" (PS3.3 C.7.6.1.1.2), "Value 2 shall
# have a value of ...", "Enumerated Values for Value 3:".
_VALUE_NUMBER_LEAD = re.compile(
    r"^\s*Value\s+(?P<number>\d+)\b(?!\s*(?:and|or|to|-|–)\s*\d)"
    r"|\bfor\s+Value\s+(?P<suffix>\d+)\s*:?\s*$",
    re.IGNORECASE,
)
_SEE_SECTION_FOR = re.compile(r"\b(Enumerated Values?|Defined Terms?)\b", re.IGNORECASE)


def _number(word: str) -> int:
    word = word.casefold()
    return int(word) if word.isdigit() else _NUMBERS[word]


def parse_item_count(text: str) -> ItemCount | None:
    """The Item count a Sequence's description states, or ``None``.

    "Only a single Item shall be included" → 1..1; "is permitted"/"may be present" → 0..1
    (one at most; whether the Sequence may be empty is its Type's business); "One or more
    Items" → 1..None; "Zero or more Items" → 0..None; "One or two Items" → 1..2; "Two Items
    shall be included" → 2..2.
    """
    for pattern, form in _ITEM_COUNTS:
        match = pattern.search(text)
        if match is None:
            continue
        sentence = _sentence(text, match.start(), match.end())
        if form == "more":
            return ItemCount(_number(match.group(1)), None, sentence)
        if form == "or":
            return ItemCount(_number(match.group(1)), _number(match.group(2)), sentence)
        count = _number(match.group(1))
        required = match.group(2).casefold() in ("included", "present") and (
            "shall" in match.group(0).casefold()
        )
        return ItemCount(count if required else 0, count, sentence)
    return None


def _sentence(text: str, start: int, end: int) -> str:
    begin = text.rfind(". ", 0, start)
    finish = text.find(".", end)
    return text[begin + 2 if begin >= 0 else 0 : finish + 1 if finish >= 0 else len(text)].strip()


def parse_context_groups(text: str) -> tuple[ContextGroupReference, ...]:
    """Context groups named in ``text``: ``BCID 82``, ``DCID 7030 “Name”``, ``Baseline CID
    4031``, ``Defined Context ID 12``, ``CID 2``; each once, in order of appearance."""
    found: list[ContextGroupReference] = []
    seen: set[int] = set()
    for match in _CID.finditer(text):
        cid = int(match.group("cid"))
        if cid in seen:
            continue
        seen.add(cid)
        short, long_form = match.group("short"), match.group("long")
        strength = _STRENGTH[short] if short else (long_form or "").casefold()
        found.append(
            ContextGroupReference(cid, strength, normalize_text(match.group("name") or ""))
        )
    return tuple(found)


# --- cell helpers --------------------------------------------------------------------------


def cross_references(blocks: Iterable[Block]) -> Iterable[CrossReference]:
    """Every cross-reference in ``blocks``, depth first, in document order."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield from _inline_references(block.inlines)
        elif isinstance(block, Note):
            yield from cross_references(block.blocks)
        elif isinstance(block, ItemList):
            for item in block.items:
                yield from cross_references(item)
        elif isinstance(block, DefinitionList):
            for entry in block.entries:
                yield from _inline_references(entry.term)
                yield from cross_references(entry.blocks)


def _inline_references(inlines: Iterable[Inline]) -> Iterable[CrossReference]:
    for inline in inlines:
        if isinstance(inline, CrossReference):
            yield inline
        elif isinstance(inline, (Emphasis, Link)):
            yield from _inline_references(inline.children)


def _is_bold(cell: Cell) -> bool:
    return any(
        isinstance(inline, Emphasis) and inline.role == "bold"
        for paragraph in cell.paragraphs()
        for inline in paragraph.inlines
    )


def _spanned_from(row: Row, index: int, row_index: int) -> bool:
    """True where cell ``index`` repeats the row's first cell (a horizontal span)."""
    origin = row.cells[index].origin
    return origin is not None and origin == (row_index, 0)


def _strip_depth(text: str) -> tuple[int, str]:
    markers = _DEPTH.match(text)
    prefix = markers.group(1) if markers else ""
    return prefix.count(">"), text[len(prefix) :].strip()


def _normalise_type(text: str) -> str:
    """``1``, ``1C``, ``2``, ``2C``, ``3`` from the Type cell; other forms as printed."""
    compact = text.replace(" ", "").upper()
    return compact if compact in _TYPES else text


# --- value sets ----------------------------------------------------------------------------


def _definition_title(block: DefinitionList) -> str:
    """The list's title: both formats print "Enumerated Values:" as the list's own title."""
    return block.title


def _value_number(previous: str) -> int | None:
    """The Value a list is for, from the paragraph just before it ("Value 1 shall identify
    the Pixel Data Characteristics", "Enumerated Values for Value 2:"); ``None`` where it
    names none (or a range of Values: "Value 3 and 4")."""
    match = _VALUE_NUMBER_LEAD.search(previous)
    if match is None:
        return None
    return int(match.group("number") or match.group("suffix"))


def _value_sets(blocks: tuple[Block, ...], source: SourceReference) -> list[ValueSet]:
    """Definition lists of ``blocks`` (not inside notes) with the heading naming their kind:
    the list's title, else a paragraph just before it ending in "Enumerated Values:". The
    Value a list is for is the one its title names ("Value 1 Enumerated Values:",
    "Enumerated Values for Value 2:"), else the one the paragraph just before it opens with
    ("Value 1 shall identify the Pixel Data Characteristics" then "Enumerated Values:")."""
    found: list[ValueSet] = []
    previous = ""
    for block in blocks:
        if isinstance(block, DefinitionList):
            label = _VALUE_SET_LABEL.search(_definition_title(block) or previous)
            kind, number = "listed", None
            if label:
                kind = "enumerated" if label.group("kind").lower().startswith("enum") else "defined"
                printed = label.group("number") or label.group("prefix")
                number = int(printed) if printed else None
            if number is None:
                number = _value_number(previous)
            values = tuple(entry.term_text for entry in block.entries if entry.term_text)
            if values:
                found.append(ValueSet(kind, values, number, source))
            previous = ""
        elif isinstance(block, Paragraph):
            previous = block.text
        elif isinstance(block, ItemList):
            for item in block.items:
                found.extend(_value_sets(item, source))
            previous = ""
    return found


# --- the extraction ------------------------------------------------------------------------


@dataclass
class _Node:
    """A row being built: the tree is made mutable first, then frozen."""

    entry: Entry
    children: list[_Node] = field(default_factory=list)


class _Extraction:
    def __init__(
        self,
        document: Document,
        exceptions: tuple[ExceptionRow, ...],
        allow_missing_targets: bool,
    ) -> None:
        self.document = document
        self.exceptions = exceptions
        self.allow_missing_targets = allow_missing_targets
        self.model = Part03Model(part=document.part, edition=document.edition)
        self.accounts: list[TableAccount] = []
        self.children: dict[str, list[str]] = {}
        for section in document.sections.values():
            if section.parent_id is not None:
                self.children.setdefault(section.parent_id, []).append(section.id)
        self.shapes = {key: classify_table(table) for key, table in document.tables.items()}

    # -- errors

    def error(self, table: Table, number: int, message: str) -> BuildError:
        return row_error(self.document, table, number, message)

    def exception_for(self, table: Table, first_cell: str) -> ExceptionRow | None:
        for exception in self.exceptions:
            if exception.table == table.id and first_cell.startswith(exception.starts_with):
                return exception
        return None

    # -- sections

    def attribute_table_in(self, section_id: str) -> str:
        """The first attribute table in ``section_id`` or, failing that, in its subsections
        (document order): the table a Reference column's section stands for."""
        pending = [section_id]
        while pending:
            current = pending.pop(0)
            section = self.document.sections.get(current)
            if section is None:
                continue
            for table_id in section.table_ids:
                if self.shapes.get(table_id) == "attributes":
                    return table_id
            pending[0:0] = self.children.get(current, [])
        return ""

    def iod_section(self, table: Table) -> str:
        """The IOD's own section: the nearest enclosing section titled "... IOD"."""
        section_id = table.section_id
        while section_id is not None:
            section = self.document.sections.get(section_id)
            if section is None:
                break
            if re.search(r"\bIOD\b(?:\s*\(Retired\))?$", section.title):
                return section.id
            section_id = section.parent_id
        return table.section_id or ""

    # -- IODs

    def reference(self, cell: Cell) -> tuple[str, str]:
        for reference in cross_references(cell.blocks):
            if reference.document in (None, self.document.part):
                return reference.target, reference.label or cell.text
        return "", cell.text

    def iods(self) -> None:
        functional: list[Table] = []
        for table_id, shape in self.shapes.items():
            table = self.document.tables[table_id]
            if shape in ("iod", "normalized iod"):
                self.iod(table, shape)
            elif shape == "functional groups":
                functional.append(table)
        for table in functional:
            self.functional_groups(table)

    def iod(self, table: Table, shape: str) -> None:
        source = table_source(self.document, table)
        header = _header(table)
        composite = shape == "iod"
        usage_column = header.index("usage") if "usage" in header else None
        rows: list[ModuleUsage] = []
        for number, row in enumerate(table.body_rows, start=1):
            texts = row.texts()
            offset = 1 if composite else 0
            module, reference_cell = texts[offset], row.cells[offset + 1]
            target, label = self.reference(reference_cell)
            if not module or not target:
                raise self.error(
                    table, number, f"expected a module and a Reference, got {list(texts)}"
                )
            usage, condition = "", texts[-1] if not composite else ""
            if usage_column is not None:
                match = _USAGE.match(texts[usage_column])
                if match is None:
                    raise self.error(
                        table, number, f"Usage {texts[usage_column]!r} is not M, C or U"
                    )
                usage, condition = match.group(1), normalize_text(match.group(2))
            rows.append(
                ModuleUsage(
                    information_entity=texts[0] if composite else "",
                    module=module,
                    reference=target,
                    reference_label=label,
                    table_id=self.attribute_table_in(target),
                    usage=usage,
                    condition=condition,
                    source=source,
                    row=number,
                )
            )
        section_id = self.iod_section(table)
        section = self.document.sections.get(section_id)
        title = section.title if section is not None else table.caption
        name = re.sub(r"\s*\bIOD\b.*$", "", title) or re.sub(r"\s*\bIOD\b.*$", "", table.caption)
        self.model.iods[table.id] = IOD(
            name=name,
            caption=table.caption,
            kind="composite" if composite else "normalized",
            section_id=section_id,
            table_id=table.id,
            modules=tuple(rows),
            functional_groups=(),
            functional_group_table_id="",
            retired=bool(_RETIRED.search(title)),
            source=source,
        )
        self.accounts.append(TableAccount(source, len(table.body_rows), len(rows)))

    def functional_groups(self, table: Table) -> None:
        source = table_source(self.document, table)
        rows: list[FunctionalGroupUsage] = []
        for number, row in enumerate(table.body_rows, start=1):
            texts = row.texts()
            target, label = self.reference(row.cells[1])
            match = _USAGE.match(texts[2])
            if not texts[0] or not target or match is None:
                raise self.error(
                    table, number, f"expected a macro, a Section and a Usage, got {list(texts)}"
                )
            condition = normalize_text(match.group(2))
            placement = "any"
            if re.search(
                r"(?:may|shall) not be used as a Shared|shall be used as a Per[- ]Frame",
                condition,
                re.IGNORECASE,
            ):
                placement = "per-frame"
            elif re.search(
                r"(?:may|shall) not be used as a Per[- ]Frame|shall be used as a Shared",
                condition,
                re.IGNORECASE,
            ):
                placement = "shared"
            rows.append(
                FunctionalGroupUsage(
                    macro=texts[0],
                    reference=target,
                    reference_label=label,
                    table_id=self.attribute_table_in(target),
                    usage=match.group(1),
                    condition=condition,
                    placement=placement,
                    source=source,
                    row=number,
                )
            )
        iod_table = self.iod_for_functional_groups(table)
        if iod_table is None:
            raise BuildError(
                f"{self.document.part} {self.document.edition} {table.reference} ({table.id}): "
                "no IOD module table found for this Functional Group Macros table",
                self.document.source,
            )
        self.model.iods[iod_table] = dataclasses.replace(
            self.model.iods[iod_table],
            functional_groups=tuple(rows),
            functional_group_table_id=table.id,
        )
        self.accounts.append(TableAccount(source, len(table.body_rows), len(rows)))

    def iod_for_functional_groups(self, table: Table) -> str | None:
        """The IOD whose section encloses ``table``: Table A.38-2 belongs to the IOD of
        Section A.38.1 (whose module table is A.38-1)."""
        wanted = self.iod_section(table)
        candidates = [
            key
            for key, iod in self.model.iods.items()
            if iod.section_id == wanted and iod.kind == "composite"
        ]
        if len(candidates) == 1:
            return candidates[0]
        # Fall back on the caption: "Enhanced CT Image Functional Group Macros".
        name = re.sub(r"\s*(?:IOD\s*)?Functional Group Macros?.*$", "", table.caption)
        named = [key for key, iod in self.model.iods.items() if iod.name == name]
        return named[0] if len(named) == 1 else None

    # -- attribute tables

    def attribute_tables(self) -> None:
        referred = {usage.table_id for iod in self.model.iods.values() for usage in iod.modules}
        for table_id, shape in self.shapes.items():
            if shape != "attributes":
                continue
            table = self.document.tables[table_id]
            if table.caption.casefold().startswith("example"):
                # PS3.3 Chapter 5 illustrates its conventions with invented tables.
                source = table_source(self.document, table)
                self.accounts.append(
                    TableAccount(
                        source,
                        len(table.body_rows),
                        0,
                        (("example table of the conventions (Chapter 5)", len(table.body_rows)),),
                    )
                )
                continue
            self.attribute_table(table, table_kind(table, table_id in referred))

    def attribute_table(self, table: Table, kind: str) -> None:
        document = self.document
        columns = _attribute_columns(document, table)
        source = table_source(document, table)
        roots: list[_Node] = []
        # stack[d] is the last Sequence-capable row at depth d (its Item receives depth d+1).
        stack: list[_Node] = []
        headings: list[str] = []
        skipped: dict[str, int] = {}
        compiled = 0
        for number, (index, row) in enumerate(enumerate(table.body_rows), start=1):
            entry = self.row_entry(table, columns, source, index, number, row)
            if isinstance(entry, str):
                if entry.startswith("heading: "):
                    headings.append(entry.removeprefix("heading: "))
                    reason = "heading row"
                else:
                    reason = entry
                skipped[reason] = skipped.get(reason, 0) + 1
                continue
            compiled += 1
            depth = entry.depth
            if depth > len(stack):
                raise self.error(
                    table,
                    number,
                    f"nesting jumps to depth {depth} ({'>' * depth}) after depth "
                    f"{len(stack) - 1}: no Sequence to hold it",
                )
            node = _Node(entry)
            if depth == 0:
                roots.append(node)
            else:
                stack[depth - 1].children.append(node)
            del stack[depth:]
            stack.append(node)
        caption = table.caption
        section = document.sections.get(table.section_id or "")
        name = re.sub(
            r"\s*(?:Module|Macro|Functional Group Macro)?\s*(?:Attributes|Table|Keys)?\s*$",
            "",
            caption,
        )
        self.model.tables[table.id] = AttributeTable(
            table_id=table.id,
            name=name or caption,
            caption=caption,
            kind=kind,
            section_id=table.section_id or "",
            columns=table.header_texts(),
            has_type=columns.type is not None,
            entries=tuple(_freeze(node) for node in roots),
            retired=bool(
                _RETIRED.search(caption) or (section is not None and _RETIRED.search(section.title))
            ),
            headings=tuple(headings),
            source=source,
        )
        self.accounts.append(
            TableAccount(source, len(table.body_rows), compiled, tuple(sorted(skipped.items())))
        )

    def row_entry(
        self,
        table: Table,
        columns: _Columns,
        source: SourceReference,
        index: int,
        number: int,
        row: Row,
    ) -> Entry | str:
        """Classify one body row: an entry, or the reason it is skipped (``heading: ...``
        for a heading row, ``exception: ...`` for a row of the exception list)."""
        cells = row.cells
        name_text = cells[columns.name].text
        tag_cell = cells[columns.tag]
        spans_tag = _spanned_from(row, columns.tag, index)
        spans_all = all(_spanned_from(row, column, index) for column in range(1, len(cells)))
        tag = None if spans_tag else parse_tag(tag_cell.text)
        if tag is not None:
            # First: some Attributes are called "Include ..." (Include Non-DICOM Objects,
            # (2200,0008)); a tag makes a row an Attribute whatever its name.
            return self.attribute(table, columns, source, number, row, tag)
        if _INCLUDE.match(name_text):
            return self.include(table, columns, source, index, number, row)
        if _PLACEHOLDER.match(name_text):
            depth, text = _strip_depth(name_text)
            type_text = ""
            if columns.type is not None and not _spanned_from(row, columns.type, index):
                type_text = cells[columns.type].text
            description = ""
            if not _spanned_from(row, columns.description, index):
                description = cells[columns.description].text
            return AnyAttributes(text, depth, type_text, description, source, number)
        if spans_all and name_text and (_is_bold(cells[0]) or name_text.upper() == name_text):
            return "heading: " + name_text
        exception = self.exception_for(table, name_text)
        if exception is not None:
            self.model.exceptions_used.append((table.id, number, exception.reason))
            return "exception: " + exception.reason
        raise self.error(
            table,
            number,
            f"unrecognised row {[text[:60] for text in row.texts()]}: neither an Attribute "
            "(no tag), an Include, a placeholder nor a heading, and not in "
            "part03_exceptions.toml",
        )

    def attribute(
        self,
        table: Table,
        columns: _Columns,
        source: SourceReference,
        number: int,
        row: Row,
        tag: ParsedTag,
    ) -> AttributeSpec:
        cells = row.cells
        depth, name = _strip_depth(cells[columns.name].text)
        if not name:
            raise self.error(table, number, f"({tag.text}) has no Attribute Name")
        type_text = cells[columns.type].text if columns.type is not None else ""
        attribute_type = _normalise_type(type_text) if columns.type is not None else ""
        if columns.type is not None and not attribute_type:
            raise self.error(table, number, f"{name} ({tag.text}) has no Type")
        description_cell = cells[columns.description]
        description = description_cell.text
        value_sets = _value_sets(description_cell.blocks, source)
        value_sets.extend(self.pointed_value_sets(description_cell))
        return AttributeSpec(
            name=name,
            tag=tag.text,
            tag_value=tag.value,
            tag_mask=tag.mask,
            depth=depth,
            type=attribute_type,
            type_text=type_text,
            description=description,
            retired=bool(_RETIRED.search(name)),
            value_sets=tuple(value_sets),
            fixed_values=tuple(
                dict.fromkeys(match.group("value") for match in _FIXED_VALUE.finditer(description))
            ),
            item_count=parse_item_count(description),
            context_groups=parse_context_groups(description),
            items=(),
            source=source,
            row=number,
        )

    def pointed_value_sets(self, cell: Cell) -> list[ValueSet]:
        """Value sets of the sections a description sends the reader to for them ("See
        Section C.7.6.1.1.2 for Enumerated Values"): the definition lists of that section's
        own text, of the kind the pointing sentence names where the list has no heading."""
        found: list[ValueSet] = []
        for paragraph in cell.paragraphs():
            kind_match = _SEE_SECTION_FOR.search(paragraph.text)
            if kind_match is None:
                continue
            for reference in _inline_references(paragraph.inlines):
                section = self.document.sections.get(reference.target)
                if section is None or reference.document not in (None, self.document.part):
                    continue
                source = SourceReference(
                    self.document.part,
                    self.document.edition,
                    section.id,
                    f"Section {section.label}" if section.label else section.id,
                )
                for value_set in _value_sets(section.blocks, source):
                    if value_set.kind == "listed":
                        kind = (
                            "enumerated"
                            if kind_match.group(1).lower().startswith("enum")
                            else "defined"
                        )
                        value_set = ValueSet(kind, value_set.values, value_set.value_number, source)
                    found.append(value_set)
        return found

    def include(
        self,
        table: Table,
        columns: _Columns,
        source: SourceReference,
        index: int,
        number: int,
        row: Row,
    ) -> Include | str:
        cells = row.cells
        name_cell = cells[columns.name]
        depth, text = _strip_depth(name_cell.text)
        targets = [
            reference
            for reference in cross_references(name_cell.blocks)
            if reference.target.startswith("table_")
            and reference.document in (None, self.document.part)
        ]
        if not targets:
            exception = self.exception_for(table, name_cell.text)
            if exception is not None:
                self.model.exceptions_used.append((table.id, number, exception.reason))
                return "exception: " + exception.reason
            raise self.error(table, number, f"include {text!r} refers to no table")
        target = targets[0]
        if target.target not in self.document.tables:
            if not self.allow_missing_targets:
                raise self.error(
                    table,
                    number,
                    f"include {text!r} refers to {target.target}, which {self.document.part} "
                    f"{self.document.edition} does not hold",
                )
            self.model.unresolved_includes.append((table.id, number, target.target))
        elif self.shapes.get(target.target) != "attributes":
            raise self.error(
                table,
                number,
                f"include {text!r} refers to {target.target}, which is not an attribute table",
            )
        # The qualifier: what follows the quoted title in the name cell, and the
        # description cell where it is not part of the span.
        qualifier = re.sub(r"^.*?”\s*[.,]?", "", text, count=1) if "”" in text else ""
        if not qualifier and target.label:
            qualifier = text.split(target.label, 1)[-1].lstrip(" .,")
            qualifier = "" if qualifier.startswith("“") else qualifier
        extra = [
            cells[column].text
            for column in range(1, len(cells))
            if not _spanned_from(row, column, index) and cells[column].text
        ]
        qualifier = normalize_text(" ".join([qualifier, *extra]))
        label = target.label or target.target.removeprefix("table_")
        return Include(
            target=target.target,
            target_label=label if label.startswith("Table") else f"Table {label}",
            depth=depth,
            text=normalize_text(" ".join([name_cell.text, *extra])),
            qualifier=qualifier,
            context_groups=parse_context_groups(qualifier),
            no_baseline_cid=bool(_NO_BASELINE.search(qualifier)),
            constrained=bool(_CONSTRAINED.search(qualifier)),
            items=(),
            source=source,
            row=number,
        )


def _freeze(node: _Node) -> Entry:
    entry = node.entry
    if not node.children:
        return entry
    if isinstance(entry, AnyAttributes):
        # A Sequence's Item, or an included macro's last Sequence, holds deeper rows; a
        # placeholder cannot.
        raise BuildError(
            f"{entry.source.citation} ({entry.source.table_id}) body row {entry.row}: rows one "
            "'>' deeper follow a placeholder row, which has no Item"
        )
    items = tuple(_freeze(child) for child in node.children)
    return dataclasses.replace(entry, items=items)


def extract_information_object_definitions(
    document: Document,
    *,
    exceptions: tuple[ExceptionRow, ...] | None = None,
    allow_missing_targets: bool = False,
) -> tuple[Part03Model, list[TableAccount]]:
    """Compile the IODs, modules, macros and functional groups of ``document`` (PS3.3).

    Args:
        document: PS3.3 of any edition, from either publication format.
        exceptions: the exception list; ``None`` reads ``data/part03_exceptions.toml``.
        allow_missing_targets: record (in ``Part03Model.unresolved_includes``) instead of
            failing on an include, Reference or Section whose target the document does not
            hold: for excerpts such as the 2016c one, never for a whole part.

    Returns:
        (the model, one :class:`TableAccount` per IOD, functional group and attribute table,
        in that order).

    Raises:
        BuildError: the document is not PS3.3 or holds no IOD table; a table of a known
            shape has an unexpected column; a row is unrecognised and not in the exception
            list; a Usage is not M, C or U; an include refers to no table, to a table the
            document lacks, or to a table that is not an attribute table; a Reference finds
            no attribute table (whole documents only); nesting skips a level.
    """
    if document.part != "PS3.3":
        raise BuildError(f"expected PS3.3, got {document.part} {document.edition}", document.source)
    extraction = _Extraction(
        document, load_exceptions() if exceptions is None else exceptions, allow_missing_targets
    )
    if not any(shape == "iod" for shape in extraction.shapes.values()):
        raise BuildError(
            f"{document.part} {document.edition} holds no IOD module table "
            "(IE | Module | Reference | Usage)",
            document.source,
        )
    extraction.iods()
    extraction.attribute_tables()
    _check_references(extraction)
    return extraction.model, extraction.accounts


def _check_references(extraction: _Extraction) -> None:
    """Every Reference of a composite IOD and every functional group resolves to a table of
    this document, unless the document is an excerpt (then they are recorded)."""
    model = extraction.model
    for iod in model.iods.values():
        usages: list[ModuleUsage | FunctionalGroupUsage] = [*iod.modules, *iod.functional_groups]
        for usage in usages:
            if usage.table_id:
                continue
            if iod.kind == "normalized" and usage.reference in extraction.document.sections:
                continue  # some normalized modules are defined in prose, without a table
            if extraction.allow_missing_targets:
                model.unresolved_includes.append(
                    (usage.source.table_id, usage.row, usage.reference)
                )
                continue
            raise BuildError(
                f"{usage.source.citation} ({usage.source.table_id}) body row {usage.row}: "
                f"Reference {usage.reference_label!r} ({usage.reference}) holds no attribute "
                "table",
                extraction.document.source,
            )


def format_summary(model: Part03Model, accounts: list[TableAccount]) -> str:
    """Per kind: tables, rows, attributes, includes, exceptions (for the build's output)."""
    counts = model.summary()
    rows = sum(account.rows for account in accounts)
    compiled = sum(account.compiled for account in accounts)
    lines = [
        f"{model.part} {model.edition}: {len(accounts)} tables, {rows} body rows "
        f"({compiled} compiled, {rows - compiled} skipped with a reason)",
    ]
    lines.extend(f"  {key}: {value}" for key, value in counts.items())
    return "\n".join(lines)
