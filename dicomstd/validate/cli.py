"""``dicomstd validate PATH...``: validate files and folders against their IODs.

Exit codes: 0 no error found, 1 errors found, 2 could not run (bad usage, no such path, an
unknown ``--iod``).
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Iterator

import click

from dicomstd.validate.findings import FileReport, Report, Severity
from dicomstd.validate.instances import InstanceIndex

__all__ = ["validate_command"]

#: The Instances of the run, in each worker process (set by :func:`_share_instances`).
_instances: InstanceIndex | None = None


def _share_instances(instances: InstanceIndex) -> None:
    """A worker process's initializer: the run's index of its Instances."""
    global _instances
    _instances = instances


def _validate_one(job: tuple[str, str | None]) -> FileReport:
    """One file in a worker process (module level: picklable)."""
    from dicomstd.iods import iod
    from dicomstd.validate.engine import validate_file

    path, iod_name = job
    return validate_file(path, iod(iod_name) if iod_name else None, _instances)


def _results(
    files: list[str], iod_name: str | None, jobs: int, instances: InstanceIndex
) -> Iterator[FileReport]:
    if jobs <= 1 or len(files) < 2:
        _share_instances(instances)
        for path in files:
            yield _validate_one((path, iod_name))
        return
    # Chunks amortise the inter-process traffic; order is kept (reports follow the paths).
    chunk = max(1, min(16, len(files) // (jobs * 4) or 1))
    with ProcessPoolExecutor(
        max_workers=jobs,
        initializer=_share_instances,
        initargs=(instances,),
    ) as pool:
        yield from pool.map(_validate_one, [(path, iod_name) for path in files], chunksize=chunk)


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="How to print the findings.",
)
@click.option(
    "--iod",
    "iod_name",
    default=None,
    help="Validate against this IOD (name, SOP Class UID or table id).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(0, 256),
    default=1,
    show_default=True,
    help="Worker processes (0: one per CPU).",
)
@click.option(
    "--min-severity",
    type=click.Choice([s.value for s in Severity]),
    default="not-verifiable",
    show_default=True,
    help="Text format: the least severe findings to print (the summary counts all).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="A progress bar on standard error (default: on a terminal, for several files).",
)
def validate_command(
    paths: tuple[str, ...],
    output_format: str,
    iod_name: str | None,
    jobs: int,
    min_severity: str,
    output: str | None,
    progress: bool | None,
) -> None:
    """Validate DICOM files (folders: recursively) against their IOD (PS3.3).

    A condition on another Instance ("... is present in the Instance referenced in ...") is
    checked when that Instance is among the files given, or in the File-set of a DICOMDIR.

    Exit code 0: no error; 1: errors found; 2: could not run.
    """
    from dicomstd.validate.engine import iter_dicom_files
    from dicomstd.validate.formats import render

    if iod_name is not None:
        from dicomstd.iods import iod

        try:
            iod(iod_name)
        except KeyError as error:
            raise click.UsageError(str(error.args[0] if error.args else error)) from None
    files = list(iter_dicom_files(paths))
    workers = jobs or os.cpu_count() or 1
    show = progress if progress is not None else (sys.stderr.isatty() and len(files) > 1)
    report = Report()
    # The conditions on a referenced Instance are checked where the run holds it (one
    # header read per file).
    instances = InstanceIndex.of_files(files)
    results = _results(files, iod_name, workers, instances)
    if show:
        with click.progressbar(
            results, length=len(files), label="validating", file=sys.stderr
        ) as bar:
            report.files.extend(bar)
    else:
        report.files.extend(results)
    text = render(report, output_format, Severity(min_severity))
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        if output_format != "text":
            from dicomstd.validate.formats import summary

            click.echo(summary(report), err=True)
    else:
        click.echo(text, nl=False)
    click.get_current_context().exit(report.exit_code)
