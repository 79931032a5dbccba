"""Counts of visits at a venue, never who visited: the owner's panel and the officials' pages."""
from datetime import timedelta

from sqlalchemy import case, distinct, func, select

from ..clock import day_start, local_date
from ..extensions import db
from .models import Visit

#: Check-outs done by the visitor (or by staff for them): anything else is a forgotten exit.
PROPER_OUT = ("self", "staff", "assisted")


def counted():
    """The condition every count of visits uses: visits an official found fabricated are left out."""
    return Visit.fabricated.is_(False)


def proper_exit():
    """1 for a visit checked out by the visitor or staff, else 0."""
    return case((Visit.out_method.in_(PROPER_OUT), 1), else_=0)


def closed_visit():
    """1 for a closed visit, else 0."""
    return case((Visit.checked_out_at.is_not(None), 1), else_=0)


def percent(part, whole):
    """A rounded percentage, or None when there is nothing to divide."""
    return round(100 * part / whole) if whole else None


def today_counts(venue, now, tz_name):
    """Counts for the owner, never names: check-ins since local midnight and people inside now."""
    since = day_start(local_date(now, tz_name), tz_name)
    checked_in = db.session.scalar(
        select(func.count(Visit.id)).where(Visit.venue_id == venue.id, Visit.checked_in_at >= since, counted())
    )
    # Nobody is inside longer than the longest stay (12 hours), which bounds the scan.
    inside = db.session.scalar(
        select(func.count(Visit.id)).where(
            Visit.venue_id == venue.id,
            Visit.checked_in_at >= now - timedelta(hours=24),
            Visit.checked_out_at.is_(None),
            Visit.due_out_at > now,
            counted(),
        )
    )
    return {"checked_in_today": checked_in or 0, "inside_now": inside or 0}


def venue_activity(venue, now, days=7):
    """One venue's check-ins, distinct visitors and check-out completeness over `days`, last check-in."""
    since = now - timedelta(days=days)
    checkins, visitors, closed, proper = db.session.execute(
        select(func.count(), func.count(distinct(Visit.visitor_id)), func.sum(closed_visit()),
               func.sum(proper_exit()))
        .where(Visit.venue_id == venue.id, Visit.checked_in_at >= since, counted())
    ).one()
    last = db.session.scalar(select(func.max(Visit.checked_in_at)).where(Visit.venue_id == venue.id, counted()))
    return dict(days=days, checkins=checkins, visitors=visitors, last=last,
                completeness=percent(int(proper or 0), int(closed or 0)))
