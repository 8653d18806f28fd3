"""Parse PS3.3's condition sentences into the condition language (:mod:`dicomstd.conditions.ast`).

Approach: a tokenizer, a pass that recognises names, and a recursive-descent grammar.

1. Tokens: Attribute Tags ``(0028,0008)``, codes ``(128604, DCM, "...")``, quoted strings,
   UIDs, numbers, words, punctuation, each with its offsets in the clause.
2. Names: a Tag takes the Attribute Name printed before it (checked against the names PS3.6
   and the PS3.3 model give that Tag); names printed without their Tag ("Number of Frames")
   are found by longest match against those names; Module and Macro names followed by
   "Module", "Macro", "Functional Group" ("the Image Pixel Module", "Pixel Measures or Plane
   Position (Patient) Macros") against the model's table names; a UID with the SOP Class
   name printed next to it ("1.2.840.10008.5.1.4.1.1.481.17" (RT Radiation Salvage Record
   Storage), Segmentation Storage ("1.2...")) against PS3.6's UID registry.
3. Grammar: clauses joined by connectives with the precedence the standard's sentences use:
   "and" binds tighter than "or" ("Value 1 equals DERIVED or Value 1 is ORIGINAL and
   Presentation Intent Type equals FOR PRESENTATION"), and connectives after a comma or
   followed by "if" (", and", "and if") bind looser than bare ones. A clause is an Attribute
   (or a list: "X, Y and Z are not present") with a predicate ("is present", "is present and
   has a value", "is not present", "equals A or B", "Value 3 is LABEL", "is greater than 0",
   "points to ..."), a Module reference, a SOP Class test, "first Item of ...", or prose.

Prose (a clause that is no predicate) is :class:`~dicomstd.conditions.ast.Unverifiable` when
it names nothing the data holds (no Attribute, Tag, Module, quoted value, UID or code: "if
contrast media was used"), and makes the whole condition
:class:`~dicomstd.conditions.ast.Unparsed` otherwise (the parser never guesses what a clause
about an Attribute means). Sources: PS3.3 Section 5 (conventions), PS3.5 Section 7.4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Literal, cast

from dicomstd.conditions.ast import (
    And,
    AttributeRef,
    CodeIn,
    Compare,
    Condition,
    Constant,
    FirstItem,
    HasValue,
    InAnyItem,
    ItemCount,
    ModulePresent,
    Not,
    Operator,
    Or,
    Present,
    PrivateTag,
    Requirement,
    Scope,
    SOPClassIn,
    TagValue,
    TransferSyntaxIn,
    Unparsed,
    Unverifiable,
    Value,
    ValueCount,
    ValueIn,
    contains_unparsed,
)
from dicomstd.generator.conditions.extract import ConditionSentence
from dicomstd.generator.iod_model import IOD, AttributeSpec, Part03Model
from dicomstd.generator.model import UID, DataElement

__all__ = ["NameSources", "ParseContext", "Vocabulary", "parse_condition", "parse_requirement"]

_SOP_CLASS_UID = 0x00080016

#: Builds the predicate of one subject ("X and Y are not present": one per Attribute).
_Make = Callable[[AttributeRef], Condition]

# --- tokens ---------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<section>the\s+conditions\s+(?:in|of)\s+Section\s+(?P<sid>[A-Z](?:\.\d+)+)\s*are\s+(?:satisfied|met))
  | (?P<described>as\s+described\s+in\s+Section\s+(?P<did>[A-Z](?:\.\d+)+))
  | (?P<code>\(\s*(?P<cv>[A-Za-z0-9_.:\-]+)\s*,\s*(?P<cs>[A-Za-z0-9_.\-]+)\s*,\s*"[^"]*"\s*\))
  | (?P<tag>\(\s*(?P<group>[0-9A-Fa-fxX]{4})\s*,\s*(?P<element>[0-9A-Fa-fxX]{4})\s*\))
  | "(?P<quoted>[^"]*)"
  | (?P<uid>\d+(?:\.\d+){2,})
  | (?P<number>-?\d+(?:\.\d+)?)(?![A-Za-z_])
  | (?P<word>[A-Za-z0-9][A-Za-z0-9_\-/'’]*)
  | (?P<punct>>=|<=|!=|[,;:=<>().\-–])
    """,
    re.VERBOSE,
)

TokenKind = Literal[
    "code",
    "tag",
    "quoted",
    "uid",
    "number",
    "word",
    "punct",
    "attr",
    "modules",
    "section",
    "end",
]


@dataclass(slots=True)
class Token:
    """A token of a clause: ``kind``, the text as printed, its offsets, and what it means
    (a tag int, a (value, scheme) code, a number, an :class:`_Attr`, module refs)."""

    kind: TokenKind
    text: str
    start: int
    end: int
    value: object = None

    @property
    def lower(self) -> str:
        return self.text.casefold() if self.kind in ("word", "punct") else ""


@dataclass(frozen=True, slots=True)
class _Attr:
    tag: int
    name: str


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if match.group("section") or match.group("described"):
            sid = match.group("sid") or match.group("did")
            tokens.append(Token("section", match.group(0), match.start(), match.end(), sid))
        elif match.group("code"):
            tokens.append(
                Token(
                    "code",
                    match.group(0),
                    match.start(),
                    match.end(),
                    (match.group("cv"), match.group("cs")),
                )
            )
        elif match.group("tag"):
            group = match.group("group").upper().replace("X", "0")
            element = match.group("element").upper().replace("X", "0")
            tokens.append(
                Token("tag", match.group(0), match.start(), match.end(), int(group + element, 16))
            )
        elif match.group("quoted") is not None:
            quoted = match.group("quoted").strip()
            named = re.fullmatch(r"(\d+(?:\.\d+){2,})\s*(?:\((.*)\))?", quoted)
            if named:
                tokens.append(
                    Token(
                        "uid",
                        match.group(0),
                        match.start(),
                        match.end(),
                        (named.group(1), named.group(2) or ""),
                    )
                )
            else:
                tokens.append(Token("quoted", match.group(0), match.start(), match.end(), quoted))
        elif match.group("uid"):
            tokens.append(
                Token("uid", match.group(0), match.start(), match.end(), (match.group("uid"), ""))
            )
        elif match.group("number"):
            number = match.group("number")
            tokens.append(Token("number", number, match.start(), match.end(), float(number)))
        elif kind == "word":
            tokens.append(Token("word", match.group(0), match.start(), match.end()))
        else:
            tokens.append(Token("punct", match.group(0), match.start(), match.end()))
    return tokens


def _name_words(name: str) -> tuple[str, ...]:
    return tuple(
        token.text for token in _tokenize(name) if token.kind in ("word", "punct", "number")
    )


def _same_word(printed: str, known: str) -> bool:
    if printed.casefold() != known.casefold():
        return False
    if known.islower() or not any(c.isalpha() for c in known):
        return True  # an index of casefolded names: case is not known
    # An upper-case value (LABEL) is not the word of a name (Label) that is not upper case.
    return not (len(printed) > 1 and printed.isupper() and not known.isupper())


# --- the vocabulary -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParseContext:
    """Where a condition is written.

    Attributes:
        table_id: the attribute table holding the conditional Attribute (``""`` for a
            Module or Functional Group usage row).
        path: the Tags of the Sequences enclosing the conditional Attribute in that table's
            expansion, outermost first (``()`` at the table's top level).
        iod_table_id: for a usage row, the IOD's module table (to resolve Module names).
        tag: the Tag of the conditional Attribute itself (``None`` for a usage or include
            row): a clause about that very Attribute and nothing else ("Required if the
            Rescale Type is not HU") cannot make it required by its own absence.
        name: that Attribute's name (for messages).
    """

    table_id: str = ""
    path: tuple[int, ...] = ()
    iod_table_id: str = ""
    tag: int | None = None
    name: str = ""


@dataclass(frozen=True)
class NameSources:
    """The names the parser takes from outside PS3.3, as this build compiled them.

    Attributes:
        data_elements: (Tag, VR text, VM text, Attribute Name) of every PS3.6 data element
            (Table 6-1, 7-1, 8-1, 9-1; a repeating group by its ``xx``-as-0 Tag).
        uids: (UID, name, UID Type) of every PS3.6 Table A-1 row.
        iod_sop_classes: IOD name (as PS3.3 titles it, ``CT Image``) → the SOP Class UIDs
            PS3.4 Table B.5-1 maps to that IOD.
    """

    data_elements: tuple[tuple[int, str, str, str], ...]
    uids: tuple[tuple[str, str, str], ...]
    iod_sop_classes: dict[str, tuple[str, ...]]

    @staticmethod
    def from_compiled(
        data_elements: Iterable[DataElement],
        uids: Iterable[UID],
        iods_of_sop_classes: dict[str, IOD],
    ) -> NameSources:
        """The sources from what the build compiled (``compile_documents``)."""
        by_iod: dict[str, list[str]] = {}
        for uid, iod in iods_of_sop_classes.items():
            by_iod.setdefault(iod.name, []).append(uid)
        return NameSources(
            tuple((e.tag_value, e.vr_text, e.value_multiplicity, e.name) for e in data_elements),
            tuple((u.value, u.name, u.uid_type) for u in uids),
            {name: tuple(found) for name, found in by_iod.items()},
        )

    @staticmethod
    def from_generated() -> NameSources:
        """The sources from the committed ``dicomstd.generated`` (for tests and tools that
        parse sentences outside a build; a build passes its own)."""
        from dicomstd.generated import data_dictionary, iod_index, uids

        elements = [
            (tag, row[0], row[1], row[2]) for tag, row in data_dictionary.DATA_ELEMENTS.items()
        ]
        elements.extend(
            (value, row[0], row[1], row[2])
            for value, _mask, row in data_dictionary.REPEATING_DATA_ELEMENTS.values()
        )
        by_table: dict[str, list[str]] = {}
        for uid, table_id in iod_index.SOP_CLASS_IODS.items():
            by_table.setdefault(table_id, []).append(uid)
        return NameSources(
            tuple(elements),
            tuple((uid, row.name, row.uid_type) for uid, row in uids.UID_REGISTRY.items()),
            {
                iod_name: tuple(by_table[table_id])
                for table_id, (_module, _constant, iod_name) in iod_index.IODS.items()
                if table_id in by_table
            },
        )


