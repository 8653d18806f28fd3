"""Shared fixtures: where the real NEMA publications are, and how their absence is treated.

Tests marked ``standard`` read NEMA's publications from ``../shared/dicom-standard`` (or
``$DICOMSTD_STANDARD_DIR``). Where they are absent such tests skip with the reason, except
under ``CI=true``, where absence is a failure: CI must prove the real text was read.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]


def standard_directory() -> Path:
    """The folder holding ``<edition>/partNN...`` publications."""
    configured = os.environ.get("DICOMSTD_STANDARD_DIR")
    if configured:
        return Path(configured)
    return REPOSITORY_ROOT.parent / "shared" / "dicom-standard"


def require_publication(relative_path: str) -> Path:
    """Return ``<standard dir>/relative_path``; skip (or fail under CI=true) when absent."""
    path = standard_directory() / relative_path
    if not path.exists():
        message = f"NEMA publication {path} is absent (see ../shared/dicom-standard/README.md)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + "; under CI=true the real text is required")
        pytest.skip(message)
    return path


@pytest.fixture
def publication():  # type: ignore[no-untyped-def]
    """``publication("2024c/part07.xml.xz")`` → the path, or skip/fail when absent."""
    return require_publication
