"""``dicomstd diff``: unit tests on invented tables, the real diffs of the shared publications,
the report formats, and the HTML in a real headless browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import require_publication, standard_directory
from dicomstd.cli import main
from dicomstd.editions import diff as editions_diff
from dicomstd.editions.diff import DiffError, chtml_pages, chtml_url, diff_sides, read_side
from dicomstd.editions.report import render_html, render_text
from document_factories import document, section, table

REGISTRY = ("Tag", "Name", "Keyword", "VR", "VM", "")
E11 = (
    "Attribute Name",
    "Tag",
    "Retd. (from PS3.6)",
    "In Std. Comp. IOD (from PS3.3)",
    "Basic Prof.",
    "Rtn. UIDs Opt.",
)


def registry(edition: str, rows: list[tuple[str, ...]], extra: list[Any] | None = None) -> Any:
    tables = [table("table_7-1", REGISTRY, rows, section_id="chapter_7"), *(extra or [])]
    return document("PS3.6", tables, [section("chapter_7", "Registry")], edition=edition)


def test_data_elements() -> None:
    a = registry(
        "2020a",
        [
            ("(0002,0001)", "Kept", "Kept", "OB", "1", ""),
            ("(0002,0002)", "Old Name", "OldName", "UI", "1", ""),
            ("(0002,0003)", "Gone", "Gone", "UI", "1", ""),
            ("(0002,0004)", "To Retire", "ToRetire", "US", "1", ""),
        ],
        [table("table_8-1", REGISTRY, [], section_id="chapter_7")],
    )
    b = registry(
        "2020b",
        [
            ("(0002,0001)", "Kept", "Kept", "OB", "1", ""),
            ("(0002,0002)", "New Name", "NewName", "UI or UL", "1-n", ""),
            ("(0002,0004)", "To Retire", "ToRetire", "US", "1", "RET"),
            ("(0002,0005)", "New", "New", "CS", "1", ""),
        ],
    )
    result = diff_sides({"PS3.6": a}, {"PS3.6": b})
    elements = result.sections[0]
    assert (result.a.label, result.b.label) == ("2020a", "2020b")
    assert elements.counts == {
        "added": 1,
        "removed": 1,
        "retired": 1,
        "renamed": 1,
        "keyword changed": 1,
        "VR changed": 1,
        "VM changed": 1,
    }
    assert [(c.kind, c.key) for c in elements.changes[:3]] == [
        ("added", "0002,0005"),
        ("removed", "0002,0003"),
        ("retired", "0002,0004"),
    ]
    renamed = next(c for c in elements.changes if c.kind == "renamed")
    assert (renamed.before, renamed.after, renamed.table_id) == (
        "Old Name",
        "New Name",
        "table_7-1",
    )
    assert (elements.count_a, elements.count_b, elements.compared) == (4, 4, 3)
    assert elements.notes == [
        "Table 8-1 (table_8-1) is in 2020a (docbook) but not in 2020b (docbook): not compared"
    ]
    assert elements.tables["table_7-1"].url_a == (
        "https://dicom.nema.org/medical/dicom/2020a/output/chtml/part06/chapter_7.html#table_7-1"
    )
    # UID tables are in neither: the section is empty, and says nothing is compared.
    assert result.sections[1].topic == "UIDs" and result.sections[1].changes == []


def test_deidentification_and_escaping() -> None:
    a = document(
        "PS3.15",
        [
            table(
                "table_E.1-1",
                E11,
                [
                    ("Name <b>", "(0010,0010)", "N", "Y", "Z", ""),
                    ("Gone", "(0010,0020)", "N", "Y", "X", ""),
                ],
            )
        ],
        edition="2020a",
    )
    b = document(
        "PS3.15",
        [
            table(
                "table_E.1-1",
                E11,
                [
                    ("Name <b>", "(0010,0010)", "Y", "Y", "X/Z", "K"),
                    ("<script>alert(1)</script>", "(0010,0030)", "N", "N", "X", ""),
                ],
            )
        ],
        edition="2020b",
    )
    result = diff_sides({"PS3.15": a}, {"PS3.15": b})
    changes = result.sections[0].changes
    assert [(c.kind, c.key, c.before, c.after, c.detail) for c in changes] == [
        ("added", "0010,0030", "", "Basic Prof. X", ""),
        ("removed", "0010,0020", "Basic Prof. X", "", ""),
        ("retired changed", "0010,0010", "no", "yes", ""),
        (
            "action changed",
            "0010,0010",
            "Z",
            "X/Z",
            "Basic Application Level Confidentiality Profile",
        ),
        ("action changed", "0010,0010", "(none)", "K", "Retain UIDs Option"),
    ]
    html = render_html(result)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Name &lt;b&gt;" in html
    text = render_text(result)
    assert text.splitlines()[3] == "5 changes"
    assert text.splitlines()[4].startswith("  PS3.15 De-identification")
    assert "1 added, 1 removed, 1 retired changed, 2 action changed" in text


def test_no_common_part() -> None:
    with pytest.raises(DiffError, match="no part in common"):
        diff_sides({"PS3.15": document("PS3.15")}, {"PS3.6": document("PS3.6")})


def test_chtml_pages_rule() -> None:
    doc = document(
        "PS3.15",
        [
            table("table_E.1-1", E11, [], section_id="sect_E.1"),
            table("table_E.3-1", E11, [], section_id="sect_E.3.1"),
        ],
        [
            section("chapter_E", "Annex"),
            section("sect_E.1", "First", parent_id="chapter_E"),
            section("sect_E.2", "Second", parent_id="chapter_E"),
            section("sect_E.3", "Third", parent_id="chapter_E"),
            section("sect_E.3.1", "First of E.3", parent_id="sect_E.3"),
            section("sect_E.3.2", "Second of E.3", parent_id="sect_E.3"),
        ],
    )
    pages = chtml_pages(doc)
    assert pages == {
        "chapter_E": "chapter_E",
        "sect_E.1": "chapter_E",  # a first section is shown on its parent's page
        "sect_E.2": "sect_E.2",
        "sect_E.3": "sect_E.3",
        "sect_E.3.1": "sect_E.3",
        "sect_E.3.2": "sect_E.3.2",
    }
    assert chtml_url(doc, "table_E.3-1").endswith(
        "/2099z/output/chtml/part15/sect_E.3.html#table_E.3-1"
    )
    assert chtml_url(doc, "table_X") == ""


@pytest.mark.standard
def test_chtml_pages_match_the_real_chtml() -> None:
    """The page rule against NEMA's own page list of the 2024c PS3.15 CHTML."""
    import lzma
    import tarfile

    path = require_publication("2024c/part15.chtml.tar.xz")
    with tarfile.open(fileobj=lzma.open(path)) as archive:
        names = {Path(n).stem for n in archive.getnames() if n.endswith(".html")}
    doc = read_side([path])["PS3.15"]
    pages = chtml_pages(doc)
    assert {page for page in pages.values()} <= names
    assert all((page == section_id) == (section_id in names) for section_id, page in pages.items())
    assert chtml_url(doc, "table_E.1-1").endswith("/part15/chapter_E.html#table_E.1-1")


