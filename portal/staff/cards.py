"""Chip ID card scans: the person a card names, and whether that card was scanned moments ago.

The ID number is authoritative: a person is found by its keyed hash, never by name. A card seen
for the first time registers its holder (the name as received, the year of birth; never the
address or the old number). Functions flush, never commit.
"""
from sqlalchemy import select

from ..checkin.models import Visit
from ..clock import local_date
from ..extensions import db
from ..passes.services import DEBOUNCE
from ..visitors.services import card_holder, register_card_holder


def today(now):
    """The local date of `now`: a card's dates may not be later."""
    return local_date(now)


def holder(card, venue, now):
    """The card's holder, registered from the card when new; None when new at a venue taking nobody in."""
    visitor = card_holder(card.number)
    if visitor is None and venue.status == "active":
        visitor = register_card_holder(card.name, card.number, card.birth_date.year, now)
    return visitor


def scanned_moments_ago(visitor_id, venue, now):
    """True when the person's last visit here began or ended within the pass's debounce time.

    A card has no row to claim as a pass has, so a scanner firing twice is recognised by the visit
    it just opened or closed.
    """
    last = db.session.execute(
        select(Visit.checked_in_at, Visit.checked_out_at)
        .where(Visit.visitor_id == visitor_id, Visit.venue_id == venue.id)
        .order_by(Visit.checked_in_at.desc(), Visit.id.desc()).limit(1)
    ).first()
    if last is None:
        return False
    return any(at is not None and now - DEBOUNCE < at <= now for at in last)
