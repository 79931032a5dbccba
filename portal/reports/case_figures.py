"""The periodic report's cases section: counts per ward from the case register, never a person.

Per ward of residence: new cases (positive test in the period), split by the risk level and the
care place they had at the period's end (the classification history, not today's), and the contacts
under follow-up at the period's end (in quarantine then, its last day not yet passed).
"""
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, or_, select

from ..cases.classification import CARE_PLACES, OPEN_STATUS, RISK_LEVELS
from ..cases.models import CaseClassification, CaseContact, HealthCase
from ..clock import local_date
from ..extensions import db


@dataclass
class CaseFigures:
    new: int = 0
    risk: dict = field(default_factory=lambda: dict.fromkeys(RISK_LEVELS, 0))
    care: dict = field(default_factory=lambda: dict.fromkeys(CARE_PLACES, 0))
    followed: int = 0

    def __bool__(self):
        return bool(self.new or self.followed)

    def add(self, other):
        self.new += other.new
        self.followed += other.followed
        for key, value in other.risk.items():
            self.risk[key] = self.risk.get(key, 0) + value
        for key, value in other.care.items():
            self.care[key] = self.care.get(key, 0) + value


def _classes_at(case_ids, end):
    """{case id: (risk level, care place)} in force just before `end`."""
    found = {}
    rows = db.session.execute(
        select(CaseClassification.case_id, CaseClassification.risk_level, CaseClassification.care_place)
        .where(CaseClassification.case_id.in_(case_ids), CaseClassification.changed_at < end)
        .order_by(CaseClassification.case_id, CaseClassification.changed_at, CaseClassification.id))
    for case_id, risk, care in rows:
        found[case_id] = (risk, care)
    return found


def case_figures(ward_codes, first_day, last_day, end):
    """{ward code: CaseFigures} for the report's wards and period (local days first_day..last_day,
    ending at the UTC instant `end`)."""
    codes = list(ward_codes)
    figures = {code: CaseFigures() for code in codes}
    if not codes:
        return figures
    cases = db.session.execute(
        select(HealthCase.id, HealthCase.ward_code, HealthCase.risk_level, HealthCase.care_place)
        .where(HealthCase.ward_code.in_(codes), HealthCase.positive_on >= first_day,
               HealthCase.positive_on <= last_day)).all()
    classes = {}
    ids = [row.id for row in cases]
    for start in range(0, len(ids), 900):  # under the 999 variables of older SQLite
        classes.update(_classes_at(ids[start:start + 900], end))
    for case_id, ward, risk, care in cases:
        risk, care = classes.get(case_id, (risk, care))
        entry = figures[ward]
        entry.new += 1
        entry.risk[risk] = entry.risk.get(risk, 0) + 1
        entry.care[care] = entry.care.get(care, 0) + 1
    followed = db.session.execute(
        select(CaseContact.ward_code, func.count())
        .where(CaseContact.ward_code.in_(codes), CaseContact.created_at < end,
               CaseContact.quarantine_ends_on >= last_day,
               or_(CaseContact.closed_at.is_(None), CaseContact.closed_at >= end))
        .group_by(CaseContact.ward_code))
    for ward, count in followed:
        figures[ward].followed = count
    return figures


def ward_health_counts(ward_code, now):
    """(new cases of the last 7 local days, cases under care, contacts in quarantine) of one ward,
    for its dashboard: counts only."""
    today = local_date(now)
    new = db.session.scalar(select(func.count()).select_from(HealthCase).where(
        HealthCase.ward_code == ward_code, HealthCase.positive_on > today - timedelta(days=7),
        HealthCase.positive_on <= today))
    open_cases = db.session.scalar(select(func.count()).select_from(HealthCase).where(
        HealthCase.ward_code == ward_code, HealthCase.status == OPEN_STATUS))
    quarantined = db.session.scalar(select(func.count()).select_from(CaseContact).where(
        CaseContact.ward_code == ward_code, CaseContact.status == "quarantine",
        CaseContact.quarantine_ends_on >= today))
    return new, open_cases, quarantined