class Vocabulary:
    """The names the parser recognises: Attribute Names (PS3.6's registry and the PS3.3
    model's tables), Module and Macro names (the model's tables and IOD rows), SOP Class
    names (PS3.6 Annex A), IOD names with their SOP Classes (PS3.4), and where each table's
    Attributes sit (to give an Attribute reference its
    :data:`~dicomstd.conditions.ast.Scope`).

    Args:
        model: the PS3.3 model; ``None`` for PS3.6 names only (tests).
        sources: the PS3.6 and PS3.4 names; ``None`` takes them from the committed
            ``dicomstd.generated`` (a build passes those it compiled, so that a build never
            reads the output of the previous one).
    """

    def __init__(
        self, model: Part03Model | None = None, sources: NameSources | None = None
    ) -> None:
        sources = sources if sources is not None else NameSources.from_generated()
        self.model = model
        names: dict[tuple[str, ...], set[int]] = {}
        tag_names: dict[int, set[tuple[str, ...]]] = {}

        def add(name: str, tag: int) -> None:
            if tag >> 16 == 0xFFFE:
                return  # Item, Item Delimitation Item: words of the prose, not Attributes
            words = _name_words(name)
            if not words:
                return
            names.setdefault(tuple(w.casefold() for w in words), set()).add(tag)
            tag_names.setdefault(tag, set()).add(words)

        #: Tag → (VR text, VM text, Attribute Name) of PS3.6's data elements.
        self.element_rows: dict[int, tuple[str, str, str]] = {}
        for tag, vr, vm, name in sources.data_elements:
            add(name, tag)
            self.element_rows.setdefault(tag, (vr, vm, name))
        modules: dict[tuple[str, ...], set[tuple[str, str]]] = {}
        functional_groups: set[str] = set()
        if model is not None:
            for iod in model.iods.values():
                for usage in iod.functional_groups:
                    if usage.table_id:
                        functional_groups.add(usage.table_id)
            for table in model.tables.values():
                for entry in table.walk():
                    if isinstance(entry, AttributeSpec):
                        add(entry.name, entry.tag_value)

            def add_module(name: str, table_id: str) -> None:
                kind = (
                    "functional group"
                    if table_id in functional_groups
                    else model.tables[table_id].kind if table_id in model.tables else "module"
                )
                words = tuple(w.casefold() for w in _name_words(name))
                if words:
                    modules.setdefault(words, set()).add((table_id, kind))

            for table in model.tables.values():
                add_module(table.name, table.table_id)
            # The names IOD rows print, where no table has that name (a row may print
            # "Enhanced Contrast/Bolus" and refer to the Contrast/Bolus Module's table).
            table_names = set(modules)
            for iod in model.iods.values():
                for module in iod.modules:
                    words = tuple(w.casefold() for w in _name_words(module.module))
                    if module.table_id and words not in table_names:
                        add_module(module.module, module.table_id)
                for group in iod.functional_groups:
                    words = tuple(w.casefold() for w in _name_words(group.macro))
                    if group.table_id and words not in table_names:
                        add_module(group.macro, group.table_id)
        self.names = names
        self.tag_names = {
            tag: sorted(found, key=len, reverse=True) for tag, found in tag_names.items()
        }
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for words in names:
            self._by_first.setdefault(words[0], []).append(words)
        for candidates in self._by_first.values():
            candidates.sort(key=len, reverse=True)
        self.modules = modules
        self._modules_by_first: dict[str, list[tuple[str, ...]]] = {}
        for words in modules:
            self._modules_by_first.setdefault(words[0], []).append(words)
        for candidates in self._modules_by_first.values():
            candidates.sort(key=len, reverse=True)
        self.sop_classes: dict[str, str] = {}
        self.uid_names: dict[str, str] = {}
        for uid, name, uid_type in sources.uids:
            self.uid_names[uid] = name
            if "SOP Class" in uid_type or name.endswith("Storage"):
                self.sop_classes.setdefault(name.casefold(), uid)
        self._levels: dict[str, dict[tuple[int, ...], set[int]]] = {}
        # IOD names ("Enhanced CT Image") and the SOP Classes that use each (PS3.4).
        self.iod_sop_classes: dict[str, tuple[str, ...]] = {
            name.casefold(): found for name, found in sources.iod_sop_classes.items()
        }

    def attribute_names(self, first: str) -> list[tuple[str, ...]]:
        """Known names (casefolded words) starting with the word ``first``, longest first."""
        return self._by_first.get(first.casefold(), [])

    def module_names(self, first: str) -> list[tuple[str, ...]]:
        """Known Module/Macro names (casefolded words) starting with ``first``, longest first."""
        return self._modules_by_first.get(first.casefold(), [])

    def levels(self, table_id: str) -> dict[tuple[int, ...], set[int]]:
        """For ``table_id``: the Tags at each Sequence path of its expansion."""
        found = self._levels.get(table_id)
        if found is None:
            found = {}
            if self.model is not None and table_id in self.model.tables:
                for path, spec in self.model.expand(table_id):
                    found.setdefault(tuple(item.tag_value for item in path), set()).add(
                        spec.tag_value
                    )
            self._levels[table_id] = found
        return found

    def scope(self, context: ParseContext, tag: int) -> tuple[Scope, int]:
        """Where the Attribute ``tag`` named in a condition of ``context`` lives: beside the
        conditional Attribute (``item``), in an enclosing Item (``parent``, levels), or
        elsewhere (``any``)."""
        if not context.table_id:
            return "any", 0
        levels = self.levels(context.table_id)
        path = context.path
        if tag in levels.get(path, set()):
            return "item", 0
        for up in range(1, len(path) + 1):
            if tag in levels.get(path[: len(path) - up], set()):
                return "parent", up
        return "any", 0


@lru_cache(maxsize=1)
def _default_vocabulary() -> Vocabulary:
    return Vocabulary(None)


# --- the name pass ----------------------------------------------------------------------------

_NAME_STOP = {
    "value",
    "values",
    "if",
    "required",
    "the",
    "see",
    "only",
    "may",
    "shall",
    "and",
    "or",
    "is",
    "are",
    "of",
    "not",
    "either",
    "any",
    "a",
    "an",
    "this",
    "that",
    "both",
    "in",
    "for",
}
_SINGLE_NAME_FOLLOWERS = {"is", "are", "equals", "=", "has", "value", "values", "does", "contains"}
_SUFFIXES: tuple[tuple[str, ...], ...] = (
    ("functional", "group", "macros"),
    ("functional", "group", "macro"),
    ("functional", "group", "module"),
    ("functional", "groups"),
    ("functional", "group"),
    ("modules",),
    ("module",),
    ("macros",),
    ("macro",),
)


def _words_match(tokens: list[Token], start: int, words: tuple[str, ...]) -> bool:
    if start < 0 or start + len(words) > len(tokens):
        return False
    for offset, word in enumerate(words):
        token = tokens[start + offset]
        if token.kind not in ("word", "punct", "number") or not _same_word(token.text, word):
            return False
    return True


def _merge(
    tokens: list[Token], start: int, end: int, kind: TokenKind, value: object, text: str
) -> None:
    merged = Token(kind, text, tokens[start].start, tokens[end - 1].end, value)
    tokens[start:end] = [merged]


def _recognise(tokens: list[Token], text: str, vocabulary: Vocabulary) -> list[Token]:
    tokens = list(tokens)
    # 1. UIDs with their SOP Class names: UID (Name) and Name (UID).
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "uid":
            uid = str(token.value[0])  # type: ignore[index]
            name = vocabulary.uid_names.get(uid, "")
            words = _name_words(name)
            after = index + 1
            if (
                words
                and after < len(tokens)
                and tokens[after].text == "("
                and _words_match(tokens, after + 1, words)
                and after + 1 + len(words) < len(tokens)
                and tokens[after + 1 + len(words)].text == ")"
            ):
                _merge(
                    tokens,
                    index,
                    after + 2 + len(words),
                    "uid",
                    (uid, name),
                    text[token.start : tokens[after + 1 + len(words)].end],
                )
            elif (
                words
                and index >= 1
                and tokens[index - 1].text == "("
                and index + 1 < len(tokens)
                and tokens[index + 1].text == ")"
            ):
                begin = index - 1 - len(words)
                # The name may end with or without "Storage" as printed; the registry's is
                # checked, or a known name with its last word dropped.
                if _words_match(tokens, begin, words):
                    _merge(
                        tokens,
                        begin,
                        index + 2,
                        "uid",
                        (uid, name),
                        text[tokens[begin].start : tokens[index + 1].end],
                    )
                    index = begin
                else:
                    _merge(
                        tokens,
                        index - 1,
                        index + 2,
                        "uid",
                        (uid, name),
                        text[tokens[index - 1].start : tokens[index + 1].end],
                    )
                    index -= 1
            elif words and after < len(tokens) and tokens[after].text == "(":
                # "1.2.840..." (Any Name): the parenthesis is its name even if it differs.
                close = next(
                    (
                        k
                        for k in range(after + 1, min(len(tokens), after + 16))
                        if tokens[k].text == ")"
                    ),
                    None,
                )
                if close is not None and all(t.kind == "word" for t in tokens[after + 1 : close]):
                    _merge(
                        tokens,
                        index,
                        close + 1,
                        "uid",
                        (uid, name),
                        text[token.start : tokens[close].end],
                    )
        index += 1
    # 2. Attribute Tags with their names.
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind != "tag":
            index += 1
            continue
        tag = int(token.value)  # type: ignore[call-overload]
        begin = index
        for words in vocabulary.tag_names.get(tag, []):
            if _words_match(tokens, index - len(words), words):
                begin = index - len(words)
                # A name printed longer than the registry's ("Imaging Energy Derivation
                # Code Sequence (3002,0133)"): the Tag decides; its Title-case words go with it.
                while (
                    begin > 0
                    and tokens[begin - 1].kind == "word"
                    and tokens[begin - 1].lower not in _NAME_STOP
                    and tokens[begin - 1].text[:1].isupper()
                    and not tokens[begin - 1].text.isupper()
                    and tokens[begin - 1].lower not in _SINGLE_NAME_FOLLOWERS
                ):
                    begin -= 1
                break
        else:
            while begin > 0:
                previous = tokens[begin - 1]
                if previous.kind == "number" or (
                    previous.kind == "word"
                    and previous.lower not in _NAME_STOP
                    and (previous.text[0].isupper() or previous.text[0].isdigit())
                ):
                    begin -= 1
                elif previous.text in ("(", ")") or previous.lower in ("of", "for", "in", "to"):
                    # Inside names only: "Number of Frames", "Image Position (Patient)".
                    if (
                        begin >= 2
                        and tokens[begin - 2].kind == "word"
                        and tokens[begin - 2].text[:1].isupper()
                        and tokens[begin - 2].lower not in _NAME_STOP
                    ):
                        begin -= 1
                    else:
                        break
                else:
                    break
        name = (
            text[tokens[begin].start : tokens[begin].start]
            if begin == index
            else text[tokens[begin].start : tokens[index - 1].end]
        )
        _merge(
            tokens,
            begin,
            index + 1,
            "attr",
            _Attr(tag, name),
            text[tokens[begin].start : token.end],
        )
        index = begin + 1
    # 3. Module and Macro names (followed, possibly after a list of names, by a suffix).
    index = 0
    while index < len(tokens):
        found = _module_chain(tokens, index, vocabulary)
        if found is None:
            index += 1
            continue
        end, refs = found
        _merge(tokens, index, end, "modules", refs, text[tokens[index].start : tokens[end - 1].end])
        index += 1
    # 4. Attribute Names printed without their Tag.
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "word" and token.text[:1].isupper() and token.lower not in _NAME_STOP:
            for words in vocabulary.attribute_names(token.text):
                if len(words) == 1 and (
                    token.text.isupper()
                    or len(token.text) < 4
                    or index + 1 >= len(tokens)
                    or tokens[index + 1].lower not in _SINGLE_NAME_FOLLOWERS
                    or (
                        index > 0
                        and tokens[index - 1].kind == "word"
                        and tokens[index - 1].lower not in ("the", "if", "and", "or")
                    )
                ):
                    # "Modality = IVUS", "Laterality is R"; not "Frame of Reference".
                    continue
                if _words_match(tokens, index, words):
                    tags = vocabulary.names[words]
                    if len(tags) == 1:
                        end = index + len(words)
                        _merge(
                            tokens,
                            index,
                            end,
                            "attr",
                            _Attr(next(iter(tags)), text[token.start : tokens[end - 1].end]),
                            text[token.start : tokens[end - 1].end],
                        )
                    break
        index += 1
    return tokens


def _module_chain(
    tokens: list[Token], index: int, vocabulary: Vocabulary
) -> tuple[int, tuple[tuple[str, str, str], ...]] | None:
    """Module names from ``index``: ``A [, B] [or C] <suffix>`` → (end, refs)."""
    names: list[tuple[tuple[str, ...], int]] = []
    position = index
    while True:
        token = tokens[position] if position < len(tokens) else None
        if token is None or token.kind != "word":
            return None
        matched = None
        for words in vocabulary.module_names(token.text):
            if _words_match(tokens, position, words):
                matched = words
                break
        if matched is None:
            return None
        names.append((matched, position))
        position += len(matched)
        for suffix in _SUFFIXES:
            if _words_match(tokens, position, suffix):
                refs = _module_refs(names, suffix, tokens, vocabulary)
                return (position + len(suffix), refs) if refs else None
        # A list: "Pixel Measures or Plane Position (Patient) ... Macros".
        if position < len(tokens) and tokens[position].lower in (",", "or", "and"):
            position += 1
            if position < len(tokens) and tokens[position].lower in ("or", "and", "either"):
                position += 1
            continue
        return None


