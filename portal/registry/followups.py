"""Follow-ups: what officials did about a place, and the counts the lists show."""
from sqlalchemy import case, func, select

from ..extensions import db
from .models import ACTIONS, Establishment, FollowUp

STUCK_AFTER = 3  # reminders after which a place still not registered needs another kind of action


def record_follow_up(actor, *, action, action_on, note="", establishment=None, venue=None, now=None):
    """Record an action on an establishment or a venue (exactly one); the caller checked scope."""
    if action not in ACTIONS:
        raise ValueError("unknown action")
    if (establishment is None) == (venue is None):
        raise ValueError("give an establishment or a venue")
    place = establishment or venue
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


def last_actions(key, ids):
    """{place id: its latest FollowUp} for a page of places."""
    if not ids:
        return {}
    column = getattr(FollowUp, key)
    found = {}
    rows = db.session.scalars(
        select(FollowUp).where(column.in_(list(ids))).order_by(FollowUp.action_on, FollowUp.id)
    )
    for follow_up in rows:
        found[getattr(follow_up, key)] = follow_up
    return found


def history(*, establishment=None, venue=None):
    """Every follow-up of one place, newest first."""
    query = select(FollowUp).order_by(FollowUp.action_on.desc(), FollowUp.id.desc())
    if establishment is not None:
        query = query.where(FollowUp.establishment_id == establishment.id)
    else:
        query = query.where(FollowUp.venue_id == venue.id)
    return db.session.scalars(query).all()


def follow_up_places(ward_code, stuck_only=False):
    """Places of a ward with follow-ups: (kind, place, reminders, actions, last follow-up), stuck first.

    Stuck: an establishment reminded STUCK_AFTER times or more and still without a venue.
    """
    rows = []
    est = summary_subquery("establishment_id", [ward_code])
    query = (select(Establishment, est.c.reminders, est.c.actions)
             .join(est, est.c.key == Establishment.id).where(Establishment.ward_code == ward_code))
    if stuck_only:
        query = query.where(est.c.reminders >= STUCK_AFTER, Establishment.venue_id.is_(None),
                            Establishment.status == "listed")
    establishments = db.session.execute(query).all()
    last = last_actions("establishment_id", [e.id for e, _r, _a in establishments])
    for place, reminders, actions in establishments:
        stuck = reminders >= STUCK_AFTER and place.venue_id is None and place.status == "listed"
        rows.append({"kind": "establishment", "place": place, "reminders": reminders, "actions": actions,
                     "last": last.get(place.id), "stuck": stuck})
    if not stuck_only:
        from ..venues.models import Venue

        ven = summary_subquery("venue_id", [ward_code])
        venues = db.session.execute(
            select(Venue, ven.c.reminders, ven.c.actions)
            .join(ven, ven.c.key == Venue.id).where(Venue.ward_code == ward_code)
        ).all()
        last = last_actions("venue_id", [v.id for v, _r, _a in venues])
        for place, reminders, actions in venues:
            rows.append({"kind": "venue", "place": place, "reminders": reminders, "actions": actions,
                         "last": last.get(place.id), "stuck": False})
    rows.sort(key=lambda r: (not r["stuck"], -r["reminders"], r["place"].name.lower()))
    return rows
