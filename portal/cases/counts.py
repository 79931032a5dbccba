"""Counts of the case register for reports: numbers per ward, never a person."""
from sqlalchemy import func, select

from ..extensions import db
from .models import HealthCase


def new_cases_by_ward(ward_codes, first_day, last_day):
    """{ward code: cases whose positive test fell on a local day first_day..last_day}."""
    codes = list(ward_codes)
    if not codes:
        return {}
    rows = db.session.execute(
        select(HealthCase.ward_code, func.count())
        .where(HealthCase.ward_code.in_(codes), HealthCase.positive_on >= first_day,
               HealthCase.positive_on <= last_day)
        .group_by(HealthCase.ward_code))
    return {code: count for code, count in rows}
