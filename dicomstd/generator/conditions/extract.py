"""Find the condition sentences in PS3.3's text.

Sources:

- a Type 1C/2C Attribute's Attribute Description (:attr:`AttributeSpec.description`): the
  sentences that say when it is required ("Required if ..."; "Shall be present if ..."),
  whether it may be present otherwise ("May be present otherwise."), and when it shall not
  be present ("Shall not be present if ..."); the rest of the description (what the
  Attribute means, its Defined Terms, "See Section ...") is not a condition;
- a Module's or Functional Group Macro's Usage C text (:attr:`ModuleUsage.condition`,
  :attr:`FunctionalGroupUsage.condition`), which is all condition, possibly with a
  placement note ("may not be used as a Shared Functional Group", kept out: the extractor
  of PS3.3 reads it into :attr:`FunctionalGroupUsage.placement`);
- an "Include Table X" row's qualifier (:attr:`Include.qualifier`) where it makes the
  include conditional: "Include Table C.18.1-1 if and only if Value Type (0040,A040) is
  NUM", "Required if ...", "Include if ...", "if the Target Content Item is included
  by-value ...", "May not be necessary if ..." (the other qualifiers name context groups or
  constrain the included Attributes: no condition).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ConditionSentence",
    "SentenceKind",
    "condition_sentences",
    "include_sentences",
    "normalize",
    "usage_sentences",
]

#: What a condition sentence says: when ``required``; ``may`` / ``shall not`` be present
#: otherwise; ``may if`` ("May be present otherwise if ...", "May be present if ...");
#: ``forbidden`` ("Shall not be present if ..."); ``exclusive`` ("Mutually exclusive with
#: X": the clause names X); ``unless`` ("May not be necessary if X", of an include: required
#: unless X, and may be present all the same).
#: ``one of`` ("Either one or both of X or Y are required": the clause lists X and Y; the
#: Attribute is required when the others are absent).
SentenceKind = Literal[
    "required", "may", "shall not", "may if", "forbidden", "exclusive", "unless", "one of"
]


@dataclass(frozen=True, slots=True)
class ConditionSentence:
    """One condition sentence.

    Attributes:
        kind: see :data:`SentenceKind`.
        text: the sentence as printed (normalised spaces and quotes), from its keyword on.
        clause: the condition proper, without the leading keywords ("Required if") and the
            final full stop; ``""`` for ``may`` and ``shall not``.
    """

    kind: SentenceKind
    text: str
    clause: str


_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " "})


def normalize(text: str) -> str:
    """Collapse whitespace, straighten quotes."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


