"""Establishments from the business or tax registry, match proposals and follow-ups."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..collation import keep_sorted, sort_key_column, stored_key
from ..extensions import db
from ..clock import utcnow
from ..columns import UTCDateTime

#: An establishment is "listed" while it is in the registry, "departed" once a re-import drops it.
STATUSES = {"listed": _l("In the registry"), "departed": _l("Left the registry")}

#: What an official can record about a place.
ACTIONS = {
    "reminded": _l("Reminded"),
    "visited": _l("Visited"),
    "warned": _l("Warned"),
    "suspended": _l("Suspended"),
    # Recording "suspended" or "reopened" also changes the venue's status (registry/followups.py).
    "reopened": _l("Reopened"),
    "closed": _l("Closed"),
    "registered": _l("Registered"),
}

PROPOSAL_STATUSES = {
    "open": _l("Waiting for a decision"),
    "confirmed": _l("Confirmed"),
    "rejected": _l("Rejected"),
    "superseded": _l("Replaced by another match"),
}


class Establishment(db.Model):
    """A place the registry says must register, matched to a venue once it has."""

    __tablename__ = "establishments"
    __table_args__ = (Index("ix_establishments_ward_status", "ward_code", "status", "venue_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Digits only: 10, or 13 for a branch (the dash people type is dropped).
    registration_number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(String(300))
    # Vietnamese sort keys (portal/collation.py) of name and address: the ward lists page by them.
    # A bulk UPDATE of name or address must set these too (see registry/services.py).
    name_sort: Mapped[str] = sort_key_column("name")
    address_sort: Mapped[str] = sort_key_column("address")
    ward_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"))
    category: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(10), default="listed")
    # One establishment per venue (several may have none).
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), index=True, unique=True)
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None when matched automatically by registration number.
    matched_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    departed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    venue = relationship("Venue")
    ward = relationship("Division")

    @property
    def category_label(self):
        from ..venues.models import CATEGORIES

        return CATEGORIES.get(self.category, self.category)

    @property
    def status_label(self):
        return STATUSES.get(self.status, self.status)


#: (column, its sort-key column) of an establishment.
SORT_KEYS = (("name", "name_sort"), ("address", "address_sort"))
for _source, _target in SORT_KEYS:
    keep_sorted(Establishment, _source, _target)


def sort_keys_of(values):
    """The sort-key columns matching the names and addresses in a dict of establishment values."""
    # ORM bulk UPDATEs (the registry re-import) skip model events: they add these themselves.
    return {target: stored_key(values[source]) for source, target in SORT_KEYS if source in values}


class MatchProposal(db.Model):
    """A venue that looks like an establishment; an official confirms or rejects it."""

    __tablename__ = "match_proposals"
    __table_args__ = (UniqueConstraint("establishment_id", "venue_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishments.id"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    score: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    establishment = relationship("Establishment")
    venue = relationship("Venue")

    @property
    def status_label(self):
        return PROPOSAL_STATUSES.get(self.status, self.status)


class FollowUp(db.Model):
    """An official's action on an establishment or a venue."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The ward of the place when the action was recorded: what scopes the follow-up.
    ward_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), index=True)
    establishment_id: Mapped[int | None] = mapped_column(ForeignKey("establishments.id"), index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), index=True)
    action: Mapped[str] = mapped_column(String(12))
    action_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    official_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    official = relationship("User")
    establishment = relationship("Establishment")
    venue = relationship("Venue")

    @property
    def action_label(self):
        return ACTIONS.get(self.action, self.action)


class RegistryImport(db.Model):
    """One accepted registry file: who imported it and what changed."""

    __tablename__ = "registry_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    official_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    departed: Mapped[int] = mapped_column(Integer)
    matched: Mapped[int] = mapped_column(Integer)
    proposed: Mapped[int] = mapped_column(Integer)

    official = relationship("User")


class RegistryCheck(db.Model):
    """What checking an upload leaves its official for an hour (registry/checks.py): the full
    problem list of a refused file, for its CSV, or a good file waiting for its types to be confirmed."""

    __tablename__ = "registry_checks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random: it is in the download's URL
    official_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "problems" or "pending"
    filename: Mapped[str] = mapped_column(String(200))
    body: Mapped[bytes] = mapped_column(LargeBinary)  # the problems as JSON, or the uploaded file
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
