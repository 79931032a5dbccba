"""Requests about a person's data received in person by an official (access, correction, deletion).

Who asked is known only while the request is open: `visitor_id` points at the person until the
request is done, then becomes NULL (and the database sets it NULL when the profile is deleted).
What stays is the request itself: its kind, ward, dates, who received and completed it, how the
person proved who they were, and a short outcome without personal data.
"""
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..columns import UTCDateTime
from ..extensions import db

#: What the person asks for.
KINDS = ("access", "correct", "delete")
#: How the official verified the person standing in front of them.
VERIFICATIONS = ("pass", "card", "id_document")


def new_request_ref():
    """A random reference for a request in URLs (128 bits), never the integer id."""
    return secrets.token_urlsafe(16)


class DataRequest(db.Model):
    """One person's request, received by an official of `ward_code`, due by `due_at`."""

    __tablename__ = "data_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True, default=new_request_ref)
    kind: Mapped[str] = mapped_column(String(8))
    ward_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), index=True)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    verified_with: Mapped[str] = mapped_column(String(12))
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitors.id", ondelete="SET NULL"), index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(200))

    @property
    def is_open(self):
        return self.done_at is None

    def is_overdue(self, now):
        """Open and past its due date at `now`."""
        return self.done_at is None and self.due_at < now
