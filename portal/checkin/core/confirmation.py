"""The confirmation page's look-ups: the visit with its venue, entrance and person and the device's
person in one statement; the household with those who came along in another."""
from functools import cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case, or_, select
from sqlalchemy.orm import aliased

from ...divisions.models import Division
from ...venues.models import Venue
from ...visitors.models import Device, Visitor
from ..models import Visit
from .statements import run


@cache
def _visit_page():
    from ...venues.models import Entrance

    owner = aliased(Visitor, name="owner")
    return (
        select(Visit.id, Visit.ref, Visit.visitor_id, Visit.venue_id, Visit.checked_in_at, Visit.due_out_at,
               Visit.checked_out_at, Visit.out_method, Venue.name.label("venue_name"), Venue.address,
               Venue.default_stay_minutes, Division.name.label("ward_name"), Entrance.name.label("entrance_name"),
               owner.full_name, owner.lead_id, Device.visitor_id.label("device_visitor_id"))
        .join(Venue, Venue.id == Visit.venue_id).join(Division, Division.code == Venue.ward_code)
        .join(owner, owner.id == Visit.visitor_id)
        .outerjoin(Entrance, Entrance.id == Visit.entrance_id)
        .outerjoin(Device, Device.token_hash == bindparam("device_hash"))
        .where(Visit.ref == bindparam("ref"))
    )


def visit_page(ref, device_hash):
    """The visit with this reference, with its venue, entrance, person, and the person the
    browser's device remembers (`device_visitor_id`, None when none): one statement, or None."""
    return run(_visit_page(), {"ref": ref, "device_hash": device_hash or ""}).first()


def owns(row):
    """Whether the visit of a `visit_page` row is the device's person's or a dependent's of theirs."""
    remembered = row is not None and row.device_visitor_id
    return bool(remembered) and remembered in (row.visitor_id, row.lead_id)


@cache
def _companions():
    return (
        # Only the names of those who came along are decrypted.
        select(Visitor.id, case((Visit.id.is_(None), None), else_=Visitor.full_name).label("full_name"),
               Visit.id.label("visit_id"), Visit.checked_out_at)
        .outerjoin(Visit, and_(Visit.visitor_id == Visitor.id, Visit.lead_visit_id == bindparam("visit")))
        .where(or_(Visitor.id == bindparam("lead"), Visitor.lead_id == bindparam("lead")))
    )


class Companion(NamedTuple):
    visit_id: int
    full_name: str
    checked_out_at: object


def companions(visit_id, lead_id):
    """(household ids, the visits of the household members who came with a visit), one statement."""
    ids, going = [], []
    for row in run(_companions(), {"visit": visit_id, "lead": lead_id}):
        if row.id not in ids:
            ids.append(row.id)
        if row.visit_id is not None:
            going.append(Companion(row.visit_id, row.full_name, row.checked_out_at))
    return ids, sorted(going)
