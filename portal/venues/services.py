"""Venue rules: registration, editing, tokens and short codes."""
import secrets

from sqlalchemy import select, union_all, update

from ..audit import services as audit
from ..divisions.models import Division
from ..extensions import db
from ..identifiers import (
    SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH, dashed_registration_number, is_short_code, is_token,
    normalise_short_code,
)
from ..text import clean_text, has_control_chars, has_markup
from .models import CATEGORIES, Entrance, RetiredToken, Venue

#: The police's traffic checkpoints (see categories_for).
CHECKPOINT = "checkpoint"
FIELDS = (
    "name", "category", "registration_number", "address", "ward_code",
    "contact_phone", "default_stay_minutes", "opens_at", "closes_at",
)


class VenueError(ValueError):
    """A rule stopped the change. `field` names the form field at fault."""

    def __init__(self, field, code):
        super().__init__(code)
        self.field = field
        self.code = code


def new_token():
    """A poster token with 192 random bits."""
    return secrets.token_urlsafe(24)


def new_short_code():
    """A short code people can type; never a code in use or one printed on a retired poster."""
    while True:
        code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))
        # Venues and their entrances share one namespace. A retired code must keep answering
        # 410: handing it to another venue would let an old photo of a poster check people in
        # somewhere else. One statement for the three tables.
        taken = union_all(
            select(Venue.id).where(Venue.short_code == code),
            select(Entrance.id).where(Entrance.short_code == code),
            select(RetiredToken.venue_id).where(RetiredToken.short_code == code),
        ).limit(1)
        if db.session.scalar(taken) is None:
            return code




def address_key(address):
    """An address compared the way people read it: NFC, case and spacing ignored."""
    return " ".join((clean_text(address) or "").casefold().split())


def _check(values, province_code, venue=None):
    ward_code = values.get("ward_code") or ""
    ward = db.session.get(Division, ward_code) if ward_code.isdigit() else None
    if ward is None or ward.province_code != str(province_code):
        raise VenueError("ward_code", "ward")
    if values.get("registration_number"):
        # Compared in Python: SQLite's lower() leaves Vietnamese letters as they are.
        same_number = select(Venue).where(
            Venue.registration_number == values["registration_number"],
            Venue.ward_code == ward_code,
        )
        if venue is not None:
            same_number = same_number.where(Venue.id != venue.id)
        key = address_key(values["address"])
        if any(address_key(other.address) == key for other in db.session.scalars(same_number)):
            raise VenueError("registration_number", "duplicate")


def _clean(values):
    values = {k: values.get(k) or None for k in FIELDS}
    values["registration_number"] = dashed_registration_number(values["registration_number"])
    return values


def categories_for(actor, venue=None):
    """The kinds of place an account may register (or give the venue it edits).

    Traffic checkpoints are the police's: only a province administrator registers one, and that
    is all they register here. A self-registered business never can, else its owner could put
    checkpoint officers' scans and figures under their own name. A venue keeps the kind it has.
    """
    if actor.role == "province_admin":
        allowed = [CHECKPOINT]
    else:
        allowed = [c for c in CATEGORIES if c != CHECKPOINT]
    if venue is not None and venue.category not in allowed:
        allowed.append(venue.category)
    return allowed


def _check_category(actor, values, venue=None):
    if values.get("category") not in categories_for(actor, venue):
        raise VenueError("category", "category")


def register_venue(owner, values, province_code):
    """Create a venue for an owner with a fresh token and short code."""
    values = _clean(values)
    _check_category(owner, values)
    _check(values, province_code)
    venue = Venue(owner_id=owner.id, token=new_token(), short_code=new_short_code(), **values)
    db.session.add(venue)
    db.session.flush()
    return venue


def update_venue(venue, values, province_code):
    """Change a venue's details; token and short code stay."""
    values = _clean(values)
    _check_category(venue.owner, values, venue)
    _check(values, province_code, venue)
    for key, value in values.items():
        setattr(venue, key, value)
    db.session.flush()
    return venue


