"""The ``dicomstd`` command line.

Every failure the user can cause (a missing or malformed publication, a build that cannot
complete) is reported as one line on standard error, ``dicomstd: error: <file>: <problem>``,
with exit code 2; the generator's modules are imported only by the commands that use them.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Iterable, Sequence

import click

from dicomstd.errors import DicomstdError

__all__ = ["main"]


class _Group(click.Group):
    """Turns every failure into one line on standard error and an exit code: 2 for bad
    input or usage (:class:`DicomstdError`, click's usage errors, I/O errors naming their
    file), 130 for an interruption, 2 with "internal error" for a defect of dicomstd."""

    # The commands defined in their own packages, imported when named (or listed by
    # --help): ``dicomstd show`` does not load the validator, jinja2 or the statement writer.
    lazy_commands: dict[str, str] = {
        "conformance": "dicomstd.conformance.cli:conformance_command",
        "diff": "dicomstd.editions.cli:diff_command",
        "fetch": "dicomstd.editions.cli:fetch_command",
        "validate": "dicomstd.validate.cli:validate_command",
    }

    def list_commands(self, context: click.Context) -> list[str]:
        return sorted({*super().list_commands(context), *self.lazy_commands})

    def get_command(self, context: click.Context, name: str) -> click.Command | None:
        where = self.lazy_commands.get(name)
        if where is None:
            return super().get_command(context, name)
        module, _, attribute = where.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> Any:
        extra.pop("standalone_mode", None)
        try:
            result = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as error:
            click.echo(error.format_message(), err=True)  # bare "dicomstd": the help
            sys.exit(2)
        except click.UsageError as error:
            hint = f" (see '{error.ctx.command_path} --help')" if error.ctx else ""
            click.echo(f"dicomstd: error: {error.format_message()}{hint}", err=True)
            sys.exit(2)
        except click.ClickException as error:
            click.echo(f"dicomstd: error: {error.format_message()}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("dicomstd: interrupted", err=True)
            sys.exit(130)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, context: click.Context) -> Any:
        try:
            return super().invoke(context)
        except DicomstdError as error:
            click.echo(f"dicomstd: error: {error}", err=True)
            sys.exit(error.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except OSError as error:  # the file system refused: name the file, not a defect
            where = f"{error.filename}: " if error.filename else ""
            click.echo(f"dicomstd: error: {where}{error.strerror or error}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("dicomstd: interrupted", err=True)
            sys.exit(130)
        except Exception as error:  # a defect of dicomstd, not of the input
            if os.environ.get("DICOMSTD_DEBUG"):
                traceback.print_exc()
            click.echo(
                f"dicomstd: internal error: {type(error).__name__}: {error} "
                "(set DICOMSTD_DEBUG=1 for the traceback, and please report it)",
                err=True,
            )
            sys.exit(2)


@click.group(cls=_Group)
@click.version_option(package_name="dicomstd")
def main() -> None:
    """dicomstd: the DICOM standard (NEMA PS3), compiled from its published text."""


@main.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A publication to read (DocBook .xml/.xz/.gz/.zip/folder, CHTML folder/tar); "
    "repeat for each. Without it the build reads what standard_xml/manifest.json names, "
    "and with it the manifest is rewritten to name these.",
)
@click.option(
    "--edition",
    default=None,
    help="Build from an edition fetched into standard_xml/<edition>/ (dicomstd fetch): its "
    "PS3.3-PS3.7 become the --source list.",
)
@click.option(
    "--standard-dir",
    "search_path",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="A folder of <edition>/<publication> files to find the manifest's publications in "
    "(also $DICOMSTD_STANDARD_DIR).",
)
@click.option(
    "--standard-xml",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The folder holding manifest.json (default: standard_xml/ of the source tree).",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The folder to generate (default: the package's generated/).",
)
@click.option("--check", is_flag=True, help="Compare with the output folder instead of writing; exit 1 when it differs.")
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the compiled model as JSON to this file.",
)
@click.option(
    "--conditions-report",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the coverage of PS3.3's conditions (every sentence, how it compiled) as JSON.",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("--verbose", is_flag=True, help="Print the row accounting of every table.")
def build(
    sources: tuple[Path, ...],
    edition: str | None,
    search_path: tuple[Path, ...],
    standard_xml: Path | None,
    output: Path | None,
    check: bool,
    json_path: Path | None,
    conditions_report: Path | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Compile the publications into generated/ (atomically, formatted by black)."""
    from dicomstd.generator.build import BuildOptions, account_summary, build as run_build
    from dicomstd.generator.manifest import ManifestEntry

    if edition is not None:
        from dicomstd.editions.fetch import sources_for_edition
        from dicomstd.generator.build import DEFAULT_STANDARD_XML

        if sources:
            raise click.UsageError("give --edition or --source, not both")
        sources = tuple(sources_for_edition(edition, standard_xml or DEFAULT_STANDARD_XML))
    options = BuildOptions(
        sources=list(sources) if sources else None,
        search_path=list(search_path),
        check=check,
        json_path=json_path,
        conditions_report_path=conditions_report,
    )
    if standard_xml is not None:
        options.standard_xml = standard_xml
    if output is not None:
        options.output = output

    def progress(
        items: Sequence[tuple[ManifestEntry, Path]],
    ) -> Iterable[tuple[ManifestEntry, Path]]:
        # A progress bar only for a person at a terminal; logs and pipes get the summary.
        if quiet or not items or not sys.stderr.isatty():
            yield from items
            return
        with click.progressbar(
            items,
            label="reading publications",
            item_show_func=lambda item: f"{item[0].part} {item[0].edition}" if item else None,
            file=sys.stderr,
        ) as bar:
            yield from bar

    report = run_build(options, progress)
    say = (lambda text: None) if quiet else click.echo
    say("read:")
    for item in report.read:
        say(
            f"  {item.entry.part} {item.entry.edition} ({item.entry.format}) {item.path}: "
            f"{len(item.document.sections)} sections, {len(item.document.tables)} tables, "
            f"{item.seconds:.2f} s"
            + (
                f" (a known incomplete copy: lacks {', '.join(item.document.missing_pages)})"
                if item.document.missing_pages
                else ""
            )
        )
    say("tables compiled (every body row accounted for):")
    for line in account_summary(report.accounts, per_table=verbose):
        say(f"  {line}")
    say("produced:")
    for kind, count in report.counts.items():
        say(f"  {count} {kind}")
    if report.secondary_data_elements:
        say(
            f"  of the data elements, {report.secondary_data_elements} come from the secondary "
            "source (pydicom's dictionary), which the PS3.6 Table 6-1 at hand lacks"
        )
    if report.condition_coverage is not None:
        for line in report.condition_coverage.summary().splitlines():
            say(f"  {line}")
    if report.condition_audit is not None:
        for line in report.condition_audit.summary().splitlines():
            say(f"  {line}")
    if report.undefined_tags:
        tags = sorted({tag for tag, _ in report.undefined_tags})
        say(
            f"  {len(tags)} tags of PS3.3 Attributes are defined by neither PS3.6 at hand nor "
            f"the secondary source: {', '.join(tags)}"
        )
    total = sum(report.seconds.values())
    steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in report.seconds.items())
    if check:
        if report.differences:
            click.echo(f"{options.output} is out of date:", err=True)
            for difference in report.differences:
                click.echo(f"  {difference}", err=True)
            sys.exit(1)
        say(f"{options.output} is up to date ({len(report.files)} files; {steps}; {total:.1f} s)")
    else:
        say(f"wrote {len(report.files)} files to {options.output} ({steps}; {total:.1f} s)")


