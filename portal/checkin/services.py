"""Check-in rules: one open visit per person, dependents follow their lead, stale visits close.

Every function takes `now` (aware UTC) and flushes; the caller commits.
"""
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from ..clock import local_date
from ..extensions import db
from ..identifiers import is_ref, is_short_code, is_token, normalise_short_code
from ..visitors.erasure import Kept, Part
from . import queries
from .addresses import erase_addresses
from .models import Visit
from .words import check_word




class NonceTaken(ValueError):
    """The form's idempotency key already recorded another person's visit."""


def venue_by_poster_token(token):
    """The venue whose current poster token this is (owner not loaded), or None."""
    if not well_formed_token(token):
        return None
    return db.session.scalar(queries.venue_by_token(), {"token": token})


def well_formed_token(token):
    """Whether a string has the shape of a poster token (current or retired)."""
    return is_token(token)


def venue_by_short_code(code):
    """The venue with this short code, any case and spacing (owner not loaded), or None."""
    code = normalise_short_code(code)
    if not is_short_code(code):
        return None
    return db.session.scalar(queries.venue_by_code(), {"code": code})


def entrance_by_poster_token(token):
    """The entrance in use whose poster token this is, with its venue, or None.

    Asked only after the venue look-up missed: a venue's own poster costs no extra statement.
    """
    if not well_formed_token(token):
        return None
    return db.session.scalar(queries.entrance_by_token(), {"token": token})


def entrance_by_short_code(code):
    """The entrance in use with this short code (any case and spacing), with its venue, or None."""
    code = normalise_short_code(code)
    if not is_short_code(code):
        return None
    return db.session.scalar(queries.entrance_by_code(), {"code": code})


def takes_check_ins(venue):
    """Only active venues record check-ins; suspended or closed ones still let people out."""
    return venue.status == "active"


def new_ref():
    """A random visit reference for URLs (128 bits)."""
    return secrets.token_urlsafe(16)


def _close(visit, now, method):
    """Close one visit and the open visits of the dependents who came with it."""
    visit.checked_out_at = min(now, visit.due_out_at) if method == "auto" else now
    visit.out_method = method
    followers = db.session.scalars(queries.followers(), {"lead": visit.id})
    for follower in followers:
        follower.checked_out_at = visit.checked_out_at
        follower.out_method = method


def open_visit_for(visitor_id, now):
    """The visitor's open visit, or None; an overdue one is closed automatically first."""
    visit = db.session.scalar(queries.open_visit(), {"visitor_id": visitor_id})
    if visit is not None and visit.due_out_at <= now:
        _close(visit, now, "auto")
        db.session.flush()
        return None
    return visit


def open_visits_for(visitor_ids, now):
    """{visitor id: open visit} for several people in one query; overdue visits close first."""
    ids = list(visitor_ids)
    if not ids:
        return {}
    found, overdue = {}, []
    visits = db.session.scalars(queries.open_visits(), {"ids": ids}).all()
    for visit in visits:
        if visit.due_out_at <= now:
            overdue.append(visit)
        else:
            found[visit.visitor_id] = visit  # the latest wins if old data holds two
    for visit in overdue:
        if visit.checked_out_at is None:  # a lead's close may have closed it already
            _close(visit, now, "auto")
    if overdue:
        db.session.flush()
    return found


def _lock_person(visitor, now):
    """Serialise check-ins of one person: the first write takes the row (PostgreSQL) or the
    database (SQLite) lock, so the reads below see any concurrent check-in already committed."""
    db.session.execute(queries.lock_person(), {"visitor_id": visitor.id, "now": now})


def visit_by_nonce(nonce):
    """The visit a form with this idempotency key recorded, or None."""
    if not nonce:
        return None
    return db.session.scalar(queries.by_nonce(), {"nonce": nonce})


def check_in(visitor, venue, now, *, method="self", nonce=None, dependents=(), entrance=None):
    """Record a visit; closes the visitor's open visit elsewhere. Idempotent per nonce.

    Returns the visit. Checking in where the visitor is already inside (at any entrance of the
    venue) returns that visit (ticked dependents who are not inside yet join it). `entrance` is
    the venue's entrance whose poster was scanned, recorded on new visits. A nonce that recorded another
    person's visit raises NonceTaken; a dependent of someone else raises ValueError.
    """
    for dependent in dependents:
        if dependent.lead_id != visitor.id:
            raise ValueError("not a dependent of this visitor")
    _lock_person(visitor, now)
    existing = visit_by_nonce(nonce)
    if existing is not None:
        if existing.visitor_id != visitor.id:
            raise NonceTaken(nonce)
        return existing
    visit = open_visit_for(visitor.id, now)
    if visit is None or visit.venue_id != venue.id:
        if visit is not None:
            _close(visit, now, "moved")
        visit = _new_visit(visitor.id, venue, now, method, nonce=nonce, flush=bool(dependents),
                           entrance=entrance)
    if dependents:
        current = open_visits_for([d.id for d in dependents], now)
        for dependent in dependents:
            previous = current.get(dependent.id)
            if previous is not None and previous.venue_id == venue.id:
                continue  # already inside here
            if previous is not None:
                _close(previous, now, "moved")
            _new_visit(dependent.id, venue, now, method, lead_visit_id=visit.id, flush=False,
                       entrance=entrance)
    db.session.flush()
    return visit


def _new_visit(visitor_id, venue, now, method, nonce=None, lead_visit_id=None, flush=True, entrance=None):
    visit = Visit(
        ref=new_ref(),
        visitor_id=visitor_id,
        venue_id=venue.id,
        entrance_id=entrance.id if entrance is not None else None,
        lead_visit_id=lead_visit_id,
        checked_in_at=now,
        due_out_at=now + timedelta(minutes=venue.default_stay_minutes),
        in_method=method,
        nonce=nonce,
    )
    db.session.add(visit)
    if flush:
        db.session.flush()
    return visit


def check_out(visit, now, *, method="self"):
    """Close an open visit (and its dependents' visits). A closed visit stays as it was."""
    if visit.checked_out_at is None:
        if visit.due_out_at <= now:
            _close(visit, now, "auto")
        else:
            _close(visit, now, method)
        db.session.flush()
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
        _close(visit, now, "auto")
        db.session.flush()
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
