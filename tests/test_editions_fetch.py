"""``dicomstd fetch`` end to end against a local HTTP server in NEMA's URL layout.

The server (127.0.0.1 only) serves the real publications of ``../shared/dicom-standard/`` at
``/<edition>/source/docbook/partNN/partNN.xml`` (decompressed, as NEMA serves them), with
ETag and Range support, and can misbehave: drop the connection mid-file, answer 503, ignore
Range, serve a corrupt file or another edition's file.
"""

from __future__ import annotations

import http.server
import json
import lzma
import re
import tarfile
import threading
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

from conftest import require_publication
from dicomstd.cli import main
from dicomstd.editions import fetch
from dicomstd.editions.fetch import EditionError, FetchError, FetchOptions
from dicomstd.generator.publications import sha256_of

pytestmark = pytest.mark.standard


class _Handler(http.server.BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        server = self.server
        server.requests.append((self.path, self.headers.get("Range")))
        match = re.match(r"^/(\w+)/source/docbook/part(\d\d)/part\2\.xml$", self.path)
        edition = match.group(1) if match else ""
        edition = server.aliases.get(edition, edition)
        data = server.content(edition, int(match.group(2))) if match else None
        if data is None:
            self.send_error(404)
            return
        mode = server.mode
        if mode == "503" and server.failures > 0:
            server.failures -= 1
            self.send_error(503)
            return
        if mode == "corrupt":
            data = data[: len(data) // 2] + b"<<garbage" + data[len(data) // 2 + 9 :]
        etag = '"%d"' % len(data)
        start = 0
        wanted = self.headers.get("Range")
        if wanted and mode != "no-range" and self.headers.get("If-Range", etag) == etag:
            start = int(re.match(r"bytes=(\d+)-", wanted).group(1))  # type: ignore[union-attr]
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if mode == "drop" and server.failures > 0:
            server.failures -= 1
            # Send a third of what is left, then drop the connection.
            self.wfile.write(body[: max(1, len(body) // 3)])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    mode = "normal"
    failures = 0
    requests: list[tuple[str, str | None]]
    aliases: dict[str, str]
    _cache: dict[tuple[str, int], bytes | None]

    def content(self, edition: str, number: int) -> bytes | None:
        key = (edition, number)
        if key not in self._cache:
            from conftest import standard_directory

            path = standard_directory() / edition / f"part{number:02d}.xml.xz"
            self._cache[key] = lzma.decompress(path.read_bytes()) if path.exists() else None
        return self._cache[key]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def server() -> Iterator[_Server]:
    require_publication("2024c/part07.xml.xz")
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.requests, httpd.aliases, httpd._cache = [], {"current": "2026c"}, {}
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def options(
    server: _Server, tmp_path: Path, edition: str = "2024c", parts: str = "7"
) -> FetchOptions:
    return FetchOptions(
        edition=edition,
        parts=fetch.parse_parts(parts),
        standard_xml=tmp_path / "standard_xml",
        base_url=server.base,
        timeout=5,
        retries=3,
        backoff=0.01,
    )


def shared_sha(relative: str) -> str:
    return sha256_of(require_publication(relative))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith("."))


def test_fetch_two_parts(server: _Server, tmp_path: Path) -> None:
    report = fetch.fetch_edition(options(server, tmp_path, parts="5,7"))
    folder = tmp_path / "standard_xml" / "2024c"
    assert report.edition == "2024c" and report.folder == folder
    assert sorted(p.name for p in folder.iterdir()) == ["fetched.json", "part05.xml", "part07.xml"]
    record = fetch.read_fetched(folder / "fetched.json")
    by_part = {entry.part: entry for entry in record.files}
    assert by_part["PS3.7"].sha256 == shared_sha("2024c/part07.xml.xz")
    assert by_part["PS3.5"].sha256 == shared_sha("2024c/part05.xml.xz")
    assert by_part["PS3.7"].url == f"{server.base}/2024c/source/docbook/part07/part07.xml"
    assert by_part["PS3.7"].size == (folder / "part07.xml").stat().st_size
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", by_part["PS3.7"].retrieved)
    # A second run finds both intact and downloads nothing.
    count = len(server.requests)
    again = fetch.fetch_edition(options(server, tmp_path, parts="5,7"))
    assert (len(again.written), len(again.kept), len(server.requests)) == (0, 2, count)


def test_connection_dropped_mid_file_is_resumed(server: _Server, tmp_path: Path) -> None:
    server.mode, server.failures = "drop", 2
    fetch.fetch_edition(options(server, tmp_path))
    folder = tmp_path / "standard_xml" / "2024c"
    assert sha256_of(folder / "part07.xml") == shared_sha("2024c/part07.xml.xz")
    ranges = [wanted for _, wanted in server.requests]
    assert ranges[0] is None and all(r is not None and r.startswith("bytes=") for r in ranges[1:])
    assert len(ranges) == 3 and leftovers(tmp_path) == []


def test_connection_always_dropped_leaves_only_the_resumable_part(
    server: _Server, tmp_path: Path
) -> None:
    server.mode, server.failures = "drop", 100
    with pytest.raises(
        FetchError, match="failed after 4 attempts: .*is kept and the next run resumes it"
    ):
        fetch.fetch_edition(options(server, tmp_path))
    folder = tmp_path / "standard_xml" / "2024c"
    assert sorted(p.name for p in folder.iterdir()) == [".part07.xml.part", ".part07.xml.part.json"]
    # The server recovers: the next run resumes where the last one stopped.
    server.mode, server.requests = "normal", []
    fetch.fetch_edition(options(server, tmp_path))
    assert server.requests[0][1] is not None
    assert sha256_of(folder / "part07.xml") == shared_sha("2024c/part07.xml.xz")
    assert leftovers(tmp_path) == []


def test_server_ignoring_range_restarts(server: _Server, tmp_path: Path) -> None:
    server.mode, server.failures = "drop", 1
    opts = options(server, tmp_path)
    opts.retries = 0
    with pytest.raises(FetchError):
        fetch.fetch_edition(opts)
    server.mode = "no-range"
    fetch.fetch_edition(options(server, tmp_path))
    folder = tmp_path / "standard_xml" / "2024c"
    assert sha256_of(folder / "part07.xml") == shared_sha("2024c/part07.xml.xz")


def test_503_is_retried(server: _Server, tmp_path: Path) -> None:
    server.mode, server.failures = "503", 2
    fetch.fetch_edition(options(server, tmp_path))
    assert len(server.requests) == 3


def test_corrupt_file_writes_nothing(server: _Server, tmp_path: Path) -> None:
    server.mode = "corrupt"
    with pytest.raises(FetchError, match="is not PS3.7 2024c as asked: malformed XML at line"):
        fetch.fetch_edition(options(server, tmp_path))
    assert not (tmp_path / "standard_xml" / "2024c").exists()
    assert leftovers(tmp_path) == []


def test_corrupt_second_part_keeps_the_first(server: _Server, tmp_path: Path) -> None:
    fetch.fetch_edition(options(server, tmp_path, parts="5"))
    server.mode = "corrupt"
    with pytest.raises(FetchError, match="malformed XML"):
        fetch.fetch_edition(options(server, tmp_path, parts="7"))
    folder = tmp_path / "standard_xml" / "2024c"
    assert sorted(p.name for p in folder.iterdir()) == ["fetched.json", "part05.xml"]
    assert [f.part for f in fetch.read_fetched(folder / "fetched.json").files] == ["PS3.5"]


def test_wrong_edition_is_refused(server: _Server, tmp_path: Path) -> None:
    server.aliases["2025b"] = "2026c"
    with pytest.raises(FetchError, match="is PS3.7 2026c, not edition 2025b as asked"):
        fetch.fetch_edition(options(server, tmp_path, edition="2025b"))
    assert not (tmp_path / "standard_xml" / "2025b").exists()


def test_not_found_is_not_retried(server: _Server, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="not found \\(404\\)"):
        fetch.fetch_edition(options(server, tmp_path, edition="2019a"))
    assert len(server.requests) == 1


def test_current_names_the_folder(server: _Server, tmp_path: Path) -> None:
    require_publication("2026c/part07.xml.xz")
    report = fetch.fetch_edition(options(server, tmp_path, edition="current", parts="5,7"))
    assert report.edition == "2026c"
    folder = tmp_path / "standard_xml" / "2026c"
    assert sorted(p.name for p in folder.iterdir()) == ["fetched.json", "part05.xml", "part07.xml"]
    assert not (tmp_path / "standard_xml" / ".current").exists()
    assert fetch.read_fetched(folder / "fetched.json").edition == "2026c"


def test_cli_fetch_and_errors(server: _Server, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["fetch", "--standard-xml", str(tmp_path / "sx"), "--base-url", server.base]
    result = runner.invoke(main, [*base, "--edition", "2024c", "--parts", "7", "--backoff", "0"])
    assert result.exit_code == 0, result.output
    assert "edition 2024c: 1 written" in result.output
    server.mode = "corrupt"
    result = runner.invoke(main, [*base, "--edition", "2024c", "--parts", "5", "--backoff", "0"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("dicomstd:")]
    assert len(lines) == 1 and lines[0].startswith("dicomstd: error: http://127.0.0.1:")
    assert "malformed XML" in lines[0]
    result = runner.invoke(main, [*base, "--edition", "2024x"])
    assert result.exit_code == 2 and "2024x: not an edition of the standard" in result.output
    result = runner.invoke(main, ["fetch", "--list"])
    assert result.exit_code == 0 and "2024c" in result.output.split()


# --- imports -----------------------------------------------------------------------------------


def test_import_folder(tmp_path: Path) -> None:
    folder = require_publication("2024c/part05.chtml.tar.xz").parent
    opts = FetchOptions(
        edition="2024c", parts=("PS3.5", "PS3.7"), standard_xml=tmp_path, publication_format=None
    )
    report = fetch.import_edition(str(folder), opts)
    names = sorted(entry.file for entry in report.written)
    assert names == ["part05.chtml.tar.xz", "part05.xml.xz", "part07.chtml.tar.xz", "part07.xml.xz"]
    record = fetch.read_fetched(tmp_path / "2024c" / "fetched.json")
    assert {(f.part, f.format) for f in record.files} == {
        ("PS3.5", "docbook"),
        ("PS3.5", "chtml"),
        ("PS3.7", "docbook"),
        ("PS3.7", "chtml"),
    }
    entry = record.find("PS3.7", "docbook")
    assert entry is not None and entry.sha256 == shared_sha("2024c/part07.xml.xz")
    assert entry.url == (folder / "part07.xml.xz").resolve().as_uri()
    # Only DocBook when asked.
    opts = FetchOptions(edition="2024c", parts=("PS3.15",), standard_xml=tmp_path / "d")
    report = fetch.import_edition(str(folder), opts)
    assert [(e.part, e.format) for e in report.written] == [("PS3.15", "docbook")]


def test_import_zip_and_tar(tmp_path: Path) -> None:
    data = lzma.decompress(require_publication("2026c/part07.xml.xz").read_bytes())
    bundle = tmp_path / "docbook.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("source/docbook/part07/part07.xml", data)
    report = fetch.import_edition(
        str(bundle), FetchOptions(edition="current", parts=("PS3.7",), standard_xml=tmp_path / "z")
    )
    assert report.edition == "2026c"
    assert sha256_of(tmp_path / "z" / "2026c" / "part07.xml") == shared_sha("2026c/part07.xml.xz")
    plain = tmp_path / "part07.xml"
    plain.write_bytes(data)
    tar = tmp_path / "docbook.tar"
    with tarfile.open(tar, "w") as archive:
        archive.add(plain, arcname="docbook/part07/part07.xml")
    report = fetch.import_edition(
        str(tar), FetchOptions(edition="2026c", parts=("PS3.7",), standard_xml=tmp_path / "t")
    )
    assert [e.file for e in report.written] == ["part07.xml"]


def test_import_bundle_mixing_plain_and_compressed_parts(tmp_path: Path) -> None:
    # Each member is decompressed by its own suffix (not the last member's).
    plain = lzma.decompress(require_publication("2024c/part05.xml.xz").read_bytes())
    bundle = tmp_path / "mixed.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("part05.xml", plain)
        archive.writestr("part07.xml.xz", require_publication("2024c/part07.xml.xz").read_bytes())
    report = fetch.import_edition(
        str(bundle),
        FetchOptions(edition="2024c", parts=("PS3.5", "PS3.7"), standard_xml=tmp_path / "m"),
    )
    assert sorted(entry.file for entry in report.written) == ["part05.xml", "part07.xml"]
    assert sha256_of(tmp_path / "m" / "2024c" / "part05.xml") == shared_sha("2024c/part05.xml.xz")
    assert sha256_of(tmp_path / "m" / "2024c" / "part07.xml") == shared_sha("2024c/part07.xml.xz")


def test_import_errors(tmp_path: Path) -> None:
    source = require_publication("2024c/part07.xml.xz")
    with pytest.raises(
        FetchError, match="is not PS3.7 2026c as asked: is PS3.7 2024c, not edition 2026c"
    ):
        fetch.import_edition(
            str(source), FetchOptions(edition="2026c", parts=("PS3.7",), standard_xml=tmp_path)
        )
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(FetchError, match="holds none of the parts asked for"):
        fetch.import_edition(
            str(source), FetchOptions(edition="2024c", parts=("PS3.3",), standard_xml=tmp_path)
        )
    broken = tmp_path / "src" / "part07.xml"
    broken.parent.mkdir()
    broken.write_bytes(lzma.decompress(source.read_bytes())[:-500])
    with pytest.raises(FetchError, match="malformed XML"):
        fetch.import_edition(
            str(broken),
            FetchOptions(edition="2024c", parts=("PS3.7",), standard_xml=tmp_path / "x"),
        )
    assert not (tmp_path / "x" / "2024c").exists()
    with pytest.raises(FetchError, match="no such file"):
        fetch.import_edition(
            str(tmp_path / "nothing"), FetchOptions(edition="2024c", standard_xml=tmp_path)
        )


def test_import_from_url(server: _Server, tmp_path: Path) -> None:
    url = f"{server.base}/2024c/source/docbook/part07/part07.xml"
    report = fetch.import_edition(
        url, FetchOptions(edition="2024c", parts=("PS3.7",), standard_xml=tmp_path, backoff=0.01)
    )
    assert [(e.file, e.url) for e in report.written] == [("part07.xml", url)]
    assert leftovers(tmp_path) == []


# --- names, and the build's sources ------------------------------------------------------------


@pytest.mark.parametrize("name", ["2024c", "2013", "current", "CURRENT", " 2025b "])
def test_edition_names(name: str) -> None:
    assert fetch.validate_edition(name) == name.strip().lower()


@pytest.mark.parametrize("name", ["2024f", "24c", "2024cc", "../2024c", "", "latest"])
def test_bad_edition_names(name: str) -> None:
    with pytest.raises(EditionError, match="not an edition"):
        fetch.validate_edition(name)


def test_parts_and_known_editions() -> None:
    assert fetch.parse_parts("3, 04,PS3.15,part06,3") == ("PS3.3", "PS3.4", "PS3.15", "PS3.6")
    with pytest.raises(EditionError, match="not a part"):
        fetch.parse_parts("3,x")
    known = fetch.known_editions()
    assert known[0] == "2013" and "2024c" in known and all(fetch.validate_edition(e) for e in known)
    assert fetch.docbook_url("2025b", "PS3.6") == (
        "https://dicom.nema.org/medical/dicom/2025b/source/docbook/part06/part06.xml"
    )


def test_sources_for_edition(tmp_path: Path) -> None:
    folder = require_publication("2024c/part05.xml.xz").parent
    fetch.import_edition(
        str(folder),
        FetchOptions(
            edition="2024c", parts=fetch.BUILD_PARTS, standard_xml=tmp_path, publication_format=None
        ),
    )
    older = require_publication("2015b/part06.xml.xz")
    fetch.import_edition(
        str(older), FetchOptions(edition="2015b", parts=("PS3.6",), standard_xml=tmp_path)
    )
    sources = fetch.sources_for_edition("2024c", tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in sources] == [
        "2024c/part03.chtml.tar.xz",
        "2024c/part04.chtml.tar.xz",
        "2024c/part05.xml.xz",
        "2024c/part06.chtml.tar.xz",
        "2015b/part06.xml.xz",
        "2024c/part07.xml.xz",
    ]
    record = tmp_path / "2024c" / "fetched.json"
    data = json.loads(record.read_text())
    data["files"] = [f for f in data["files"] if f["part"] not in ("PS3.3", "PS3.4")]
    record.write_text(json.dumps(data))
    with pytest.raises(
        FetchError,
        match="lacks PS3.3, PS3.4 for a build; run: dicomstd fetch --edition 2024c --parts 3,4",
    ):
        fetch.sources_for_edition("2024c", tmp_path)
    result = CliRunner().invoke(
        main, ["build", "--edition", "2024c", "--standard-xml", str(tmp_path), "--check"]
    )
    assert result.exit_code == 2 and "lacks PS3.3, PS3.4" in result.output
    result = CliRunner().invoke(
        main, ["build", "--edition", "2019a", "--standard-xml", str(tmp_path)]
    )
    assert result.exit_code == 2 and "edition 2019a is not fetched" in result.output
