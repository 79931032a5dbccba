"""Compliance certificates: a signed token in a verification URL on this portal's base URL.

The token holds the venue's short code and the issuing time, signed with the app's secret key
(itsdangerous, its own salt); it is readable, so it holds nothing private. Verifying it looks the
venue up again and judges it now: a certificate is current only while the venue still meets the
conditions and the certificate is not older than PORTAL_COMPLIANCE_CERTIFICATE_DAYS.
"""
import io
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import segno
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import escape
from sqlalchemy import select

from ..extensions import db
from ..identifiers import is_short_code, normalise_short_code
from ..venues.models import RetiredToken, Venue
from .compliance import compliance_of

SALT = "vaora.compliance-certificate"
TOKEN_MAX = 300  # longer than any token this module makes


def _serializer(secret_key):
    return URLSafeSerializer(secret_key, salt=SALT)


def certificate_token(secret_key, venue, issued_at):
    """The signed token of a certificate issued for this venue at `issued_at`."""
    return _serializer(secret_key).dumps({"c": venue.short_code, "t": int(issued_at.timestamp())})


def verification_url(base_url, token):
    """The URL the certificate's QR encodes: always the configured base URL."""
    return f"{base_url.rstrip('/')}/inspection/certificates/{token}"


def qr_svg_inline(url, label):
    """SVG markup of the verification QR, named for screen readers by `label`."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="svg", scale=6, border=4, xmldecl=False, svgns=True,
                                       svgclass="qr", lineclass=None, omitsize=True)
    return out.getvalue().decode().replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


@dataclass
class Check:
    """What a scanned certificate says: `outcome` (current, stale, not_meeting, unknown, invalid),
    the venue (public name and address only are shown), when it was issued, the venue's state."""

    outcome: str
    venue: Venue | None = None
    issued_at: datetime | None = None
    state_label: object = None


def _read(secret_key, token):
    if not token or len(token) > TOKEN_MAX:
        return None
    try:
        data = _serializer(secret_key).loads(token)
        code, stamp = data["c"], int(data["t"])
        return normalise_short_code(str(code)), datetime.fromtimestamp(stamp, timezone.utc)
    except (BadSignature, KeyError, TypeError, ValueError, OverflowError, OSError):
        return None


def _venue(code):
    if not is_short_code(code):
        return None
    venue = db.session.scalar(select(Venue).where(Venue.short_code == code))
    if venue is None:  # the code changed since (a rotated poster): the certificate still names the venue
        retired = db.session.scalar(select(RetiredToken).where(RetiredToken.short_code == code).limit(1))
        venue = db.session.get(Venue, retired.venue_id) if retired is not None else None
    return venue


def verify_certificate(secret_key, token, now, thresholds):
    """The Check of a scanned certificate token at `now`."""
    read = _read(secret_key, token)
    if read is None:
        return Check("invalid")
    code, issued_at = read
    venue = _venue(code)
    if venue is None:
        return Check("unknown", issued_at=issued_at)
    found = compliance_of(venue, now, thresholds)
    check = Check("current", venue=venue, issued_at=issued_at, state_label=found.state_label)
    if issued_at > now + timedelta(minutes=5):
        check.outcome = "invalid"
    elif not found.meets:
        check.outcome = "not_meeting"
    elif now - issued_at > timedelta(days=thresholds.certificate_days):
        check.outcome = "stale"
    return check
