"""Declared extension points: the panels and notices one feature adds to another feature's pages.

Each signal below says who sends it, with which arguments, and what a receiver returns. A feature
connects its receivers in its own `init_app`, for that app only:
`signals.venue_panels.connect(venue_panel, sender=app)`. Pages read them only through `collect()`
(never `send()`), which calls each receiver with the keyword arguments of the contract (no sender)
in the order they were connected, and has the one failure policy: a failing receiver is logged
privately (its name, the exception's type and where it was raised, never the message, which may
carry personal data) and the page renders without it.
"""
import logging
import traceback

from blinker import NamedSignal
from flask import current_app

log = logging.getLogger(__name__)


class _InConnectionOrder(dict):
    """The set blinker keeps receiver ids in, ordered, so panels appear in the order features connect them."""

    def add(self, item):
        """Add `item` at the end (set API)."""
        self[item] = None

    def discard(self, item):
        """Remove `item` if present (set API)."""
        self.pop(item, None)


class _Signal(NamedSignal):
    set_class = _InConnectionOrder


venue_panels = _Signal("venue_panels", """Panels on the owner's page of one venue.

Sent by `venues.routes.show` for the venue's owner. Receivers are called as
`receiver(venue=Venue)` and return one `Markup` panel (or None for none).
Connected by checkin (today's check word and counts) and staff (staff accounts and scanner).""")

province_panels = _Signal("province_panels", """Panels on the province dashboard.

Sent by `reports.routes.dashboard`, only when a province administrator looks at it. Receivers are
called as `receiver(actor=User, now=aware UTC datetime)` and return one `Markup` panel (or None).
Connected by audit (this week's look-ups and exports) and staff (checkpoint throughput).""")

me_panels = _Signal("me_panels", """Panels on a visitor's /me page.

Sent by `visitors.routes.me` when the device is remembered. Receivers are called as
`receiver(visitor=Visitor, now=aware UTC datetime)` with the device's own person (not dependents)
and return one `Markup` panel (or None). Connected by passes (the personal pass).""")

visitor_notices = _Signal("visitor_notices", """Warnings shown to visitors on the check-in form, the
confirmation page and /me.

Sent (through `notices_for`) by `checkin.routes` and `visitors.routes`. Receivers are called as
`receiver(visitor_ids=list[int], now=aware UTC datetime)` with the ids of the device's household
(the person and their dependents) and return a list of `Markup` notices (possibly empty). This
is on the check-in hot path: a receiver must cost a bounded number of statements. Connected by
tracing (exposure warnings).""")


def collect(signal, **kwargs):
    """What each receiver of `signal` for this app returns for `kwargs`, in connection order; empty
    answers and failing receivers are left out (the failure is logged)."""
    results = []
    for receiver in signal.receivers_for(current_app._get_current_object()):
        try:
            result = receiver(**kwargs)
        except Exception as exc:  # noqa: BLE001 - one broken panel must not take its page down
            _log_failure(signal, receiver, exc)
            continue
        if result:
            results.append(result)
    return results


def notices_for(visitor_ids, now):
    """Every notice the receivers of `visitor_notices` have for these people, as one list."""
    return [notice for found in collect(visitor_notices, visitor_ids=list(visitor_ids), now=now) for notice in found]


def _log_failure(signal, receiver, exc):
    # Type and location only: an exception's message can quote a visitor's name or phone.
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    name = f"{getattr(receiver, '__module__', '?')}.{getattr(receiver, '__qualname__', type(receiver).__name__)}"
    log.error("%s receiver %s failed: %s at %s", signal.name, name, type(exc).__name__, where)
