"""The venues an actor may inspect: the one scoping rule for inspections.

An inspector inspects the venues of their categories in their wards; a ward official every venue
of their wards. Everyone else inspects nothing, and every page taking a venue code answers 404
outside the scope.
"""
from flask import abort
from sqlalchemy import false, select
from sqlalchemy.orm import joinedload

from ..divisions.models import Division
from ..extensions import db
from ..identifiers import is_short_code, normalise_short_code
from ..security import visible_ward_codes
from ..venues.models import Venue
from .models import Inspection, InspectorCategory, InspectorWard

#: Roles that inspect venues.
INSPECTING_ROLES = ("inspector", "ward_official")


def inspectable_venues(actor):
    """A select() of the venues this actor may inspect (with their ward)."""
    query = select(Venue).options(joinedload(Venue.ward))
    if not actor.is_active:
        return query.where(false())
    if actor.role == "ward_official":
        return query.where(Venue.ward_code.in_(visible_ward_codes(actor) or set()))
    if actor.role == "inspector":
        categories = select(InspectorCategory.category).where(InspectorCategory.user_id == actor.id)
        wards = select(InspectorWard.division_code).where(InspectorWard.user_id == actor.id)
        return query.where(Venue.category.in_(categories), Venue.ward_code.in_(wards))
    return query.where(false())


#: Roles that see QR compliance: the inspecting roles and the province's administrators.
COMPLIANCE_ROLES = INSPECTING_ROLES + ("province_admin",)


def compliance_venues(actor, province_code):
    """A select() of the venues whose compliance this actor sees: what they inspect, or every venue
    of the province for a province administrator."""
    if actor.is_active and actor.role == "province_admin":
        return select(Venue).options(joinedload(Venue.ward)).join(Division, Division.code == Venue.ward_code) \
            .where(Division.province_code == str(province_code))
    return inspectable_venues(actor)


def compliance_ward_codes(actor):
    """The ward codes whose compliance this actor sees; None means every ward of the province."""
    if actor.role == "province_admin":
        return None
    if actor.role == "inspector":
        return set(db.session.scalars(select(InspectorWard.division_code)
                                      .where(InspectorWard.user_id == actor.id)))
    return set(visible_ward_codes(actor) or ())


def venue_for_compliance(actor, short_code, province_code):
    """The venue with this short code if the actor sees its compliance, else 404."""
    code = normalise_short_code(short_code)
    if not is_short_code(code):
        abort(404)
    venue = db.session.scalar(compliance_venues(actor, province_code).where(Venue.short_code == code))
    if venue is None:
        abort(404)
    return venue


def venue_for_inspection(actor, short_code):
    """The venue with this short code if the actor may inspect it, else 404."""
    code = normalise_short_code(short_code)
    if not is_short_code(code):  # never send arbitrary URL text to the database
        abort(404)
    venue = db.session.scalar(inspectable_venues(actor).where(Venue.short_code == code))
    if venue is None:
        abort(404)
    return venue


def inspection_for(actor, venue, inspection_id):
    """One inspection of a venue the actor may inspect (checked by the caller), else 404."""
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None or inspection.venue_id != venue.id:
        abort(404)
    return inspection
