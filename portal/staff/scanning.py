"""Scanning rules: a pass or ID card scan toggles its holder in or out, naming the household that goes
with them; at a traffic checkpoint it records a crossing instead (staff/crossings.py), toggling nothing.

Every function takes the actor, venue, scanner device and `now`, flushes and never commits.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..checkin.models import Visit
from ..checkin.services import check_in, check_out, companions, open_visit_for
from .. import signals
from ..audit.services import record
from ..extensions import db
from ..passes import tokens
from ..passes.services import claim_scan, find_pass
from ..visitors.models import Visitor
from . import cards, crossings, idcard
from .models import GOOD_OUTCOMES, REASONS, Scan

#: Check-outs that a person's own scan answers with "already out with …": not the automatic
#: close of an overdue visit, nor the close of a check-in elsewhere.
_LEFT_TOGETHER = ("self", "staff", "assisted")


@dataclass
class ScanResult:
    """What the scanner page shows: the outcome, and for a good scan the name and direction.

    `together` names the household members who went out with this person; `with_name` and
    `at` say whom a person already went out with, and when. `detail` says exactly what is wrong
    with a refused ID card; `mangled` warns that the card's name came through the keyboard's
    Vietnamese input.
    """

    outcome: str
    name: str | None = None
    direction: str | None = None
    together: tuple = ()
    with_name: str | None = None
    at: datetime | None = None
    detail: object = None
    mangled: bool = False
    crossing: bool = False  # a checkpoint crossing (into or out of the area), not a visit

    @property
    def ok(self):
        return self.outcome in GOOD_OUTCOMES

    @property
    def repeat(self):
        return self.outcome == "repeat"

    @property
    def reason(self):
        return REASONS.get(self.outcome)

    @property
    def people(self):
        """Everyone this scan moved: the person, then the household members who went with them."""
        return ((self.name,) if self.name else ()) + tuple(self.together)


@dataclass(frozen=True)
class Passage:
    """How a checkpoint scan crosses: its direction, and the lane scanned at (None: the officer
    chose the direction on the form)."""

    direction: str
    lane: object = None


def toggle(visitor, venue, now, method):
    """Check the visitor out when inside this venue, else in (closing a visit elsewhere).

    Returns (direction, people): on the way out, the household members whose visits closed
    with this one, so staff can see everyone who left.
    """
    visit = check_in(visitor, venue, now, method=method)
    if visit.checked_in_at != now:  # check_in found them inside here already: this is the way out
        going = [v for v in companions(visit) if v.checked_out_at is None]
        check_out(visit, now, method=method)
        return "out", [v.visitor for v in going]
    return "in", []


def direction_now(visitor_id, venue, now):
    """'in' when the visitor has an open visit at this venue, else 'out'."""
    current = open_visit_for(visitor_id, now)
    return "in" if current is not None and current.venue_id == venue.id else "out"


def left_with_household(visitor_id, venue, now, window):
    """The lead's visit if this person just went out here with their household, else None.

    "Just" means within `window` (a timedelta) before `now`; the person's last visit must be the
    one their lead's check-out closed, at the same moment.
    """
    last = db.session.scalar(
        select(Visit).where(Visit.visitor_id == visitor_id)
        .order_by(Visit.checked_in_at.desc(), Visit.id.desc()).limit(1)
    )
    if (
        last is None or last.venue_id != venue.id or last.lead_visit_id is None
        or last.checked_out_at is None or last.out_method not in _LEFT_TOGETHER
        or not now - window <= last.checked_out_at <= now
    ):
        return None
    lead = db.session.get(Visit, last.lead_visit_id)
    if lead is None or lead.checked_out_at != last.checked_out_at:
        return None  # this person went out on their own, not with the household
    return lead


def log_scan(venue, actor, device, now, outcome, method, nonce=None, passage=None):
    """Add a row to the scan log (no personal data) and flush: a reused nonce fails here.

    A checkpoint scan (`passage`) keeps its lane and direction for the checkpoint figures.
    """
    db.session.add(
        Scan(venue_id=venue.id, user_id=actor.id if actor else None, device=device,
             scanned_at=now, outcome=outcome, method=method, nonce=nonce,
             lane_id=passage.lane.id if passage is not None and passage.lane is not None else None,
             direction=passage.direction if passage is not None else None)
    )
    db.session.flush()


def scan_pass(raw, venue, actor, device, now, nonce=None, household_window=None, passage=None):
    """Scan a pass at a venue: toggle its holder, or say in red why not. Returns a ScanResult.

    With a `passage` (a checkpoint scan) the holder's crossing is recorded instead: no visit is
    opened or closed anywhere, and a second scan after the debounce time is another crossing.

    A second scan of the same pass within seconds toggles nothing and answers with the
    person's current direction. A pass of someone who went out with their household within
    `household_window` answers "already out with …" instead of checking them in again.
    A reloaded scanner page sends its form's `nonce` again: the scan log's unique nonce then
    fails, the caller rolls back and answers with `rescan`.
    """
    result = judge(raw, venue, now, household_window, passage, actor)
    log_scan(venue, actor, device, now, result.outcome, "card" if idcard.is_card_payload(raw) else "staff", nonce,
             passage)
    if result.outcome == "refer":  # who turned whom away, where: the audit log, never the reason
        record(actor, None, "scan_refer", {"venue": venue.short_code}, 1, now)
    return result


def _referred(visitor_id, venue, now, passage):
    """Whether this scan must refer its person to health staff instead of letting them in (or, at
    a checkpoint, across in either direction). Nobody is kept inside: a person inside goes out."""
    if not signals.any_hold(visitor_id=visitor_id, now=now):
        return False
    return passage is not None or direction_now(visitor_id, venue, now) != "in"


def only_out(venue, visitor_id, now):
    """True when the venue takes nobody in (suspended or closed) and this person is not inside:
    such a venue still lets the people inside check out, as the visitor pages do."""
    return venue.status != "active" and direction_now(visitor_id, venue, now) != "in"


def judge(raw, venue, now, household_window, passage=None, actor=None):
    """The scan of `raw` at `now` applied (toggled, crossed or refused), without its scan-log line."""
    if len(raw or "") > idcard.MAX_LENGTH:  # a paste, not a scan: refused before any parsing
        return ScanResult("inactive" if venue.status != "active" else "malformed")
    if idcard.is_card_payload(raw):
        return _scan_card(raw, venue, now, household_window, passage, actor)
    try:
        if idcard.is_web_address(raw) and "/p/" not in raw:
            raise tokens.TokenProblem("venue_code")
        token = tokens.parse(raw)
    except tokens.TokenProblem as problem:
        return ScanResult("inactive" if venue.status != "active" else problem.code)
    visitor_id = claim_scan(token, venue.id, now)
    if visitor_id is None:
        return _not_toggled(find_pass(token), venue, now, passage)
    if venue.status == "active" and _referred(visitor_id, venue, now, passage):
        return ScanResult("refer")
    if passage is not None:
        return _cross(db.session.get(Visitor, visitor_id), venue, now, passage, actor, "pass")
    if only_out(venue, visitor_id, now):
        return ScanResult("inactive")
    return _toggle_person(db.session.get(Visitor, visitor_id), venue, now, household_window)


def _scan_card(raw, venue, now, household_window, passage=None, actor=None):
    """An ID card: refused with the exact reason, or its holder (found or registered) toggled."""
    try:
        card = idcard.parse(raw, cards.today(now))
    except idcard.CardProblem as problem:
        if venue.status != "active":
            return ScanResult("inactive")
        return ScanResult(problem.code, detail=problem.detail)
    visitor = cards.holder(card, venue, now)
    if visitor is not None and venue.status == "active" and _referred(visitor.id, venue, now, passage):
        return ScanResult("refer")
    if passage is not None:
        if visitor is None:
            return ScanResult("inactive")
        if crossings.crossed_moments_ago(visitor.id, venue, now) is not None:
            return _repeat_crossing(visitor, passage, card.mangled)
        result = _cross(visitor, venue, now, passage, actor, "idcard")
        result.mangled = card.mangled
        return result
    if visitor is None or only_out(venue, visitor.id, now):
        return ScanResult("inactive")
    if cards.scanned_moments_ago(visitor.id, venue, now):
        return ScanResult("repeat", visitor.full_name, direction_now(visitor.id, venue, now), mangled=card.mangled)
    result = _toggle_person(visitor, venue, now, household_window)
    result.mangled = card.mangled
    return result


def _toggle_person(visitor, venue, now, household_window):
    """Toggle a scanned person, unless they just went out with their household."""
    if household_window:
        lead = left_with_household(visitor.id, venue, now, household_window)
        if lead is not None:
            return ScanResult("household", visitor.full_name, "out",
                              with_name=lead.visitor.full_name, at=lead.checked_out_at)
    direction, people = toggle(visitor, venue, now, "staff")
    return ScanResult(direction, visitor.full_name, direction, together=tuple(p.full_name for p in people))


def _cross(visitor, venue, now, passage, actor, method):
    """Record a checkpoint crossing of the scanned person (only them: no household goes with it)."""
    if venue.status != "active":
        return ScanResult("inactive")
    crossings.record_crossing(visitor, venue, passage.direction, actor=actor, now=now, method=method,
                              lane=passage.lane)
    return ScanResult(passage.direction, visitor.full_name, passage.direction, crossing=True)


def _repeat_crossing(visitor, passage, mangled=False):
    return ScanResult("repeat", visitor.full_name, passage.direction, mangled=mangled, crossing=True)


def _not_toggled(card, venue, now, passage=None):
    """Why a pass did not toggle: unknown, deleted holder, replaced, or scanned moments ago."""
    if card is None:
        return ScanResult("unknown")
    if card.visitor_id is None:
        return ScanResult("forgotten")
    if card.retired_at is not None:
        return ScanResult("retired")
    if _referred(card.visitor_id, venue, now, passage):  # scanned again, or a reloaded page
        return ScanResult("refer")
    if passage is not None:
        return _repeat_crossing(card.visitor, passage)
    return ScanResult("repeat", card.visitor.full_name, direction_now(card.visitor_id, venue, now))


def rescan(raw, venue, now, passage=None):
    """The answer to a scan already recorded (a reloaded page): nothing is toggled or logged."""
    if len(raw or "") > idcard.MAX_LENGTH:
        return ScanResult("malformed")
    if idcard.is_card_payload(raw):
        return _rescan_card(raw, venue, now, passage)
    try:
        token = tokens.parse(raw)
    except tokens.TokenProblem as problem:
        return ScanResult(problem.code)
    return _not_toggled(find_pass(token), venue, now, passage)


def _rescan_card(raw, venue, now, passage=None):
    try:
        card = idcard.parse(raw, cards.today(now))
    except idcard.CardProblem as problem:
        return ScanResult(problem.code, detail=problem.detail)
    visitor = cards.card_holder(card.number)
    if visitor is None:  # the first submission registered nobody: the venue takes nobody in
        return ScanResult("inactive")
    if _referred(visitor.id, venue, now, passage):
        return ScanResult("refer")
    if passage is not None:
        return _repeat_crossing(visitor, passage, card.mangled)
    return ScanResult("repeat", visitor.full_name, direction_now(visitor.id, venue, now), mangled=card.mangled)
