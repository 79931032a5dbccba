"""High-risk venue categories with the most visitors: where to test first in green and yellow wards."""
from datetime import timedelta

from sqlalchemy import distinct, func, select

from ..checkin.figures import counted
from ..checkin.models import Visit
from ..extensions import db
from ..venues.models import Venue

HIGH_RISK = ("market", "supermarket", "boarding_house", "station", "factory")
DAYS = 7
PER_WARD = 10


def high_risk_venues(ward_codes, now, per_ward=PER_WARD):
    """{ward code: [(venue, visitors, check-ins)]} over the last 7 days, busiest first."""
    since = now - timedelta(days=DAYS)
    visitors = func.count(distinct(Visit.visitor_id))
    places = select(Venue.id).where(Venue.category.in_(HIGH_RISK))
    if ward_codes is not None:
        places = places.where(Venue.ward_code.in_(list(ward_codes)))
    stats = (
        select(Visit.venue_id.label("venue_id"), visitors.label("visitors"), func.count().label("checkins"))
        .where(Visit.checked_in_at >= since, Visit.venue_id.in_(places), counted())
        .group_by(Visit.venue_id)
    )
    stats = stats.subquery()
    rank = func.row_number().over(
        partition_by=Venue.ward_code,
        order_by=(stats.c.visitors.desc(), stats.c.checkins.desc(), Venue.id),
    )
    ranked = (
        select(Venue.id.label("venue_id"), Venue.ward_code, stats.c.visitors, stats.c.checkins,
               rank.label("rank"))
        .join(stats, stats.c.venue_id == Venue.id).subquery()
    )
    rows = db.session.execute(
        select(Venue, ranked.c.visitors, ranked.c.checkins).join(ranked, ranked.c.venue_id == Venue.id)
        .where(ranked.c.rank <= per_ward)
        .order_by(ranked.c.ward_code, ranked.c.rank)
    )
    found = {}
    for venue, count, checkins in rows:
        found.setdefault(venue.ward_code, []).append((venue, count, checkins))
    return found
