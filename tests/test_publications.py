"""Opening publications in every container NEMA's files come in, and failing clearly."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import lzma
import os
import shutil
import subprocess
import sys
import tarfile
import tracemalloc
import zipfile
from pathlib import Path
from typing import Callable, Sequence

import pytest

from dicomstd.errors import PublicationError
from dicomstd.generator.docbook import read_docbook
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


# --- hostile and damaged inputs ----------------------------------------------------------


def _member_ends(tar: bytes) -> list[int]:
    """The offset just after each member's data (padded to tar's 512-byte blocks)."""
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        return [m.offset_data + (m.size + 511) // 512 * 512 for m in archive.getmembers()]


@pytest.mark.parametrize("compress", [bytes, lzma.compress, gzip.compress], ids=["tar", "xz", "gz"])
def test_a_tar_cut_at_a_member_boundary_is_truncated(
    tmp_path: Path, compress: Callable[[bytes], bytes]
) -> None:
    """tarfile takes the end of the data for the end of the archive: fewer pages, no error."""
    tar = _tar(PAGES)
    first_end = _member_ends(tar)[0]
    cut = _write(tmp_path / "p.tar", compress(tar[:first_end]))
    with pytest.raises(
        PublicationError,
        match=r"truncated tar: it ends after member part99/PS3\.99\.html without tar's "
        "end-of-archive blocks",
    ):
        read_publication(cut)
    with pytest.raises(PublicationError, match="truncated tar"):
        identify(cut)
    # Cut inside the first end-of-archive block: still truncated.
    last_end = _member_ends(tar)[-1]
    with pytest.raises(PublicationError, match="truncated tar"):
        read_publication(_write(tmp_path / "q.tar", compress(tar[: last_end + 100])))
    # Whole, without the record padding after the end blocks: read.
    whole = _write(tmp_path / "r.tar", compress(tar[: last_end + 1024]))
    assert list(read_publication(whole).tables) == ["table_1.1-1", "informaltable_sect_1.1_1"]


def test_the_decompression_limit_is_512_mib_and_named() -> None:
    from dicomstd.generator import publications

    assert publications.MAX_UNCOMPRESSED_BYTES == 512 << 20  # 13 times PS3.3's 37 MiB tar


_CONTAINERS: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("bomb.xml.xz", lambda data: lzma.compress(data, preset=0)),
    ("bomb.xml.gz", lambda data: gzip.compress(data, compresslevel=1)),
    ("bomb.zip", lambda data: _zip({"part99.xml": data})),
    ("big.xml", lambda data: data),
]


def _peak_of(call: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("name", "make"), _CONTAINERS, ids=[name for name, _ in _CONTAINERS])
def test_more_than_the_limit_is_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, make: Callable[[bytes], bytes]
) -> None:
    from dicomstd.generator import publications

    limit = 4 << 20
    monkeypatch.setattr(publications, "MAX_UNCOMPRESSED_BYTES", limit)
    path = _write(tmp_path / name, make(DOCBOOK + b" " * (24 << 20)))

    def read() -> None:
        with pytest.raises(
            PublicationError,
            match=r"(uncompresses to more|is larger) than 4 MiB, the limit for one publication",
        ):
            read_publication(path)

    # Stops at the limit: never holds the 24 MiB.
    assert _peak_of(read) < 2 * limit + (4 << 20)


@pytest.mark.parametrize("compress", [lzma.compress, gzip.compress], ids=["xz", "gz"])
def test_what_is_uncompressed_is_held_once(
    tmp_path: Path, compress: Callable[[bytes], bytes]
) -> None:
    """The 1 GiB limit cost 2 GiB: hold the content once (libxml2's tree is beside it)."""
    size = 32 << 20
    path = _write(tmp_path / "big.xml", compress(DOCBOOK + b" " * size))
    peak = _peak_of(lambda: read_publication(path))
    assert peak < 1.35 * size + (10 << 20), peak


def _isolated(code: str, timeout: float = 60, *, prefix: Sequence[str] = ()) -> str:
    """Run ``code`` in a new interpreter and return its output: a hang (a FIFO opened for
    reading blocks until a writer comes) fails the test instead of hanging the run."""
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"hung for {timeout} s (something opened the FIFO)")
    assert done.returncode == 0, done.stderr
    return done.stdout


