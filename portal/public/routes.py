"""Home page, the short-code box and the health check (the venue pages live in checkin)."""
from flask import jsonify, redirect, render_template, request, url_for
from sqlalchemy import text

from ..errors import RETRY_AFTER_SECONDS, not_found
from ..extensions import db
from ..identifiers import is_short_code, normalise_short_code
from . import bp



@bp.route("/")
def index():
    """What this is, a box for a venue's short code, links for owners and officials."""
    return render_template("public/index.html")


@bp.route("/c")
def code_box():
    """The code box submits here (GET, works without JavaScript)."""
    code = normalise_short_code(request.args.get("code"))
    if not is_short_code(code):
        not_found("public/code_not_found.html", code=code[:20])
    return redirect(url_for("checkin.by_code", code=code))


@bp.route("/healthz")
def healthz():
    """Liveness and database check; no personal data."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        database = "unavailable"
    if database == "ok":
        return jsonify(status="ok", database=database), 200
    # Answered within PORTAL_DB_CONNECT_TIMEOUT / PORTAL_DB_QUERY_TIMEOUT even when frozen.
    return jsonify(status="error", database=database), 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
