"""Check-in rules: one open visit per person, dependents follow their lead, stale visits close.

Every function takes `now` (aware UTC) and flushes; the caller commits.
"""
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from ..extensions import db
from .models import Visit


def new_ref():
    """A random visit reference for URLs (128 bits)."""
    return secrets.token_urlsafe(16)


def _close(visit, now, method):
    """Close one visit and the open visits of the dependents who came with it."""
    visit.checked_out_at = min(now, visit.due_out_at) if method == "auto" else now
    visit.out_method = method
    followers = db.session.scalars(
        select(Visit).where(Visit.lead_visit_id == visit.id, Visit.checked_out_at.is_(None))
    )
    for follower in followers:
        follower.checked_out_at = visit.checked_out_at
        follower.out_method = method


def open_visit_for(visitor_id, now):
    """The visitor's open visit, or None; an overdue one is closed automatically first."""
    visit = db.session.scalar(
        select(Visit)
        .where(Visit.visitor_id == visitor_id, Visit.checked_out_at.is_(None))
        .order_by(Visit.checked_in_at.desc())
        .limit(1)
    )
    if visit is not None and visit.due_out_at <= now:
        _close(visit, now, "auto")
        db.session.flush()
        return None
    return visit


def check_in(visitor, venue, now, *, method="self", nonce=None, dependents=()):
    """Record a visit; closes the visitor's open visit elsewhere. Idempotent per nonce.

    Returns the visit. Checking in where the visitor is already inside returns that visit.
    """
    if nonce:
        existing = db.session.scalar(select(Visit).where(Visit.nonce == nonce))
        if existing is not None:
            return existing
    current = open_visit_for(visitor.id, now)
    if current is not None:
        if current.venue_id == venue.id:
            return current
        _close(current, now, "moved")
    visit = _new_visit(visitor.id, venue, now, method, nonce=nonce)
    for dependent in dependents:
        if dependent.lead_id != visitor.id:
            raise ValueError("not a dependent of this visitor")
        previous = open_visit_for(dependent.id, now)
        if previous is not None:
            _close(previous, now, "moved")
        _new_visit(dependent.id, venue, now, method, lead_visit_id=visit.id)
    db.session.flush()
    return visit


def _new_visit(visitor_id, venue, now, method, nonce=None, lead_visit_id=None):
    visit = Visit(
        ref=new_ref(),
        visitor_id=visitor_id,
        venue_id=venue.id,
        lead_visit_id=lead_visit_id,
        checked_in_at=now,
        due_out_at=now + timedelta(minutes=venue.default_stay_minutes),
        in_method=method,
        nonce=nonce,
    )
    db.session.add(visit)
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
