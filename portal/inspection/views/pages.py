"""The inspector's pages: the venues in scope, one venue's inspection page, poster checks, the record."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...clock import local_date, utcnow
from ...collation import sort_key
from ...extensions import db
from ...forms_common import INVALID
from ...identifiers import normalise_short_code
from ...security import roles_required
from ...venues.entrances import entrances_of
from ...venues.models import Venue
from .. import bp
from ..access import INSPECTING_ROLES, inspectable_venues, venue_for_inspection
from ..forms import PosterForm, RecordForm
from ..models import CHECKLIST
from ..records import RecordError, add_check, discard_check, inspections_of, pending_checks, record_inspection
from ..suspension import open_proposals
from .suspension import DECIDERS, proposal_reasons
from ..verify import PAYLOAD_MAX, Malformed, verify_poster

LIST_MAX = 200  # venues listed at once; the code box finds any other

MALFORMED = {
    "empty": lambda: _("Scan the poster's QR or type the code printed under it."),
    "long": lambda: _("This is far longer than any poster's QR (at most %(max)d characters): it is not a "
                      "poster of this portal.", max=PAYLOAD_MAX),
    "control": lambda: _("This text holds invisible control characters: it is not a poster of this portal."),
}

RECORD_ERRORS = {
    "result": lambda: _("Choose the result."),
    "fix_by_missing": lambda: _("Enter the date by which the owner must fix it."),
    "fix_by_past": lambda: _("The date to fix by must be after today."),
    "note_long": lambda: _("Use at most %(max)d characters.", max=1000),
    "note_plain": lambda: _("Do not use the characters < and > or invisible control characters."),
    "note_missing": lambda: _("Write what the owner must fix or what was wrong."),
    "suspension_without_violation": lambda: _("Only a violation can propose a suspension."),
}


def _today():
    return local_date(utcnow(), current_app.config.get("PORTAL_TIMEZONE"))


@bp.route("/")
@roles_required(*INSPECTING_ROLES)
def index():
    """The venues this account inspects, and a box to open one by its code."""
    code = normalise_short_code(request.args.get("code", ""))[:10]
    if code:
        return redirect(url_for("inspection.venue", code=code))
    venues = db.session.scalars(inspectable_venues(current_user).order_by(Venue.name_sort, Venue.id)
                                .limit(LIST_MAX + 1)).all()
    venues = sorted(venues, key=lambda v: (sort_key(v.name), v.id))
    proposals = open_proposals(inspectable_venues(current_user)) if current_user.role == "ward_official" else []
    return render_template("inspection/index.html", venues=venues[:LIST_MAX], more=len(venues) > LIST_MAX,
                           proposals=proposals)


def _page(venue, poster_form=None, record_form=None, status=200):
    last_id = request.args.get("last", type=int)
    checks = pending_checks(current_user, venue, utcnow())
    last = next((c for c in checks if c.id == last_id), None)
    found = inspections_of(venue)
    return render_template(
        "inspection/venue.html", venue=venue, entrances=entrances_of(venue), checks=checks, last=last,
        poster_form=poster_form or PosterForm(formdata=None), record_form=record_form or RecordForm(formdata=None),
        checklist=CHECKLIST, inspections=found, may_decide=current_user.role in DECIDERS,
        reasons=proposal_reasons(found),
    ), status


@bp.route("/<code>/")
@roles_required(*INSPECTING_ROLES)
def venue(code):
    """One venue's inspection page: its expected posters, the scan box, the record form, past inspections."""
    return _page(venue_for_inspection(current_user, code))


@bp.route("/<code>/posters", methods=["POST"])
@roles_required(*INSPECTING_ROLES)
def check_poster(code):
    """Judge one scanned or typed poster at once and keep its verdict for the record."""
    place = venue_for_inspection(current_user, code)
    form = PosterForm()
    if form.validate_on_submit():
        try:
            verdict = verify_poster(form.payload.data, place, current_app.config["PORTAL_BASE_URL"])
        except Malformed as exc:
            form.payload.errors = [MALFORMED[exc.code]()]
            form.payload.data = ""  # never echo a huge or invisible paste back into the page
        else:
            check = add_check(current_user, place, verdict, utcnow())
            db.session.commit()
            return redirect(url_for("inspection.venue", code=place.short_code, last=check.id) + "#verdict")
    return _page(place, poster_form=form, status=INVALID)


@bp.route("/<code>/posters/<int:check_id>/remove", methods=["POST"])
@roles_required(*INSPECTING_ROLES)
def remove_poster(code, check_id):
    """Take back a poster checked by mistake (before the inspection is recorded)."""
    place = venue_for_inspection(current_user, code)
    if discard_check(current_user, place, check_id):
        db.session.commit()
        flash(_("The poster check is removed."))
    return redirect(url_for("inspection.venue", code=place.short_code) + "#checks")


@bp.route("/<code>/record", methods=["POST"])
@roles_required(*INSPECTING_ROLES)
def record(code):
    """Record the inspection with the posters checked, the checklist, the result and the note."""
    place = venue_for_inspection(current_user, code)
    form = RecordForm()
    if form.validate_on_submit():
        try:
            record_inspection(
                current_user, place, checklist={c: getattr(form, c).data for c, _label in CHECKLIST},
                result=form.result.data, fix_by=form.fix_by.data, note=form.note.data,
                propose_suspension=form.propose_suspension.data, now=utcnow(), today=_today())
        except RecordError as exc:
            db.session.rollback()
            field = getattr(form, exc.field)
            field.errors = list(field.errors) + [RECORD_ERRORS[exc.code]()]
        else:
            db.session.commit()
            flash(_("The inspection is recorded. The owner sees the result on their venue page."))
            return redirect(url_for("inspection.venue", code=place.short_code) + "#history")
    return _page(place, record_form=form, status=INVALID)


