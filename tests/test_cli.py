"""The command line on bad input: one line naming the file and the problem, exit code 2,
and the output folder untouched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SMALL_PS3_7 = """<?xml version="1.0" encoding="utf-8"?>
<book xmlns="http://docbook.org/ns/docbook" label="PS3.7" version="5.0" xml:id="PS3.7">
  <title>PS3.7</title>
  <subtitle>DICOM PS3.7 2099a - Invented For A Test</subtitle>
  <chapter label="1" xml:id="chapter_1"><title>Scope</title>
    <para xml:id="para_1">An invented paragraph.</para>
  </chapter>
</book>
"""


def run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dicomstd", *arguments],
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def output(tmp_path: Path) -> Path:
    folder = tmp_path / "generated"
    folder.mkdir()
    (folder / "__init__.py").write_text("# the committed output\n")
    return folder


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dicomstd: error: "), lines[0]
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def assert_untouched(output: Path) -> None:
    leftovers = [p.name for p in output.parent.iterdir() if p.name.startswith(".generated")]
    assert leftovers == []
    assert [p.name for p in output.iterdir()] == ["__init__.py"]
    assert (output / "__init__.py").read_text() == "# the committed output\n"


def test_malformed_xml(tmp_path: Path, output: Path) -> None:
    bad = tmp_path / "part07.xml"
    bad.write_text(SMALL_PS3_7.replace("</chapter>", ""))
    result = run("build", "--source", str(bad), "--output", str(output), "--standard-xml", str(tmp_path))
    assert_one_line_error(result, str(bad))
    assert_untouched(output)


def test_unknown_format(tmp_path: Path, output: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not a publication\n")
    result = run("build", "--source", str(bad), "--output", str(output), "--standard-xml", str(tmp_path))
    assert_one_line_error(result, str(bad))
    assert_untouched(output)


def test_empty_folder(tmp_path: Path, output: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("build", "--source", str(empty), "--output", str(output), "--standard-xml", str(tmp_path))
    assert_one_line_error(result, str(empty))
    assert_untouched(output)


def test_missing_file(tmp_path: Path, output: Path) -> None:
    missing = tmp_path / "part06.xml.xz"
    result = run("build", "--source", str(missing), "--output", str(output), "--standard-xml", str(tmp_path))
    assert_one_line_error(result, str(missing))
    assert_untouched(output)


def test_missing_part(tmp_path: Path, output: Path) -> None:
    only_ps3_7 = tmp_path / "part07.xml"
    only_ps3_7.write_text(SMALL_PS3_7)
    result = run("build", "--source", str(only_ps3_7), "--output", str(output), "--standard-xml", str(tmp_path))
    assert_one_line_error(result, "no PS3.6 publication given holds table_6-1", "given: PS3.7 2099a")
    assert_untouched(output)
    assert not (tmp_path / "manifest.json").exists()


def test_missing_manifest(tmp_path: Path, output: Path) -> None:
    result = run("build", "--output", str(output), "--standard-xml", str(tmp_path))
    assert_one_line_error(result, str(tmp_path / "manifest.json"), "no manifest")
    assert_untouched(output)


def test_show_unknown_keyword() -> None:
    result = run("show", "NoSuchKeywordAnywhere")
    assert_one_line_error(result, "NoSuchKeywordAnywhere")


def test_show_finds_tag_keyword_and_uid() -> None:
    assert "PatientName" in run("show", "(0010,0010)").stdout
    assert "0010,0010" in run("show", "PatientName").stdout
    assert "Explicit VR Little Endian" in run("show", "1.2.840.10008.1.2.1").stdout


def test_usage_errors_are_one_line() -> None:
    result = run("build", "--json", "/")
    assert_one_line_error(result, "--json", "dicomstd build --help")
    assert_one_line_error(run("no-such-command"), "No such command")


def test_output_under_a_file(tmp_path: Path) -> None:
    """The output's parent is a file: the build fails before the work, naming it."""
    (tmp_path / "a-file").write_text("")
    only_ps3_7 = tmp_path / "part07.xml"
    only_ps3_7.write_text(SMALL_PS3_7)
    result = run(
        "build", "--source", str(only_ps3_7), "--output", str(tmp_path / "a-file" / "generated"),
        "--standard-xml", str(tmp_path / "a-file"),
    )
    assert_one_line_error(result, str(tmp_path / "a-file"))


def test_file_name_not_utf8(tmp_path: Path, output: Path) -> None:
    strange = Path(bytes(tmp_path).decode() + "/part07\udcff.xml")
    strange.write_text(SMALL_PS3_7)
    result = run("build", "--source", str(strange), "--output", str(output), "--standard-xml", str(tmp_path))
    assert_one_line_error(result, "not valid UTF-8")
    assert_untouched(output)
