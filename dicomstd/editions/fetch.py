"""``dicomstd fetch``: download (or import) the parts of an edition into ``standard_xml/<edition>/``.

NEMA publishes each part's DocBook source at
``https://dicom.nema.org/medical/dicom/<edition>/source/docbook/partNN/partNN.xml``
(``current`` is the newest edition). For each part asked for, :func:`fetch_edition`:

1. downloads into ``standard_xml/<edition>/.partNN.xml.part`` with timeouts, retries with
   exponential backoff on a dropped connection, a timeout or a 5xx/429 answer, resuming the
   ``.part`` with an HTTP Range request (``If-Range`` on the ETag or Last-Modified recorded
   beside it in ``.partNN.xml.part.json``, so that a file changed on the server restarts);
2. verifies the download: well-formed XML to its last byte, a DocBook ``<book>`` whose
   subtitle names the part and the edition asked for (for ``current``: any edition, which
   names the folder, the same for every part);
3. renames it to ``standard_xml/<edition>/partNN.xml`` (atomic, same folder) and records it
   in ``standard_xml/<edition>/fetched.json`` (written atomically): part, edition, format,
   file, sha256 of the uncompressed content, size in bytes, retrieval time (UTC), URL.

A failure leaves no new file but the resumable ``.part`` of an interrupted download (a
corrupt or mismatched download is deleted); files fetched before the failure stay, complete,
verified and recorded. A part already recorded whose file still has its sha256 is not
downloaded again (``force`` does).

:func:`import_edition` does the same from local copies or one URL (``--from``): a DocBook file
(plain, ``.xz``, ``.gz``), a CHTML tar (``partNN.chtml.tar.xz``), a folder of such files, or a
zip or tar of the DocBook release (its ``partNN.xml`` members are extracted).

:func:`sources_for_edition` turns a fetched edition into the ``--source`` list of
``dicomstd build``.

The folder ``standard_xml/<edition>/`` is not committed (NEMA's text); the committed
``standard_xml/manifest.json`` remains what ``dicomstd build`` reads.
"""

from __future__ import annotations

import datetime
import json
import lzma
import gzip
import os
import re
import shutil
import tarfile
import time
import zipfile
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Protocol, Sequence

from dicomstd.errors import DicomstdError, PublicationError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_PARTS",
    "BUILD_PARTS",
    "EditionError",
    "FetchError",
    "FetchOptions",
    "FetchReport",
    "FetchedFile",
    "FetchedRecord",
    "NEMA_BASE",
    "Progress",
    "docbook_url",
    "fetch_edition",
    "import_edition",
    "known_editions",
    "parse_parts",
    "read_fetched",
    "sources_for_edition",
    "validate_edition",
]

NEMA_BASE = "https://dicom.nema.org/medical/dicom"
FETCHED_NAME = "fetched.json"
#: The parts fetched when none are named.
DEFAULT_PARTS = ("PS3.3", "PS3.4", "PS3.5", "PS3.6", "PS3.7", "PS3.15", "PS3.16")
#: The parts ``dicomstd build`` compiles.
BUILD_PARTS = ("PS3.3", "PS3.4", "PS3.5", "PS3.6", "PS3.7")

_EDITION = re.compile(r"^(?:19|20)\d\d[a-e]?$")
_PART_FILE = re.compile(r"^part(\d{1,2})(?:\.chtml)?(?:\.xml|\.tar)?(?:\.xz|\.gz)?$", re.I)
_DOCBOOK_MEMBER = re.compile(r"(?:^|/)part(\d{1,2})\.xml(?:\.xz|\.gz)?$", re.IGNORECASE)
_CHUNK = 1 << 16
_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class EditionError(DicomstdError):
    """An edition name that is not NEMA's form (``2024c``, ``current``)."""


class FetchError(DicomstdError):
    """A download or import that cannot complete: the server refused or kept failing, or
    what it gave is not the publication asked for. Nothing half-written is left but a
    resumable ``.part`` (the message says so)."""


# --- editions ------------------------------------------------------------------------------------


