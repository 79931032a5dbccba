"""The statements of the check-in hot path, built once with bound parameters: building an ORM
statement costs about as much as running it. Built on first use, when every model is mapped."""
from functools import cache

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload, lazyload

from ..venues.models import Venue
from ..visitors.models import Visitor
from .models import Visit


def visits():
    """select(Visit) without its venue: the rules never need it, so no join is paid for."""
    return select(Visit).options(lazyload(Visit.venue))


def visits_with_venue():
    """select(Visit) with its venue and ward, but not the venue's owner."""
    return select(Visit).options(joinedload(Visit.venue).lazyload(Venue.owner))


def venues():
    """select(Venue) without its owner."""
    return select(Venue).options(lazyload(Venue.owner))


@cache
def venue_by_token():
    return venues().where(Venue.token == bindparam("token"))


@cache
def venue_by_code():
    return venues().where(Venue.short_code == bindparam("code"))


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
def followers():
    return visits().where(Visit.lead_visit_id == bindparam("lead"), Visit.checked_out_at.is_(None))


@cache
def by_nonce():
    return visits().where(Visit.nonce == bindparam("nonce"))


@cache
def by_ref():
    return visits_with_venue().where(Visit.ref == bindparam("ref"))


@cache
def companions():
    return visits().where(Visit.lead_visit_id == bindparam("lead")).order_by(Visit.id)


@cache
def lock_person():
    return (
        update(Visitor)
        .where(Visitor.id == bindparam("visitor_id"))
        .values(last_seen_at=bindparam("now", type_=Visitor.__table__.c.last_seen_at.type))
        .execution_options(synchronize_session=False)
    )
