"""Checkpoint crossings: a scan at a traffic checkpoint records a crossing, never a stay.

A checkpoint's lanes are named scanner positions, each with the direction people cross it in
(into or out of the controlled area); a province administrator adds and retires them. A crossing
opens and closes no visit anywhere, a second pass through is another crossing, and contact tracing
never computes overlap from crossings: a tracer sees them as events on a case's visits page.
Crossings are kept as long as visits (the retention purge deletes them).

Functions take explicit arguments, flush and never commit.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..passes.services import DEBOUNCE
from ..signals import PersonEvent
from ..venues.models import Venue
from ..visitors.erasure import Kept, Part
from .models import CROSSING_METHODS, DIRECTIONS, Crossing, Lane

#: Longest lane name.
LANE_NAME_MAX = 60

#: The direction of a crossing in words, for the person's download and the tracer's page.
DIRECTION_WORDS = {"in": _l("into the area"), "out": _l("out of the area")}


class LaneError(ValueError):
    """A lane change refused; `code` names the rule."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def is_checkpoint(venue):
    """Whether scans at this venue record crossings instead of toggling a visit."""
    return venue.category == "checkpoint"


def lanes_of(venue, active_only=True):
    """The checkpoint's lanes, by name (retired ones too when `active_only` is False)."""
    query = select(Lane).where(Lane.venue_id == venue.id)
    if active_only:
        query = query.where(Lane.active.is_(True))
    return list(db.session.scalars(query.order_by(Lane.active.desc(), Lane.name, Lane.id)))


def lanes_by_venue(venue_ids):
    """{venue id: [active lanes by name]} for these venues (one statement)."""
    found = {venue_id: [] for venue_id in venue_ids}
    if not found:
        return found
    for lane in db.session.scalars(
        select(Lane).where(Lane.venue_id.in_(list(found)), Lane.active.is_(True)).order_by(Lane.name, Lane.id)
    ):
        found[lane.venue_id].append(lane)
    return found


def lane_at(venue, lane_id):
    """The active lane with this id at this venue, or None (any other text, id or venue)."""
    try:
        lane_id = int(lane_id)
    except (TypeError, ValueError):
        return None
    lane = db.session.get(Lane, lane_id)
    if lane is None or lane.venue_id != venue.id or not lane.active:
        return None
    return lane


def add_lane(venue, name, direction, now):
    """Add a lane to a checkpoint (LaneError when the venue is no checkpoint or the name is taken)."""
    name = " ".join((name or "").split())
    if not is_checkpoint(venue):
        raise LaneError("not_checkpoint")
    if direction not in DIRECTIONS or not name or len(name) > LANE_NAME_MAX:
        raise LaneError("invalid")
    if any(lane.name.casefold() == name.casefold() for lane in lanes_of(venue)):
        raise LaneError("name_taken")
    lane = Lane(venue_id=venue.id, name=name, direction=direction, active=True, created_at=now)
    db.session.add(lane)
    db.session.flush()
    return lane


def retire_lane(lane):
    """Retire a lane: its scanners are asked to choose another; its crossings keep their lane."""
    lane.active = False
    db.session.flush()


def crossed_moments_ago(visitor_id, venue, now):
    """The person's crossing here within the pass's debounce time (a scanner firing twice), or None."""
    return db.session.scalar(
        select(Crossing).where(Crossing.visitor_id == visitor_id, Crossing.venue_id == venue.id,
                               Crossing.crossed_at > now - DEBOUNCE, Crossing.crossed_at <= now)
        .order_by(Crossing.crossed_at.desc(), Crossing.id.desc()).limit(1)
    )


def record_crossing(visitor, venue, direction, *, actor, now, method, lane=None):
    """Record one crossing of a person at a checkpoint; no visit is opened or closed anywhere."""
    if direction not in DIRECTIONS or method not in CROSSING_METHODS:
        raise ValueError("unknown direction or method")
    if lane is not None and lane.venue_id != venue.id:
        raise ValueError("the lane belongs to another venue")
    crossing = Crossing(visitor_id=visitor.id, venue_id=venue.id, lane_id=lane.id if lane else None,
                        direction=direction, crossed_at=now, scanned_by_id=actor.id if actor else None,
                        method=method)
    db.session.add(crossing)
    visitor.last_seen_at = now  # a person still crossing is not a profile to purge
    db.session.flush()
    return crossing


