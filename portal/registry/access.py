"""The registry establishments an actor may see: those in the actor's wards."""
from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..security import visible_ward_codes
from .models import Establishment


def visible_establishments(actor):
    """A select() of the registry establishments in the actor's wards."""
    query = select(Establishment)
    codes = visible_ward_codes(actor)
    if codes is None:
        return query
    return query.where(Establishment.ward_code.in_(codes))


def establishment_for(actor, registration_number):
    """The establishment with this registration number if the actor may see it, else 404."""
    number = (registration_number or "")[:20]
    if not number.isdigit():
        abort(404)
    found = db.session.scalar(
        visible_establishments(actor).where(Establishment.registration_number == number)
        .options(joinedload(Establishment.ward), joinedload(Establishment.venue))  # the page shows both
    )
    if found is None:
        abort(404)
    return found