_TRY_EACH = """
import json, sys
from dicomstd.errors import PublicationError
from dicomstd.generator import publications, docbook, chtml
results = {}
for name, call, path in json.loads(sys.argv[1] if len(sys.argv) > 1 else CASES):
    try:
        getattr({"publications": publications, "docbook": docbook, "chtml": chtml}[call[0]],
                call[1])(path)
        results[name] = "read"
    except PublicationError as error:
        results[name] = str(error)
print(json.dumps(results))
"""


def _try_each(
    cases: list[tuple[str, tuple[str, str], Path]], *, prefix: Sequence[str] = ()
) -> dict[str, str]:
    listed = [(name, call, str(path)) for name, call, path in cases]
    code = f"CASES = {json.dumps(json.dumps(listed))}\n" + _TRY_EACH
    return dict(json.loads(_isolated(code, prefix=prefix)))


def test_nothing_a_doctype_names_is_opened(tmp_path: Path) -> None:
    """libxml2 opened the files a DOCTYPE names (/etc/passwd, /dev/zero, /dev/stdin: a hang)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    doctypes = {
        "system": f'<!DOCTYPE book SYSTEM "{fifo}">',
        "system url": f'<!DOCTYPE book SYSTEM "{fifo.as_uri()}">',
        "public": f'<!DOCTYPE book PUBLIC "-//Example//DTD Book//EN" "{fifo}">',
        "parameter entity": f'<!DOCTYPE book [<!ENTITY % p SYSTEM "{fifo.as_uri()}"> %p;]>',
        "external entity": f'<!DOCTYPE book [<!ENTITY e SYSTEM "{fifo}">]>',
        "zero": '<!DOCTYPE book [<!ENTITY % p SYSTEM "file:///dev/zero"> %p;]>',
    }
    cases: list[tuple[str, tuple[str, str], Path]] = []
    for name, doctype in doctypes.items():
        data = DOCBOOK.replace(b"<book ", doctype.encode() + b"\n<book ", 1)
        data = data.replace(b"<para>", b"<para>&e;", 1) if "entity" in name else data
        path = _write(tmp_path / f"{name}.xml", data)
        cases += [(name, ("publications", "read_publication"), path)]
        cases += [(f"identify {name}", ("publications", "identify"), path)]
    results = _try_each(cases)
    refused = "an external DTD or entity; publications are read without loading anything"
    for name in doctypes:
        if name == "external entity":
            # Not loaded, and its reference is not silently dropped; identify stops at the
            # subtitle, before the reference.
            assert "the entity reference &e; at line" in results[name], results[name]
            assert results[f"identify {name}"] == "read"
        else:
            assert refused in results[name], (name, results[name])
            assert refused in results[f"identify {name}"], (name, results[f"identify {name}"])
    # The XHTML DOCTYPE of every CHTML page is not loaded either, and needs nothing.
    assert read_publication(_write(tmp_path / "c.tar", _tar(PAGES))).part == "PS3.99"


def test_a_fifo_or_device_is_not_a_publication(tmp_path: Path) -> None:
    """A named pipe given as the path (or found among the pages) hung the reader."""
    fifo = tmp_path / "part99.xml"
    os.mkfifo(fifo)
    chtml_folder = tmp_path / "chtml" / "part99"
    for name, data in PAGES.items():
        _write(chtml_folder / name, data)
    (chtml_folder / "sect_1.2.html").unlink()
    os.mkfifo(chtml_folder / "sect_1.2.html")
    results = _try_each(
        [
            ("read", ("publications", "read_publication"), fifo),
            ("identify", ("publications", "identify"), fifo),
            ("sha256", ("publications", "sha256_of"), fifo),
            ("docbook", ("docbook", "read_docbook"), fifo),
            ("folder", ("publications", "read_publication"), tmp_path),
            ("device", ("publications", "read_publication"), Path("/dev/zero")),
            ("chtml tree", ("publications", "read_publication"), tmp_path / "chtml"),
            ("chtml folder", ("chtml", "read_chtml"), chtml_folder),
        ]
    )
    not_regular = "not a regular file"
    assert (
        results["read"]
        == f"{fifo}: {not_regular} or a folder (a pipe, device or socket is not read as a publication)"
    )
    assert results["identify"].startswith(f"{fifo}: {not_regular}")
    assert results["sha256"].startswith(f"{fifo}: {not_regular}")
    assert results["docbook"].startswith(f"{fifo}: {not_regular}")
    # In a folder, the FIFO is found by its name and refused when read.
    assert results["folder"].startswith(f"{fifo}: {not_regular}")
    assert results["device"].startswith(f"/dev/zero: {not_regular}")
    page = chtml_folder / "sect_1.2.html"
    assert results["chtml tree"].startswith(f"{page}: {not_regular}"), results["chtml tree"]
    assert results["chtml folder"].startswith(f"{page}: {not_regular}"), results["chtml folder"]


def test_a_folder_of_unrelated_files_is_a_clear_error(tmp_path: Path) -> None:
    _write(tmp_path / "notes" / "readme.txt", b"x")
    _write(tmp_path / "notes" / "data.json", b"{}")
    with pytest.raises(
        PublicationError,
        match=r"the folder holds no publication \(no partNN\.xml, no partNN/ of \.html pages\)$",
    ):
        read_publication(tmp_path)


def _os_error_cases(tmp_path: Path) -> list[tuple[str, Path, str]]:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    _write(tmp_path / "file.xml", DOCBOOK)
    chtml_folder = tmp_path / "dangling" / "part99"
    for name, data in PAGES.items():
        _write(chtml_folder / name, data)
    (chtml_folder / "sect_1.2.html").unlink()
    (chtml_folder / "sect_1.2.html").symlink_to(tmp_path / "gone.html")
    return [
        ("ELOOP", tmp_path / "loop", "cannot read: Too many levels of symbolic links"),
        ("ENOTDIR", tmp_path / "file.xml" / "part99.xml", "cannot read: Not a directory"),
        ("ENAMETOOLONG", tmp_path / ("x" * 5000), "cannot read: File name too long"),
        ("NUL", tmp_path / "a\x00b.xml", "not a valid file name (embedded null byte)"),
        # A page listed, then not there when read (a dangling link, or a race).
        ("ENOENT", tmp_path / "dangling", "no such file or folder"),
    ]


def test_every_os_error_is_one_line_naming_the_path(tmp_path: Path) -> None:
    for case, path, message in _os_error_cases(tmp_path):
        with pytest.raises(PublicationError) as raised:
            read_publication(path)
        text = str(raised.value)
        assert text.endswith(message) and "\n" not in text, (case, text)
        if case == "ENOENT":
            assert text.startswith(str(tmp_path / "dangling" / "part99" / "sect_1.2.html"))
        elif case == "NUL":
            assert text.startswith(str(tmp_path / "a\\x00b.xml")), text
        else:
            assert text.startswith(str(path)), (case, text)
    # A folder where a file is expected.
    with pytest.raises(PublicationError, match=r": is a folder, not a file$"):
        read_docbook(tmp_path)


def test_a_file_name_that_is_not_utf8_is_printable(tmp_path: Path) -> None:
    name = os.fsdecode(os.fsencode(str(tmp_path)) + b"/part99\xff.xml")
    with pytest.raises(PublicationError) as raised:
        read_publication(name)
    text = str(raised.value)
    assert text.endswith("/part99\\xff.xml: no such file or folder"), text
    text.encode("utf-8")  # printable
    assert raised.value.path == name  # the path itself is kept as given
    _write(Path(name), DOCBOOK)
    assert read_publication(name).part == "PS3.99"


def _without_root_privilege() -> list[str]:
    """A command prefix under which permissions apply (root, as the tests may run, reads
    and traverses everything unless it drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be denied")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", "--"]


