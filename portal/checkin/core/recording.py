"""Recording a visit: the insert that records nothing on a replayed nonce or for a person inside
already, the household's dependents joining, and the person's lock."""
from datetime import timedelta
from functools import cache, lru_cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, exists, insert, literal, null, or_, select, union_all, update

from ... import partitions
from ...visitors.models import Visitor
from ..models import Visit
from .closing import _close, _one_or_many, close_moving, follow_leads, moving_params, visit_aliases
from .statements import VISITS, begun_before, dialect, new_ref, run


class NonceTaken(ValueError):
    """The form's idempotency key already recorded another person's visit."""


class Recorded(NamedTuple):
    """The visit a check-in recorded or found: `new` is False when the nonce had recorded it
    already or the person was inside here already."""

    id: int
    ref: str
    checked_in_at: object
    new: bool


@lru_cache(maxsize=16)
def _insert(guarded, horizon=None):
    """INSERT … SELECT of one visit, unless the person is inside this venue already (an open,
    not overdue visit) or, `guarded`, the form's nonce recorded a visit already; looking at the
    visits begun before `horizon` (`statements.partition_horizon`) when given, else at every visit."""
    now = bindparam("now", type_=Visit.checked_in_at.type)
    _other = visit_aliases()[1]
    inside = exists().where(_other.visitor_id == bindparam("visitor", type_=Visit.visitor_id.type),
                            _other.venue_id == bindparam("venue", type_=Visit.venue_id.type),
                            _other.checked_out_at.is_(None), _other.due_out_at > now,
                            *begun_before(_other, horizon))
    condition = ~inside
    if guarded:
        condition = and_(condition, ~exists().where(_other.nonce == bindparam("form_nonce"),
                                                    *begun_before(_other, horizon)))
    # No parameter is named as a column ("method_in", not "in_method"): SQLAlchemy's own execution
    # of `_close_and_insert` would add such a key to its UPDATE's SET.
    values = select(
        bindparam("new_ref", type_=Visit.ref.type), bindparam("visitor", type_=Visit.visitor_id.type),
        bindparam("venue", type_=Visit.venue_id.type), bindparam("entrance", type_=Visit.entrance_id.type),
        bindparam("lead_visit", type_=Visit.lead_visit_id.type), now,
        bindparam("due", type_=Visit.due_out_at.type), bindparam("method_in", type_=Visit.in_method.type),
        bindparam("form_nonce", type_=Visit.nonce.type), literal(False, Visit.fabricated.type),
    ).where(condition)
    columns = ("ref", "visitor_id", "venue_id", "entrance_id", "lead_visit_id", "checked_in_at", "due_out_at",
               "in_method", "nonce", "fabricated")
    return insert(VISITS).from_select(columns, values).returning(VISITS.c.id)


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
              "lead_visit": None, "now": now, "due": now + timedelta(minutes=stay_minutes), "method_in": method,
              "form_nonce": nonce}
    if not dependents and dialect() == "postgresql":
        visit_id = _close_then_insert(params, bool(nonce), partitions.horizon(now))
    else:
        close_moving([visitor_id, *dependents], venue_id, now, nonce=nonce)
        visit_id = run(_insert(bool(nonce)), params).scalar()
    recorded = Recorded(visit_id, params["new_ref"], now, True)
    if visit_id is None:
        found = run(_existing(), {"form_nonce": nonce or "", "visitor": visitor_id, "venue": venue_id}).all()
        replay = [row for row in found if nonce and row.nonce == nonce]
        if replay:
            if replay[0].visitor_id != visitor_id:
                raise NonceTaken(nonce)
            return Recorded(replay[0].id, replay[0].ref, replay[0].checked_in_at, False)
        recorded = Recorded(found[0].id, found[0].ref, found[0].checked_in_at, False)
    if dependents:
        _join(recorded.id, dependents, venue_id, params)
    return recorded


@lru_cache(maxsize=8)
def _close_and_insert(guarded, horizon=None):
    """PostgreSQL: the close of one person's visit before (`_close("moving", …)`) and the insert of
    the new one in one statement, two data-modifying WITHs: one round trip fewer on the POST. The
    rows: what the close closed (`new` false), then the new visit's id if one was recorded (`new`
    true). Both parts see the snapshot taken after the person's lock, and the insert's conditions
    do not depend on the close: it closes visits elsewhere and overdue ones, which the insert's
    "inside already" ignores, and the nonce guards both alike. Both look only at visits begun
    before `horizon`."""
    closed = _close("moving", guarded, True, horizon).cte("closed")
    inserted = _insert(guarded, horizon).cte("inserted")
    return union_all(
        select(closed.c.id, closed.c.lead_visit_id, closed.c.checked_out_at, closed.c.out_method,
               literal(False).label("new")),
        select(inserted.c.id, null(), null(), null(), literal(True)),
    )


def _close_then_insert(params, guarded, horizon):
    """Run `_close_and_insert`; the new visit's id, or None when it recorded none."""
    merged = {**params, **moving_params([params["visitor"]], params["venue"], params["now"],
                                        nonce=params["form_nonce"])}
    _one_or_many(merged)  # one person: `_close(…, one=True)`'s "person"
    rows = run(_close_and_insert(guarded, horizon), merged, writes=True)
    follow_leads([row for row in rows if not row.new])
    return next((row.id for row in rows if row.new), None)


def _join(lead_visit_id, dependents, venue_id, params):
    inside = set(run(_inside(), {"ids": list(dependents), "venue": venue_id}).scalars())
    for dependent in dependents:
        if dependent not in inside:
            run(_insert(False), dict(params, new_ref=new_ref(), visitor=dependent, lead_visit=lead_visit_id,
                                      form_nonce=None))


@cache
def _lock():
    return (update(Visitor.__table__).where(Visitor.__table__.c.id == bindparam("visitor"))
            .values(last_seen_at=bindparam("now", type_=Visitor.last_seen_at.type)))


def lock_person(visitor_id, now):
    """Take the person's lock for a check-in (and note them as seen): for callers that did not
    look the person up with `arrival(lock=True)`."""
    run(_lock(), {"visitor": visitor_id, "now": now})
