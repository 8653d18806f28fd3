"""Look up DICOM data elements by Tag or Keyword, from the compiled registry.

The registry is PS3.6 Tables 6-1, 7-1, 8-1 and 9-1 as compiled into
:mod:`dicomstd.generated.data_dictionary` (loaded on first use); see that module's header
for the publications and editions it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["DataElementDefinition", "lookup", "lookup_keyword", "lookup_tag", "parse_tag"]

_TAG_FORMS = re.compile(
    r"^\(?\s*([0-9A-Fa-f]{4})\s*,\s*([0-9A-Fa-f]{4})\s*\)?$|^(?:0x)?([0-9A-Fa-f]{8})$"
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

    Raises:
        ValueError: ``text`` is none of these forms.
    """
    match = _TAG_FORMS.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a tag such as (0010,0010)")
    if match.group(3):
        return int(match.group(3), 16)
    return int(match.group(1), 16) << 16 | int(match.group(2), 16)


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
    for text, (value, mask, repeating_row) in data_dictionary.REPEATING_DATA_ELEMENTS.items():
        if tag & mask == value:
            return _definition(text, value, repeating_row)
    raise KeyError(f"({tag >> 16:04X},{tag & 0xFFFF:04X}) is not in the registry of data elements (PS3.6)")


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


def lookup(tag_or_keyword: int | str) -> DataElementDefinition:
    """Return the definition of a data element given as a tag (int or text) or a keyword.

    Raises:
        KeyError: the registry holds no such element.
    """
    if isinstance(tag_or_keyword, int):
        return lookup_tag(tag_or_keyword)
    try:
        return lookup_tag(parse_tag(tag_or_keyword))
    except ValueError:
        return lookup_keyword(tag_or_keyword)
