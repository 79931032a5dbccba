"""Local days in the portal's timezone, as UTC ranges for queries."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def zone():
    """The portal's timezone (Asia/Ho_Chi_Minh by default)."""
    return ZoneInfo(current_app.config["PORTAL_TIMEZONE"])


def local_today(now):
    """The local date at an aware UTC instant."""
    return now.astimezone(zone()).date()


def day_start(day):
    """The UTC instant a local day starts."""
    return datetime.combine(day, time.min, tzinfo=zone()).astimezone(timezone.utc)


def day_starts(first_day, days):
    """UTC starts of `days` consecutive local days, plus the end of the last one."""
    return [day_start(first_day + timedelta(days=i)) for i in range(days + 1)]


def period(kind, day):
    """(start, end, previous start, label days) of a 'daily' or 'weekly' period ending on `day`.

    A weekly period is the seven days ending with `day`; the previous period is the one before it.
    """
    length = 7 if kind == "weekly" else 1
    first = day - timedelta(days=length - 1)
    return {
        "kind": kind,
        "first_day": first,
        "last_day": day,
        "start": day_start(first),
        "end": day_start(day + timedelta(days=1)),
        "prev_first_day": first - timedelta(days=length),
        "prev_last_day": first - timedelta(days=1),
        "prev_start": day_start(first - timedelta(days=length)),
    }