def known_editions() -> list[str]:
    """The editions of ``known_editions.txt``, oldest first."""
    text = resources.files("dicomstd.editions").joinpath("known_editions.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def validate_edition(name: str) -> str:
    """Return ``name`` (``2024c``, ``current``) normalised to lower case.

    Raises:
        EditionError: ``name`` is not a year followed by a letter a-e (nor ``current``).
    """
    edition = name.strip().lower()
    if edition == "current" or _EDITION.match(edition):
        return edition
    raise EditionError(
        "not an edition of the standard (expected YYYYa..YYYYe such as 2025b, or current; "
        "'dicomstd fetch --list' lists the known ones)",
        name,
    )


def parse_parts(text: str | Sequence[str]) -> tuple[str, ...]:
    """``"3,4,PS3.6"`` → ``("PS3.3", "PS3.4", "PS3.6")`` (order kept, duplicates dropped).

    Raises:
        EditionError: an item is not a part number 1-22.
    """
    items = text.split(",") if isinstance(text, str) else list(text)
    parts: list[str] = []
    for item in items:
        raw = item.strip()
        number = raw.upper().removeprefix("PS3.").removeprefix("PART").lstrip("0") or "0"
        if not number.isdigit() or not 1 <= int(number) <= 22:
            raise EditionError(f"not a part of the standard: {raw!r} (expected 3, 06, PS3.15...)")
        part = f"PS3.{int(number)}"
        if part not in parts:
            parts.append(part)
    if not parts:
        raise EditionError("no part named")
    return tuple(parts)


def docbook_url(edition: str, part: str, base: str = NEMA_BASE) -> str:
    """``<base>/<edition>/source/docbook/partNN/partNN.xml``."""
    number = int(part.removeprefix("PS3."))
    return f"{base.rstrip('/')}/{edition}/source/docbook/part{number:02d}/part{number:02d}.xml"


# --- the record of what was fetched -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FetchedFile:
    """One publication in ``standard_xml/<edition>/``.

    Attributes:
        part, edition, format: as the publication's own subtitle says (``PS3.6``,
            ``2025b``, ``docbook``/``chtml``).
        file: the file name within the edition folder (``part06.xml``).
        sha256: of the uncompressed content (see
            :func:`dicomstd.generator.publications.sha256_of`).
        size: the file's size in bytes.
        retrieved: when it was fetched, UTC, ISO 8601 (``2026-01-31T12:00:00Z``).
        url: where it came from (an ``https://`` address, or ``file://`` for an import).
    """

    part: str
    edition: str
    format: str
    file: str
    sha256: str
    size: int
    retrieved: str
    url: str


@dataclass
class FetchedRecord:
    """``standard_xml/<edition>/fetched.json``: the edition and its files."""

    edition: str
    files: list[FetchedFile] = field(default_factory=list)

    def find(self, part: str, publication_format: str) -> FetchedFile | None:
        """The file of ``part`` in ``publication_format``, if recorded."""
        return next(
            (f for f in self.files if f.part == part and f.format == publication_format), None
        )

    def replace(self, entry: FetchedFile) -> None:
        """Record ``entry``, replacing the file of the same part and format."""
        self.files = [f for f in self.files if (f.part, f.format) != (entry.part, entry.format)] + [
            entry
        ]
        self.files.sort(key=lambda f: (int(f.part.removeprefix("PS3.")), f.format))


def read_fetched(path: Path) -> FetchedRecord:
    """Read a ``fetched.json``.

    Raises:
        FetchError: the file is not JSON, or not ``{"edition": str, "files": [...]}`` with
            every field of :class:`FetchedFile`, each ``file`` a plain file name.
    """
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FetchError(f"cannot read: {error.strerror or error}", path) from None
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise FetchError(f"not JSON in UTF-8: {error}", path) from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("edition"), str)
        or not isinstance(data.get("files"), list)
    ):
        raise FetchError('not an object with "edition" and a "files" list', path)
    files = []
    for number, item in enumerate(data["files"], start=1):
        if not isinstance(item, dict):
            raise FetchError(f"file {number} is not an object", path)
        values: dict[str, Any] = {}
        for name, kind in (("size", int),) + tuple(
            (name, str) for name in FetchedFile.__slots__ if name != "size"
        ):
            value = item.get(name)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise FetchError(f'file {number} lacks "{name}" ({kind.__name__})', path)
            values[name] = value
        if "/" in values["file"] or "\\" in values["file"] or values["file"] in ("", ".", ".."):
            raise FetchError(f"file {number}: {values['file']!r} is not a file name", path)
        files.append(FetchedFile(**values))
    return FetchedRecord(data["edition"], files)