def retire_token(venue, now):
    """Replace the poster's token and short code; the old QR URL and the old /c/ code answer 410."""
    db.session.add(RetiredToken(token=venue.token, short_code=venue.short_code, venue_id=venue.id,
                                retired_at=now))
    # The short code is printed on the same poster: a shared photo shows it as plainly as the QR.
    venue.short_code = new_short_code()
    venue.token = new_token()
    venue.token_issued_at = now
    db.session.flush()
    return venue


def is_retired_code(code):
    """True when this short code (any case, spaces ignored) was printed on a retired poster."""
    code = normalise_short_code(code)
    if not is_short_code(code):
        return False
    return db.session.scalar(
        select(RetiredToken.venue_id).where(RetiredToken.short_code == code).limit(1)) is not None


def venue_by_token(token):
    """(venue, retired) for a poster token: retired is True for an old token."""
    token = token or ""
    if not is_token(token):
        return None, False
    venue = db.session.scalar(select(Venue).where(Venue.token == token))
    if venue is not None:
        return venue, False
    retired = db.session.get(RetiredToken, token)
    if retired is not None:
        return db.session.get(Venue, retired.venue_id), True
    return None, False



def venue_by_code(code):
    """The venue with this short code (any case, spaces ignored), or None."""
    code = normalise_short_code(code)
    if not is_short_code(code):
        return None
    return db.session.scalar(select(Venue).where(Venue.short_code == code))


def checkin_url(base_url, venue):
    """The URL the poster's QR encodes: always the configured base URL."""
    return f"{base_url}/v/{venue.token}"


def short_url(base_url, venue):
    """The short URL printed under the QR."""
    return f"{base_url}/c/{venue.short_code}"


STATUS_REASON_MAX = 300  # venues.status_reason
#: Why a suspension or reopening did not apply, by the status the venue has now.
STATUS_CONFLICTS = {"suspended": "already_suspended", "active": "not_suspended", "closed": "closed"}


def _status_reason(text, required):
    reason = (clean_text(text) or "").replace("\r\n", "\n")
    if required and not reason:
        raise VenueError("reason", "reason_required")
    if len(reason) > STATUS_REASON_MAX:
        raise VenueError("reason", "reason_long")
    if has_control_chars(reason) or has_markup(reason):
        raise VenueError("reason", "reason_plain")
    return reason or None


def _may_decide(actor, venue):
    """Only a province administrator, or a ward official of the venue's ward, decides on it.

    The routes already answer 404 through venue_for(); this keeps the CLI and any later caller
    inside the same rule.
    """
    from ..security import visible_ward_codes

    if actor.role not in ("ward_official", "province_admin") or not actor.is_active:
        raise VenueError("reason", "not_allowed")
    wards = visible_ward_codes(actor)
    if wards is not None and venue.ward_code not in wards:
        raise VenueError("reason", "not_allowed")


def _change_status(actor, venue, before, after, reason, now, audit_action):
    # One conditional UPDATE: of two officials deciding at the same moment, only one changes
    # the status (PostgreSQL re-checks the WHERE after waiting for the other's row lock).
    changed = db.session.execute(
        update(Venue).where(Venue.id == venue.id, Venue.status == before)
        .values(status=after, status_reason=reason, status_changed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.refresh(venue)
        raise VenueError("reason", STATUS_CONFLICTS.get(venue.status, "closed"))
    db.session.refresh(venue)
    audit.record(actor, None, audit_action, {"venue": venue.short_code}, 0, now)
    return venue


def suspend_venue(actor, venue, reason, now):
    """Suspend a venue (reason required, shown to its owner): check-ins stop, people inside can leave."""
    reason = _status_reason(reason, required=True)
    _may_decide(actor, venue)
    return _change_status(actor, venue, "active", "suspended", reason, now, "suspend")


def reopen_venue(actor, venue, note, now):
    """Let a suspended venue take check-ins again; the optional note is shown to its owner."""
    note = _status_reason(note, required=False)
    _may_decide(actor, venue)
    return _change_status(actor, venue, "suspended", "active", note, now, "reopen")
