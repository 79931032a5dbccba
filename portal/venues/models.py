"""A registered place with its secret poster token and human short code."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..collation import keep_sorted, sort_key_column
from ..extensions import db
from ..clock import utcnow
from ..columns import UTCDateTime

CATEGORIES = {
    "office": _l("Offices and agencies"),
    "factory": _l("Factories and production sites"),
    "shop": _l("Shops"),
    "market": _l("Markets"),
    "supermarket": _l("Supermarkets"),
    "restaurant": _l("Restaurants and cafés"),
    "school": _l("Schools"),
    "health": _l("Hospitals and clinics"),
    "station": _l("Bus and train stations"),
    "boarding_house": _l("Boarding houses"),
    "apartment": _l("Apartment buildings"),
    "religious": _l("Religious sites"),
    "checkpoint": _l("Traffic checkpoints"),
    "other": _l("Other"),
}

STATUSES = {
    "active": _l("Active"),
    "suspended": _l("Suspended"),
    "closed": _l("Closed"),
}


class Venue(db.Model):
    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The name's Vietnamese sort key (portal/collation.py): lists order and page by it in SQL.
    name_sort: Mapped[str] = sort_key_column("name")
    category: Mapped[str] = mapped_column(String(20), index=True)
    registration_number: Mapped[str | None] = mapped_column(String(20), index=True)
    address: Mapped[str] = mapped_column(String(300))
    ward_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), index=True)
    contact_phone: Mapped[str] = mapped_column(String(20))
    default_stay_minutes: Mapped[int] = mapped_column(Integer, default=60)
    # Optional opening hours, local "HH:MM" (closing may be after midnight): the suspicious-hours
    # rule reads them; without them it learns the venue's usual hours from its visits.
    opens_at: Mapped[str | None] = mapped_column(String(5))
    closes_at: Mapped[str | None] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(12), default="active")
    # Why an official suspended or reopened the venue, and when; shown to the owner.
    status_reason: Mapped[str | None] = mapped_column(String(300))
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    short_code: Mapped[str] = mapped_column(String(8), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    token_issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner = relationship("User")
    ward = relationship("Division")

    @property
    def category_label(self):
        return CATEGORIES.get(self.category, self.category)

    @property
    def status_label(self):
        return STATUSES.get(self.status, self.status)


keep_sorted(Venue, "name", "name_sort")


class RetiredToken(db.Model):
    """A poster token that was replaced; its URL, and the short code printed with it, answer 410."""

    __tablename__ = "retired_tokens"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    short_code: Mapped[str | None] = mapped_column(String(8), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Entrance(db.Model):
    """Another gate or area of a venue with its own poster; its visits are the venue's visits.

    The venue's own token and short code stay its main poster. An entrance shares the short-code
    namespace (and the never-reuse rule) with venues; a retired entrance keeps its row, so past
    visits still name it, and its token and code also go to retired_tokens to answer 410.
    """

    __tablename__ = "entrances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    short_code: Mapped[str] = mapped_column(String(8), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    venue = relationship("Venue")
