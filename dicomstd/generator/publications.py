"""Finding, opening and identifying NEMA publications, whatever their container.

NEMA publishes each part of the standard as DocBook XML (``source/docbook/partNN/partNN.xml``,
also as a zip of the DocBook release) and as chunked XHTML ("CHTML",
``output/chtml/partNN/*.html``). Copies travel compressed (``.xz``, ``.gz``) or bundled
(``.tar``, ``.tar.xz``, ``.zip``). This module recognises the container by its content
(magic bytes, not the file name), reads everything in memory (nothing is unpacked to
disk), and hands the bytes to :mod:`.docbook` or :mod:`.chtml`.

Every failure is a :class:`~dicomstd.errors.PublicationError` naming the file and the
problem in one line: an :class:`OSError` of any kind (with its ``strerror``), a path that is
neither a regular file nor a folder (a FIFO or a device would block), a container that
uncompresses to more than :data:`MAX_UNCOMPRESSED_BYTES`, truncated compressed data, and a
tar that ends without its end-of-archive blocks (cut at a member boundary, which ``tarfile``
alone takes for the end).
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import os
import re
import stat
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, Literal, NamedTuple

from dicomstd.errors import PublicationError
from dicomstd.generator._xml import (
    MAX_PUBLICATION_BYTES,
    edition_of_subtitle,
    first_element_text,
    open_regular_file,
    os_error_reason,
    part_of_document,
    read_regular_file,
    size_text,
)
from dicomstd.generator.chtml import read_chtml_pages
from dicomstd.generator.docbook import DOCBOOK_NAMESPACE, read_docbook
from dicomstd.generator.document import Document, normalize_text

__all__ = [
    "Identity",
    "identify",
    "normalize_part",
    "read_publication",
    "sha256_of",
]

Format = Literal["docbook", "chtml"]

_XZ_MAGIC = b"\xfd7zXZ\x00"
_GZIP_MAGIC = b"\x1f\x8b"
_BZIP2_MAGIC = b"BZh"
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
# A publication larger than this, uncompressed, is refused rather than exhausting memory
# (PS3.3 CHTML, the largest, is a 37 MiB tar; see _xml.MAX_PUBLICATION_BYTES).
MAX_UNCOMPRESSED_BYTES = MAX_PUBLICATION_BYTES
_TAR_BLOCK = 512
_DOCBOOK_NAME = re.compile(r"(?:^|/)part(\d+)(?:-[\w.-]+)?\.xml$", re.IGNORECASE)
_PAGE_NAME = re.compile(r"\.html?$", re.IGNORECASE)
_TITLE_PAGE_NAME = re.compile(r"(?:^|/)PS3\.(\d+)\.html$")
_CHUNK = 1 << 20


class Identity(NamedTuple):
    """What a publication is, as read from its own title: ``PS3.7``, ``2024c``, ``docbook``."""

    part: str
    edition: str
    format: Format


def normalize_part(part: str) -> str:
    """Return ``PS3.N`` for ``"PS3.6"``, ``"6"``, ``"06"``, ``"part06"``.

    Raises:
        ValueError: for anything else.
    """
    text = part.strip()
    if text.isdigit():
        return f"PS3.{int(text)}"
    normalized = part_of_document(text)
    if normalized is None:
        raise ValueError(f"not a part of the standard: {part!r} (expected e.g. 'PS3.6')")
    return normalized


# --- bytes ------------------------------------------------------------------------------


_COMPRESSIONS = ((_XZ_MAGIC, "xz"), (_GZIP_MAGIC, "gzip"), (_BZIP2_MAGIC, "bzip2"))


def _uncompressing(kind: str, raw: IO[bytes]) -> io.BufferedIOBase:
    """A stream of ``raw`` uncompressed (closing it leaves ``raw`` open)."""
    if kind == "xz":
        return lzma.LZMAFile(raw)
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    return bz2.BZ2File(raw)


def _too_large(path: Path | str) -> PublicationError:
    return PublicationError(
        f"uncompresses to more than {size_text(MAX_UNCOMPRESSED_BYTES)}, the limit for one "
        "publication (NEMA's largest, PS3.3 as CHTML, is about 40 MB); refused",
        path,
    )


def _read_limited(stream: io.BufferedIOBase, path: Path) -> bytes:
    # BytesIO grows in place and getvalue() hands over its buffer without a copy: the
    # content is held once (a list of chunks joined would hold it twice at the end).
    buffer = io.BytesIO()
    total = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return buffer.getvalue()
        total += len(chunk)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise _too_large(path)
        buffer.write(chunk)


def _decompressed(path: Path, data: bytes) -> tuple[bytes, str | None]:
    """Return ``data`` uncompressed (xz, gzip, bzip2) and the compression's name."""
    for magic, kind in _COMPRESSIONS:
        if data.startswith(magic):
            try:
                with _uncompressing(kind, io.BytesIO(data)) as stream:
                    return _read_limited(stream, path), kind
            except (EOFError, lzma.LZMAError, OSError, zlib.error) as error:
                reason = str(error) or type(error).__name__
                raise PublicationError(
                    f"truncated or corrupt {kind} data ({reason})", path
                ) from None
    return data, None