def _module_refs(
    names: list[tuple[tuple[str, ...], int]],
    suffix: tuple[str, ...],
    tokens: list[Token],
    vocabulary: Vocabulary,
) -> tuple[tuple[str, str, str], ...]:
    wanted = "module" if suffix[0].startswith("module") else "macro"
    refs: list[tuple[str, str, str]] = []
    for words, position in names:
        candidates = vocabulary.modules[words]
        kinds = {kind for _table, kind in candidates}
        if wanted == "module":
            chosen = [c for c in candidates if c[1] == "module"]
        else:
            chosen = [c for c in candidates if c[1] in ("macro", "functional group")]
        if not chosen and len(kinds) == 1:
            chosen = list(candidates)
        if len({table for table, _kind in chosen}) != 1:
            return ()  # ambiguous: never guess which table
        table_id, kind = chosen[0]
        printed = " ".join(token.text for token in tokens[position : position + len(words)])
        printed = printed.replace("( ", "(").replace(" )", ")")
        refs.append((table_id, kind, printed))
    return tuple(refs)


# --- the grammar ------------------------------------------------------------------------------


class _Fail(Exception):
    """The clause at hand is not a predicate this grammar knows."""


_VERB_START = {
    "is",
    "are",
    "was",
    "were",
    "has",
    "have",
    "had",
    "contains",
    "contain",
    "equals",
    "equal",
    "does",
    "do",
    "points",
    "changes",
    "change",
    "exists",
    "exist",
    "value",
    "values",
    "not",
    "with",
    "=",
    "present",
    "absent",
}
#: Words of "present in <other Instances>" (the source, contributing, referenced Instances).
_OTHER_INSTANCES = {"contributing", "source", "referenced", "spectroscopy"}
_NAMES_DATA = "names data the grammar cannot read"
_DATA_KINDS = ("attr", "modules", "tag", "quoted", "uid", "code", "section")

#: Phrases of a clause that speak of what this Data Set does not hold, even where the clause
#: names Attributes: such a clause (one the grammar cannot read as a predicate) is
#: :class:`Unverifiable`, never :class:`Unparsed`. Lower-case words only (an Attribute Name
#: such as "Referenced Image Sequence" is not one of them). By what the clause is about:
_BEYOND_THE_DATA: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern))
    for reason, pattern in (
        # Another SOP Instance: "in the referenced SOP Instance", "of the referenced RT Plan",
        # "the Instance referenced in X contains ...", "the RT Ion Plan referenced within X",
        # "the SOP Instance referenced by this Directory Record", "the referenced plan",
        # "the Directory Record references a SOP Instance that ...", "another SOP Instance",
        # "the Classic Images that were converted".
        (
            "another SOP Instance",
            r"\breferenced (?:[A-Z][\w-]* ){0,4}(?:SOP )?(?:Instance|instance|Plan|plan|[Ii]mages?)\b"
            r"|\b(?:Instances?|instance|Plan|Images?|images?|Record) referenced (?:in|by|within)\b"
            r"|\bDirectory Record references\b|\banother SOP Instance\b"
            r"|\bthat were converted\b|\bwas not issued in the current SOP Instance\b"
            r"|\bcorresponds to a planned\b",
        ),
        # The Attribute a Tag value points to, not this Data Set: "the Attribute referenced
        # by the Selector Attribute is a Code Sequence", "Selector Attribute is nested in a
        # Sequence", "is the Data Element Tag of an Attribute that is contained within a
        # Functional Group Sequence".
        (
            "the Attribute a Tag value points to",
            r"\bthe Attribute referenced by\b|\bis nested in\b"
            r"|\bData Element Tag of an Attribute that\b",
        ),
        # The world, the equipment, the intent of the creator: "the system is capable of
        # calculating", "may be retrieved using", "is not to be used for operational
        # purposes", "object extraction is based on", "does not apply to all the images",
        # "the registration applies to a subset of images", "there is a one-way interaction".
        (
            "the equipment, the world or the intent",
            r"\bis capable of\b|\bmay be retrieved\b|\bfor operational purposes\b"
            r"|\bextraction is based on\b|\b(?:does|do) not apply to\b"
            r"|\bone-way interaction\b|\bunder certain conditions\b"
            r"|\b(?:applies to|apply to|associated (?:with|to)) (?:only )?a subset\b",
        ),
        # What a value means: "does not fully specify the semantics of", "contains a
        # parameter which represents a dose", "has insufficient precision to represent",
        # "contains a reference to" (inside an Encapsulated Document).
        (
            "the meaning of a value",
            r"\bsemantics\b|\brepresent(?:s|ing)? a\b|\binsufficient precision\b"
            r"|\bcontains a reference to\b|\bnot sufficient to identify\b",
        ),
        # A list kept outside PS3.3: "is part of CID 9545", "a value defined in Annex L ...
        # in PS3.16".
        ("a list defined outside PS3.3", r"\bpart of CID \d+|\bdefined in Annex [A-Z]+\b"),
        # A comparison of values the condition language does not express (mostly with the
        # value of the conditional Attribute itself, which is what its absence leaves
        # open): "different from Samples per Pixel", "the person ... differs from",
        # "the protocol is not that which is specified in".
        # A comparison with the previous Item ("Wedge Position changes during Beam"), where
        # the clause's subject is not read as an Attribute.
        ("a comparison with the previous Item", r"\bchanges? during\b"),
        (
            "a comparison of values",
            r"\bdiffer(?:s|ent)? from\b|\bis not that which\b|\bdoes not match\b",
        ),
    )
)

_NUMBER_OF_FRAMES = 0x00280008
_REFERENCED_SOP_CLASS_UID = 0x00081150
#: Shared Functional Groups Sequence, Per-Frame Functional Groups Sequence.
_FUNCTIONAL_GROUP_SEQUENCES = (0x52009229, 0x52009230)
_RT_CONTROL_POINT_INDEX = 0x300A0600


def _number_of_frames() -> AttributeRef:
    return AttributeRef(_NUMBER_OF_FRAMES, "any", 0, "Number of Frames")


def _multi_frame() -> Condition:
    """ "The image is a multi-frame image": PS3.3 Section C.7.6.6.1.1 defines a Multi-frame
    Image as one whose pixel data is a sequential set of frames, their number conveyed in
    Number of Frames (0028,0008). More than one frame: TRUE; Number of Frames absent (no
    set of frames): FALSE; exactly one: whether a one-frame set counts is not said
    (UNKNOWN)."""
    frames = _number_of_frames()
    return Or(
        (
            Compare(frames, "gt", 1.0),
            And(
                (
                    Compare(frames, "eq", 1.0),
                    Unverifiable("an image of one frame counts as a multi-frame image"),
                )
            ),
        )
    )


def _control_point_conditions() -> Condition:
    """PS3.3 Section C.36.2.2.5.1.1 (Requirements for Changing Values within RT Control
    Point Sequence Attributes): at the first Item (RT Control Point Index (300A,0600) equal
    to 1) the Attributes "shall be present if applicable conditions are met"; in later
    Items, when "the value is different from the previously populated value", which one
    Item does not show."""
    return Or(
        (
            Compare(
                AttributeRef(_RT_CONTROL_POINT_INDEX, "any", 0, "RT Control Point Index"), "eq", 1.0
            ),
            Unverifiable("the value differs from the previously populated value"),
        )
    )


#: "the conditions in Section X are satisfied": the sections whose conditions are read.
_SECTION_CONDITIONS: dict[str, Callable[[], Condition]] = {
    "C.36.2.2.5.1.1": _control_point_conditions,
}


def _rescope(condition: Condition, scope: Scope) -> Condition:
    """``condition`` with its Attribute references (outside Items) looked for in ``scope``."""

    def ref(reference: AttributeRef) -> AttributeRef:
        return AttributeRef(reference.tag, scope, 0, reference.name)

    if isinstance(condition, (Present, HasValue)):
        return type(condition)(ref(condition.attribute))
    if isinstance(condition, ValueIn):
        return ValueIn(ref(condition.attribute), condition.values, condition.value_number)
    if isinstance(condition, Compare):
        return Compare(
            ref(condition.attribute), condition.operator, condition.bound, condition.value_number
        )
    if isinstance(condition, CodeIn):
        return CodeIn(ref(condition.attribute), condition.codes)
    if isinstance(condition, ItemCount):
        return ItemCount(ref(condition.attribute), condition.operator, condition.bound)
    if isinstance(condition, ValueCount):
        return ValueCount(ref(condition.attribute), condition.operator, condition.bound)
    if isinstance(condition, PrivateTag):
        return PrivateTag(ref(condition.attribute), condition.value_number)
    if isinstance(condition, InAnyItem):
        return InAnyItem(ref(condition.sequence), condition.condition, condition.nested)
    if isinstance(condition, Not):
        return Not(_rescope(condition.term, scope))
    if isinstance(condition, (And, Or)):
        return type(condition)(tuple(_rescope(term, scope) for term in condition.terms))
    return condition


@dataclass
class _Item:
    """A parsed clause (or a prose span) between connectives."""

    condition: Condition | None
    start: int
    end: int
    prose: bool = False


@dataclass
class _Connective:
    word: Literal["and", "or"]
    level: int  # 0: ", and if" / "and if" (loosest), 1: ", and", 2: "and", 3: elliptic,
    # 4: the "or" of "for the first Item ..., or if ... changes" (Parser.first_item_pair)


