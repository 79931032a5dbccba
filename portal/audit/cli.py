"""`flask audit expire`: delete audit entries older than a period, for a province administrator."""
import logging

import click
from flask.cli import AppGroup

from ..auth.services import user_by_phone
from ..extensions import db
from ..clock import utcnow
from .maintenance import MIN_EXPIRY_DAYS, MaintenanceError, expire_entries

log = logging.getLogger(__name__)
audit_cli = AppGroup("audit", help="The audit log of personal data (province administrators).")


@audit_cli.command("expire")
@click.option("--as", "as_phone", required=True, help="Phone number of your province administrator account.")
@click.option("--days", type=click.IntRange(min=MIN_EXPIRY_DAYS), required=True,
              help=f"Delete entries older than this many days (at least {MIN_EXPIRY_DAYS}).")
def expire_command(as_phone, days):
    """Delete audit entries older than --days; the deletion is itself recorded in the log."""
    try:
        count = expire_entries(user_by_phone(as_phone or ""), days, utcnow())
    except MaintenanceError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    log.info("audit entries older than %d days expired: %d", days, count)
    click.echo(f"Deleted {count} audit entries older than {days} days; this is recorded in the log.")
