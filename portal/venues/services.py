"""Venue rules: registration, editing, tokens and short codes."""
import secrets

from sqlalchemy import func, select

from ..divisions.models import Division
from ..extensions import db
from .models import RetiredToken, Venue

# No look-alikes: no 0/O/D/Q, 1/I/L/J, 2/Z, 5/S, 8/B, 6/G, U/V.
SHORT_CODE_ALPHABET = "ACEFHKMNPRTWXY3479"
SHORT_CODE_LENGTH = 7
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


def _check(values, province_code, venue=None):
    ward = db.session.get(Division, values["ward_code"])
    if ward is None or ward.province_code != str(province_code):
        raise VenueError("ward_code", "ward")
    if values.get("registration_number"):
        duplicate = select(Venue.id).where(
            Venue.registration_number == values["registration_number"],
            func.lower(Venue.address) == values["address"].lower(),
            Venue.ward_code == values["ward_code"],
        )
        if venue is not None:
            duplicate = duplicate.where(Venue.id != venue.id)
        if db.session.scalar(duplicate) is not None:
            raise VenueError("registration_number", "duplicate")


def register_venue(owner, values, province_code):
    """Create a venue for an owner with a fresh token and short code."""
    values = {k: values.get(k) or None for k in FIELDS}
    _check(values, province_code)
    venue = Venue(owner_id=owner.id, token=new_token(), short_code=new_short_code(), **values)
    db.session.add(venue)
    db.session.flush()
    return venue


def update_venue(venue, values, province_code):
    """Change a venue's details; token and short code stay."""
    values = {k: values.get(k) or None for k in FIELDS}
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
    token = (token or "")[:64]
    venue = db.session.scalar(select(Venue).where(Venue.token == token))
    if venue is not None:
        return venue, False
    retired = db.session.get(RetiredToken, token)
    if retired is not None:
        return db.session.get(Venue, retired.venue_id), True
    return None, False


def venue_by_code(code):
    """The venue with this short code (any case, spaces ignored), or None."""
    code = normalise_code(code)
    if not code or len(code) > 8:
        return None
    return db.session.scalar(select(Venue).where(Venue.short_code == code))


def checkin_url(base_url, venue):
    """The URL the poster's QR encodes: always the configured base URL."""
    return f"{base_url}/v/{venue.token}"


def short_url(base_url, venue):
    """The short URL printed under the QR."""
    return f"{base_url}/c/{venue.short_code}"
