"""Planning testing rounds and recording their counts.

A plan tests a ward on the days of `PORTAL_TESTING_DAYS` (1, 3 and 5 by default) counted from the
start date a health official picks: day 1 is the start date. Wards whose zone level is one of
`PORTAL_TESTING_LEVELS` (red and orange by default) are due for a plan; a health official may plan
any ward of theirs. Each round tests the ward's registered establishments in risk categories and,
from the last 7 days of visits, the venues that brought the most distinct people, listed when the
plan is made (the list is the plan: later visits do not change it).
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select

from ..checkin.figures import counted
from ..checkin.models import Visit
from ..extensions import db
from ..registry.models import Establishment
from ..reports.highrisk import HIGH_RISK
from ..reports.zones import levels_on
from ..venues.models import Venue
from .models import ScreeningPlace, ScreeningRound

VISIT_DAYS = 7
MOST_VISITED = 10  # venues of a ward taken from the visits
MAX_COUNT = 100_000  # people tested at one place on one day


class RoundError(ValueError):
    """A plan or a count that cannot be saved; `message` says why in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def pattern():
    """The days of a plan, counted from 1 (the start date)."""
    days = tuple(int(d) for d in current_app.config["PORTAL_TESTING_DAYS"])
    if not days or days[0] < 1 or list(days) != sorted(set(days)):
        raise ValueError("PORTAL_TESTING_DAYS must be ascending day numbers from 1")
    return days


def due_wards(ward_codes, today):
    """{ward code: ZoneLevel} of the wards whose level today calls for testing rounds."""
    wanted = {int(level) for level in current_app.config["PORTAL_TESTING_LEVELS"]}
    return {code: level for code, level in levels_on(ward_codes, today).items() if level.level in wanted}


def targets(ward_code, now):
    """[ScreeningPlace] (not yet added) for a ward: risk-category establishments, then the most
    visited venues not already among them."""
    places, venues_taken = [], set()
    establishments = db.session.scalars(
        select(Establishment).where(Establishment.ward_code == ward_code, Establishment.category.in_(HIGH_RISK),
                                    Establishment.departed_at.is_(None))
        .order_by(Establishment.name_sort, Establishment.id))
    for place in establishments:
        places.append(ScreeningPlace(establishment_id=place.id, venue_id=place.venue_id, name=place.name,
                                     address=place.address, reason="risk_category"))
        if place.venue_id is not None:
            venues_taken.add(place.venue_id)
    visitors = func.count(distinct(Visit.visitor_id)).label("visitors")
    busiest = db.session.execute(
        select(Venue, visitors).join(Visit, Visit.venue_id == Venue.id)
        .where(Venue.ward_code == ward_code, Visit.checked_in_at >= now - timedelta(days=VISIT_DAYS), counted())
        .group_by(Venue.id).order_by(visitors.desc(), Venue.id).limit(MOST_VISITED + len(venues_taken)))
    added = 0
    for venue, count in busiest:
        if added == MOST_VISITED:
            break
        if venue.id in venues_taken:
            for place in places:  # a registered establishment also busy: say how busy
                if place.venue_id == venue.id:
                    place.visitors = count
            continue
        places.append(ScreeningPlace(venue_id=venue.id, name=venue.name, address=venue.address or "",
                                     reason="most_visitors", visitors=count))
        added += 1
    return places


def plan(actor, ward, start_on, now):
    """Add the rounds of a plan for `ward` from `start_on` (the caller checked the actor may); flush.
    A day that already has a round of this ward refuses the whole plan."""
    days = [(number, start_on + timedelta(days=number - 1)) for number in pattern()]
    taken = db.session.scalars(select(ScreeningRound.held_on).where(
        ScreeningRound.ward_code == ward.code, ScreeningRound.held_on.in_([day for _n, day in days]))).all()
    if taken:
        raise RoundError(_l("%(ward)s already has a testing round on %(day)s: choose another start date.",
                            ward=ward.name, day=min(taken).strftime("%d/%m/%Y")))
    rounds = []
    for number, day in days:
        entry = ScreeningRound(ward_code=ward.code, plan_start_on=start_on, day_number=number, held_on=day,
                               planned_by_id=actor.id, planned_at=now)
        entry.places = targets(ward.code, now)
        db.session.add(entry)
        rounds.append(entry)
    db.session.flush()
    return rounds


def _count(raw):
    text = (raw or "").strip().replace(".", "").replace(",", "").replace(" ", "")
    if not text:
        return None, False
    if not text.isdigit() or int(text) > MAX_COUNT:
        return None, True
    return int(text), False


def record_counts(actor, entry, counts, now):
    """Save the counts of a round: `counts` is {place id: (tested text, positive text)}. Every place
    is checked first; any problem refuses them all. Returns {place id: message} of the problems."""
    problems, values = {}, {}
    for place in entry.places:
        tested, bad_tested = _count(counts.get(place.id, ("", ""))[0])
        positive, bad_positive = _count(counts.get(place.id, ("", ""))[1])
        if bad_tested or bad_positive:
            problems[place.id] = _l("Enter whole numbers of people, at most %(max)s.", max=MAX_COUNT)
        elif positive is not None and tested is None:
            problems[place.id] = _l("Enter how many were tested.")
        elif tested is not None and (positive or 0) > tested:
            problems[place.id] = _l("More positive than tested: check the numbers.")
        else:
            values[place.id] = (tested, (positive or 0) if tested is not None else None)
    if problems:
        return problems
    for place in entry.places:
        tested, positive = values[place.id]
        if (tested, positive) != (place.tested, place.positive):
            place.tested, place.positive = tested, positive
            place.recorded_by_id, place.recorded_at = actor.id, now
    db.session.flush()
    return {}


def rounds_of(ward_codes, since):
    """The rounds of these wards (None: every ward) held on or after `since`, by day then ward."""
    query = select(ScreeningRound).where(ScreeningRound.held_on >= since)
    if ward_codes is not None:
        query = query.where(ScreeningRound.ward_code.in_(sorted(ward_codes) or [""]))
    return db.session.scalars(query.order_by(ScreeningRound.held_on, ScreeningRound.ward_code)).all()
