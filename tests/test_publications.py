"""Opening publications in every container NEMA's files come in, and failing clearly."""

from __future__ import annotations

import gzip
import hashlib
import io
import lzma
import tarfile
import zipfile
from pathlib import Path
from typing import Callable

import pytest

from dicomstd.errors import PublicationError
from dicomstd.generator.publications import (
    Identity,
    identify,
    normalize_part,
    read_publication,
    sha256_of,
)
from test_chtml_reader import DOCBOOK_TWIN, PAGES

DOCBOOK = DOCBOOK_TWIN.encode("utf-8")
OTHER_PART = DOCBOOK.replace(b"PS3.99", b"PS3.98")


def _tar(pages: dict[str, bytes], folder: str = "part99") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in pages.items():
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("part99.xml", DOCBOOK),
        ("part99.xml.xz", lzma.compress(DOCBOOK)),
        ("renamed.bin", gzip.compress(DOCBOOK)),  # recognised by content, not name
        ("docbook.zip", _zip({"release/source/docbook/part99/part99.xml": DOCBOOK})),
    ],
)
def test_docbook_in_each_container(tmp_path: Path, name: str, content: bytes) -> None:
    document = read_publication(_write(tmp_path / name, content), expected_part="PS3.99")
    assert (document.part, document.edition, document.source_format) == (
        "PS3.99",
        "2099z",
        "docbook",
    )
    assert "table_1.1-1" in document.tables


def test_a_folder_holding_one_docbook_part(tmp_path: Path) -> None:
    _write(tmp_path / "source" / "part99.xml.xz", lzma.compress(DOCBOOK))
    assert read_publication(tmp_path).source_format == "docbook"


def test_a_zip_of_several_parts_needs_the_expected_part(tmp_path: Path) -> None:
    path = _write(tmp_path / "all.zip", _zip({"a/part99.xml": DOCBOOK, "b/part98.xml": OTHER_PART}))
    assert read_publication(path, expected_part="98").part == "PS3.98"
    assert read_publication(path, expected_part="part99").part == "PS3.99"
    with pytest.raises(PublicationError, match=r"holds several parts \(PS3\.98, PS3\.99\)"):
        read_publication(path)
    with pytest.raises(PublicationError, match=r"holds PS3\.98, PS3\.99, not PS3\.6"):
        read_publication(path, expected_part="PS3.6")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("part99.chtml.tar", _tar(PAGES)),
        ("part99.chtml.tar.xz", lzma.compress(_tar(PAGES))),
        ("part99.chtml.tar.gz", gzip.compress(_tar(PAGES))),
    ],
)
def test_chtml_tars(tmp_path: Path, name: str, content: bytes) -> None:
    document = read_publication(_write(tmp_path / name, content))
    assert (document.part, document.source_format) == ("PS3.99", "chtml")
    assert list(document.tables) == ["table_1.1-1", "informaltable_sect_1.1_1"]


def test_chtml_folders(tmp_path: Path) -> None:
    for name, data in PAGES.items():
        _write(tmp_path / "part99" / name, data)
    from_parent = read_publication(tmp_path)
    from_folder = read_publication(tmp_path / "part99")
    from_page = read_publication(tmp_path / "part99" / "PS3.99.html")
    assert from_parent.tables == from_folder.tables == from_page.tables
    assert from_folder.source == str(tmp_path / "part99")


def test_both_formats_give_the_same_tables(tmp_path: Path) -> None:
    docbook = read_publication(_write(tmp_path / "part99.xml", DOCBOOK))
    chtml = read_publication(_write(tmp_path / "part99.tar", _tar(PAGES)))
    assert docbook.tables == chtml.tables


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


