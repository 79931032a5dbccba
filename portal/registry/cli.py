"""`flask registry import FILE` and `flask registry match`."""
import os

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..clock import utcnow
from .matching import refresh_matches
from .services import FileRejected, RowsRejected, group_problems, import_registry

registry_cli = AppGroup("registry", help="The official registry of places that must register.")


@registry_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path):
    """Import a CSV or XLSX registry file for every ward; nothing is imported if a row is bad."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        result = import_registry(data, filename=os.path.basename(path), actor=None,
                                 province_code=current_app.config["PORTAL_PROVINCE"], now=utcnow())
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise click.ClickException("another import or match ran at the same moment; run the import again") from exc
    except FileRejected as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from exc
    except RowsRejected as exc:
        db.session.rollback()
        for first, last, reason in group_problems(exc.problems):
            rows = f"row {first}" if first == last else f"rows {first}-{last}"
            click.echo(f"{rows}: {reason}", err=True)
        if exc.truncated:
            click.echo(f"only the first {len(exc.problems)} problems are listed", err=True)
        raise click.ClickException(f"{exc.bad_rows} bad rows; nothing was imported") from exc
    for reading in result.categories:  # what an official sees before importing on the page
        click.echo(f"type “{reading.value}” ({reading.rows} rows) filed as {reading.category}"
                   + (" (not recognised)" if reading.how == "unknown" else ""))
    click.echo(
        f"{result.rows} rows: {result.added} added, {result.updated} updated, {result.unchanged} unchanged, "
        f"{result.departed} left the registry, {result.matched} matched by registration number, "
        f"{result.proposed} proposals to review"
    )


@registry_cli.command("match")
def match_command():
    """Match unregistered establishments to venues again (after new venues registered)."""
    matched, proposed = refresh_matches(None, utcnow())
    db.session.commit()
    click.echo(f"{matched} matched by registration number, {proposed} new proposals")
