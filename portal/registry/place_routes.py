"""Follow-ups: the official's view of a venue, recording actions, and the ward's follow-up list."""
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
from .followups import follow_up_places, history, record_follow_up, with_last_actions
from .forms import FollowUpForm
from .models import Establishment
from .routes import _establishment_page, _today, bp


@bp.route("/establishments/<number>/follow-ups", methods=["POST"])
@roles_required(*OFFICIAL_VIEWERS)
def establishment_follow_up(number):
    """Record an action on an establishment."""
    place = establishment_for(current_user, number)
    form = FollowUpForm(today=_today())
    if not form.validate_on_submit():
        return _establishment_page(place, form, 422)
    record_follow_up(current_user, establishment=place, action=form.action.data,
                     action_on=form.action_on.data, note=form.note.data, now=utcnow())
    db.session.commit()
    flash(_("Follow-up recorded."))
    return redirect(url_for("registry.establishment", number=place.registration_number))


def _venue_page(venue, form, status=200):
    matched = db.session.scalar(db.select(Establishment).where(Establishment.venue_id == venue.id))
    return render_template(
        "registry/venue.html", venue=venue, form=form, figures=venue_figures(venue, utcnow()),
        establishment=matched, follow_ups=history(venue=venue),
    ), status


@bp.route("/venues/<code>/")
@roles_required(*OFFICIAL_VIEWERS)
def venue(code):
    """A venue as officials see it: details and venue-level figures, never visitors."""
    return _venue_page(venue_for(current_user, code), FollowUpForm(today=_today()))


@bp.route("/venues/<code>/follow-ups", methods=["POST"])
@roles_required(*OFFICIAL_VIEWERS)
def venue_follow_up(code):
    """Record an action on a venue."""
    place = venue_for(current_user, code)
    form = FollowUpForm(today=_today())
    if not form.validate_on_submit():
        return _venue_page(place, form, 422)
    record_follow_up(current_user, venue=place, action=form.action.data, action_on=form.action_on.data,
                     note=form.note.data, now=utcnow())
    db.session.commit()
    flash(_("Follow-up recorded."))
    return redirect(url_for("registry.venue", code=place.short_code))


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
