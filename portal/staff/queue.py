"""Scans a lane kept while the network was down, applied when they arrive.

The scanner page (with JavaScript) keeps a scan it could not send with the moment it was taken
and a client-made id (the form's one-time key), and sends the kept scans when the connection
returns. Here they are applied in the order they were taken, each as the scan it would have
been at that moment, recorded as taken then, arrived now, and sent late.

A kept scan is refused, and listed for the staff, when it waited longer than
`PORTAL_SCAN_QUEUE_MAX_AGE_HOURS` (or claims a moment in the future: a wrong device clock), when
its lane is unknown, or when the person has check-ins or check-outs after the moment it was
taken: applying it then would rewrite what already happened. A resend of an applied scan finds
it by its id and records nothing twice.

Functions flush and never commit.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, select

from ..checkin.models import Visit
from ..extensions import db
from ..passes import tokens
from ..passes.services import find_pass
from . import cards, idcard
from .models import REASONS, Scan
from .scanning import Passage, ScanResult, judge

#: Kept scans a lane sends in one request, at most.
BATCH_MAX = 100
#: How far ahead of the server's clock a device's clock may run.
CLOCK_SKEW = timedelta(minutes=5)

_ID = re.compile(r"^[0-9a-f]{32}$")


class QueueError(ValueError):
    """The request is not a list of kept scans (the whole request is refused)."""


@dataclass(frozen=True)
class KeptScan:
    """One scan as the lane kept it."""

    id: str
    token: str
    taken_at: datetime
    direction: str | None = None


@dataclass
class Applied:
    """What became of one kept scan: `status` is applied, already (sent before) or refused."""

    id: str
    status: str
    outcome: str
    taken_at: datetime
    name: str | None = None
    direction: str | None = None

    @property
    def reason(self):
        return REASONS.get(self.outcome)


def parse_batch(payload):
    """The kept scans of a JSON body ({"scans": [{id, token, taken_at (ms since 1970), direction}]}),
    oldest first; QueueError for anything else."""
    items = payload.get("scans") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items or len(items) > BATCH_MAX:
        raise QueueError("scans")
    kept, seen = [], set()
    for item in items:
        if not isinstance(item, dict):
            raise QueueError("item")
        scan_id, token, taken = item.get("id"), item.get("token"), item.get("taken_at")
        direction = item.get("direction")
        if not isinstance(scan_id, str) or not _ID.match(scan_id) or scan_id in seen:
            raise QueueError("id")
        if not isinstance(token, str) or len(token) > idcard.MAX_LENGTH:
            raise QueueError("token")
        if isinstance(taken, bool) or not isinstance(taken, int) or not 0 < taken < 32503680000000:
            raise QueueError("taken_at")
        if direction not in (None, "in", "out"):
            raise QueueError("direction")
        seen.add(scan_id)
        at = datetime.fromtimestamp(taken / 1000, tz=timezone.utc)
        kept.append(KeptScan(scan_id, token, at, direction))
    return sorted(kept, key=lambda k: (k.taken_at, k.id))


def apply_kept(kept, venue, actor, device, now, *, max_age, household_window, lane=None, checkpoint=False):
    """Apply kept scans (oldest first) at a venue; returns one Applied per scan, in the same order.

    `lane` is the checkpoint lane the page was at; `checkpoint` says the venue records crossings.
    Each scan runs in a savepoint: a refused one leaves nothing behind but its line in the scan log.
    """
    return [_apply_one(k, venue, actor, device, now, max_age, household_window, lane, checkpoint) for k in kept]


def _apply_one(kept, venue, actor, device, now, max_age, household_window, lane, checkpoint):
    earlier = db.session.scalar(select(Scan).where(Scan.nonce == kept.id))
    if earlier is not None:
        if earlier.venue_id != venue.id:  # another venue's key: a crafted resend, not this lane's scan
            return Applied(kept.id, "refused", "malformed", kept.taken_at)
        return Applied(kept.id, "already", earlier.outcome, earlier.scanned_at, direction=earlier.direction)
    passage = None
    if checkpoint:
        direction = lane.direction if lane is not None else kept.direction
        passage = Passage(direction, lane) if direction else None
    result = _refusal(kept, venue, now, max_age, checkpoint, passage)
    if result is None:
        savepoint = db.session.begin_nested()
        result = judge(kept.token, venue, kept.taken_at, household_window, passage, actor)
        if result.ok:
            savepoint.commit()
        else:
            savepoint.rollback()  # a refused card may have registered its holder: undo that too
    at = kept.taken_at if kept.taken_at <= now + CLOCK_SKEW else now
    db.session.add(Scan(
        venue_id=venue.id, user_id=actor.id if actor else None, device=device, scanned_at=at,
        outcome=result.outcome, method="card" if idcard.is_card_payload(kept.token) else "staff", nonce=kept.id,
        lane_id=lane.id if lane is not None and passage is not None else None,
        direction=passage.direction if passage is not None else None, received_at=now, late=True,
    ))
    db.session.flush()
    return Applied(kept.id, "applied" if result.ok else "refused", result.outcome, kept.taken_at,
                   name=result.name, direction=result.direction if result.ok else None)


def _refusal(kept, venue, now, max_age, checkpoint, passage):
    """A ScanResult refusing the kept scan before it is tried, or None to try it."""
    if not now - max_age <= kept.taken_at <= now + CLOCK_SKEW:
        return ScanResult("queue_time")
    if checkpoint and passage is None:
        return ScanResult("queue_lane")
    if checkpoint:
        return None  # a crossing is an event: a later one changes nothing about it
    visitor_id = _person(kept.token, kept.taken_at)
    if visitor_id is not None and _has_later_events(visitor_id, kept.taken_at):
        return ScanResult("out_of_order")
    return None


def _person(raw, at):
    """The id of the person a kept scan names, when known (None: unknown or unreadable)."""
    if len(raw) > idcard.MAX_LENGTH:
        return None
    if idcard.is_card_payload(raw):
        try:
            card = idcard.parse(raw, cards.today(at))
        except idcard.CardProblem:
            return None
        holder = cards.card_holder(card.number)
        return holder.id if holder is not None else None
    try:
        found = find_pass(tokens.parse(raw))
    except tokens.TokenProblem:
        return None
    return found.visitor_id if found is not None else None


def _has_later_events(visitor_id, at):
    """True when the person checked in or out anywhere after `at`."""
    return db.session.scalar(
        select(Visit.id).where(Visit.visitor_id == visitor_id,
                               or_(Visit.checked_in_at > at, Visit.checked_out_at > at)).limit(1)
    ) is not None
