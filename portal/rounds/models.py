"""A ward's testing rounds and the places each round tests, with their counts (no personal data)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..columns import UTCDateTime
from ..extensions import db

#: Why a place is tested: its category is a risk category (markets, supermarkets, stations, boarding
#: houses, factories), or its visits brought the most distinct people of the ward.
REASONS = ("risk_category", "most_visitors")


class ScreeningRound(db.Model):
    """One day of a ward's testing plan: day `day_number` counted from `plan_start_on`."""

    __tablename__ = "testing_rounds"
    __table_args__ = (UniqueConstraint("ward_code", "held_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), index=True)
    plan_start_on: Mapped[date] = mapped_column(Date)
    day_number: Mapped[int] = mapped_column(SmallInteger)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    planned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ward = relationship("Division")
    places = relationship("ScreeningPlace", order_by="ScreeningPlace.id", back_populates="round",
                          cascade="all, delete-orphan")

    @property
    def tested(self):
        return sum(p.tested or 0 for p in self.places)

    @property
    def positive(self):
        return sum(p.positive or 0 for p in self.places)

    @property
    def done(self):
        """Every place has its counts."""
        return bool(self.places) and all(p.tested is not None for p in self.places)


class ScreeningPlace(db.Model):
    """A place a round tests: a registered establishment or a venue, and the counts recorded there."""

    __tablename__ = "round_places"
    __table_args__ = (CheckConstraint("positive <= tested", name="positive"),
                      CheckConstraint("tested >= 0 AND positive >= 0", name="counts"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("testing_rounds.id", ondelete="CASCADE"), index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"))
    establishment_id: Mapped[int | None] = mapped_column(ForeignKey("establishments.id"))
    name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(300), default="")
    reason: Mapped[str] = mapped_column(String(20))
    visitors: Mapped[int | None] = mapped_column(Integer)  # distinct people of the last 7 days
    tested: Mapped[int | None] = mapped_column(Integer)
    positive: Mapped[int | None] = mapped_column(Integer)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round = relationship("ScreeningRound", back_populates="places")
