"""Checkpoint figures a commander acts on: per lane and direction, over a period, per local hour and
live, the crossings, the rejected scans and the seconds between consecutive scans.

Counts and times only: no names of people or staff, no scanner ids. The figures come from the scan
log (`scans`), which keeps no personal data, so a person's deletion does not change them:

- a crossing is a scan that ended "in" or "out" (each such scan recorded one row of `crossings`);
  a scanner firing twice ("repeat") is no crossing;
- a rejected scan is one of FAILED_OUTCOMES;
- a gap is the time between two consecutive scans of one group (whatever their outcome), and counts
  in a window (the period, a local hour, the live minutes) only when both scans fall in it;
- the 95th percentile is the nearest-rank one: the smallest gap with at least 95 % of the gaps at or
  below it (always a gap that happened).

A group is one lane of the checkpoint, or, for scans without a lane, the direction the officer
chose on the form. Pure functions of the rows and `now` (tests pin the clock by passing it).
"""
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from ..clock import zone
from ..collation import sort_key
from ..extensions import db
from ..venues.models import Venue
from .crossings import lanes_by_venue
from .models import FAILED_OUTCOMES, Lane, Scan

#: The live figures: the scans of the last 15 minutes up to now.
LIVE = timedelta(minutes=15)
#: The province comparison's recent figure: the crossings of the last hour up to now.
LAST_HOUR = timedelta(hours=1)
#: Where a direction sorts among the groups without a lane.
_DIRECTION_ORDER = {"in": 0, "out": 1, None: 2}


