"""Report periods: a day or a week ending on a local day, with the period before it."""
from datetime import timedelta

from ..clock import day_start


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
