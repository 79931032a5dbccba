"""The periodic report to the steering committee, as a page and a download."""
from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from ...clock import utcnow
from ...extensions import reads_from_replica
from ...security import OFFICIAL_VIEWERS, roles_required, visible_ward_codes
from ...exports import export_response
from ..models import SHORT_LEVELS
from ...clock import local_date
from datetime import date, datetime, timedelta
from flask import current_app
from ..periodic import INSPECTION_TITLES
from ..periodic import FIGURE_TITLES, last_day_with_visits, periodic_report, report_header, report_rows, report_wards
from ... import signals
from ...cases.classification import CARE_PLACES, RISK_LEVELS
from .. import bp

def _report_day(raw, today):
    """The day typed as 25/11/2026 (or 2026-11-25, as a date picker sends it), or None."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
        return day if date(2020, 1, 1) <= day <= today else None
    return None


@bp.route("/periodic", defaults={"fmt": "html"})
@bp.route("/periodic.<fmt>")
@roles_required(*OFFICIAL_VIEWERS)
@reads_from_replica
def periodic(fmt):
    """The daily or weekly report per ward, each figure with its change; printable, CSV and XLSX."""
    now = utcnow()
    today = local_date(now)
    kind = "weekly" if request.args.get("period") == "weekly" else "daily"
    ward_codes = visible_ward_codes(current_user)
    raw, error = request.args.get("date", "")[:40], None
    if raw.strip():
        day = _report_day(raw, today)
        if day is None:
            error = _("Choose a date from 01/01/2020 to today, for example 25/11/2026.")
    if not raw.strip() or error:
        day = last_day_with_visits(ward_codes, now) or today - timedelta(days=1)
    wards = report_wards(ward_codes, current_app.config["PORTAL_PROVINCE"])
    report = periodic_report(wards, kind, day)
    if fmt != "html":
        if error:
            abort(404)
        return export_response(fmt, f"{kind}-report-{day.isoformat()}", _("Report"), report_header(),
                               report_rows(report))
    bounds = report["period"]
    sections = signals.collect(signals.periodic_sections, wards=wards, start=bounds["start"], end=bounds["end"],
                               first_day=bounds["first_day"], last_day=bounds["last_day"])
    return render_template("reports/periodic.html", report=report, kind=kind, day=day, error=error,
                           sections=sections, risk_levels=RISK_LEVELS, care_places=CARE_PLACES,
                           titles=FIGURE_TITLES, short_levels=SHORT_LEVELS,
                           inspection_titles=INSPECTION_TITLES), 422 if error else 200