def test_an_untraversable_folder_is_one_line(tmp_path: Path) -> None:
    """read_publication('some/untraversable/folder') raised a bare PermissionError."""
    locked = tmp_path / "locked"
    _write(locked / "part99" / "part99.xml", DOCBOOK)
    _write(tmp_path / "unreadable" / "part99.xml", DOCBOOK).chmod(0)
    prefix = _without_root_privilege()
    locked.chmod(0)
    try:
        cases: list[tuple[str, tuple[str, str], Path]] = [
            ("folder", ("publications", "read_publication"), locked),
            ("below", ("publications", "read_publication"), locked / "part99"),
            ("file", ("publications", "read_publication"), locked / "part99" / "part99.xml"),
            ("hash", ("publications", "sha256_of"), locked),
            ("pages", ("chtml", "read_chtml"), locked),
            ("in a folder", ("publications", "read_publication"), tmp_path / "unreadable"),
            ("identify", ("publications", "identify"), tmp_path / "unreadable"),
        ]
        results = _try_each(cases, prefix=prefix)
    finally:
        locked.chmod(0o755)
    for name, _, path in cases:
        expected = locked if name in ("folder", "hash", "pages") else path
        if name in ("in a folder", "identify"):
            expected = path / "part99.xml"
        assert results[name] == f"{expected}: cannot read: Permission denied", (name, results)
