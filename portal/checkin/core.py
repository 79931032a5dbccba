"""The check-in rules, once, for every caller: the visitor's pages, the staff scanner, assisted
check-ins and the demo. One open visit per person; the household's dependents follow their lead;
a form's nonce records one visit however often it is posted; an overdue visit closes by itself
at its due time; checking in elsewhere closes the visit before.

Written with SQLAlchemy Core statements built once per process, run on the session's connection
and returning plain rows. A remembered visitor's check-in costs three statements: the look-up of
venue, device and person (`arrival`, which also takes the person's lock on PostgreSQL), the
`close` of the visit before and the `insert` of the new one. The ORM models stay the schema and
serve the rest of the portal; `services` adapts these functions for callers holding ORM objects.

Every function takes `now` (aware UTC) and leaves the commit to the caller.
"""
import secrets
from datetime import timedelta
from functools import cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case, exists, insert, literal, or_, select, union_all, update
from sqlalchemy.orm import aliased

from ..divisions.models import Division
from ..extensions import db
from ..venues.models import Venue
from ..visitors.models import Device, Visitor
from .models import Visit

_visits = Visit.__table__


class NonceTaken(ValueError):
    """The form's idempotency key already recorded another person's visit."""


class Recorded(NamedTuple):
    """The visit a check-in recorded or found: `new` is False when the nonce had recorded it
    already or the person was inside here already."""

    id: int
    ref: str
    checked_in_at: object
    new: bool


def new_ref():
    """A random visit reference for URLs (128 bits)."""
    return secrets.token_urlsafe(16)


def _run(statement, params):
    session = db.session
    if statement.is_dml:
        session.info["core_wrote"] = True
    return session.connection().execute(statement, params)