# --- the real diffs ------------------------------------------------------------------------------


def real(a: list[str], b: list[str]) -> editions_diff.EditionDiff:
    return diff_sides(
        read_side([require_publication(p) for p in a]),
        read_side([require_publication(p) for p in b]),
    )


def counts(result: editions_diff.EditionDiff) -> dict[str, dict[str, int]]:
    return {f"{s.part} {s.topic}": s.counts for s in result.sections}


DEID = "PS3.15 De-identification (Application Level Confidentiality Profile)"


@pytest.mark.standard
def test_real_part15() -> None:
    assert counts(real(["2020c/part15.xml.xz"], ["2024c/part15.xml.xz"])) == {
        DEID: {
            "added": 181,
            "renamed": 2,
            "retired changed": 2,
            "in Standard IOD changed": 1,
            "action changed": 8,
        }
    }
    result = real(["2024c/part15.xml.xz"], ["2026c/part15.xml.xz"])
    assert counts(result) == {
        DEID: {
            "added": 33,
            "renamed": 1,
            "retired changed": 1,
            "in Standard IOD changed": 2,
            "action changed": 1,
        }
    }
    ethnic = [c for c in result.sections[0].changes if c.key == "0010,2160"]
    assert {(c.kind, c.before, c.after) for c in ethnic} == {
        ("retired changed", "no", "yes"),
        ("in Standard IOD changed", "yes", "no"),
    }


@pytest.mark.standard
def test_real_part05_part07() -> None:
    result = real(
        ["2024c/part05.xml.xz", "2024c/part07.xml.xz"],
        ["2026c/part05.xml.xz", "2026c/part07.xml.xz"],
    )
    assert counts(result) == {
        "PS3.5 Value Representations": {"length changed": 5, "character repertoire changed": 1},
        "PS3.5 Transfer Syntaxes": {"added": 4, "section changed": 1},
        "PS3.7 Command fields": {},
    }
    added = {c.key for c in result.sections[1].changes if c.kind == "added"}
    assert added == {
        "1.2.840.10008.1.2.4.110",
        "1.2.840.10008.1.2.4.111",
        "1.2.840.10008.1.2.4.112",
        "1.2.840.10008.1.2.8.1",
    }


@pytest.mark.standard
def test_real_part04() -> None:
    result = real(["2020c/part04.xml.xz"], ["2024c/part04.chtml.tar.xz"])
    assert counts(result) == {"PS3.4 SOP Classes": {"added": 22, "renamed": 1}}
    assert result.sections[0].compared == 199


@pytest.mark.standard
def test_real_part06() -> None:
    result = real(["2015b/part06.xml.xz"], ["2024c/part06.chtml.tar.xz"])
    assert counts(result) == {
        "PS3.6 Data elements": {"added": 10},
        "PS3.6 UIDs": {"added": 585, "retired": 18, "renamed": 9, "UID Type changed": 7},
    }
    notes = result.sections[0].notes
    assert any(n.startswith("Table 6-1 (table_6-1) is in 2015b") for n in notes)


