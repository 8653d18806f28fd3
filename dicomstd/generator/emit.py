"""Emission: render the compiled model through jinja2 templates, format with black, and
put the files into ``generated/`` all at once.

Templates live in ``dicomstd/templates`` (package data). Literals reach the code only
through the :func:`python_literal` filter (``repr``), so no text of the standard can break
the syntax of what is emitted. Output is formatted in process by the pinned black; a
formatting failure is a :class:`~dicomstd.errors.BuildError`, never silently skipped.
"""

from __future__ import annotations

import concurrent.futures
import difflib
import os
import shutil
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from dicomstd.errors import BuildError
from dicomstd.generator import layout

__all__ = [
    "GeneratedFile",
    "compare_with",
    "format_files",
    "format_python",
    "render",
    "write_atomically",
]

# One line length for the pre-layout and black, or every file would take black's slow path.
BLACK_LINE_LENGTH = layout.LINE_LENGTH


@dataclass(frozen=True)
class GeneratedFile:
    """A file of ``generated/``: its name relative to that folder, and its full text."""

    name: str
    text: str


def python_literal(value: Any) -> str:
    """The jinja2 filter ``py``: ``repr(value)``, the one way literals enter generated code.

    Strings take double quotes where ``repr`` would choose single ones for no reason, as
    black writes them, so tables that black is told to leave alone read the same.
    """
    text = repr(value)
    if isinstance(value, str) and text.startswith("'") and '"' not in value:
        # repr chose single quotes and the value holds neither quote: nothing to escape.
        text = f'"{text[1:-1]}"'
    return text


