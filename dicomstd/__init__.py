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

__all__ = ["__version__", "read", "validate"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dicomstd.typed import read
    from dicomstd.validate import validate


def __getattr__(name: str) -> object:
    # PEP 562: ``dicomstd.validate(...)`` imports the validator (and pydicom) on first use,
    # so that ``import dicomstd`` stays fast. ``dicomstd.validate`` is also the package of
    # the validator, which the import system binds here once imported: that package is
    # callable (it calls its ``validate``), so both spellings agree whatever came first.
    if name == "validate":
        import importlib

        return importlib.import_module("dicomstd.validate")
    if name == "read":
        # ``dicomstd.read(path)``: a file as its typed IOD class (imports pydicom on use).
        from dicomstd.typed import read

        return read
    raise AttributeError(f"module 'dicomstd' has no attribute {name!r}")
