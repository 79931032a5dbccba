"""Dashboards and the three ward lists."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from .. import signals
from ..extensions import db
from ..models_base import utcnow
from ..registry.models import Establishment, MatchProposal
from ..security import OFFICIAL_VIEWERS, roles_required, visible_ward_codes, visible_wards, ward_for
from ..text import display_phone
from ..venues.models import CATEGORIES
from . import lists
from .charts import bar_chart, meter
from .exporting import export_response
from .figures import daily_checkins, totals, ward_figures, ward_summary
from .models import SHORT_LEVELS
from .periods import local_today
from .zones import levels_on

bp = Blueprint("reports", __name__, url_prefix="/reports")

LIST_TITLES = {
    "not-registered": lambda: _("Not registered"),
    "not-used": lambda: _("Registered, not used"),
    "no-exits": lambda: _("Entries without exits"),
}


def _chart(points):
    return bar_chart([(d.strftime("%d/%m"), n) for d, n in points], _("Check-ins per day, last 14 days"))


@bp.route("/")
@roles_required(*OFFICIAL_VIEWERS)
def dashboard():
    """Coverage and activity for every ward the official may see (the province dashboard for admins)."""
    codes = visible_ward_codes(current_user)
    if codes is not None and len(codes) == 1:
        return redirect(url_for("reports.ward", code=next(iter(codes))))
    now = utcnow()
    wards = db.session.scalars(visible_wards(current_user)).all()
    figures = ward_figures(codes, now)
    days = daily_checkins(codes, now)
    panels = []
    if current_user.role == "province_admin":
        panels = signals.collect(signals.province_panels, actor=current_user, now=now)
    return render_template(
        "reports/dashboard.html", wards=wards, figures=figures, total=totals(figures), days=days,
        chart=_chart(days), meter=meter, levels=levels_on(codes, local_today(now)), panels=panels,
        short_levels=SHORT_LEVELS,
    )


@bp.route("/wards/<code>/")
@roles_required(*OFFICIAL_VIEWERS)
def ward(code):
    """One ward's dashboard: coverage, activity, zone level and the way into the lists."""
    ward = ward_for(current_user, code)
    now = utcnow()
    figures, days = ward_summary(ward.code, now)
    open_proposals = db.session.scalar(
        select(func.count()).select_from(MatchProposal)
        .join(Establishment, Establishment.id == MatchProposal.establishment_id)
        .where(Establishment.ward_code == ward.code, MatchProposal.status == "open"))
    return render_template(
        "reports/ward.html", ward=ward, figures=figures, days=days, chart=_chart(days), meter=meter,
        level=levels_on([ward.code], local_today(now)).get(ward.code), open_proposals=open_proposals,
        list_titles=LIST_TITLES, short_levels=SHORT_LEVELS,
    )


def _list_export_rows(kind, rows):
    labels = {code: str(label) for code, label in CATEGORIES.items()}
    actions = {}
    for row in rows:
        place, last = row["place"], row["last"]
        if last is not None and last.action not in actions:
            actions[last.action] = str(last.action_label)
        tail = [row["reminders"], actions[last.action] if last else "", last.action_on if last else None]
        category = labels.get(place.category, place.category)
        if kind == "not-registered":
            yield [place.registration_number, place.name, place.address, category] + tail
        elif kind == "not-used":
            yield [place.short_code, place.name, place.address, category, display_phone(place.contact_phone),
                   place.created_at, row["last_in"]] + tail
        else:
            yield [place.short_code, place.name, place.address, category, row["closed"],
                   row["proper"], row["share"]] + tail


def _list_header(kind):
    tail = [_("Reminders"), _("Last action"), _("Date")]
    if kind == "not-registered":
        return [_("Registration number"), _("Place name"), _("Address"), _("Category")] + tail
    if kind == "not-used":
        return [_("Venue code"), _("Place name"), _("Address"), _("Category"), _("Contact phone"),
                _("Registered on"), _("Last check-in")] + tail
    return [_("Venue code"), _("Place name"), _("Address"), _("Category"), _("Closed visits"),
            _("Checked out by the visitor"), _("Share (%)")] + tail


@bp.route("/wards/<code>/<kind>", defaults={"fmt": "html"})
@bp.route("/wards/<code>/<kind>.<fmt>")
@roles_required(*OFFICIAL_VIEWERS)
def ward_list(code, kind, fmt):
    """A ward list (not registered / not used / entries without exits): page, print, CSV or XLSX."""
    ward = ward_for(current_user, code)
    if kind not in lists.KINDS or fmt not in ("html", "csv", "xlsx"):
        abort(404)
    query = lists.ListQuery.parse(kind, ward.code, request.args)
    printing = request.args.get("print") == "1"
    rows, total = lists.fetch(query, utcnow(), everything=printing or fmt != "html")
    if fmt != "html":
        return export_response(fmt, f"{kind}-{ward.code}", LIST_TITLES[kind](), _list_header(kind),
                               _list_export_rows(kind, rows))
    template = "reports/list_print.html" if printing else "reports/list.html"
    return render_template(
        template, ward=ward, kind=kind, title=LIST_TITLES[kind](), query=query, rows=rows, total=total,
        pages=lists.pages(total), categories=CATEGORIES, list_titles=LIST_TITLES,
        printed=utcnow(),
    )


from . import more_routes  # noqa: E402,F401  (zones, high-risk and periodic report on the same blueprint)