def _write_fetched(folder: Path, record: FetchedRecord) -> None:
    """Write ``folder/fetched.json`` atomically."""
    document = {
        "about": (
            "Publications of the DICOM standard fetched by 'dicomstd fetch' (NEMA's text: not "
            "committed). sha256 is of the uncompressed content."
        ),
        "edition": record.edition,
        "files": [asdict(entry) for entry in record.files],
    }
    _write_atomically(folder / FETCHED_NAME, (json.dumps(document, indent=2) + "\n").encode())


def _write_atomically(target: Path, data: bytes) -> None:
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise FetchError(f"cannot write: {error.strerror or error}", target) from None


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- options and progress -------------------------------------------------------------------------


class Progress(Protocol):
    """What the command line shows while a file downloads."""

    def start(self, label: str, total: int | None, done: int) -> None:
        """A download of ``total`` bytes (``None``: unknown) begins, ``done`` already there."""

    def advance(self, count: int) -> None:
        """``count`` more bytes arrived."""

    def finish(self) -> None:
        """The download ended (completed or failed)."""

    def say(self, text: str) -> None:
        """A line of news (a retry, a file skipped, a file verified)."""


class _Quiet:
    def start(self, label: str, total: int | None, done: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass

    def finish(self) -> None:
        pass

    def say(self, text: str) -> None:
        pass


@dataclass
class FetchOptions:
    """What ``dicomstd fetch`` was asked for.

    Attributes:
        edition: ``2025b`` or ``current``.
        parts: ``PS3.N`` to fetch.
        standard_xml: the folder of ``<edition>/`` folders.
        base_url: NEMA's ``/medical/dicom`` address (tests give a local server).
        publication_format: ``docbook`` (NEMA) / ``docbook``, ``chtml`` or ``None`` (any,
            imports).
        timeout: seconds to connect, and between two reads.
        retries: further attempts after a failed one.
        backoff: seconds before the first retry, doubled each time.
        force: download again what is already recorded and intact.
    """

    edition: str
    parts: tuple[str, ...] = DEFAULT_PARTS
    standard_xml: Path = Path("standard_xml")
    base_url: str = NEMA_BASE
    publication_format: str | None = "docbook"
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    force: bool = False


@dataclass
class FetchReport:
    """What a fetch or import did: the edition (as the publications name it), files
    written, and files already there."""

    edition: str
    written: list[FetchedFile] = field(default_factory=list)
    kept: list[FetchedFile] = field(default_factory=list)
    folder: Path = Path()


# --- verification -----------------------------------------------------------------------------------


def _check_well_formed(path: Path) -> None:
    """Parse all of the DocBook file ``path`` (plain, xz or gzip) without keeping it.

    Raises:
        PublicationError: malformed XML (with its line) or corrupt compressed data.
    """
    from lxml import etree

    with open(path, "rb") as raw:
        head = raw.read(6)
    opener: Callable[[], Any]
    if head.startswith(b"\xfd7zXZ\x00"):
        opener = lambda: lzma.open(path, "rb")  # noqa: E731
    elif head.startswith(b"\x1f\x8b"):
        opener = lambda: gzip.open(path, "rb")  # noqa: E731
    else:
        opener = lambda: open(path, "rb")  # noqa: E731
    try:
        with opener() as stream:
            for _, element in etree.iterparse(
                stream,
                events=("end",),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=True,
            ):
                element.clear(keep_tail=True)
    except etree.XMLSyntaxError as error:
        raise PublicationError(
            f"malformed XML at line {error.lineno or '?'}: {error.msg}", path
        ) from None
    except (EOFError, lzma.LZMAError, OSError) as error:
        raise PublicationError(f"truncated or corrupt compressed data ({error})", path) from None


def _verify(path: Path, part: str, edition: str, publication_format: str | None) -> tuple[str, str]:
    """Check that ``path`` is whole and is ``part`` of ``edition`` (any for ``current``).

    Returns:
        (the edition its subtitle names, its format).

    Raises:
        PublicationError: unreadable, malformed, another part, edition or format.
    """
    from dicomstd.generator import publications

    identity = publications.identify(path, expected_part=part)
    if edition != "current" and identity.edition != edition:
        raise PublicationError(
            f"is {identity.part} {identity.edition}, not edition {edition} as asked", path
        )
    if publication_format is not None and identity.format != publication_format:
        raise _OtherFormat(f"is {identity.format}, not {publication_format} as asked", path)
    if identity.format == "docbook" and not path.is_dir() and not _is_bundle(path):
        _check_well_formed(path)
    else:
        publications.read_publication(path, expected_part=part)  # every page parses
    return identity.edition, identity.format


# --- downloading ------------------------------------------------------------------------------------


class _OtherFormat(PublicationError):
    """A publication of another format than asked (skipped by an import)."""


class _Incomplete(Exception):
    """A download to retry (resuming): a dropped connection, a timeout, a 5xx answer."""


def _client(options: FetchOptions) -> httpx.Client:
    import httpx

    from dicomstd import __version__

    return httpx.Client(
        timeout=httpx.Timeout(options.timeout),
        follow_redirects=True,
        headers={"User-Agent": f"dicomstd/{__version__} (+fetch of the DICOM standard)"},
    )


def _download(
    client: httpx.Client,
    url: str,
    partial: Path,
    options: FetchOptions,
    progress: Progress,
    label: str,
) -> None:
    """Download ``url`` into ``partial``, resuming it, retrying with backoff.

    Raises:
        FetchError: an answer that is not to be retried (404...), or still failing after
            ``options.retries`` retries (``partial`` is then kept for the next run).
    """
    import httpx

    validators_path = partial.with_name(partial.name + ".json")
    last_problem = ""
    for attempt in range(options.retries + 1):
        if attempt:
            delay = options.backoff * 2 ** (attempt - 1)
            progress.say(f"{label}: {last_problem}; retrying in {delay:g} s")
            time.sleep(delay)
        have = partial.stat().st_size if partial.exists() else 0
        validators = _read_validators(validators_path, url) if have else None
        headers = {"Accept-Encoding": "identity"}
        if have and validators is not None:
            headers["Range"] = f"bytes={have}-"
            if validators:
                headers["If-Range"] = validators
        elif have:
            have = 0  # a .part of unknown origin: start again
        try:
            with client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status == 416 and have:
                    # The range starts past the end: what is there is not this file.
                    partial.unlink(missing_ok=True)
                    raise _Incomplete("the server refused to resume (416)")
                if status in _RETRY_STATUS:
                    raise _Incomplete(f"the server answered {status}")
                if status == 404:
                    raise FetchError(
                        "not found (404): NEMA publishes no such file for this edition "
                        "(see 'dicomstd fetch --list')",
                        url,
                    )
                if status not in (200, 206):
                    raise FetchError(f"the server answered {status} {response.reason_phrase}", url)
                start = 0
                if status == 206:
                    start = _range_start(response.headers.get("Content-Range", ""))
                    if start != have:
                        raise FetchError(
                            f"the server resumed at byte {start}, not at {have} as asked", url
                        )
                length = response.headers.get("Content-Length")
                expected = int(length) if length and length.isdigit() else None
                validator = response.headers.get("ETag") or response.headers.get("Last-Modified")
                _write_validators(validators_path, url, validator or "")
                progress.start(label, None if expected is None else start + expected, start)
                received = 0
                try:
                    with open(partial, "ab" if status == 206 else "wb") as out:
                        for chunk in response.iter_raw(_CHUNK):
                            out.write(chunk)
                            received += len(chunk)
                            progress.advance(len(chunk))
                finally:
                    progress.finish()
                if expected is not None and received != expected:
                    raise _Incomplete(f"the connection ended after {received} of {expected} bytes")
                return
        except (httpx.TransportError, _Incomplete) as error:
            last_problem = str(error) or type(error).__name__
            if isinstance(error, httpx.TimeoutException):
                last_problem = f"timed out ({type(error).__name__})"
    kept = (
        f"; the partial download {partial} ({partial.stat().st_size} bytes) is kept and the "
        "next run resumes it"
        if partial.exists() and partial.stat().st_size
        else ""
    )
    raise FetchError(f"failed after {options.retries + 1} attempts: {last_problem}{kept}", url)


def _range_start(content_range: str) -> int:
    match = re.match(r"bytes (\d+)-\d+/(?:\d+|\*)$", content_range.strip())
    return int(match.group(1)) if match else -1


def _read_validators(path: Path, url: str) -> str | None:
    """The ETag/Last-Modified recorded for ``url`` beside a ``.part``; ``None`` when the
    record is missing or for another URL (the ``.part`` is then not resumed)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("url") != url:
        return None
    validator = data.get("validator", "")
    return validator if isinstance(validator, str) else None


def _write_validators(path: Path, url: str, validator: str) -> None:
    path.write_text(json.dumps({"url": url, "validator": validator}), encoding="utf-8")


def _discard(partial: Path) -> None:
    partial.unlink(missing_ok=True)
    partial.with_name(partial.name + ".json").unlink(missing_ok=True)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


# --- fetching from NEMA -----------------------------------------------------------------------------


def _intact(folder: Path, entry: FetchedFile) -> bool:
    from dicomstd.generator.publications import sha256_of

    path = folder / entry.file
    try:
        return path.exists() and sha256_of(path) == entry.sha256
    except PublicationError:
        return False


def _load_record(folder: Path, edition: str) -> FetchedRecord:
    path = folder / FETCHED_NAME
    return read_fetched(path) if path.exists() else FetchedRecord(edition)


def fetch_edition(
    options: FetchOptions,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
) -> FetchReport:
    """Download ``options.parts`` of ``options.edition`` from NEMA (see the module docstring).

    Returns:
        The report: the edition the files name, files written and files already there.

    Raises:
        EditionError: a malformed edition name.
        FetchError: a part cannot be downloaded or is not what was asked (the message names
            the URL or file); earlier parts stay fetched and recorded.
    """
    from dicomstd.generator.publications import sha256_of

    edition = validate_edition(options.edition)
    if options.publication_format not in (None, "docbook"):
        raise FetchError(
            "fetching CHTML from NEMA is not supported (one page per URL); fetch the DocBook "
            "source, or import a CHTML tar with --from",
            options.publication_format,
        )
    progress = progress or _Quiet()
    own_client = client is None
    client = client or _client(options)
    report = FetchReport(edition)
    # "current" downloads into a staging folder: the edition is known once a file is read.
    staging = options.standard_xml / (".current" if edition == "current" else edition)
    try:
        try:
            staging.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise FetchError(f"cannot create: {error.strerror or error}", staging) from None
        named = edition
        for part in options.parts:
            number = int(part.removeprefix("PS3."))
            name = f"part{number:02d}.xml"
            if named != "current":
                folder = options.standard_xml / named
                record = _load_record(folder, named)
                existing = record.find(part, "docbook")
                if existing is not None and not options.force and _intact(folder, existing):
                    progress.say(f"{part} {named}: already fetched ({folder / existing.file})")
                    report.kept.append(existing)
                    continue
            url = docbook_url(edition, part, options.base_url)
            partial = staging / f".{name}.part"
            _download(client, url, partial, options, progress, f"{part} {edition}")
            try:
                found, _ = _verify(partial, part, named, "docbook")
            except PublicationError as error:
                _discard(partial)
                raise FetchError(
                    f"the download is not {part} {named} as asked: {error.message}; it was "
                    "deleted and nothing was written",
                    url,
                ) from None
            if named == "current":
                named = found
            elif found != named:  # "current" moved on to another edition mid-fetch
                _discard(partial)
                raise FetchError(
                    f"is {part} {found}, but the other parts fetched are of {named}", url
                )
            folder = options.standard_xml / found
            folder.mkdir(parents=True, exist_ok=True)
            entry = FetchedFile(
                part=part,
                edition=found,
                format="docbook",
                file=name,
                sha256=sha256_of(partial),
                size=partial.stat().st_size,
                retrieved=_now(),
                url=url,
            )
            os.replace(partial, folder / name)
            _discard(partial)
            record = _load_record(folder, found)
            record.replace(entry)
            _write_fetched(folder, record)
            progress.say(f"{part} {found}: verified, {entry.size} bytes, sha256 {entry.sha256}")
            report.written.append(entry)
        report.edition = named
        report.folder = options.standard_xml / named
    finally:
        if own_client:
            client.close()
        _remove_if_empty(staging)
    return report


# --- importing local copies -------------------------------------------------------------------------


def _is_bundle(path: Path) -> bool:
    """A zip, or a tar holding DocBook ``partNN.xml`` members (not a CHTML tar)."""
    if path.is_dir():
        return False
    with open(path, "rb") as stream:
        head = stream.read(6)
    if head.startswith(b"PK\x03\x04"):
        return True
    try:
        with tarfile.open(path, "r:*") as archive:
            return any(_DOCBOOK_MEMBER.search(name) for name in archive.getnames())
    except (tarfile.TarError, OSError, EOFError, lzma.LZMAError):
        return False


def _zip_reader(path: Path, member: str) -> Callable[[], bytes]:
    def read() -> bytes:
        with zipfile.ZipFile(path) as archive:
            return archive.read(member)

    return read


def _bundle_members(path: Path) -> Iterator[tuple[str, int, Callable[[], bytes]]]:
    """(member name, part number, reader) of the DocBook parts of a zip or tar."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    match = _DOCBOOK_MEMBER.search(info.filename)
                    if match and not info.is_dir():
                        yield info.filename, int(match.group(1)), _zip_reader(path, info.filename)
            return
        with tarfile.open(path, "r:*") as tar:
            names = [
                (member.name, int(match.group(1)))
                for member in tar.getmembers()
                if member.isfile() and (match := _DOCBOOK_MEMBER.search(member.name))
            ]

        def reader(member: str) -> Callable[[], bytes]:
            def read() -> bytes:
                with tarfile.open(path, "r:*") as archive:
                    stream = archive.extractfile(member)
                    return stream.read() if stream is not None else b""

            return read

        for member, number in names:
            yield member, number, reader(member)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, lzma.LZMAError) as error:
        raise FetchError(f"truncated or corrupt archive ({error})", path) from None


