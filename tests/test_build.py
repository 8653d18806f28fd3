"""The whole build on the real publications: generated/ is exactly what the build produces,
every table row is accounted for, and the counts the foundation promises are met."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import require_publication, standard_directory
from dicomstd.generator import build as build_module
from dicomstd.generator.build import BuildOptions, BuildReport
from dicomstd.generator.manifest import read_manifest

pytestmark = pytest.mark.standard


@pytest.fixture(scope="module")
def report() -> BuildReport:
    listed = read_manifest(build_module.DEFAULT_STANDARD_XML / "manifest.json")
    for entry in listed.entries:
        require_publication(entry.file)
    options = BuildOptions(search_path=[standard_directory()], check=True)
    return build_module.build(options)


def test_generated_is_up_to_date(report: BuildReport) -> None:
    """Regenerating from the manifest's publications gives the committed bytes."""
    assert report.differences == [], "\n".join(report.differences)


def test_every_row_is_accounted_for(report: BuildReport) -> None:
    for account in report.accounts:
        assert account.rows == account.compiled + sum(n for _, n in account.skipped), account


def test_foundation_counts(report: BuildReport) -> None:
    accounts = {a.source.citation: a for a in report.accounts}
    assert accounts["PS3.6 2015b Table 6-1"].rows == 3879
    assert accounts["PS3.6 2024c Table A-1"].rows == 454
    assert accounts["PS3.6 2024c Table A-1"].compiled == 454
    for table in ("7-1", "8-1", "9-1"):
        assert accounts[f"PS3.6 2024c Table {table}"].compiled > 0
    assert report.counts["UIDs"] >= 454
    assert report.secondary_data_elements > 0  # 2015b's Table 6-1 lacks newer elements
    compiled_rows = sum(a.compiled for a in report.accounts if a.source.table_id.startswith("table_") and a.source.part == "PS3.6" and a.source.table_id[6] in "6789")
    assert report.counts["data elements"] == compiled_rows + report.secondary_data_elements


def test_command_line_check_in_another_process(tmp_path: Path, report: BuildReport) -> None:
    """``dicomstd build --check`` in a fresh process with another hash seed agrees with the
    committed generated/, so output does not depend on set or dict ordering of one run."""
    import os
    import subprocess
    import sys

    environment = dict(os.environ, PYTHONHASHSEED="12345", DICOMSTD_STANDARD_DIR=str(standard_directory()))
    result = subprocess.run(
        [sys.executable, "-m", "dicomstd", "build", "--check", "--quiet"],
        capture_output=True, text=True, env=environment, timeout=600,
    )
    assert result.returncode == 0, result.stderr


def test_no_secondary_source_when_table_6_1_is_newest() -> None:
    """With a Table 6-1 as new as the other PS3.6 tables (a full release), nothing is taken
    from pydicom. Simulated by presenting the real 2015b PS3.6 as the only PS3.6."""
    import dataclasses

    from dicomstd.generator.publications import read_publication

    ps3_6 = read_publication(require_publication("2015b/part06.xml.xz"))
    ps3_6_with_a_1 = read_publication(require_publication("2024c/part06.chtml.tar.xz"))
    # 2015b holds 7-1 and 8-1 but no 9-1; present it as one publication with 2024c's 9-1/A-1..A-4.
    tables = dict(ps3_6.tables)
    for table_id in ("table_9-1", "table_A-1", "table_A-2", "table_A-3", "table_A-4"):
        tables[table_id] = ps3_6_with_a_1.tables[table_id]
    full_release = dataclasses.replace(ps3_6, edition="2024c", tables=tables)
    others = [
        read_publication(require_publication("2024c/part05.xml.xz")),
        read_publication(require_publication("2024c/part07.xml.xz")),
    ]
    report = BuildReport()
    compiled = build_module.compile_documents([full_release, *others], report)
    assert report.secondary_data_elements == 0
    assert not any(element.source.is_secondary for element in compiled.data_elements)


def test_a_failure_after_compiling_leaves_output_and_manifest_untouched(
    tmp_path: Path, report: BuildReport
) -> None:
    """The manifest's folder is missing: found before anything is swapped into place."""
    from dicomstd.errors import DicomstdError

    output = tmp_path / "generated"
    output.mkdir()
    (output / "kept.py").write_text("kept\n")
    options = BuildOptions(
        sources=[item.path for item in report.read],
        standard_xml=tmp_path / "absent",
        output=output,
    )
    with pytest.raises(DicomstdError, match="cannot write the manifest"):
        build_module.build(options)
    assert [p.name for p in tmp_path.iterdir()] == ["generated"]
    assert [p.name for p in output.iterdir()] == ["kept.py"]
