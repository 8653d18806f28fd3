"""Look up DICOM data elements by Tag or Keyword, from the compiled registry.

The registry is PS3.6 Tables 6-1, 7-1, 8-1 and 9-1 as compiled into
:mod:`dicomstd.generated.data_dictionary` (loaded on first use); see that module's header
for the publications and editions it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "DataElementDefinition",
    "lookup",
    "lookup_command",
    "lookup_keyword",
    "lookup_tag",
    "parse_tag",
]

_REPEATING_FORM = re.compile(r"^\(?[0-9A-Fa-fxX]{4},[0-9A-Fa-fxX]{4}\)?$")
_TAG_FORMS = re.compile(
    r"^(\(?)\s*([0-9A-Fa-f]{4})\s*,\s*([0-9A-Fa-f]{4})\s*(\)?)$|^(?:0x)?([0-9A-Fa-f]{8})$"
)


@dataclass(frozen=True, slots=True)
class DataElementDefinition:
    """What PS3.6 says of one data element.

    Attributes:
        tag: the tag as printed, without parentheses (``0010,0010``; ``60xx,3000``).
        tag_value: ``group << 16 | element`` (each ``x`` as 0 for a repeating group).
        name: the Attribute Name.
        keyword: the Keyword (``""`` where the registry gives none).
        value_representations: the VRs it may have (``("US", "SS")``); ``()`` where the
            VR column says "See Note" or nothing.
        vr_text: the VR column as printed.
        value_multiplicity: the VM as printed (``1-n``).
        retired: the element is retired.
        comment: the last column as printed (``RET``, ``DICOS``, ``DICONDE``).
        source: where the row was read (``PS3.6 2015b Table 6-1``).
    """

    tag: str
    tag_value: int
    name: str
    keyword: str
    value_representations: tuple[str, ...]
    vr_text: str
    value_multiplicity: str
    retired: bool
    comment: str
    source: str


def parse_tag(text: str) -> int:
    """Return the tag written as ``(0010,0010)``, ``0010,0010``, ``00100010`` or ``0x00100010``.

    A repeating group written as PS3.6 prints it (``(60xx,3000)``) gives its first group
    (``0x60003000``).

    Raises:
        ValueError: ``text`` is none of these forms.
    """
    text = text.strip()
    if _REPEATING_FORM.match(text):
        # PS3.6 prints repeating groups and ranges with x: their first tag is meant.
        text = text.replace("x", "0").replace("X", "0")
    match = _TAG_FORMS.match(text)
    if match is None or bool(match.group(1)) != bool(match.group(4)):
        raise ValueError(f"{text!r} is not a tag such as (0010,0010)")
    if match.group(5):
        return int(match.group(5), 16)
    return int(match.group(2), 16) << 16 | int(match.group(3), 16)


def _vrs(vr_text: str) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in vr_text.split(" or "))
    return parts if all(re.fullmatch(r"[A-Z]{2}", part) for part in parts) else ()


def _definition(tag: str, value: int, row: tuple[str, str, str, str, bool, str, int]) -> DataElementDefinition:
    from dicomstd.generated import data_dictionary

    vr_text, vm, name, keyword, retired, comment, source = row
    return DataElementDefinition(
        tag, value, name, keyword, _vrs(vr_text), vr_text, vm, retired, comment,
        data_dictionary.SOURCES[source],
    )


@lru_cache(maxsize=None)
def _keyword_index() -> dict[str, tuple[str, int]]:
    from dicomstd.generated import data_dictionary

    index: dict[str, tuple[str, int]] = {}
    for value, row in data_dictionary.DATA_ELEMENTS.items():
        if row[3]:
            index.setdefault(row[3], ("", value))
    for tag, (value, _mask, row) in data_dictionary.REPEATING_DATA_ELEMENTS.items():
        if row[3]:
            index.setdefault(row[3], (tag, value))
    return index


def lookup_tag(tag: int) -> DataElementDefinition:
    """Return the definition of ``tag`` (``group << 16 | element``).

    A tag of a repeating group (``6002,3000``) finds its row (``60xx,3000``).

    Raises:
        KeyError: the registry does not define ``tag`` (private and unknown tags).
    """
    from dicomstd.generated import data_dictionary

    row = data_dictionary.DATA_ELEMENTS.get(tag)
    if row is not None:
        return _definition(f"{tag >> 16:04X},{tag & 0xFFFF:04X}", tag, row)
    if not 0 <= tag <= 0xFFFFFFFF:
        raise ValueError(f"{tag} is not a tag: a tag is a 32-bit group and element")
    for text, (value, mask, repeating_row) in data_dictionary.REPEATING_DATA_ELEMENTS.items():
        if tag & mask == value and _in_repeating_group(tag, mask):
            return _definition(text, value, repeating_row)
    group = tag >> 16
    what = "a private tag (odd group): PS3.6 defines none" if group % 2 else "not in the registry of data elements (PS3.6)"
    raise KeyError(f"({group:04X},{tag & 0xFFFF:04X}) is {what}")


def _in_repeating_group(tag: int, mask: int) -> bool:
    # PS3.5 Section 7.6: a repeating group (50xx, 60xx, 7Fxx) is one of the even groups
    # from its base to base + 1E; a range within the element number (0020,31xx) has no
    # such restriction.
    if mask >> 16 == 0xFFFF:
        return True
    group = tag >> 16
    return group % 2 == 0 and group & 0xFF <= 0x1E


def lookup_keyword(keyword: str) -> DataElementDefinition:
    """Return the definition of the data element with ``keyword``.

    Raises:
        KeyError: no data element has that keyword.
    """
    try:
        repeating_tag, value = _keyword_index()[keyword]
    except KeyError:
        raise KeyError(f"{keyword!r} is not a keyword of the registry of data elements (PS3.6)") from None
    if repeating_tag:
        from dicomstd.generated import data_dictionary

        return _definition(repeating_tag, value, data_dictionary.REPEATING_DATA_ELEMENTS[repeating_tag][2])
    return lookup_tag(value)


def lookup_command(tag_or_keyword: int | str) -> DataElementDefinition:
    """Return the DIMSE command field (group 0000) given as a tag or a keyword, from
    PS3.7 Annex E (Table E.1-1; retired fields from Table E.2-1).

    Raises:
        KeyError: PS3.7 defines no such command field.
    """
    from dicomstd.generated.command_dictionary import COMMAND_ELEMENTS

    if isinstance(tag_or_keyword, int):
        entry = COMMAND_ELEMENTS.get(tag_or_keyword)
    else:
        entry = next((e for e in COMMAND_ELEMENTS.values() if e.keyword == tag_or_keyword), None)
    if entry is None:
        shown = (
            f"({tag_or_keyword >> 16:04X},{tag_or_keyword & 0xFFFF:04X})"
            if isinstance(tag_or_keyword, int)
            else repr(tag_or_keyword)
        )
        raise KeyError(f"{shown} is not a command field (PS3.7 Annex E)")
    return DataElementDefinition(
        f"{entry.tag >> 16:04X},{entry.tag & 0xFFFF:04X}",
        entry.tag,
        entry.name,
        entry.keyword,
        (entry.value_representation,),
        entry.value_representation,
        entry.value_multiplicity,
        entry.retired,
        "RET" if entry.retired else "",
        entry.source,
    )


def lookup(tag_or_keyword: int | str) -> DataElementDefinition:
    """Return the definition of a data element or command field given as a tag (an int, or
    text such as ``(0010,0010)``) or a keyword.

    Group 0000 (command fields) is PS3.7's; every other group is PS3.6's.

    Raises:
        KeyError: neither registry holds such an element.
        ValueError: an int that is not a 32-bit tag.
    """
    if isinstance(tag_or_keyword, str):
        try:
            tag: int | None = parse_tag(tag_or_keyword)
        except ValueError:
            tag = None
        if tag is None:
            try:
                return lookup_keyword(tag_or_keyword)
            except KeyError:
                try:
                    return lookup_command(tag_or_keyword)
                except KeyError:
                    pass
                raise
        tag_or_keyword = tag
    if tag_or_keyword >> 16 == 0 and tag_or_keyword >= 0:
        return lookup_command(tag_or_keyword)
    return lookup_tag(tag_or_keyword)