def nearest_rank(values, percent):
    """The nearest-rank percentile of `values` (None when empty): the smallest value with at least
    `percent` % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-percent * len(ordered) // 100))  # ceil(percent / 100 * n), in integers
    return ordered[rank - 1]


def _rounded(value):
    return None if value is None else round(value, 1)


@dataclass
class Window:
    """The scans of one group (or several pooled) within one window of time."""

    scans: int = 0
    crossings_in: int = 0
    crossings_out: int = 0
    repeats: int = 0
    rejected: int = 0
    gaps: list = field(default_factory=list)  # seconds between consecutive scans of one group

    @classmethod
    def of(cls, scans):
        """The window of consecutive scans [(at, outcome)] of one group, oldest first."""
        window = cls(scans=len(scans))
        for _at, outcome in scans:
            window.crossings_in += outcome == "in"
            window.crossings_out += outcome == "out"
            window.repeats += outcome == "repeat"
            window.rejected += outcome in FAILED_OUTCOMES
        window.gaps = [(later - earlier).total_seconds() for (earlier, _o), (later, _p) in zip(scans, scans[1:])]
        return window

    def add(self, other):
        """Pool another window into this one (the gaps stay those of each group)."""
        self.scans += other.scans
        self.crossings_in += other.crossings_in
        self.crossings_out += other.crossings_out
        self.repeats += other.repeats
        self.rejected += other.rejected
        self.gaps = self.gaps + other.gaps
        return self

    @property
    def crossings(self):
        return self.crossings_in + self.crossings_out

    @property
    def median_gap(self):
        """Median seconds between two consecutive scans (half are quicker), or None."""
        return _rounded(statistics.median(self.gaps)) if self.gaps else None

    @property
    def p95_gap(self):
        """95th percentile (nearest rank) of the seconds between two consecutive scans, or None."""
        return _rounded(nearest_rank(self.gaps, 95))

    @property
    def longest_gap(self):
        return _rounded(max(self.gaps)) if self.gaps else None


@dataclass
class LaneGroup:
    """One lane of a checkpoint, or the scans of one direction chosen on the form (`lane_id` None)."""

    lane_id: int | None
    lane_name: str | None
    lane_active: bool
    direction: str | None
    period: Window
    hours: dict  # local start of the hour (aware) -> Window
    live: Window
    last_scan_at: datetime | None


@dataclass
class CheckpointFigures:
    """A checkpoint's figures over [start, end), per local hour, and live at `now`."""

    venue_id: int
    groups: list
    hours: list  # local starts of the hours with a scan, in order
    total: Window
    per_hour: dict  # local start of the hour -> Window of every group
    live: Window  # the last LIVE up to now (empty without `now`)
    last_hour: Window  # the last LAST_HOUR up to now (empty without `now`)

    @property
    def live_minutes(self):
        return int(LIVE.total_seconds() // 60)

    @property
    def busiest_hour(self):
        """The local hour (its start) with the most crossings, the earliest on a tie; None without crossings."""
        busy = [(-w.crossings, hour) for hour, w in self.per_hour.items() if w.crossings]
        return min(busy)[1] if busy else None

    @property
    def busiest_hour_crossings(self):
        hour = self.busiest_hour
        return self.per_hour[hour].crossings if hour is not None else 0


def _inside(scans, low, high):
    """The scans with low <= at < high (a period), still consecutive."""
    return [s for s in scans if low <= s[0] < high]


def _after(scans, low, high):
    """The scans with low < at <= high (a window ending at now, now included)."""
    return [s for s in scans if low < s[0] <= high]


def _per_hour(scans, tz):
    buckets = {}
    for scan in scans:
        local = scan[0].astimezone(tz)
        buckets.setdefault(local.replace(minute=0, second=0, microsecond=0), []).append(scan)
    return {hour: Window.of(group) for hour, group in buckets.items()}


def _group(key, scans, lane, start, end, now, tz):
    lane_id, direction = key
    period = _inside(scans, start, end)
    return LaneGroup(
        lane_id=lane_id, lane_name=lane.name if lane else None, lane_active=lane.active if lane else True,
        direction=direction, period=Window.of(period), hours=_per_hour(period, tz),
        live=Window.of(_after(scans, now - LIVE, now)) if now else Window(),
        last_scan_at=max((at for at, _o in scans if now is None or at <= now), default=None),
    )


def _group_order(group):
    if group.lane_id is not None:
        return (0, sort_key(group.lane_name or ""), group.lane_id, _DIRECTION_ORDER.get(group.direction, 2))
    return (1, "", 0, _DIRECTION_ORDER.get(group.direction, 2))


def _rows(venue_ids, start, end, now):
    """{venue id: {(lane id, direction): [(at, outcome)] oldest first}} of the scans needed."""
    when = and_(Scan.scanned_at >= start, Scan.scanned_at < end)
    if now is not None:
        when = or_(when, and_(Scan.scanned_at > now - max(LIVE, LAST_HOUR), Scan.scanned_at <= now))
    found = {venue_id: {} for venue_id in venue_ids}
    for venue_id, lane_id, direction, at, outcome in db.session.execute(
        select(Scan.venue_id, Scan.lane_id, Scan.direction, Scan.scanned_at, Scan.outcome)
        .where(Scan.venue_id.in_(list(venue_ids)), when).order_by(Scan.scanned_at, Scan.id)
    ):
        found[venue_id].setdefault((lane_id, direction), []).append((at, outcome))
    return found


def checkpoints_figures(venue_ids, start, end, now=None, tz_name=None):
    """{venue id: CheckpointFigures} of these checkpoints over [start, end) (UTC), hours in local time,
    live at `now` (no live figures when `now` is None). Active lanes without scans are listed too."""
    venue_ids = list(venue_ids)
    if not venue_ids:
        return {}
    tz = zone(tz_name)
    scans = _rows(venue_ids, start, end, now)
    active = lanes_by_venue(venue_ids)
    lane_ids = {key[0] for groups in scans.values() for key in groups if key[0] is not None}
    lanes = {lane.id: lane for lanes_of in active.values() for lane in lanes_of}
    missing = lane_ids - set(lanes)
    if missing:  # retired lanes keep their scans
        lanes.update({lane.id: lane for lane in db.session.scalars(select(Lane).where(Lane.id.in_(missing)))})
    figures = {}
    for venue_id in venue_ids:
        groups_scans = scans[venue_id]
        for lane in active[venue_id]:
            groups_scans.setdefault((lane.id, lane.direction), [])
        groups = sorted((_group(key, rows, lanes.get(key[0]), start, end, now, tz)
                         for key, rows in groups_scans.items()), key=_group_order)
        figures[venue_id] = _checkpoint(venue_id, groups, groups_scans, now)
    return figures


def _checkpoint(venue_id, groups, groups_scans, now):
    total, per_hour, live, last_hour = Window(), {}, Window(), Window()
    for group in groups:
        total.add(group.period)
        live.add(group.live)
        for hour, window in group.hours.items():
            per_hour.setdefault(hour, Window()).add(window)
    if now is not None:
        for rows in groups_scans.values():
            last_hour.add(Window.of(_after(rows, now - LAST_HOUR, now)))
    return CheckpointFigures(venue_id=venue_id, groups=groups, hours=sorted(per_hour), total=total,
                             per_hour=per_hour, live=live, last_hour=last_hour)


def checkpoint_figures(venue, start, end, now=None, tz_name=None):
    """One checkpoint's CheckpointFigures (see `checkpoints_figures`)."""
    return checkpoints_figures([venue.id], start, end, now, tz_name)[venue.id]


def compare_checkpoints(venues_query, start, end, now, tz_name=None):
    """[(venue, CheckpointFigures)] of the checkpoint venues of a select of venues (the actor's
    visible ones), in Vietnamese order of their names; a closed one only when it scanned."""
    venues = list(db.session.scalars(venues_query.where(Venue.category == "checkpoint")))
    figures = checkpoints_figures([v.id for v in venues], start, end, now, tz_name)
    return [(v, figures[v.id]) for v in sorted(venues, key=lambda v: (sort_key(v.name), v.id))
            if v.status != "closed" or figures[v.id].total.scans or figures[v.id].last_hour.scans]
