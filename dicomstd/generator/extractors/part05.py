"""PS3.5 Data Structures and Encoding: Value Representations and Transfer Syntaxes.

Sources in the standard:

- PS3.5 Section 6.2 and Table 6.2-1 (DICOM Value Representations: VR Name, Definition,
  Character Repertoire, Length of Value), and the padding rules of Section 6.2's text.
- PS3.5 Annex A (Transfer Syntax Specifications): A.1 Implicit VR Little Endian, A.2
  Explicit VR Little Endian, A.3 Explicit VR Big Endian (retired, without its UID since
  2016c), A.4 the encapsulated Transfer Syntaxes, A.5 Deflated, A.6/A.7 and A.11/A.12 JPIP
  referenced (and deflated), A.8-A.10 SMPTE ST 2110; cross-checked against the Transfer
  Syntax entries of the UID registry (PS3.6 Table A-1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dicomstd.errors import BuildError
from dicomstd.generator.document import (
    Cell,
    Document,
    Emphasis,
    Inline,
    Link,
    Section,
    Text,
    blocks_text,
    normalize_text,
)
from dicomstd.generator.extractors.part06 import check_header, row_error, table_source
from dicomstd.generator.model import (
    UID,
    SourceReference,
    TableAccount,
    TransferSyntax,
    ValueRepresentation,
)

__all__ = [
    "TransferSyntaxCrossCheck",
    "cross_check_transfer_syntaxes",
    "extract_transfer_syntaxes",
    "extract_value_representations",
]

# --- Value Representations ---------------------------------------------------------------

_VR_TABLE = "table_6.2-1"
_VR_HEADER = ("VR Name", "Definition", "Character Repertoire", "Length of Value")
_VR_CODE = re.compile(r"^[A-Z]{2}$")
_VR_CODE_AND_NAME = re.compile(r"^([A-Z]{2})\s+(\S.*)$")
# "16 bytes maximum", "64 chars maximum", "4 bytes fixed", "2^32-2 bytes maximum" (the
# exponent is a superscript, rendered with "^" by _text_with_powers). A difference is only
# read after a power: "232-2" (a superscript lost) must fail, not become 230.
_LENGTH = re.compile(
    r"^(?P<base>\d+)(?:\^(?P<exponent>\d+)(?:\s*-\s*(?P<minus>\d+))?)?\s+"
    r"(?P<unit>bytes|chars|characters)\s+(?P<kind>maximum|fixed)\b"
)
_LENGTH_WORD = re.compile(r"\b(?:maximum|fixed)\b")
_NOT_APPLICABLE = "not applicable"
# Section 6.2: "Values with VRs constructed of character strings, except in the case of
# the VR UI, shall be padded with SPACE characters (20H...)"; "Values with a VR of UI shall
# be padded with a single trailing NULL (00H) character"; the same for OB.
_SPACE_PADDING = re.compile(
    r"character strings, except in the case of the VR (?P<exception>[A-Z]{2}), shall be "
    r"padded with SPACE"
)
_NULL_PADDING = re.compile(r"VR of (?P<vr>[A-Z]{2}) shall be padded with a single trailing NULL")


def extract_value_representations(
    document: Document,
) -> tuple[list[ValueRepresentation], list[TableAccount]]:
    """Compile the Value Representations of ``document`` (PS3.5 Table 6.2-1).

    Per row: the code and name (first column, as two paragraphs or ``AE Application
    Entity``), the definition, the character repertoire (empty where "not applicable"), the
    Length of Value as printed (superscripts as ``^``: ``2^32-2 bytes maximum``), and from
    its first paragraph the maximum length, its unit (``bytes``/``characters``, from
    "chars") and whether it is fixed. Padding comes from the text of Section 6.2: SPACE for
    the character-string VRs (those with a character repertoire) except the one named there
    (UI), NUL for the VRs it names (UI, OB), none otherwise.

    Returns:
        (VRs in table order, one :class:`TableAccount`).

    Raises:
        BuildError: the document is not PS3.5 or lacks Table 6.2-1; its columns differ; a
            row has no two-letter code, a length mentioning "maximum"/"fixed" that does not
            parse, or repeats a code; Section 6.2's padding rules are not found.
    """
    if document.part != "PS3.5":
        raise BuildError(f"expected PS3.5, got {document.part} {document.edition}", document.source)
    if _VR_TABLE not in document.tables:
        raise BuildError(
            f"{document.part} {document.edition} has no Table 6.2-1 (Value Representations)",
            document.source,
        )
    table = document.table(_VR_TABLE)
    check_header(document, table, _VR_HEADER)
    space_exception, null_padded = _padding_rules(document, table.section_id)
    source = table_source(document, table)
    result: list[ValueRepresentation] = []
    for number, row in enumerate(table.body_rows, start=1):
        name_cell, definition_cell, repertoire_cell, length_cell = row.cells
        code, name = _code_and_name(name_cell)
        if not code:
            raise row_error(document, table, number, f"{name_cell.text!r} has no VR code")
        if any(vr.code == code for vr in result):
            raise row_error(document, table, number, f"VR {code} is listed twice")
        repertoire = repertoire_cell.text
        is_string = not repertoire.casefold().startswith(_NOT_APPLICABLE)
        length_paragraphs = list(length_cell.paragraphs())
        first_length = _text_with_powers(length_paragraphs[0].inlines) if length_paragraphs else ""
        match = _LENGTH.match(first_length)
        if match is None and _LENGTH_WORD.search(first_length):
            raise row_error(
                document, table, number, f"VR {code} length {first_length!r} does not parse"
            )
        maximum: int | None = None
        unit = ""
        fixed = False
        if match is not None:
            maximum = int(match.group("base"))
            if match.group("exponent"):
                maximum **= int(match.group("exponent"))
            maximum -= int(match.group("minus") or 0)
            unit = "bytes" if match.group("unit") == "bytes" else "characters"
            fixed = match.group("kind") == "fixed"
        if code in null_padded:
            padding: str | None = "\x00"
        elif is_string and code != space_exception:
            padding = " "
        else:
            padding = None
        result.append(
            ValueRepresentation(
                code=code,
                name=name,
                definition=definition_cell.text,
                character_repertoire=repertoire if is_string else "",
                length_text=" ".join(
                    _text_with_powers(paragraph.inlines) for paragraph in length_paragraphs
                ),
                maximum_length=maximum,
                length_unit=unit,
                fixed_length=fixed,
                padding=padding,
                source=source,
            )
        )
    account = TableAccount(source=source, rows=len(table.body_rows), compiled=len(result))
    return result, [account]


def _code_and_name(cell: Cell) -> tuple[str, str]:
    texts = [paragraph.text for paragraph in cell.paragraphs() if paragraph.text]
    if len(texts) >= 2 and _VR_CODE.match(texts[0]):
        return texts[0], " ".join(texts[1:])
    match = _VR_CODE_AND_NAME.match(cell.text)
    if match:
        return match.group(1), match.group(2)
    return "", cell.text


def _text_with_powers(inlines: tuple[Inline, ...]) -> str:
    """Text with superscripts as ``^``: ``2<sup>32</sup>-2`` → ``2^32-2``, not ``232-2``."""

    def raw(inline: Inline) -> str:
        if isinstance(inline, Text):
            return inline.text
        if isinstance(inline, Emphasis):
            inner = "".join(raw(child) for child in inline.children)
            return f"^{inner}" if inline.role == "superscript" else inner
        if isinstance(inline, Link):
            return "".join(raw(child) for child in inline.children)
        return inline.label

    return normalize_text("".join(raw(inline) for inline in inlines))


def _padding_rules(document: Document, section_id: str | None) -> tuple[str, frozenset[str]]:
    """(the character-string VR not padded with SPACE, the VRs padded with NUL) from the
    text of the section holding Table 6.2-1 (Section 6.2) or its ancestors."""
    texts: list[str] = []
    while section_id is not None and section_id in document.sections:
        section = document.section(section_id)
        texts.append(blocks_text(section.blocks))
        section_id = section.parent_id
    text = " ".join(texts)
    space = _SPACE_PADDING.search(text)
    nulls = frozenset(match.group("vr") for match in _NULL_PADDING.finditer(text))
    if space is None or not nulls:
        raise BuildError(
            f"{document.part} {document.edition}: the padding rules of Section 6.2 (SPACE for "
            "character strings, NULL for UI and OB) were not found next to Table 6.2-1",
            document.source,
        )
    return space.group("exception"), nulls


# --- Transfer Syntaxes -------------------------------------------------------------------

_ANNEX_A = "chapter_A"
_TRANSFER_SYNTAX_TYPE = "Transfer Syntax"
# Transfer Syntax UIDs are allocated under 1.2.840.10008.1.2 (PS3.6 Table A-1).
_TS_UID_IN_TEXT = re.compile(r"(?<![\d.])1\.2\.840\.10008\.1\.2(?:\.\d+)*")
# Names of compressed-pixel-data syntaxes (for those PS3.5 no longer describes).
_ENCAPSULATED_NAME = re.compile(r"\b(?:JPEG|RLE|MPEG|HEVC|H\.26[45]|Encapsulated)\b")
# Statements of the numbered lists of A.1, A.2, A.4, A.6, A.11.
_SAYS_IMPLICIT = re.compile(r"encoded with Implicit VR")
_SAYS_EXPLICIT = re.compile(r"encoded with Explicit VR")


@dataclass(frozen=True, slots=True)
class TransferSyntaxCrossCheck:
    """How PS3.5 Annex A and the UID registry agree on the Transfer Syntaxes.

    Attributes:
        registry_only: registry Transfer Syntax UIDs that PS3.5 Annex A does not name
            (retired ones whose description PS3.5 dropped); compiled from their registry
            name, with the registry as source.
        part05_only: UIDs that Annex A names but the registry lacks as a Transfer Syntax
            (e.g. a newer PS3.5 than the PS3.6 at hand); compiled with the section title
            as name and no keyword.
        sections: UID → the Annex A section id it was read from.
    """

    registry_only: tuple[str, ...]
    part05_only: tuple[str, ...]
    sections: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Encoding:
    explicit_vr: bool
    little_endian: bool
    encapsulated: bool
    deflated: bool


def extract_transfer_syntaxes(
    document: Document, uids: list[UID]
) -> tuple[list[TransferSyntax], list[TableAccount]]:
    """Compile the Transfer Syntaxes of ``document`` (PS3.5 Annex A) against ``uids``.

    Each Transfer Syntax UID named in a section of Annex A (paragraphs, lists, notes or
    tables of the section itself) is defined by the first such section in document order.
    Its encoding follows from the titles of the section and its ancestors, as the standard
    words them: "Implicit VR" → implicit VR, "Big Endian" → big endian, "Deflate" →
    deflated, under A.4 (a title with "Encapsulat") → encapsulated; otherwise Explicit VR
    Little Endian. Where the section's numbered list says "encoded with Implicit/Explicit
    VR", it must agree. Registry Transfer Syntaxes that Annex A does not name (retired ones)
    get the same rules applied to their registry name (a compression name such as JPEG,
    RLE, MPEG, HEVC marks them encapsulated) and the registry row as source. Name, keyword
    and retired status come from the registry.

    Args:
        document: PS3.5.
        uids: the UID registry (PS3.6 Table A-1); its entries of type "Transfer Syntax"
            are the Transfer Syntaxes that must all be compiled.

    Returns:
        (Transfer Syntaxes in registry order, then those only Annex A names; one
        :class:`TableAccount` whose source is PS3.5 Annex A and whose rows are the
        Transfer Syntaxes of the registry and Annex A together, all compiled). The
        disagreements between the two are given by :func:`cross_check_transfer_syntaxes`.

    Raises:
        BuildError: the document is not PS3.5 or lacks Annex A; ``uids`` holds no Transfer
            Syntax; a section's text contradicts its title about the VR encoding; a
            registry name contradicts the section's encoding (Implicit/Big Endian/Deflate).
    """
    syntaxes, _ = _compile_transfer_syntaxes(document, uids)
    account = TableAccount(
        source=SourceReference(document.part, document.edition, _ANNEX_A, "Annex A"),
        rows=len(syntaxes),
        compiled=len(syntaxes),
    )
    return syntaxes, [account]


def cross_check_transfer_syntaxes(document: Document, uids: list[UID]) -> TransferSyntaxCrossCheck:
    """Which Transfer Syntax UIDs only the registry, or only PS3.5 Annex A, names.

    Same arguments and errors as :func:`extract_transfer_syntaxes`.
    """
    return _compile_transfer_syntaxes(document, uids)[1]


def _compile_transfer_syntaxes(
    document: Document, uids: list[UID]
) -> tuple[list[TransferSyntax], TransferSyntaxCrossCheck]:
    if document.part != "PS3.5":
        raise BuildError(f"expected PS3.5, got {document.part} {document.edition}", document.source)
    if _ANNEX_A not in document.sections:
        raise BuildError(
            f"{document.part} {document.edition} has no Annex A (Transfer Syntax "
            "Specifications)",
            document.source,
        )
    registry = {uid.value: uid for uid in uids if uid.uid_type == _TRANSFER_SYNTAX_TYPE}
    if not registry:
        raise BuildError(
            f"the UID registry given with {document.part} {document.edition} holds no "
            "Transfer Syntax",
            document.source,
        )
    defined = _annex_a_definitions(document)
    result: list[TransferSyntax] = []
    for value, uid in registry.items():
        if value in defined:
            section, encoding = defined[value]
            _check_name(document, section, uid, encoding)
            source = SourceReference(
                document.part, document.edition, section.id, f"Section {section.label}"
            )
        else:
            encoding = _encoding_from_words(uid.name, encapsulated=None)
            source = uid.source
        result.append(_transfer_syntax(value, uid.name, uid.keyword, uid.retired, encoding, source))
    part05_only = [value for value in defined if value not in registry]
    for value in part05_only:
        section, encoding = defined[value]
        source = SourceReference(
            document.part, document.edition, section.id, f"Section {section.label}"
        )
        result.append(_transfer_syntax(value, section.title, "", False, encoding, source))
    check = TransferSyntaxCrossCheck(
        registry_only=tuple(value for value in registry if value not in defined),
        part05_only=tuple(part05_only),
        sections={value: section.id for value, (section, _) in defined.items()},
    )
    return result, check


def _transfer_syntax(
    uid: str,
    name: str,
    keyword: str,
    retired: bool,
    encoding: _Encoding,
    source: SourceReference,
) -> TransferSyntax:
    return TransferSyntax(
        uid=uid,
        name=name,
        keyword=keyword,
        explicit_vr=encoding.explicit_vr,
        little_endian=encoding.little_endian,
        encapsulated=encoding.encapsulated,
        deflated=encoding.deflated,
        retired=retired,
        source=source,
    )


def _annex_a_definitions(document: Document) -> dict[str, tuple[Section, _Encoding]]:
    definitions: dict[str, tuple[Section, _Encoding]] = {}
    for section in document.sections.values():
        lineage = _lineage(document, section)
        if lineage[-1].id != _ANNEX_A:
            continue
        text = " ".join(
            [blocks_text(section.blocks)]
            + [
                " ".join(
                    cell.text for row in document.table(table_id).body_rows for cell in row.cells
                )
                for table_id in section.table_ids
                if table_id in document.tables
            ]
        )
        found = [match.group(0) for match in _TS_UID_IN_TEXT.finditer(text)]
        if not found:
            continue
        titles = " ".join(item.title for item in lineage)
        encapsulated = any("Encapsulat" in item.title for item in lineage)
        encoding = _encoding_from_words(titles, encapsulated=encapsulated)
        says_implicit = bool(_SAYS_IMPLICIT.search(text))
        says_explicit = bool(_SAYS_EXPLICIT.search(text))
        if (says_implicit and encoding.explicit_vr) or (says_explicit and not encoding.explicit_vr):
            raise BuildError(
                f"{document.part} {document.edition} Section {section.label} ({section.id}) "
                f"titled {section.title!r} says the data set is encoded with "
                f"{'Implicit' if says_implicit else 'Explicit'} VR",
                document.source,
            )
        for value in found:
            definitions.setdefault(value, (section, encoding))
    return definitions


def _lineage(document: Document, section: Section) -> list[Section]:
    """``section`` and its ancestors, innermost first."""
    lineage = [section]
    while lineage[-1].parent_id is not None and lineage[-1].parent_id in document.sections:
        lineage.append(document.section(lineage[-1].parent_id))
    return lineage


def _encoding_from_words(words: str, *, encapsulated: bool | None) -> _Encoding:
    if encapsulated is None:
        # A registry name only: compressed Pixel Data is named by its compression, except
        # that JPIP "Referenced" syntaxes reference the pixel data instead of holding it.
        encapsulated = bool(_ENCAPSULATED_NAME.search(words)) and "JPIP" not in words
    return _Encoding(
        explicit_vr="Implicit VR" not in words,
        little_endian="Big Endian" not in words,
        encapsulated=encapsulated,
        deflated="Deflate" in words,
    )


def _check_name(document: Document, section: Section, uid: UID, encoding: _Encoding) -> None:
    named = _encoding_from_words(uid.name, encapsulated=encoding.encapsulated)
    if named != encoding:
        raise BuildError(
            f"{document.part} {document.edition} Section {section.label} ({section.id}) "
            f"defines {uid.value} as {encoding}, but its registry name {uid.name!r} "
            f"({uid.source.citation}) says {named}",
            document.source,
        )
