"""Suspicious check-ins: the four rules, evaluated for one local day at a time.

- burst: at least BURST_COUNT first-time registrations at a venue within BURST_MINUTES from at
  most BURST_ADDRESSES client addresses (keyed hashes, portal/checkin/addresses.py);
- hours: at least HOURS_COUNT check-ins more than HOURS_MARGIN_MINUTES outside the venue's opening
  hours, or, without them, away from every check-in of its previous 14 days (once it had
  BASELINE_VISITS of them);
- jump: a day's check-ins at least JUMP_COUNT and at least JUMP_FACTOR times the venue's daily
  average over the previous 14 days (a venue younger than that has no baseline yet);
- checkout: under CHECKOUT_PERCENT of the day's finished visits checked out by the visitor or
  staff, with at least CHECKOUT_VISITS finished visits.

Thresholds are the app's `PORTAL_SUSPICIOUS_*` settings. Visits already found fabricated count
for nothing. Findings hold counts only; `matched` lists the visit ids a rule matched where its
window holds other visits too (burst, hours). Nothing here writes: flags.py stores findings.
"""
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..checkin.figures import PROPER_OUT, counted
from ..checkin.models import RegistrationAddress, Visit
from ..clock import day_start, zone
from ..extensions import db
from ..venues.models import Venue

BASELINE_DAYS = 14
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Thresholds:
    burst_count: int = 15
    burst_minutes: int = 5
    burst_addresses: int = 2
    hours_count: int = 5
    hours_margin: int = 60
    baseline_visits: int = 20
    jump_factor: float = 4
    jump_count: int = 50
    checkout_percent: float = 5
    checkout_visits: int = 30

    @classmethod
    def from_config(cls, config):
        """The thresholds of the app's PORTAL_SUSPICIOUS_* settings."""
        names = {"burst_count": "BURST_COUNT", "burst_minutes": "BURST_MINUTES",
                 "burst_addresses": "BURST_ADDRESSES", "hours_count": "HOURS_COUNT",
                 "hours_margin": "HOURS_MARGIN_MINUTES", "baseline_visits": "BASELINE_VISITS",
                 "jump_factor": "JUMP_FACTOR", "jump_count": "JUMP_COUNT",
                 "checkout_percent": "CHECKOUT_PERCENT", "checkout_visits": "CHECKOUT_VISITS"}
        defaults = cls()
        return cls(**{key: type(getattr(defaults, key))(config.get("PORTAL_SUSPICIOUS_" + name, getattr(defaults, key)))
                      for key, name in names.items()})


@dataclass
class Finding:
    """One rule that fired at one venue over one window."""

    venue_id: int
    rule: str
    window_start: datetime
    window_end: datetime
    figures: dict
    matched: list | None = field(default=None)


def evaluate_day(day, now, limits, tz_name):
    """The findings of every rule for the local day `day`, looking only at what happened by `now`."""
    start = day_start(day, tz_name)
    end = min(day_start(day + timedelta(days=1), tz_name), now)
    if end <= start:
        return []
    found = burst_findings(start, end, limits)
    fewest = min(limits.hours_count, limits.jump_count, limits.checkout_visits)
    busy = select(Visit.venue_id).where(Visit.checked_in_at >= start, Visit.checked_in_at < end, counted()) \
        .group_by(Visit.venue_id).having(func.count() >= fewest)
    venues = db.session.scalars(select(Venue).where(Venue.id.in_(busy)).order_by(Venue.id)).all()
    for venue in venues:
        visits = db.session.execute(
            select(Visit.id, Visit.checked_in_at, Visit.checked_out_at, Visit.due_out_at, Visit.out_method)
            .where(Visit.venue_id == venue.id, Visit.checked_in_at >= start, Visit.checked_in_at < end, counted())
            .order_by(Visit.checked_in_at, Visit.id)).all()
        history = db.session.scalars(
            select(Visit.checked_in_at).where(
                Visit.venue_id == venue.id, Visit.checked_in_at >= start - timedelta(days=BASELINE_DAYS),
                Visit.checked_in_at < start, counted())).all()
        for rule in (hours_finding, jump_finding, checkout_finding):
            finding = rule(venue, visits, history, start, end, now, limits, tz_name)
            if finding is not None:
                found.append(finding)
    return found


