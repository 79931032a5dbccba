"""Entrance rules: an owner adds gates or areas to a venue, each with its own poster, and retires them.

A visit at an entrance is a visit of the venue: the one-open-visit rule, check-out at any gate,
contacts and the officials' counts all go by the venue. Functions flush; the caller commits.
"""
from sqlalchemy import func, select

from ..extensions import db
from ..text import clean_text, has_control_chars, has_markup
from .models import Entrance, RetiredToken
from .services import VenueError, address_key, new_short_code, new_token

#: More gates than any market or hospital has; beyond it a typo or a script is adding them.
MAX_ENTRANCES = 30
NAME_MAX = 100  # entrances.name


def entrances_of(venue):
    """The venue's entrances in use, in the order they were added."""
    return db.session.scalars(
        select(Entrance).where(Entrance.venue_id == venue.id, Entrance.retired_at.is_(None)).order_by(Entrance.id)
    ).all()


def _name(venue, text):
    name = " ".join((clean_text(text) or "").split())
    if not name:
        raise VenueError("name", "entrance_name_required")
    if len(name) > NAME_MAX:
        raise VenueError("name", "entrance_name_long")
    if has_control_chars(name) or has_markup(name):
        raise VenueError("name", "entrance_name_plain")
    # Compared in Python: SQLite's lower() leaves Vietnamese letters as they are.
    if any(address_key(other.name) == address_key(name) for other in entrances_of(venue)):
        raise VenueError("name", "entrance_name_taken")
    return name


def add_entrance(venue, name, now):
    """A new entrance of the venue with a fresh token and short code (VenueError when refused)."""
    name = _name(venue, name)
    in_use = db.session.scalar(
        select(func.count(Entrance.id)).where(Entrance.venue_id == venue.id, Entrance.retired_at.is_(None)))
    if in_use >= MAX_ENTRANCES:
        raise VenueError("name", "entrance_too_many")
    entrance = Entrance(venue_id=venue.id, name=name, token=new_token(), short_code=new_short_code(),
                        created_at=now)
    db.session.add(entrance)
    db.session.flush()
    return entrance


def retire_entrance(entrance, now):
    """Stop an entrance: its poster's QR and code answer 410; past visits keep its name."""
    if entrance.retired_at is None:
        entrance.retired_at = now
        db.session.add(RetiredToken(token=entrance.token, short_code=entrance.short_code,
                                    venue_id=entrance.venue_id, retired_at=now))
        db.session.flush()
    return entrance


def entrance_names(ids):
    """{entrance id: name} for these ids, retired ones included (one query; none for no ids)."""
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    return dict(db.session.execute(select(Entrance.id, Entrance.name).where(Entrance.id.in_(ids))).all())
