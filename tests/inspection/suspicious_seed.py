"""Seeding for the suspicious-check-ins tests: many visits and registrations at a fixed clock."""
from datetime import datetime, timedelta, timezone

from portal.checkin.models import RegistrationAddress, Visit
from portal.checkin.services import new_ref
from portal.crypto import address_hash
from portal.extensions import db
from portal.inspection.suspicious import Thresholds
from portal.visitors.models import Visitor

# 12:00 in Hồ Chí Minh City on 20/11/2026: "today" is the 20th, local midnight is 17:00 UTC the 19th.
NOW = datetime(2026, 11, 20, 5, 0, tzinfo=timezone.utc)
TZ = "Asia/Ho_Chi_Minh"
LOCAL = timedelta(hours=7)
SMALL = Thresholds(burst_count=15, burst_minutes=5, burst_addresses=2, hours_count=5, hours_margin=60,
                   baseline_visits=20, jump_factor=4, jump_count=10, checkout_percent=5, checkout_visits=10)


def local(day, hour, minute=0):
    """The UTC instant of a local time on a day of November 2026."""
    return datetime(2026, 11, day, hour, minute, tzinfo=timezone.utc) - LOCAL


def visitor(name="Trần Thị Giả", phone="+84912000111"):
    row = Visitor(full_name=name, phone=phone, created_at=NOW - timedelta(days=1), last_seen_at=NOW)
    db.session.add(row)
    db.session.flush()
    return row


def visits(venue, times, who=None, out=None, out_method=None):
    """Visit rows at these instants (no check-in rules), committed; closed `out` later with `out_method`."""
    who = who or visitor()
    rows = []
    for at in times:
        rows.append(Visit(ref=new_ref(), visitor_id=who.id, venue_id=venue.id, checked_in_at=at,
                          due_out_at=at + timedelta(minutes=venue.default_stay_minutes), in_method="self",
                          checked_out_at=at + out if out is not None else None, out_method=out_method))
    db.session.add_all(rows)
    db.session.commit()
    return rows


def registrations(venue, start, addresses, every=timedelta(seconds=10)):
    """First-time registrations at a venue from `start`, one every `every`, from these IPs in turn."""
    rows = []
    for i, ip in enumerate(addresses):
        at = start + i * every
        who = visitor(name=f"Người Mới {i}", phone=f"+8491300{i:04d}")
        visit = visits(venue, [at], who=who)[0]
        rows.append(RegistrationAddress(visit_id=visit.id, visitor_id=who.id, venue_id=venue.id,
                                        registered_at=at, address_hash=address_hash(ip)))
    db.session.add_all(rows)
    db.session.commit()
    return rows


def aged(venue, days=30):
    """A venue registered `days` before the fixed clock (old enough for a 14-day baseline)."""
    venue.created_at = NOW - timedelta(days=days)
    db.session.commit()
    return venue