def burst_findings(start, end, limits):
    """Bursts of first-time registrations from few addresses, at every venue."""
    venue_ids = db.session.scalars(
        select(RegistrationAddress.venue_id)
        .where(RegistrationAddress.registered_at >= start, RegistrationAddress.registered_at < end)
        .group_by(RegistrationAddress.venue_id).having(func.count() >= limits.burst_count)
        .order_by(RegistrationAddress.venue_id)).all()
    found = []
    for venue_id in venue_ids:
        rows = db.session.execute(
            select(RegistrationAddress.registered_at, RegistrationAddress.address_hash, RegistrationAddress.visit_id)
            .where(RegistrationAddress.venue_id == venue_id, RegistrationAddress.registered_at >= start,
                   RegistrationAddress.registered_at < end)
            .order_by(RegistrationAddress.registered_at, RegistrationAddress.id)).all()
        fabricated = set(db.session.scalars(select(Visit.id).where(
            Visit.id.in_([r.visit_id for r in rows]), Visit.fabricated.is_(True))))
        rows = [r for r in rows if r.visit_id not in fabricated]
        found.extend(Finding(venue_id, "burst", *window) for window in bursts(rows, limits))
    return found


def bursts(rows, limits):
    """(window start, window end, figures, matched visit ids) of each burst among registrations
    (registered_at, address_hash, visit_id) in time order; a burst's registrations start no other."""
    span = timedelta(minutes=limits.burst_minutes)
    i = 0
    while i < len(rows):
        window = [r for r in rows[i:] if r.registered_at < rows[i].registered_at + span]
        chosen, from_few = set(), 0
        # The fewest addresses that reach the count: an address with one registration among a
        # burst from another stays out of it.
        for address, count in Counter(r.address_hash for r in window).most_common(limits.burst_addresses):
            chosen.add(address)
            from_few += count
            if from_few >= limits.burst_count:
                break
        if from_few >= limits.burst_count:
            matched = [r for r in window if r.address_hash in chosen]
            yield (matched[0].registered_at, matched[-1].registered_at,
                   {"registrations": len(matched), "addresses": len(chosen), "minutes": limits.burst_minutes,
                    "in_window": len(window)},
                   [r.visit_id for r in matched])
            i += len(window)
        else:
            i += 1


def minute_of_day(moment, tz_name):
    local = moment.astimezone(zone(tz_name))
    return local.hour * 60 + local.minute


def _minutes(text):
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _apart(a, b):
    """Minutes between two times of day, around midnight."""
    gap = abs(a - b) % DAY_MINUTES
    return min(gap, DAY_MINUTES - gap)


def outside_opening(minute, opens, closes):
    """Minutes from a time of day to the opening hours [opens, closes) (closing may be after midnight)."""
    inside = opens <= minute < closes if opens < closes else (minute >= opens or minute < closes)
    return 0 if inside else min(_apart(minute, opens), _apart(minute, closes))


def outside_usual(minute, usual):
    """Minutes from a time of day to the nearest time of day in the sorted list `usual`."""
    i = bisect_left(usual, minute)
    near = [usual[i % len(usual)], usual[i - 1]]
    return min(_apart(minute, m) for m in near)


def hours_finding(venue, visits, history, start, end, now, limits, tz_name):
    """Check-ins far outside the venue's opening hours, or its usual hours when it has none."""
    if venue.opens_at and venue.closes_at:
        opens, closes = _minutes(venue.opens_at), _minutes(venue.closes_at)
        distance = lambda minute: outside_opening(minute, opens, closes)  # noqa: E731
        figures = {"opens_at": venue.opens_at, "closes_at": venue.closes_at}
    else:
        if len(history) < limits.baseline_visits:
            return None
        usual = sorted({minute_of_day(at, tz_name) for at in history})
        distance = lambda minute: outside_usual(minute, usual)  # noqa: E731
        figures = {"baseline_visits": len(history)}
    outside = [v for v in visits if distance(minute_of_day(v.checked_in_at, tz_name)) > limits.hours_margin]
    if len(outside) < limits.hours_count:
        return None
    figures.update(outside=len(outside), checkins=len(visits), margin_minutes=limits.hours_margin)
    return Finding(venue.id, "hours", start, end, figures, [v.id for v in outside])


def jump_finding(venue, visits, history, start, end, now, limits, tz_name):
    """Today's check-ins against the venue's own daily average over the previous 14 days."""
    if venue.created_at is None or venue.created_at > start - timedelta(days=BASELINE_DAYS):
        return None  # no 14-day baseline yet
    average = len(history) / BASELINE_DAYS
    if len(visits) < limits.jump_count or len(visits) < limits.jump_factor * average:
        return None
    return Finding(venue.id, "jump", start, end,
                   {"checkins": len(visits), "average": round(average, 1), "days": BASELINE_DAYS})


def checkout_finding(venue, visits, history, start, end, now, limits, tz_name):
    """Almost no check-outs among the day's finished visits (closed, or past their due time)."""
    finished = [v for v in visits if v.checked_out_at is not None or v.due_out_at <= now]
    if len(finished) < limits.checkout_visits:
        return None
    proper = sum(1 for v in finished if v.out_method in PROPER_OUT)
    if proper * 100 >= limits.checkout_percent * len(finished):
        return None
    return Finding(venue.id, "checkout", start, end,
                   {"finished": len(finished), "checked_out": proper,
                    "percent": round(100 * proper / len(finished), 1)})
