"""The ``__main__`` of each example: write the instance to the file named (or a default)."""

from __future__ import annotations

import sys
from pathlib import Path

from dicomstd.typed import IODDataset


def write(dataset: IODDataset, default: str) -> Path:
    """Save ``dataset`` (with File Meta Information) to ``sys.argv[1]`` or ``default``."""
    path = Path(sys.argv[1] if len(sys.argv) > 1 else default)
    dataset.with_file_meta().save_as(path, enforce_file_format=True)
    print(f"wrote {path}")
    return path
