"""File Meta Information checks (PS3.10 Section 7.1, Table 7.1-1): the required group 0002
elements, their agreement with the Data Set (SOP Class and Instance), and the Transfer
Syntax's agreement with how the Data Set is actually encoded (PS3.5 Section 10, Annex A).
"""

from __future__ import annotations

from typing import Any, Callable

from dicomstd.validate.findings import Severity

__all__ = ["check_file_meta"]

# PS3.10 Table 7.1-1: (tag, keyword, type).
_REQUIRED: tuple[tuple[int, str, str], ...] = (
    (0x00020000, "FileMetaInformationGroupLength", "1"),
    (0x00020001, "FileMetaInformationVersion", "1"),
    (0x00020002, "MediaStorageSOPClassUID", "1"),
    (0x00020003, "MediaStorageSOPInstanceUID", "1"),
    (0x00020010, "TransferSyntaxUID", "1"),
    (0x00020012, "ImplementationClassUID", "1"),
)

# Add a finding: (severity, path, tag, message).
Emit = Callable[[Severity, str, str, str], None]


def _text(dataset: Any, tag: int) -> str:
    try:
        if tag not in dataset:
            return ""
        value = dataset[tag].value
        return "" if value is None else str(value).strip(" \x00")
    except Exception:  # noqa: BLE001 - malformed content is a finding elsewhere
        return ""


def _tag(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


def check_file_meta(dataset: Any, emit: Emit, from_file: bool, has_preamble: bool) -> None:
    """Check ``dataset.file_meta`` (a pydicom FileMetaDataset) and report through ``emit``.

    ``from_file``: the Data Set was read from a file (a Data Set built in memory need not
    have File Meta Information: only what it has is checked). ``has_preamble``: the file
    began with the 128-byte preamble and ``DICM``.
    """
    meta = getattr(dataset, "file_meta", None)
    if from_file and not has_preamble:
        emit(Severity.ERROR, "", "", "no 128-byte preamble and DICM prefix (PS3.10 Section 7.1)")
    if meta is None or len(meta) == 0:
        if from_file:
            emit(Severity.ERROR, "", "", "no File Meta Information (group 0002)")
        return
    for tag, keyword, _type in _REQUIRED:
        if tag not in meta:
            # pydicom does not keep (0002,0000) when it rewrites group lengths; a file read
            # from disk keeps what it had.
            # pydicom writes (0002,0000) and (0002,0001) itself when it saves; an in-memory
            # Data Set's File Meta Information lacks them until then.
            if tag in (0x00020000, 0x00020001) and not from_file:
                continue
            emit(Severity.ERROR, keyword, _tag(tag), f"{keyword} {_tag(tag)} is absent (Type 1)")
        elif tag != 0x00020000 and not _text(meta, tag) and tag != 0x00020001:
            emit(Severity.ERROR, keyword, _tag(tag), f"{keyword} {_tag(tag)} is empty (Type 1)")
    version = meta.get(0x00020001)
    if version is not None:
        try:
            raw = bytes(version.value or b"")
        except Exception:  # noqa: BLE001
            raw = b""
        if raw != b"\x00\x01":
            emit(
                Severity.ERROR,
                "FileMetaInformationVersion",
                "(0002,0001)",
                f"FileMetaInformationVersion is {raw!r}; PS3.10 requires 00H 01H",
            )
    for meta_tag, data_tag, what in (
        (0x00020002, 0x00080016, "SOPClassUID"),
        (0x00020003, 0x00080018, "SOPInstanceUID"),
    ):
        in_meta, in_data = _text(meta, meta_tag), _text(dataset, data_tag)
        if in_meta and in_data and in_meta != in_data:
            keyword = (
                "MediaStorageSOPClassUID"
                if meta_tag == 0x00020002
                else "MediaStorageSOPInstanceUID"
            )
            emit(
                Severity.ERROR,
                keyword,
                _tag(meta_tag),
                f"{keyword} {in_meta} differs from {what} {in_data} of the Data Set",
            )
    _check_transfer_syntax(dataset, meta, emit)


def _check_transfer_syntax(dataset: Any, meta: Any, emit: Emit) -> None:
    from dicomstd.registry import lookup_transfer_syntax, lookup_uid

    uid = _text(meta, 0x00020010)
    if not uid:
        return
    try:
        syntax = lookup_transfer_syntax(uid)
    except KeyError:
        try:
            entry = lookup_uid(uid)
            what = f"is a {entry.uid_type}, not a Transfer Syntax"
        except KeyError:
            what = "is not a Transfer Syntax of PS3.5 (private or unknown)"
        emit(Severity.ERROR, "TransferSyntaxUID", "(0002,0010)", f"TransferSyntaxUID {uid} {what}")
        return
    if syntax.retired:
        emit(
            Severity.WARNING,
            "TransferSyntaxUID",
            "(0002,0010)",
            f"TransferSyntaxUID {uid} ({syntax.name}) is retired",
        )
    encoding = getattr(dataset, "original_encoding", (None, None))
    implicit, little = encoding if isinstance(encoding, tuple) else (None, None)
    if implicit is not None and not syntax.deflated and implicit == syntax.explicit_vr:
        emit(
            Severity.ERROR,
            "TransferSyntaxUID",
            "(0002,0010)",
            f"the Data Set is encoded with {'implicit' if implicit else 'explicit'} VR; "
            f"TransferSyntaxUID {uid} ({syntax.name}) says {'explicit' if syntax.explicit_vr else 'implicit'}",
        )
    if little is not None and little != syntax.little_endian:
        emit(
            Severity.ERROR,
            "TransferSyntaxUID",
            "(0002,0010)",
            f"the Data Set is {'little' if little else 'big'} endian; TransferSyntaxUID "
            f"{uid} ({syntax.name}) says otherwise",
        )
    # Pixel Data's encoding: encapsulated (undefined length) exactly when the Transfer
    # Syntax is (PS3.5 Section A.4); read from the element's header, never its value.
    try:
        element = dataset.get_item(0x7FE00010, keep_deferred=True)
    except Exception:  # noqa: BLE001
        element = None
    if element is None:
        return
    length = getattr(element, "length", None)
    if length is None:
        value = getattr(element, "value", None)
        undefined = getattr(element, "is_undefined_length", None)
        if undefined is None:
            return
        length = 0xFFFFFFFF if undefined else len(value or b"")
    encapsulated = length == 0xFFFFFFFF
    if encapsulated != syntax.encapsulated:
        emit(
            Severity.ERROR,
            "PixelData",
            "(7FE0,0010)",
            f"Pixel Data is {'encapsulated' if encapsulated else 'native'}; TransferSyntaxUID "
            f"{uid} ({syntax.name}) is {'encapsulated' if syntax.encapsulated else 'native'}",
        )
