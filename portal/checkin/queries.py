"""The statements of the check-in hot path, built once with bound parameters: building an ORM
statement costs about as much as running it. Built on first use, when every model is mapped."""
from functools import cache

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from ..venues.models import Entrance, Venue
from ..visitors.models import Visitor
from .models import Visit


def visits():
    """select(Visit) alone: the rules never need the venue (relationships load only when read)."""
    return select(Visit)


def visits_with_venue():
    """select(Visit) with its venue and ward, and the entrance scanned: what the visitor's pages show."""
    return select(Visit).options(joinedload(Visit.venue).joinedload(Venue.ward), joinedload(Visit.entrance))


def venues():
    """select(Venue) with its ward, which the check-in page shows."""
    return select(Venue).options(joinedload(Venue.ward))


@cache
def venue_by_token():
    return venues().where(Venue.token == bindparam("token"))


@cache
def venue_by_code():
    return venues().where(Venue.short_code == bindparam("code"))


def entrances():
    """select(Entrance) of entrances in use, with their venue and ward."""
    return (select(Entrance).options(joinedload(Entrance.venue).joinedload(Venue.ward))
            .where(Entrance.retired_at.is_(None)))


@cache
def entrance_by_token():
    return entrances().where(Entrance.token == bindparam("token"))


@cache
def entrance_by_code():
    return entrances().where(Entrance.short_code == bindparam("code"))


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
