"""Scanning rules: a pass scan toggles its holder in or out; assisted check-in for people without one.

Every function takes the actor, venue, scanner device and `now`, flushes and never commits.
"""
from dataclasses import dataclass

from sqlalchemy import select

from ..checkin.services import check_in, check_out, open_visit_for
from ..crypto import lookup_hash
from ..extensions import db
from ..passes import tokens
from ..passes.services import claim_scan, find_or_create_deviceless, find_pass
from ..visitors.models import Visitor
from .models import GOOD_OUTCOMES, REASONS, Scan

#: At most this many people are offered for one phone number (a household).
LOOKUP_LIMIT = 12


@dataclass
class ScanResult:
    """What the scanner page shows: the outcome, and for a good scan the name and direction."""

    outcome: str
    name: str | None = None
    direction: str | None = None

    @property
    def ok(self):
        return self.outcome in GOOD_OUTCOMES

    @property
    def repeat(self):
        return self.outcome == "repeat"

    @property
    def reason(self):
        return REASONS.get(self.outcome)


def toggle(visitor, venue, now, method):
    """Check the visitor out when inside this venue, else in (closing a visit elsewhere)."""
    visit = check_in(visitor, venue, now, method=method)
    if visit.checked_in_at != now:  # check_in found them inside here already: this is the way out
        check_out(visit, now, method=method)
        return "out"
    return "in"


def direction_now(visitor_id, venue, now):
    """'in' when the visitor has an open visit at this venue, else 'out'."""
    current = open_visit_for(visitor_id, now)
    return "in" if current is not None and current.venue_id == venue.id else "out"


def _log(venue, actor, device, now, outcome, method, nonce=None):
    db.session.add(
        Scan(venue_id=venue.id, user_id=actor.id if actor else None, device=device,
             scanned_at=now, outcome=outcome, method=method, nonce=nonce)
    )
    db.session.flush()


def scan_pass(raw, venue, actor, device, now, nonce=None):
    """Scan a pass at a venue: toggle its holder, or say in red why not. Returns a ScanResult.

    A second scan of the same pass within seconds toggles nothing and answers with the
    person's current direction. A reloaded scanner page sends its form's `nonce` again: the
    scan log's unique nonce then fails, the caller rolls back and answers with `rescan`.
    """
    result = _scan(raw, venue, now)
    _log(venue, actor, device, now, result.outcome, "staff", nonce)
    return result


def _scan(raw, venue, now):
    if venue.status != "active":
        return ScanResult("inactive")
    try:
        token = tokens.parse(raw)
    except tokens.TokenProblem as problem:
        return ScanResult(problem.code)
    visitor_id = claim_scan(token, venue.id, now)
    if visitor_id is not None:
        visitor = db.session.get(Visitor, visitor_id)
        direction = toggle(visitor, venue, now, "staff")
        return ScanResult(direction, visitor.full_name, direction)
    return _not_toggled(find_pass(token), venue, now)


def _not_toggled(card, venue, now):
    """Why a pass did not toggle: unknown, deleted holder, replaced, or scanned moments ago."""
    if card is None:
        return ScanResult("unknown")
    if card.visitor_id is None:
        return ScanResult("forgotten")
    if card.retired_at is not None:
        return ScanResult("retired")
    return ScanResult("repeat", card.visitor.full_name, direction_now(card.visitor_id, venue, now))


def rescan(raw, venue, now):
    """The answer to a scan already recorded (a reloaded page): nothing is toggled or logged."""
    try:
        token = tokens.parse(raw)
    except tokens.TokenProblem as problem:
        return ScanResult(problem.code)
    return _not_toggled(find_pass(token), venue, now)


def people_with_phone(phone):
    """Visitors with this phone number and their household members, for staff to confirm.

    Staff see only each person's name and year of birth.
    """
    leads = list(
        db.session.scalars(
            select(Visitor).where(Visitor.phone_hash == lookup_hash(phone)).order_by(Visitor.id).limit(LOOKUP_LIMIT)
        )
    )
    people = list(leads)
    lead_ids = [v.id for v in leads]
    if lead_ids:
        people += db.session.scalars(
            select(Visitor).where(Visitor.lead_id.in_(lead_ids)).order_by(Visitor.id).limit(LOOKUP_LIMIT)
        )
    seen, unique = set(), []
    for person in people:
        if person.id not in seen:
            seen.add(person.id)
            unique.append(person)
    return unique[:LOOKUP_LIMIT]


def assist(visitor, venue, actor, device, now, nonce=None):
    """Staff check a person in or out by hand (the visit is marked assisted).

    A form sent twice (same `nonce`) fails on the scan log's unique nonce; the caller rolls
    back and answers with `assisted_before`.
    """
    if venue.status != "active":
        result = ScanResult("inactive")
    else:
        direction = toggle(visitor, venue, now, "assisted")
        result = ScanResult(direction, visitor.full_name, direction)
    _log(venue, actor, device, now, result.outcome, "assisted", nonce)
    return result


def assist_new(full_name, phone, birth_year, venue, actor, device, now, nonce=None):
    """Check in someone from details staff typed in; a person entered before is reused."""
    if venue.status != "active":
        result = ScanResult("inactive")
        _log(venue, actor, device, now, result.outcome, "assisted", nonce)
        return result
    visitor = find_or_create_deviceless(full_name, phone, birth_year, now)
    return assist(visitor, venue, actor, device, now, nonce)


def assisted_before(visitor, venue, now):
    """The answer to an assisted form sent again: the person's direction now, nothing recorded.

    `visitor` is None for someone entered without a phone number: they can only have been
    checked in.
    """
    if visitor is None:
        return ScanResult("repeat", None, "in")
    return ScanResult("repeat", visitor.full_name, direction_now(visitor.id, venue, now))
