"""The venues an actor may see: the one scoping rule for venues."""
from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..auth.models import VenueStaff
from ..extensions import db
from ..security import visible_ward_codes
from .models import Entrance, Venue
from ..identifiers import is_short_code


def visible_venues(actor):
    """A select() of the venues this actor may see (with their ward): the single scoping rule for venues."""
    query = select(Venue).options(joinedload(Venue.ward))  # every page naming a venue names its ward
    if actor.role == "owner":
        return query.where(Venue.owner_id == actor.id)
    if actor.role in ("staff", "checkpoint"):
        staff_venue_ids = select(VenueStaff.venue_id).where(VenueStaff.user_id == actor.id)
        return query.where(Venue.id.in_(staff_venue_ids))
    if actor.role == "tracer":  # exposure windows may concern any venue of the province
        return query
    wards = visible_ward_codes(actor)
    if wards is None:
        return query
    return query.where(Venue.ward_code.in_(wards))


def venue_for(actor, short_code):
    """The venue with this short code if the actor may see it, else 404."""
    code = (short_code or "").upper()
    if not is_short_code(code):  # never send arbitrary URL text (e.g. NUL) to the database
        abort(404)
    venue = db.session.scalar(visible_venues(actor).where(Venue.short_code == code))
    if venue is None:
        abort(404)
    return venue


def find_venue(actor, short_code):
    """The venue with this short code if the actor may see it, else None (for form errors)."""
    code = (short_code or "").strip().upper()
    if not is_short_code(code):
        return None
    return db.session.scalar(visible_venues(actor).where(Venue.short_code == code))


def entrance_for(actor, entrance_code):
    """(venue, entrance in use) for an entrance's short code if the actor may see its venue, else 404.

    Entrance codes share the venues' namespace, so the code alone names the entrance.
    """
    code = (entrance_code or "").upper()
    if not is_short_code(code):
        abort(404)
    venues = visible_venues(actor).with_only_columns(Venue.id)
    entrance = db.session.scalar(select(Entrance).where(
        Entrance.short_code == code, Entrance.retired_at.is_(None), Entrance.venue_id.in_(venues)))
    if entrance is None:
        abort(404)
    return entrance.venue, entrance
