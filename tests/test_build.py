"""The whole build on the real publications: generated/ is exactly what the build produces,
every table row is accounted for, and the counts the foundation promises are met."""

from __future__ import annotations

import dataclasses
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


def test_the_prelayout_missed_no_file(report: BuildReport) -> None:
    """Every generated file was laid out in black's form before black (one black pass, not
    three): a template that writes a shape :mod:`dicomstd.generator.layout` does not know
    shows here (the bytes are still right; the build is slower)."""
    assert report.prelayout_misses == []


def test_prelayout_then_black_is_black_alone(report: BuildReport) -> None:
    """On a sample of the build's files as rendered (every 12th, so every kind), the build's
    formatting gives what black alone gives for the rendered text."""
    import black
    from black.mode import Mode, TargetVersion

    from dicomstd.generator import emit

    compiled = build_module.compile_documents([item.document for item in report.read])
    rendered = build_module.render_files(compiled, report.read)
    mode = Mode(line_length=emit.BLACK_LINE_LENGTH, target_versions={TargetVersion.PY311})
    sample = [file for index, file in enumerate(rendered) if index % 12 == 0]
    assert len({file.name.rsplit("/", 1)[0] for file in sample}) >= 6
    for file in sample:
        if len(file.text) > 300_000:
            continue  # the data dictionary: black alone takes seconds over it
        assert emit.format_python(file.text, file.name) == black.format_str(
            file.text, mode=mode
        ), file.name


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


def test_no_secondary_source_when_table_6_1_is_newest(report: BuildReport) -> None:
    """With a Table 6-1 as new as the other PS3.6 tables (a full release), nothing is taken
    from pydicom. Simulated by presenting the real 2015b PS3.6, completed with 2024c's
    Tables 9-1 and A-1 to A-4, as the only PS3.6, of edition 2024c."""
    import dataclasses

    documents = {(item.entry.part, item.entry.edition): item.document for item in report.read}
    ps3_6_2015b, ps3_6_2024c = documents["PS3.6", "2015b"], documents["PS3.6", "2024c"]
    tables = dict(ps3_6_2015b.tables)
    for table_id in ("table_9-1", "table_A-1", "table_A-2", "table_A-3", "table_A-4"):
        tables[table_id] = ps3_6_2024c.tables[table_id]
    full_release = dataclasses.replace(ps3_6_2015b, edition="2024c", tables=tables)
    others = [d for (part, _), d in documents.items() if part != "PS3.6"]
    compiled_report = BuildReport()
    compiled = build_module.compile_documents([full_release, *others], compiled_report)
    assert compiled_report.secondary_data_elements == 0
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


def test_iod_counts(report: BuildReport) -> None:
    """PS3.3/PS3.4 2024c, reconciled in the closing note of the IOD issue against independent
    extractions (171 composite IODs, 175 storage SOP Classes)."""
    counts = report.counts
    assert counts["composite iods"] == 171
    assert counts["modules"] >= 400 and counts["macros"] >= 290
    assert counts["SOP Classes mapped to an IOD"] >= 175
    assert counts["exceptions"] <= 10
    assert len({tag for tag, _ in report.undefined_tags}) < 20


def test_json_export(tmp_path: Path, report: BuildReport) -> None:
    import json

    from dicomstd.generator.model import to_json

    documents = [item.document for item in report.read]
    compiled = build_module.compile_documents(documents)
    exported = json.loads(to_json(compiled))
    assert exported["uids"][0]["value"] == "1.2.840.10008.1.1"
    patient = exported["part03"]["tables"]["table_C.7-1"]
    assert patient["entries"][0]["entry"] == "AttributeSpec"
    assert patient["entries"][0]["tag"] == "0010,0010"
    assert "iods" not in exported  # derived from part03, not exported twice


def test_manifest_format_must_match_the_publication(tmp_path: Path) -> None:
    """A manifest that calls the PS3.5 DocBook "chtml" is refused after reading it."""
    from dicomstd.errors import PublicationError
    from dicomstd.generator.manifest import Manifest, write_manifest

    listed = read_manifest(build_module.DEFAULT_STANDARD_XML / "manifest.json")
    ps3_5 = next(e for e in listed.entries if e.part == "PS3.5")
    require_publication(ps3_5.file)
    write_manifest(Manifest((dataclasses.replace(ps3_5, format="chtml"),)), tmp_path / "manifest.json")
    options = BuildOptions(standard_xml=tmp_path, search_path=[standard_directory()], output=tmp_path / "out")
    with pytest.raises(PublicationError, match=r"\(docbook\), the manifest says PS3.5 2024c \(chtml\)"):
        build_module.build(options)
    assert not (tmp_path / "out").exists()
