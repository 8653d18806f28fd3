"""dicomstd: the DICOM standard (NEMA PS3, ISO 12052) compiled from its published text.

The runtime reads only the compiled tables of :mod:`dicomstd.generated`, each on first use:
:mod:`dicomstd.dictionary` (data elements by Tag or Keyword, PS3.6) and
:mod:`dicomstd.registry` (UIDs, Transfer Syntaxes, VRs; PS3.5 and PS3.6). The build-time
half, :mod:`dicomstd.generator`, reads NEMA's publications and writes ``generated/``.
"""

from __future__ import annotations

# Kept here, not read from the installed metadata: importlib.metadata costs more import
# time than the rest of the runtime's entry point.
__version__ = "0.1.0"

__all__ = ["__version__"]
