"""The province's checkpoints side by side: today's crossings, rejected scans and gaps per checkpoint."""
from flask import current_app, render_template
from flask_login import current_user

from ...clock import day_bounds, utcnow
from ...security import roles_required
from ...venues.access import visible_venues
from .. import bp
from ..checkpoint_figures import compare_checkpoints

#: Who compares checkpoints: the province office, and ward officials for the checkpoints of their wards.
COMPARE_ROLES = ("province_admin", "ward_official")


@bp.route("/checkpoints/figures")
@roles_required(*COMPARE_ROLES)
def checkpoint_comparison():
    """Each checkpoint the official may see, today: crossings, rejected scans, gaps, the last hour."""
    tz = current_app.config["PORTAL_TIMEZONE"]
    now = utcnow()
    start, end = day_bounds(now, tz)
    rows = compare_checkpoints(visible_venues(current_user), start, end, now, tz)
    return render_template("staff/checkpoint_comparison.html", rows=rows, day=start, now=now)
