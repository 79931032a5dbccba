"""A registered place with its secret poster token and human short code."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow

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
    category: Mapped[str] = mapped_column(String(20), index=True)
    registration_number: Mapped[str | None] = mapped_column(String(20), index=True)
    address: Mapped[str] = mapped_column(String(300))
    ward_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), index=True)
    contact_phone: Mapped[str] = mapped_column(String(20))
    default_stay_minutes: Mapped[int] = mapped_column(Integer, default=60)
    status: Mapped[str] = mapped_column(String(12), default="active")
    # Why an official suspended or reopened the venue, and when; shown to the owner.
    status_reason: Mapped[str | None] = mapped_column(String(300))
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    short_code: Mapped[str] = mapped_column(String(8), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    token_issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner = relationship("User", lazy="joined")
    ward = relationship("Division", lazy="joined")

    @property
    def category_label(self):
        return CATEGORIES.get(self.category, self.category)

    @property
    def status_label(self):
        return STATUSES.get(self.status, self.status)


class RetiredToken(db.Model):
    """A poster token that was replaced; its URL, and the short code printed with it, answer 410."""

    __tablename__ = "retired_tokens"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    short_code: Mapped[str | None] = mapped_column(String(8), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
