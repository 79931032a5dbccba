"""The confirmation page of a visit and its check-out."""
from typing import NamedTuple

from flask import current_app, render_template

from ... import signals
from ...clock import local_date, utcnow
from ...errors import not_found
from ...extensions import db
from ...identifiers import is_ref
from ...visitors import device
from .. import bp, core
from ..forms import csrf_input, csrf_valid
from ..limits import CHECKIN, take_limits
from ..words import check_word
from .shared import Place, render_then_commit, to_confirmation, tz


class Shown(NamedTuple):
    """The visit as the confirmation shows it."""

    ref: str
    checked_in_at: object
    checked_out_at: object
    out_method: object
    entrance_name: object


def _mine(row):
    """The not-yours 404 unless the visit of this `core.visit_page` row is of the device's household."""
    if not core.owns(row):
        not_found("checkin/not_yours.html")


def _own_visit(ref):
    """The `core.visit_page` row of a visit of this device's household, else the not-yours 404."""
    row = core.visit_page(ref, device.presented_hash()) if is_ref(ref) else None
    _mine(row)
    return row


@bp.route("/visit/<ref>")
def confirmation(ref):
    """The confirmation: venue, server time and the venue's check word of the day.

    One statement: the visit with its venue, the device's person and the household with the
    members who came along and the notice hints (the notices' own statements only when a hint
    says there may be one).
    """
    now = utcnow()
    core.reading()
    hints = signals.notice_hints()
    found = core.confirmation_page(ref, device.presented_hash(), hints) if is_ref(ref) else None
    _mine(found and found[0])
    row, rows = found
    ids, going = core.companions(row.id, row.device_visitor_id, rows)
    out, method = row.checked_out_at, row.out_method
    if out is None and row.due_out_at <= now:  # closes by itself, with those who came along
        core.close_visit(row.id, now, "auto")
        out, method = row.due_out_at, "auto"
        going = [c._replace(checked_out_at=c.checked_out_at or out) for c in going]
    visit = Shown(row.ref, row.checked_in_at, out, method, row.entrance_name)
    venue = Place(row.venue_id, row.venue_name, row.address, "", row.default_stay_minutes, "", row.ward_name)
    word = check_word(current_app.config["SECRET_KEY"], row.venue_id, local_date(row.checked_in_at, tz()))
    return render_then_commit(
        "checkin/confirmation.html", visit=visit, venue=venue, people=[row, *going], now=now, word=word,
        same_day=local_date(row.checked_in_at) == local_date(now), csrf=csrf_input(),
        notices=signals.notices_for(ids, now, core.quiet_receivers(hints, rows)),
    )


@bp.route("/visit/<ref>/out", methods=["POST"])
def check_out(ref):
    """Check out of a visit of this device's person or dependents."""
    take_limits(CHECKIN)
    row = _own_visit(ref)
    if not csrf_valid():
        return render_template("errors/400.html", csrf=True), 400
    if row.checked_out_at is None:
        core.close_visit(row.id, utcnow(), "self")
        db.session.commit()
    return to_confirmation(row.ref)
