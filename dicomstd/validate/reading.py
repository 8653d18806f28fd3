"""How the validator reads files: without pydicom's reading-time warnings (the validator's
findings say it better), large values left unread until asked for."""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["DEFER_SIZE", "quiet_pydicom"]

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
