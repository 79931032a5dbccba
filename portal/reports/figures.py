"""Venue-level figures computed from visits: counts only, never who visited."""
from datetime import timedelta

from sqlalchemy import case, distinct, func, select

from ..checkin.models import Visit
from ..extensions import db
from ..registry.models import Establishment
from ..venues.models import Venue
from .periods import day_starts, local_today

#: Check-outs done by the visitor (or by staff for them): anything else is a forgotten exit.
PROPER_OUT = ("self", "staff", "assisted")
CHART_DAYS = 14


def proper_exit():
    """1 for a visit checked out by the visitor or staff, else 0."""
    return case((Visit.out_method.in_(PROPER_OUT), 1), else_=0)


def closed_visit():
    """1 for a closed visit, else 0."""
    return case((Visit.checked_out_at.is_not(None), 1), else_=0)


def percent(part, whole):
    """A rounded percentage, or None when there is nothing to divide."""
    return round(100 * part / whole) if whole else None


def _scoped(query, column, ward_codes):
    return query if ward_codes is None else query.where(column.in_(list(ward_codes)))


def venues_in(ward_codes):
    """A subquery of the ids of the venues in these wards."""
    return select(Venue.id).where(Venue.ward_code.in_(list(ward_codes)))


def visits_by_venue(start, end, ward_codes=None, last=False):
    """Per venue with visits in [start, end]: check-ins, closed visits, proper exits (and the last check-in)."""
    columns = [Visit.venue_id.label("venue_id"), func.count().label("checkins"),
               func.sum(closed_visit()).label("closed"), func.sum(proper_exit()).label("proper")]
    if last:
        columns.append(func.max(Visit.checked_in_at).label("last"))
    query = select(*columns).where(Visit.checked_in_at >= start, Visit.checked_in_at <= end)
    if ward_codes is not None:
        query = query.where(Visit.venue_id.in_(venues_in(ward_codes)))
    return query.group_by(Visit.venue_id)


def ward_figures(ward_codes, now):
    """{ward code: figures} for the dashboards; ward_codes None means the whole province."""
    figures = {}

    def row(code):
        return figures.setdefault(code, dict(establishments=0, matched=0, venues=0, active=0,
                                             checkins=0, closed=0, proper=0))

    for code, total, matched in db.session.execute(_scoped(
        select(Establishment.ward_code, func.count(), func.count(Establishment.venue_id))
        .where(Establishment.status == "listed").group_by(Establishment.ward_code),
        Establishment.ward_code, ward_codes,
    )):
        row(code).update(establishments=total, matched=matched)
    for code, total in db.session.execute(_scoped(
        select(Venue.ward_code, func.count()).where(Venue.status != "closed").group_by(Venue.ward_code),
        Venue.ward_code, ward_codes,
    )):
        row(code)["venues"] = total
    since = now - timedelta(days=CHART_DAYS)
    day_ago = now - timedelta(hours=24)
    # Per venue first (a few thousand rows), then per ward: far cheaper than joining every visit.
    per_venue = visits_by_venue(since, now, ward_codes, last=True).subquery()
    for code, active, checkins, closed, proper in db.session.execute(
        select(Venue.ward_code, func.sum(case((per_venue.c.last >= day_ago, 1), else_=0)),
               func.sum(per_venue.c.checkins), func.sum(per_venue.c.closed), func.sum(per_venue.c.proper))
        .join(per_venue, per_venue.c.venue_id == Venue.id).group_by(Venue.ward_code)
    ):
        row(code).update(active=int(active or 0), checkins=int(checkins or 0), closed=int(closed or 0),
                         proper=int(proper or 0))
    for values in figures.values():
        values["coverage"] = percent(values["matched"], values["establishments"])
        values["completeness"] = percent(values["proper"], values["closed"])
    return figures


def totals(figures):
    """The sum over wards of ward_figures(), with percentages recomputed."""
    keys = ("establishments", "matched", "venues", "active", "checkins", "closed", "proper")
    total = {k: sum(f[k] for f in figures.values()) for k in keys}
    total["coverage"] = percent(total["matched"], total["establishments"])
    total["completeness"] = percent(total["proper"], total["closed"])
    return total


def daily_checkins(ward_codes, now, days=CHART_DAYS):
    """[(local date, check-ins)] for the last `days` local days, today included."""
    first = local_today(now) - timedelta(days=days - 1)
    starts = day_starts(first, days)
    if ward_codes is None:
        # One index range count per day: the whole province's visits are never read row by row.
        return [(first + timedelta(days=i), db.session.scalar(
            select(func.count()).select_from(Visit)
            .where(Visit.checked_in_at >= starts[i], Visit.checked_in_at < starts[i + 1])))
            for i in range(days)]
    bucket = case(*[(Visit.checked_in_at < starts[i + 1], i) for i in range(days)], else_=days)
    inner = select(bucket.label("bucket")).where(
        Visit.checked_in_at >= starts[0], Visit.checked_in_at < starts[-1],
        Visit.venue_id.in_(venues_in(ward_codes))).subquery()
    counts = dict(db.session.execute(select(inner.c.bucket, func.count()).group_by(inner.c.bucket)).tuples().all())
    return [(first + timedelta(days=i), counts.get(i, 0)) for i in range(days)]


def venue_figures(venue, now, days=7):
    """One venue's check-ins, distinct visitors and check-out completeness over `days`, last check-in."""
    since = now - timedelta(days=days)
    checkins, visitors, closed, proper = db.session.execute(
        select(func.count(), func.count(distinct(Visit.visitor_id)), func.sum(closed_visit()),
               func.sum(proper_exit()))
        .where(Visit.venue_id == venue.id, Visit.checked_in_at >= since)
    ).one()
    last = db.session.scalar(select(func.max(Visit.checked_in_at)).where(Visit.venue_id == venue.id))
    return dict(days=days, checkins=checkins, visitors=visitors, last=last,
                completeness=percent(int(proper or 0), int(closed or 0)))
