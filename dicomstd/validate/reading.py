"""How the validator reads files: without pydicom's reading-time warnings (the validator's
findings say it better), large values left unread until asked for."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFER_SIZE",
    "EndsEarly",
    "FileRead",
    "any_value_cut_short",
    "quiet_pydicom",
    "read_file",
    "value_cut_short",
]

#: Values up to this size are read with the Data Set; larger ones (Pixel Data, big LUTs)
#: only if a check asks for them, which none of the value checks does.
DEFER_SIZE = "64 KB"


class quiet_pydicom:  # noqa: N801 - used as a context manager, named like one
    """Silence pydicom's reading-time validation warnings while validating (the findings
    say it better), and restore the caller's settings afterwards."""

    def __enter__(self) -> None:
        import pydicom.config

        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore")
        self._mode = pydicom.config.settings.reading_validation_mode
        pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE

    def __exit__(self, *exc: Any) -> None:
        import pydicom.config

        pydicom.config.settings.reading_validation_mode = self._mode
        self._warnings.__exit__(*exc)


#: The length of an undefined-length value (PS3.5 Section 7.1.1).
UNDEFINED_LENGTH = 0xFFFFFFFF


def value_cut_short(raw: Any, file_size: int | None) -> tuple[int, int] | None:
    """(declared length, bytes the file holds) of a raw element (pydicom's
    ``RawDataElement``, as ``Dataset.get_item(tag, keep_deferred=True)`` gives it) whose
    value the end of the file cuts short; ``None`` when it is whole, is not raw, has an
    undefined length, or cannot be told (a deferred value and no ``file_size``)."""
    if raw is None or type(raw).__name__ != "RawDataElement":
        return None
    declared = getattr(raw, "length", None)
    if not isinstance(declared, int) or declared == UNDEFINED_LENGTH:
        return None
    value = raw.value
    if value is not None:
        held = len(value)
    else:
        start = getattr(raw, "value_tell", None)
        if file_size is None or not isinstance(start, int):
            return None
        held = max(0, file_size - start)
    return (declared, held) if held < declared else None


@dataclass(frozen=True, slots=True)
class EndsEarly:
    """How a file ends inside its Data Set: pydicom stops there without an error, as if the
    Data Set were whole.

    Attributes:
        stray_bytes: bytes after the last whole element (part of an element's header or
            value); 0 when the file ends where an undefined-length Sequence or Item still
            waits for its delimiter (PS3.5 Section 7.5).
    """

    stray_bytes: int

    def describe(self) -> str:
        """One line for a finding."""
        if self.stray_bytes:
            return (
                f"the file ends inside an element ({self.stray_bytes} bytes of it are there): "
                "the Data Set is cut short"
            )
        return "the file ends before the delimiter of an undefined-length Sequence or Item"


class _TrackedReads:
    """A binary file that remembers a read the end of the file cut short (some bytes, fewer
    than asked) when nothing was read or sought after it: pydicom's reader stops at such a
    read without a word. Short reads it recovers from (looking for a preamble in a file
    shorter than one, scanning an undefined length in chunks) are followed by a seek or a
    whole read, which clear the record."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self.stray_bytes = 0

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._handle.read(size)
        if size is not None and size > 0:
            if 0 < len(data) < size:
                self.stray_bytes = len(data)
            elif len(data) == size:
                self.stray_bytes = 0
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        self.stray_bytes = 0
        position: int = self._handle.seek(offset, whence)
        return position

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def any_value_cut_short(dataset: Any, file_size: int | None) -> bool:
    """Some top-level value of ``dataset`` is cut short by the end of its file
    (:func:`value_cut_short`); ``False`` when that cannot be told."""
    try:
        return any(
            value_cut_short(dataset.get_item(tag, keep_deferred=True), file_size) is not None
            for tag in list(dataset.keys())
        )
    except Exception:  # noqa: BLE001 - cannot tell
        return False


@dataclass(frozen=True, slots=True)
class FileRead:
    """A file read by :func:`read_file`.

    Attributes:
        dataset: the Data Set (pydicom's ``FileDataset``).
        ends_early: how the file ends inside its Data Set; ``None`` when it does not.
        deflated: the Data Set was inflated from the file (a Deflated Transfer Syntax,
            PS3.5 Section A.5): its elements' offsets are not the file's, so a value is not
            cut short by comparing them with the file's size.
        file_size: the file's size in bytes, to compare the elements' offsets with
            (:func:`value_cut_short`); ``None`` for a deflated Data Set.
    """

    dataset: Any
    ends_early: EndsEarly | None
    deflated: bool
    file_size: int | None


def read_file(path: str, **options: Any) -> FileRead:
    """``pydicom.dcmread(path, **options)``, and whether the file ends inside its Data Set
    (see :class:`EndsEarly`). Warnings pydicom gives while reading are recorded and dropped.
    pydicom's reading validation mode must not be RAISE (the default is WARN;
    :class:`quiet_pydicom` sets IGNORE): an undefined length the file ends in would raise
    instead of the warning ("End of file reached before delimiter", pydicom 3) this reads.

    Raises:
        whatever ``pydicom.dcmread`` raises (a file it cannot parse).
    """
    import pydicom

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            tracked = _TrackedReads(handle)
            dataset = pydicom.dcmread(tracked, **options)
    deflated = getattr(dataset, "buffer", None) is not tracked
    file_size = None if deflated else size
    if not deflated:
        # Deferred values are read later from the path, as if the path had been given (a
        # deflated Data Set keeps its own buffer of the inflated bytes).
        dataset.filename = path
        dataset.fileobj_type = open
        dataset.buffer = None
    ends_early: EndsEarly | None = None
    if tracked.stray_bytes and not any_value_cut_short(dataset, file_size):
        # (A top-level value the end cuts short is named by value_cut_short instead.)
        ends_early = EndsEarly(tracked.stray_bytes)
    elif any("End of file reached before delimiter" in str(w.message) for w in caught):
        ends_early = EndsEarly(0)
    return FileRead(dataset, ends_early, deflated, file_size)
