"""The confirmation page of a visit and its check-out."""
from flask import current_app, render_template
from ... import signals
from ...errors import not_found
from ...extensions import db
from ...clock import local_date, utcnow
from ...visitors import device
from ...visitors.forms import ActionForm
from ...visitors.services import (
    device_for, household_ids, owns_visit,
)
from .. import services
from .. import bp
from .shared import checkin_limits, limited, render_then_commit, to_confirmation, tz

@bp.route("/visit/<ref>")
def confirmation(ref):
    """The confirmation: venue, server time and the venue's check word of the day."""
    now = utcnow()
    visit = services.visit_by_ref(ref)
    remembered = device_for(device.presented_token())
    if not owns_visit(remembered, visit):
        not_found("checkin/not_yours.html")
    services.close_if_overdue(visit, now)
    ids = household_ids(remembered.visitor)
    people = [visit] + services.companions(visit)
    word = services.day_word(current_app.config["SECRET_KEY"], visit.venue, visit.checked_in_at, tz())
    same_day = local_date(visit.checked_in_at) == local_date(now)
    return render_then_commit(
        "checkin/confirmation.html", visit=visit, venue=visit.venue, people=people, now=now,
        word=word, same_day=same_day, out_form=ActionForm(formdata=None), notices=signals.notices_for(ids, now),
    )


@bp.route("/visit/<ref>/out", methods=["POST"])
@limited(*checkin_limits)
def check_out(ref):
    """Check out of a visit of this device's person or dependents."""
    visit = services.visit_by_ref(ref)
    remembered = device_for(device.presented_token())
    if not owns_visit(remembered, visit):
        not_found("checkin/not_yours.html")
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("errors/400.html", csrf=True), 400
    ref = visit.ref
    services.check_out(visit, utcnow())
    db.session.commit()
    return to_confirmation(ref)
