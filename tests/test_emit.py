"""Emission: literals, black, the atomic swap of generated/, and the up-to-date check."""

from __future__ import annotations

from pathlib import Path

import pytest

from dicomstd.errors import BuildError
from dicomstd.generator import emit


def test_python_literal_survives_any_text_of_the_standard() -> None:
    awkward = 'Unit "µm" \\ back\nslash \u200b zero-width \' quote'
    namespace: dict[str, object] = {}
    exec(f"value = {emit.python_literal(awkward)}", namespace)
    assert namespace["value"] == awkward


def test_hexadecimal_tag() -> None:
    assert emit.hexadecimal(0x00080005) == "0x00080005"
    assert emit.hexadecimal(0x7FE00010) == "0x7FE00010"


def test_format_python_formats_and_rejects_invalid_code() -> None:
    assert emit.format_python("x=( 1,2 )", "test") == "x = (1, 2)\n"
    with pytest.raises(BuildError, match="invalid Python"):
        emit.format_python("def (:", "broken.jinja2")


def test_write_atomically_replaces_the_whole_folder(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    target.mkdir()
    (target / "stale.py").write_text("old\n")
    files = [emit.GeneratedFile("a.py", "a = 1\n"), emit.GeneratedFile("sub/b.py", "b = 2\n")]
    emit.write_atomically(files, target)
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*.py")) == ["a.py", "sub/b.py"]
    assert [p.name for p in tmp_path.iterdir()] == ["generated"]  # no staging folder left


def test_write_atomically_leaves_target_untouched_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    target.mkdir()
    (target / "kept.py").write_text("kept\n")
    # "a.py/b.py" cannot be written once "a.py" is a file: the write fails midway.
    files = [emit.GeneratedFile("a.py", "a = 1\n"), emit.GeneratedFile("a.py/b.py", "b = 2\n")]
    with pytest.raises(BuildError, match="cannot write"):
        emit.write_atomically(files, target)
    assert [p.name for p in target.iterdir()] == ["kept.py"]
    assert [p.name for p in tmp_path.iterdir()] == ["generated"]


def test_write_atomically_refuses_duplicate_names(tmp_path: Path) -> None:
    files = [emit.GeneratedFile("a.py", "1\n"), emit.GeneratedFile("a.py", "2\n")]
    with pytest.raises(BuildError, match="share a name"):
        emit.write_atomically(files, tmp_path / "generated")


def test_compare_with_names_missing_stale_and_differing_files(tmp_path: Path) -> None:
    target = tmp_path / "generated"
    target.mkdir()
    (target / "same.py").write_text("same\n")
    (target / "changed.py").write_text("old\n")
    (target / "stale.py").write_text("stale\n")
    (target / "__pycache__").mkdir()
    (target / "__pycache__" / "x.pyc").write_bytes(b"\0")
    files = [
        emit.GeneratedFile("same.py", "same\n"),
        emit.GeneratedFile("changed.py", "new\n"),
        emit.GeneratedFile("new.py", "new\n"),
    ]
    differences = emit.compare_with(files, target)
    assert [d.split(":")[0] for d in differences] == ["changed.py", "new.py", "stale.py"]
    assert emit.compare_with(files[:1], target / "absent") == ["same.py: missing from " + str(target / "absent")]


def test_python_literal_prefers_double_quotes_like_black() -> None:
    assert emit.python_literal("CS") == '"CS"'
    assert emit.python_literal("it's") == '"it\'s"'
    assert emit.python_literal('say "x"') == "'say \"x\"'"
    assert emit.python_literal(None) == "None"


def test_written_folder_is_readable_by_everyone_the_umask_allows(tmp_path: Path) -> None:
    import os

    target = tmp_path / "generated"
    emit.write_atomically([emit.GeneratedFile("a.py", "a = 1\n")], target)
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o777 & ~umask
