"""Venue rules: registration, editing, tokens and short codes."""
import re
import secrets

from sqlalchemy import select

from ..divisions.models import Division
from ..extensions import db
from ..text import clean_text
from .models import RetiredToken, Venue

# No look-alikes: no 0/O/D/Q, 1/I/L/J, 2/Z, 5/S, 8/B, 6/G, U/V.
SHORT_CODE_ALPHABET = "ACEFHKMNPRTWXY3479"
SHORT_CODE_LENGTH = 7
_SHORT_CODE = re.compile(f"[{SHORT_CODE_ALPHABET}]{{6,8}}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
FIELDS = (
    "name", "category", "registration_number", "address", "ward_code",
    "contact_phone", "default_stay_minutes",
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
    """A short code people can type; unique in the database."""
    while True:
        code = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))
        if db.session.scalar(select(Venue.id).where(Venue.short_code == code)) is None:
            return code


def normalise_code(code):
    """Upper-case, without spaces or dashes people add while typing."""
    return "".join((code or "").split()).replace("-", "").upper()


def canonical_registration_number(number):
    """Digits only, with the 3-digit branch suffix after a dash: 3700123456-001."""
    digits = re.sub(r"[^0-9]", "", number or "")
    if len(digits) == 13:
        return f"{digits[:10]}-{digits[10:]}"
    return digits or None


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
    values["registration_number"] = canonical_registration_number(values["registration_number"])
    return values


def register_venue(owner, values, province_code):
    """Create a venue for an owner with a fresh token and short code."""
    values = _clean(values)
    _check(values, province_code)
    venue = Venue(owner_id=owner.id, token=new_token(), short_code=new_short_code(), **values)
    db.session.add(venue)
    db.session.flush()
    return venue


def update_venue(venue, values, province_code):
    """Change a venue's details; token and short code stay."""
    values = _clean(values)
    _check(values, province_code, venue)
    for key, value in values.items():
        setattr(venue, key, value)
    db.session.flush()
    return venue


def retire_token(venue, now):
    """Replace the poster token; the old URL answers 410 from now on."""
    db.session.add(RetiredToken(token=venue.token, venue_id=venue.id, retired_at=now))
    venue.token = new_token()
    venue.token_issued_at = now
    db.session.flush()
    return venue


def venue_by_token(token):
    """(venue, retired) for a poster token: retired is True for an old token."""
    token = token or ""
    if not _TOKEN.fullmatch(token):
        return None, False
    venue = db.session.scalar(select(Venue).where(Venue.token == token))
    if venue is not None:
        return venue, False
    retired = db.session.get(RetiredToken, token)
    if retired is not None:
        return db.session.get(Venue, retired.venue_id), True
    return None, False


def is_short_code(code):
    """True when the text has the shape of a short code (upper case, our alphabet)."""
    return bool(_SHORT_CODE.fullmatch(code or ""))


def venue_by_code(code):
    """The venue with this short code (any case, spaces ignored), or None."""
    code = normalise_code(code)
    if not is_short_code(code):
        return None
    return db.session.scalar(select(Venue).where(Venue.short_code == code))


def checkin_url(base_url, venue):
    """The URL the poster's QR encodes: always the configured base URL."""
    return f"{base_url}/v/{venue.token}"


def short_url(base_url, venue):
    """The short URL printed under the QR."""
    return f"{base_url}/c/{venue.short_code}"
