"""The Instances a validation run has at hand, by SOP Instance UID.

Some conditions speak of another Instance: "Required if HPGL Document Sequence (0068,62C0)
is present in the Instance referenced in the Implant Template Group Members Sequence
(0078,002A) Item" (PS3.3 Table C.29.3-1). Compiled, they are
:class:`~dicomstd.conditions.ast.ReferencedInstance` nodes, which ask the evaluation context
for the referenced Instance by its SOP Instance UID. An :class:`InstanceIndex` answers from
the files of the run (``dicomstd validate`` of a study folder) and from the File-set of a
DICOMDIR (its Directory Records name each Instance's file, PS3.3 Section F.3.2.2); an
Instance that is not among them stays UNKNOWN, never guessed.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from dicomstd.validate.reading import DEFER_SIZE, quiet_pydicom

__all__ = ["InstanceIndex", "read_sop_instance_uid"]

_SOP_INSTANCE_UID = 0x00080018
_DIRECTORY_RECORD_SEQUENCE = 0x00041220
_REFERENCED_FILE_ID = 0x00041500
_REFERENCED_SOP_INSTANCE_UID_IN_FILE = 0x00041511

#: How many referenced Instances are kept read (the Instances of a study are usually
#: referenced by their neighbours: a few suffice, and whole images are never kept).
_CACHE_SIZE = 8


def _uid_text(value: Any) -> str:
    return str(value).strip(" \x00") if isinstance(value, str) else ""


def read_sop_instance_uid(path: str) -> str:
    """The SOP Instance UID (0008,0018) of the DICOM file at ``path``, read from its header
    only; ``""`` when the file cannot be read or has none (never raises)."""
    import pydicom

    try:
        with quiet_pydicom():
            dataset = pydicom.dcmread(
                path, stop_before_pixels=True, specific_tags=[_SOP_INSTANCE_UID], force=True
            )
            if _SOP_INSTANCE_UID not in dataset:
                return ""
            return _uid_text(dataset[_SOP_INSTANCE_UID].value)
    except Exception:  # noqa: BLE001 - an unreadable file is simply not at hand
        return ""


class InstanceIndex:
    """Maps SOP Instance UIDs to the files that hold them, and reads them on demand.

    Calling the index with a UID returns the Instance's top-level Data Set (read without
    its Pixel Data), or ``None`` when no file at hand holds it, when the file cannot be
    read, or when the file's own SOP Instance UID (0008,0018) is not that UID (a Directory
    Record that names the wrong file). It never raises. The last few Instances read are
    kept.

    Args:
        paths: SOP Instance UID → file path.
    """

    def __init__(self, paths: Mapping[str, str] | None = None) -> None:
        self.paths: dict[str, str] = dict(paths or {})
        self._read: OrderedDict[str, Any] = OrderedDict()

    @classmethod
    def of_files(cls, files: Iterable[str]) -> InstanceIndex:
        """The index of ``files`` (each read once for its SOP Instance UID; the first file
        holding a UID is the one used)."""
        paths: dict[str, str] = {}
        for path in files:
            uid = read_sop_instance_uid(path)
            if uid:
                paths.setdefault(uid, path)
        return cls(paths)

    def with_file_set(self, dicomdir: Any, path: str) -> InstanceIndex:
        """A copy of this index that also holds the Instances the Directory Records of the
        DICOMDIR ``dicomdir`` (read from ``path``) reference: Referenced SOP Instance UID in
        File (0004,1511) → Referenced File ID (0004,1500), a path relative to the
        DICOMDIR's folder (PS3.3 Section F.3.2.2, PS3.10 Section 8.2). Records that cannot
        be read are skipped."""
        paths = dict(self.paths)
        folder = os.path.dirname(os.path.abspath(path))
        root = os.path.join(os.path.realpath(folder), "")
        try:
            records = dicomdir[_DIRECTORY_RECORD_SEQUENCE].value or ()
        except Exception:  # noqa: BLE001 - no readable records: nothing to add
            records = ()
        for record in records:
            try:
                uid = _uid_text(record[_REFERENCED_SOP_INSTANCE_UID_IN_FILE].value)
                file_id = record[_REFERENCED_FILE_ID].value
                components = [file_id] if isinstance(file_id, str) else list(file_id)
                components = [str(part).strip(" \x00") for part in components]
            except Exception:  # noqa: BLE001
                continue
            if not uid or not components or not all(components):
                continue
            # A File ID names a file of the File-set, below the DICOMDIR's folder (PS3.10
            # Section 8.2): never another file ("..", an absolute path, a device).
            target = os.path.realpath(os.path.join(folder, *components))
            if target.startswith(root) and os.path.isfile(target):
                paths.setdefault(uid, target)
        return InstanceIndex(paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __call__(self, uid: str) -> Any:
        """The Data Set of the Instance ``uid``, or ``None`` when it is not at hand."""
        if uid in self._read:
            self._read.move_to_end(uid)
            return self._read[uid]
        path = self.paths.get(uid)
        if path is None:
            return None
        dataset = self._load(path, uid)
        self._read[uid] = dataset
        if len(self._read) > _CACHE_SIZE:
            self._read.popitem(last=False)
        return dataset

    @staticmethod
    def _load(path: str, uid: str) -> Any:
        import pydicom

        try:
            with quiet_pydicom():
                dataset = pydicom.dcmread(
                    path, stop_before_pixels=True, defer_size=DEFER_SIZE, force=True
                )
                own = (
                    _uid_text(dataset[_SOP_INSTANCE_UID].value)
                    if _SOP_INSTANCE_UID in dataset
                    else ""
                )
        except Exception:  # noqa: BLE001 - an unreadable file is not at hand
            return None
        return dataset if own == uid else None
