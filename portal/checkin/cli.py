"""`flask visits …`: housekeeping of visits."""
import click
from flask.cli import AppGroup

from ..extensions import db
from ..clock import utcnow
from .services import close_stale

visits_cli = AppGroup("visits", help="Visits: automatic check-outs.")


@visits_cli.command("close-stale")
def close_stale_command():
    """Check out, as automatic, every open visit past the venue's usual length of stay."""
    closed = close_stale(utcnow())
    db.session.commit()
    click.echo(f"Closed {closed} visit(s).")
