"""`flask inspection suspicious [--date YYYY-MM-DD]`: the daily job listing suspicious check-ins."""
import logging
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from ..clock import utcnow
from ..extensions import db
from .flags import evaluated_days, run

log = logging.getLogger(__name__)
inspection_cli = AppGroup("inspection", help="Inspections: the daily look for suspicious check-ins.")


@inspection_cli.command("suspicious")
@click.option("--date", "day_text", default=None,
              help="The local day to look at, YYYY-MM-DD (default: yesterday and today).")
def suspicious_command(day_text):
    """Evaluate the suspicious-check-in rules and store new entries (running again adds none twice)."""
    day = None
    if day_text:
        try:
            day = date.fromisoformat(day_text)
        except ValueError as exc:
            raise click.BadParameter("use YYYY-MM-DD, for example 2026-11-25", param_hint="--date") from exc
    now = utcnow()
    tz_name = current_app.config["PORTAL_TIMEZONE"]
    days = evaluated_days(now, tz_name, day)
    added, updated = run(days, now, current_app.config, tz_name)
    db.session.commit()
    log.info("suspicious check-ins: %d new entries, %d refreshed", added, updated)
    click.echo(f"Suspicious check-ins for {', '.join(d.isoformat() for d in days)}: "
               f"{added} new entries, {updated} refreshed.")
