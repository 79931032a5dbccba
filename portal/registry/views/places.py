"""The official's view of one establishment or venue: follow-ups, suspending and reopening a venue."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from ... import signals
from ...extensions import db
from ...clock import local_date, utcnow
from ...security import OFFICIAL_VIEWERS, roles_required, visible_ward_codes
from ..access import establishment_for
from ...venues.access import venue_for
from ..followups import history
from ..forms import FollowUpForm
from ..models import Establishment, MatchProposal
from ...checkin.figures import venue_activity
from ...venues.services import STATUS_REASON_MAX, VenueError
from ..followups import decided_venue, record_follow_up
from ..forms import ReopenForm, SuspendForm
from .. import bp

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


@bp.route("/establishments/<number>/")
@roles_required(*OFFICIAL_VIEWERS)
def establishment(number):
    """One establishment: registry data, its venue or proposals, follow-ups."""
    place = establishment_for(current_user, number)
    return _establishment_page(place, FollowUpForm(today=_today()))


def _today():
    return local_date(utcnow())


def _establishment_page(place, form, status=200):
    found = db.session.scalars(
        select(MatchProposal).options(joinedload(MatchProposal.venue)).where(MatchProposal.establishment_id == place.id)
        .order_by(MatchProposal.status != "open", MatchProposal.score.desc())
    ).all()
    visible = visible_ward_codes(current_user)
    found = [p for p in found if visible is None or p.venue.ward_code in visible]
    return render_template("registry/establishment.html", place=place, proposals=found, form=form,
                           follow_ups=history(establishment=place),
                           history_sections=signals.collect(signals.place_history, actor=current_user,
                                                            venue=place.venue)), status


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
        "registry/venue.html", venue=venue, form=form, figures=venue_activity(venue, utcnow()),
        establishment=matched, follow_ups=history(venue=venue), decision_form=decision_form,
        history_sections=signals.collect(signals.place_history, actor=current_user, venue=venue),
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
