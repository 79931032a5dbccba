"""Zone levels of the wards and their history, and the high-risk places of red and orange zones."""
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from ...extensions import db
from ...clock import utcnow
from ...extensions import reads_from_replica
from ...security import OFFICIAL_VIEWERS, roles_required, visible_ward_codes
from ...divisions.access import visible_wards, ward_for
from ...exports import export_response
from ..models import SHORT_LEVELS
from ...clock import local_date
from ..zones import levels_on
from flask import flash
from ..forms import ZoneForm
from ..highrisk import DAYS, HIGH_RISK, high_risk_venues
from ..models import LEVELS
from ..zones import history, set_level
from ..suggestion import suggestions, thresholds
from .. import bp

LEVEL_FILTERS = {"": None, "low": {1, 2}, "1": {1}, "2": {2}, "3": {3}, "4": {4}}


@bp.route("/zones", methods=["GET", "POST"])
@roles_required(*OFFICIAL_VIEWERS)
def zones():
    """Every visible ward's level today; a province admin sets a new level from a date."""
    now = utcnow()
    wards = db.session.scalars(visible_wards(current_user)).all()
    suggested = suggestions([w.code for w in wards], local_date(now))
    form = None
    if current_user.role == "province_admin":
        form = ZoneForm()
        form.set_wards(wards)
        if form.validate_on_submit():
            ward = next((w for w in wards if w.code == form.ward_code.data), None)
            if ward is None:
                form.ward_code.errors.append(_("Choose the ward or commune."))
            else:
                set_level(current_user, ward, int(form.level.data), form.effective_on.data, form.note.data, now,
                          suggestion=suggested.get(ward.code))
                db.session.commit()
                flash(_("Level %(level)s for %(ward)s from %(date)s is saved.", level=form.level.data,
                        ward=ward.name, date=form.effective_on.data.strftime("%d/%m/%Y")))
                return redirect(url_for("reports.zones"))
    elif request.method == "POST":
        abort(404)
    status = 422 if form is not None and form.errors else 200
    return render_template("reports/zones.html", wards=wards, form=form, levels=LEVELS, suggested=suggested,
                           thresholds=thresholds(),
                           current=levels_on(visible_ward_codes(current_user), local_date(now))), status


@bp.route("/zones/<code>")
@roles_required(*OFFICIAL_VIEWERS)
def zone_history(code):
    """A ward's zone levels over time."""
    ward = ward_for(current_user, code)
    today = local_date(utcnow())
    return render_template("reports/zone_history.html", ward=ward, entries=history(ward),
                           current=levels_on([ward.code], today).get(ward.code), today=today)


@bp.route("/high-risk", defaults={"fmt": "html"})
@bp.route("/high-risk.<fmt>")
@roles_required(*OFFICIAL_VIEWERS)
@reads_from_replica
def high_risk(fmt):
    """Markets, supermarkets, boarding houses, stations and factories with the most visitors in 7 days."""
    now = utcnow()
    level_filter = request.args.get("level", "") if request.args.get("level", "") in LEVEL_FILTERS else ""
    wards = db.session.scalars(visible_wards(current_user)).all()
    levels = levels_on([w.code for w in wards], local_date(now))
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