@dataclass
class _Piece:
    """A publication to import: its part (from its name), where it comes from, and how to
    write it into the edition folder."""

    part: str
    name: str  # the file name to write
    origin: str  # for messages
    url: str  # for the record: file://<absolute path>[#<member>]
    write: Callable[[Path], None]


def _pieces(source: Path) -> list[_Piece]:
    """The publications of ``source`` (file, folder, zip or tar)."""
    if source.is_dir():
        pieces: list[_Piece] = []
        for path in sorted(source.iterdir()):
            if path.is_file() and (_PART_FILE.match(path.name) or _is_bundle(path)):
                pieces.extend(_pieces(path))
        if not pieces:
            raise FetchError(
                "holds no publication (partNN.xml[.xz|.gz], partNN.chtml.tar.xz, a zip or tar)",
                source,
            )
        return pieces
    if not source.exists():
        raise FetchError("no such file or folder", source)
    if _is_bundle(source):
        pieces = []
        for member, number, read in _bundle_members(source):

            def write(
                target: Path, read: Callable[[], bytes] = read, member: str = member
            ) -> None:
                data = read()
                if member.lower().endswith(".xz"):
                    data = lzma.decompress(data)
                elif member.lower().endswith(".gz"):
                    data = gzip.decompress(data)
                target.write_bytes(data)

            pieces.append(
                _Piece(
                    f"PS3.{number}",
                    f"part{number:02d}.xml",
                    f"{source}:{member}",
                    f"{source.resolve().as_uri()}#{member}",
                    write,
                )
            )
        return pieces
    match = _PART_FILE.match(source.name)
    if match is not None:
        part, name = f"PS3.{int(match.group(1))}", source.name
    else:
        from dicomstd.generator.publications import identify

        identity = identify(source)
        number = int(identity.part.removeprefix("PS3."))
        part = identity.part
        name = (
            f"part{number:02d}.xml"
            if identity.format == "docbook"
            else f"part{number:02d}.chtml.tar"
        )
        with open(source, "rb") as stream:
            head = stream.read(6)
        name += (
            ".xz"
            if head.startswith(b"\xfd7zXZ\x00")
            else ".gz" if head.startswith(b"\x1f\x8b") else ""
        )
    return [
        _Piece(
            part,
            name,
            str(source),
            source.resolve().as_uri(),
            lambda target: _copy(source, target),
        )
    ]


