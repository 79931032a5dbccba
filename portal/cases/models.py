"""Confirmed cases, their classification history, the contacts followed up, and test results.

Names, phone and ID numbers are encrypted (portal/crypto.py); the *_hash columns find a person
again. Every row expires `PORTAL_CASE_RETENTION_DAYS` after its case or quarantine closed
(portal/cases/expiry.py, run by `flask data purge`).
"""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..columns import UTCDateTime
from ..crypto import EncryptedText
from ..extensions import db


class HealthCase(db.Model):
    """A confirmed case (F0) in the register; its trace is a tracing case (`trace_case_id`)."""

    __tablename__ = "health_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)  # random, for URLs
    code: Mapped[str] = mapped_column(String(32))  # e.g. F0-20210917-003, no personal data
    full_name: Mapped[str] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    id_number: Mapped[str | None] = mapped_column(EncryptedText)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitors.id"), index=True)
    ward_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), index=True)
    positive_on: Mapped[date] = mapped_column(Date)
    # The current classification; every change is a CaseClassification row.
    risk_level: Mapped[str] = mapped_column(String(10))
    care_place: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12))
    trace_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Set when the status leaves "under care"; the retention period runs from here.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    ward = relationship("Division")
    visitor = relationship("Visitor")
    created_by = relationship("User")
    trace_case = relationship("Case", foreign_keys=[trace_case_id])
    history = relationship("CaseClassification", order_by="CaseClassification.id", back_populates="case")
    contacts = relationship("CaseContact", foreign_keys="CaseContact.case_id", order_by="CaseContact.id",
                            back_populates="case")


class CaseClassification(db.Model):
    """One classification of a case, from `changed_at` on: risk level, care place, status."""

    __tablename__ = "case_classifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("health_cases.id"), index=True)
    risk_level: Mapped[str] = mapped_column(String(10))
    care_place: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case = relationship("HealthCase", back_populates="history")
    changed_by = relationship("User")


class CaseContact(db.Model):
    """A contact followed up: F1 of a case, or F2 of an F1 (`parent_id`), with the exposure."""

    __tablename__ = "case_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    level: Mapped[str] = mapped_column(String(2))  # "F1" or "F2"
    case_id: Mapped[int] = mapped_column(ForeignKey("health_cases.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("case_contacts.id"), index=True)
    full_name: Mapped[str] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitors.id"), index=True)
    # The exposure: where, when it ended, how long it overlapped.
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), index=True)
    exposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    overlap_minutes: Mapped[int] = mapped_column(Integer, default=0)
    # The ward of residence the tracer recorded, and the ward the contact belongs to (that
    # ward, else the exposure venue's): health officials of that ward follow them up.
    residence_ward_code: Mapped[str | None] = mapped_column(ForeignKey("divisions.code"))
    ward_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), index=True)
    quarantine_ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))  # quarantine, released, became_case
    trace_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)  # its own trace (F2)
    # The case this contact became after a positive test: the link of the chain of transmission.
    became_case_id: Mapped[int | None] = mapped_column(ForeignKey("health_cases.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    case = relationship("HealthCase", foreign_keys=[case_id], back_populates="contacts")
    parent = relationship("CaseContact", remote_side=[id])
    venue = relationship("Venue")
    visitor = relationship("Visitor")
    ward = relationship("Division", foreign_keys=[ward_code])
    trace_case = relationship("Case", foreign_keys=[trace_case_id])
    became_case = relationship("HealthCase", foreign_keys=[became_case_id])
    tests = relationship("CaseTest", order_by="CaseTest.tested_on, CaseTest.id", back_populates="contact")


class CaseTest(db.Model):
    """A test of a followed-up contact: the day taken, the kind and the result."""

    __tablename__ = "case_tests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("case_contacts.id"), index=True)
    tested_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # pcr, antigen
    result: Mapped[str] = mapped_column(String(10))  # negative, positive
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contact = relationship("CaseContact", back_populates="tests")
    recorded_by = relationship("User")
