"""Who overlapped with a case: the two contact rules and the indexed query behind them.

Rules
- "overlap": stays that overlap the case's stay by at least N minutes.
- "hour": check-ins within one hour before or after the case's check-in (PC-Covid's rule).
Only time that has passed counts: a stay ends at its real check-out; a visit closed automatically
ends at `due_out_at` (check-in plus the venue's default stay), marked as estimated; a visit still
open ends at the time of the query (`now`) or its due time, whichever is earlier, never at its
projected exit. So one query on the same data at the same `now` always gives the same answer,
and a later check-out changes nothing that was counted before it.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import load_only

from ..checkin.models import Visit
from ..extensions import db
from ..venues.entrances import entrance_names
from ..visitors.models import Visitor
from . import queries

RULES = ("overlap", "hour")
HOUR = timedelta(hours=1)
# How far back the index range scan looks for stays still going on when the case arrived. A
# visit never ends after its due_out_at (later check-outs become automatic ones), and due_out_at
# is the check-in plus the venue's default stay, at most 720 minutes (VenueForm); a venue with a
# longer default stay widens the scan to it.
MAX_STAY = timedelta(hours=12)


class VisitRow(NamedTuple):
    """The columns of a visit the contact rules need (lighter than a Visit object)."""

    id: int
    visitor_id: int
    venue_id: int
    checked_in_at: datetime
    due_out_at: datetime
    checked_out_at: datetime | None
    out_method: str | None
    entrance_id: int | None  # the venue's entrance scanned to check in, if not its main poster


class StayEnd(NamedTuple):
    """Where a stay's counted time ends at a moment, and how that end is known."""

    at: datetime
    estimated: bool  # no real check-out: the due time, or `now` for a stay still going on
    inside: bool  # still checked in at `now` (`at` is `now`)


def stay_end(visit, now):
    """The end of a visit's counted time at `now`: its real check-out if it happened by then,
    else its due time once passed, else `now` itself."""
    real = None if visit.out_method == "auto" else visit.checked_out_at
    if real is not None and real <= now:
        return StayEnd(real, False, False)
    if visit.due_out_at <= now:
        return StayEnd(visit.due_out_at, True, False)
    # A check-out recorded after `now` (a query at an earlier clock) had not happened yet either.
    return StayEnd(now, True, True)


def effective_end(visit, now):
    """When a visit's counted time ends at `now` (see stay_end)."""
    return stay_end(visit, now).at


def overlap(a_start, a_end, b_start, b_end):
    """How long two stays overlap (a zero timedelta when they only touch or are apart)."""
    return max(min(a_end, b_end) - max(a_start, b_start), timedelta(0))


def is_contact(rule, minutes, case_start, case_end, other_start, other_end):
    """Whether another stay counts as a contact of the case's stay under `rule`."""
    if rule == "hour":
        return abs(other_start - case_start) <= HOUR
    return overlap(case_start, case_end, other_start, other_end) >= timedelta(minutes=minutes)


@dataclass
class Contact:
    """One contact visit, with the case visit it overlapped."""

    visit: VisitRow
    visitor: Visitor
    case_visit: Visit
    overlap_minutes: int
    ends_at: datetime
    estimated_end: bool
    inside: bool = False  # still checked in when the list was made
    lead: Visitor | None = None
    household: bool = False
    entrance: str | None = None  # name of the entrance the contact came in by (None: main poster)


@dataclass
class VenueGroup:
    """A venue the case visited, the case's visits there and the contacts found there."""

    venue: object
    case_visits: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    case_ends: dict = field(default_factory=dict)  # case visit id -> StayEnd


def _params(case_visit, rule, minutes, cutoff, now):
    """The index range, and the earliest end, that can hold contacts of one case visit."""
    start, end = case_visit.checked_in_at, effective_end(case_visit, now)
    if rule == "hour":
        return dict(venue_id=case_visit.venue_id, in_from=max(start - HOUR, cutoff), in_to=min(start + HOUR, now),
                    end_from=cutoff)
    need = timedelta(minutes=minutes)
    lookback = max(MAX_STAY, timedelta(minutes=case_visit.venue.default_stay_minutes))
    return dict(venue_id=case_visit.venue_id, in_from=max(start - lookback, cutoff), in_to=end - need,
                end_from=start + need)


