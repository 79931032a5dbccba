"""The ORM look-ups of visits for `services` (the staff scanner, tracing, /me), built once with
bound parameters: building an ORM statement costs about as much as running it. Built on first
use, when every model is mapped. The visitor's own check-in runs `core`'s statements instead."""
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..venues.models import Venue
from .models import Visit


def visits():
    """select(Visit) alone: the rules never need the venue (relationships load only when read)."""
    return select(Visit)


def visits_with_venue():
    """select(Visit) with its venue and ward, and the entrance scanned: what the visitor's pages show."""
    return select(Visit).options(joinedload(Visit.venue).joinedload(Venue.ward), joinedload(Visit.entrance))


@cache
def open_visit():
    return (
        visits()
        .where(Visit.visitor_id == bindparam("visitor_id"), Visit.checked_out_at.is_(None))
        .order_by(Visit.checked_in_at.desc())
        .limit(1)
    )


@cache
def open_visits():
    return (
        visits_with_venue()
        .where(Visit.visitor_id.in_(bindparam("ids", expanding=True)), Visit.checked_out_at.is_(None))
        .order_by(Visit.checked_in_at)
    )


@cache
def by_nonce():
    return visits().where(Visit.nonce == bindparam("nonce"))


@cache
def by_ref():
    return visits_with_venue().where(Visit.ref == bindparam("ref"))


@cache
def companions():
    return visits().where(Visit.lead_visit_id == bindparam("lead")).order_by(Visit.id)


