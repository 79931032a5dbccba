"""Officials decide on match proposals: an establishment beside the venue that looks like it."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.exc import IntegrityError
from ...extensions import db
from ...clock import utcnow
from ...security import OFFICIAL_VIEWERS, roles_required
from ..access import establishment_for
from ...venues.access import venue_for
from ...divisions.access import ward_for
from ..matching import MatchError, confirm, reject, refresh_matches
from ..models import Establishment, MatchProposal
from .. import bp

MATCH_ERRORS = {
    "decided": lambda: _("This proposal was already decided."),
    "matched": lambda: _("This establishment is already matched to a venue."),
    "venue_taken": lambda: _("This venue is already matched to another establishment."),
}


@bp.route("/wards/<code>/proposals")
@roles_required(*OFFICIAL_VIEWERS)
def proposals(code):
    """Open match proposals in a ward: establishment beside the venue that looks like it."""
    ward = ward_for(current_user, code)
    rows = db.session.scalars(
        select(MatchProposal).options(joinedload(MatchProposal.establishment), joinedload(MatchProposal.venue))
        .join(Establishment, Establishment.id == MatchProposal.establishment_id)
        .where(Establishment.ward_code == ward.code, MatchProposal.status == "open")
        .order_by(Establishment.name_sort, MatchProposal.score.desc(), MatchProposal.id)
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
