"""``dicomstd conformance``: render a DICOM Conformance Statement from a declaration.

Each problem of the declaration is one line on standard error,
``dicomstd: error: <file>:<line>: <problem>`` (warnings: ``dicomstd: warning: ...``), and the
exit code is 2 when there is an error; a statement whose samples fail validation is written,
with a warning line per such sample (the statement shows the findings).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

__all__ = ["conformance_command"]


@click.command("conformance")
@click.argument("declaration", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--samples",
    "samples",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A sample file (or folder of files) of instances the product creates; repeat for "
    "each. Their contents and validation findings fill Annex A.A.",
)
@click.option(
    "-o",
    "--output",
    default=None,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The statement to write: .html, or .md for Markdown (required unless --check).",
)
@click.option("--check", is_flag=True, help="Only check the declaration; write nothing.")
def conformance_command(
    declaration: Path, samples: tuple[Path, ...], output: Path, check: bool
) -> None:
    """Render the Conformance Statement (PS3.2 Annex N) of DECLARATION (TOML)."""
    from dicomstd.conformance.declaration import DeclarationError, load_declaration
    from dicomstd.conformance.render import render
    from dicomstd.conformance.statement import statement_for

    if output is None and not check:
        raise click.UsageError("give -o OUT.html or -o OUT.md (or --check)")
    kind = "html"
    if output is not None:
        suffix = output.suffix.lower()
        found = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}.get(suffix)
        if found is None:
            raise click.UsageError(f"-o {output}: the output must end in .html or .md")
        kind = found
    for sample in samples:
        if not sample.exists():
            raise click.UsageError(f"--samples {sample}: no such file or folder")
    try:
        loaded = load_declaration(declaration)
    except DeclarationError as error:
        for problem in error.problems:
            click.echo(f"dicomstd: {problem.severity}: {problem}", err=True)
        sys.exit(2)
    for problem in loaded.warnings:
        click.echo(f"dicomstd: warning: {problem}", err=True)
    if check or output is None:
        click.echo(f"{declaration}: no errors")
        return
    statement = statement_for(loaded, samples)
    for line in statement.warnings:
        if not any(line == str(p) for p in loaded.warnings):
            click.echo(f"dicomstd: warning: {line}", err=True)
    text = render(statement, kind)
    # Written beside the target and renamed: a failed run leaves no half-written statement.
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".conformance-", dir=output.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        # mkstemp creates the file private (0600); a statement is a document to share.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    click.echo(f"wrote {output}")