def hexadecimal(value: int, digits: int = 8) -> str:
    """The jinja2 filter ``hex``: ``0x00080005`` for a tag."""
    return f"0x{value:0{digits}X}"


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("dicomstd", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    environment.filters["py"] = python_literal
    environment.filters["hex"] = hexadecimal
    return environment


_ENVIRONMENT: jinja2.Environment | None = None


def render(template_name: str, **context: Any) -> str:
    """Render ``templates/<template_name>`` with ``context`` (not yet formatted: see
    :func:`format_files`).

    Raises:
        BuildError: the template is missing or refers to an undefined name.
    """
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        _ENVIRONMENT = _environment()
    try:
        return _ENVIRONMENT.get_template(template_name).render(**context)
    except jinja2.TemplateError as error:
        raise BuildError(f"template {template_name} failed: {error}") from None


def _format_file(file: GeneratedFile) -> tuple[GeneratedFile, bool]:
    text, missed = _format(file.text, file.name)
    return GeneratedFile(file.name, text), missed


def format_files(
    files: list[GeneratedFile], prelayout_misses: list[str] | None = None
) -> list[GeneratedFile]:
    """Format every file with black, on every core when there are many (black is most of a
    build's time); the result is the same, file for file, in the same order.

    Args:
        prelayout_misses: receives the names of the files whose pre-layout black changed
            (see :func:`format_python`).

    Raises:
        BuildError: black cannot parse a file (named), or is not installed.
    """
    workers = min(os.cpu_count() or 1, 8)
    if len(files) < 50 or workers == 1:
        results = [_format_file(file) for file in files]
    else:
        # Largest first, so that no worker is left with a big file at the end.
        order = sorted(range(len(files)), key=lambda i: -len(files[i].text))
        with concurrent.futures.ProcessPoolExecutor(workers) as pool:
            formatted = pool.map(_format_file, [files[i] for i in order], chunksize=4)
            results = [result for _, result in sorted(zip(order, formatted), key=lambda p: p[0])]
    if prelayout_misses is not None:
        prelayout_misses.extend(file.name for file, missed in results if missed)
    return [file for file, _ in results]


def format_python(text: str, origin: str) -> str:
    """Format ``text`` with black (line length 100), as the committed files are.

    The text is first laid out as black lays it out (:func:`.layout.prelayout`), so that
    black, finding nothing to change, makes one pass over it instead of two (black formats
    again any text its first pass changed). Either way the result is black's output: the
    pre-laid text when black leaves it unchanged, else black's formatting of ``text``
    itself. That the pre-laid text is exactly what black makes of ``text`` is checked by
    tests/test_emit.py (each shape) and tests/test_build.py (files of a real build
    against black alone, and the committed ``generated/``).

    Raises:
        BuildError: black cannot parse ``text`` (names ``origin``), or black is not installed.
    """
    return _format(text, origin)[0]


def _format(text: str, origin: str) -> tuple[str, bool]:
    """:func:`format_python`, and whether black changed the pre-laid text (a miss)."""
    try:
        import black
        from black.mode import Mode, TargetVersion
        from black.parsing import InvalidInput
    except ImportError:
        raise BuildError(
            "black is needed to generate code: pip install 'dicomstd[generate]'"
        ) from None
    mode = Mode(line_length=BLACK_LINE_LENGTH, target_versions={TargetVersion.PY311})
    laid = layout.prelayout(text)
    if laid != text:
        try:
            formatted = black.format_str(laid, mode=mode)
            if formatted == laid:
                return formatted, False
        except InvalidInput:
            pass  # reported below from the template's own text
    try:
        return black.format_str(text, mode=mode), laid != text
    except InvalidInput as error:
        raise BuildError(f"rendering {origin} produced invalid Python: {error}") from None


def write_atomically(files: list[GeneratedFile], target: Path) -> None:
    """Replace the folder ``target`` by exactly ``files``.

    The files are written into a new folder beside ``target`` (same file system), which then
    takes ``target``'s place by two renames, during which SIGINT is held back; on any
    failure or interruption before the swap, ``target`` is untouched and the new folder
    removed. The new folder gets the permissions a folder made by ``mkdir`` would get.

    Raises:
        BuildError: two files share a name, or the folder or a file cannot be written.
    """
    names = [file.name for file in files]
    if len(set(names)) != len(names):
        raise BuildError(f"two generated files share a name in {sorted(names)}", target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    except OSError as error:
        raise BuildError(f"cannot write generated code: {error.strerror}", target) from None
    try:
        # mkdtemp makes the folder private (0700); generated code is read by every user.
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        for file in files:
            path = staging / file.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(file.text, encoding="utf-8", newline="\n")
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError):
            raise BuildError(f"cannot write generated code: {error.strerror}", target) from None
        raise
    retired = target.with_name(f".{target.name}-old-{os.getpid()}")
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        if target.exists():
            os.replace(target, retired)
        os.replace(staging, target)
    except OSError as error:
        if retired.exists() and not target.exists():
            os.replace(retired, target)
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"cannot replace the generated code: {error.strerror}", target) from None
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    shutil.rmtree(retired, ignore_errors=True)


def compare_with(files: list[GeneratedFile], target: Path) -> list[str]:
    """Return how ``target`` differs from ``files`` (empty when identical).

    Each item names a file: missing, not generated (stale), or differing, with the first
    lines of a unified diff. Files named ``__pycache__`` are ignored.
    """
    differences: list[str] = []
    expected = {file.name: file.text for file in files}
    present = {
        path.relative_to(target).as_posix()
        for path in target.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    } if target.exists() else set()
    for name in sorted(set(expected) | present):
        if name not in present:
            differences.append(f"{name}: missing from {target}")
        elif name not in expected:
            differences.append(f"{name}: not produced by the build (stale)")
        else:
            actual = (target / name).read_text(encoding="utf-8")
            if actual != expected[name]:
                diff = difflib.unified_diff(
                    actual.splitlines(), expected[name].splitlines(), "committed", "built",
                    lineterm="", n=0,
                )
                excerpt = "\n".join(list(diff)[:12])
                differences.append(f"{name}: differs\n{excerpt}")
    return differences
