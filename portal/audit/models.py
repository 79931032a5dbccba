"""Audit entries: who asked what about which case, and how many rows came back."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..clock import utcnow
from ..columns import UTCDateTime


class AuditEntry(db.Model):
    """One look-up or export of personal data. Holds no personal data of visitors."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    # What was asked, as key=value pairs of parameters (never the phone or ID number asked for).
    query: Mapped[str] = mapped_column(String(300))
    row_count: Mapped[int] = mapped_column(Integer, default=0)

    # Loaded when read; the log and its export load both with the entries (audit/services.py).
    actor = relationship("User")
    case = relationship("Case")


class AuditMaintenance(db.Model):
    """While a row exists, the database lets audit entries be changed or deleted.

    The append-only triggers of migration 0008 refuse UPDATE and DELETE on audit_entries unless
    the transaction sees a row here. Only portal/audit/maintenance.py writes one, inside the
    transaction that needs it, and deletes it before that transaction commits; other
    transactions never see it (PostgreSQL) or cannot write meanwhile (SQLite's single writer).
    """

    __tablename__ = "audit_maintenance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(100))
