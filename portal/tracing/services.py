"""Cases, finding a person by phone or ID number, and their visits in a date window.

Every function takes explicit arguments (actor, now, cut-off) and flushes; the caller commits.
Nothing older than the retention cut-off is ever returned, even before the purge has run.
"""
import re
import secrets
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import phonenumbers

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from ..checkin.models import Visit
from ..crypto import lookup_hash
from ..extensions import db
from ..text import normalise_phone
from ..venues.models import Venue
from ..visitors.models import Visitor
from .models import Case

# Nine or more digits, possibly spaced or dotted: an ID number typed into free text.
# (Dashes are allowed: case references like F0-2021-0917-003 hold dated serial numbers.)
_LONG_NUMBER = re.compile(r"\d(?:[ .]?\d){8,}")


class TracingError(ValueError):
    """A rule stopped the request; `code` names the message shown to the tracer."""

    def __init__(self, code, field=None):
        super().__init__(code)
        self.code = code
        self.field = field


def retention_cutoff(now, retention_days):
    """The oldest moment whose data may still be shown."""
    return now - timedelta(days=retention_days)


def looks_like_personal_number(text):
    """True when free text holds a phone or ID number (the audit log must not)."""
    if not text:
        return False
    if _LONG_NUMBER.search(text):
        return True
    matcher = phonenumbers.PhoneNumberMatcher(text, "VN", leniency=phonenumbers.Leniency.VALID)
    return matcher.has_next()


def create_case(actor, reference, purpose, now):
    """Open a case with the health office's reference and the purpose of the trace."""
    reference = (reference or "").strip()
    purpose = (purpose or "").strip()
    if not reference:
        raise TracingError("reference", "reference")
    if not purpose:
        raise TracingError("purpose", "purpose")
    for field, value in (("reference", reference), ("purpose", purpose)):
        if looks_like_personal_number(value):
            raise TracingError("personal_number", field)
    case = Case(
        ref=secrets.token_urlsafe(16), reference=reference, purpose=purpose,
        created_by_id=actor.id, created_at=now,
    )
    db.session.add(case)
    db.session.flush()
    return case


def recent_cases(limit=50):
    """The most recently opened cases, newest first."""
    return db.session.scalars(
        select(Case).options(joinedload(Case.created_by)).order_by(Case.created_at.desc(), Case.id.desc()).limit(limit)
    ).all()


def normalise_id_number(raw):
    """An ID card number (9-digit CMND or 12-digit CCCD) without spaces, or ValueError."""
    value = re.sub(r"[\s.\-]", "", raw or "")
    if not re.fullmatch(r"\d{9}|\d{12}", value):
        raise ValueError("not an ID number")
    return value


def find_person(*, cutoff, phone=None, id_number=None):
    """The visitor with this phone (any usual format) or ID number, seen since `cutoff`.

    Raises ValueError for a malformed phone or ID number; returns None when nobody matches.
    Profiles older than the cut-off without a recent visit count as unknown (due for purging),
    unless seen since (a checkpoint crossing marks its person as seen, and is no visit).
    """
    if phone:
        column, digest = Visitor.phone_hash, lookup_hash(normalise_phone(phone))
    elif id_number:
        column, digest = Visitor.id_number_hash, lookup_hash(normalise_id_number(id_number))
    else:
        raise ValueError("nothing to look up")
    recent_visit = exists().where(Visit.visitor_id == Visitor.id, Visit.checked_in_at >= cutoff)
    return db.session.scalar(
        select(Visitor)
        .where(column == digest)
        .where((Visitor.created_at >= cutoff) | (Visitor.last_seen_at >= cutoff) | recent_visit)
        .order_by(Visitor.id)
        .limit(1)
    )


def same_person_ids(visitor):
    """The ids of every profile with this visitor's phone or ID number (one per device they used)."""
    match = Visitor.id == visitor.id
    if visitor.phone_hash:
        match = match | (Visitor.phone_hash == visitor.phone_hash)
    if visitor.id_number_hash:
        match = match | (Visitor.id_number_hash == visitor.id_number_hash)
    return sorted(db.session.scalars(select(Visitor.id).where(match)))


def attach_person(case, visitor):
    """Record which person the case is about."""
    case.visitor_id = visitor.id
    db.session.flush()


def window_bounds(date_from, date_to, *, now, retention_days, tz_name):
    """UTC [start, end) for whole local days from..to; TracingError when the window is wrong.

    A window may not be reversed, end after today, or start before the retention period.
    """
    tz = ZoneInfo(tz_name)
    today = now.astimezone(tz).date()
    if date_from is None:
        raise TracingError("date_missing", "date_from")
    if date_to is None:
        raise TracingError("date_missing", "date_to")
    if date_from > date_to:
        raise TracingError("reversed", "date_to")
    if date_to > today:
        raise TracingError("future", "date_to")
    if date_from < today - timedelta(days=retention_days):
        raise TracingError("too_old", "date_from")
    start = datetime.combine(date_from, time(0), tz).astimezone(timezone.utc)
    end = datetime.combine(date_to + timedelta(days=1), time(0), tz).astimezone(timezone.utc)
    cutoff = retention_cutoff(now, retention_days)
    return max(start, cutoff), min(end, now)


def default_window(now, days, tz_name):
    """The last `days` local days, today included: (date_from, date_to)."""
    today = now.astimezone(ZoneInfo(tz_name)).date()
    return today - timedelta(days=days - 1), today


def person_visits(visitor_ids, start, end):
    """The visits of these profiles that began in [start, end), oldest first (index on visitor, time)."""
    return db.session.scalars(
        select(Visit)
        # venue and ward, and the entrance scanned: the visits page, the contacts and their export show them
        .options(joinedload(Visit.venue).joinedload(Venue.ward), joinedload(Visit.entrance))
        .where(Visit.visitor_id.in_(list(visitor_ids)), Visit.checked_in_at >= start, Visit.checked_in_at < end)
        .order_by(Visit.checked_in_at)
    ).all()
