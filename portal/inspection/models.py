"""Inspector scopes (department, categories, wards), inspections and the posters checked."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..columns import UTCDateTime
from ..extensions import db

#: The departments an inspector works for.
DEPARTMENTS = {
    "trade": _l("Industry and trade"),
    "health": _l("Health"),
    "transport": _l("Transport"),
    "culture": _l("Culture, sports and tourism"),
    "education": _l("Education and training"),
    "other": _l("Other department"),
}

#: What an inspection concludes.
RESULTS = {
    "meets": _l("Meets the conditions"),
    "to_fix": _l("To fix by a date"),
    "violation": _l("Violation"),
}

#: The checklist, in the order the form asks it: (column, question as the inspector reads it).
CHECKLIST = (
    ("poster_every_entrance", _l("A poster hangs at every entrance")),
    ("staff_remind", _l("Staff remind people to scan in and out")),
    ("people_scanning", _l("People were seen scanning")),
    ("assisted_way", _l("There is an assisted way for people without a phone")),
)

#: A poster's verdict, as the inspector and the owner read it.
VERDICTS = {
    "genuine": _l("Genuine and current"),
    "entrance": _l("Genuine and current (an entrance's poster)"),
    "retired": _l("Retired: an old poster still hanging"),
    "unknown": _l("Unknown: not a poster of this portal"),
    "other_venue": _l("Genuine but another venue's: a copied poster"),
    "foreign_host": _l("Fake: the QR leads to another website"),
}
#: Verdicts of a poster that may stay on the wall.
GOOD_VERDICTS = ("genuine", "entrance")

#: A proposal to suspend the venue after a violation, until an authorised official decides.
SUSPENSION_STATES = {
    "proposed": _l("Suspension proposed, waiting for an official"),
    "confirmed": _l("Suspension confirmed"),
}


class InspectorScope(db.Model):
    """An inspector's department; their categories and wards are in the two tables below."""

    __tablename__ = "inspector_scopes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    department: Mapped[str] = mapped_column(String(20))

    @property
    def department_label(self):
        return DEPARTMENTS.get(self.department, self.department)


class InspectorCategory(db.Model):
    """A venue category an inspector covers."""

    __tablename__ = "inspector_categories"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)


class InspectorWard(db.Model):
    """A ward an inspector covers."""

    __tablename__ = "inspector_wards"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("divisions.code"), primary_key=True)


class Inspection(db.Model):
    """An inspector's visit to a venue: checklist, result, note, and a suspension proposal."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    poster_every_entrance: Mapped[bool] = mapped_column(Boolean, default=False)
    staff_remind: Mapped[bool] = mapped_column(Boolean, default=False)
    people_scanning: Mapped[bool] = mapped_column(Boolean, default=False)
    assisted_way: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[str] = mapped_column(String(12))
    fix_by: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(1000))
    suspension: Mapped[str | None] = mapped_column(String(12))
    suspension_decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    suspension_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    venue = relationship("Venue")
    inspector = relationship("User", foreign_keys=[inspector_id])
    checks = relationship("PosterCheck", order_by="PosterCheck.id", lazy="selectin",
                          back_populates="inspection")

    @property
    def result_label(self):
        return RESULTS.get(self.result, self.result)

    @property
    def suspension_label(self):
        return SUSPENSION_STATES.get(self.suspension) if self.suspension else None

    def missing(self):
        """The checklist questions answered no, as labels."""
        return [label for column, label in CHECKLIST if not getattr(self, column)]

    def bad_posters(self):
        """The posters checked that must come down or be replaced."""
        return [check for check in self.checks if check.verdict not in GOOD_VERDICTS]


class PosterCheck(db.Model):
    """One poster scanned during an inspection; without an inspection while the visit goes on."""

    __tablename__ = "poster_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verdict: Mapped[str] = mapped_column(String(16))
    # The venue a genuine, retired or copied poster belongs to, and the entrance if it is one.
    found_venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"))
    entrance_id: Mapped[int | None] = mapped_column(ForeignKey("entrances.id"))
    # What was read, shortened: the fake poster's target, or the unknown text (shown escaped).
    shown: Mapped[str | None] = mapped_column(String(200))

    inspection = relationship("Inspection", back_populates="checks")
    found_venue = relationship("Venue", foreign_keys=[found_venue_id], lazy="joined")
    entrance = relationship("Entrance", lazy="joined")

    @property
    def verdict_label(self):
        return VERDICTS.get(self.verdict, self.verdict)

    @property
    def good(self):
        return self.verdict in GOOD_VERDICTS


#: The suspicious-check-in rules (portal/inspection/suspicious.py), as officials read them.
SUSPICIOUS_RULES = {
    "burst": _l("Many first-time registrations within minutes from few addresses"),
    "hours": _l("Check-ins far outside the usual hours"),
    "jump": _l("A sudden jump against the venue's 14-day average"),
    "checkout": _l("Almost no check-outs"),
}
#: What an official decided about a flagged pattern.
FLAG_STATUSES = {
    "open": _l("To review"),
    "reviewed": _l("Reviewed: fine"),
    "fabricated": _l("Fabricated"),
}


class SuspiciousFlag(db.Model):
    """A pattern of check-ins worth a look at one venue: the rule, its window and its figures.

    `figures` holds counts only, never personal data. `matched` holds the ids of the visits the
    rule matched where the window holds others too (burst, hours); "fabricated" marks those.
    One entry per venue, rule and window start: `flask inspection suspicious` may run again.
    """

    __tablename__ = "suspicious_flags"
    __table_args__ = (UniqueConstraint("venue_id", "rule", "window_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    rule: Mapped[str] = mapped_column(String(12))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    figures: Mapped[dict] = mapped_column(JSON)
    matched: Mapped[list | None] = mapped_column(JSON)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many visits "fabricated" marked.
    marked_visits: Mapped[int | None] = mapped_column(Integer)

    venue = relationship("Venue")
    reviewer = relationship("User")

    @property
    def rule_label(self):
        return SUSPICIOUS_RULES.get(self.rule, self.rule)

    @property
    def status_label(self):
        return FLAG_STATUSES.get(self.status, self.status)
