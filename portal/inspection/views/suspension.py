"""An official of the venue's ward (or a province administrator) confirms a proposed suspension.

The form sits with the inspection in the venue's history (panels.place_history); this only takes
the decision and goes back to the registry's venue page.
"""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...clock import local_date, utcnow
from ...extensions import db
from ...security import roles_required
from ...venues.access import venue_for
from ...venues.services import VenueError
from .. import bp
from ..access import inspection_for
from ..forms import ConfirmSuspensionForm
from ..records import RecordError
from ..suspension import confirm_suspension

#: Who decides on a suspension: the same officials as on the registry's venue page.
DECIDERS = ("ward_official", "province_admin")

ERRORS = {
    "not_proposed": lambda: _("This suspension was already decided."),
    "already_suspended": lambda: _("This venue is already suspended."),
    "closed": lambda: _("This venue is closed: it cannot be suspended or reopened."),
    "not_allowed": lambda: _("Only an official of the venue's ward or a province administrator can decide this."),
    "reason_required": lambda: _("Write the reason for the suspension: the venue's owner reads it."),
    "reason_long": lambda: _("Use at most %(max)d characters.", max=300),
    "reason_plain": lambda: _("Do not use the characters < and > or invisible control characters."),
}


def proposed_reason(inspection):
    """The reason offered to the official (editable), from the inspection's date and note."""
    text = _("Inspection on %(day)s found a violation: %(note)s",
             day=local_date(inspection.inspected_at).strftime("%d/%m/%Y"), note=inspection.note or "")
    return text[:300]


def proposal_reasons(inspections):
    """{inspection id: the reason offered} for the inspections proposing a suspension."""
    return {i.id: proposed_reason(i) for i in inspections if i.suspension == "proposed"}


@bp.route("/<code>/inspections/<int:inspection_id>/suspend", methods=["POST"])
@roles_required(*DECIDERS)
def confirm(code, inspection_id):
    """Confirm the suspension an inspector proposed: the venue is suspended as on its registry page."""
    place = venue_for(current_user, code)
    inspection = inspection_for(current_user, place, inspection_id)
    back = redirect(url_for("registry.venue", code=place.short_code) + "#inspections")
    form = ConfirmSuspensionForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0])
        return back
    now = utcnow()
    try:
        confirm_suspension(current_user, inspection, form.reason.data, now, local_date(now))
    except (VenueError, RecordError) as exc:
        db.session.rollback()
        flash(ERRORS.get(exc.code, ERRORS["not_allowed"])())
        return back
    db.session.commit()
    flash(_("Venue %(code)s is suspended: check-ins stop now, people inside can still check out. "
            "Its owner sees the reason.", code=place.short_code))
    return back
