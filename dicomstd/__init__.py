"""dicomstd: the DICOM standard (NEMA PS3, ISO 12052) compiled from its published text.

The runtime reads only the compiled tables of :mod:`dicomstd.generated`, each on first use:
:mod:`dicomstd.dictionary` (data elements by Tag or Keyword, PS3.6) and
:mod:`dicomstd.registry` (UIDs, Transfer Syntaxes, VRs; PS3.5 and PS3.6). The build-time
half, :mod:`dicomstd.generator`, reads NEMA's publications and writes ``generated/``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dicomstd")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
