"""Province admins read the audit log; there is no route to change or delete an entry."""
from datetime import timedelta

from flask import Response, abort, render_template, request
from flask_login import current_user
from markupsafe import Markup

from .. import signals
from ..clock import local_date, utcnow
from ..extensions import db
from ..security import roles_required
from . import download
from .forms import AuditFilterForm
from .labels import action_label, role_label
from .services import entries_for_export, entries_page, entries_since, record
from . import bp

PER_PAGE = 50


def _page_number():
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < 100000 else 1


def _log_page(form, entries=(), total=0, page=1, status=200):
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    return render_template(
        "audit/index.html", form=form, entries=entries, total=total, page=page, pages=pages,
        args=form.query_args() if not form.errors else {}, action_label=action_label, role_label=role_label,
        max_export=download.MAX_ROWS,
    ), status


@bp.route("/")
@roles_required("province_admin")
def index():
    """Who looked at or exported personal data, newest first, narrowed by account, action and days."""
    form = AuditFilterForm(formdata=request.args)
    if not form.validate():
        return _log_page(form, status=422)
    page = _page_number()
    entries, total = entries_page(page, PER_PAGE, where=form.audit_filter())
    return _log_page(form, entries, total, page)


@bp.route("/export.<fmt>")
@roles_required("province_admin")
def export(fmt):
    """The filtered log as CSV or XLSX (at most download.MAX_ROWS entries); the export is audited."""
    if fmt not in download.MIMETYPES:
        abort(404)
    form = AuditFilterForm(formdata=request.args)
    if not form.validate():
        return _log_page(form, status=422)
    where, now = form.audit_filter(), utcnow()
    entries = entries_for_export(where, download.MAX_ROWS)
    body, mimetype = download.render(fmt, entries)
    record(current_user, None, "audit_export", {**where.described(), "format": fmt}, len(entries), now)
    db.session.commit()
    name = f"audit-log-{local_date(now):%Y%m%d}.{fmt}"
    # content_type, not mimetype: Flask would append a second charset to "text/csv; charset=utf-8".
    return Response(body, content_type=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def province_panel(actor, now):
    """On the province dashboard: how many look-ups and exports tracers made this week."""
    count = entries_since(now - timedelta(days=7))
    return Markup(render_template("audit/_province_panel.html", count=count))


def connect(app):
    """Connect the province dashboard's audit panel."""
    signals.province_panels.connect(province_panel, sender=app)
