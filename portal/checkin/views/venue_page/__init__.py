"""The QR target: check in or out at a venue in one tap, or register the first time.

Visitor pages never use the Flask session: the device cookie identifies the browser and binds
the CSRF token (see visitors/device.py); a form nonce makes a retried POST record one visit.

Modules by sub-area: this one (the two routes, the look-up of venue, device and person, and which
page answers), `one_tap` (a remembered person's page and tap), `first_time` (the short form of a
first check-in) and `retries` (a retried POST recognised, the commit that may lose to one, blocked
cookies), which the other two use.
"""
from typing import NamedTuple

from flask import request, url_for

from .... import signals
from ....clock import utcnow
from ....errors import gone, not_found
from ....identifiers import is_short_code, normalise_short_code
from ....venues.services import is_retired_code, venue_by_token
from ....visitors import device
from ....visitors.services import device_for
from ... import bp, core, services
from ...forms import csrf_input
from ...limits import CHECKIN, LOOKUP, take_limits
from ..shared import place_of, render_then_commit
from .first_time import first_time
from .one_tap import one_tap
from .retries import retried


class Door(NamedTuple):
    """The entrance whose poster was scanned."""

    id: int
    name: str


class Found(NamedTuple):
    """What `_arrival` found, in `_venue_page`'s arguments' order."""

    venue: object
    person: object  # the `core.arrival` row again when it has a remembered person, else None
    entrance: object  # a Door or None
    locked: bool
    household_rows: object  # `core.arrival_page`'s rows (a page) or None
    quiet: tuple  # the `visitor_notices` receivers whose hint said they have nothing here


@bp.route("/v/<token>", methods=["GET", "POST"])
def by_token(token):
    """The QR target: check in or out at this venue (or at one of its entrances)."""
    take_limits(CHECKIN)
    if not services.well_formed_token(token):
        not_found("public/token_unknown.html")
    found = _arrival("token", token)
    if found is not None:
        return _venue_page(request.script_root + request.path, *found)  # the form posts to this page
    venue, retired = venue_by_token(token)
    if venue is None:
        not_found("public/token_unknown.html")
    if retired:
        gone("public/token_retired.html")
    return _venue_page(url_for("checkin.by_token", token=token), place_of(venue), _remembered())


@bp.route("/c/<code>", methods=["GET", "POST"])
def by_code(code):
    """A short code typed by hand: the same page as the QR link."""
    take_limits(LOOKUP, CHECKIN)
    typed, code = code, normalise_short_code(code)
    found = _arrival("code", code) if is_short_code(code) else None
    if found is not None:
        return _venue_page(url_for("checkin.by_code", code=code), *found)
    if is_retired_code(code):  # printed on a retired poster: the same answer as its old QR
        gone("public/token_retired.html")
    not_found("public/code_not_found.html", code=typed[:20])


def _arrival(by, key):
    """The `Found` `core.arrival` row of the venue or of the entrance in use with this token or
    code, or None when there is no such venue or entrance.

    A page (GET) asks with the person's household and the notice hints in the same statement
    (`core.arrival_page`).
    A one-tap POST first asks with the person's lock, on a connection of its own that then
    records the check-in (`core.writing`); a first-time form asks without it, on the session.
    """
    reading = request.method == "GET"
    hints = ()
    if reading:
        core.reading()
        hints = signals.notice_hints()
    device_hash = device.presented_hash()
    locking = bool(device_hash) and request.method == "POST" and not _someone_else()
    for lock in (True, False) if locking else (False,):
        if lock:
            core.writing()
        for kind in (by, "entrance_" + by):
            if reading:
                found, rows = core.arrival_page(kind, key, device_hash, hints) or (None, None)
            else:
                found, rows = core.arrival(kind, key, device_hash, lock=lock), None
            if found is not None:
                entrance = found.entrance_id if "entrance_id" in found._fields else None  # .get() raises inside
                quiet = core.quiet_receivers(hints, rows)
                return Found(found, found if found.visitor_id is not None else None,
                             Door(entrance, found.entrance_name) if entrance is not None else None, lock, rows, quiet)
        if lock:
            core.stop_writing()  # no remembered person: a registration, whose ORM work uses the session
    return None


def _someone_else():
    """Whether the page is "check in as someone else" (?new=1). Asked with `in` first: a missing
    key makes Werkzeug's `.get()` build and catch an exception."""
    args = request.args
    return "new" in args and args["new"] == "1"


def _remembered():
    """The person this browser remembers, for pages reached through an entrance or an old poster."""
    token = device.presented_token()
    remembered = device_for(token) if token else None
    if remembered is None:
        return None
    return core.Person(remembered.id, remembered.last_seen_at, remembered.visitor_id, remembered.visitor.full_name,
                       remembered.visitor.notice_version)


def _venue_page(action, venue, person, entrance=None, locked=False, household_rows=None, quiet=()):
    now = utcnow()
    token = device.cookie_token()
    registering = person is None or _someone_else()
    taken = False
    if request.method == "POST" and registering:
        replayed, taken = retried(token)
        if replayed is not None:
            return replayed
    if not services.takes_check_ins(venue):
        return _not_taking_check_ins(venue, now, person)
    if registering:
        return first_time(venue, action, now, token, person is not None, taken, entrance)
    return one_tap(venue, action, now, person, entrance, locked, household_rows, quiet)


def _not_taking_check_ins(venue, now, person):
    """A suspended or closed venue: nothing to check in to, but an open visit can be closed."""
    visit = None
    if person is not None:
        visit = services.open_visit_for(person.visitor_id, now)
    status = 409 if request.method == "POST" else 200
    return render_then_commit(
        "checkin/not_taking.html", venue=venue, visit=visit if visit and visit.venue_id == venue.id else None,
        csrf=csrf_input(),
    ), status