def crossings_of(visitor_ids, start=None, end=None):
    """The crossings of these people (in [start, end) when given), oldest first, venue and lane loaded."""
    ids = list(visitor_ids)
    if not ids:
        return []
    query = (select(Crossing).options(joinedload(Crossing.venue).joinedload(Venue.ward), joinedload(Crossing.lane))
             .where(Crossing.visitor_id.in_(ids)))
    if start is not None:
        query = query.where(Crossing.crossed_at >= start)
    if end is not None:
        query = query.where(Crossing.crossed_at < end)
    return list(db.session.scalars(query.order_by(Crossing.crossed_at, Crossing.id)))


def purge_crossings(cutoff, limit):
    """Delete up to `limit` crossings older than `cutoff` (the retention purge's step); returns how many."""
    ids = list(db.session.scalars(
        select(Crossing.id).where(Crossing.crossed_at < cutoff).order_by(Crossing.crossed_at).limit(limit)
    ))
    if ids:
        db.session.execute(delete(Crossing).where(Crossing.id.in_(ids)).execution_options(synchronize_session=False))
        db.session.flush()
    return len(ids)


# Receivers of other features' signals (connected in panels.connect).

def person_events(visitor_ids, start, end):
    """The `person_events` answer of staff: the people's checkpoint crossings in [start, end)."""
    return [
        PersonEvent(at=c.crossed_at, kind="crossing", venue_name=c.venue.name, venue_code=c.venue.short_code,
                    ward_name=c.venue.ward.name if c.venue.ward else None,
                    what=_("Crossed into the area") if c.direction == "in" else _("Crossed out of the area"),
                    detail=_("Lane: %(name)s", name=c.lane.name) if c.lane else None)
        for c in crossings_of(visitor_ids, start, end)
    ]


def person_data(visitor_ids, names, now):
    """The `person_data` section of staff: every checkpoint crossing kept of the household (no
    section for a household that never crossed a checkpoint)."""
    header = [_("Person"), _("Checkpoint"), _("Address"), _("Lane"), _("Crossed"), _("Direction"), _("How")]
    rows = [[names.get(c.visitor_id), c.venue.name, c.venue.address, c.lane.name if c.lane else None,
             c.crossed_at, str(DIRECTION_WORDS[c.direction]),
             _("ID card scanned") if c.method == "idcard" else _("pass scanned")]
            for c in crossings_of(visitor_ids)]
    if not rows:
        return []
    return [("crossings", _("Checkpoint crossings"), header, rows)]


def erase_crossings(visitor_ids, held, now, apply):
    """The `erase_person_data` answer of staff: the crossings of the people not held are deleted;
    held people's stay until the purge (`PORTAL_RETENTION_DAYS` after each crossing)."""
    retention = timedelta(days=current_app.config["PORTAL_RETENTION_DAYS"])
    kept = []
    for reason in sorted({h.reason for h in held.values()}):
        who = [i for i, h in held.items() if h.reason == reason]
        count, last = db.session.execute(
            select(func.count(Crossing.id), func.max(Crossing.crossed_at)).where(Crossing.visitor_id.in_(who))).one()
        if count:
            kept.append(Kept(what=_l("Checkpoint crossings: %(count)d", count=count), why=held[who[0]].why,
                             until=last + retention, category="crossings", count=count, reason=reason))
    going = [i for i in visitor_ids if i not in held]
    ids = list(db.session.scalars(select(Crossing.id).where(Crossing.visitor_id.in_(going)))) if going else []
    if apply and ids:
        db.session.execute(delete(Crossing).where(Crossing.id.in_(ids)).execution_options(synchronize_session=False))
        db.session.flush()
    # No category for people who never crossed a checkpoint: their deletion lists what they had.
    return Part(removed={"crossings": len(ids)} if ids else {}, kept=kept)
