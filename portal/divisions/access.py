"""The wards an actor may see, by name."""
from flask import abort, current_app
from sqlalchemy import select

from ..extensions import db
from ..security import visible_ward_codes
from .models import Division


def visible_wards(actor):
    """A select() of the wards of the portal's province this actor may see, by name."""
    query = select(Division).where(
        Division.province_code == str(current_app.config["PORTAL_PROVINCE"])
    ).order_by(Division.name_sort, Division.code)  # Vietnamese order (portal/collation.py)
    codes = visible_ward_codes(actor)
    if codes is None:
        return query
    return query.where(Division.code.in_(codes))


def ward_for(actor, code):
    """The ward with this code if the actor may see it, else 404."""
    code = (code or "")[:10]
    ward = db.session.scalar(visible_wards(actor).where(Division.code == code)) if code.isdigit() else None
    if ward is None:
        abort(404)
    return ward