def contact_query(case_visit, rule, minutes, cutoff, now):
    """Step 1's select() for one case visit, with its parameters bound (for EXPLAIN)."""
    return queries.candidates().params(**_params(case_visit, rule, minutes, cutoff, now))


def find_contacts(case_visits, *, rule, minutes, cutoff, now, exclude_visitor_ids=()):
    """Contacts of the case's visits at `now`, grouped by venue in the order the case visited them.

    `exclude_visitor_ids` are the case person's own profiles (their household stays in).
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule}")
    case_ids = {v.id for v in case_visits}
    by_venue = {}
    for case_visit in case_visits:
        group = by_venue.setdefault(case_visit.venue_id, VenueGroup(venue=case_visit.venue))
        group.case_visits.append(case_visit)
        group.case_ends[case_visit.id] = stay_end(case_visit, now)
    candidates = {}  # visit id -> the earliest end that could make it a contact
    for case_visit in case_visits:
        params = _params(case_visit, rule, minutes, cutoff, now)
        for visit_id in db.session.scalars(queries.candidates(), params):
            if visit_id not in case_ids:
                candidates[visit_id] = min(params["end_from"], candidates.get(visit_id, params["end_from"]))
    found = {}
    exclude = list(exclude_visitor_ids) or [0]
    ids = sorted(candidates)
    for i in range(0, len(ids), 500):
        batch = ids[i:i + 500]
        end_from = min(candidates[visit_id] for visit_id in batch)
        rows = queries.contact_rows(VisitRow._fields)
        for row in db.session.execute(rows, {"ids": batch, "end_from": end_from, "exclude": exclude}):
            visit = VisitRow(*row)
            best = _best_match(visit, by_venue[visit.venue_id], rule, minutes, now)
            if best is not None:
                found[visit.id] = (visit, *best)
    people = _visitors({visit.visitor_id for visit, _, _ in found.values()})
    # One more query only when some contact came in by an entrance; contacts stay per venue.
    entrances = entrance_names(visit.entrance_id for visit, _, _ in found.values())
    for visit, case_visit, minutes_ in found.values():
        visitor = people[visit.visitor_id]
        lead = people.get(visitor.lead_id) if visitor.lead_id else None
        end = stay_end(visit, now)
        by_venue[visit.venue_id].contacts.append(Contact(
            visit=visit, visitor=visitor, case_visit=case_visit, overlap_minutes=minutes_,
            ends_at=end.at, estimated_end=end.estimated, inside=end.inside,
            lead=lead, household=visitor.lead_id in exclude_visitor_ids,
            entrance=entrances.get(visit.entrance_id),
        ))
    for group in by_venue.values():
        group.contacts.sort(key=lambda c: (-c.overlap_minutes, c.visit.checked_in_at, c.visit.id))
    return list(by_venue.values())


def _best_match(visit, group, rule, minutes, now):
    """(case visit, overlap minutes) with the longest overlap under the rule, or None."""
    start, end = visit.checked_in_at, effective_end(visit, now)
    if start > now:  # recorded after the moment asked about (a query at an earlier clock)
        return None
    best = None
    for case_visit in group.case_visits:
        case_start, case_end = case_visit.checked_in_at, group.case_ends[case_visit.id].at
        if not is_contact(rule, minutes, case_start, case_end, start, end):
            continue
        minutes_ = int(overlap(case_start, case_end, start, end).total_seconds() // 60)
        if best is None or minutes_ > best[1]:
            best = (case_visit, minutes_)
    return best


def _visitors(ids):
    """Visitors by id, with the leads of any dependents among them."""
    people, tried = {}, set()
    wanted = set(ids)
    while wanted:
        batch = list(wanted)[:500]
        tried.update(batch)
        query = select(Visitor).options(load_only(  # the ID number is not shown: not decrypted
            Visitor.id, Visitor.full_name, Visitor.phone, Visitor.birth_year, Visitor.lead_id))
        for person in db.session.scalars(query.where(Visitor.id.in_(batch))):
            people[person.id] = person
        wanted -= set(batch)
        if not wanted:
            wanted = {p.lead_id for p in people.values() if p.lead_id and p.lead_id not in tried}
    return people


def contact_count(groups):
    """(contact visits, distinct people) over all groups."""
    visits = sum(len(g.contacts) for g in groups)
    people = len({c.visitor.id for g in groups for c in g.contacts})
    return visits, people
