"""A ward's zone level over time, with the level the case figures suggested when it was set, and
the wards' populations those figures are counted against."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..clock import utcnow
from ..columns import UTCDateTime

LEVELS = {
    1: _l("Level 1 (green): new normal"),
    2: _l("Level 2 (yellow): low risk"),
    3: _l("Level 3 (orange): high risk"),
    4: _l("Level 4 (red): very high risk"),
}
SHORT_LEVELS = {1: _l("Green"), 2: _l("Yellow"), 3: _l("Orange"), 4: _l("Red")}


class ZoneLevel(db.Model):
    """A ward's level from `effective_on`; rows are never changed, so history is kept."""

    __tablename__ = "zone_levels"
    __table_args__ = (
        Index("ix_zone_levels_ward_effective", "ward_code", "effective_on"),
        CheckConstraint("level BETWEEN 1 AND 4", name="level"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"))
    level: Mapped[int] = mapped_column(SmallInteger)
    effective_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: What the case register suggested when the level was set: the level, and the new cases over
    #: 7 days and the population it was worked out from (empty when there was no population).
    suggested_level: Mapped[int | None] = mapped_column(SmallInteger)
    suggested_cases: Mapped[int | None] = mapped_column(Integer)
    suggested_population: Mapped[int | None] = mapped_column(Integer)

    set_by = relationship("User")
    ward = relationship("Division")

    @property
    def label(self):
        return LEVELS.get(self.level, self.level)

    @property
    def suggested_rate(self):
        """New cases per 100,000 residents over 7 days when the level was set, or None."""
        if self.suggested_population:
            return self.suggested_cases * 100_000 / self.suggested_population
        return None


class WardPopulation(db.Model):
    """A ward's population, imported from a file: the denominator of the cases per 100,000."""

    __tablename__ = "ward_populations"
    __table_args__ = (CheckConstraint("population > 0", name="population"),)

    ward_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), primary_key=True)
    population: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
