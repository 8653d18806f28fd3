"""mypy over the typed IOD classes: each deliberate mistake of tests/typing_mistakes/ is
reported, and the shipped examples are clean (issue 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parents[1]
MISTAKES = ROOT / "tests" / "typing_mistakes" / "mistakes.py"
EXPECTED = re.compile(r"#\s*error:\s*([a-z-]+)")
REPORTED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: .*\[(?P<code>[a-z-]+)\]$")


def _mypy(*paths: Path) -> tuple[str, int]:
    stdout, stderr, status = api.run(
        [
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--no-error-summary",
            "--show-error-codes",
            *(str(p) for p in paths),
        ]
    )
    return stdout + stderr, status


def test_every_deliberate_mistake_is_reported_and_nothing_else() -> None:
    output, _ = _mypy(MISTAKES)
    reported: dict[int, set[str]] = {}
    for line in output.splitlines():
        match = REPORTED.match(line.strip())
        if match and Path(match["file"]).name == MISTAKES.name:
            reported.setdefault(int(match["line"]), set()).add(match["code"])
    expected = {
        number: {match[1]}
        for number, text in enumerate(MISTAKES.read_text().splitlines(), start=1)
        if (match := EXPECTED.search(text))
    }
    assert len(expected) >= 12
    missed = {n: c for n, c in expected.items() if not c <= reported.get(n, set())}
    unexpected = {n: c for n, c in reported.items() if n not in expected}
    assert not missed, f"mistakes mypy did not report: {missed}\n{output}"
    assert not unexpected, f"errors on correct lines: {unexpected}\n{output}"


def test_the_examples_are_clean() -> None:
    output, status = _mypy(*sorted((ROOT / "dicomstd" / "examples").glob("*.py")))
    assert status == 0, output