@pytest.mark.standard
def test_same_edition_in_both_formats_has_no_change() -> None:
    """DocBook and CHTML of one edition: both readers and the extractors agree."""
    parts = ["part05", "part07", "part15"]
    result = real([f"2024c/{p}.xml.xz" for p in parts], [f"2024c/{p}.chtml.tar.xz" for p in parts])
    assert result.total == 0 and len(result.sections) == 4


@pytest.mark.standard
def test_real_part03_excerpt() -> None:
    result = real(["2016c/part03-excerpt.xml.xz"], ["2024c/part03.chtml.tar.xz"])
    iods, tables = result.sections
    assert (iods.count_a, iods.compared) == (4, 4)
    assert iods.counts == {
        "renamed": 2,
        "Module added to IOD": 16,
        "Module removed from IOD": 6,
        "Module Usage changed": 3,
    }
    assert any("not in the 2016c excerpt" in note for note in tables.notes)
    assert tables.compared == 151 and tables.counts["removed"] == 2 and "added" not in tables.counts
    by_key = {(c.table_id, c.key, c.kind): c for c in tables.changes}
    # Other Patient IDs (0010,1000) left the Patient Module (retired since 2016c).
    assert ("table_C.7-1", "0010,1000", "attribute removed") in by_key
    assert tables.tables["table_C.7-1"].url_b.endswith(
        "/2024c/output/chtml/part03/sect_C.7.html#table_C.7-1"
    )


# --- formats, the command line -------------------------------------------------------------------


def _check(instance: Any, schema: dict[str, Any], root: dict[str, Any], where: str = "$") -> None:
    """A small validator for the keywords the committed schema uses."""
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    kinds = {"object": dict, "array": list, "string": str, "integer": int}
    if "type" in schema:
        assert isinstance(instance, kinds[schema["type"]]), where
    if "const" in schema:
        assert instance == schema["const"], where
    if "enum" in schema:
        assert instance in schema["enum"], where
    if "pattern" in schema:
        assert re.search(schema["pattern"], instance), where
    if "minimum" in schema:
        assert instance >= schema["minimum"], where
    if isinstance(instance, dict):
        assert set(schema.get("required", ())) <= set(instance), where
        properties = schema.get("properties", {})
        for key, value in instance.items():
            if key in properties:
                _check(value, properties[key], root, f"{where}.{key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                _check(value, schema["additionalProperties"], root, f"{where}.{key}")
            else:
                assert schema.get("additionalProperties", True) is not False, f"{where}.{key}"
    if isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            _check(item, schema["items"], root, f"{where}[{index}]")


@pytest.mark.standard
def test_cli_json_follows_the_schema(tmp_path: Path) -> None:
    require_publication("2026c/part07.xml.xz")
    output = tmp_path / "diff.json"
    result = CliRunner().invoke(
        main,
        [
            "diff",
            "2024c",
            "2026c",
            "--standard-dir",
            str(standard_directory()),
            "--parts",
            "5,7,15",
            "--standard-xml",
            str(tmp_path),
            "--format",
            "json",
            "-o",
            str(output),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(output.read_text())
    schema = json.loads(
        resources.files("dicomstd.editions").joinpath("diff.schema.json").read_text()
    )
    _check(data, schema, schema)
    assert data["total"] == 49 and [s["topic"] for s in data["sections"]][:2] == [
        "Value Representations",
        "Transfer Syntaxes",
    ]


def test_cli_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["diff", "2019a", "2020a", "--standard-xml", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith("dicomstd: error: 2019a: edition 2019a is neither fetched")
    assert "dicomstd fetch --edition 2019a" in result.output
    result = runner.invoke(main, ["diff", "20x9a", "2020a"])
    assert result.exit_code == 2 and "not an edition" in result.output
    result = runner.invoke(main, ["diff", "2020a"])
    assert result.exit_code == 2 and "give the edition B" in result.output


# --- the HTML in a browser -----------------------------------------------------------------------


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.standard
def test_html_renders_in_headless_chromium(tmp_path: Path) -> None:
    browser = _browser()
    if browser is None:
        pytest.skip("no chromium on this machine: the HTML is not rendered (a nice-to-have in CI)")
    result = real(
        ["2024c/part15.xml.xz", "2024c/part05.xml.xz"],
        ["2026c/part15.xml.xz", "2026c/part05.xml.xz"],
    )
    page = tmp_path / "diff.html"
    page.write_text(render_html(result), encoding="utf-8")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "DICOM 2024c → 2026c: what changed" in dom.stdout
    assert "Ethnic Group" in dom.stdout and "JPEG XL Image Compression" in dom.stdout
    shot = Path(os.environ.get("DICOMSTD_DIFF_SCREENSHOT", tmp_path / "diff.png"))
    shot.parent.mkdir(parents=True, exist_ok=True)
    rendered = subprocess.run(
        [browser, *flags, "--window-size=1400,1800", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    assert shot.stat().st_size > 20_000  # a page with content, not a blank one