BAD: list[tuple[str, Callable[[Path], Path], str]] = [
    ("missing", lambda d: d / "absent.xml", "no such file or folder"),
    ("empty folder", lambda d: _folder(d / "empty"), "the folder is empty"),
    ("empty file", lambda d: _write(d / "part99.xml", b""), "the file is empty"),
    (
        "unknown",
        lambda d: _write(d / "part99.xml", b"\x00\x01 binary"),
        "unknown publication format: the content is neither DocBook XML, a tar, nor a zip",
    ),
    (
        "unknown xz",
        lambda d: _write(d / "x.xz", lzma.compress(b"plain text")),
        "unknown publication format: the xz-compressed data is neither",
    ),
    (
        "malformed",
        lambda d: _write(d / "part99.xml", DOCBOOK.replace(b"</book>", b"")),
        r"malformed XML at line 4: Premature end of data",
    ),
    (
        "truncated xz",
        lambda d: _write(d / "part99.xml.xz", _truncated(lzma.compress(DOCBOOK))),
        r"truncated or corrupt xz data",
    ),
    (
        "truncated gz",
        lambda d: _write(d / "part99.xml.gz", _truncated(gzip.compress(DOCBOOK))),
        r"truncated or corrupt gzip data",
    ),
    (
        "truncated tar",
        lambda d: _write(d / "p.tar.xz", _truncated(lzma.compress(_tar(PAGES)))),
        r"truncated or corrupt xz data",
    ),
    (
        "corrupt zip",
        lambda d: _write(d / "p.zip", _truncated(_zip({"part99.xml": DOCBOOK}))),
        r"truncated or corrupt zip",
    ),
    (
        "no subtitle",
        lambda d: _write(
            d / "part99.xml",
            DOCBOOK.replace(b"<subtitle>", b"<!--").replace(b"</subtitle>", b"-->"),
        ),
        r"the book has no <subtitle> naming part and edition",
    ),
    (
        "no edition",
        lambda d: _write(d / "part99.xml", DOCBOOK.replace(b"2099z", b"")),
        r"names no part and edition",
    ),
    (
        "nothing in folder",
        lambda d: _write(d / "f" / "readme.txt", b"x").parent,
        r"the folder holds no publication \(no partNN\.xml, no partNN/ of \.html pages\)",
    ),
    (
        "pages without title page",
        lambda d: _write(d / "t.tar", _tar({"chapter_1.html": b"<x/>"})),
        r"the tar holds \.html pages but no title page PS3\.N\.html",
    ),
]


@pytest.mark.parametrize(("case", "make", "message"), BAD, ids=[case for case, _, _ in BAD])
def test_bad_inputs_raise_one_line_naming_the_file(
    tmp_path: Path, case: str, make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(PublicationError, match=message) as raised:
        read_publication(path)
    text = str(raised.value)
    assert "\n" not in text
    assert text.startswith(str(path)), text


def test_a_part_other_than_expected(tmp_path: Path) -> None:
    path = _write(tmp_path / "part99.xml", DOCBOOK)
    with pytest.raises(PublicationError, match=r"is PS3\.99 2099z, not the expected PS3\.6$"):
        read_publication(path, expected_part="PS3.6")
    with pytest.raises(PublicationError, match=r"is PS3\.99 2099z, not the expected PS3\.6$"):
        identify(path, expected_part="6")
    with pytest.raises(PublicationError, match="not a part of the standard: 'six'"):
        read_publication(path, expected_part="six")


def test_identify_reads_only_the_title(tmp_path: Path) -> None:
    assert identify(_write(tmp_path / "a.xml.xz", lzma.compress(DOCBOOK))) == Identity(
        "PS3.99", "2099z", "docbook"
    )
    part, edition, fmt = identify(_write(tmp_path / "b.tar.gz", gzip.compress(_tar(PAGES))))
    assert (part, edition, fmt) == ("PS3.99", "2099z", "chtml")


def test_sha256_is_of_the_uncompressed_content(tmp_path: Path) -> None:
    tar = _tar(PAGES)
    expected = hashlib.sha256(tar).hexdigest()
    assert sha256_of(_write(tmp_path / "p.tar.xz", lzma.compress(tar))) == expected
    assert sha256_of(_write(tmp_path / "p.tar.gz", gzip.compress(tar))) == expected
    assert sha256_of(_write(tmp_path / "p.tar", tar)) == expected
    with pytest.raises(PublicationError, match="truncated or corrupt xz data"):
        sha256_of(_write(tmp_path / "t.xz", _truncated(lzma.compress(tar))))
    with pytest.raises(PublicationError, match="no such file or folder"):
        sha256_of(tmp_path / "absent")


def test_normalize_part() -> None:
    assert [normalize_part(p) for p in ("PS3.6", "6", "06", "part06")] == ["PS3.6"] * 4


@pytest.mark.standard
def test_real_publications_are_identified_and_hashed_as_the_readme_says(
    publication: Callable[[str], Path],
) -> None:
    path = publication("2024c/part07.chtml.tar.xz")
    assert identify(path) == ("PS3.7", "2024c", "chtml")
    assert sha256_of(path).startswith("bfc42803")
    docbook = publication("2015b/part06.xml.xz")
    assert identify(docbook) == ("PS3.6", "2015b", "docbook")
    assert sha256_of(docbook).startswith("24c0444e")
