"""The scanner page and checkpoint figures (thin: parse, check access, call, render)."""
import re
import secrets
from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..extensions import csrf, db
from ..models_base import utcnow
from ..security import roles_required, venue_for, visible_venues
from . import figures as figures_module
from .forms import ScanForm
from .scanning import ScanResult, rescan, scan_pass
from .services import venues_of

bp = Blueprint("staff", __name__, url_prefix="/staff")

SCANNER_ROLES = ("staff", "checkpoint", "owner")
FIGURES_ROLES = ("staff", "checkpoint", "owner", "province_admin", "ward_official")
DEVICE_COOKIE = "vaora_scanner"
_DEVICE = re.compile(r"^[0-9a-f]{12}$")


def scanner_device():
    """The scanning browser's lane id from its cookie (a new one when missing)."""
    device = request.cookies.get(DEVICE_COOKIE, "")
    return device if _DEVICE.match(device) else None


def _with_device(response, device):
    if request.cookies.get(DEVICE_COOKIE) != device:
        response.set_cookie(
            DEVICE_COOKIE, device, max_age=365 * 24 * 3600, path="/staff", httponly=True,
            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@bp.route("/")
@roles_required("staff", "checkpoint", "owner", "province_admin")
def index():
    """Where staff start: their venues with the scanner; one venue opens its scanner at once."""
    if current_user.role in ("staff", "checkpoint"):
        venues = venues_of(current_user)
        if len(venues) == 1:
            return redirect(url_for("staff.scan", code=venues[0].short_code))
    else:
        venues = list(db.session.scalars(visible_venues(current_user).order_by("name")))
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


def fresh_form(form):
    """A form shown for a new submission, with its one-time key."""
    form.nonce.data = secrets.token_hex(16)
    return form


def _render_scanner(venue, result, device, status=200):
    form = fresh_form(ScanForm(formdata=None))
    body = render_template("staff/scan.html", venue=venue, form=form, result=result)
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "no-store"
    return _with_device(response, device)


@bp.route("/<code>/scan", methods=["GET", "POST"])
@csrf.exempt  # checked by the form below, after the login check: an expired session goes to login
@roles_required(*SCANNER_ROLES)
def scan(code):
    """The scanner: one focused input a barcode scanner fills with the pass number and Enter."""
    venue = venue_for(current_user, code)
    device = scanner_device() or secrets.token_hex(6)
    if request.method == "GET":
        return _render_scanner(venue, None, device)
    form = ScanForm()
    if not form.validate():
        return _render_scanner(venue, ScanResult("expired"), device, 400)
    raw = (form.token.data or "")[:1000]
    nonce = form.nonce.data
    window = timedelta(seconds=current_app.config["PORTAL_HOUSEHOLD_WINDOW_SECONDS"])
    try:
        result = scan_pass(raw, venue, current_user, device, utcnow(), nonce=nonce, household_window=window)
        _commit_keeping_loaded()
    except IntegrityError:  # this form was submitted before (a reload): undo, toggle nothing
        db.session.rollback()
        result = rescan(raw, venue, utcnow())
        db.session.commit()
    return _render_scanner(venue, result, device)


@bp.route("/<code>/figures")
@roles_required(*FIGURES_ROLES)
def figures(code):
    """Today's scans at a venue: per scanner device and hour, time between scans, failures."""
    venue = venue_for(current_user, code)
    tz = current_app.config["PORTAL_TIMEZONE"]
    now = utcnow()
    start, end = figures_module.local_day(now, tz)
    return render_template(
        "staff/figures.html", venue=venue, day=start, now=now,
        figures=figures_module.venue_figures(venue, start, end, tz),
    )


from . import assist_routes  # noqa: E402,F401  (assisted check-in)
from . import team_routes  # noqa: E402,F401  (staff accounts and checkpoint officers)
