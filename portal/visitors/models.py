"""People who check in, and the devices that remember them."""
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import EncryptedText
from ..extensions import db
from ..clock import utcnow
from ..columns import UTCDateTime


def new_visitor_ref():
    """A random reference for a visitor in URLs (128 bits), never the integer id."""
    return secrets.token_urlsafe(16)


class Visitor(db.Model):
    """A person. Name, phone and ID number are encrypted; *_hash columns serve look-ups.

    A dependent (household member without a phone) has `lead_id` set to the visitor
    who checks them in.
    """

    __tablename__ = "visitors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True, default=new_visitor_ref)
    full_name: Mapped[str] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    id_number: Mapped[str | None] = mapped_column(EncryptedText)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("visitors.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The privacy notice this person last agreed to (visitors/notice.py); None: never shown one.
    notice_version: Mapped[str | None] = mapped_column(String(16))

    dependents = relationship("Visitor", order_by="Visitor.id")


class Device(db.Model):
    """A browser remembered by a long-lived cookie; only the token's hash is stored."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitors.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visitor = relationship("Visitor")


class ErasureLog(db.Model):
    """One deletion of a person's data at their request (visitors/erasure.py), recorded without
    the deleted data: when, who asked (`kind`: "self" on their device, "official" in person at a
    ward), rows deleted per category and what was kept (category, count, reason, until), as
    JSON. Never a name, phone, hash, reference or id of the person."""

    __tablename__ = "erasure_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(12))
    removed: Mapped[str] = mapped_column(Text)
    kept: Mapped[str] = mapped_column(Text)
