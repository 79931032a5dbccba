"""Testing-round pages (thin: check access, call the services, render)."""
from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..cases.access import HEALTH_ROLES, health_wards
from ..clock import local_date, utcnow
from ..collation import sorted_vi
from ..divisions.models import Division
from ..extensions import db
from ..reports.models import SHORT_LEVELS
from ..audit.services import record
from ..security import OFFICIAL_VIEWERS, roles_required, visible_ward_codes
from . import bp
from .forms import CountsForm, PlanForm
from .models import ScreeningRound
from .riskgroups import DAYS as RISK_DAYS, members, place_counts
from .services import RoundError, due_wards, pattern, plan, record_counts, rounds_of

#: Who plans rounds: the health officials (tracers trace; they see the rounds).
PLANNERS = ("ward_health", "province_health")
RECENT_DAYS = 14


def _wards(actor):
    scope = health_wards(actor)
    query = select(Division).where(Division.province_code == current_app.config["PORTAL_PROVINCE"])
    if scope is not None:
        query = query.where(Division.code.in_(sorted(scope) or [""]))
    return sorted_vi(db.session.scalars(query).all(), key=lambda w: w.name)


def _round_for(actor, round_id):
    """The round if `actor` may see its ward, else 404."""
    scope = health_wards(actor)
    entry = db.session.get(ScreeningRound, round_id)
    if entry is None or (scope is not None and entry.ward_code not in scope):
        abort(404)
    return entry


@bp.route("/", methods=["GET", "POST"])
@roles_required(*HEALTH_ROLES)
def index():
    """Wards due for testing, the plan form, and the rounds of the last two weeks and ahead."""
    now = utcnow()
    today = local_date(now)
    wards = _wards(current_user)
    form = None
    if current_user.role in PLANNERS:
        form = PlanForm()
        form.set_wards(wards)
        if form.validate_on_submit():
            ward = next((w for w in wards if w.code == form.ward_code.data), None)
            if ward is None:
                form.ward_code.errors.append(_("Choose the ward or commune."))
            else:
                try:
                    rounds = plan(current_user, ward, form.start_on.data, now)
                except RoundError as exc:
                    db.session.rollback()
                    form.start_on.errors.append(str(exc.message))
                else:
                    db.session.commit()
                    flash(_("%(n)s testing rounds planned for %(ward)s.", n=len(rounds), ward=ward.name))
                    return redirect(url_for("rounds.show", round_id=rounds[0].id))
    elif request.method == "POST":
        abort(404)
    scope = health_wards(current_user)
    status = 422 if form is not None and form.errors else 200
    return render_template("rounds/index.html", form=form, wards=wards, levels=SHORT_LEVELS,
                           due=due_wards([w.code for w in wards], today), days=pattern(),
                           rounds=rounds_of(scope, today - timedelta(days=RECENT_DAYS))), status


@bp.route("/<int:round_id>", methods=["GET", "POST"])
@roles_required(*HEALTH_ROLES)
def show(round_id):
    """A round's places; health officials enter how many were tested and found positive."""
    entry = _round_for(current_user, round_id)
    form = CountsForm()
    problems = {}
    if form.validate_on_submit():
        counts = {place.id: (request.form.get(f"tested-{place.id}", ""), request.form.get(f"positive-{place.id}", ""))
                  for place in entry.places}
        problems = record_counts(current_user, entry, counts, utcnow())
        if not problems:
            db.session.commit()
            flash(_("The counts of %(day)s are saved.", day=entry.held_on.strftime("%d/%m/%Y")))
            return redirect(url_for("rounds.show", round_id=entry.id))
        db.session.rollback()
    elif request.method == "POST":
        problems = {None: _("The form expired. Enter the counts again.")}
    status = 422 if problems else 200
    return render_template("rounds/round.html", entry=entry, form=form, problems=problems,
                           typed=request.form if problems else None), status


@bp.route("/risk-groups")
@roles_required(*HEALTH_ROLES, *OFFICIAL_VIEWERS)
def risk_groups():
    """Health roles: a ward's risk group by name (audited). Ward officials: counts per place only."""
    now = utcnow()
    least = current_app.config["PORTAL_RISK_GROUP_VISITS"]
    if current_user.role not in HEALTH_ROLES:
        places = place_counts(visible_ward_codes(current_user), now)
        return render_template("rounds/risk_places.html", places=places, least=least, days=RISK_DAYS)
    wards = _wards(current_user)
    ward = next((w for w in wards if w.code == request.args.get("ward", "")), None)
    people, cut = ([], False) if ward is None else members(ward.code, now)
    if ward is not None:
        record(current_user, None, "risk_group", {"ward": ward.code}, len(people), now)
        db.session.commit()
    return render_template("rounds/risk_groups.html", wards=wards, ward=ward, people=people, cut=cut,
                           least=least, days=RISK_DAYS)