class _Parser:
    def __init__(
        self, text: str, tokens: list[Token], vocabulary: Vocabulary, context: ParseContext
    ) -> None:
        self.text = text
        self.tokens = tokens
        self.vocabulary = vocabulary
        self.context = context
        self.position = 0
        self.last_subject: list[AttributeRef] = []
        self.last_joiner = "and"
        self.subject_start = 0
        self.subject_end = 0

    # helpers
    def peek(self, offset: int = 0) -> Token:
        index = self.position + offset
        if index < len(self.tokens):
            return self.tokens[index]
        return Token("end", "", len(self.text), len(self.text))

    def at(self, *words: str) -> bool:
        for offset, word in enumerate(words):
            token = self.peek(offset)
            if token.kind not in ("word", "punct", "number") or token.text.casefold() != word:
                return False
        return True

    def accept(self, *words: str) -> bool:
        if self.at(*words):
            self.position += len(words)
            return True
        return False

    def accept_text(self, pattern: str) -> bool:
        """The printed text from the position matches ``pattern`` (case-insensitively) up
        to a token boundary: consume those tokens (names recognised in it included)."""
        start = self.peek().start
        match = re.compile(pattern, re.IGNORECASE).match(self.text, start)
        if match is None or self.peek().kind == "end":
            return False
        end = self.position
        while end < len(self.tokens) and self.tokens[end].end <= match.end():
            end += 1
        if end == self.position or (
            end < len(self.tokens) and self.tokens[end].start < match.end()
        ):
            return False
        self.position = end
        return True

    def accept_any(self, *phrases: str) -> bool:
        for phrase in sorted(phrases, key=lambda p: -len(p.split())):
            if self.accept(*phrase.split()):
                return True
        return False

    # connectives
    def connective(self) -> tuple[_Connective, int] | None:
        """The connective at the position (not consumed) and its length in tokens."""
        comma = 1 if self.peek().text in (",", ";") else 0
        word = self.peek(comma).lower
        if word not in ("and", "or"):
            return None
        length = comma + 1
        if self.peek(length).lower == ",":
            length += 1  # "and, if"
        if self.peek(length).lower == "if":
            return _Connective(word, 0), length + 1  # type: ignore[arg-type]
        return _Connective(word, 1 if comma else 2), length  # type: ignore[arg-type]

    # the whole
    def parse(self) -> Condition:
        items: list[_Item | _Connective] = []
        while True:
            items.append(self.clause_or_prose())
            found = self.connective()
            if found is None:
                if self.peek().kind != "end":
                    raise _Fail(f"cannot read {self.rest()!r}")
                break
            connective, length = found
            self.position += length
            if connective.word == "and" and self.at("in", "subsequent"):
                # "for the first Item if X, and in subsequent control points if Y": one
                # requirement or the other (the Items are different ones).
                connective = _Connective("or", connective.level)
            if self.elliptic():
                # "Y is absent or has a value of TIME": the two predicates of one subject
                # bind tighter than any connective around them.
                connective = _Connective(connective.word, 3)
            items.append(connective)
        items = self.merge_prose(items)
        self.first_item_pair(items)
        return self.build(items)

    @staticmethod
    def first_item_pair(items: list[_Item | _Connective]) -> None:
        """ "Required for the first Item of X, or if V changes during the Beam, and if Y":
        the RT idiom (PS3.3 C.8.8.14, C.8.8.25) "the first Item, or an Item where the value
        changes" names where a value is specified at all, and the clauses joined after it
        restrict both ("and if Enhanced RT Beam Limiting Device Definition Flag is YES",
        ", and KVP is not present"): its "or" binds tighter than any connective after it."""
        # Also where the restricting clause comes first: "Required if X is included and for
        # the first Item of Y, or if V changes during the Beam".
        for index in range(0, len(items) - 2, 2):
            item, connective = items[index], items[index + 1]
            if (
                len(items) >= 5
                and isinstance(item, _Item)
                and isinstance(item.condition, FirstItem)
                and isinstance(connective, _Connective)
                and connective.word == "or"
                and any(
                    isinstance(other, _Connective) and other.word == "and"
                    for other in items[:index] + items[index + 3 :]
                )
            ):
                items[index + 1] = _Connective("or", 4)
                return

    def rest(self) -> str:
        return self.text[self.peek().start :].strip()

    def clause_or_prose(self) -> _Item:
        start = self.position
        try:
            condition = self.clause()
            after = self.connective()
            if after is None and self.peek().kind != "end":
                raise _Fail("trailing text")
            return _Item(self.about_itself(condition, start), start, self.position)
        except _Fail:
            self.position = start
        # Prose up to the next connective.
        while self.peek().kind != "end" and self.connective() is None:
            self.position += 1
        if self.position == start:
            raise _Fail(f"empty clause before {self.rest()!r}")
        stop = self.position
        if stop < len(self.tokens):
            # A clause read too far ("X is present and contains a value" of "X is present and
            # contains a value defined in Annex L"): the clause up to the connective, if that
            # is one; what follows the connective is read on its own.
            saved = self.tokens
            self.tokens = saved[:stop]
            self.position = start
            try:
                condition = self.clause()
                whole = self.position == stop
            except _Fail:
                whole = False
            finally:
                self.tokens = saved
            if whole:
                return _Item(self.about_itself(condition, start), start, stop)
            self.position = stop
        return _Item(None, start, self.position, prose=True)

    def about_itself(self, condition: Condition, start: int) -> Condition:
        """A clause about the conditional Attribute itself and no other data ("Required if
        the Rescale Type is not HU", "Required if User Content Label (3010,0033) is
        present"): where the Attribute is present, the clause is read on its value; where it
        is absent, the clause speaks of a concept the data no longer shows (the value it
        would have, a value implied by its absence, the referenced Instance's value), so it
        is UNKNOWN by design, never TRUE by the Attribute's own absence."""
        own = self.context.tag
        if own is None:
            return condition
        references: list[AttributeRef] = []
        for node in _nodes(condition):
            if isinstance(node, InAnyItem):
                references.append(node.sequence)
            elif isinstance(
                node,
                (Present, HasValue, ValueIn, Compare, CodeIn, ItemCount, ValueCount, PrivateTag),
            ):
                references.append(node.attribute)
            elif isinstance(node, (ModulePresent, SOPClassIn, TransferSyntaxIn, FirstItem)):
                return condition  # other data
        if not references or any(
            reference.tag != own or reference.scope not in ("item", "any")
            for reference in references
        ):
            return condition
        itself = AttributeRef(own, "item", 0, self.context.name or references[0].name)
        span = self.text[self.tokens[start].start : self.tokens[self.position - 1].end].strip()
        when_present = (
            condition if condition == Present(itself) else _and(Present(itself), condition)
        )
        return Or(
            (
                when_present,
                _and(
                    Not(Present(itself)),
                    Unverifiable(f"{span} (where {itself.name or 'it'} is absent)"),
                ),
            )
        )

    def merge_prose(self, items: list[_Item | _Connective]) -> list[_Item | _Connective]:
        """Prose spans joined by a connective are one span ("may be retrieved using a C-MOVE
        or C-GET based SOP Class"), unless one of them, read alone, names data the grammar
        cannot read: a phrase about other data in its neighbour does not make it unverifiable
        ("... in the referenced SOP Instance, and X at Study level does not have the value
        Y" keeps the second clause unread)."""
        for item in items:
            if isinstance(item, _Item) and item.prose:
                item.condition = self.prose(item.start, item.end)

        def unread_data(item: _Item) -> bool:
            return isinstance(item.condition, Unparsed) and item.condition.detail == _NAMES_DATA

        def continues(item: _Item, connective: _Item | _Connective) -> bool:
            """``item`` continues the phrase before a bare "and"/"or" ("all the images and
            frames listed in the Presentation State Relationship Module", "Content Date
            and Content Time (0008,0033)"), not a clause of its own (a subject and its
            verb)."""
            if not isinstance(connective, _Connective) or connective.level != 2:
                return False
            first = self.tokens[item.start]
            following = self.tokens[item.start + 1] if item.start + 1 < item.end else None
            return not (
                first.kind == "attr" and following is not None and following.lower in _VERB_START
            )

        def strength(connective: _Item | _Connective | None) -> tuple[int, bool]:
            """How tightly a connective binds (:meth:`build`: a higher level, then "and"
            before "or" at the same level)."""
            assert isinstance(connective, _Connective)
            return (connective.level, connective.word == "and")

        def keeps_grouping(index: int, merged: list[_Item | _Connective]) -> bool:
            """Merging ``merged[-2]`` and ``items[index]`` across ``merged[-1]`` makes them
            one operand. Across a connective of clauses (", or", ", and", "and if") that
            binds looser than a connective beside the two which joins a clause the grammar
            read, that regroups the sentence: "X is present and <prose>, or <prose>" is
            "(X is present and <prose>) or <prose>", not "X is present and (<prose> or
            <prose>)". A bare "and"/"or" inside prose is a word of the phrase ("one or more",
            "a URN or URL") and is merged as before; where the neighbours are prose too, the
            whole run is one span and its grouping does not matter."""
            across = merged[-1]
            if not isinstance(across, _Connective) or across.level >= 2:
                return True
            neighbours: list[tuple[_Item | _Connective, _Item | _Connective]] = []
            if len(merged) >= 4:
                neighbours.append((merged[-3], merged[-4]))
            if index + 2 < len(items):
                neighbours.append((items[index + 1], items[index + 2]))
            return not any(
                isinstance(beyond, _Item)
                and not beyond.prose
                and strength(connective) > strength(across)
                for connective, beyond in neighbours
            )

        merged: list[_Item | _Connective] = []
        for index, item in enumerate(items):
            previous = merged[-2] if len(merged) >= 2 else None
            if (
                isinstance(item, _Item)
                and item.prose
                and isinstance(previous, _Item)
                and previous.prose
                and keeps_grouping(index, merged)
                and (
                    not unread_data(item)
                    and not unread_data(previous)
                    or (
                        isinstance(previous.condition, Unverifiable) and continues(item, merged[-1])
                    )
                )
            ):
                merged[-2:] = [
                    _Item(
                        self.prose(previous.start, item.end), previous.start, item.end, prose=True
                    )
                ]
            else:
                merged.append(item)
        return merged

    def prose(self, start: int, end: int) -> Condition:
        tokens = self.tokens[start:end]
        span = self.text[tokens[0].start : tokens[-1].end].strip()
        if any(pattern.search(span) for _reason, pattern in _BEYOND_THE_DATA):
            return Unverifiable(span)
        if self.kind_of_thing(tokens):
            return Unverifiable(span)
        if any(t.kind in _DATA_KINDS or "_" in t.text or t.text == "=" for t in tokens):
            return Unparsed(span, _NAMES_DATA)
        if tokens[0].lower == "present" and any(t.lower in _OTHER_INSTANCES for t in tokens):
            # "(Required if) present in the source images", "present and consistent in the
            # contributing SOP Instances": this Attribute, in other Instances than this one.
            return Unverifiable(span)
        if tokens[0].lower in _VERB_START:
            return Unparsed(span, "a predicate without a subject")
        return Unverifiable(span)

    @staticmethod
    def kind_of_thing(tokens: list[Token]) -> bool:
        """ "X is a Code Sequence", "X is a reference to a standard palette", "the Code Value
        is not a URN or URL": what kind of thing an Attribute, or the Attribute it points
        to, is or holds (not a value of it, which is printed in capitals or quoted)."""
        index = 1 if tokens and tokens[0].lower == "the" else 0
        if index >= len(tokens) or tokens[index].kind != "attr":
            return False
        index += 1
        if index < len(tokens) and tokens[index].lower not in ("is", "are"):
            return False
        index += 1
        if index < len(tokens) and tokens[index].lower == "not":
            index += 1
        return index < len(tokens) and tokens[index].lower in ("a", "an")

    def build(self, items: list[_Item | _Connective]) -> Condition:
        if len(items) == 1:
            only = items[0]
            assert isinstance(only, _Item) and only.condition is not None
            return only.condition
        connectives = [item for item in items if isinstance(item, _Connective)]
        loosest = min(c.level for c in connectives)
        for word, node in (("or", Or), ("and", And)):
            parts: list[list[_Item | _Connective]] = [[]]
            for item in items:
                if isinstance(item, _Connective) and item.level == loosest and item.word == word:
                    parts.append([])
                else:
                    parts[-1].append(item)
            if len(parts) > 1:
                return _flatten(node, tuple(self.build(part) for part in parts))
        raise AssertionError("unreachable")  # pragma: no cover

    # clauses
    def clause(self) -> Condition:
        self.accept("if")
        # "... and whose SOP Class is one of the following": the relative pronoun of "for
        # images where ... and whose ...".
        self.accept("whose")
        self.subject_start = self.peek().start
        if self.peek().kind == "section":
            sid = str(self.peek().value)
            if sid not in _SECTION_CONDITIONS:
                raise _Fail(f"the conditions of Section {sid}")
            self.position += 1
            return _SECTION_CONDITIONS[sid]()
        special = self.special_clause()
        if special is not None:
            return special
        referenced = self.referenced_sop_class()
        if referenced is not None:
            return referenced
        per_iod = self.values_per_iod()
        if per_iod is not None:
            return per_iod
        if self.elliptic():
            # "X is absent, or is present and has the value NO": the subject is X.
            subjects = list(self.last_subject)
            joiner = self.last_joiner
            if self.at("not"):
                return self.comparison(subjects, joiner, None, True)
            return self.predicate(subjects, joiner, None)
        self.accept("the")
        if self.at("for"):
            return self.for_clause()
        if self.accept_text(
            r"in (?:all )?subsequent (?:control points|items)(?: of (?:the|this) sequence)? if\b"
        ):
            # "Required for the first Item ... if X, and in subsequent control points if Y
            # changes during Beam": the Items after the first.
            return _and(Not(FirstItem()), self.clause())
        if self.peek().kind == "modules":
            return self.module_clause()
        head = self.peek()
        if self.at("sop", "class") or (
            head.kind == "attr" and cast(_Attr, head.value).tag == _SOP_CLASS_UID
        ):
            return self.sop_class_clause()
        self.accept_any("attribute", "attributes")
        if self.at("one") and self.peek(1).kind == "attr" and self.peek(2).lower == "item":
            # "one Derivation Code Sequence (0008,9215) Item value is (113097, DCM, ...)"
            sequence = self.reference(self.peek(1))
            self.position += 3
            if not self.accept_any("value is", "value equals", "is", "equals"):
                raise _Fail("one Item ...")
            values = self.values()
            codes = tuple(v for v in values if isinstance(v, tuple))
            if len(codes) != len(values):
                raise _Fail("one Item value is ...")
            self.last_subject = [sequence]
            return CodeIn(sequence, codes)
        if (
            self.at("value", "of")
            and self.peek(2).kind == "attr"
            and cast(_Attr, self.peek(2).value).tag == _SOP_CLASS_UID
        ):
            # "the value of SOP Class UID (0008,0016) equals one of the following values"
            self.position += 2
            return self.sop_class_clause()
        value_number = self.value_number_prefix()
        if value_number is None and self.accept_any(
            "value of",
            "values of",
            "value for",
            "a value of",
            "any value of",
            "one of the values of",
            "one or more of the values of",
            "any of the values of",
            "value",
        ):
            value_number = 0  # "the value of X" is the Value
        if value_number is not None and self.peek().kind != "attr" and self.last_subject:
            subjects, joiner = list(self.last_subject), "and"
        else:
            subjects, joiner = self.subjects()
        self.accept_any("attribute", "attribute value")
        within = self.within(subjects)
        if value_number is None or value_number == 0:
            value_number = self.value_number_suffix() or value_number
        self.qualifiers(subjects)
        mark = self.position
        try:
            condition = self.predicate(subjects, joiner, value_number or None)
        except _Fail:
            # "X specifies more than one frame (i.e., is multi-valued)": a predicate in words,
            # then what it means in terms of the data; the latter is read.
            self.position = mark
            if not self.that_is():
                raise
            condition = self.predicate(subjects, joiner, value_number or None)
            if not self.accept(")"):
                raise
        if self.accept_any("for any frame in the sop instance", "for any frame"):
            # "Spatial Pre-saturation (0018,9027) equals SLAB for any frame in the SOP
            # Instance": in the Functional Groups of some frame.
            condition = _rescope(condition, "frame")
        if within is not None:
            condition = InAnyItem(within, condition)
        return self.in_any_item(condition)

    def in_any_item(self, condition: Condition) -> Condition:
        """ "X is CONTINUATION in any of the Items in Y", "X is non-null in Control Points
        specified within Y", "X is present in one or more Items of Y": the clause holds in
        some Item of the Sequence Y (its Attributes are looked for in that Item)."""
        mark = self.position
        if (
            self.accept_text(
                r"(?:in|for) (?:any (?:of the )?Items? (?:in|of)|one or more (?:of the )?Items (?:in|of)"
                r"|(?:the )?[A-Za-z ]{0,40}? specified within|(?:an|any) Item of)\s+(?:the\s+)?"
            )
            and self.peek().kind == "attr"
        ):
            sequence = self.reference(self.peek())
            self.position += 1
            return InAnyItem(sequence, _rescope(condition, "item"))
        self.position = mark
        return condition

    def elliptic(self) -> bool:
        """A clause opening with its verb after a connective ("..., or is present and has
        the value NO", "or has zero Items", "or not TILED_FULL"): the subject of the
        previous clause is meant."""
        if not self.last_subject or self.position == 0:
            return False
        previous = self.tokens[self.position - 1]
        if previous.lower not in ("or", "and", ","):
            return False
        return self.peek().lower in ("is", "are", "has", "have", "does", "contains", "not")

    def within(self, subjects: list[AttributeRef]) -> AttributeRef | None:
        """ "X within (the) Y": X in an Item of the Sequence Y (the subjects are rescoped to
        that Item)."""
        mark = self.position
        if self.accept("within"):
            self.accept("the")
            if self.peek().kind == "attr":
                outer = self.reference(self.peek())
                self.position += 1
                subjects[:] = [AttributeRef(s.tag, "item", 0, s.name) for s in subjects]
                self.last_subject = list(subjects)
                return outer
        self.position = mark
        return None

    def special_clause(self) -> Condition | None:
        """Clauses that do not open with their subject: "the number of Items in X is
        greater than 1", "there is more than one Item in X", "the image is a multi-frame
        image"."""
        mark = self.position
        self.accept("the")
        if self.accept("number", "of", "items", "in") or self.accept("number", "of", "items", "of"):
            self.accept("the")
            if self.peek().kind == "attr":
                sequence = self.reference(self.peek())
                self.position += 1
                if self.accept_any("is", "are"):
                    operator = self.operator() or ("eq" if self.accept_any("equal to") else None)
                    if operator is None and self.peek().kind == "number":
                        operator = "eq"
                    if operator is not None:
                        bound = self.number()
                        self.last_subject = [sequence]
                        return ItemCount(sequence, operator, int(bound))
            raise _Fail("the number of Items in ...")
        self.position = mark
        if self.accept_any("there is", "there are"):
            mark_count = self.position
            count = self.quantity()
            if (
                count == ("ge", 1)
                and self.accept_any("items of", "items in", "item of", "item in")
                and self.accept("the") | True
                and self.peek().kind == "attr"
            ):
                # "there are one or more Items of the Data Path Assignment Sequence
                # (0028,1402) other than PRIMARY_PVALUES": the Tag names a single-valued
                # Attribute, whose occurrences are meant.
                attribute = self.reference(self.peek())
                self.position += 1
                if self.accept("other", "than"):
                    values = self.values()
                    plain = tuple(v for v in values if not isinstance(v, tuple))
                    if len(plain) != len(values):
                        raise _Fail("there are Items other than ...")
                    return self.some_occurrence(
                        attribute, lambda ref: _and(Present(ref), Not(ValueIn(ref, plain)))
                    )
                self.position = mark_count
                count = self.quantity()
            if count is not None and self.accept_any("item in", "items in", "item of", "items of"):
                self.accept("the")
                if self.peek().kind == "attr":
                    sequence = self.reference(self.peek())
                    self.position += 1
                    self.last_subject = [sequence]
                    return ItemCount(sequence, count[0], count[1])
            raise _Fail("there is ...")
        self.position = mark
        self.accept("the")
        if self.accept_any(
            "image is a multi-frame image",
            "image is multi-frame",
            "image is a multi-frame",
            "multi-frame image",
        ) and (self.peek().kind == "end" or self.connective() is not None):
            return _multi_frame()
        self.position = mark
        return None

    def values_per_iod(self) -> Condition | None:
        """ "Image Type (0008,0008) Value 4 in the CT Image IOD, Image Type (0008,0008) Value
        5 in the Enhanced CT Image IOD or Frame Type (0008,9007) Value 5 in the Enhanced CT
        Image IOD Frame is VMI": for each IOD, its SOP Classes (PS3.4) and the Value named
        ("... IOD Frame": in the frame's Functional Groups). ``None`` (nothing consumed)
        where the clause is not that."""
        mark = self.position
        tests: list[tuple[AttributeRef, int, tuple[str, ...], tuple[str, ...]]] = []
        while True:
            token = self.peek()
            if not (
                token.kind == "attr"
                and self.peek(1).lower == "value"
                and self.peek(2).kind == "number"
                and self.peek(3).lower == "in"
            ):
                break
            reference = self.reference(token)
            number = int(float(cast(float, self.peek(2).value)))
            self.position += 4
            self.accept("the")
            words: list[str] = []
            while self.peek().kind == "word" and self.peek().lower != "iod" and len(words) < 8:
                words.append(self.peek().text)
                self.position += 1
            uids = self.vocabulary.iod_sop_classes.get(" ".join(words).casefold())
            if not uids or not self.accept("iod"):
                self.position = mark
                return None
            if self.accept("frame"):
                reference = AttributeRef(reference.tag, "frame", 0, reference.name)
            tests.append((reference, number, uids, (" ".join(words),)))
            self.accept(",")
            self.accept("or")
        if not tests or not self.accept_any("is", "equals", "is equal to"):
            self.position = mark
            return None
        self.accept_any("equal to", "one of")
        values = self.values()
        plain = tuple(v for v in values if not isinstance(v, tuple))
        if len(plain) != len(values):
            raise _Fail("codes per IOD")
        terms = tuple(
            _and(SOPClassIn(uids, names), ValueIn(reference, plain, number))
            for reference, number, uids, names in tests
        )
        return terms[0] if len(terms) == 1 else Or(terms)

    def some_occurrence(self, reference: AttributeRef, make: _Make) -> Condition:
        """``make`` holds for some occurrence of the single-valued Attribute ``reference``:
        beside the conditional Attribute or in an enclosing Item, that one; where the table
        has it only in the Items of one Sequence nested in the conditional Attribute's Data
        Set, in some Item of that Sequence."""
        row = self.vocabulary.element_rows.get(reference.tag)
        if row is None or row[1] != "1" or row[0] == "SQ":
            raise _Fail("not a single-valued Attribute")
        if reference.scope in ("item", "parent") or not self.context.table_id:
            return make(reference)
        path = self.context.path
        holders = [
            tags[-1]
            for tags, found in self.vocabulary.levels(self.context.table_id).items()
            if len(tags) == len(path) + 1 and tags[: len(path)] == path and reference.tag in found
        ]
        if len(holders) != 1:
            raise _Fail("where the Attribute is")
        inner = AttributeRef(reference.tag, "item", 0, reference.name)
        holder = self.vocabulary.element_rows.get(holders[0])
        name = holder[2] if holder is not None else ""
        return InAnyItem(AttributeRef(holders[0], "item", 0, name), make(inner))

    def quantity(self) -> tuple[Operator, int] | None:
        """An Item count: "more than one" (gt 1), "one or more" (ge 1), "zero" (eq 0), "one"
        (eq 1), "2"; ``None`` (nothing consumed) where none is printed."""
        mark = self.position
        words = {"zero": 0, "no": 0, "one": 1, "a single": 1, "only one": 1, "exactly one": 1}
        if self.accept_any("more than one"):
            return "gt", 1
        if self.accept_any("one or more", "at least one"):
            return "ge", 1
        if self.accept_any("two or more", "at least two", "multiple"):
            return "ge", 2
        operator = self.operator()
        if self.peek().kind == "number" or self.peek().lower in ("zero", "one", "two"):
            bound = int(self.number())
            return (operator or "eq"), bound
        if operator is not None:
            self.position = mark
            return None
        for phrase in sorted(words, key=lambda p: -len(p.split())):
            if self.accept(*phrase.split()):
                return "eq", words[phrase]
        self.position = mark
        return None

    def item_count(self, subjects: list[AttributeRef], joiner: str) -> Condition | None:
        """ "X has more than one Item", "X contains one Item", "X sequence contains one
        Item", "X has zero Items" (nothing consumed when it is not that)."""
        mark = self.position
        self.accept("sequence")
        if self.accept_any("has", "have", "contains", "contain", "includes"):
            count = self.quantity()
            if count is not None and self.accept_any(
                "item", "items", "sequence item", "sequence items"
            ):
                operator, bound = count
                return self.each(subjects, joiner, lambda s: ItemCount(s, operator, bound))
        self.position = mark
        return None

    def that_is(self) -> bool:
        """Skip words up to "(i.e.," (at most 8, naming no data): the position is after it."""
        for ahead in range(0, 9):
            token = self.peek(ahead)
            if token.kind != "word" and token.text != "(":
                return False
            if (
                token.text == "("
                and self.peek(ahead + 1).lower == "i"
                and self.peek(ahead + 2).text == "."
                and self.peek(ahead + 3).lower == "e"
                and self.peek(ahead + 4).text == "."
            ):
                self.position += ahead + 5
                self.accept(",")
                return True
            if token.text == "(":
                return False
        return False

    def value_count(self) -> tuple[Operator, int] | None:
        """ "is multi-valued" (more than one Value), "is single-valued", "has more than one
        value", "has two or more Values" (nothing consumed when it is not that)."""
        mark = self.position
        if self.accept_any("is multi-valued", "are multi-valued", "is multivalued"):
            return "gt", 1
        if self.accept_any("is single-valued", "is single valued", "has a single value"):
            return "eq", 1
        if self.accept_any("has", "have", "contains"):
            count = self.quantity()
            if count is not None and self.accept_any("value", "values"):
                return count
        self.position = mark
        return None

    def for_clause(self) -> Condition:
        self.accept("for")
        self.accept("the")
        if (
            self.accept("first", "item", "of")
            or self.accept("first", "item", "in")
            or self.accept("first", "control", "point", "of")
            or self.accept("control", "point", "0", "of")
        ):
            self.sequence_name()
            if self.at("if"):
                return _and(FirstItem(), self.clause())
            return FirstItem()
        if self.accept("all", "but", "the", "last", "item"):
            # "Required for all but the last Item in this Sequence and for the last Item if
            # X": every Item but the last one, and the last one if X. Whether an Item is the
            # last one of its Sequence is not known to the condition language: X decides
            # where it holds, else it is unknown.
            start = self.tokens[self.position - 5].start
            self.accept_any("in this sequence", "of this sequence", "in the sequence")
            if self.accept_any("in", "of"):
                self.sequence_name()
            end = self.tokens[self.position - 1].end
            last = Unverifiable(self.text[start:end])
            if self.accept("and", "for", "the", "last", "item", "if"):
                return _flatten(Or, (last, self.clause()))
            return last
        if self.accept_any(
            "images where",
            "images in which",
            "images for which",
            "images whose",
            "an image where",
            "an image whose",
        ):
            # "Required for images where X ... and whose SOP Class is ...": the images are
            # the Instances the clauses select (the SOP Classes it names are images).
            return self.clause()
        raise _Fail("Required for ...")

    def sequence_name(self) -> None:
        """Skip the Sequence named after "the first Item of": its name with or without its
        Tag ("Control Point Sequence (300A,0111)", "Segment Control Point Sequence", "this
        Sequence", "the including control point Sequence (either A or B)")."""
        self.accept("the")
        self.accept("this")
        if self.peek().kind != "attr":
            count = 0
            while (
                count < 6
                and self.peek().kind == "word"
                and self.peek().lower not in ("if", "and", "or")
                and (
                    self.peek().text[:1].isupper()
                    or self.peek().lower in ("including", "control", "point", "sequence")
                )
            ):
                count += 1
                self.position += 1
        if self.peek().kind == "attr":
            self.position += 1
        if self.peek().text == "(":
            # "(either Ion Control Point Sequence (300A,03A8) or ... (3008,0041))"
            close = next(
                (
                    k
                    for k in range(self.position + 1, min(len(self.tokens), self.position + 12))
                    if self.tokens[k].text == ")"
                ),
                None,
            )
            if close is not None and all(
                t.kind == "attr" or t.lower in ("either", "or", ",")
                for t in self.tokens[self.position + 1 : close]
            ):
                self.position = close + 1

    def value_number_prefix(self) -> int | None:
        ordinals = {"first": 1, "second": 2, "third": 3, "fourth": 4}
        if self.at("value") and self.peek(1).kind == "number" and self.peek(2).lower == "of":
            number = int(float(self.peek(1).value))  # type: ignore[arg-type]
            self.position += 3
            self.accept("the")
            return number
        if self.at("value") and self.peek(1).kind == "number":
            number = int(float(self.peek(1).value))  # type: ignore[arg-type]
            self.position += 2
            return number
        if (
            self.peek().lower in ordinals
            and self.peek(1).lower == "value"
            and self.peek(2).lower == "of"
        ):
            number = ordinals[self.peek().lower]
            self.position += 3
            self.accept("the")
            return number
        return None

    def value_number_suffix(self) -> int | None:
        comma = 1 if self.peek().text == "," else 0
        if self.peek(comma).lower == "value" and self.peek(comma + 1).kind == "number":
            number = int(float(self.peek(comma + 1).value))  # type: ignore[arg-type]
            self.position += comma + 2
            return number
        return None

    def reference(self, token: Token) -> AttributeRef:
        attr = token.value
        assert isinstance(attr, _Attr)
        scope, levels = self.vocabulary.scope(self.context, attr.tag)
        return AttributeRef(attr.tag, scope, levels, attr.name.strip())

    def subjects(self) -> tuple[list[AttributeRef], str]:
        self.accept("the")
        self.accept("either")
        token = self.peek()
        if token.kind != "attr":
            raise _Fail("no Attribute")
        self.position += 1
        subjects = [self.reference(token)]
        joiner = "and"
        while True:
            mark = self.position
            self.accept(",")
            word = self.peek().lower
            if word in ("and", "or", "and/or"):
                self.position += 1
                self.accept("the")
                if self.peek().kind == "attr":
                    joiner = "or" if word != "and" else "and"
                    subjects.append(self.reference(self.peek()))
                    self.position += 1
                    continue
            elif self.peek().kind == "attr" and self.position > mark:
                subjects.append(self.reference(self.peek()))
                self.position += 1
                continue
            self.position = mark
            break
        self.last_subject = subjects
        self.last_joiner = joiner
        return subjects, joiner

    def qualifiers(self, subjects: list[AttributeRef]) -> None:
        """Where the subjects are, when the clause says so."""
        scope: tuple[Scope, int] | None = None
        while True:
            if self.accept_any("of this frame", "for this frame", "in this frame"):
                scope = ("frame", 0)
            elif self.accept_any(
                "in this sequence item",
                "in this item",
                "in the same sequence item",
                "in the same item",
                "of this item",
                "within the same item",
            ):
                scope = ("item", 0)
            elif self.accept_any(
                "in the enclosing sequence item",
                "in the enclosing item",
                "of the enclosing item",
                "in the parent sequence item",
                "in the enclosing dataset",
                "in the enclosing data set",
            ):
                scope = ("parent", 1)
            elif self.accept_any("at the image level", "at the top level"):
                scope = ("top", 0)
            elif self.accept_any(
                "in the top level data set",
                "in the top level dataset",
                "in the top-level data set",
                "in the top-level dataset",
            ):
                scope = ("top", 0)
            elif self.at("in", "the") and self.peek(2).kind == "modules":
                self.position += 3
                scope = scope or ("any", 0)
                # "... in the Volumetric Graphic Annotation Module or (the) Graphic Annotation Module"
                while self.peek().lower == "or" and (
                    self.peek(1).kind == "modules"
                    or (self.peek(1).lower == "the" and self.peek(2).kind == "modules")
                ):
                    self.position += 2 if self.peek(1).kind == "modules" else 3
            elif self.at("in", "any") and self.peek(2).kind == "modules":
                self.position += 3
                self.accept_any("in the sop instance", "of the sop instance")
                scope = ("frame", 0)
            elif self.accept_any(
                "in the shared functional groups sequence",
                "in the per-frame functional groups sequence",
            ):
                scope = ("frame", 0)
            elif (
                self.at("in", "an", "item", "of")
                and self.peek(4).kind == "attr"
                and cast(_Attr, self.peek(4).value).tag in _FUNCTIONAL_GROUP_SEQUENCES
            ):
                # "in an Item of Shared Functional Groups Sequence (5200,9229) or Per-Frame
                # Functional Groups Sequence (5200,9230)"
                self.position += 5
                while (
                    self.peek().lower == "or"
                    and self.peek(1).kind == "attr"
                    and (cast(_Attr, self.peek(1).value).tag in _FUNCTIONAL_GROUP_SEQUENCES)
                ):
                    self.position += 2
                scope = ("frame", 0)
            elif self.accept_any(
                "within a functional group sequence",
                "in a functional group sequence",
                "in any functional group sequence",
            ):
                scope = ("frame", 0)
            elif self.accept_any(
                "in the dataset",
                "in the data set",
                "in the current sop instance",
                "in this sop instance",
                "in the sop instance",
            ):
                scope = scope or ("any", 0)
            else:
                break
        if scope is not None:
            subjects[:] = [AttributeRef(s.tag, scope[0], scope[1], s.name) for s in subjects]
            self.last_subject = list(subjects)

    def predicate(
        self, subjects: list[AttributeRef], joiner: str, value_number: int | None
    ) -> Condition:
        def each(make: _Make) -> Condition:
            terms = tuple(make(subject) for subject in subjects)
            if len(terms) == 1:
                return terms[0]
            return And(terms) if joiner == "and" else Or(terms)

        self.subject_end = self.position
        counted = self.item_count(subjects, joiner)
        if counted is not None:
            return counted
        values = self.value_count()
        if values is not None:
            operator, bound = values
            return each(lambda s: ValueCount(s, operator, bound))
        be = self.accept_any("is", "are", "was", "were")
        if be:
            if self.accept_any(
                "present",
                "sent",
                "included",
                "encoded",
                "provided",
                "used",
                "present in the dataset",
                "present in the data set",
            ):
                return self.after_present(subjects, joiner, value_number)
            if self.accept_any(
                "not present", "absent", "not sent", "not included", "not encoded", "not provided"
            ):
                self.qualifiers(subjects)
                return each(lambda s: Not(Present(s)))
            if self.accept_any(
                "not empty",
                "non-empty",
                "not zero length",
                "non-zero length",
                "non-null",
                "not null",
                "not zero-length",
            ):
                return each(HasValue)
            if self.accept_any("empty", "zero length", "zero-length"):
                return each(lambda s: And((Present(s), Not(HasValue(s)))))
        elif self.accept_any(
            "has a value",
            "has a value present",
            "have a value",
            "have values",
            "has values",
            "has a value present",
        ):
            if self.peek().kind == "end" or self.connective() is not None:
                return each(HasValue)
            self.position = self.subject_end  # "has a value of X": a comparison

        elif self.accept_any("not present", "absent"):
            return each(lambda s: Not(Present(s)))
        elif self.accept_any("has a non-zero value", "has a nonzero value"):
            return each(lambda s: Compare(s, "ne", 0.0, value_number))
        elif self.accept_any("exists", "exist"):
            return self.after_present(subjects, joiner, value_number)
        elif self.accept_any("does not exist", "do not exist"):
            return each(lambda s: Not(Present(s)))
        elif self.accept_any("has no value", "has no values"):
            return each(lambda s: Not(HasValue(s)))
        elif self.at("changes") or self.at("change"):
            # "X changes during Beam": a comparison with the previous Control Point Item,
            # which one Item does not hold (the context has no previous Item).
            first = self.position
            while self.peek().kind == "word" and self.peek().lower not in ("and", "or"):
                self.position += 1
            words = [t.lower for t in self.tokens[first : self.position]]
            if words[:2] not in (["changes", "during"], ["change", "during"]):
                raise _Fail("changes ...")
            return Unverifiable(self.text[self.subject_start : self.tokens[self.position - 1].end])
        return self.comparison(subjects, joiner, value_number, be)

    def after_present(
        self, subjects: list[AttributeRef], joiner: str, value_number: int | None
    ) -> Condition:
        def each(make: _Make) -> Condition:
            terms = tuple(make(subject) for subject in subjects)
            return terms[0] if len(terms) == 1 else (And(terms) if joiner == "and" else Or(terms))

        mark = self.position
        if self.accept_any(
            "with value",
            "with a value of",
            "with the value",
            "with values",
            "and has the value",
            "has the value",
            "and has a value of",
            "and has value",
            "and equals",
            "and is",
            "and the value is",
            "and has the value of",
            "with the value of",
            "with a value other than",
            "and has a value other than",
            "and has values of",
            "and has a value",
        ):
            negated = self.accept_any("not", "other than")
            self.accept_any("either", "one of")
            operator = self.operator()
            if operator is not None and not negated:
                bound = self.number()
                return self.each(
                    subjects, joiner, lambda s: Compare(s, operator, bound, value_number)
                )
            try:
                values = self.values()
            except _Fail:
                self.position = mark
            else:
                if self.at_other(mark):
                    negated = True
                test = self.value_test(subjects, joiner, value_number, values)
                return _and(each(Present), Not(test)) if negated else test
        if self.accept_any(
            "and has a value",
            "with a value",
            "and is not empty",
            "and not empty",
            "and non-empty",
            "and has a non-empty value",
            "with a non-empty value",
            "and contains a value",
            "and has values",
            "and is non-empty",
            "and is not zero length",
            "and not zero length",
        ):
            return each(HasValue)
        if self.accept_any(
            "and has a non-zero value",
            "with a non-zero value",
            "and is non-zero",
            "and is not zero",
        ):
            return each(lambda s: Compare(s, "ne", 0.0, value_number))
        if self.accept("and"):
            counted = self.item_count(subjects, joiner)
            if counted is not None:
                return _and(each(Present), counted)
            self.position = mark
        if self.accept_any(
            "and there exists any value other than",
            "and there exists a value other than",
            "and there is a value other than",
            "and there is any value other than",
        ):
            # "Data Path Assignment (0028,1402) is present and there exists any value other
            # than PRIMARY_PVALUES": some occurrence of it has another value.
            values = self.values()
            if len(subjects) != 1 or any(isinstance(v, tuple) for v in values):
                raise _Fail("any value other than ...")
            plain = tuple(v for v in values if not isinstance(v, tuple))
            return self.some_occurrence(
                subjects[0], lambda ref: _and(Present(ref), Not(ValueIn(ref, plain)))
            )
        if self.accept_any("with an item value other than", "and has an item value other than"):
            values = self.values()
            return _and(each(Present), Not(self.value_test(subjects, joiner, value_number, values)))
        self.position = mark
        self.qualifiers(subjects)
        return each(Present)

    def at_other(self, mark: int) -> bool:
        """The phrase accepted from ``mark`` said "other than"."""
        return any(token.lower == "other" for token in self.tokens[mark : self.position])

    def comparison(
        self, subjects: list[AttributeRef], joiner: str, value_number: int | None, be: bool
    ) -> Condition:
        negated = False
        operator: Operator | None = None
        if value_number is None:
            value_number = self.value_number_suffix() if not be else None
            if value_number is not None:
                be = self.accept_any("is", "are")
        if self.accept_any("value is", "value equals", "value of") or self.accept_any("values are"):
            be = True
        if be and self.accept_text(
            r"the (?:data element )?tag of a private (?:attribute|data element)\b"
        ):
            return self.each(subjects, joiner, lambda s: PrivateTag(s, value_number))
        if be and self.accept_any("of value"):
            pass  # "is of Value PRIVATE"
        if be:
            if self.accept_any("not equal to", "not", "other than", "neither"):
                negated = True
                self.accept_any("any of", "one of")
            self.accept_any(
                "equal to",
                "set to",
                "either",
                "one of",
                "one of the following values",
                "one of the following",
                "the value",
            )
        elif self.accept_any(
            "equals",
            "equal",
            "=",
            "has the value",
            "has a value of",
            "has the value of",
            "has value",
            "contains the value",
            "has a value",
            "has values of",
            "has the values",
            "includes value",
            "includes the value",
            "includes",
            "include",
            "has a value that is",
        ):
            self.accept_any("the tag for", "the data element tag of")
            if self.accept_any("other than", "not"):
                negated = True
            self.accept_any(
                "one of the following values", "one of the following", "one of", "either"
            )
        elif self.accept_any(
            "does not equal",
            "does not have the value",
            "does not have a value of",
            "does not have the value of",
            "!=",
            "not equal to",
        ):
            negated = True
        elif self.accept_any(
            "contains an item with the value of",
            "contains an item with the value",
            "contains an item with",
            "contains",
        ):
            self.accept_any("the tag for", "the data element tag of", "either")
        elif self.accept_any("points to", "point to"):
            pass
        elif self.peek().text in (">", ">=", "<", "<="):
            operator = {">": "gt", ">=": "ge", "<": "lt", "<=": "le"}[self.peek().text]  # type: ignore[assignment]
            self.position += 1
        else:
            raise _Fail("no predicate")
        self.accept(":")
        if operator is None:
            operator = self.operator()
        if operator is not None:
            bound = self.number()
            if negated:
                raise _Fail("negated comparison")
            return self.each(subjects, joiner, lambda s: Compare(s, operator, bound, value_number))
        if self.accept_any("non-zero", "nonzero"):
            return self.each(subjects, joiner, lambda s: Compare(s, "ne", 0.0, value_number))
        if self.accept("zero"):
            condition = self.each(subjects, joiner, lambda s: Compare(s, "eq", 0.0, value_number))
            return Not(condition) if negated else condition
        values = self.values()
        test = self.value_test(subjects, joiner, value_number, values)
        result: Condition = Not(test) if negated else test
        if self.accept_any("or is absent", "or is not present", "or absent", "or not present"):
            result = _flatten(Or, (result, self.each(subjects, joiner, lambda s: Not(Present(s)))))
        return result

    def each(self, subjects: list[AttributeRef], joiner: str, make: _Make) -> Condition:
        terms = tuple(make(subject) for subject in subjects)
        return terms[0] if len(terms) == 1 else (And(terms) if joiner == "and" else Or(terms))

    def operator(self) -> Operator | None:
        table: tuple[tuple[str, Operator], ...] = (
            ("greater than or equal to", "ge"),
            ("less than or equal to", "le"),
            ("greater than", "gt"),
            ("more than", "gt"),
            ("less than", "lt"),
        )
        for phrase, operator in table:
            if self.accept(*phrase.split()):
                return operator
        return None

    def number(self) -> float:
        token = self.peek()
        if token.kind == "number":
            self.position += 1
            return float(token.value)  # type: ignore[arg-type]
        words = {"zero": 0.0, "one": 1.0, "two": 2.0}
        if token.lower in words:
            self.position += 1
            return words[token.lower]
        raise _Fail("no number")

    def value_test(
        self,
        subjects: list[AttributeRef],
        joiner: str,
        value_number: int | None,
        values: list[Value | tuple[str, str]],
    ) -> Condition:
        codes = tuple(v for v in values if isinstance(v, tuple))
        plain = tuple(v for v in values if not isinstance(v, tuple))
        if codes and plain:
            raise _Fail("codes mixed with values")
        if codes:
            return self.each(subjects, joiner, lambda s: CodeIn(s, codes))
        return self.each(subjects, joiner, lambda s: ValueIn(s, plain, value_number))

    def values(self) -> list[Value | tuple[str, str]]:
        found = [self.value()]
        while True:
            mark = self.position
            self.accept(",")
            if self.accept("or") or self.accept("and") or self.position > mark:
                self.accept("either")
                try:
                    found.append(self.value(strict=True))
                    continue
                except _Fail:
                    pass
            self.position = mark
            return found

    def value(self, strict: bool = False) -> Value | tuple[str, str]:
        token = self.peek()
        if token.kind == "quoted":
            self.position += 1
            return str(token.value)
        if token.kind == "uid":
            self.position += 1
            return str(token.value[0])  # type: ignore[index]
        if token.kind == "code":
            self.position += 1
            code = cast(tuple[str, str], token.value)
            return (str(code[0]), str(code[1]))
        if token.kind == "number":
            self.position += 1
            number = float(token.value)  # type: ignore[arg-type]
            self.skip_meaning()
            return int(number) if number.is_integer() and "." not in token.text else number
        if token.kind == "attr":
            # A value that is a Tag ("points to Frame Time (0018,1063)"), unless a new
            # clause starts with it.
            following = (
                self.tokens[self.position + 1] if self.position + 1 < len(self.tokens) else None
            )
            if (
                strict
                and following is not None
                and following.lower not in (",", ";", "or", "and", "nor")
            ):
                raise _Fail("a new clause")
            self.position += 1
            return TagValue(cast(_Attr, token.value).tag)
        # A Code String: upper-case words ("FOR PRESENTATION", "LOG U", "3D", "MOTOR_PULLBACK").
        words: list[str] = []
        while True:
            token = self.peek()
            if (
                token.kind == "word"
                and _is_code_string(token.text)
                and token.lower not in ("or", "and")
            ):
                words.append(token.text)
                self.position += 1
            elif token.kind == "number" and words:
                words.append(token.text)
                self.position += 1
            else:
                break
        if not words:
            raise _Fail("no value")
        if self.peek().text == "(":
            # "DF (Digitized Film)", "A (Anterior)": the value's meaning, printed after it.
            close = next(
                (
                    k
                    for k in range(self.position + 1, min(len(self.tokens), self.position + 8))
                    if self.tokens[k].text == ")"
                ),
                None,
            )
            if close is not None and all(
                t.kind in ("word", "attr") for t in self.tokens[self.position + 1 : close]
            ):
                self.position = close + 1
        following = self.peek()
        if (
            following.kind == "word"
            and not _is_code_string(following.text)
            and following.lower not in ("or", "and", "for", "in", "of")
        ):
            raise _Fail("a value followed by prose")
        return " ".join(words)

    def skip_meaning(self) -> None:
        """Skip the meaning printed after a value in parentheses ("3 (Code Sequence look
        up)", "DF (Digitized Film)"): words only."""
        if self.peek().text != "(":
            return
        close = next(
            (
                k
                for k in range(self.position + 1, min(len(self.tokens), self.position + 8))
                if self.tokens[k].text == ")"
            ),
            None,
        )
        if close is not None and all(
            t.kind in ("word", "attr") for t in self.tokens[self.position + 1 : close]
        ):
            self.position = close + 1

    def module_clause(self) -> Condition:
        token = self.peek()
        self.position += 1
        refs = token.value
        assert isinstance(refs, tuple)
        terms = tuple(ModulePresent(table_id, kind, name) for table_id, kind, name in refs)
        joiner = "and" if re.search(r"\band\b", token.text) else "or"
        # "the Display Shutter Module or Bitmap Display Shutter Module is present"
        while self.peek().lower in ("or", "and") and self.peek(1).kind == "modules":
            joiner = self.peek().lower
            more = self.peek(1).value
            assert isinstance(more, tuple)
            terms += tuple(ModulePresent(table_id, kind, name) for table_id, kind, name in more)
            self.position += 2
        negated = False
        if self.accept_any(
            "is present",
            "are present",
            "present",
            "is included",
            "are included",
            "exists",
            "exist",
            "is used",
            "are used",
            "is present in the sop instance",
        ):
            pass
        elif self.accept_any(
            "is not present",
            "are not present",
            "is absent",
            "are absent",
            "not present",
            "is not included",
            "does not exist",
        ):
            negated = True
        else:
            raise _Fail("a Module without a predicate")
        self.accept_any(
            "in the current frame functional groups module",
            "in this sop instance",
            "in the sop instance",
        )
        if negated:
            # "A or B ... are not present": none of them is present.
            return (
                _flatten(And, tuple(Not(term) for term in terms))
                if len(terms) > 1
                else Not(terms[0])
            )
        if len(terms) == 1:
            return terms[0]
        return And(terms) if joiner == "and" else Or(terms)

    def sop_class_clause(self) -> Condition:
        if self.peek().kind == "attr":
            self.position += 1
        else:
            self.accept("sop", "class")
            self.accept("uid")
        self.accept_any(
            "of the sop instance including this module",
            "of the referencing sop instance",
            "of this sop instance",
            "of the sop instance",
        )
        negated = False
        if self.accept_any(
            "is not",
            "is other than",
            "does not equal",
            "is not one of",
            "is not equal to",
            "is neither",
        ):
            negated = True
        elif self.accept_any(
            "is",
            "equals",
            "has a value of",
            "is one of",
            "equals one of the following values",
            "is equal to",
            "is either",
        ):
            self.accept_any(
                "one of the following values",
                "one of the following",
                "one of",
                "the following values",
                "the following",
            )
        else:
            raise _Fail("SOP Class without a predicate")
        self.accept(":")
        uids, names = self.sop_class_list(negated)
        condition = SOPClassIn(tuple(uids), tuple(names))
        return Not(condition) if negated else condition

    def sop_class_list(self, negated: bool = False) -> tuple[list[str], list[str]]:
        """A list of SOP Classes: UIDs with or without their names, names with or without
        their UIDs ("CT ("1.2...") or MR ("1.2...") Storage SOP Classes"); or a kind of SOP
        Class with its members in parentheses ("a legacy converted SOP Class (Legacy
        Converted Enhanced CT Image Storage "1.2...", ...)")."""
        mark = self.position
        if self.accept_any("a", "an"):
            count = 0
            while self.peek().kind == "word" and not self.at("sop", "class") and count < 6:
                self.position += 1
                count += 1
            if self.accept("sop", "class") and self.accept("("):
                members = self.sop_class_list(negated)
                if not self.accept(")"):
                    raise _Fail("a kind of SOP Class without its list")
                return members
            self.position = mark
        uids: list[str] = []
        names: list[str] = []
        while True:
            token = self.peek()
            if token.kind == "uid":
                uid, printed = cast(tuple[str, str], token.value)
                uids.append(uid)
                names.append(printed or self.vocabulary.uid_names.get(uid, ""))
                self.position += 1
            else:
                name = self.sop_class_name()
                if name is None:
                    # "Enhanced RT Image ("1.2...")": a name PS3.6 spells otherwise, then its UID.
                    ahead = 0
                    while self.peek(ahead).kind == "word" and ahead < 12:
                        ahead += 1
                    if ahead and self.peek(ahead).kind == "uid":
                        self.position += ahead
                        continue
                    raise _Fail("no SOP Class")
                uids.append(name[0])
                names.append(name[1])
            mark = self.position
            self.accept(",")
            if negated and self.at("and", "not"):
                self.position += 1  # "is not A and not B": none of them
            else:
                self.accept_any("or", "nor")
            self.accept("not")
            if self.position > mark and self.starts_sop_class():
                continue
            if self.position == mark and self.peek().kind == "uid":
                continue  # "uid (name) uid (name)": a list without separators
            self.position = mark
            break
        # "CT (uid) or MR (uid) ... Storage SOP Classes": the common suffix of the names.
        self.accept_any(
            "storage sop classes", "storage sop class", "sop classes", "storage classes"
        )
        # A name then its UID ("... Image Storage "1.2..."") lists each UID twice.
        unique: dict[str, str] = {}
        for uid, printed_name in zip(uids, names):
            if not unique.get(uid):
                unique[uid] = printed_name
        return list(unique), list(unique.values())

    def referenced_sop_class(self) -> Condition | None:
        """ "the referenced SOP Instance has the SOP Class UID RT Plan ("1.2...") or ...":
        Referenced SOP Class UID (0008,1150) of the same Item names the referenced
        Instance's SOP Class (PS3.3 Table 10-11). ``None`` (nothing consumed) where the
        clause is not that, or no Referenced SOP Class UID is beside the Attribute."""
        mark = self.position
        if not self.accept_text(
            r"the referenced (?:SOP )?Instance (?:has the SOP Class UID|has a SOP Class UID of"
            r"|is an? (?=.*\bSOP Class\b)|is of (?:the )?SOP Class)\s*"
        ):
            return None
        scope, levels = self.vocabulary.scope(self.context, _REFERENCED_SOP_CLASS_UID)
        if scope != "item":
            self.position = mark
            return None
        self.accept_any("one of", "either")
        self.accept(":")
        uids, names = self.sop_class_list()
        self.accept_any("sop class", "instance")
        reference = AttributeRef(
            _REFERENCED_SOP_CLASS_UID, scope, levels, "Referenced SOP Class UID"
        )
        return ValueIn(reference, tuple(uids))

    def starts_sop_class(self) -> bool:
        """A UID, a SOP Class name, or a name then a UID follows (nothing consumed)."""
        mark = self.position
        try:
            if self.peek().kind == "uid" or self.sop_class_name() is not None:
                return True
            ahead = 0
            while self.peek(ahead).kind == "word" and ahead < 12:
                ahead += 1
            return ahead > 0 and self.peek(ahead).kind == "uid"
        finally:
            self.position = mark

    def sop_class_name(self) -> tuple[str, str] | None:
        """A SOP Class printed by name only ("Grayscale Softcopy Presentation State
        Storage"): the longest run of words that PS3.6 names."""
        best: tuple[int, str, str] | None = None
        words: list[str] = []
        for offset in range(0, 14):
            token = self.peek(offset)
            if token.kind not in ("word", "punct") or token.text in (",", ";"):
                break
            words.append(token.text)
            uid = self.vocabulary.sop_classes.get(" ".join(words).casefold())
            if uid is not None:
                best = (offset + 1, uid, " ".join(words))
        if best is None:
            return None
        self.position += best[0]
        return best[1], best[2]