def _copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)


def _download_to_import(
    source: str, options: FetchOptions, progress: Progress, client: httpx.Client | None
) -> Path:
    """Download the file at ``source`` into a hidden file of ``standard_xml`` named like the
    URL's last segment (what the import recognises publications by)."""
    try:
        options.standard_xml.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FetchError(
            f"cannot create: {error.strerror or error}", options.standard_xml
        ) from None
    remote_name = source.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "download"
    target = options.standard_xml / f".import-{os.getpid()}-{remote_name}"
    partial = target.with_name(target.name + ".part")
    http = client or _client(options)
    try:
        _download(http, source, partial, options, progress, source)
        os.replace(partial, target)
    except BaseException:
        _discard(partial)
        raise
    finally:
        _discard(partial)
        if client is None:
            http.close()
    return target


def import_edition(
    source: str,
    options: FetchOptions,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
) -> FetchReport:
    """Import the publications of ``source`` (a path, or an ``http(s)://`` URL of one file)
    into ``standard_xml/<edition>/`` the way :func:`fetch_edition` writes downloads.

    Only ``options.parts`` are imported, and only ``options.publication_format`` (``None``:
    both). Each is copied (extracted from a zip or tar) to a temporary file in the edition
    folder, verified (part, edition, well-formed), then renamed into place and recorded with
    ``url`` ``file://<absolute path>`` (or the URL).

    Raises:
        EditionError: a malformed edition name.
        FetchError: the source is missing, holds none of the parts asked for, or a
            publication is not what it should be (earlier ones stay imported).
    """
    from dicomstd.generator.publications import sha256_of

    edition = validate_edition(options.edition)
    progress = progress or _Quiet()
    downloaded: Path | None = None
    remote: str | None = None
    if re.match(r"^https?://", source):
        remote = source
        downloaded = _download_to_import(source, options, progress, client)
        root = downloaded
    else:
        root = Path(source)
    report = FetchReport(edition)
    staging = options.standard_xml / (".current" if edition == "current" else edition)
    try:
        pieces = [piece for piece in _pieces(root) if piece.part in options.parts]
        if not pieces:
            raise FetchError(
                f"holds none of the parts asked for ({', '.join(options.parts)})", source
            )
        staging.mkdir(parents=True, exist_ok=True)
        named = edition
        for piece in pieces:
            chtml = ".chtml" in piece.name.lower()
            if options.publication_format is not None and chtml != (
                options.publication_format == "chtml"
            ):
                continue  # named as another format than asked (checked again once read)
            temporary = staging / f".{piece.name}.part"
            try:
                piece.write(temporary)
                found, found_format = _verify(
                    temporary, piece.part, named, options.publication_format
                )
            except _OtherFormat:
                _discard(temporary)
                continue  # another format than asked: not imported
            except PublicationError as error:
                _discard(temporary)
                raise FetchError(
                    f"{piece.origin} is not {piece.part} {named} as asked: {error.message}; "
                    "nothing was written",
                    source,
                ) from None
            except (OSError, lzma.LZMAError, EOFError) as error:
                _discard(temporary)
                raise FetchError(f"cannot copy {piece.origin}: {error}", source) from None
            if named == "current":
                named = found
            elif found != named:
                _discard(temporary)
                raise FetchError(f"{piece.origin} is of {found}, the others of {named}", source)
            folder = options.standard_xml / found
            folder.mkdir(parents=True, exist_ok=True)
            entry = FetchedFile(
                part=piece.part,
                edition=found,
                format=found_format,
                file=piece.name,
                sha256=sha256_of(temporary),
                size=temporary.stat().st_size,
                retrieved=_now(),
                url=remote or piece.url,
            )
            record = _load_record(folder, found)
            previous = record.find(piece.part, found_format)
            os.replace(temporary, folder / piece.name)
            if previous is not None and previous.file != piece.name:
                (folder / previous.file).unlink(missing_ok=True)
            record.replace(entry)
            _write_fetched(folder, record)
            progress.say(f"{piece.part} {found} ({found_format}): imported from {piece.origin}")
            report.written.append(entry)
        report.edition = named
        report.folder = options.standard_xml / named
    finally:
        if downloaded is not None:
            downloaded.unlink(missing_ok=True)
        _remove_if_empty(staging)
    return report


