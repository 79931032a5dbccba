"""Inspection figures per ward over a period, for the steering committee's report: counts only."""
from dataclasses import dataclass, fields

from sqlalchemy import case, func, select

from ..extensions import db
from ..registry.models import FollowUp
from ..venues.models import Venue
from .models import Inspection, PosterCheck

#: Verdicts of a poster that is not ours or not this venue's: a fake sticker or a copied poster.
FAKE_VERDICTS = ("foreign_host", "unknown", "other_venue")


@dataclass
class InspectionFigures:
    """One ward's (or the total's) inspection figures over a period."""

    inspections: int = 0
    fake_posters: int = 0
    retired_posters: int = 0
    violations: int = 0
    suspensions: int = 0

    def add(self, other):
        """Add another ward's figures (for the total)."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def values(self):
        """The figures in column order."""
        return [getattr(self, f.name) for f in fields(self)]

    def __bool__(self):
        return any(self.values())


def inspection_figures(ward_codes, start, end, first_day, last_day):
    """{ward code: InspectionFigures} over [start, end) (suspensions by their local day, first to last),
    for the venues of these wards: inspections recorded, posters found fake or retired during them (by the inspection's time),
    violations, and suspensions recorded (by an inspection's proposal or otherwise)."""
    codes = list(ward_codes)
    found = {code: InspectionFigures() for code in codes}
    if not codes:
        return found
    violation = case((Inspection.result == "violation", 1), else_=0)
    for code, done, violations in db.session.execute(
            select(Venue.ward_code, func.count(), func.sum(violation)).join(Venue, Venue.id == Inspection.venue_id)
            .where(Venue.ward_code.in_(codes), Inspection.inspected_at >= start, Inspection.inspected_at < end)
            .group_by(Venue.ward_code)):
        found[code].inspections, found[code].violations = int(done), int(violations or 0)
    fake = case((PosterCheck.verdict.in_(FAKE_VERDICTS), 1), else_=0)
    retired = case((PosterCheck.verdict == "retired", 1), else_=0)
    for code, fakes, retireds in db.session.execute(
            select(Venue.ward_code, func.sum(fake), func.sum(retired))
            .join(Inspection, Inspection.id == PosterCheck.inspection_id)
            .join(Venue, Venue.id == Inspection.venue_id)
            .where(Venue.ward_code.in_(codes), Inspection.inspected_at >= start, Inspection.inspected_at < end)
            .group_by(Venue.ward_code)):
        found[code].fake_posters, found[code].retired_posters = int(fakes or 0), int(retireds or 0)
    for code, suspended in db.session.execute(
            select(FollowUp.ward_code, func.count())
            .where(FollowUp.ward_code.in_(codes), FollowUp.action == "suspended",
                   FollowUp.action_on >= first_day, FollowUp.action_on <= last_day)
            .group_by(FollowUp.ward_code)):
        found[code].suspensions = int(suspended)
    return found
