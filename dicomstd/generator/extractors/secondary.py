"""A declared secondary source for data elements the publications at hand lack.

The newest whole PS3.6 DocBook here is 2015b; the 2024c CHTML lacks Table 6-1 (see
``../shared/dicom-standard/README.md``). Data elements registered after 2015b therefore
have no PS3.6 row. :func:`complete_from_pydicom` adds them from pydicom's installed data
dictionary, each marked as secondary (``SourceReference(part="pydicom", ...)``) so that
generated code and reports can tell them apart. When the publications hold a Table 6-1 of
the same or a newer edition than the other parts, the caller skips this completion.
"""

from __future__ import annotations

import pydicom

# Where pydicom defines its dictionaries (pydicom.datadict only re-exports them).
from pydicom._dicom_dict import DicomDictionary, RepeatersDictionary

from dicomstd.errors import BuildError
from dicomstd.generator.extractors.part06 import parse_tag
from dicomstd.generator.model import DataElement, SourceReference

__all__ = ["PYDICOM_SOURCE", "complete_from_pydicom", "pydicom_entries"]

#: The source every added element cites: ``pydicom 3.0.2 data dictionary``.
PYDICOM_SOURCE = SourceReference(
    part="pydicom", edition=pydicom.__version__, table_id="", label="data dictionary"
)

# pydicom writes "NONE" where PS3.6 says "See Note" (Item and delimitation items).
_NO_VR = "NONE"


def pydicom_entries() -> dict[str, DataElement]:
    """pydicom's data dictionary (DicomDictionary and RepeatersDictionary) as
    :class:`DataElement` objects keyed by tag text (``0008,0005``, ``60xx,0010``).

    The command group 0000 is left out: PS3.6 does not register it (PS3.7 Annex E does,
    see :mod:`.part07`), although pydicom keeps it in the same dictionary.

    Raises:
        BuildError: a pydicom key is not a tag (a different pydicom layout).
    """
    entries: dict[str, DataElement] = {}
    raw: list[tuple[str, tuple[str, str, str, str, str]]] = [
        (f"({key >> 16:04X},{key & 0xFFFF:04X})", entry) for key, entry in DicomDictionary.items()
    ]
    raw.extend((f"({key[:4]},{key[4:]})", entry) for key, entry in RepeatersDictionary.items())
    for tag_text, (vr, vm, name, retired, keyword) in raw:
        tag = parse_tag(tag_text)
        if tag is None:
            raise BuildError(
                f"pydicom {pydicom.__version__} dictionary key {tag_text} is not a tag"
            )
        if tag.value >> 16 == 0 and tag.mask >> 16 == 0xFFFF:
            continue
        vr_text = "" if vr == _NO_VR else vr
        entries[tag.text] = DataElement(
            tag=tag.text,
            tag_value=tag.value,
            tag_mask=tag.mask,
            name=name,
            keyword=keyword,
            value_representations=tuple(vr_text.split(" or ")) if vr_text else (),
            vr_text=vr_text,
            value_multiplicity=vm,
            retired=retired == "Retired",
            comment="",
            source=PYDICOM_SOURCE,
        )
    return entries


def complete_from_pydicom(elements: list[DataElement]) -> tuple[list[DataElement], int]:
    """Return ``elements`` completed with pydicom's entries whose tag they lack, and the
    number added.

    Added entries cite :data:`PYDICOM_SOURCE`; their ``comment`` is empty (pydicom does
    not keep PS3.6's last column) and a VR of ``NONE`` becomes no VR. Tags compare as
    printed (``60xx,0010`` matches ``60xx,0010``, not ``6000,0010``). The result is sorted
    by ``tag_value`` and tag text so that the order does not depend on which source a row
    came from.
    """
    have = {element.tag for element in elements}
    added = [entry for tag, entry in pydicom_entries().items() if tag not in have]
    combined = sorted([*elements, *added], key=lambda element: (element.tag_value, element.tag))
    return combined, len(added)
