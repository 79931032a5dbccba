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
from datetime import datetime
from typing import NamedTuple

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

place_history = _Signal("place_history", """Sections under the follow-ups on an official's page of one
establishment or venue.

Sent by `registry.views.places` (the establishment and venue pages). Receivers are called as
`receiver(actor=User, venue=Venue or None)`: the venue itself, or the establishment's matched venue
(None when it has none); the caller already checked the actor may see the page. They return one
`Markup` section (or None). Connected by inspection (inspections and proposed suspensions).""")

province_panels = _Signal("province_panels", """Panels on the province dashboard.

Sent by `reports.views.dashboards.dashboard`, only when a province administrator looks at it. Receivers are
called as `receiver(actor=User, now=aware UTC datetime)` and return one `Markup` panel (or None).
Connected by audit (this week's look-ups and exports) and staff (checkpoint throughput).""")

me_panels = _Signal("me_panels", """Panels on a visitor's /me page.

Sent by `visitors.routes.me` when the device is remembered. Receivers are called as
`receiver(visitor=Visitor, now=aware UTC datetime)` with the device's own person (not dependents)
and return one `Markup` panel (or None). Connected by passes (the personal pass).""")

me_history = _Signal("me_history", """The visits section of a visitor's /me page.

Sent by `visitors.routes.me` when the device is remembered. Receivers are called as
`receiver(visitor_ids=list[int], person_id=int, names=dict[int, str], now=aware UTC datetime,
since=aware UTC datetime)` with the household's ids (the device's person first), their names, and
the start of the retention window; they return one `Markup` section (or None). A receiver may
apply due automatic check-outs: the page commits after rendering. Connected by checkin (visits).""")

person_records = _Signal("person_records", """Asked before a dependent leaves a household: does a
feature keep records of this person that must outlive the link?

Sent by `visitors.services.remove_dependent`. Receivers are called as
`receiver(visitor_id=int)` and return True when they hold such records (visits that tracers may
still need until they expire), in which case the profile is unlinked instead of deleted. Read
with `any_record()`, whose failure policy is the opposite of `collect()`'s: a failing receiver
counts as True, so a broken receiver can never make the portal delete a person it must keep.
Connected by checkin (visits).""")

visitor_notices = _Signal("visitor_notices", """Warnings shown to visitors on the check-in form, the
confirmation page and /me.

Sent (through `notices_for`) by `checkin.views` and `visitors.routes`. Receivers are called as
`receiver(visitor_ids=list[int], now=aware UTC datetime)` with the ids of the device's household
(the person and their dependents) and return a list of `Markup` notices (possibly empty). This
is on the check-in hot path: a receiver must cost a bounded number of statements.

A receiver may carry a `notice_hint`: a function of a visitor-id column (an SQL expression)
returning an SQL condition, true for a person the receiver may have a notice for, false for one
it certainly has none for; a cheap, indexed `EXISTS`, built once per column. A page that looks
its people up anyway adds the hints to its own statement (`notice_hints()`) and skips, with
`notices_for(…, quiet=…)`, the receivers whose hint is false for every person of the page: one
statement fewer on nearly every check-in page. Connected by tracing (exposure warnings).""")

person_data = _Signal("person_data", """Everything a feature keeps about a household, for the
person's own download of their data (/me/data.json and /me/data.csv).

Sent by `visitors.data` for the device's person. Receivers are called as
`receiver(visitor_ids=list[int], names=dict[int, str], now=aware UTC datetime)` with the
household's ids (the device's person first) and their names, and return a list of sections, each
`(key, title, header, rows)`: `key` a stable English identifier (the JSON's), `title` and
`header` translated texts, `rows` lists of cells (text, numbers, aware datetimes or None), one
row per thing kept about these people, every row still in the database (not only what /me shows).
Only read, never written. Read with `every_answer()`: a failing receiver refuses the whole
download rather than give the person a file that misses part of their data. Connected by checkin (visits), staff (checkpoint crossings), passes (passes)
and tracing (exposure warnings); visitors adds the profiles itself.""")


person_holds = _Signal("person_holds", """Asked before a person's data is deleted at their request:
which of these people must the health service keep records of for now, and why?

Sent by `visitors.erasure.preview` and `erase` (the self-service "Delete my data" and a ward
official's request in person). Receivers are called as `receiver(visitor_ids=list[int],
now=aware UTC datetime)` and return a dict {visitor_id: `visitors.erasure.Hold`} for the people
they hold (an open case about them, a quarantine or watch period after a warning); the others
are left out. Only read, never written. Read with `every_answer()`: a failing receiver refuses
the whole deletion (nothing is deleted), since the portal cannot tell what it must keep.
Connected by tracing.""")

erase_person_data = _Signal("erase_person_data", """Delete what a feature keeps about these people,
at their own request (the right to erasure; withdrawing consent is the same).

Sent by `visitors.erasure.preview` (apply=False: count only, change nothing) and `erase`
(apply=True). Receivers are called as `receiver(visitor_ids=list[int], held=dict[int, Hold],
now=aware UTC datetime, apply=bool)`: `held` holds the answers of `person_holds` for these
people, whose health records (visits, warnings) must stay until the retention purge deletes
them. A receiver deletes (real DELETEs, then flush; never commits) every row of its own about
these people that may go, keeps the held ones, detaches what other people still need (a case
forgets who it was about), and returns a `visitors.erasure.Part`: rows deleted per category
(a stable English key such as "visits") and a list of `Kept` (what, why, until when: the day
the retention purge deletes the last kept row). Rows must no longer point at a profile that is
not held once it returns. Read with `every_answer()` inside one savepoint: a failing receiver
undoes every receiver's deletions (all or nothing) and the page asks to try again later.
Connected by checkin (visits), staff (checkpoint crossings), passes (passes) and tracing (warnings,
cases' links).""")


