"""`flask tracing contacts`: the contacts of a case as a file, for a tracer account only."""
import os

import click
from flask import current_app
from flask.cli import AppGroup

from ..audit.services import record
from ..auth.services import user_by_phone
from ..extensions import db
from ..models_base import utcnow
from . import export
from .contacts import RULES, contact_count, find_contacts
from .services import (TracingError, attach_person, create_case, default_window, find_person, person_visits,
                       retention_cutoff, same_person_ids, window_bounds)

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
    config, now = current_app.config, utcnow()
    retention, tz_name = config["PORTAL_RETENTION_DAYS"], config["PORTAL_TIMEZONE"]
    first, last = default_window(now, config["PORTAL_TRACE_DAYS"], tz_name)
    first = date_from.date() if date_from else first
    last = date_to.date() if date_to else last
    try:
        bounds = window_bounds(first, last, now=now, retention_days=retention, tz_name=tz_name)
        case = create_case(actor, reference, purpose, now)
        person = find_person(cutoff=retention_cutoff(now, retention), phone=phone, id_number=id_number)
    except TracingError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc.field}: {exc.code.replace('_', ' ')}") from exc
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException("the phone or ID number is malformed") from exc
    record(actor, case, "case", {}, 0, now)
    record(actor, case, "lookup", {"by": "phone" if phone else "id_number"}, 1 if person else 0, now)
    if person is None:
        db.session.commit()
        raise click.ClickException(f"nobody with this {'phone' if phone else 'ID number'} checked in recently")
    attach_person(case, person)
    minutes = minutes or config["PORTAL_CONTACT_MINUTES"]
    profiles = same_person_ids(person)
    groups = find_contacts(person_visits(profiles, *bounds), rule=rule, minutes=minutes,
                           cutoff=retention_cutoff(now, retention), now=now, exclude_visitor_ids=profiles)
    body, _mimetype, count = export.render(kind, groups, tz_name, "Contacts")
    params = {"from": first.isoformat(), "to": last.isoformat(), "rule": rule,
              "minutes": minutes if rule == "overlap" else None, "format": kind, "via": "cli"}
    record(actor, case, "export", params, count, now)
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(body)
    db.session.commit()
    visits, people = contact_count(groups)
    click.echo(f"Case {case.reference}: {visits} contact visits of {people} people written to {output}.")
