"""Zone levels, high-risk places and the periodic report."""
from datetime import date, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models_base import utcnow
from ..security import OFFICIAL_VIEWERS, roles_required, visible_ward_codes, visible_wards, ward_for
from .exporting import export_response
from .forms import ZoneForm
from .highrisk import DAYS, HIGH_RISK, high_risk_venues
from .models import LEVELS, SHORT_LEVELS
from .periodic import FIGURE_TITLES, periodic_report, report_header, report_rows, report_wards
from .periods import local_today
from .routes import bp
from .zones import history, levels_on, set_level

LEVEL_FILTERS = {"": None, "low": {1, 2}, "1": {1}, "2": {2}, "3": {3}, "4": {4}}


@bp.route("/zones", methods=["GET", "POST"])
@roles_required(*OFFICIAL_VIEWERS)
def zones():
    """Every visible ward's level today; a province admin sets a new level from a date."""
    now = utcnow()
    wards = db.session.scalars(visible_wards(current_user)).all()
    form = None
    if current_user.role == "province_admin":
        form = ZoneForm()
        form.set_wards(wards)
        if form.validate_on_submit():
            ward = next((w for w in wards if w.code == form.ward_code.data), None)
            if ward is None:
                form.ward_code.errors.append(_("Choose the ward or commune."))
            else:
                set_level(current_user, ward, int(form.level.data), form.effective_on.data, form.note.data, now)
                db.session.commit()
                flash(_("Level %(level)s for %(ward)s from %(date)s is saved.", level=form.level.data,
                        ward=ward.name, date=form.effective_on.data.strftime("%d/%m/%Y")))
                return redirect(url_for("reports.zones"))
    elif request.method == "POST":
        abort(404)
    status = 422 if form is not None and form.errors else 200
    return render_template("reports/zones.html", wards=wards, form=form, levels=LEVELS,
                           current=levels_on(visible_ward_codes(current_user), local_today(now))), status


@bp.route("/zones/<code>")
@roles_required(*OFFICIAL_VIEWERS)
def zone_history(code):
    """A ward's zone levels over time."""
    ward = ward_for(current_user, code)
    today = local_today(utcnow())
    return render_template("reports/zone_history.html", ward=ward, entries=history(ward),
                           current=levels_on([ward.code], today).get(ward.code), today=today)


@bp.route("/high-risk", defaults={"fmt": "html"})
@bp.route("/high-risk.<fmt>")
@roles_required(*OFFICIAL_VIEWERS)
def high_risk(fmt):
    """Markets, supermarkets, boarding houses, stations and factories with the most visitors in 7 days."""
    now = utcnow()
    level_filter = request.args.get("level", "") if request.args.get("level", "") in LEVEL_FILTERS else ""
    wards = db.session.scalars(visible_wards(current_user)).all()
    levels = levels_on([w.code for w in wards], local_today(now))
    wanted = LEVEL_FILTERS[level_filter]
    if wanted is not None:
        wards = [w for w in wards if w.code in levels and levels[w.code].level in wanted]
    found = high_risk_venues([w.code for w in wards], now) if wards else {}
    sections = [(w, levels.get(w.code), found[w.code]) for w in wards if w.code in found]
    if fmt != "html":
        header = [_("Ward code"), _("Ward"), _("Level"), _("Venue code"), _("Place name"), _("Address"),
                  _("Category"), _("Visitors"), _("Check-ins")]
        rows = ([w.code, w.name, level.level if level else "", v.short_code, v.name, v.address,
                 str(v.category_label), visitors, checkins]
                for w, level, entries in sections for v, visitors, checkins in entries)
        return export_response(fmt, "high-risk", _("High-risk places"), header, rows)
    return render_template("reports/high_risk.html", sections=sections, level_filter=level_filter,
                           short_levels=SHORT_LEVELS, days=DAYS, categories=HIGH_RISK)


def _report_day(raw, today):
    try:
        day = date.fromisoformat(raw) if raw else today - timedelta(days=1)
    except ValueError:
        return None
    return day if date(2020, 1, 1) <= day <= today else None


@bp.route("/periodic", defaults={"fmt": "html"})
@bp.route("/periodic.<fmt>")
@roles_required(*OFFICIAL_VIEWERS)
def periodic(fmt):
    """The daily or weekly report per ward, each figure with its change; printable, CSV and XLSX."""
    today = local_today(utcnow())
    kind = "weekly" if request.args.get("period") == "weekly" else "daily"
    day = _report_day(request.args.get("date"), today)
    error = None
    if day is None:
        error = _("Choose a date from 01/01/2020 to today, as YYYY-MM-DD.")
        day = today - timedelta(days=1)
    wards = report_wards(visible_ward_codes(current_user), current_app.config["PORTAL_PROVINCE"])
    report = periodic_report(wards, kind, day)
    if fmt != "html":
        if error:
            abort(404)
        return export_response(fmt, f"{kind}-report-{day.isoformat()}", _("Report"), report_header(),
                               report_rows(report))
    return render_template("reports/periodic.html", report=report, kind=kind, day=day, error=error,
                           titles=FIGURE_TITLES, short_levels=SHORT_LEVELS), 422 if error else 200
