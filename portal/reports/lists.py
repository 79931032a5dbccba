"""The three ward lists officials work from, with filter, sort and pages.

- not registered: establishments of the registry with no venue;
- not used: active venues without a check-in in the last N days (default 3);
- no exits: venues where fewer than half of the closed visits were checked out by the visitor.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select

from ..checkin.models import Visit
from ..extensions import db
from ..paging import PAGE_SIZE, page_offset, page_slice
from ..registry.followups import STUCK_AFTER, last_actions, summary_subquery
from ..registry.models import Establishment
from ..venues.models import CATEGORIES, Venue
from ..checkin.figures import closed_visit, counted, proper_exit
from .figures import visits_at_venues_of

#: The three lists of a ward, by URL kind, with their titles.
LIST_TITLES = {
    "not-registered": lambda: _l("Not registered"),
    "not-used": lambda: _l("Registered, not used"),
    "no-exits": lambda: _l("Entries without exits"),
}

KINDS = ("not-registered", "not-used", "no-exits")
DEFAULT_DAYS = {"not-registered": None, "not-used": 3, "no-exits": 7}


@dataclass
class ListQuery:
    """What the official asked for; parse() clamps every value to something valid."""

    kind: str
    ward_code: str
    category: str = ""
    sort: str = "name"
    descending: bool = False
    page: int = 1
    days: int | None = None
    stuck: bool = False
    sorts: tuple = field(default=())

    @classmethod
    def parse(cls, kind, ward_code, args):
        """From request arguments; unknown values fall back to the defaults, never an error."""
        sorts = tuple(SORTS[kind])
        query = cls(kind=kind, ward_code=ward_code, sorts=sorts)
        query.category = args.get("category", "") if args.get("category", "") in CATEGORIES else ""
        query.sort = args.get("sort") if args.get("sort") in sorts else sorts[0]
        query.descending = args.get("order") == "desc"
        query.page = _int(args.get("page"), 1, 1, 100_000)
        default = DEFAULT_DAYS[kind]
        query.days = None if default is None else _int(args.get("days"), default, 1, 90)
        query.stuck = kind == "not-registered" and args.get("stuck") == "1"
        return query

    def args(self, **changes):
        """The URL arguments for this query with some changed (for sort links and pages)."""
        values = dict(category=self.category or None, sort=self.sort, order="desc" if self.descending else None,
                      page=self.page if self.page > 1 else None, days=self.days,
                      stuck="1" if self.stuck else None)
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


def _int(raw, default, low, high):
    try:
        return min(max(int(raw), low), high)
    except (TypeError, ValueError):
        return default


def _not_registered(q, now):
    summary = summary_subquery("establishment_id", [q.ward_code])
    reminders = func.coalesce(summary.c.reminders, 0)
    query = (
        select(Establishment, reminders.label("reminders"), summary.c.last_on)
        .outerjoin(summary, summary.c.key == Establishment.id)
        .where(Establishment.ward_code == q.ward_code, Establishment.status == "listed",
               Establishment.venue_id.is_(None))
    )
    if q.category:
        query = query.where(Establishment.category == q.category)
    if q.stuck:
        query = query.where(reminders >= STUCK_AFTER)
    order = {"name": Establishment.name_sort, "number": Establishment.registration_number,
             "category": Establishment.category, "reminders": reminders, "last": summary.c.last_on,
             "address": Establishment.address_sort}
    return query, order, Establishment.id


def _not_used(q, now):
    since = now - timedelta(days=q.days)
    summary = summary_subquery("venue_id", [q.ward_code])
    reminders = func.coalesce(summary.c.reminders, 0)
    last_in = (select(func.max(Visit.checked_in_at)).where(Visit.venue_id == Venue.id, counted())
               .correlate(Venue).scalar_subquery())
    query = (
        select(Venue, reminders.label("reminders"), summary.c.last_on, last_in.label("last_in"))
        .outerjoin(summary, summary.c.key == Venue.id)
        .where(Venue.ward_code == q.ward_code, Venue.status == "active",
               ~exists().where(Visit.venue_id == Venue.id, Visit.checked_in_at >= since, counted()))
    )
    if q.category:
        query = query.where(Venue.category == q.category)
    order = {"name": Venue.name_sort, "registered": Venue.created_at, "last_in": last_in,
             "category": Venue.category, "reminders": reminders, "code": Venue.short_code}
    return query, order, Venue.id


def _no_exits(q, now):
    since = now - timedelta(days=q.days)
    stats = (
        select(Visit.venue_id.label("venue_id"), func.sum(closed_visit()).label("closed"),
               func.sum(proper_exit()).label("proper"))
        .where(visits_at_venues_of([q.ward_code]), Visit.checked_in_at >= since, counted())
        .group_by(Visit.venue_id).subquery()
    )
    summary = summary_subquery("venue_id", [q.ward_code])
    reminders = func.coalesce(summary.c.reminders, 0)
    share = stats.c.proper * 100 / stats.c.closed
    query = (
        select(Venue, reminders.label("reminders"), summary.c.last_on, stats.c.closed, stats.c.proper)
        .join(stats, stats.c.venue_id == Venue.id)
        .outerjoin(summary, summary.c.key == Venue.id)
        .where(and_(stats.c.closed > 0, stats.c.proper * 2 < stats.c.closed))
    )
    if q.category:
        query = query.where(Venue.category == q.category)
    order = {"share": share, "visits": stats.c.closed, "name": Venue.name_sort, "category": Venue.category,
             "reminders": reminders}
    return query, order, Venue.id


BUILDERS = {"not-registered": _not_registered, "not-used": _not_used, "no-exits": _no_exits}
SORTS = {
    "not-registered": ("name", "number", "address", "category", "reminders", "last"),
    "not-used": ("name", "code", "registered", "last_in", "category", "reminders"),
    "no-exits": ("share", "visits", "name", "category", "reminders"),
}


def _ordered(q, now):
    query, order, key = BUILDERS[q.kind](q, now)
    column = order[q.sort]
    # Never-seen values (no check-in, no follow-up) count as the oldest, on every database.
    primary = column.desc().nulls_last() if q.descending else column.asc().nulls_first()
    return query, query.order_by(primary, key)


def fetch(q, now, everything=False):
    """(rows, total): rows are dicts with the place, its figures and its last follow-up."""
    base, query = _ordered(q, now)
    start = page_offset(q.page)
    if q.kind == "no-exits":
        # At most the ward's venues with visits: aggregate once, count and page in Python.
        rows = [dict(r._mapping) for r in db.session.execute(query)]
        total = len(rows)
        rows = rows if everything else page_slice(rows, q.page)
    else:
        total = db.session.scalar(select(func.count()).select_from(base.subquery()))
        if not everything:
            query = query.limit(PAGE_SIZE).offset(start)
        rows = [dict(r._mapping) for r in db.session.execute(query)]
    key_name = "establishment_id" if q.kind == "not-registered" else "venue_id"
    for row in rows:
        row["place"] = row.pop("Establishment", None) or row.pop("Venue")
    last = last_actions(key_name, [r["place"].id for r in rows], q.ward_code)
    for row in rows:
        row["last"] = last.get(row["place"].id)
        if q.kind == "no-exits":
            row["share"] = round(100 * (row["proper"] or 0) / row["closed"])
    return rows, total

