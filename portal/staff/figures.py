"""Checkpoint figures from the scan log: scans per hour per scanner, time between scans, failures."""
import statistics
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from ..collation import sort_key
from ..auth.models import User
from ..clock import day_bounds
from ..extensions import db
from ..venues.models import Venue
from .models import FAILED_OUTCOMES, Scan


@dataclass
class DeviceFigures:
    """One scanner device (a checkpoint lane) over the period."""

    device: str
    staff: list = field(default_factory=list)
    scans: int = 0
    failures: int = 0
    per_hour: dict = field(default_factory=dict)  # local hour (0-23) -> scans
    gaps: list = field(default_factory=list)

    @property
    def median_gap(self):
        """Median seconds between one scan and the next on this device, or None."""
        return round(statistics.median(self.gaps), 1) if self.gaps else None

    @property
    def busiest_hour(self):
        """The local hour (0-23) with the most scans on this device (the earliest on a tie), or None."""
        return min(self.per_hour, key=lambda hour: (-self.per_hour[hour], hour)) if self.per_hour else None

    @property
    def peak_per_hour(self):
        return max(self.per_hour.values(), default=0)


@dataclass
class VenueFigures:
    devices: list
    hours: list  # local hours with at least one scan, in order

    @property
    def scans(self):
        return sum(d.scans for d in self.devices)

    @property
    def failures(self):
        return sum(d.failures for d in self.devices)

    @property
    def median_gap(self):
        gaps = [g for d in self.devices for g in d.gaps]
        return round(statistics.median(gaps), 1) if gaps else None


def lane_figures(venue, start, end, tz_name):
    """Figures of one venue's scans from `start` to `end` (UTC), hours in the local timezone."""
    tz = ZoneInfo(tz_name)
    rows = db.session.execute(
        select(Scan.device, Scan.scanned_at, Scan.outcome, User.full_name)
        .outerjoin(User, User.id == Scan.user_id)
        .where(Scan.venue_id == venue.id, Scan.scanned_at >= start, Scan.scanned_at < end)
        .order_by(Scan.device, Scan.scanned_at, Scan.id)
    )
    devices, previous, hours = {}, {}, set()
    for device, at, outcome, staff_name in rows:
        figures = devices.setdefault(device, DeviceFigures(device))
        figures.scans += 1
        figures.failures += outcome in FAILED_OUTCOMES
        hour = at.astimezone(tz).hour
        hours.add(hour)
        figures.per_hour[hour] = figures.per_hour.get(hour, 0) + 1
        if staff_name and staff_name not in figures.staff:
            figures.staff.append(staff_name)
        if device in previous:
            figures.gaps.append((at - previous[device]).total_seconds())
        previous[device] = at
    return VenueFigures(devices=sorted(devices.values(), key=lambda d: -d.scans), hours=sorted(hours))


@dataclass
class CheckpointToday:
    venue: Venue
    scans: int
    failures: int
    last_hour: int


def checkpoints_today(venues_query, now, tz_name):
    """Each checkpoint venue (of the given select of venues) with today's scans and failures
    and the scans in the last hour, busiest first."""
    start, end = day_bounds(now, tz_name)
    venues = list(db.session.scalars(venues_query.where(Venue.category == "checkpoint")))
    if not venues:
        return []
    ids = [v.id for v in venues]
    failed = case((Scan.outcome.in_(FAILED_OUTCOMES), 1), else_=0)
    today = {
        venue_id: (scans, failures or 0)
        for venue_id, scans, failures in db.session.execute(
            select(Scan.venue_id, func.count(), func.sum(failed))
            .where(Scan.venue_id.in_(ids), Scan.scanned_at >= start, Scan.scanned_at < end)
            .group_by(Scan.venue_id)
        )
    }
    recent = dict(
        db.session.execute(
            select(Scan.venue_id, func.count())
            .where(Scan.venue_id.in_(ids), Scan.scanned_at > now - timedelta(hours=1), Scan.scanned_at <= now)
            .group_by(Scan.venue_id)
        ).all()
    )
    rows = [
        CheckpointToday(v, today.get(v.id, (0, 0))[0], int(today.get(v.id, (0, 0))[1]), recent.get(v.id, 0))
        for v in venues
    ]
    return sorted(rows, key=lambda r: (-r.scans, sort_key(r.venue.name), r.venue.id))
