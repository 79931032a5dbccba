"""The QR target's look-up: venue or entrance, device and person in one statement; the household
with its open visits in another."""
from functools import cache, lru_cache
from typing import NamedTuple

from sqlalchemy import LargeBinary, and_, bindparam, case, or_, select, type_coerce
from sqlalchemy.orm import aliased

from ...crypto import decrypt
from ...divisions.models import Division
from ...venues.models import Venue
from ...visitors.models import Device, Visitor
from ..models import Visit
from .closing import close_overdue
from .statements import begun_before, first_and_rows, hint_columns, partition_horizon, run


_VENUE = (Venue.id, Venue.name, Venue.address, Venue.status, Venue.default_stay_minutes, Venue.short_code,
          Division.name.label("ward_name"))
_PERSON = (Device.id.label("device_id"), Device.last_seen_at.label("device_seen_at"),
           Visitor.id.label("visitor_id"), Visitor.full_name, Visitor.notice_version)
_PERSON_SEALED = (*_PERSON[:3], type_coerce(Visitor.full_name, LargeBinary()).label("sealed_name"), _PERSON[4])


@cache
def _arrival(by, lock):
    from ...venues.models import Entrance

    # A POST's row carries the name sealed (`sealed_name`): a tap that checks in shows no page,
    # and decrypting costs about as much as a simple statement; `named` opens it for a page.
    statement = select(*_VENUE, *(_PERSON_SEALED if lock else _PERSON))
    if by in ("entrance_token", "entrance_code"):
        key = Entrance.token if by == "entrance_token" else Entrance.short_code
        statement = (statement.add_columns(Entrance.id.label("entrance_id"), Entrance.name.label("entrance_name"))
                     .select_from(Entrance).join(Venue, Venue.id == Entrance.venue_id)
                     .where(Entrance.retired_at.is_(None)))
    else:
        key = Venue.token if by == "token" else Venue.short_code
    statement = statement.join(Division, Division.code == Venue.ward_code)
    if lock:
        # The POST: inner joins, since FOR UPDATE cannot lock the nullable side of an outer join.
        statement = (statement.join(Device, Device.token_hash == bindparam("device_hash"))
                     .join(Visitor, Visitor.id == Device.visitor_id).with_for_update(of=Visitor))
    else:
        statement = (statement.outerjoin(Device, Device.token_hash == bindparam("device_hash"))
                     .outerjoin(Visitor, Visitor.id == Device.visitor_id))
    return statement.where(key == bindparam("key"))


@lru_cache(maxsize=32)
def _arrival_page(by, hints, horizon=None):
    """`_arrival(by, lock=False)` with the household of the remembered person on the same rows:
    one row per member (the person and their dependents) and open visit of theirs (begun before
    `horizon`, `statements.partition_horizon`), as `_household` gives them, the venue's and person's
    columns repeated on each, and the notice hints asked of each member."""
    member, visit_venue = aliased(Visitor, name="member"), aliased(Venue, name="visit_venue")
    return (_arrival(by, False)
            .add_columns(*_member_columns(member, member.id == Visitor.id), *_STAY_COLUMNS,
                         visit_venue.name.label("visit_venue_name"), *hint_columns(hints, member.id))
            .outerjoin(member, or_(member.id == Visitor.id, member.lead_id == Visitor.id))
            .outerjoin(Visit, and_(Visit.visitor_id == member.id, Visit.checked_out_at.is_(None),
                                   *begun_before(Visit, horizon)))
            .outerjoin(visit_venue, visit_venue.id == Visit.venue_id)
            .order_by(member.id, Visit.checked_in_at))


def arrival_page(by, key, device_hash=None, hints=()):
    """What a venue page (GET) looks up, in one statement: (the `arrival` row, the household's
    rows for `household(…, rows=…)` and `quiet_receivers`), or None when there is no such venue. The
    household's rows are of no one when the device is not remembered. `hints`: those of
    `signals.notice_hints()`, asked of each member."""
    return first_and_rows(_arrival_page(by, hints, partition_horizon()), {"key": key, "device_hash": device_hash or ""})