def _is_code_string(word: str) -> bool:
    """An upper-case word such as ORIGINAL, TILED_FULL, 3D, LOG (a Code String value)."""
    letters = [c for c in word if c.isalpha()]
    return (
        bool(letters)
        and all(c.isupper() for c in letters)
        and re.fullmatch(r"[A-Z0-9_\-/.]+", word) is not None
    )


def _flatten(node: type[And] | type[Or], terms: tuple[Condition, ...]) -> Condition:
    flat: list[Condition] = []
    for term in terms:
        if isinstance(term, node):
            flat.extend(term.terms)
        else:
            flat.append(term)
    return node(tuple(flat))


def _and(left: Condition, right: Condition) -> Condition:
    return _flatten(And, (left, right))


# --- preprocessing ----------------------------------------------------------------------------

_REFERENCES = (
    # "See Section C.7.6.1.1.2", "(see PS3.4)", "- See Section A.28.3", "; see A.77.4.2"
    re.compile(
        r"\s*[;,\-–]?\s*\(?\b[Ss]ee\s+(?:Section|Table|Annex|Note|PS ?3|[A-Z]\.\d)[^()]*?(?:\)|$)"
    ),
    # "(C.7.6.16.2.6)", "(Section A.89.3.1.2)"
    re.compile(r"\s*\((?:Section |see Section )?[A-Z]\.\d+(?:[.\-]\d+)*\)"),
    # "(see Note 2)"
    re.compile(r"\s*\(see Note \d+\)", re.IGNORECASE),
)