def _read_bytes(path: Path) -> bytes:
    return read_regular_file(path, limit=MAX_UNCOMPRESSED_BYTES)


def _is_tar(data: bytes) -> bool:
    return len(data) >= 262 and data[257:262] == b"ustar"


def _is_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<")


# --- members of bundles -----------------------------------------------------------------


@dataclass
class _Members:
    """The files of a bundle (tar, zip or folder) that matter: DocBook parts and pages."""

    docbook: dict[str, tuple[str, bytes | Path]]  # part → (member name, content or path)
    pages: dict[str, dict[str, bytes | Path]]  # folder → page name → content or path


def _classify(members: Iterator[tuple[str, bytes | Path]]) -> _Members:
    found = _Members({}, {})
    for name, content in members:
        normalized = name.replace("\\", "/").lstrip("./")
        docbook = _DOCBOOK_NAME.search(normalized)
        if docbook is not None:
            # An excerpt ("part03-excerpt.xml") is still that part.
            found.docbook.setdefault(f"PS3.{int(docbook.group(1))}", (normalized, content))
        elif _PAGE_NAME.search(normalized):
            folder, _, page = normalized.rpartition("/")
            found.pages.setdefault(folder, {})[page] = content
    return found


def _tar_members(path: Path, data: bytes) -> Iterator[tuple[str, bytes | Path]]:
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
            last = ""
            for member in archive:
                last = member.name
                if not member.isfile():
                    continue
                if not (_DOCBOOK_NAME.search(member.name) or _PAGE_NAME.search(member.name)):
                    continue
                stream = archive.extractfile(member)
                if stream is not None:
                    yield member.name, stream.read()
            end = archive.offset
    except (tarfile.TarError, EOFError, OSError) as error:
        raise PublicationError(f"truncated or corrupt tar ({error})", path) from None
    # tarfile takes the end of the data for the end of the archive: a tar cut exactly
    # after a member reads "fine", with fewer members. A whole tar ends with zero blocks.
    if data[end : end + _TAR_BLOCK] != bytes(_TAR_BLOCK):
        after = f" after member {last}" if last else ""
        raise PublicationError(
            f"truncated tar: it ends{after} without tar's end-of-archive blocks", path
        )


def _zip_members(path: Path, data: bytes) -> Iterator[tuple[str, bytes | Path]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = 0
            for info in archive.infolist():
                if info.is_dir():
                    continue
                if not (_DOCBOOK_NAME.search(info.filename) or _PAGE_NAME.search(info.filename)):
                    continue
                total += info.file_size
                if total > MAX_UNCOMPRESSED_BYTES:
                    raise _too_large(path)
                content = archive.read(info)
                if info.filename.lower().endswith((".xz", ".gz")):
                    content, _ = _decompressed(path, content)
                    total += len(content)
                    if total > MAX_UNCOMPRESSED_BYTES:
                        raise _too_large(path)
                yield info.filename, content
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error) as error:
        raise PublicationError(f"truncated or corrupt zip ({error})", path) from None


