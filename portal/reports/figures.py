"""Venue-level figures computed from visits: counts only, never who visited."""
from datetime import timedelta

from sqlalchemy import case, distinct, func, select

from ..checkin.models import Visit
from ..extensions import db
from ..registry.models import Establishment
from ..venues.models import Venue
from ..checkin.figures import closed_visit, counted, percent, proper_exit
from ..clock import day_starts, local_date

CHART_DAYS = 14


def _scoped(query, column, ward_codes):
    return query if ward_codes is None else query.where(column.in_(list(ward_codes)))


MAX_LISTED_VENUES = 5000


def visits_at_venues_of(ward_codes):
    """A condition on Visit.venue_id for the venues of these wards.

    For a ward or a few, the venue ids are listed, so both databases walk the (venue, check-in
    time) index venue by venue instead of reading every visit of the province in the window.
    """
    ids = db.session.scalars(
        select(Venue.id).where(Venue.ward_code.in_(list(ward_codes))).limit(MAX_LISTED_VENUES + 1)
    ).all()
    if len(ids) <= MAX_LISTED_VENUES:
        return Visit.venue_id.in_(ids)
    return Visit.venue_id.in_(select(Venue.id).where(Venue.ward_code.in_(list(ward_codes))))


def visits_by_venue(start, end, ward_codes=None, last=False):
    """Per venue with visits in [start, end]: check-ins, closed visits, proper exits (and the last check-in)."""
    columns = [Visit.venue_id.label("venue_id"), func.count().label("checkins"),
               func.sum(closed_visit()).label("closed"), func.sum(proper_exit()).label("proper")]
    if last:
        columns.append(func.max(Visit.checked_in_at).label("last"))
    query = select(*columns).where(Visit.checked_in_at >= start, Visit.checked_in_at <= end, counted())
    if ward_codes is not None:
        query = query.where(visits_at_venues_of(ward_codes))
    return query.group_by(Visit.venue_id)


def chart_start(now, days=CHART_DAYS):
    """(first local day, UTC starts of each day and the end) of the chart's window."""
    first = local_date(now) - timedelta(days=days - 1)
    return first, day_starts(first, days)


def ward_figures(ward_codes, now, activity=True):
    """{ward code: figures} for the dashboards; ward_codes None means the whole province.

    Activity (check-ins, completeness) covers the chart's 14 local days; `activity=False`
    leaves it at zero for a caller that counts it another way.
    """
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
    if activity:
        _add_activity(figures, row, ward_codes, now)
    for values in figures.values():
        _percentages(values)
    return figures


def _percentages(values):
    values["coverage"] = percent(values["matched"], values["establishments"])
    values["completeness"] = percent(values["proper"], values["closed"])
    return values


def _add_activity(figures, row, ward_codes, now):
    since = chart_start(now)[1][0]
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


def ward_summary(code, now):
    """(figures, [(local date, check-ins)]) of one ward's dashboard, reading its visits once."""
    figures = ward_figures([code], now, activity=False).get(code) or dict(
        establishments=0, matched=0, venues=0, active=0, checkins=0, closed=0, proper=0)
    first, starts = chart_start(now)
    at_ward = visits_at_venues_of([code])
    bucket = case(*[(Visit.checked_in_at < starts[i + 1], i) for i in range(CHART_DAYS)], else_=CHART_DAYS)
    inner = select(bucket.label("bucket"), closed_visit().label("closed"), proper_exit().label("proper")).where(
        Visit.checked_in_at >= starts[0], Visit.checked_in_at < starts[-1], at_ward, counted()).subquery()
    per_day = {b: (n, int(c or 0), int(p or 0)) for b, n, c, p in db.session.execute(
        select(inner.c.bucket, func.count(), func.sum(inner.c.closed), func.sum(inner.c.proper))
        .group_by(inner.c.bucket))}
    days = [(first + timedelta(days=i), per_day.get(i, (0, 0, 0))[0]) for i in range(CHART_DAYS)]
    figures.update(
        checkins=sum(v[0] for v in per_day.values()), closed=sum(v[1] for v in per_day.values()),
        proper=sum(v[2] for v in per_day.values()),
        active=db.session.scalar(select(func.count(distinct(Visit.venue_id))).where(
            Visit.checked_in_at >= now - timedelta(hours=24), Visit.checked_in_at <= now, at_ward, counted())),
    )
    return _percentages(figures), days


def totals(figures):
    """The sum over wards of ward_figures(), with percentages recomputed."""
    keys = ("establishments", "matched", "venues", "active", "checkins", "closed", "proper")
    total = {k: sum(f[k] for f in figures.values()) for k in keys}
    total["coverage"] = percent(total["matched"], total["establishments"])
    total["completeness"] = percent(total["proper"], total["closed"])
    return total


def daily_checkins(ward_codes, now, days=CHART_DAYS):
    """[(local date, check-ins)] for the last `days` local days, today included."""
    first, starts = chart_start(now, days)
    if ward_codes is None:
        # One index range count per day: the whole province's visits are never read row by row.
        return [(first + timedelta(days=i), db.session.scalar(
            select(func.count()).select_from(Visit)
            .where(Visit.checked_in_at >= starts[i], Visit.checked_in_at < starts[i + 1], counted())))
            for i in range(days)]
    bucket = case(*[(Visit.checked_in_at < starts[i + 1], i) for i in range(days)], else_=days)
    inner = select(bucket.label("bucket")).where(
        Visit.checked_in_at >= starts[0], Visit.checked_in_at < starts[-1],
        visits_at_venues_of(ward_codes), counted()).subquery()
    counts = dict(db.session.execute(select(inner.c.bucket, func.count()).group_by(inner.c.bucket)).all())
    return [(first + timedelta(days=i), counts.get(i, 0)) for i in range(days)]
