"""Follow-ups: the official's view of a venue, recording actions, suspending or reopening a venue,
and the ward's follow-up list."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models_base import utcnow
from ..reports.exporting import export_response
from ..reports.figures import venue_figures
from ..security import OFFICIAL_VIEWERS, establishment_for, roles_required, venue_for, ward_for
from ..reports.lists import PAGE_SIZE
from ..venues.models import CATEGORIES
from ..venues.services import STATUS_REASON_MAX, VenueError
from .followups import decided_venue, follow_up_places, history, record_follow_up, with_last_actions
from .forms import FollowUpForm, ReopenForm, SuspendForm
from .models import Establishment
from .routes import _establishment_page, _today, bp


DECISION_ERRORS = {
    "reason_required": lambda: _("Write the reason for the suspension: the venue's owner reads it."),
    "reason_long": lambda: _("Use at most %(max)d characters.", max=STATUS_REASON_MAX),
    "reason_plain": lambda: _("Do not use the characters < and > or invisible control characters."),
    "already_suspended": lambda: _("This venue is already suspended."),
    "not_suspended": lambda: _("This venue is not suspended."),
    "closed": lambda: _("This venue is closed: it cannot be suspended or reopened."),
    "not_allowed": lambda: _("Only an official of the venue's ward or a province administrator can decide this."),
}
#: Errors about the venue's status rather than the text typed: shown on the action field.
STATUS_ERRORS = ("already_suspended", "not_suspended", "closed", "not_allowed")


def _decision_flash(action, target):
    """What recording a follow-up did, told to the official after the redirect."""
    if target is not None and action == "suspended":
        flash(_("Venue %(code)s is suspended: check-ins stop now, people inside can still check out. "
                "Its owner sees the reason.", code=target.short_code))
    elif target is not None:
        flash(_("Venue %(code)s is reopened: check-ins are recorded again.", code=target.short_code))
    elif action == "suspended":
        flash(_("This place has no venue in the portal, so there is nothing to suspend; "
                "the follow-up is recorded."))


def _record(form, **place):
    """Record the follow-up in the form; False (nothing saved, the error on the form) if a rule stops it."""
    action = form.action.data
    try:
        record_follow_up(current_user, action=action, action_on=form.action_on.data, note=form.note.data,
                         now=utcnow(), **place)
    except VenueError as exc:
        db.session.rollback()
        field = form.action if exc.code in STATUS_ERRORS else form.note
        field.errors = list(field.errors) + [DECISION_ERRORS[exc.code]()]
        return False
    target = decided_venue(action, **place)
    db.session.commit()
    flash(_("Follow-up recorded."))
    _decision_flash(action, target)
    return True


@bp.route("/establishments/<number>/follow-ups", methods=["POST"])
@roles_required(*OFFICIAL_VIEWERS)
def establishment_follow_up(number):
    """Record an action on an establishment ("suspended"/"reopened" act on its venue)."""
    place = establishment_for(current_user, number)
    form = FollowUpForm(today=_today())
    if not form.validate_on_submit() or not _record(form, establishment=place):
        return _establishment_page(place, form, 422)
    return redirect(url_for("registry.establishment", number=place.registration_number))


def _venue_page(venue, form, status=200, decision_form=None):
    matched = db.session.scalar(db.select(Establishment).where(Establishment.venue_id == venue.id))
    if decision_form is None:
        decision_form = (ReopenForm if venue.status == "suspended" else SuspendForm)(formdata=None)
    return render_template(
        "registry/venue.html", venue=venue, form=form, figures=venue_figures(venue, utcnow()),
        establishment=matched, follow_ups=history(venue=venue), decision_form=decision_form,
    ), status


@bp.route("/venues/<code>/")
@roles_required(*OFFICIAL_VIEWERS)
def venue(code):
    """A venue as officials see it: details, figures (never visitors), suspension, follow-ups."""
    return _venue_page(venue_for(current_user, code), FollowUpForm(today=_today()))


@bp.route("/venues/<code>/follow-ups", methods=["POST"])
@roles_required(*OFFICIAL_VIEWERS)
def venue_follow_up(code):
    """Record an action on a venue ("suspended"/"reopened" change its status)."""
    place = venue_for(current_user, code)
    form = FollowUpForm(today=_today())
    if not form.validate_on_submit() or not _record(form, venue=place):
        return _venue_page(place, form, 422)
    return redirect(url_for("registry.venue", code=place.short_code))


DECISION_FORMS = {"suspended": SuspendForm, "reopened": ReopenForm}


@bp.route("/venues/<code>/suspend", methods=["POST"])
@roles_required(*OFFICIAL_VIEWERS)
def suspend_venue(code):
    """Suspend a venue (reason required): recorded as a follow-up, audited, shown to its owner."""
    return _decide(venue_for(current_user, code), "suspended")


@bp.route("/venues/<code>/reopen", methods=["POST"])
@roles_required(*OFFICIAL_VIEWERS)
def reopen_venue(code):
    """Reopen a suspended venue: recorded as a follow-up and audited."""
    return _decide(venue_for(current_user, code), "reopened")


def _decide(place, action):
    form = DECISION_FORMS[action]()
    if form.validate_on_submit():
        try:
            record_follow_up(current_user, venue=place, action=action, action_on=_today(),
                             note=form.reason.data, now=utcnow())
        except VenueError as exc:
            db.session.rollback()
            if exc.code in STATUS_ERRORS:  # decided meanwhile by someone else: show the venue as it is
                flash(DECISION_ERRORS[exc.code]())
                return redirect(url_for("registry.venue", code=place.short_code))
            form.reason.errors = list(form.reason.errors) + [DECISION_ERRORS[exc.code]()]
        else:
            db.session.commit()
            _decision_flash(action, place)
            return redirect(url_for("registry.venue", code=place.short_code))
    follow_up_form = FollowUpForm(formdata=None)
    follow_up_form.action_on.data = _today()
    return _venue_page(place, follow_up_form, 422, decision_form=form)


def _follow_up_rows(places):
    labels = {code: str(label) for code, label in CATEGORIES.items()}
    kinds = {"establishment": _("Establishment"), "venue": _("Venue")}
    stuck = _("yes")
    for row in places:
        last = row["last"]
        yield [
            kinds[row["kind"]], row["registration_number"], row["short_code"], row["name"], row["address"],
            labels.get(row["category"], row["category"]), row["reminders"], row["actions"],
            str(last.action_label) if last else "", last.action_on.isoformat() if last else "",
            last.note if last else "", stuck if row["stuck"] else "",
        ]


@bp.route("/wards/<code>/follow-ups", defaults={"fmt": "html"})
@bp.route("/wards/<code>/follow-ups.<fmt>")
@roles_required(*OFFICIAL_VIEWERS)
def follow_ups(code, fmt):
    """Places of a ward with follow-ups: last action, reminders, and who is still not registered."""
    ward = ward_for(current_user, code)
    stuck = request.args.get("stuck") == "1"
    places = follow_up_places(ward.code, stuck_only=stuck)
    if fmt != "html":
        header = [_("Kind"), _("Registration number"), _("Venue code"), _("Place name"), _("Address"),
                  _("Category"), _("Reminders"), _("Follow-ups"), _("Last action"), _("Date"), _("Note"),
                  _("Reminded 3+ times, not registered")]
        return export_response(fmt, f"follow-ups-{ward.code}", _("Follow-ups"), header,
                               _follow_up_rows(with_last_actions(places, ward.code)))
    pages = max(1, -(-len(places) // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    shown = with_last_actions(places[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], ward.code)
    return render_template("registry/follow_ups.html", ward=ward, places=shown, stuck=stuck, page=page,
                           pages=pages, total=len(places), categories=CATEGORIES,
                           stuck_count=sum(1 for p in places if p["stuck"]))