def _walk(folder: Path, prefix: str = "") -> Iterator[tuple[str, Path, bool]]:
    """(relative path, path, is a regular file) of everything under ``folder`` but its
    subfolders, in sorted order; symbolic links to files are followed, to folders not (as
    ``Path.rglob``). Every :class:`OSError` becomes a :class:`PublicationError`."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        raise PublicationError(os_error_reason(error), folder) from None
    for entry in entries:
        path = folder / entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(path, f"{prefix}{entry.name}/")
                continue
            regular = entry.is_file()
        except OSError as error:
            raise PublicationError(os_error_reason(error), path) from None
        yield f"{prefix}{entry.name}", path, regular


def _folder_members(folder: Path) -> Iterator[tuple[str, bytes | Path]]:
    for relative, file, _ in _walk(folder):
        name = re.sub(r"\.(xz|gz)$", "", relative, flags=re.IGNORECASE)
        # Anything not a regular file (a FIFO, a dangling link) is refused when read.
        if _DOCBOOK_NAME.search(name) or _PAGE_NAME.search(name):
            yield name, file


def _content(path: Path, content: bytes | Path) -> bytes:
    if isinstance(content, bytes):
        return content
    data, _ = _decompressed(content, _read_bytes(content))
    return data


# --- selection --------------------------------------------------------------------------


@dataclass
class _Selected:
    format: Format
    name: str  # for messages: the file, or file/member
    docbook: bytes | None = None
    pages: dict[str, bytes] | None = None


def _pages_part(folder: str, pages: dict[str, bytes | Path]) -> str | None:
    for page in pages:
        match = _TITLE_PAGE_NAME.search(page)
        if match:
            return f"PS3.{int(match.group(1))}"
    return part_of_document(folder.rpartition("/")[2]) if folder else None


def _select(path: Path, members: _Members, expected_part: str | None, kind: str) -> _Selected:
    candidates: dict[str, tuple[Format, str]] = {}
    for part, (member, _) in members.docbook.items():
        candidates.setdefault(part, ("docbook", member))
    chtml_folders: dict[str, str] = {}
    for folder, pages in members.pages.items():
        pages_part = _pages_part(folder, pages)
        if pages_part is not None and any(_TITLE_PAGE_NAME.search(page) for page in pages):
            chtml_folders.setdefault(pages_part, folder)
            candidates.setdefault(pages_part, ("chtml", folder))
    if not candidates:
        if not members.docbook and not members.pages:
            raise PublicationError(
                f"the {kind} holds no publication (no partNN.xml, no partNN/ of .html pages)", path
            )
        raise PublicationError(f"the {kind} holds .html pages but no title page PS3.N.html", path)
    if expected_part is not None:
        if expected_part not in candidates:
            raise PublicationError(
                f"the {kind} holds {', '.join(sorted(candidates))}, not {expected_part}", path
            )
        part = expected_part
    elif len(candidates) == 1:
        part = next(iter(candidates))
    else:
        raise PublicationError(
            f"the {kind} holds several parts ({', '.join(sorted(candidates))}); "
            "say which one is expected",
            path,
        )
    fmt, member = candidates[part]
    if fmt == "docbook":
        _, content = members.docbook[part]
        if isinstance(content, Path):
            where = str(content)
        else:
            where = f"{path}:{member}" if kind != "file" else str(path)
        return _Selected("docbook", where, docbook=_content(path, content))
    folder = chtml_folders[part]
    page_bytes: dict[str, bytes] = {
        name: _content(path, content) for name, content in members.pages[folder].items()
    }
    if kind == "folder":
        where = str(path / folder) if folder else str(path)
    else:
        where = f"{path}:{folder}" if folder else str(path)
    return _Selected("chtml", where, pages=page_bytes)


def _kind_of(path: Path) -> Literal["folder", "file"]:
    """Whether ``path`` is a folder or a regular file (symbolic links followed).

    Raises:
        PublicationError: a missing path, anything else (a FIFO, a device, a socket), or
            any other :class:`OSError` (permission, a loop of links…).
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise PublicationError(os_error_reason(error), path) from None
    except ValueError as error:  # a NUL in the name
        raise PublicationError(f"not a valid file name ({error})", path) from None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    raise PublicationError(
        "not a regular file or a folder (a pipe, device or socket is not read as a publication)",
        path,
    )


