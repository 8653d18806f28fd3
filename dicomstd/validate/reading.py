"""How the validator reads files: without pydicom's reading-time warnings (the validator's
findings say it better), large values left unread until asked for."""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["DEFER_SIZE", "quiet_pydicom", "value_cut_short"]

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