def _prepare(clause: str) -> str:
    text = clause.strip()
    for pattern in _REFERENCES:
        text = pattern.sub("", text)
    text = re.sub(r"^(?:required )?(?:if|when)\s*:?\s*", "", text, flags=re.IGNORECASE)
    # "X is TRUE SIZE, in which case the values will correspond to ...": what the Attribute
    # then means, no part of the condition.
    text = re.sub(r",\s*in which case\b.*$", "", text)
    return text.strip().rstrip(" .;:,")


def parse_condition(
    clause: str,
    vocabulary: Vocabulary | None = None,
    context: ParseContext = ParseContext(),
) -> Condition:
    """Parse the condition proper of a sentence ("Value 3 of Image Type (0008,0008) is
    LABEL", without "Required if").

    Args:
        clause: the condition as printed.
        vocabulary: the names to recognise; ``None``: PS3.6's Attribute and UID names only.
        context: where the condition is written (for the scope of sibling Attributes).

    Returns:
        the condition; :class:`Unparsed` (with ``detail``) when any part of it could not
        be read. Never raises.
    """
    vocabulary = vocabulary or _default_vocabulary()
    text = _prepare(clause)
    if not text:
        return Unparsed(clause, "empty condition")
    that_is = re.fullmatch(r"(?P<words>[^()]+?),? i\.e\.,? (?P<data>.+)", text)
    if that_is is not None:
        # "the Target Content Item is denoted by-reference, i.e., the Document Relationship
        # Macro and Document Content Macro are not included": what the words mean in terms
        # of the data is read, where the words alone say nothing checkable.
        words = parse_condition(that_is.group("words"), vocabulary, context)
        data = parse_condition(that_is.group("data"), vocabulary, context)
        if isinstance(words, Unverifiable) and not contains_unparsed(data):
            return data
    try:
        tokens = _recognise(_tokenize(text), text, vocabulary)
        condition = _Parser(text, tokens, vocabulary, context).parse()
    except _Fail as failure:
        return Unparsed(clause.strip(), str(failure))
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, AssertionError) as error:
        # A shape the grammar did not foresee: never guess, report it unparsed.
        return Unparsed(clause.strip(), f"{type(error).__name__}: {error}")
    if contains_unparsed(condition):
        unread = next(node for node in _nodes(condition) if isinstance(node, Unparsed))
        return Unparsed(clause.strip(), f"cannot read {unread.text!r}: {unread.detail}")
    return condition


