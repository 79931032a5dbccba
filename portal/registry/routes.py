"""Officials import the registry and decide on match proposals."""
import logging

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models_base import utcnow
from ..security import OFFICIAL_VIEWERS, establishment_for, roles_required, venue_for, visible_ward_codes, ward_for
from .followups import history
from .forms import FollowUpForm, ImportForm
from .limits import MAX_PROBLEMS
from .matching import MatchError, confirm, reject, refresh_matches
from .models import Establishment, MatchProposal
from .services import FileRejected, RowsRejected, group_problems, import_registry, recent_imports

bp = Blueprint("registry", __name__, url_prefix="/registry")
log = logging.getLogger(__name__)
MAX_PROBLEM_GROUPS = 5000

MATCH_ERRORS = {
    "decided": lambda: _("This proposal was already decided."),
    "matched": lambda: _("This establishment is already matched to a venue."),
    "venue_taken": lambda: _("This venue is already matched to another establishment."),
}


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*OFFICIAL_VIEWERS)
def upload():
    """Upload the registry file; every bad row is listed and nothing is imported until all are good."""
    form = ImportForm()
    result = problems = None
    bad_rows, truncated = 0, False
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            result = import_registry(
                upload_file.read(), filename=upload_file.filename, actor=current_user,
                province_code=current_app.config["PORTAL_PROVINCE"], now=utcnow(),
            )
            db.session.commit()
        except FileRejected as exc:
            db.session.rollback()
            form.file.errors.append(str(exc.message))
        except RowsRejected as exc:
            db.session.rollback()
            problems = group_problems(exc.problems)
            bad_rows, truncated = exc.bad_rows, exc.truncated
        except IntegrityError:  # another import or match changed the same rows at the same moment
            db.session.rollback()
            result = None
            form.file.errors.append(
                _("Another import or match ran at the same moment. Upload the file again."))
        else:
            log.info("registry import: %s rows, %s added, %s updated, %s departed",
                     result.rows, result.added, result.updated, result.departed)
    status = 422 if form.errors or problems else 200
    return render_template(
        "registry/import.html", form=form, result=result, problems=(problems or [])[:MAX_PROBLEM_GROUPS],
        hidden_groups=max(0, len(problems or []) - MAX_PROBLEM_GROUPS),
        bad_rows=bad_rows, truncated=truncated, max_problems=MAX_PROBLEMS,
        imports=recent_imports(current_user),
    ), status


@bp.route("/wards/<code>/proposals")
@roles_required(*OFFICIAL_VIEWERS)
def proposals(code):
    """Open match proposals in a ward: establishment beside the venue that looks like it."""
    ward = ward_for(current_user, code)
    rows = db.session.scalars(
        select(MatchProposal).join(Establishment, Establishment.id == MatchProposal.establishment_id)
        .where(Establishment.ward_code == ward.code, MatchProposal.status == "open")
        .order_by(Establishment.name, MatchProposal.score.desc())
    ).all()
    return render_template("registry/proposals.html", ward=ward, proposals=rows)


@bp.route("/wards/<code>/match", methods=["POST"])
@roles_required(*OFFICIAL_VIEWERS)
def match(code):
    """Look again for venues matching the ward's unregistered establishments."""
    ward = ward_for(current_user, code)
    try:
        matched, proposed = refresh_matches([ward.code], utcnow())
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash(_("Another import or match ran at the same moment. Try again."))
    else:
        flash(_("%(matched)s matched by registration number, %(proposed)s new proposals.",
                matched=matched, proposed=proposed))
    return redirect(url_for("registry.proposals", code=ward.code))


@bp.route("/establishments/<number>/")
@roles_required(*OFFICIAL_VIEWERS)
def establishment(number):
    """One establishment: registry data, its venue or proposals, follow-ups."""
    place = establishment_for(current_user, number)
    return _establishment_page(place, FollowUpForm(today=_today()))


def _today():
    from ..reports.periods import local_today

    return local_today(utcnow())


def _establishment_page(place, form, status=200):
    found = db.session.scalars(
        select(MatchProposal).where(MatchProposal.establishment_id == place.id)
        .order_by(MatchProposal.status != "open", MatchProposal.score.desc())
    ).all()
    visible = visible_ward_codes(current_user)
    found = [p for p in found if visible is None or p.venue.ward_code in visible]
    return render_template("registry/establishment.html", place=place, proposals=found, form=form,
                           follow_ups=history(establishment=place)), status


@bp.route("/establishments/<number>/proposals/<venue_code>/<decision>", methods=["POST"])
@roles_required(*OFFICIAL_VIEWERS)
def decide(number, venue_code, decision):
    """Confirm or reject a proposed venue for an establishment."""
    place = establishment_for(current_user, number)
    venue = venue_for(current_user, venue_code)
    proposal = db.session.scalar(select(MatchProposal).where(
        MatchProposal.establishment_id == place.id, MatchProposal.venue_id == venue.id))
    if proposal is None or decision not in ("confirm", "reject"):
        abort(404)
    number, ward_code = place.registration_number, place.ward_code
    try:
        (confirm if decision == "confirm" else reject)(proposal, current_user, utcnow())
        db.session.commit()
    except MatchError as exc:
        db.session.rollback()
        flash(MATCH_ERRORS[str(exc)]())
    except IntegrityError:  # another official matched the venue at the same moment
        db.session.rollback()
        flash(MATCH_ERRORS["venue_taken"]())
    else:
        flash(_("Matched: %(name)s is registered as venue %(code)s.", name=place.name, code=venue.short_code)
              if decision == "confirm" else _("Proposal rejected; it will not be proposed again."))
    if request.form.get("back") == "establishment":
        return redirect(url_for("registry.establishment", number=number))
    return redirect(url_for("registry.proposals", code=ward_code))


from . import place_routes  # noqa: E402,F401  (follow-up routes on the same blueprint)
