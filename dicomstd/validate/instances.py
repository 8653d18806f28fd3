"""The Instances a validation run has at hand, by SOP Instance UID.

Some conditions speak of another Instance: "Required if HPGL Document Sequence (0068,62C0)
is present in the Instance referenced in the Implant Template Group Members Sequence
(0078,002A) Item" (PS3.3 Table C.29.3-1). Compiled, they are
:class:`~dicomstd.conditions.ast.ReferencedInstance` nodes, which ask the evaluation context
for the referenced Instance by its SOP Instance UID. An :class:`InstanceIndex` answers from
the files of the run (``dicomstd validate`` of a study folder) and from the File-set of a
DICOMDIR (its Directory Records name each Instance's file, PS3.3 Section F.3.2.2); an
Instance that is not among them, that two files claim, or whose file is cut short stays
UNKNOWN, never guessed.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dicomstd.validate.reading import DEFER_SIZE, any_value_cut_short, quiet_pydicom, read_file

__all__ = ["InstanceIndex", "read_sop_instance_uid"]

_SOP_INSTANCE_UID = 0x00080018
_DIRECTORY_RECORD_SEQUENCE = 0x00041220
_REFERENCED_FILE_ID = 0x00041500
_REFERENCED_SOP_INSTANCE_UID_IN_FILE = 0x00041511

#: How many referenced files are kept read (without their Pixel Data): the Instances a
#: Data Set references are often referenced again by its next Items.
_CACHE_SIZE = 64


def _uid_text(value: Any) -> str:
    return str(value).strip(" \x00") if isinstance(value, str) else ""


def _is_part10_file(path: str) -> bool:
    """A regular file with the DICM prefix after its 128-byte preamble (PS3.10 Section
    7.1). Anything else (a FIFO, a device, a folder, a bare Data Set) is not indexed: the
    index reads headers only where that is quick and safe."""
    try:
        if not os.path.isfile(path):
            return False
        with open(path, "rb") as handle:
            handle.seek(128)
            return handle.read(4) == b"DICM"
    except OSError:
        return False


def read_sop_instance_uid(path: str) -> str:
    """The SOP Instance UID (0008,0018) of the DICOM file (PS3.10) at ``path``, read from
    its header only; ``""`` when the file is not a regular PS3.10 file, cannot be read or
    has none (never raises)."""
    import pydicom

    if not _is_part10_file(path):
        return ""
    try:
        with quiet_pydicom():
            dataset = pydicom.dcmread(
                path, stop_before_pixels=True, specific_tags=[_SOP_INSTANCE_UID]
            )
            if _SOP_INSTANCE_UID not in dataset:
                return ""
            return _uid_text(dataset[_SOP_INSTANCE_UID].value)
    except Exception:  # noqa: BLE001 - an unreadable file is simply not at hand
        return ""


class InstanceIndex:
    """Maps SOP Instance UIDs to the files that hold them, and reads them on demand.

    Calling the index with a UID returns the Instance's top-level Data Set (read without
    its Pixel Data), or ``None`` when it is not at hand: no file holds it, two files of the
    run claim it (which one is meant cannot be told), the file cannot be read or is cut
    short, or the file's own SOP Instance UID (0008,0018) is not that UID (a Directory
    Record that names the wrong file). It never raises. The last files read are kept.

    Args:
        paths: SOP Instance UID → file path.
        ambiguous: UIDs that more than one file claims.
    """

    def __init__(
        self, paths: Mapping[str, str] | None = None, ambiguous: Iterable[str] = ()
    ) -> None:
        self.paths: dict[str, str] = dict(paths or {})
        self.ambiguous: frozenset[str] = frozenset(ambiguous)
        self._read: OrderedDict[str, Any] = OrderedDict()

    @classmethod
    def of_files(cls, files: Sequence[str]) -> InstanceIndex:
        """The index of the files of a run, each read once for its SOP Instance UID; empty
        for a single file (no other Instance is at hand; a DICOMDIR indexes its File-set
        itself). A UID two different files hold is ambiguous: not at hand."""
        paths: dict[str, str] = {}
        ambiguous: set[str] = set()
        for path in files if len(files) > 1 else ():
            uid = read_sop_instance_uid(path)
            if not uid:
                continue
            known = paths.setdefault(uid, path)
            if os.path.realpath(known) != os.path.realpath(path):
                ambiguous.add(uid)
        return cls(paths, ambiguous)

    def with_file_set(self, dicomdir: Any, path: str) -> InstanceIndex:
        """A copy of this index in which the Instances the Directory Records of the DICOMDIR
        ``dicomdir`` (read from ``path``) reference are the files they name: Referenced SOP
        Instance UID in File (0004,1511) → Referenced File ID (0004,1500), a path relative
        to the DICOMDIR's folder (PS3.3 Section F.3.2.2, PS3.10 Section 8.2). A record
        that cannot be read, or names no regular file below that folder, adds nothing."""
        paths = dict(self.paths)
        ambiguous = set(self.ambiguous)
        folder = os.path.dirname(os.path.realpath(path))
        root = os.path.join(folder, "")
        try:
            records = list(dicomdir[_DIRECTORY_RECORD_SEQUENCE].value or ())
        except Exception:  # noqa: BLE001 - no readable records: nothing to add
            records = []
        for record in records:
            try:
                uid = _uid_text(record[_REFERENCED_SOP_INSTANCE_UID_IN_FILE].value)
                file_id = record[_REFERENCED_FILE_ID].value
                components = [file_id] if isinstance(file_id, str) else list(file_id)
                components = [str(part).strip(" \x00") for part in components]
                if not uid or not components or not all(components):
                    continue
                # A File ID names a file of the File-set, below the DICOMDIR's folder
                # (PS3.10 Section 8.2): never another file ("..", a device, a FIFO).
                target = os.path.realpath(os.path.join(folder, *components))
                if not target.startswith(root) or not os.path.isfile(target):
                    continue
            except Exception:  # noqa: BLE001 - a NUL in a File ID, a record not an Item
                continue
            # The record names the file: it is the one meant, whatever else holds the UID.
            paths[uid] = target
            ambiguous.discard(uid)
        return InstanceIndex(paths, ambiguous)

    def __len__(self) -> int:
        return len(self.paths)

    def __call__(self, uid: str) -> Any:
        """The Data Set of the Instance ``uid``, or ``None`` when it is not at hand."""
        path = self.paths.get(uid)
        if path is None or uid in self.ambiguous:
            return None
        if path in self._read:
            self._read.move_to_end(path)
            dataset = self._read[path]
        else:
            dataset = self._load(path)
            self._read[path] = dataset
            if len(self._read) > _CACHE_SIZE:
                self._read.popitem(last=False)
        if dataset is None or _SOP_INSTANCE_UID not in dataset:
            return None
        try:
            own = _uid_text(dataset[_SOP_INSTANCE_UID].value)
        except Exception:  # noqa: BLE001
            return None
        return dataset if own == uid else None

    @staticmethod
    def _load(path: str) -> Any:
        """The file's Data Set without Pixel Data; ``None`` when it cannot be read, or the
        end of the file cuts short a top-level value or the Data Set."""
        # The files of a File-set are PS3.10 files (PS3.10 Section 8), as the run's are
        # indexed: a file without the DICM prefix is not read (a large file of zeros would
        # otherwise parse as millions of empty elements).
        if not _is_part10_file(path):
            return None
        try:
            with quiet_pydicom():
                read = read_file(path, stop_before_pixels=True, defer_size=DEFER_SIZE)
        except Exception:  # noqa: BLE001 - an unreadable file is not at hand
            return None
        # pydicom stops where the file ends as if the Data Set were whole.
        if read.ends_early is not None or any_value_cut_short(read.dataset, read.file_size):
            return None
        return read.dataset
