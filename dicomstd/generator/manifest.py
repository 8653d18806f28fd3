"""The manifest of the publications a build uses (``standard_xml/manifest.json``).

NEMA's publications are not committed (they are NEMA's text and bulky); the manifest is. It
names, per publication: the part, the edition (as the document's own subtitle states it),
the format, the file name relative to a standard folder (``2024c/part06.chtml.tar.xz``), the
sha256 of the uncompressed content, and the NEMA address it comes from. A build finds each
file in ``standard_xml/`` first, then in the folders given by ``--standard-dir`` or
``$DICOMSTD_STANDARD_DIR``, and refuses a file whose sha256 differs from the manifest's.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from dicomstd.errors import PublicationError

__all__ = [
    "MANIFEST_NAME",
    "Manifest",
    "ManifestEntry",
    "nema_address",
    "read_manifest",
    "resolve",
    "stage_manifest",
    "standard_search_path",
    "write_manifest",
]

MANIFEST_NAME = "manifest.json"
_FORMATS = ("docbook", "chtml")


@dataclass(frozen=True, order=True)
class ManifestEntry:
    """One publication a build uses.

    Attributes:
        part: ``PS3.6``.
        edition: ``2024c``.
        format: ``docbook`` or ``chtml``.
        file: path relative to a standard folder, ``<edition>/<file name>``.
        sha256: hex digest of the uncompressed content (for a CHTML tar, of the tar).
        source: where NEMA publishes it (see :func:`nema_address`).
    """

    part: str
    edition: str
    format: str
    file: str
    sha256: str
    source: str


@dataclass(frozen=True)
class Manifest:
    """The publications of a build, in a stable order (part, edition, format)."""

    entries: tuple[ManifestEntry, ...]


def nema_address(part: str, edition: str, publication_format: str) -> str:
    """Return NEMA's address of ``part`` of ``edition`` in ``publication_format``.

    DocBook: ``https://dicom.nema.org/medical/dicom/<edition>/source/docbook/partNN/partNN.xml``;
    CHTML: ``https://dicom.nema.org/medical/dicom/<edition>/output/chtml/partNN/``.
    """
    number = int(part.removeprefix("PS3."))
    base = f"https://dicom.nema.org/medical/dicom/{edition}"
    if publication_format == "docbook":
        return f"{base}/source/docbook/part{number:02d}/part{number:02d}.xml"
    return f"{base}/output/chtml/part{number:02d}/"


def read_manifest(path: Path) -> Manifest:
    """Read ``path`` (a ``manifest.json``).

    Raises:
        PublicationError: the file is missing or not JSON, or its content is not an object
            whose ``publications`` is a list of objects with every field a string, each
            ``file`` a relative path ``<edition>/<file name>``.
    """
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PublicationError(
            "no manifest of publications: dicomstd build runs in a source checkout of "
            "dicomstd (or give --standard-xml), or name the publications with --source",
            path,
        ) from None
    except OSError as error:
        raise PublicationError(f"the manifest cannot be read: {error.strerror}", path) from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as error:
        # ValueError: also json's refusal of an integer of more than 4300 digits.
        raise PublicationError(f"the manifest is not JSON in UTF-8: {error}", path) from None
    if not isinstance(data, dict) or not isinstance(data.get("publications"), list):
        raise PublicationError('the manifest is not an object with a "publications" list', path)
    entries = []
    for number, item in enumerate(data["publications"], start=1):
        if not isinstance(item, dict):
            raise PublicationError(f"publication {number} of the manifest is not an object", path)
        values = {}
        for name in ManifestEntry.__annotations__:
            value = item.get(name)
            if not isinstance(value, str) or not value:
                raise PublicationError(
                    f'publication {number} of the manifest lacks "{name}" (a non-empty string)', path
                )
            values[name] = value
        entry = ManifestEntry(**values)
        if entry.format not in _FORMATS:
            raise PublicationError(
                f"publication {number} has unknown format {entry.format!r}", path
            )
        relative = PurePosixPath(entry.file)
        if relative.is_absolute() or ".." in relative.parts or len(relative.parts) != 2:
            raise PublicationError(
                f"publication {number}: file {entry.file!r} is not <edition>/<file name>", path
            )
        entries.append(entry)
    return Manifest(tuple(sorted(entries)))


def write_manifest(manifest: Manifest, path: Path) -> None:
    """Write ``manifest`` to ``path`` atomically (a temporary file, then a rename).

    Raises:
        PublicationError: the folder of ``path`` does not exist or cannot be written.
    """
    temporary, target = stage_manifest(manifest, path)
    os.replace(temporary, target)


def stage_manifest(manifest: Manifest, path: Path) -> tuple[Path, Path]:
    """Write ``manifest`` beside ``path``; return (temporary file, ``path``) so that the
    caller renames it into place once everything else of its work has succeeded.

    Raises:
        PublicationError: the folder of ``path`` does not exist or cannot be written.
    """
    document = {
        "about": (
            "The NEMA publications that dicomstd.generated was built from. The files are not "
            "committed; see README.md for where they come from."
        ),
        "publications": [asdict(entry) for entry in sorted(manifest.entries)],
    }
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise PublicationError(f"cannot write the manifest: {error.strerror}", path) from None
    return temporary, path


def standard_search_path(extra: list[Path] | None = None) -> list[Path]:
    """The folders searched for publications, in order: ``extra`` (``--standard-dir``), then
    each folder of ``$DICOMSTD_STANDARD_DIR`` (``os.pathsep``-separated)."""
    folders = list(extra or [])
    configured = os.environ.get("DICOMSTD_STANDARD_DIR", "")
    folders.extend(Path(item) for item in configured.split(os.pathsep) if item)
    return folders


def resolve(entry: ManifestEntry, standard_xml: Path, search_path: list[Path]) -> Path:
    """Find the file of ``entry``: in ``standard_xml`` first, then in each search folder.

    Raises:
        PublicationError: no folder holds it (the message names every folder tried).
    """
    folders = [standard_xml, *search_path]
    for folder in folders:
        candidate = folder / entry.file
        if candidate.exists():
            return candidate
    tried = ", ".join(str(folder) for folder in folders)
    raise PublicationError(
        f"{entry.part} {entry.edition} ({entry.format}) is missing; looked in {tried} "
        f"(name a folder holding it with --standard-dir, or download {entry.source} "
        f"into {standard_xml / entry.edition})",
        entry.file,
    )
