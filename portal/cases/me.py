"""What a person sees of the register on their own /me page (the `me_panels` hook): their own
status — an open case, or a quarantine with its end date — and what to do. Shown to them only:
/me opens with the device's own cookie; never on check-in pages another person may see."""
from flask import render_template
from markupsafe import Markup
from sqlalchemy import or_, select

from ..clock import local_date
from ..extensions import db
from .classification import OPEN_STATUS
from .models import CaseContact, HealthCase


def _matches(model, visitor):
    conditions = [model.visitor_id == visitor.id]
    if visitor.phone_hash:
        conditions.append(model.phone_hash == visitor.phone_hash)
    return or_(*conditions)


def own_status(visitor, now, tz_name):
    """("case", case) for an open case, ("quarantine", contact) for a quarantine still running, or None."""
    case = db.session.scalar(select(HealthCase).where(_matches(HealthCase, visitor), HealthCase.status == OPEN_STATUS)
                             .order_by(HealthCase.id.desc()).limit(1))
    if case is not None:
        return "case", case
    contact = db.session.scalar(
        select(CaseContact).where(_matches(CaseContact, visitor), CaseContact.status == "quarantine",
                                  CaseContact.quarantine_ends_on >= local_date(now, tz_name))
        .order_by(CaseContact.quarantine_ends_on.desc()).limit(1))
    return ("quarantine", contact) if contact is not None else None


def me_panel(visitor, now):
    """The panel for /me, or None when the person is neither a case nor in quarantine."""
    from flask import current_app

    found = own_status(visitor, now, current_app.config["PORTAL_TIMEZONE"])
    if found is None:
        return None
    kind, row = found
    return Markup(render_template("cases/_me.html", kind=kind, row=row))