def reading():
    """Start a page that only reads (a GET) outside a transaction on PostgreSQL: no BEGIN and no
    COMMIT, two round trips fewer. Its rare write, the automatic close of an overdue visit, is
    one statement and atomic by itself. SQLite starts no transaction for reads anyway."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def wrote():
    """Whether this session ran a write of these rules since the last time it was asked."""
    return db.session.info.pop("core_wrote", False)


# -- the QR target's look-up ---------------------------------------------------------------------

_VENUE = (Venue.id, Venue.name, Venue.address, Venue.status, Venue.default_stay_minutes, Venue.short_code,
          Division.name.label("ward_name"))
_PERSON = (Device.id.label("device_id"), Device.last_seen_at.label("device_seen_at"),
           Visitor.id.label("visitor_id"), Visitor.full_name, Visitor.notice_version)


@cache
def _arrival(by, lock):
    from ..venues.models import Entrance

    statement = select(*_VENUE, *_PERSON)
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


def arrival(by, key, device_hash=None, lock=False):
    """The venue whose poster token (`by` "token") or short code ("code") this is, or whose
    entrance's ("entrance_token", "entrance_code", entrances in use only, with `entrance_id` and
    `entrance_name`), with the device remembered under `device_hash` and its person on the same
    row (their columns None when it is not); None when there is no such venue.

    `lock=True` (a check-in POST) takes the person's row lock on PostgreSQL, so that two
    check-ins of one person run one after the other and the second sees the first's visit; it
    answers None when the device is not remembered either, and the caller asks again without
    the lock. SQLite needs no lock: the check-in's first write takes the database's.
    """
    return _run(_arrival(by, lock), {"key": key, "device_hash": device_hash or ""}).first()


@cache
def _household():
    return (
        # The lead's name came with `arrival`: only the dependents' names are decrypted here.
        select(Visitor.id, Visitor.ref,
               case((Visitor.id == bindparam("lead"), None), else_=Visitor.full_name).label("full_name"),
               Visitor.lead_id,
               *(c.label(f"visit_{c.key}") for c in _STAY), Venue.name.label("visit_venue_name"))
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


class Member(NamedTuple):
    """A person of a household: the lead (who holds the device) or a dependent."""

    id: int
    ref: str
    full_name: str


def household(lead_id, now):
    """(members, open visits) of a person and their dependents, in one statement: members the
    lead first then dependents oldest first, open visits {visitor id: Stay}. Overdue visits are
    closed automatically first (one more statement, only then)."""
    members, stays, overdue = {}, {}, []
    for row in _run(_household(), {"lead": lead_id}):
        members.setdefault(row.id, Member(row.id, row.ref, row.full_name))
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


# -- closing -------------------------------------------------------------------------------------

def _of_people(column, one):
    """`column = :person` for one person (nearly every check-in), else `column IN :ids`: an
    expanding IN is rendered again at every run, which costs as much as a simple look-up."""
    return column == bindparam("person") if one else column.in_(bindparam("ids", expanding=True))


def _one_or_many(params):
    """Whether `params` name one person; if so their "ids" becomes the "person" of `_of_people`."""
    ids = params.get("ids")
    if ids is None or len(ids) != 1:
        return False
    params["person"] = params.pop("ids")[0]
    return True


def _leads(visit, which, one):
    """The open visits `which` selects, on the table or alias `visit`; of the person `person`
    when `one`, else of the people `ids`."""
    now = bindparam("now", type_=Visit.checked_in_at.type)
    is_open = visit.checked_out_at.is_(None)
    if which == "visit":
        return and_(visit.id == bindparam("visit"), is_open)
    mine = and_(_of_people(visit.visitor_id, one), is_open)
    if which == "moving":
        return and_(mine, or_(visit.venue_id != bindparam("venue"), visit.due_out_at <= now))
    return and_(mine, visit.due_out_at <= now)


@cache
def _close(which, guarded, one):
    """UPDATE closing the open visits `which` selects, with the visits of the dependents who came
    with them (followers): at their due time, automatically, when that has passed, else at `now`
    with `method`. Returns what each closed row became, for `_closing`.

    `which`: "moving" (the people `ids` checking in at `venue`: their visits elsewhere and their
    overdue ones), "overdue" (of the people `ids`) or "visit" (the visit `visit`).
    `guarded`: nothing closes when the form's `nonce` already recorded a visit (a replay).
    `one`: the people are one person, `person` (`_of_people`).
    """
    now = bindparam("now", type_=Visit.checked_in_at.type)
    lead, other, follower = _aliases()
    visits = _visits.c
    # The rows by id, from a UNION of the leads and their open followers: each part is an index
    # search (visitor or id, then lead_visit_id); an OR of the two would scan every partition.
    leads = select(lead.id).where(_leads(lead, which, one))
    followers = select(follower.id).where(follower.lead_visit_id.in_(leads), follower.checked_out_at.is_(None))
    condition = visits.id.in_(union_all(leads, followers))
    if guarded:
        condition = and_(condition, ~exists().where(other.nonce == bindparam("form_nonce")))
    overdue = visits.due_out_at <= now
    return (update(_visits).where(condition)
            .values(checked_out_at=case((overdue, visits.due_out_at), else_=now),
                    out_method=case((overdue, "auto"), else_=bindparam("method", type_=Visit.out_method.type)))
            .returning(visits.id, visits.lead_visit_id, visits.checked_out_at, visits.out_method))


@cache
def _follow():
    return (update(_visits).where(_visits.c.id == bindparam("visit"))
            .values(checked_out_at=bindparam("out", type_=Visit.checked_out_at.type),
                    out_method=bindparam("how", type_=Visit.out_method.type)))


def _closing(which, guarded, params):
    """Run `_close` and give each closed follower its lead's time and method.

    The statement closes every row by its own due time; a follower's is its lead's unless it
    joined later ("check them in too"), so the fix-up below runs only for such households.
    """
    one = _one_or_many(params)
    closed = _run(_close(which, guarded, one), params).all()
    ended = {row.id: (row.checked_out_at, row.out_method) for row in closed}
    for row in closed:
        lead = ended.get(row.lead_visit_id)
        if lead is not None and lead != (row.checked_out_at, row.out_method):
            _run(_follow(), {"visit": row.id, "out": lead[0], "how": lead[1]})
    return closed


@cache
def _aliases():
    """Three more names for the visits table, for subqueries (made on first use, once every model
    is mapped)."""
    return (aliased(Visit, name="lead_visit"), aliased(Visit, name="other_visit"),
            aliased(Visit, name="follower_visit"))


def close_moving(ids, venue_id, now, method="moved", nonce=None):
    """Close the open visits of these people anywhere but this venue, and their overdue ones."""
    params = {"ids": list(ids), "venue": venue_id, "now": now, "method": method}
    if nonce:
        params["form_nonce"] = nonce
    _closing("moving", bool(nonce), params)


def close_overdue(ids, now):
    """Close these people's open visits past their due time, at that time (automatic)."""
    _closing("overdue", False, {"ids": list(ids), "now": now, "method": "auto"})


def close_visit(visit_id, now, method="self"):
    """Check out of one visit and the visits of the dependents who came with it; automatic at
    its due time when that has passed; a closed visit stays as it was."""
    _closing("visit", False, {"visit": visit_id, "now": now, "method": method})


# -- recording -----------------------------------------------------------------------------------

