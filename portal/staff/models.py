"""The scan log behind the checkpoint figures (one row per scan, without any personal data), and a
checkpoint's lanes and the crossings recorded at them."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..clock import utcnow
from ..columns import UTCDateTime

#: Scans that recorded something, confirmed a scan of moments ago, or found the person already
#: gone out with their household ("household").
GOOD_OUTCOMES = ("in", "out", "repeat", "household")
#: Scans that recorded nothing, with the reason shown in red.
FAILED_OUTCOMES = ("malformed", "mistyped", "venue_code", "unknown", "retired", "forgotten", "inactive",
                   "card_fields", "card_date", "card_number", "card_name", "queue_time", "queue_lane", "out_of_order",
                   "refer")
OUTCOMES = GOOD_OUTCOMES + FAILED_OUTCOMES

REASONS = {
    "malformed": _l("This is not a Vào Ra pass or a chip ID card. Scan the pass QR code, type its 40 digits, "
                    "or scan the QR code on the back of the ID card."),
    "mistyped": _l("The pass number is wrong: a digit was mistyped or misread. Scan again or check the digits."),
    "venue_code": _l("This is a venue's poster code or a web address, not a person's ID card or pass."),
    "unknown": _l("No pass has this number. Ask the person for their current pass."),
    "retired": _l("This pass was replaced by a newer one and no longer works. Ask for the new pass."),
    "forgotten": _l("This pass no longer works: its holder's data was deleted. Issue a new pass."),
    "inactive": _l("This venue is suspended or closed: scans are not recorded."),
    "card_fields": _l("This ID card scan is incomplete or garbled. Scan the card again."),
    "card_date": _l("A date on this ID card is wrong."),
    "card_number": _l("The ID number on this card fails its checks."),
    "card_name": _l("The name on this ID card cannot be used."),
    # Scans kept by a lane while the network was down (staff/queue.py).
    "queue_time": _l("This scan waited too long to be sent, or the device's clock is wrong: it was not recorded. "
                     "Scan the person again if they are still here."),
    "queue_lane": _l("This scan was taken at a lane that no longer exists and no direction was chosen: "
                     "it was not recorded."),
    # The same words for every reason (staff/scanning._referred): bystanders learn nothing.
    "refer": _l("Do not let this person in or through now. Ask them, discreetly, to contact the health "
                "staff of their ward. Nothing was recorded."),
    "out_of_order": _l("This person checked in or out after this scan was taken: applying it now would rewrite "
                       "what happened, so it was not recorded. Check their visit by hand."),
}


class Scan(db.Model):
    """One scan at a venue by a staff account on a scanner device, and how it ended."""

    __tablename__ = "scans"
    __table_args__ = (Index("ix_scans_venue_at", "venue_id", "scanned_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # A random id kept in a cookie on the scanning browser; one per checkpoint lane.
    device: Mapped[str] = mapped_column(String(16))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(12))
    method: Mapped[str] = mapped_column(String(10), default="staff")
    # From the scanner form: a resubmitted page (reload) finds its scan instead of toggling again.
    nonce: Mapped[str | None] = mapped_column(String(32), unique=True)
    # At a checkpoint: the lane scanned at (None: the officer chose the direction) and the direction.
    lane_id: Mapped[int | None] = mapped_column(ForeignKey("lanes.id", ondelete="SET NULL"))
    direction: Mapped[str | None] = mapped_column(String(3))
    # A scan kept by the lane while the network was down: `scanned_at` is when it was taken,
    # `received_at` when it reached the server, and `late` marks it as sent late.
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @property
    def failed(self):
        return self.outcome in FAILED_OUTCOMES


#: A lane's or crossing's direction: into the controlled area, or out of it.
DIRECTIONS = ("in", "out")
#: How a crossing's person was identified: the portal's pass, or a chip ID card.
CROSSING_METHODS = ("pass", "idcard")


class Lane(db.Model):
    """A named scanner position at a checkpoint, with the one direction people cross it in."""

    __tablename__ = "lanes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    direction: Mapped[str] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Crossing(db.Model):
    """One person scanned through a checkpoint, into or out of the controlled area.

    A crossing is an event, never a stay: it opens and closes no visit, and contact tracing never
    computes overlap from it. Kept as long as visits are (the retention purge deletes it).
    """

    __tablename__ = "crossings"
    __table_args__ = (Index("ix_crossings_visitor_at", "visitor_id", "crossed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitors.id", ondelete="CASCADE"))
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    lane_id: Mapped[int | None] = mapped_column(ForeignKey("lanes.id", ondelete="SET NULL"))
    direction: Mapped[str] = mapped_column(String(3))
    crossed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    scanned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(String(8))

    venue = relationship("Venue")
    lane = relationship(Lane)
