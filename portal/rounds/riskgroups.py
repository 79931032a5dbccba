"""Risk groups of a ward, to test in yellow and green zones: people who came back again and again
to its markets, supermarkets, stations and boarding houses, or crossed its checkpoints (drivers),
in the last 14 days.

Health roles see the people (names and phones, audited); ward officials see only how many such
people each place had.
"""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import distinct, func, literal, select, union_all

from ..checkin.figures import counted
from ..checkin.models import Visit
from ..collation import sorted_vi
from ..extensions import db
from ..staff.models import Crossing
from ..venues.models import Venue
from ..visitors.models import Visitor

DAYS = 14
#: The categories whose regulars are a risk group (the order's list); checkpoints count crossings.
CATEGORIES = ("market", "supermarket", "station", "boarding_house")
MAX_PEOPLE = 500  # a list longer than this is cut, and says so


@dataclass
class Member:
    visitor: Visitor
    visits: int  # check-ins at the ward's risk places
    places: int  # distinct such places
    crossings: int  # checkpoint crossings in the ward


def _least():
    return int(current_app.config["PORTAL_RISK_GROUP_VISITS"])


def _events(ward_code, since):
    """(visitor_id, venue_id, kind) of every risk-place visit and checkpoint crossing in the ward."""
    visits = (select(Visit.visitor_id.label("visitor_id"), Visit.venue_id.label("venue_id"),
                     func.count().label("visits"), literal(0).label("crossings"))
              .join(Venue, Venue.id == Visit.venue_id)
              .where(Venue.ward_code == ward_code, Venue.category.in_(CATEGORIES), Visit.checked_in_at >= since,
                     counted())
              .group_by(Visit.visitor_id, Visit.venue_id))
    crossings = (select(Crossing.visitor_id.label("visitor_id"), Crossing.venue_id.label("venue_id"),
                        literal(0).label("visits"), func.count().label("crossings"))
                 .join(Venue, Venue.id == Crossing.venue_id)
                 .where(Venue.ward_code == ward_code, Crossing.crossed_at >= since)
                 .group_by(Crossing.visitor_id, Crossing.venue_id))
    return union_all(visits, crossings).subquery()


def members(ward_code, now):
    """([Member] in Vietnamese order of names, cut) for the ward: at least PORTAL_RISK_GROUP_VISITS
    visits to its risk places, or as many checkpoint crossings, in the last 14 days."""
    events = _events(ward_code, now - timedelta(days=DAYS))
    visits, crossings = func.sum(events.c.visits), func.sum(events.c.crossings)
    places = func.count(distinct(events.c.venue_id)).filter(events.c.visits > 0)
    least = _least()
    rows = db.session.execute(
        select(Visitor, visits, places, crossings).join(events, events.c.visitor_id == Visitor.id)
        .group_by(Visitor.id).having((visits >= least) | (crossings >= least))
        .order_by((visits + crossings).desc(), Visitor.id).limit(MAX_PEOPLE + 1)).all()
    found = [Member(visitor, int(v or 0), int(p or 0), int(c or 0)) for visitor, v, p, c in rows[:MAX_PEOPLE]]
    return sorted_vi(found, key=lambda m: m.visitor.full_name), len(rows) > MAX_PEOPLE


def place_counts(ward_codes, now):
    """[(venue, regulars)] of the wards' risk places and checkpoints: how many people came at least
    PORTAL_RISK_GROUP_VISITS times in the last 14 days (counts only), most first."""
    since, least = now - timedelta(days=DAYS), _least()
    per_person = (select(Visit.venue_id.label("venue_id"), Visit.visitor_id)
                  .join(Venue, Venue.id == Visit.venue_id)
                  .where(Venue.category.in_(CATEGORIES), Visit.checked_in_at >= since, counted())
                  .group_by(Visit.venue_id, Visit.visitor_id).having(func.count() >= least))
    drivers = (select(Crossing.venue_id.label("venue_id"), Crossing.visitor_id)
               .where(Crossing.crossed_at >= since)
               .group_by(Crossing.venue_id, Crossing.visitor_id).having(func.count() >= least))
    regulars = union_all(per_person, drivers).subquery()
    query = (select(Venue, func.count()).join(regulars, regulars.c.venue_id == Venue.id).group_by(Venue.id)
             .order_by(func.count().desc(), Venue.id))
    if ward_codes is not None:
        query = query.where(Venue.ward_code.in_(sorted(ward_codes) or [""]))
    return db.session.execute(query).all()