def _one_of(clause: str, vocabulary: Vocabulary | None, context: ParseContext) -> Condition:
    """ "X or Y" of "Either one or both of X or Y are required", written in the description
    of one of them: required when the others are absent."""
    listed = parse_condition(clause + " is present", vocabulary, context)
    if isinstance(listed, Unparsed):
        return listed
    terms = listed.terms if isinstance(listed, Or) else (listed,)
    if not all(isinstance(term, Present) for term in terms):
        return Unparsed(clause, "not a list of Attributes")
    others = tuple(
        Not(term)
        for term in terms
        if isinstance(term, Present) and term.attribute.tag != context.tag
    )
    if context.tag is None or len(others) != len(terms) - 1 or not others:
        return Unparsed(clause, "the Attribute is not one of those listed")
    return others[0] if len(others) == 1 else And(others)


def _nodes(condition: Condition) -> Iterable[Condition]:
    from dicomstd.conditions.ast import walk

    return walk(condition)


def parse_requirement(
    sentences: tuple[ConditionSentence, ...],
    vocabulary: Vocabulary | None = None,
    context: ParseContext = ParseContext(),
    text: str = "",
) -> Requirement:
    """Compile the condition sentences of one Attribute (or Usage C row) into a
    :class:`Requirement`.

    Several "Required if" sentences are alternatives (their disjunction); "May be present
    otherwise" makes ``otherwise`` ``Constant(True)``, "Shall not be present otherwise"
    ``Constant(False)`` (stated), neither ``Constant(False)`` (PS3.5 Sections 7.4.2 and
    7.4.4; PS3.3 Section A.1.3.2); "Shall not be present if" sentences are ``forbidden``
    (their disjunction).

    Args:
        sentences: from :func:`~dicomstd.generator.conditions.extract.condition_sentences`
            or :func:`~dicomstd.generator.conditions.extract.usage_sentences`.
        text: the text to report when ``sentences`` is empty (the whole description).
    """
    joined = " ".join(sentence.text for sentence in sentences if sentence.text)
    required = [
        parse_condition(s.clause, vocabulary, context) for s in sentences if s.kind == "required"
    ]
    # "May not be necessary if X" (an include): required unless X, may be present anyway.
    for sentence in sentences:
        if sentence.kind == "unless":
            unless = parse_condition(sentence.clause, vocabulary, context)
            required.append(unless if isinstance(unless, Unparsed) else Not(unless))
    forbidden = [
        parse_condition(s.clause, vocabulary, context) for s in sentences if s.kind == "forbidden"
    ]
    # "Mutually exclusive with X": shall not be present when X is; when X is absent, the
    # sentence does not say whether this one is required (only that not both may be).
    for sentence in sentences:
        if sentence.kind != "exclusive":
            continue
        other = parse_condition(sentence.clause + " is present", vocabulary, context)
        forbidden.append(other)
        if not any(s.kind == "required" for s in sentences):
            required.append(
                _and(
                    Not(other),
                    Unverifiable(f"when {sentence.clause} is absent: {sentence.text}"),
                )
            )
    otherwise: Condition = Constant(False)
    stated = False
    for sentence in sentences:
        if sentence.kind in ("may", "unless"):
            otherwise, stated = Constant(True), True
        elif sentence.kind == "shall not":
            otherwise, stated = Constant(False), True
        elif sentence.kind == "may if":
            otherwise, stated = parse_condition(sentence.clause, vocabulary, context), True
    for sentence in sentences:
        if sentence.kind == "one of":
            # "Either one or both of X or Y are required" (in the descriptions of X and of
            # Y): this one is required when the others are absent; both may be present.
            required.append(_one_of(sentence.clause, vocabulary, context))
            if not stated:
                otherwise, stated = Constant(True), True
    if not required and any(s.kind == "may if" for s in sentences):
        # "May be present if X" and no "Required if": no condition under which it is
        # required is stated.
        required.append(Unverifiable(f"not stated when required: {joined}"))
    if not required and forbidden:
        # "When X, this Attribute shall not be present" and no "Required if": not required
        # where X holds; where it does not, the text does not say.
        required.append(
            _and(
                Not(forbidden[0] if len(forbidden) == 1 else _flatten(Or, tuple(forbidden))),
                Unverifiable(f"only stated when it shall not be present: {joined}"),
            )
        )
    if not required:
        reason = 'no "Required if" sentence' if sentences else "no condition sentence"
        return Requirement(
            Unparsed(joined or text, reason), otherwise, stated, None, joined or text
        )
    if any(isinstance(condition, Unparsed) for condition in required):
        unread = next(c for c in required if isinstance(c, Unparsed))
        assert isinstance(unread, Unparsed)
        condition: Condition = Unparsed(joined, unread.detail) if len(required) > 1 else unread
    else:
        condition = required[0] if len(required) == 1 else _flatten(Or, tuple(required))
    forbid: Condition | None = None
    if forbidden:
        forbid = forbidden[0] if len(forbidden) == 1 else _flatten(Or, tuple(forbidden))
    return Requirement(condition, otherwise, stated, forbid, joined)
