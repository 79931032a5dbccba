"""Follow-ups: what officials did about a place, and the counts the lists show."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload

from ..collation import sort_key
from ..extensions import db
from ..clock import utcnow
from ..venues.services import VenueError, reopen_venue, suspend_venue
from .models import ACTIONS, Establishment, FollowUp

STUCK_AFTER = 3  # reminders after which a place still not registered needs another kind of action


#: Follow-ups that are decisions: recording one changes the venue's status (VenueError if it cannot).
DECISIONS = {"suspended": suspend_venue, "reopened": reopen_venue}


def decided_venue(action, *, establishment=None, venue=None):
    """The venue a decision would change: the venue itself, or the establishment's matched venue."""
    if action not in DECISIONS:
        return None
    return venue if venue is not None else establishment.venue


def record_follow_up(actor, *, action, action_on, note="", establishment=None, venue=None, now=None):
    """Record an action on an establishment or a venue (exactly one); the caller checked scope.

    "suspended" and "reopened" take effect on the venue (the note is the reason the owner reads);
    a rule that stops them raises VenueError before anything is written. On an establishment
    without a venue they are recorded only.
    """
    if action not in ACTIONS:
        raise ValueError("unknown action")
    if (establishment is None) == (venue is None):
        raise ValueError("give an establishment or a venue")
    place = establishment or venue
    target = decided_venue(action, establishment=establishment, venue=venue)
    if target is not None:
        DECISIONS[action](actor, target, note, now or utcnow())
    elif action == "suspended" and not (note or "").strip():
        raise VenueError("reason", "reason_required")
    follow_up = FollowUp(
        ward_code=place.ward_code, establishment_id=establishment.id if establishment else None,
        venue_id=venue.id if venue else None, action=action, action_on=action_on,
        note=(note or "").strip(), official_id=actor.id,
    )
    if now is not None:
        follow_up.created_at = now
    db.session.add(follow_up)
    db.session.flush()
    return follow_up


def summary_subquery(key, ward_codes=None):
    """Per place (key: 'establishment_id' or 'venue_id'): reminders, follow-ups, last action date."""
    column = getattr(FollowUp, key)
    query = select(
        column.label("key"),
        func.sum(case((FollowUp.action == "reminded", 1), else_=0)).label("reminders"),
        func.count().label("actions"),
        func.max(FollowUp.action_on).label("last_on"),
    ).where(column.is_not(None)).group_by(column)
    if ward_codes is not None:
        query = query.where(FollowUp.ward_code.in_(list(ward_codes)))
    return query.subquery()


@dataclass(frozen=True)
class LastAction:
    """The latest follow-up of a place, as lists show it."""

    action: str
    action_on: date
    note: str

    @property
    def action_label(self):
        return ACTIONS.get(self.action, self.action)


def last_actions(key, ids, ward_code=None):
    """{place id: its latest LastAction} for places (key: 'establishment_id' or 'venue_id').

    Many places of one ward are read by ward rather than through a long IN list.
    """
    ids = set(ids)
    if not ids:
        return {}
    column = getattr(FollowUp, key)
    query = select(column, FollowUp.action, FollowUp.action_on, FollowUp.note).order_by(
        FollowUp.action_on, FollowUp.id)
    if ward_code is not None and len(ids) > 200:
        query = query.where(FollowUp.ward_code == ward_code, column.is_not(None))
    else:
        query = query.where(column.in_(list(ids)))
    found = {}
    for place_id, action, action_on, note in db.session.execute(query):
        if place_id in ids:
            found[place_id] = LastAction(action, action_on, note)
    return found


def history(*, establishment=None, venue=None):
    """Every follow-up of one place, newest first, with those of its matched venue or establishment.

    A suspension decided on the venue's page then also shows on the establishment's, and back.
    """
    if establishment is None:
        establishment = db.session.scalar(select(Establishment).where(Establishment.venue_id == venue.id))
    elif venue is None and establishment.venue_id is not None:
        venue = establishment.venue
    where = []
    if establishment is not None:
        where.append(FollowUp.establishment_id == establishment.id)
    if venue is not None:
        where.append(FollowUp.venue_id == venue.id)
    query = (select(FollowUp).options(joinedload(FollowUp.official)).where(or_(*where))
             .order_by(FollowUp.action_on.desc(), FollowUp.id.desc()))
    return db.session.scalars(query).all()


def follow_up_places(ward_code, stuck_only=False):
    """Places of a ward with follow-ups, stuck first then by reminders: light rows (dicts).

    Each row: kind, id, name, address, registration_number, short_code, category, reminders,
    actions, stuck. Stuck: an establishment reminded STUCK_AFTER times or more and still
    without a venue.
    """
    from ..venues.models import Venue

    rows = []
    est = summary_subquery("establishment_id", [ward_code])
    query = (
        select(Establishment.id, Establishment.name, Establishment.address, Establishment.registration_number,
               Establishment.category, Establishment.venue_id, Establishment.status, est.c.reminders,
               est.c.actions)
        .join(est, est.c.key == Establishment.id).where(Establishment.ward_code == ward_code)
    )
    if stuck_only:
        query = query.where(est.c.reminders >= STUCK_AFTER, Establishment.venue_id.is_(None),
                            Establishment.status == "listed")
    for r in db.session.execute(query):
        stuck = r.reminders >= STUCK_AFTER and r.venue_id is None and r.status == "listed"
        rows.append(dict(kind="establishment", id=r.id, name=r.name, address=r.address,
                         registration_number=r.registration_number, short_code="", category=r.category,
                         reminders=r.reminders, actions=r.actions, stuck=stuck))
    if not stuck_only:
        ven = summary_subquery("venue_id", [ward_code])
        for r in db.session.execute(
            select(Venue.id, Venue.name, Venue.address, Venue.registration_number, Venue.short_code,
                   Venue.category, ven.c.reminders, ven.c.actions)
            .join(ven, ven.c.key == Venue.id).where(Venue.ward_code == ward_code)
        ):
            rows.append(dict(kind="venue", id=r.id, name=r.name, address=r.address,
                             registration_number=r.registration_number or "", short_code=r.short_code,
                             category=r.category, reminders=r.reminders, actions=r.actions, stuck=False))
    rows.sort(key=lambda r: (not r["stuck"], -r["reminders"], sort_key(r["name"]), r["id"]))
    return rows


def with_last_actions(rows, ward_code):
    """Add each row's latest follow-up (`last`) to light rows from follow_up_places()."""
    for kind, key in (("establishment", "establishment_id"), ("venue", "venue_id")):
        last = last_actions(key, [r["id"] for r in rows if r["kind"] == kind], ward_code)
        for row in rows:
            if row["kind"] == kind:
                row["last"] = last.get(row["id"])
    return rows
