"""`flask divisions …`"""
import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from .services import load_divisions

divisions_cli = AppGroup("divisions", help="Administrative divisions.")


@divisions_cli.command("load")
@click.option("--province", "province", default=None, help="Province code (default PORTAL_PROVINCE).")
def load_command(province):
    """Load the current wards and communes of a province."""
    code = province or current_app.config["PORTAL_PROVINCE"]
    try:
        added, updated = load_divisions(code)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--province") from exc
    db.session.commit()
    click.echo(f"province {code}: {added} added, {updated} updated")
