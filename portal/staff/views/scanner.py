"""The scanner page and a venue's lane figures (thin: parse, check access, call, render)."""
import secrets
from datetime import timedelta
from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from ...extensions import csrf, db
from ...clock import day_bounds, utcnow
from ...security import roles_required
from ...venues.access import venue_for, visible_venues
from flask_babel import gettext as _
from .. import crossings
from .. import figures as figures_module
from ..checkpoint_figures import checkpoint_figures
from ..forms import ScanForm
from ..scanning import Passage, ScanResult, rescan, scan_pass
from ..services import venues_of
from .. import bp
from .lanes import FIGURES_ROLES, SCANNER_ROLES, check_word, fresh_form, scanner_device, with_device

@bp.route("/")
@roles_required("staff", "checkpoint", "owner", "province_admin")
def index():
    """Where staff start: their venues with the scanner; one venue opens its scanner at once."""
    if current_user.role in ("staff", "checkpoint"):
        venues = venues_of(current_user)
        if len(venues) == 1:
            return redirect(url_for("staff.scan", code=venues[0].short_code))
    else:
        venues = list(db.session.scalars(visible_venues(current_user).order_by("name_sort", "id")))
        if current_user.role == "province_admin":
            venues = [v for v in venues if v.category == "checkpoint"]
    return render_template("staff/index.html", venues=venues)


def _commit_keeping_loaded():
    """Commit without expiring what is loaded: the page drawn next needs no reload.

    The scan is the hot path of a checkpoint lane; reloading the user and the venue after the
    commit would cost four more queries per scan.
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _render_scanner(venue, result, device, status=200, checkpoint=None, form=None):
    """The scanner page; at a checkpoint, `checkpoint` is (lanes, lane chosen or None, direction chosen)."""
    lanes, lane, direction = checkpoint or ((), None, None)
    if form is None:
        form = fresh_form(ScanForm(formdata=None))
        form.direction.data = direction
    body = render_template("staff/scan.html", venue=venue, form=form, result=result, word=check_word(venue),
                           checkpoint=checkpoint is not None, lanes=lanes, lane=lane)
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "no-store"
    return with_device(response, device)


@bp.route("/<code>/scan", methods=["GET", "POST"])
@csrf.exempt  # checked by the form below, after the login check: an expired session goes to login
@roles_required(*SCANNER_ROLES)
def scan(code):
    """The scanner: one focused input a barcode scanner fills with the pass number and Enter."""
    venue = venue_for(current_user, code)
    device = scanner_device() or secrets.token_hex(6)
    checkpoint = None
    if crossings.is_checkpoint(venue):
        lanes = crossings.lanes_of(venue)
        lane = crossings.lane_at(venue, request.args.get("lane"))
        checkpoint = (lanes, lane, None)
        if lanes and lane is None:  # the officer first says which lane they stand at
            return _render_scanner(venue, None, device, 200 if request.method == "GET" else 422, checkpoint)
    if request.method == "GET":
        return _render_scanner(venue, None, device, checkpoint=checkpoint)
    form = ScanForm()
    if not form.validate():
        return _render_scanner(venue, ScanResult("expired"), device, 400, checkpoint)
    passage = None
    if checkpoint is not None:
        passage, checkpoint = _passage(form, checkpoint)
        if passage is None:
            return _render_scanner(venue, None, device, 422, checkpoint, form=form)
    raw = form.token.data or ""  # the scanning rules refuse an over-long paste before parsing it
    nonce = form.nonce.data
    window = timedelta(seconds=current_app.config["PORTAL_HOUSEHOLD_WINDOW_SECONDS"])
    try:
        result = scan_pass(raw, venue, current_user, device, utcnow(), nonce=nonce, household_window=window,
                           passage=passage)
        _commit_keeping_loaded()
    except IntegrityError:  # this form was submitted before (a reload): undo, toggle nothing
        db.session.rollback()
        result = rescan(raw, venue, utcnow(), passage)
        db.session.commit()
    return _render_scanner(venue, result, device, checkpoint=checkpoint)


def _passage(form, checkpoint):
    """(Passage or None, checkpoint) of a checkpoint scan: the lane's direction, else the one chosen."""
    lanes, lane, _direction = checkpoint
    if lane is not None:
        return Passage(lane.direction, lane), checkpoint
    direction = form.direction.data
    if direction not in ("in", "out"):
        form.direction.errors = [_("Choose which way the person crosses.")]
        return None, checkpoint
    return Passage(direction), (lanes, None, direction)


@bp.route("/<code>/figures")
@roles_required(*FIGURES_ROLES)
def figures(code):
    """Today's scans at a venue: per scanner device and hour, time between scans, failures."""
    venue = venue_for(current_user, code)
    tz = current_app.config["PORTAL_TIMEZONE"]
    now = utcnow()
    start, end = day_bounds(now, tz)
    checkpoint = checkpoint_figures(venue, start, end, now, tz) if crossings.is_checkpoint(venue) else None
    return render_template(
        "staff/figures.html", venue=venue, day=start, now=now, checkpoint=checkpoint,
        figures=figures_module.lane_figures(venue, start, end, tz),
    )
