"""A person deletes their data (the right to erasure; withdrawing consent is the same thing).

`preview(visitor, now)` says what a deletion would remove and keep; `erase(visitor, now)` does
it, in the database (real DELETEs), and flushes: the caller commits. `visitor` is either a lead
(the person a device remembers: their whole household goes, the lead and every dependent) or a
dependent (only that person). The self-service pages on /me and a ward official's request in
person call the same two functions.

What goes: the profiles, the devices that remember them, and every row the features above
keep about them, through the `erase_person_data` signal (check-in: visits and crossings;
passes: passes; tracing: warnings, and a case's link to its person).

What stays (asked first through `person_holds`; tracing decides): a person is *held* while
- a health tracer's case is about them (`Case.visitor_id`) and still within the retention
  period (the portal has no "closed" state: a case is open until its data would expire), or
- they were warned of an exposure that ended less than `tracing.holds.WATCH_DAYS` (14) days
  ago, the watch or quarantine period of every advice the warning gives.
A held person's health records (visits, warnings) stay until the retention purge deletes them;
the page lists them with that date. Their profile must stay too, since those rows point at it:
it is kept *minimised*: what the health service needs to reach them and find their visits
(name, phone, ID number with their look-up hashes, year of birth) stays; the household link,
the recorded notice version (their consent) and every device are removed, and its reference
is replaced, so no browser or old link identifies them any more. Passes always go. The purge
deletes the profile once nothing kept points at it.

Each deletion is recorded in `erasure_log` without the deleted data: the time, the kind
(self-service or a ward official's request), counts per category and what was kept (category,
count, reason, date): never a name, phone, hash, reference or id of the person.
"""
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from .. import signals
from ..extensions import db
from .models import Device, ErasureLog, Visitor, new_visitor_ref

#: Raised by `preview` and `erase` when a feature could not answer: nothing was deleted.
Incomplete = signals.Incomplete

#: Who asked: the person on their own device, or a ward official for a person in front of them.
KINDS = ("self", "official")


@dataclass(frozen=True)
class Hold:
    """Why the health service must keep a person's records for now (a `person_holds` answer).

    `reason` a stable code ("case", "watch"), `why` the text shown to the person, `until` when
    the reason itself ends (aware UTC)."""

    reason: str
    why: object
    until: datetime


@dataclass(frozen=True)
class Kept:
    """Something kept after a deletion: `what` and `why` are lazy-translated texts, `until` the
    aware UTC time by which it is deleted. `category`, `count` and `reason` are the stable,
    impersonal facts recorded in the erasure log."""

    what: object
    why: object
    until: datetime
    category: str = ""
    count: int = 0
    reason: str = ""


@dataclass
class Part:
    """One feature's answer to `erase_person_data`: rows deleted (or that would be) per category,
    and what it keeps."""

    removed: dict = field(default_factory=dict)
    kept: list = field(default_factory=list)


@dataclass
class Erasure:
    """What a deletion removes (rows per category) and keeps."""

    removed: dict = field(default_factory=dict)
    kept: list = field(default_factory=list)

    @property
    def total(self):
        """How many rows go."""
        return sum(self.removed.values())


def people_of(visitor):
    """The ids a deletion concerns: a lead and their dependents (lead first), or one dependent."""
    if visitor.lead_id is not None:
        return [visitor.id]
    dependents = db.session.scalars(select(Visitor.id).where(Visitor.lead_id == visitor.id).order_by(Visitor.id))
    return [visitor.id, *dependents]


def holds_for(visitor_ids, now):
    """{visitor_id: Hold} of the people who must be kept for now (the latest-ending reason each).
    Raises `Incomplete` when a feature could not answer."""
    held = {}
    for answer in signals.every_answer(signals.person_holds, visitor_ids=list(visitor_ids), now=now):
        for visitor_id, hold in answer.items():
            if visitor_id in visitor_ids and (visitor_id not in held or hold.until > held[visitor_id].until):
                held[visitor_id] = hold
    return held


def preview(visitor, now):
    """What `erase(visitor, now)` would delete and keep; changes nothing. Raises `Incomplete` when a
    feature could not answer."""
    ids = people_of(visitor)
    held = holds_for(ids, now)
    parts = signals.every_answer(signals.erase_person_data, visitor_ids=ids, held=held, now=now, apply=False)
    return _result(ids, held, parts, _own(ids, held, apply=False), now)


def erase(visitor, now, *, kind="self"):
    """Delete this person's data (a lead: with their household), keep what is held, record the
    request in `erasure_log`, flush. The caller commits.

    All or nothing: when a feature fails, every deletion made so far is undone (a savepoint) and
    `Incomplete` is raised, for a "try again later" page (503)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    ids = people_of(visitor)
    held = holds_for(ids, now)
    with db.session.begin_nested():
        parts = signals.every_answer(signals.erase_person_data, visitor_ids=ids, held=held, now=now, apply=True)
        own = _own(ids, held, apply=True)
        erasure = _result(ids, held, parts, own, now)
        db.session.add(ErasureLog(at=now, kind=kind, removed=json.dumps(erasure.removed, sort_keys=True),
                                  kept=json.dumps([_logged(k) for k in erasure.kept])))
        db.session.flush()
    return erasure


def _logged(kept):
    return {"category": kept.category, "count": kept.count, "reason": kept.reason,
            "until": kept.until.isoformat(timespec="seconds")}


def _own(ids, held, *, apply):
    """The visitors package's own rows: devices of every person, profiles of those not held."""
    going = [i for i in ids if i not in held]
    devices = db.session.scalar(select(func.count(Device.id)).where(Device.visitor_id.in_(ids)))
    if not apply:
        return {"profiles": len(going), "devices": devices}
    db.session.execute(delete(Device).where(Device.visitor_id.in_(ids)).execution_options(synchronize_session=False))
    for visitor_id in held:  # minimised: out of the household, no consent on record, a new reference
        db.session.execute(update(Visitor).where(Visitor.id == visitor_id).values(
            lead_id=None, notice_version=None, ref=new_visitor_ref()).execution_options(synchronize_session=False))
    if going:
        # Dependents first: the lead's row is pointed at by theirs.
        for batch in ([i for i in going if i != ids[0]], [i for i in going if i == ids[0]]):
            if batch:
                db.session.execute(delete(Visitor).where(Visitor.id.in_(batch))
                                   .execution_options(synchronize_session=False))
    db.session.flush()
    db.session.expire_all()  # objects loaded before (the device, the person) now read what is left
    return {"profiles": len(going), "devices": devices}


def _result(ids, held, parts, own, now):
    removed = dict(own)
    kept = []
    for part in parts:
        for category, count in part.removed.items():
            removed[category] = removed.get(category, 0) + count
        kept.extend(part.kept)
    if held:
        retention = timedelta(days=current_app.config["PORTAL_RETENTION_DAYS"])
        profiles = []
        for reason in sorted({h.reason for h in held.values()}):
            who = [i for i, h in held.items() if h.reason == reason]
            last_seen, created = db.session.execute(
                select(func.max(Visitor.last_seen_at), func.max(Visitor.created_at)).where(Visitor.id.in_(who))
            ).one()
            # The purge deletes a profile once it is past retention and no visit points at it.
            until = max([last_seen + retention, created + retention] + [k.until for k in kept])
            profiles.append(Kept(
                what=_l("Profiles: %(count)d (name, phone number, ID number and year of birth; no longer linked to "
                        "a phone or a household)", count=len(who)),
                why=held[who[0]].why, until=until, category="profiles", count=len(who), reason=reason))
        kept[:0] = profiles
    return Erasure(removed=removed, kept=kept)
