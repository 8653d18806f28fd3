"""The manifest of publications: reading, writing, finding the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from dicomstd.errors import PublicationError
from dicomstd.generator import manifest
from dicomstd.generator.manifest import Manifest, ManifestEntry

ENTRY = ManifestEntry(
    part="PS3.6",
    edition="2024c",
    format="chtml",
    file="2024c/part06.chtml.tar.xz",
    sha256="0" * 64,
    source=manifest.nema_address("PS3.6", "2024c", "chtml"),
)


def test_nema_addresses() -> None:
    assert manifest.nema_address("PS3.5", "2026c", "docbook") == (
        "https://dicom.nema.org/medical/dicom/2026c/source/docbook/part05/part05.xml"
    )
    assert ENTRY.source == "https://dicom.nema.org/medical/dicom/2024c/output/chtml/part06/"


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    manifest.write_manifest(Manifest((ENTRY,)), path)
    assert manifest.read_manifest(path) == Manifest((ENTRY,))
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]  # no temporary left


def test_writing_into_a_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "absent" / "manifest.json"
    with pytest.raises(PublicationError, match="cannot write the manifest") as raised:
        manifest.write_manifest(Manifest((ENTRY,)), path)
    assert raised.value.path == str(path)


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no manifest"),
        ("{", "not JSON"),
        ("[" * 100000, "not JSON"),
        ('{"publications": [' + "1" * 5000 + "]}", "not JSON"),
        ("[]", 'not an object with a "publications" list'),
        ('{"publications": [1]}', "publication 1 of the manifest is not an object"),
        ('{"publications": [{"part": "PS3.6"}]}', 'lacks "edition"'),
        ('{"publications": [{"part": 6, "edition": "2024c"}]}', 'lacks "part"'),
        ('{"publications": [{"part": "PS3.6", "edition": "2024c", "format": "chtml", "file": "../x",'
         ' "sha256": "0", "source": "y"}]}', "is not <edition>/<file name>"),
        ('{"publications": [{"part": "PS3.6", "edition": "2024c", "format": "pdf", "file": "x",'
         ' "sha256": "0", "source": "y"}]}', "unknown format 'pdf'"),
    ],
)
def test_bad_manifests(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "manifest.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(PublicationError, match=message) as raised:
        manifest.read_manifest(path)
    assert raised.value.path == str(path)


def test_resolve_prefers_standard_xml_then_search_path(tmp_path: Path) -> None:
    standard_xml, shared = tmp_path / "standard_xml", tmp_path / "shared"
    (shared / "2024c").mkdir(parents=True)
    (shared / ENTRY.file).write_bytes(b"x")
    assert manifest.resolve(ENTRY, standard_xml, [shared]) == shared / ENTRY.file
    (standard_xml / "2024c").mkdir(parents=True)
    (standard_xml / ENTRY.file).write_bytes(b"x")
    assert manifest.resolve(ENTRY, standard_xml, [shared]) == standard_xml / ENTRY.file


def test_resolve_names_every_folder_tried(tmp_path: Path) -> None:
    with pytest.raises(PublicationError, match="PS3.6 2024c \\(chtml\\) is missing; looked in"):
        manifest.resolve(ENTRY, tmp_path / "a", [tmp_path / "b"])


def test_search_path_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DICOMSTD_STANDARD_DIR", f"{tmp_path / 'x'}:{tmp_path / 'y'}")
    assert manifest.standard_search_path([tmp_path / "w"]) == [
        tmp_path / "w", tmp_path / "x", tmp_path / "y"
    ]
