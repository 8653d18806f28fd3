"""Errors that dicomstd reports to its users as one line, with an exit code."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["DicomstdError", "PublicationError", "BuildError"]


class DicomstdError(Exception):
    """An error the command line reports as one line and exit code 2.

    Args:
        message: what is wrong, in the standard's terms.
        path: the file or folder concerned, named first in the message when given.
    """

    exit_code = 2

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        self.message = message
        self.path = None if path is None else str(path)
        super().__init__(f"{_printable(self.path)}: {message}" if self.path else message)


def _printable(path: str) -> str:
    r"""``path`` as a message can print it: a file name that is not UTF-8 reaches Python with
    its bytes as lone surrogates ("\udcff"), which no output stream can encode; they are
    shown as ``\xff``, and a control character (a line break) as ``\n``, so that the message
    stays one printable line."""
    try:
        text = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that does not stand for a byte
        text = path.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class PublicationError(DicomstdError):
    """A publication cannot be read: missing, unreadable, malformed, of an unknown format,
    or not the part or edition it should be."""


class BuildError(DicomstdError):
    """The build cannot produce a correct generated/ from what it read (a table of an
    unexpected shape, a row it cannot account for, an inconsistency between parts)."""
