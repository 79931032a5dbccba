"""Province admins read the audit log; there is no route to change or delete an entry."""
from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .. import signals
from ..security import roles_required
from .services import entries_page, entries_since

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 50
ACTION_LABELS = {
    "case": _l("Opened the case"),
    "lookup": _l("Looked a person up"),
    "visits": _l("Listed the person's visits"),
    "contacts": _l("Listed contacts"),
    "export": _l("Exported contacts"),
    "exposure": _l("Marked an exposure window"),
    "suspend": _l("Suspended a venue"),
    "reopen": _l("Reopened a venue"),
    "assist_lookup": _l("Staff looked a person up by phone and year of birth"),
    "assist_in": _l("Staff checked a person in (assisted)"),
    "assist_out": _l("Staff checked a person out (assisted)"),
    "card": _l("Printed a pass card for someone else"),
    "expire": _l("Deleted audit entries older than the period given"),
    "login_unpause": _l("Allowed an account to log in again after wrong passwords"),
    "new_password": _l("Gave an account a new first password"),
}


@bp.route("/")
@roles_required("province_admin")
def index():
    """Who looked at or exported personal data, newest first."""
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    entries, total = entries_page(page, PER_PAGE)
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    return render_template("audit/index.html", entries=entries, total=total, page=page, pages=pages,
                           action_labels=ACTION_LABELS)


def province_panel(actor, now):
    """On the province dashboard: how many look-ups and exports tracers made this week."""
    count = entries_since(now - timedelta(days=7))
    return Markup(render_template("audit/_province_panel.html", count=count))


def init_app(app):
    """Register the blueprint and the province dashboard's audit panel."""
    app.register_blueprint(bp)
    signals.province_panels.connect(province_panel, sender=app)
