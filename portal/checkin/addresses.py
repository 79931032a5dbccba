"""The client addresses of first-time registrations, kept only as keyed hashes and only 14 days.

The suspicious-burst rule (portal/inspection/suspicious.py) asks how many new people registered
at a venue within a few minutes from how few addresses. A remembered visitor's one tap never
writes here: the check-in hot path keeps its statement count.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..crypto import address_hash
from ..extensions import db
from .models import RegistrationAddress

#: However the setting is configured, address hashes never outlive this many days.
MAX_DAYS = 14


def keep_days():
    """How many days address hashes are kept: PORTAL_SUSPICIOUS_ADDRESS_DAYS, at most 14."""
    return max(1, min(MAX_DAYS, int(current_app.config.get("PORTAL_SUSPICIOUS_ADDRESS_DAYS", MAX_DAYS))))


def record_registration(visit, address, now):
    """Remember the keyed hash of the address a first-time registration's check-in came from."""
    if not address:
        return None
    row = RegistrationAddress(visit_id=visit.id, visitor_id=visit.visitor_id, venue_id=visit.venue_id,
                              registered_at=now, address_hash=address_hash(address))
    db.session.add(row)
    return row


def address_cutoff(cutoff, now):
    """The later of a purge's cutoff and the end of the address hashes' own keeping time."""
    return max(cutoff, now - timedelta(days=keep_days()))


def purge_addresses(cutoff, limit):
    """Delete up to `limit` address hashes recorded before `cutoff`; returns how many."""
    ids = list(db.session.scalars(
        select(RegistrationAddress.id).where(RegistrationAddress.registered_at < cutoff)
        .order_by(RegistrationAddress.registered_at).limit(limit)))
    if ids:
        db.session.execute(delete(RegistrationAddress).where(RegistrationAddress.id.in_(ids))
                           .execution_options(synchronize_session=False))
        db.session.flush()
    return len(ids)


def erase_addresses(visitor_ids):
    """Delete the address hashes of people deleting their data."""
    if visitor_ids:
        db.session.execute(delete(RegistrationAddress).where(RegistrationAddress.visitor_id.in_(list(visitor_ids)))
                           .execution_options(synchronize_session=False))
