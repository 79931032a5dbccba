"""Personal passes: a random number per person, shown as a QR code or printed on a card."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import EncryptedText
from ..extensions import db
from ..clock import utcnow
from ..columns import UTCDateTime

#: Where a pass came from: the person's own /me page, or a card issued by staff or an official.
KINDS = ("self", "card")


class Pass(db.Model):
    """One pass. Scanners find it by the hash of its number; the number itself is encrypted.

    A replaced pass keeps its row with `retired_at` set, so scanning it says "replaced".
    When the holder's data is deleted, `visitor_id` becomes NULL and the pass reads "deleted".
    """

    __tablename__ = "passes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visitor_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitors.id", ondelete="SET NULL"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token: Mapped[str | None] = mapped_column(EncryptedText)
    kind: Mapped[str] = mapped_column(String(8), default="self")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last scan that toggled this pass: two scans within seconds at one venue toggle once.
    last_scan_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_scan_venue_id: Mapped[int | None] = mapped_column(Integer)

    visitor = relationship("Visitor")

    @property
    def is_active(self):
        return self.retired_at is None and self.visitor_id is not None
