"""`flask content ...`: check, import and export course content as files."""

from pathlib import Path

import click
from flask.cli import AppGroup

from learning.content.exporter import ExportError, course_to_export, export_content
from learning.content.folder import validate_content
from learning.content.importer import import_content
from learning.content.specs import ContentInvalid
from learning.database import db, write_transaction

content_cli = AppGroup("content", help="Import and export course content as files.")

_folder = click.Path(exists=True, file_okay=False, path_type=Path)


def _fail(errors, conclusion: str) -> None:
    for error in errors:
        click.echo(str(error), err=True)
    click.echo(conclusion, err=True)
    raise SystemExit(1)


@content_cli.command("check")
@click.argument("directory", type=_folder)
def check_command(directory: Path) -> None:
    """Check a content folder without importing it."""
    errors = validate_content(directory)
    if errors:
        _fail(errors, f"{len(errors)} problem(s) found.")
    click.echo(f"{directory}: no problems found.")


@content_cli.command("import")
@click.argument("directory", type=_folder)
def import_command(directory: Path) -> None:
    """Import a content folder (course.yml and one NN-<slug> folder per module).

    Running it again changes nothing; after an edit it updates the course in place, keeping
    participants' progress. Any problem in any file stops it before anything is imported.
    """
    with write_transaction():
        try:
            report = import_content(directory)
        except ContentInvalid as invalid:
            db.session.rollback()
            _fail(invalid.errors,
                  f"{len(invalid.errors)} problem(s) found: nothing was imported.")
        db.session.commit()
    click.echo(report.summary())


@content_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--course", "course_slug", help="The course's slug (default: the only course).")
def export_command(directory: Path, course_slug: str | None) -> None:
    """Export a course into DIRECTORY (new or empty) in the format `content import` reads."""
    try:
        report = export_content(course_to_export(course_slug), directory)
    except ExportError as error:
        _fail(error.problems, "Nothing was exported.")
    click.echo(report.summary())
    for slug in report.unused_instruments:
        click.echo(f"Note: instrument {slug!r} is used by no item, so it was not exported.",
                   err=True)
    if report.problems:
        _fail(report.problems, "The exported files would not import as they are.")