# --- building from a fetched edition ------------------------------------------------------------------


def sources_for_edition(edition: str, standard_xml: Path) -> list[Path]:
    """The publications ``dicomstd build --edition`` reads, from ``fetched.json``.

    Per part of :data:`BUILD_PARTS`, the DocBook file of the edition, else its CHTML. Every
    PS3.6 of the edition is given, and, where the edition has no PS3.6 DocBook, also the
    newest PS3.6 DocBook of an older fetched edition: the build takes each PS3.6 table from
    the newest publication holding it (a CHTML PS3.6 may lack Table 6-1).

    Raises:
        EditionError: a malformed edition name.
        FetchError: the edition is not fetched, or lacks parts (one message naming them and
            the command that fetches them), or a recorded file is missing.
    """
    edition = validate_edition(edition)
    record_path = standard_xml / edition / FETCHED_NAME
    if not record_path.exists():
        raise FetchError(
            f"edition {edition} is not fetched; run: dicomstd fetch --edition {edition} "
            "--parts 3,4,5,6,7",
            standard_xml / edition,
        )
    record = read_fetched(record_path)
    folder = standard_xml / edition
    chosen: list[Path] = []
    missing: list[str] = []
    for part in BUILD_PARTS:
        files = [f for f in record.files if f.part == part]
        if not files:
            missing.append(part)
            continue
        if part == "PS3.6":
            picked = sorted(files, key=lambda f: f.format != "docbook")
        else:
            picked = [min(files, key=lambda f: f.format != "docbook")]
        chosen.extend(folder / f.file for f in picked)
        if part == "PS3.6" and not any(f.format == "docbook" for f in files):
            fallback = _older_registry(standard_xml, edition)
            if fallback is not None:
                chosen.append(fallback)
    if missing:
        numbers = ",".join(part.removeprefix("PS3.") for part in missing)
        raise FetchError(
            f"edition {edition} lacks {', '.join(missing)} for a build; run: dicomstd fetch "
            f"--edition {edition} --parts {numbers}",
            record_path,
        )
    for path in chosen:
        if not path.exists():
            raise FetchError(
                f"is recorded in {FETCHED_NAME} but missing; fetch it again with --force", path
            )
    return chosen


def _older_registry(standard_xml: Path, edition: str) -> Path | None:
    """The PS3.6 DocBook of the newest fetched edition older than ``edition``."""
    from dicomstd.generator.build import edition_key

    best: tuple[tuple[int, str], Path] | None = None
    for record_path in standard_xml.glob(f"*/{FETCHED_NAME}"):
        try:
            record = read_fetched(record_path)
        except FetchError:
            continue
        if edition_key(record.edition) >= edition_key(edition):
            continue
        entry = record.find("PS3.6", "docbook")
        if entry is not None and (best is None or edition_key(record.edition) > best[0]):
            best = (edition_key(record.edition), record_path.parent / entry.file)
    return best[1] if best else None
