"""The clock and local days: now in UTC, and the portal's calendar days as UTC ranges.

Times are stored in UTC and shown in the portal's timezone (`PORTAL_TIMEZONE`,
Asia/Ho_Chi_Minh by default). Functions that take `tz_name` work outside a request (CLI, tests);
without it they read the app's setting.
"""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow():
    """Now, in UTC, timezone-aware."""
    return datetime.now(timezone.utc)


def zone(tz_name=None):
    """The portal's timezone, or the named one."""
    return ZoneInfo(tz_name or current_app.config["PORTAL_TIMEZONE"])


def local_date(now, tz_name=None):
    """The local calendar date at an aware UTC instant."""
    return now.astimezone(zone(tz_name)).date()


def day_start(day, tz_name=None):
    """The UTC instant a local calendar day starts."""
    return datetime.combine(day, time.min, tzinfo=zone(tz_name)).astimezone(timezone.utc)


def day_bounds(now, tz_name=None):
    """(start, end) in UTC of the local calendar day containing `now`."""
    day = local_date(now, tz_name)
    return day_start(day, tz_name), day_start(day + timedelta(days=1), tz_name)


def day_starts(first_day, days, tz_name=None):
    """UTC starts of `days` consecutive local days, plus the end of the last one."""
    return [day_start(first_day + timedelta(days=i), tz_name) for i in range(days + 1)]