@main.command()
@click.argument("query")
def show(query: str) -> None:
    """Show what the standard says of a Tag ("(0010,0010)", "00100010", "(60xx,3000)"),
    a Keyword of a data element, command field or UID, or a UID."""
    from dicomstd import dictionary, registry

    try:
        click.echo(_describe(query.strip(), dictionary, registry))
    except (KeyError, ValueError) as error:
        click.echo(f"dicomstd: error: {error.args[0]}", err=True)
        sys.exit(2)


def _describe_uid(uid: str, registry: Any) -> str:
    entry = registry.lookup_uid(uid)
    lines = [
        f"{uid}  {entry.name}{' (Retired)' if entry.retired else ''}",
        f"  keyword {entry.keyword or '-'}, {entry.uid_type}, defined in "
        f"{entry.defining_part or '-'}; {entry.source}",
    ]
    if entry.uid_type == "Transfer Syntax":
        syntax = registry.lookup_transfer_syntax(uid)
        lines.append(
            f"  {'explicit' if syntax.explicit_vr else 'implicit'} VR, "
            f"{'little' if syntax.little_endian else 'big'} endian"
            f"{', encapsulated' if syntax.encapsulated else ''}"
            f"{', deflated' if syntax.deflated else ''}; {syntax.source}"
        )
    return "\n".join(lines)


def _describe(query: str, dictionary: Any, registry: Any) -> str:
    if registry.is_uid(query):
        return _describe_uid(query.rstrip("\x00 "), registry)
    try:
        element = dictionary.lookup(query)
    except KeyError:
        try:
            dictionary.parse_tag(query)
        except ValueError:
            pass
        else:
            raise  # a tag the registries lack: their message says why
        try:
            uid, _ = registry.lookup_uid_keyword(query)
        except KeyError:
            raise KeyError(
                f"{query!r} is neither a tag nor a keyword of PS3.6, PS3.7 or the UID registry"
            ) from None
        return _describe_uid(uid, registry)
    status = f", {element.comment}" if element.comment else (", retired" if element.retired else "")
    return (
        f"({element.tag})  {element.name or '-'}  {element.keyword or '-'}\n"
        f"  VR {element.vr_text or '-'}, VM {element.value_multiplicity or '-'}{status}; "
        f"{element.source}"
    )
