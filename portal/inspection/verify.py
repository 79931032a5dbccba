"""Poster verification: what a scanned or typed poster QR says about the venue being inspected.

A genuine poster's QR holds `<PORTAL_BASE_URL>/v/<token>` (portal/venues/poster.py) and the short
code printed under it `<PORTAL_BASE_URL>/c/<code>`; people may also type the short code alone.
Anything else is judged here, without side effects.
"""
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from ..extensions import db
from ..identifiers import is_short_code, is_token, normalise_short_code
from ..text import has_control_chars
from ..venues.models import Entrance, RetiredToken, Venue
from ..venues.services import venue_by_code, venue_by_token

#: Longer than any poster URL or code; a barcode scanner never types more.
PAYLOAD_MAX = 500
SHOWN_MAX = 200  # poster_checks.shown


class Malformed(ValueError):
    """The text cannot be a poster's content; `code` says why (empty, long, control)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


@dataclass
class Verdict:
    """What a poster is: `kind` (models.VERDICTS), the venue and entrance it belongs to, and the
    text to show for a fake or unknown one."""

    kind: str
    venue: Venue | None = None
    entrance: Entrance | None = None
    shown: str | None = None


def _clean(payload):
    text = (payload or "").strip()  # a scanner ends with Enter, sometimes a tab
    if not text:
        raise Malformed("empty")
    if len(text) > PAYLOAD_MAX:
        raise Malformed("long")
    if has_control_chars(text):
        raise Malformed("control")
    return text


def _shorten(text):
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX - 1] + "…"


def _is_url(text):
    return "://" in text or text.startswith("//") or text.lower().startswith("www.")


def _same_origin(parts, base):
    try:
        return (parts.scheme.lower() == base.scheme.lower() and parts.hostname == base.hostname
                and parts.port == base.port and not parts.username and not parts.password)
    except ValueError:  # a port out of range
        return False


def _by_token(token):
    """(kind, venue id, entrance) of a poster token, or None when it is not ours."""
    venue, retired = venue_by_token(token)  # the venue's current or a retired token (tokens never collide)
    if venue is not None:
        return ("retired" if retired else "genuine"), venue.id, None
    entrance = db.session.scalar(select(Entrance).where(Entrance.token == token, Entrance.retired_at.is_(None)))
    if entrance is not None:
        return "entrance", entrance.venue_id, entrance
    return None


def _by_code(code):
    """(kind, venue id, entrance) of a short code, or None when it is not ours."""
    venue = venue_by_code(code)
    if venue is not None:
        return "genuine", venue.id, None
    entrance = db.session.scalar(select(Entrance).where(Entrance.short_code == code, Entrance.retired_at.is_(None)))
    if entrance is not None:
        return "entrance", entrance.venue_id, entrance
    retired = db.session.scalar(select(RetiredToken).where(RetiredToken.short_code == code).limit(1))
    if retired is not None:
        return "retired", retired.venue_id, None
    return None


def _lookup(path_rest):
    """Find what a path under the base URL (or a bare code or token) names."""
    if path_rest.startswith("/v/"):
        token = path_rest[3:].rstrip("/")
        return _by_token(token) if is_token(token) else None
    if path_rest.startswith("/c/"):
        code = normalise_short_code(path_rest[3:].rstrip("/"))
        return _by_code(code) if is_short_code(code) else None
    return None


def _found(text, base_url):
    """(kind, venue id, entrance) or a Verdict for a fake or unknown poster."""
    if not _is_url(text):
        code = normalise_short_code(text)
        if is_short_code(code):
            return _by_code(code) or Verdict("unknown", shown=_shorten(text))
        if is_token(text):
            return _by_token(text) or Verdict("unknown", shown=_shorten(text))
        return Verdict("unknown", shown=_shorten(text))
    base = urlsplit(base_url.rstrip("/"))
    try:
        parts = urlsplit(text if "://" in text or text.startswith("//") else "//" + text)
    except ValueError:
        return Verdict("foreign_host", shown=_shorten(text))
    if not _same_origin(parts, base):
        return Verdict("foreign_host", shown=_shorten(text))
    prefix = base.path.rstrip("/")
    if not parts.path.startswith(prefix + "/") or parts.query or parts.fragment:
        return Verdict("unknown", shown=_shorten(text))
    return _lookup(parts.path[len(prefix):]) or Verdict("unknown", shown=_shorten(text))


def verify_poster(payload, venue, base_url):
    """The Verdict of a poster's content for the venue being inspected; Malformed when the text
    cannot be one (empty, too long, control characters)."""
    text = _clean(payload)
    found = _found(text, base_url)
    if isinstance(found, Verdict):
        return found
    kind, venue_id, entrance = found
    owner = db.session.get(Venue, venue_id)
    if venue_id != venue.id:
        return Verdict("other_venue", venue=owner, entrance=entrance)
    return Verdict(kind, venue=owner, entrance=entrance)
