"""The province dashboard and a ward's page: figures, chart, zone level, the lists to work from."""
from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from ... import signals
from ...extensions import db
from ...clock import utcnow
from ...registry.models import Establishment, MatchProposal
from ...extensions import reads_from_replica
from ...security import OFFICIAL_VIEWERS, roles_required, visible_ward_codes
from ...divisions.access import visible_wards, ward_for
from ..charts import bar_chart, meter
from ..figures import daily_checkins, totals, ward_figures, ward_summary
from ..models import SHORT_LEVELS
from ...clock import local_date
from ..zones import levels_on
from .. import bp
from ..lists import LIST_TITLES
from ..case_figures import ward_health_counts
from ..suggestion import suggestions

def _chart(points):
    return bar_chart([(d.strftime("%d/%m"), n) for d, n in points], _("Check-ins per day, last 14 days"))


@bp.route("/")
@roles_required(*OFFICIAL_VIEWERS)
@reads_from_replica
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
        chart=_chart(days), meter=meter, levels=levels_on(codes, local_date(now)), panels=panels,
        short_levels=SHORT_LEVELS,
    )


@bp.route("/wards/<code>/")
@roles_required(*OFFICIAL_VIEWERS)
@reads_from_replica
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
        level=levels_on([ward.code], local_date(now)).get(ward.code), open_proposals=open_proposals,
        list_titles=LIST_TITLES, short_levels=SHORT_LEVELS, health=ward_health_counts(ward.code, now),
        suggestion=suggestions([ward.code], local_date(now))[ward.code],
    )
