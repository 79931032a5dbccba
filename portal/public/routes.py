"""Home page, the short-code box, the poster URL and the health check."""
from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from sqlalchemy import text

from ..extensions import db
from ..venues.services import normalise_code, venue_by_code, venue_by_token

bp = Blueprint("public", __name__)


@bp.route("/")
def index():
    """What this is, a box for a venue's short code, links for owners and officials."""
    return render_template("public/index.html")


@bp.route("/c")
def code_box():
    """The code box submits here (GET, works without JavaScript)."""
    code = normalise_code(request.args.get("code"))
    if not code:
        return render_template("public/code_not_found.html", code=""), 404
    return redirect(url_for("public.by_code", code=code))


@bp.route("/c/<code>")
def by_code(code):
    """A short code typed by hand: the same page as the QR link."""
    venue = venue_by_code(code)
    if venue is None:
        return render_template("public/code_not_found.html", code=code[:20]), 404
    return render_template("public/venue.html", venue=venue)


@bp.route("/v/<token>")
def by_token(token):
    """The QR target."""
    venue, retired = venue_by_token(token)
    if venue is None:
        return render_template("public/token_unknown.html"), 404
    if retired:
        return render_template("public/token_retired.html"), 410
    return render_template("public/venue.html", venue=venue)


@bp.route("/healthz")
def healthz():
    """Liveness and database check; no personal data."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "error", database=database), status