# A sentence ends at a full stop (or ; before an "otherwise" clause) followed by a space and
# a capital, a quote or a parenthesis; dots inside UIDs, section numbers and "e.g." do not.
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\betc)\.\s+(?=[A-Z\"(])")

_STARTERS: tuple[tuple[re.Pattern[str], SentenceKind], ...] = (
    (
        re.compile(
            r"(?:It |it |This Attribute |this Attribute )?[Ss]hall not be present otherwise\b"
        ),
        "shall not",
    ),
    (
        re.compile(
            r"(?:It |it )?[Mm]ay be present otherwise,? (?:only )?if\b|[Oo]therwise,? may be present if\b"
            r"|(?:It |it )?[Mm]ay be present (?:only )?if\b"
        ),
        "may if",
    ),
    (
        re.compile(
            r"(?:It |it )?[Mm]ay be present otherwise\b|[Oo]therwise,? (?:it )?may be present\b"
        ),
        "may",
    ),
    (re.compile(r"(?:It |it )?[Ss]hall not be present (?:if|when)\b"), "forbidden"),
    # "When the Directory Record does not reference any SOP Instance this Attribute shall not
    # be present": the condition first (the clause is the text between).
    (
        re.compile(
            r"(?:When|If)\b(?=.*?,? (?:this Attribute|it|the Attribute) shall not be present\.?$)"
        ),
        "forbidden",
    ),
    (re.compile(r"[Ee]ither one or both of\b"), "one of"),
    (re.compile(r"(?:It is |it is )?[Mm]utually exclusive with\b"), "exclusive"),
    (
        re.compile(
            r"(?:This Attribute is |this Attribute is |It is |it is )?[Rr]equired,? (?:only )?(?:if|when|for)(?:\b|(?=[A-Z])):?"
            # "Required as described in Section C.36.9.1.1", "Required to specify the
            # expanded character set" (a purpose, no condition on the data): the clause
            # keeps its opening words.
            r"|^Required (?=as described in Section\b|to [a-z])"
            r"|[Ss]hall be present,? (?:only )?(?:if|when|for)\b:?"
        ),
        "required",
    ),
)

# "; may be present otherwise", ", may be present otherwise", "; shall not be present if" at
# the end of a Required sentence: a second sentence of its own.
_TRAILING = re.compile(
    r"[;,.]?\s+(?=(?:it )?(?:[Mm]ay be present otherwise|May be present if|[Ss]hall not be present (?:otherwise|if|when)|[Oo]therwise,? may be present))"
)


# "... (XA Performed Procedure Protocol Storage) Enumerated Values: YES NO": the values of
# the Attribute, printed after its condition without a full stop, are no part of it.
_VALUES_HEADING = re.compile(r"\s+(?=(?:Enumerated Values?|Defined Terms?)\s*:)")


def _sentences(text: str) -> list[str]:
    pieces: list[str] = []
    for sentence in (
        piece for whole in _SENTENCE_END.split(text) for piece in _VALUES_HEADING.split(whole)
    ):
        for part in _TRAILING.split(sentence):
            part = part.strip()
            if part:
                pieces.append(part)
    return pieces


def _classify(sentence: str) -> ConditionSentence | None:
    for pattern, kind in _STARTERS:
        match = pattern.search(sentence)
        if match is None:
            continue
        # The starter must open the sentence, or follow the Defined Terms or prose that a
        # description cell runs into it without a full stop ("... NONE Required if ...").
        if match.start() and kind != "required":
            continue
        text = sentence[match.start() :].strip()
        clause = (
            text[match.end() - match.start() :].strip()
            if kind in ("required", "forbidden", "may if", "exclusive", "one of")
            else ""
        )
        if kind == "forbidden" and match.group(0) in ("When", "If"):
            clause = re.sub(
                r",? (?:this Attribute|it|the Attribute) shall not be present\.?$", "", clause
            )
        if kind == "one of":
            clause = re.sub(r"\s+(?:are|is|shall be) (?:required|present)\.?$", "", clause)
        if kind == "required" and re.search(r"\bfor:?$", match.group(0)):
            # "Required for first Item of ...": the parser needs to know it is not an "if".
            clause = "for " + clause
        clause = clause.rstrip(" .;")
        return ConditionSentence(kind, text.rstrip(), clause)
    return None


def condition_sentences(description: str) -> tuple[ConditionSentence, ...]:
    """The condition sentences of a Type 1C/2C Attribute Description, in order.

    ``()`` where the description has none (a handful of rows state the condition in other
    words, "Mutually exclusive with ..."; the caller reports those as unparsed).
    """
    found: list[ConditionSentence] = []
    for sentence in _sentences(normalize(description)):
        classified = _classify(sentence)
        if classified is not None:
            found.append(classified)
    return tuple(found)


_PLACEMENT = re.compile(
    r"[;,.]?\s*(?:and )?(?:shall|may) not be used as (?:a|the) (?:Shared|Per-Frame) Functional Group\.?",
    re.IGNORECASE,
)


def usage_sentences(condition: str) -> tuple[ConditionSentence, ...]:
    """The condition sentences of a Usage C text of an IOD's Module or Functional Group table.

    The text is all condition: a text that does not open with "Required if" (or a variant)
    is returned whole as a ``required`` sentence, so that the parser reports it rather than
    this function dropping it.
    """
    text = _PLACEMENT.sub("", normalize(condition)).strip()
    found: list[ConditionSentence] = []
    for sentence in _sentences(text):
        classified = _classify(sentence)
        if classified is None and not found:
            classified = ConditionSentence("required", sentence, sentence.rstrip(" ."))
        if classified is not None:
            found.append(classified)
    return tuple(found)


# The openings of a conditional include's qualifier, as printed after "Include Table X":
# lower-case "if" continues the row's sentence ("Include Table C.18.1-1 if and only if ...");
# a capitalised "If X, Defined CID is ..." is a sentence of its own about a context group.
_INCLUDE_OPENING = re.compile(
    r"^(?P<lead>Required if|Required only if|Include if|Include only if|Included if"
    r"|May not be necessary if|if and only if|only if|if)\b:?\s*"
)
# "The Macro shall not be present if ...": the include's own "shall not be present".
_INCLUDED_SUBJECT = re.compile(
    r"^The (?:Macro|Module|Table|included Attributes) (?=shall not be present\b)"
)


def include_sentences(qualifier: str) -> tuple[ConditionSentence, ...]:
    """The condition sentences of an "Include Table X" row's qualifier, ``()`` where the
    include is unconditional.

    The first sentence is the condition ("if and only if Value Type (0040,A040) is NUM." is
    ``required`` with the clause "Value Type (0040,A040) is NUM", and a ``shall not``
    otherwise: "only if"); the sentences after it that say when the included Attributes may
    or shall not be present are kept ("May be present otherwise.", "The Macro shall not be
    present if the relationship is by-reference."), the rest (context groups, "See Section
    ...", notes) are not conditions.
    """
    text = normalize(qualifier)
    opening = _INCLUDE_OPENING.match(text)
    if opening is None:
        return ()
    pieces = [piece.strip() for piece in _SENTENCE_END.split(text) if piece.strip()]
    first = pieces[0]
    lead = opening.group("lead")
    clause = first[opening.end() :].strip().rstrip(" .;")
    found: list[ConditionSentence] = []
    if lead == "May not be necessary if":
        found.append(ConditionSentence("unless", first.rstrip(), clause))
    else:
        found.append(ConditionSentence("required", first.rstrip(), clause))
        if "only if" in lead:
            found.append(ConditionSentence("shall not", "", ""))
    for sentence in pieces[1:]:
        classified = _classify(_INCLUDED_SUBJECT.sub("", sentence))
        if classified is not None and classified.kind != "required":
            found.append(ConditionSentence(classified.kind, sentence.rstrip(), classified.clause))
    return tuple(found)