@cache
def _insert(guarded):
    """INSERT … SELECT of one visit, unless the person is inside this venue already (an open,
    not overdue visit) or, `guarded`, the form's nonce recorded a visit already."""
    now = bindparam("now", type_=Visit.checked_in_at.type)
    _other = _aliases()[1]
    inside = exists().where(_other.visitor_id == bindparam("visitor", type_=Visit.visitor_id.type),
                            _other.venue_id == bindparam("venue", type_=Visit.venue_id.type),
                            _other.checked_out_at.is_(None), _other.due_out_at > now)
    condition = ~inside
    if guarded:
        condition = and_(condition, ~exists().where(_other.nonce == bindparam("form_nonce")))
    values = select(
        bindparam("new_ref", type_=Visit.ref.type), bindparam("visitor", type_=Visit.visitor_id.type),
        bindparam("venue", type_=Visit.venue_id.type), bindparam("entrance", type_=Visit.entrance_id.type),
        bindparam("lead_visit", type_=Visit.lead_visit_id.type), now,
        bindparam("due", type_=Visit.due_out_at.type), bindparam("method", type_=Visit.in_method.type),
        bindparam("form_nonce", type_=Visit.nonce.type), literal(False, Visit.fabricated.type),
    ).where(condition)
    columns = ("ref", "visitor_id", "venue_id", "entrance_id", "lead_visit_id", "checked_in_at", "due_out_at",
               "in_method", "nonce", "fabricated")
    return insert(_visits).from_select(columns, values).returning(_visits.c.id)


@cache
def _existing():
    return (select(Visit.id, Visit.ref, Visit.checked_in_at, Visit.visitor_id, Visit.nonce)
            .where(or_(Visit.nonce == bindparam("form_nonce"),
                       and_(Visit.visitor_id == bindparam("visitor"), Visit.venue_id == bindparam("venue"),
                            Visit.checked_out_at.is_(None))))
            .order_by(Visit.checked_in_at.desc()))


@cache
def _inside():
    return select(Visit.visitor_id).where(Visit.visitor_id.in_(bindparam("ids", expanding=True)),
                                          Visit.venue_id == bindparam("venue"), Visit.checked_out_at.is_(None))


def check_in(visitor_id, venue_id, stay_minutes, now, *, method="self", nonce=None, dependents=(),
             entrance_id=None):
    """Record a visit of a person at a venue (closing their visit elsewhere); returns Recorded.

    Idempotent per nonce: a nonce that recorded this person's visit returns it, one that
    recorded another person's raises NonceTaken. A person inside this venue already (at any of
    its entrances) gets that visit back. `dependents` (ids of the person's household members,
    checked by the caller) join the visit unless they are inside here already. The caller holds
    the person's lock (`arrival(lock=True)` or `lock_person`).
    """
    params = {"new_ref": new_ref(), "visitor": visitor_id, "venue": venue_id, "entrance": entrance_id,
              "lead_visit": None, "now": now, "due": now + timedelta(minutes=stay_minutes), "method": method,
              "form_nonce": nonce}
    close_moving([visitor_id, *dependents], venue_id, now, nonce=nonce)
    visit_id = _run(_insert(bool(nonce)), params).scalar()
    recorded = Recorded(visit_id, params["new_ref"], now, True)
    if visit_id is None:
        found = _run(_existing(), {"form_nonce": nonce or "", "visitor": visitor_id, "venue": venue_id}).all()
        replay = [row for row in found if nonce and row.nonce == nonce]
        if replay:
            if replay[0].visitor_id != visitor_id:
                raise NonceTaken(nonce)
            return Recorded(replay[0].id, replay[0].ref, replay[0].checked_in_at, False)
        recorded = Recorded(found[0].id, found[0].ref, found[0].checked_in_at, False)
    if dependents:
        _join(recorded.id, dependents, venue_id, params)
    return recorded


def _join(lead_visit_id, dependents, venue_id, params):
    inside = set(_run(_inside(), {"ids": list(dependents), "venue": venue_id}).scalars())
    for dependent in dependents:
        if dependent not in inside:
            _run(_insert(False), dict(params, new_ref=new_ref(), visitor=dependent, lead_visit=lead_visit_id,
                                      form_nonce=None))


@cache
def _lock():
    return (update(Visitor.__table__).where(Visitor.__table__.c.id == bindparam("visitor"))
            .values(last_seen_at=bindparam("now", type_=Visitor.last_seen_at.type)))


def lock_person(visitor_id, now):
    """Take the person's lock for a check-in (and note them as seen): for callers that did not
    look the person up with `arrival(lock=True)`."""
    _run(_lock(), {"visitor": visitor_id, "now": now})


# -- the confirmation page -----------------------------------------------------------------------

@cache
def _visit_page():
    from ..venues.models import Entrance

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
    return _run(_visit_page(), {"ref": ref, "device_hash": device_hash or ""}).first()


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
    for row in _run(_companions(), {"visit": visit_id, "lead": lead_id}):
        if row.id not in ids:
            ids.append(row.id)
        if row.visit_id is not None:
            going.append(Companion(row.visit_id, row.full_name, row.checked_out_at))
    return ids, sorted(going)
