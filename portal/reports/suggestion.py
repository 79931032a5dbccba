"""The zone level the case register suggests for a ward: new cases per 100,000 residents over 7 days.

The thresholds (PORTAL_ZONE_THRESHOLDS, ascending) are the rates at which the level becomes 2, 3
and 4; by default 20, 50 and 150, criterion 1 of the Ministry of Health's Decision 4800/QĐ-BYT.
A rate exactly at a threshold takes the higher level. The comparison is done in whole numbers
(cases × 100,000 against threshold × population), so a boundary is never lost to rounding.
An official decides the level (zones.set_level); the suggestion is kept beside the decision.
"""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from ..cases.counts import new_cases_by_ward
from .population import populations

WINDOW_DAYS = 7
PER = 100_000


@dataclass(frozen=True)
class Suggestion:
    """New cases of the 7 days ending on `day`, the ward's population, and the level they make."""

    cases: int
    population: int | None
    level: int | None

    @property
    def rate(self):
        """New cases per 100,000 residents, or None without a population."""
        return self.cases * PER / self.population if self.population else None


def thresholds():
    values = tuple(int(v) for v in current_app.config["PORTAL_ZONE_THRESHOLDS"])
    if len(values) != 3 or list(values) != sorted(values) or values[0] < 0:
        raise ValueError("PORTAL_ZONE_THRESHOLDS must be three ascending rates per 100,000")
    return values


def level_for(cases, population, limits=None):
    """1 to 4, or None when the population is not known."""
    if not population:
        return None
    limits = thresholds() if limits is None else limits
    return 1 + sum(1 for limit in limits if cases * PER >= limit * population)


def suggestions(ward_codes, day):
    """{ward code: Suggestion} for the 7 local days ending on `day`."""
    codes = list(ward_codes)
    counts = new_cases_by_ward(codes, day - timedelta(days=WINDOW_DAYS - 1), day)
    people = populations(codes)
    limits = thresholds()
    found = {}
    for code in codes:
        cases, population = counts.get(code, 0), people.get(code)
        found[code] = Suggestion(cases, population, level_for(cases, population, limits))
    return found
