"""The click commands ``dicomstd fetch`` and ``dicomstd diff`` (registered by
:mod:`dicomstd.cli`, whose group turns every :class:`~dicomstd.errors.DicomstdError` into one
line ``dicomstd: error: <file>: <problem>`` and exit code 2)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

__all__ = ["diff_command", "fetch_command"]


def _default_standard_xml() -> Path:
    from dicomstd.generator.build import DEFAULT_STANDARD_XML

    return DEFAULT_STANDARD_XML


class _BarProgress:
    """Downloads as a click progress bar on a terminal; news as lines on standard error."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.bar: Any = None

    def start(self, label: str, total: int | None, done: int) -> None:
        if self.quiet or not self.tty:
            return
        self.bar = click.progressbar(
            length=total, label=label, file=sys.stderr, show_pos=total is None
        )
        self.bar.__enter__()
        if done:
            self.bar.update(done)

    def advance(self, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def say(self, text: str) -> None:
        if not self.quiet:
            click.echo(text, err=True)


@click.command("fetch")
@click.option("--edition", default=None, help="The edition: 2025b (YYYYa..e), or current.")
@click.option(
    "--parts",
    default="3,4,5,6,7,15,16",
    show_default=True,
    help="The parts, comma-separated numbers.",
)
@click.option(
    "--format",
    "publication_format",
    type=click.Choice(["docbook", "chtml"]),
    default=None,
    help="docbook (the default from NEMA); with --from, only this format is imported "
    "(default: both).",
)
@click.option(
    "--from",
    "source",
    default=None,
    help="Import from a local file, folder, zip or tar (or one http(s) URL) instead of NEMA.",
)
@click.option(
    "--standard-xml",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The folder to write <edition>/ into (default: standard_xml/ of the source tree).",
)
@click.option(
    "--base-url",
    default=None,
    help="NEMA's address of the editions (default https://dicom.nema.org/medical/dicom); "
    "for a mirror.",
)
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True, help="Seconds."
)
@click.option("--retries", type=click.IntRange(min=0), default=4, show_default=True)
@click.option(
    "--backoff",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds before the first retry, doubled for each further one.",
)
@click.option("--force", is_flag=True, help="Download again what is already fetched and intact.")
@click.option("--list", "list_editions", is_flag=True, help="List the known editions and exit.")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def fetch_command(
    edition: str | None,
    parts: str,
    publication_format: str | None,
    source: str | None,
    standard_xml: Path | None,
    base_url: str | None,
    timeout: float,
    retries: int,
    backoff: float,
    force: bool,
    list_editions: bool,
    quiet: bool,
) -> None:
    """Download the parts of an edition from NEMA (or import local copies) into
    standard_xml/<edition>/, verified, with their record fetched.json."""
    from dicomstd.editions import fetch

    if list_editions:
        for name in fetch.known_editions():
            click.echo(name)
        return
    if edition is None:
        raise click.UsageError("give --edition (e.g. 2025b or current), or --list")
    name = fetch.validate_edition(edition)
    progress = _BarProgress(quiet)
    if name != "current" and name not in fetch.known_editions():
        progress.say(f"note: {name} is not in the list of known editions (a newer release?)")
    options = fetch.FetchOptions(
        edition=name,
        parts=fetch.parse_parts(parts),
        standard_xml=standard_xml or _default_standard_xml(),
        publication_format=(
            publication_format if source is not None else (publication_format or "docbook")
        ),
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        force=force,
    )
    if base_url:
        options.base_url = base_url
    if source is not None:
        report = fetch.import_edition(source, options, progress)
    else:
        report = fetch.fetch_edition(options, progress)
    if not quiet:
        for entry in report.written:
            click.echo(
                f"{entry.part} {entry.edition} ({entry.format}): {report.folder / entry.file}"
            )
        for entry in report.kept:
            click.echo(
                f"{entry.part} {entry.edition} ({entry.format}): {report.folder / entry.file} (already there)"
            )
        click.echo(
            f"edition {report.edition}: {len(report.written)} written, {len(report.kept)} already "
            f"there; recorded in {report.folder / fetch.FETCHED_NAME}"
        )


@click.command("diff")
@click.argument("a", required=False)
@click.argument("b", required=False)
@click.option(
    "--a",
    "paths_a",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A publication of side A (repeat); instead of the edition A.",
)
@click.option(
    "--b",
    "paths_b",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A publication of side B (repeat); instead of the edition B.",
)
@click.option(
    "--standard-dir",
    "standard_dirs",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="A folder of <edition>/partNN... publications (also $DICOMSTD_STANDARD_DIR).",
)
@click.option(
    "--standard-xml",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The folder of fetched editions (default: standard_xml/ of the source tree).",
)
@click.option("--parts", default=None, help="Compare only these parts (comma-separated numbers).")
@click.option(
    "--format",
    "report_format",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the report to this file (default: standard output).",
)
def diff_command(
    a: str | None,
    b: str | None,
    paths_a: tuple[Path, ...],
    paths_b: tuple[Path, ...],
    standard_dirs: tuple[Path, ...],
    standard_xml: Path | None,
    parts: str | None,
    report_format: str,
    output: Path | None,
) -> None:
    """Compare two editions (A and B: edition names, or --a/--b publication paths): data
    elements, UIDs, VRs, Transfer Syntaxes, command fields, SOP Classes, IODs, Modules,
    Macros and the de-identification table, for the parts both sides hold."""
    from dicomstd.editions import diff as editions_diff
    from dicomstd.editions import fetch, report

    folder = standard_xml or _default_standard_xml()
    wanted = fetch.parse_parts(parts) if parts else None

    def files(
        name: str | None, paths: tuple[Path, ...], letter: str
    ) -> tuple[str | None, list[Path]]:
        if paths and name:
            raise click.UsageError(
                f"give the edition {letter} or --{letter.lower()} paths, not both"
            )
        if paths or not name:  # neither edition nor paths: refused before this is called
            return None, list(paths)
        edition = fetch.validate_edition(name)
        return edition, editions_diff.resolve_edition(edition, folder, list(standard_dirs))

    def say(text: str) -> None:
        if sys.stderr.isatty():
            click.echo(text, err=True)

    for name, paths, letter in ((a, paths_a, "A"), (b, paths_b, "B")):
        if not name and not paths:
            raise click.UsageError(
                f"give the edition {letter} (e.g. 2024c) or --{letter.lower()} PATH"
            )
    edition_a, files_a = files(a, paths_a, "A")
    edition_b, files_b = files(b, paths_b, "B")
    # Read only the parts both sides hold (a part on one side only is noted, not read).
    common, notes = editions_diff.common_parts(files_a, files_b)
    selected = [part for part in common if wanted is None or part in wanted]
    if not selected:
        raise editions_diff.DiffError(
            f"A and B have no part in common to compare{' among ' + parts if parts else ''}"
        )
    documents_a = editions_diff.read_side(files_a, parts=selected, edition=edition_a, progress=say)
    documents_b = editions_diff.read_side(files_b, parts=selected, edition=edition_b, progress=say)
    label_a, label_b = edition_a, edition_b
    result = editions_diff.diff_sides(documents_a, documents_b, label_a=label_a, label_b=label_b)
    result.notes.extend(notes)
    text = report.render(result, report_format)
    if output is None:
        click.echo(text, nl=False)
        return
    temporary = output.with_name(f".{output.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(output)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise fetch.FetchError(f"cannot write: {error.strerror or error}", output) from None
    click.echo(f"{result.total} changes; {report_format} report written to {output}", err=True)