def _is_empty(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except OSError as error:
        raise PublicationError(os_error_reason(error), folder) from None


def _open(path: Path, expected_part: str | None) -> _Selected:
    if _kind_of(path) == "folder":
        if _is_empty(path):
            raise PublicationError("the folder is empty", path)
        members = _classify(_folder_members(path))
        return _select(path, members, expected_part, "folder")
    raw = _read_bytes(path)
    if not raw:
        raise PublicationError("the file is empty", path)
    if raw.startswith(_ZIP_MAGIC) or raw.startswith(_EMPTY_ZIP_MAGIC):
        return _select(path, _classify(_zip_members(path, raw)), expected_part, "zip")
    data, compression = _decompressed(path, raw)
    if _is_tar(data):
        return _select(path, _classify(_tar_members(path, data)), expected_part, "tar")
    if _is_xml(data):
        if b"<html" in data[:4096] and DOCBOOK_NAMESPACE.encode() not in data[:4096]:
            # One CHTML page: the publication is the folder of pages it is in.
            return _open(path.parent, expected_part)
        return _Selected("docbook", str(path), docbook=data)
    what = f"{compression}-compressed data" if compression else "content"
    raise PublicationError(
        f"unknown publication format: the {what} is neither DocBook XML, a tar, nor a zip", path
    )


# --- the public functions ---------------------------------------------------------------


def read_publication(path: str | Path, *, expected_part: str | None = None) -> Document:
    """Read one part of the standard from any form NEMA's publications come in.

    Recognised by content, not by name:

    - DocBook XML ``partNN.xml``, plain or compressed (``.xz``, ``.gz``, ``.bz2``);
    - a folder holding ``partNN.xml`` (or ``partNN.xml.xz``…), possibly in subfolders;
    - NEMA's zip of the DocBook release (``partNN.xml`` anywhere inside);
    - CHTML: the ``partNN`` folder of ``.html`` pages, a folder holding it, or a tar of it
      (``.tar``, ``.tar.xz``, ``.tar.gz``), read in memory.

    Args:
        path: the publication.
        expected_part: the part wanted (``PS3.6``, ``6``, ``part06``); selects it where the
            container holds several, and is checked against the document's own title.

    Returns:
        The :class:`~dicomstd.generator.document.Document` read.

    Raises:
        PublicationError: a missing path, an empty file or folder, an unknown format,
            malformed XML (with its line), truncated xz/gzip/tar/zip data, several parts
            and no ``expected_part``, a part other than ``expected_part``, or a document
            whose subtitle names no part and edition.
    """
    source = Path(path)
    wanted = _wanted(source, expected_part)
    selected = _open(source, wanted)
    if selected.format == "docbook":
        assert selected.docbook is not None
        document = read_docbook(selected.docbook, name=selected.name)
    else:
        assert selected.pages is not None
        document = read_chtml_pages(selected.pages, name=selected.name)
    if wanted is not None and document.part != wanted:
        raise PublicationError(
            f"is {document.part} {document.edition}, not the expected {wanted}", source
        )
    return document


def _wanted(path: Path, expected_part: str | None) -> str | None:
    if expected_part is None:
        return None
    try:
        return normalize_part(expected_part)
    except ValueError as error:
        raise PublicationError(str(error), path) from None


def identify(path: str | Path, *, expected_part: str | None = None) -> Identity:
    """Return part, edition and format of a publication without reading all of it.

    Reads the DocBook ``<book>`` only up to its ``<subtitle>``, or only the CHTML title
    page ``PS3.N.html`` (a container is still opened and decompressed).

    Raises:
        PublicationError: as :func:`read_publication`.
    """
    source = Path(path)
    wanted = _wanted(source, expected_part)
    selected = _open(source, wanted)
    if selected.format == "docbook":
        assert selected.docbook is not None
        subtitle = _docbook_subtitle(selected.docbook, selected.name)
    else:
        assert selected.pages is not None
        subtitle = _chtml_subtitle(selected.pages, selected.name)
    found = edition_of_subtitle(subtitle) if subtitle else None
    if found is None:
        raise PublicationError(
            "no subtitle naming part and edition (expected e.g. "
            "'DICOM PS3.7 2024c - Message Exchange')",
            selected.name,
        )
    part, edition = found
    if wanted is not None and part != wanted:
        raise PublicationError(f"is {part} {edition}, not the expected {wanted}", source)
    return Identity(part, edition, selected.format)


def _docbook_subtitle(data: bytes, name: str) -> str:
    text = first_element_text(data, "{" + DOCBOOK_NAMESPACE + "}subtitle", name)
    return normalize_text(text) if text is not None else ""


def _chtml_subtitle(pages: dict[str, bytes], name: str) -> str:
    for page, data in sorted(pages.items()):
        if _TITLE_PAGE_NAME.search(page):
            match = re.search(rb'<h2 class="subtitle">(.*?)</h2>', data, re.DOTALL)
            if match:
                text = re.sub(r"<[^>]+>", "", match.group(1).decode("utf-8", "replace"))
                return normalize_text(text)
    return ""


def sha256_of(path: str | Path) -> str:
    """Return the sha256 (hex) of a publication's uncompressed content.

    For ``.xz``/``.gz``/``.bz2`` files the hash is of the decompressed stream (for
    ``partNN.chtml.tar.xz``: of the tar), which is how
    ``../shared/dicom-standard/README.md`` pins NEMA's files; for plain files and zips,
    of the file as it is. For a folder: of the lines "<sha256>  <relative path>\\n" of its
    files in sorted order (each file's content hashed uncompressed).

    Raises:
        PublicationError: a missing path or truncated/corrupt compressed data.
    """
    source = Path(path)
    if _kind_of(source) == "folder":
        manifest = hashlib.sha256()
        for relative, file, regular in _walk(source):
            if regular:
                manifest.update(f"{sha256_of(file)}  {relative}\n".encode())
        return manifest.hexdigest()
    digest = hashlib.sha256()
    with open_regular_file(source) as raw:
        try:
            head = raw.read(8)
            raw.seek(0)
            for magic, kind in _COMPRESSIONS:
                if head.startswith(magic):
                    try:
                        with _uncompressing(kind, raw) as stream:
                            for chunk in iter(lambda: stream.read(_CHUNK), b""):
                                digest.update(chunk)
                    except (EOFError, lzma.LZMAError, OSError, zlib.error) as error:
                        raise PublicationError(
                            f"truncated or corrupt {kind} data ({error})", source
                        ) from None
                    return digest.hexdigest()
            for chunk in iter(lambda: raw.read(_CHUNK), b""):
                digest.update(chunk)
        except OSError as error:
            raise PublicationError(os_error_reason(error), source) from None
    return digest.hexdigest()