def arrival(by, key, device_hash=None, lock=False):
    """The venue whose poster token (`by` "token") or short code ("code") this is, or whose
    entrance's ("entrance_token", "entrance_code", entrances in use only, with `entrance_id` and
    `entrance_name`), with the device remembered under `device_hash` and its person on the same
    row (their columns None when it is not); None when there is no such venue.

    `lock=True` (a check-in POST) takes the person's row lock on PostgreSQL, so that two
    check-ins of one person run one after the other and the second sees the first's visit; it
    answers None when the device is not remembered either, and the caller asks again without
    the lock. SQLite needs no lock: the check-in's first write takes the database's. Its row
    carries the name sealed, as `sealed_name`: `named(row)` opens it when a page shows it.
    """
    return run(_arrival(by, lock), {"key": key, "device_hash": device_hash or ""}).first()


class Person(NamedTuple):
    """The remembered person of a device, with the names of `arrival`'s columns."""

    device_id: int
    device_seen_at: object
    visitor_id: int
    full_name: str
    notice_version: object


def named(person):
    """An `arrival` row, or a Person, with the person's name readable (a POST's row has it sealed)."""
    if "sealed_name" not in person._fields:
        return person
    return Person(person.device_id, person.device_seen_at, person.visitor_id, decrypt(person.sealed_name),
                  person.notice_version)


def _member_columns(member, is_lead):
    # The lead's name came with `arrival`: only the dependents' names are decrypted here.
    return (member.id.label("member_id"), member.ref.label("member_ref"),
            case((is_lead, None), else_=member.full_name).label("member_name"))


@cache
def _household():
    return (
        select(*_member_columns(Visitor, Visitor.id == bindparam("lead")), *_STAY_COLUMNS,
               Venue.name.label("visit_venue_name"))
        .outerjoin(Visit, and_(Visit.visitor_id == Visitor.id, Visit.checked_out_at.is_(None)))
        .outerjoin(Venue, Venue.id == Visit.venue_id)
        .where(or_(Visitor.id == bindparam("lead"), Visitor.lead_id == bindparam("lead")))
        .order_by(Visitor.id, Visit.checked_in_at)
    )


class Stay(NamedTuple):
    """An open visit as the visitor's pages show it."""

    id: int
    ref: str
    visitor_id: int
    venue_id: int
    checked_in_at: object
    due_out_at: object
    lead_visit_id: object
    venue_name: str


_STAY = (Visit.id, Visit.ref, Visit.visitor_id, Visit.venue_id, Visit.checked_in_at, Visit.due_out_at,
         Visit.lead_visit_id)
_STAY_COLUMNS = tuple(c.label(f"visit_{c.key}") for c in _STAY)


class Member(NamedTuple):
    """A person of a household: the lead (who holds the device) or a dependent."""

    id: int
    ref: str
    full_name: str


def household(lead_id, now, rows=None):
    """(members, open visits) of a person and their dependents, in one statement (none when
    `rows` are those `arrival_page` found): members the lead first then dependents oldest first,
    open visits {visitor id: Stay}. Overdue visits are closed automatically first (one more
    statement, only then)."""
    members, stays, overdue = {}, {}, []
    for row in run(_household(), {"lead": lead_id}) if rows is None else rows:
        members.setdefault(row.member_id, Member(row.member_id, row.member_ref, row.member_name))
        if row.visit_id is None:
            continue
        stay = Stay(row.visit_id, row.visit_ref, row.visit_visitor_id, row.visit_venue_id,
                    row.visit_checked_in_at, row.visit_due_out_at, row.visit_lead_visit_id, row.visit_venue_name)
        if stay.due_out_at <= now:
            overdue.append(stay.visitor_id)
        else:
            stays[stay.visitor_id] = stay  # the latest wins if old data holds two
    if overdue:
        close_overdue(overdue, now)
    people = list(members.values())
    lead = [m for m in people if m.id == lead_id]
    return lead + [m for m in people if m.id != lead_id], stays
