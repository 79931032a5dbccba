"""A tracer's case, the exposure windows it marks, and which visitors those windows warn."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..clock import utcnow
from ..columns import UTCDateTime


class Case(db.Model):
    """A confirmed case (F0) being traced; every trace starts from one."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Random reference used in URLs; never the integer id.
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    # The health office's own reference, e.g. "F0-2021-0917-003".
    reference: Mapped[str] = mapped_column(String(60))
    purpose: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The person found by phone or ID number; cleared when the purge removes their profile.
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitors.id"), index=True)

    created_by = relationship("User")
    visitor = relationship("Visitor")
    exposures = relationship("Exposure", order_by="Exposure.starts_at", back_populates="case")


class Exposure(db.Model):
    """A venue and time window (at most 24 hours) during which visitors were exposed."""

    __tablename__ = "exposures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    advice: Mapped[str] = mapped_column(String(10))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Kept as a number so the count survives the purge of the notices themselves.
    warned_count: Mapped[int] = mapped_column(Integer, default=0)

    case = relationship("Case", back_populates="exposures")
    venue = relationship("Venue")


class ExposureNotice(db.Model):
    """One visitor warned by one exposure window; read only to show that visitor the warning."""

    __tablename__ = "exposure_notices"

    exposure_id: Mapped[int] = mapped_column(ForeignKey("exposures.id"), primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitors.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
