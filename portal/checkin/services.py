"""Check-in for callers holding ORM objects (the staff scanner, assisted check-ins, tracing,
the demo): the rules themselves are `core`'s, which these functions call; plus the read-side
look-ups, the batch close of stale visits and the erasure answer.

Every function takes `now` (aware UTC) and flushes; the caller commits.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from ..clock import local_date
from ..extensions import db
from ..identifiers import is_ref, is_token
from ..visitors.erasure import Kept, Part
from . import core, queries
from .addresses import erase_addresses
from .models import Visit
from .words import check_word

NonceTaken = core.NonceTaken


def well_formed_token(token):
    """Whether a string has the shape of a poster token (current or retired)."""
    return is_token(token)


def takes_check_ins(venue):
    """Only active venues record check-ins; suspended or closed ones still let people out."""
    return venue.status == "active"


def new_ref():
    """A random visit reference for URLs (128 bits)."""
    return core.new_ref()


def _expire_visits():
    """Core statements changed visits behind the ORM's back: reload those it holds when read."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Visit):
            db.session.expire(obj)


def open_visit_for(visitor_id, now):
    """The visitor's open visit, or None; an overdue one is closed automatically first."""
    visit = db.session.scalar(queries.open_visit(), {"visitor_id": visitor_id})
    if visit is not None and visit.due_out_at <= now:
        close_if_overdue(visit, now)
        return None
    return visit


def open_visits_for(visitor_ids, now):
    """{visitor id: open visit} for several people in one query; overdue visits close first."""
    ids = list(visitor_ids)
    if not ids:
        return {}
    found, overdue = {}, []
    for visit in db.session.scalars(queries.open_visits(), {"ids": ids}).all():
        if visit.due_out_at <= now:
            overdue.append(visit.visitor_id)
        else:
            found[visit.visitor_id] = visit  # the latest wins if old data holds two
    if overdue:
        db.session.flush()
        core.close_overdue(overdue, now)
        _expire_visits()
    return found


def visit_by_nonce(nonce):
    """The visit a form with this idempotency key recorded, or None."""
    if not nonce:
        return None
    return db.session.scalar(queries.by_nonce(), {"nonce": nonce})


def check_in(visitor, venue, now, *, method="self", nonce=None, dependents=(), entrance=None):
    """`core.check_in` for callers holding ORM objects (the staff scanner, assisted check-ins,
    the demo): takes the person's lock and returns the Visit.

    A dependent of someone else raises ValueError; see core.check_in for the rest.
    """
    for dependent in dependents:
        if dependent.lead_id != visitor.id:
            raise ValueError("not a dependent of this visitor")
    db.session.flush()
    core.lock_person(visitor.id, now)
    recorded = core.check_in(visitor.id, venue.id, venue.default_stay_minutes, now, method=method, nonce=nonce,
                             dependents=[d.id for d in dependents],
                             entrance_id=entrance.id if entrance is not None else None)
    _expire_visits()
    return db.session.get(Visit, recorded.id)


def check_out(visit, now, *, method="self"):
    """Close an open visit (and its dependents' visits). A closed visit stays as it was."""
    if visit.checked_out_at is None:
        db.session.flush()
        core.close_visit(visit.id, now, method)
        _expire_visits()
    return visit


def close_stale(now, batch=10000):
    """Close every open visit past its due time, as automatic; returns how many closed."""
    total = 0
    while True:
        ids = list(
            db.session.scalars(
                select(Visit.id)
                .where(Visit.checked_out_at.is_(None), Visit.due_out_at <= now)
                .limit(batch)
            )
        )
        if not ids:
            return total
        db.session.execute(
            update(Visit)
            .where(Visit.id.in_(ids))
            .values(checked_out_at=Visit.due_out_at, out_method="auto")
            .execution_options(synchronize_session=False)
        )
        total += len(ids)
        if len(ids) < batch:
            return total


def visit_by_ref(ref):
    """The visit with this public reference, or None."""
    if not is_ref(ref):
        return None
    return db.session.scalar(queries.by_ref(), {"ref": ref})


def close_if_overdue(visit, now):
    """Apply the automatic check-out to one visit being read."""
    if visit.checked_out_at is None and visit.due_out_at <= now:
        check_out(visit, now, method="auto")
    return visit


def companions(visit):
    """The visits of the dependents who came with this visit."""
    return list(db.session.scalars(queries.companions(), {"lead": visit.id}))


def history(visitor_ids, now, since):
    """Visits of these people since a time, newest first; overdue open ones close first."""
    ids = list(visitor_ids)
    open_visits_for(ids, now)
    return list(
        db.session.scalars(
            queries.visits_with_venue()
            .where(Visit.visitor_id.in_(ids), Visit.checked_in_at >= since)
            .order_by(Visit.checked_in_at.desc(), Visit.id.desc())
        )
    )


def kept_visits(visitor_ids):
    """Every visit of these people still kept, oldest first, as stored (nothing is closed)."""
    return list(db.session.scalars(
        queries.visits_with_venue().where(Visit.visitor_id.in_(list(visitor_ids)))
        .order_by(Visit.checked_in_at, Visit.id)
    ))


def has_visits(visitor_id):
    """Whether any visit of this person is kept."""
    return db.session.scalar(select(Visit.id).where(Visit.visitor_id == visitor_id).limit(1)) is not None


def day_word(secret_key, venue, at, tz_name):
    """The venue's check word for the local day of an instant."""
    return check_word(secret_key, venue.id, local_date(at, tz_name))


def erase_visits(visitor_ids, held, now, apply):
    """The `erase_person_data` answer of check-in: delete every visit and crossing of the people
    not held; held people's stay until the purge (`PORTAL_RETENTION_DAYS` after each check-in).
    Visits of others that followed a deleted one (a household's) forget it."""
    retention = timedelta(days=current_app.config["PORTAL_RETENTION_DAYS"])
    kept = []
    for reason in sorted({h.reason for h in held.values()}):
        who = [i for i, h in held.items() if h.reason == reason]
        count, last_in = db.session.execute(
            select(func.count(Visit.id), func.max(Visit.checked_in_at)).where(Visit.visitor_id.in_(who))).one()
        if count:
            kept.append(Kept(what=_l("Visits: %(count)d", count=count),
                             why=held[who[0]].why, until=last_in + retention, category="visits", count=count,
                             reason=reason))
    going = [i for i in visitor_ids if i not in held]
    ids = list(db.session.scalars(select(Visit.id).where(Visit.visitor_id.in_(going)))) if going else []
    if apply and ids:
        db.session.execute(update(Visit).where(Visit.lead_visit_id.in_(ids)).values(lead_visit_id=None)
                           .execution_options(synchronize_session=False))
        db.session.execute(delete(Visit).where(Visit.id.in_(ids)).execution_options(synchronize_session=False))
        db.session.flush()
    if apply and going:
        erase_addresses(going)
    return Part(removed={"visits": len(ids)}, kept=kept)
