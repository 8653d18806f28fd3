"""Validate DICOM files and Data Sets against their IOD (PS3.3), as compiled from the
standard's text into :mod:`dicomstd.generated`.

>>> from dicomstd.validate import validate
>>> report = validate("image.dcm")            # or a folder (recursive), or a pydicom Dataset
>>> report.ok, report.counts_by_rule()

Findings carry a severity (error, warning, not-verifiable, info), a stable rule id
(:data:`~dicomstd.validate.findings.RULES`), the Attribute's path with Item indices, its
tag, the Module, a message and the standard's reference (part, table, NEMA URL).
"""

from __future__ import annotations

import os
import sys
import types
from typing import Any, Iterable

from dicomstd.validate.findings import RULES, FileReport, Finding, Reference, Report, Severity

__all__ = ["FileReport", "Finding", "RULES", "Reference", "Report", "Severity", "validate"]


def validate(
    target: Any,
    *,
    iod: str | None = None,
) -> Report:
    """Validate ``target``: a path (a file, or a folder searched recursively), a list of
    paths, or a pydicom ``Dataset``.

    ``iod``: validate against this IOD (a name such as ``CT Image``, a SOP Class UID or a
    table id) instead of the one of each instance's SOP Class.

    Returns a :class:`Report` with one :class:`FileReport` per file. Never raises on the
    content of the input (unreadable files are findings). A condition on a referenced
    Instance ("... present in the Instance referenced in ...") is checked where that
    Instance is among the files, or in the File-set of a DICOMDIR.

    Raises:
        KeyError: ``iod`` names no IOD.
    """
    from dicomstd.iods import iod as find_iod
    from dicomstd.validate.engine import iter_dicom_files, validate_dataset, validate_file

    chosen = find_iod(iod) if iod is not None else None
    from pydicom.dataset import Dataset

    # Any Dataset, a FileDataset or a typed IOD class alike (all are Dataset subclasses).
    if isinstance(target, Dataset):
        source = getattr(target, "filename", None)
        return Report(
            [
                validate_dataset(
                    target,
                    source=source if isinstance(source, str) else "<dataset>",
                    iod=chosen,
                    from_file=isinstance(source, str),
                    has_preamble=getattr(target, "preamble", None) is not None,
                )
            ]
        )
    paths: Iterable[Any]
    if isinstance(target, (str, os.PathLike)):
        paths = [target]
    else:
        paths = target
    from dicomstd.validate.instances import InstanceIndex

    files = [os.fspath(path) for path in iter_dicom_files(paths)]
    instances = InstanceIndex.of_files(files)
    return Report([validate_file(path, chosen, instances) for path in files])


class _CallableModule(types.ModuleType):
    """This package, callable: ``dicomstd.validate(path)`` is :func:`validate` whether
    ``dicomstd.validate`` resolves to the function or, once imported, to this package."""

    def __call__(self, target: Any, *, iod: str | None = None) -> Report:
        return validate(target, iod=iod)


sys.modules[__name__].__class__ = _CallableModule
