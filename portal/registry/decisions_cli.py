"""`flask venues suspend CODE` and `flask venues reopen CODE`: the officials' decision from a shell.

The group is named for what it acts on; it lives here because the decision is an official's
follow-up (`followups.record_follow_up`), and registry depends on venues, not the reverse.
"""
import click
from flask.cli import AppGroup

from ..auth.services import user_by_phone
from ..extensions import db
from ..clock import utcnow
from ..clock import local_date
from ..venues.models import Venue
from ..identifiers import normalise_short_code
from ..venues.services import VenueError
from .followups import record_follow_up

venues_cli = AppGroup("venues", help="Venues: suspend or reopen.")

MESSAGES = {
    "reason_required": "a suspension needs --reason (the owner reads it)",
    "reason_long": "the reason has more than 300 characters",
    "reason_plain": "the reason holds control characters or < >",
    "already_suspended": "this venue is already suspended",
    "not_suspended": "this venue is not suspended",
    "closed": "this venue is closed",
    "not_allowed": "--by must be a province administrator, or a ward official of the venue's ward",
}


def _decide(code, action, note, by):
    actor = user_by_phone(by)
    if actor is None:
        raise click.ClickException("no account has the phone number given with --by")
    venue = db.session.scalar(db.select(Venue).where(Venue.short_code == normalise_short_code(code)))
    if venue is None:
        raise click.ClickException("no venue has this code")
    now = utcnow()
    try:
        record_follow_up(actor, venue=venue, action=action, action_on=local_date(now), note=note, now=now)
    except VenueError as exc:
        db.session.rollback()
        raise click.ClickException(MESSAGES[exc.code]) from exc
    db.session.commit()
    return venue


@venues_cli.command("suspend")
@click.argument("code")
@click.option("--reason", required=True, help="Why; the venue's owner reads it (at most 300 characters).")
@click.option("--by", required=True, help="Phone number of the deciding official's account.")
def suspend_command(code, reason, by):
    """Suspend a venue: check-ins stop at once, people inside can still check out. Audited."""
    venue = _decide(code, "suspended", reason, by)
    click.echo(f"venue {venue.short_code} suspended")


@venues_cli.command("reopen")
@click.argument("code")
@click.option("--note", default="", help="Optional note for the venue's owner.")
@click.option("--by", required=True, help="Phone number of the deciding official's account.")
def reopen_command(code, note, by):
    """Let a suspended venue take check-ins again. Audited."""
    venue = _decide(code, "reopened", note, by)
    click.echo(f"venue {venue.short_code} reopened")
