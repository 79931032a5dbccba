"""`flask tracing contacts`: the contacts of a case as a file, for a tracer account only."""
import os

import click
from flask import current_app
from flask.cli import AppGroup

from ..auth.services import user_by_phone
from ..extensions import db
from ..clock import utcnow
from . import operations
from .contacts import RULES, contact_count
from .services import TracingError

tracing_cli = AppGroup("tracing", help="Contact tracing (tracer accounts only).")


def tracer_by_phone(phone):
    """The active tracer account with this phone, else a ClickException."""
    user = user_by_phone(phone or "")
    if user is None or not user.is_active or user.role != "tracer":
        raise click.ClickException("only an active tracer account may trace: give its phone with --as")
    return user


@tracing_cli.command("contacts")
@click.option("--as", "as_phone", required=True, help="Phone number of your tracer account.")
@click.option("--reference", required=True, help="The case reference.")
@click.option("--purpose", required=True, help="Why the data is needed.")
@click.option("--phone", help="The case person's phone number.")
@click.option("--id-number", help="Or the case person's ID card number.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First day (default: 14 days ago).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default: today).")
@click.option("--rule", type=click.Choice(RULES), default="overlap", show_default=True)
@click.option("--minutes", type=click.IntRange(1, 720), default=None, help="Minimum overlap (default 15).")
@click.option("--format", "kind", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="File to write.")
def contacts_command(as_phone, reference, purpose, phone, id_number, date_from, date_to, rule, minutes, kind,
                     output):
    """Open a case, find the person and write their contacts to a CSV or XLSX file (audited)."""
    actor = tracer_by_phone(as_phone)
    if bool(phone) == bool(id_number):
        raise click.ClickException("give either --phone or --id-number")
    settings, now = operations.settings_from(current_app.config), utcnow()
    first, last = operations.default_days(now, settings)
    first = date_from.date() if date_from else first
    last = date_to.date() if date_to else last
    by = "phone" if phone else "id_number"
    try:
        window = operations.make_window(first, last, now=now, settings=settings, rule=rule, minutes=minutes)
        case = operations.open_case(actor, reference, purpose, now=now)
        person = operations.look_up_person(actor, case, by, phone or id_number, now=now, settings=settings)
    except TracingError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc.field}: {exc.code.replace('_', ' ')}") from exc
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException("the phone or ID number is malformed") from exc
    if person is None:
        db.session.commit()  # the case and the fruitless look-up stay in the audit
        raise click.ClickException(f"nobody with this {'phone' if phone else 'ID number'} checked in recently")
    body, _mimetype, groups = operations.export_contacts(actor, case, window, kind, now=now, settings=settings,
                                                         title="Contacts", via="cli")
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(body)
    db.session.commit()
    visits, people = contact_count(groups)
    click.echo(f"Case {case.reference}: {visits} contact visits of {people} people written to {output}.")
