"""One stay of one visitor at one venue."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..clock import utcnow
from ..columns import UTCDateTime

#: How a check-in or check-out happened.
METHODS = ("self", "staff", "assisted", "auto", "moved")


class Visit(db.Model):
    __tablename__ = "visits"
    __table_args__ = (
        # A venue's check-ins by time (owners' counts, officials' lists, the contact query). The
        # contact query keeps only stays still going on (due_out_at late enough): with due_out_at
        # in the index that filter reads no table row, so a busy market's thousands of check-ins
        # a day cost an index range. The columns never change after a check-in.
        Index("ix_visits_venue_in_due", "venue_id", "checked_in_at", "due_out_at"),
        Index("ix_visits_visitor_in", "visitor_id", "checked_in_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Random reference used in URLs; never the integer id.
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitors.id"))
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"))
    # The venue's entrance whose poster was scanned to check in; None for the venue's own poster
    # (and staff scans). The stay is the venue's: every rule and count goes by venue_id.
    entrance_id: Mapped[int | None] = mapped_column(ForeignKey("entrances.id"))
    lead_visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # When an open visit closes by itself: check-in time plus the venue's default stay.
    due_out_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    in_method: Mapped[str] = mapped_column(String(10), default="self")
    out_method: Mapped[str | None] = mapped_column(String(10))
    # Idempotency key from the check-in form: a retried POST finds the same visit.
    nonce: Mapped[str | None] = mapped_column(String(64), unique=True)
    # An official found the visit fabricated (portal/inspection/suspicious.py): kept for audit and
    # purged as usual, but left out of every count and every contact list.
    fabricated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    venue = relationship("Venue")
    entrance = relationship("Entrance")
    visitor = relationship("Visitor")

    @property
    def is_open(self):
        return self.checked_out_at is None


class RegistrationAddress(db.Model):
    """The keyed hash of the client address a first-time registration came from (never the address).

    Written only when a new person registers and checks in, never on a remembered visitor's tap;
    read by the suspicious-burst rule and deleted by `flask data purge` after
    PORTAL_SUSPICIOUS_ADDRESS_DAYS (at most 14). `visit_id` has no foreign key: visits are
    partitioned on PostgreSQL.
    """

    __tablename__ = "registration_addresses"
    __table_args__ = (Index("ix_registration_addresses_venue_at", "venue_id", "registered_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(Integer, index=True)
    visitor_id: Mapped[int] = mapped_column(Integer, index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    address_hash: Mapped[str] = mapped_column(String(64))