periodic_sections = _Signal("periodic_sections", """Sections a feature adds to the periodic report's
page (on screen and in print; the CSV and XLSX keep their one row per ward).

Sent by `reports.views.periodic_report`. Receivers are called as `receiver(wards=list[Division],
start=aware UTC datetime, end=aware UTC datetime, first_day=date, last_day=date)` with the report's
wards (in order) and period, and return one `Markup` section (or None). Counts only, never a
person. Connected by rounds (testing rounds).""")

admission_holds = _Signal("admission_holds", """Asked when a scan would let a person into a venue
or across a checkpoint: must they be referred to health staff instead?

Sent by `staff.scanning` (the staff scanner and the police checkpoints' lanes). Receivers are called
as `receiver(visitor_id=int, now=aware UTC datetime)` and return True for a person who must not be
admitted now (an active case, a contact under quarantine). The scanner then shows the same neutral
"refer to health staff" screen whatever the reason, with no name and no diagnosis, records the
refusal in the scan log (no visit, no crossing) and audits it. This is on the scanner's hot path:
one bounded query. Read with `any_hold()`: a failing receiver is logged and counts as no hold, so
a broken receiver cannot stop every lane of the city. Connected by cases.""")


class PersonEvent(NamedTuple):
    """One `person_events` answer: something that happened to a person at a place, not a stay."""

    at: datetime  # aware UTC
    kind: str  # a stable English key, such as "crossing"
    venue_name: str
    venue_code: str
    ward_name: str | None
    what: str  # translated: what happened ("Crossed into the area")
    detail: str | None = None  # translated, optional ("Lane: …")


person_events = _Signal("person_events", """Events of a case's person that are not stays (a checkpoint
crossing), for a tracer's list of the person's visits; never turned into contacts.

Sent by `tracing.operations.list_visits`, which audits the whole answer. Receivers are called as
`receiver(visitor_ids=list[int], start=aware UTC datetime, end=aware UTC datetime)` with the
person's profile ids and return a list of `PersonEvent` in [start, end) (possibly empty). Only
read, never written. Read with `every_answer()`: a failing receiver refuses the page rather than
show a tracer a person who seems to have crossed nothing. Connected by staff (checkpoint crossings).""")


def collect(signal, **kwargs):
    """What each receiver of `signal` for this app returns for `kwargs`, in connection order; empty
    answers and failing receivers are left out (the failure is logged)."""
    return _collect(signal, (), kwargs)


def _collect(signal, left_out, kwargs):
    """`collect`, without asking the receivers in `left_out`."""
    results = []
    for receiver in signal.receivers_for(current_app._get_current_object()):
        if left_out and receiver in left_out:
            continue
        try:
            result = receiver(**kwargs)
        except Exception as exc:  # noqa: BLE001 - one broken panel must not take its page down
            _log_failure(signal, receiver, exc)
            continue
        if result:
            results.append(result)
    return results


def any_record(visitor_id):
    """Whether any receiver of `person_records` keeps records of this person (True on failure)."""
    for receiver in person_records.receivers_for(current_app._get_current_object()):
        try:
            if receiver(visitor_id=visitor_id):
                return True
        except Exception as exc:  # noqa: BLE001 - keep the person rather than lose records
            _log_failure(person_records, receiver, exc)
            return True
    return False


def any_hold(visitor_id, now):
    """Whether any receiver of `admission_holds` holds this person back (False on failure, logged)."""
    for receiver in admission_holds.receivers_for(current_app._get_current_object()):
        try:
            if receiver(visitor_id=visitor_id, now=now):
                return True
        except Exception as exc:  # noqa: BLE001 - a broken receiver must not stop every lane
            _log_failure(admission_holds, receiver, exc)
    return False


class Incomplete(Exception):
    """A receiver of a signal read with `every_answer()` failed (already logged)."""


def every_answer(signal, **kwargs):
    """Like `collect()`, but a failing receiver (logged) raises `Incomplete` instead of being left
    out: for answers that must be whole, such as a person's download of everything kept."""
    results = []
    for receiver in signal.receivers_for(current_app._get_current_object()):
        try:
            result = receiver(**kwargs)
        except Exception as exc:  # noqa: BLE001 - logged without its message, then refused whole
            _log_failure(signal, receiver, exc)
            raise Incomplete(signal.name) from None
        if result:
            results.append(result)
    return results


def notices_for(visitor_ids, now, quiet=()):
    """Every notice the receivers of `visitor_notices` have for these people, as one list; the
    receivers in `quiet` are not asked (their `notice_hint` said they have none)."""
    kwargs = {"visitor_ids": list(visitor_ids), "now": now}
    return [notice for found in _collect(visitor_notices, quiet, kwargs) for notice in found]


def notice_hints():
    """The `notice_hint`s of this app's `visitor_notices` receivers, as ((receiver, hint), …) in
    connection order, for a page to evaluate in its own statement."""
    return tuple((receiver, receiver.notice_hint)
                 for receiver in visitor_notices.receivers_for(current_app._get_current_object())
                 if hasattr(receiver, "notice_hint"))


def _log_failure(signal, receiver, exc):
    # Type and location only: an exception's message can quote a visitor's name or phone.
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    name = f"{getattr(receiver, '__module__', '?')}.{getattr(receiver, '__qualname__', type(receiver).__name__)}"
    log.error("%s receiver %s failed: %s at %s", signal.name, name, type(exc).__name__, where)
