"""The confirmation page's look-ups: the visit with its venue, entrance and person, the device's
person and their household with those who came along and the notice hints, in one statement (`confirmation_page`);
the visit alone for its check-out (`visit_page`)."""
from functools import cache, lru_cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case, or_, select
from sqlalchemy.orm import aliased

from ...divisions.models import Division
from ...venues.models import Venue
from ...visitors.models import Device, Visitor
from ..models import Visit
from .statements import begun_before, first_and_rows, hint_columns, partition_horizon, run


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


@lru_cache(maxsize=16)
def _confirmation_page(hints, horizon=None):
    """`_visit_page` with the household's rows, looking at visits begun before `horizon`
    (`statements.partition_horizon`)."""
    member, companion = aliased(Visitor, name="member"), aliased(Visit, name="companion")
    return (_visit_page()
            .add_columns(*_companion_columns(member, companion), *hint_columns(hints, member.id))
            .outerjoin(member, or_(member.id == Device.visitor_id, member.lead_id == Device.visitor_id))
            .outerjoin(companion, and_(companion.visitor_id == member.id, companion.lead_visit_id == Visit.id,
                                       *begun_before(companion, horizon)))
            .where(*begun_before(Visit, horizon)))


def confirmation_page(ref, device_hash, hints=()):
    """What the confirmation looks up, in one statement: (the `visit_page` row, the rows of the
    device's household with those who came along, for `companions(…, rows=…)`, with `hints`, those
    of `signals.notice_hints()`, asked of each member, for `quiet_receivers`), or None."""
    return first_and_rows(_confirmation_page(hints, partition_horizon()),
                          {"ref": ref, "device_hash": device_hash or ""})


def owns(row):
    """Whether the visit of a `visit_page` row is the device's person's or a dependent's of theirs."""
    remembered = row is not None and row.device_visitor_id
    return bool(remembered) and remembered in (row.visitor_id, row.lead_id)


def _companion_columns(member, visit):
    # Only the names of those who came along are decrypted.
    return (member.id.label("member_id"), case((visit.id.is_(None), None), else_=member.full_name).label("member_name"),
            visit.id.label("companion_visit_id"), visit.checked_out_at.label("companion_out"))


@cache
def _companions():
    return (
        select(*_companion_columns(Visitor, Visit))
        .outerjoin(Visit, and_(Visit.visitor_id == Visitor.id, Visit.lead_visit_id == bindparam("visit")))
        .where(or_(Visitor.id == bindparam("lead"), Visitor.lead_id == bindparam("lead")))
    )


class Companion(NamedTuple):
    visit_id: int
    full_name: str
    checked_out_at: object


def companions(visit_id, lead_id, rows=None):
    """(household ids, the visits of the household members who came with a visit), in one
    statement, or none when `rows` are those `confirmation_page` found."""
    ids, going = [], []
    for row in run(_companions(), {"visit": visit_id, "lead": lead_id}) if rows is None else rows:
        if row.member_id is not None and row.member_id not in ids:
            ids.append(row.member_id)
        if row.companion_visit_id is not None:
            going.append(Companion(row.companion_visit_id, row.member_name, row.companion_out))
    return ids, sorted(going)
