"""Who overlapped with a case: the two contact rules and the indexed query behind them.

Rules
- "overlap": stays that overlap the case's stay by at least N minutes.
- "hour": check-ins within one hour before or after the case's check-in (PC-Covid's rule).
An open or automatically closed visit counts as lasting the venue's default stay, which is
`due_out_at` (check-in time plus the default stay when the person came in).
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from ..checkin.models import Visit
from ..extensions import db
from ..visitors.models import Visitor

RULES = ("overlap", "hour")
HOUR = timedelta(hours=1)
# No stay lasts longer than this: a visit's end is never after its due_out_at, and default stays
# are at most 12 hours. It bounds how far back the index range scan looks for long stays.
MAX_STAY = timedelta(hours=24)
TERMS_PER_QUERY = 40


def effective_end(visit):
    """When a visit ended for contact tracing: its check-out, or the default stay if none."""
    if visit.checked_out_at is None or visit.out_method == "auto":
        return visit.due_out_at
    return visit.checked_out_at


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

    visit: Visit
    visitor: Visitor
    case_visit: Visit
    overlap_minutes: int
    ends_at: datetime
    estimated_end: bool
    lead: Visitor | None = None
    household: bool = False


@dataclass
class VenueGroup:
    """A venue the case visited, the case's visits there and the contacts found there."""

    venue: object
    case_visits: list = field(default_factory=list)
    contacts: list = field(default_factory=list)


def _term(case_visit, rule, minutes, cutoff):
    start, end = case_visit.checked_in_at, effective_end(case_visit)
    if rule == "hour":
        return and_(
            Visit.venue_id == case_visit.venue_id,
            Visit.checked_in_at >= max(start - HOUR, cutoff),
            Visit.checked_in_at <= start + HOUR,
        )
    need = timedelta(minutes=minutes)
    return and_(
        Visit.venue_id == case_visit.venue_id,
        Visit.checked_in_at >= max(start - MAX_STAY, cutoff),
        Visit.checked_in_at <= end - need,
        Visit.due_out_at >= start + need,
    )


def contact_query(case_visits, rule, minutes, cutoff, exclude_visitor_id):
    """The select() of candidate visits for some case visits: one index range per case visit."""
    terms = [_term(v, rule, minutes, cutoff) for v in case_visits]
    query = select(Visit).where(or_(*terms))
    if exclude_visitor_id is not None:
        query = query.where(Visit.visitor_id != exclude_visitor_id)
    return query


def find_contacts(case_visits, *, rule, minutes, cutoff, exclude_visitor_id=None):
    """Contacts of the case's visits, grouped by venue in the order the case visited them."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule}")
    case_ids = {v.id for v in case_visits}
    by_venue = {}
    for case_visit in case_visits:
        by_venue.setdefault(case_visit.venue_id, VenueGroup(venue=case_visit.venue)).case_visits.append(case_visit)
    found = []
    for i in range(0, len(case_visits), TERMS_PER_QUERY):
        chunk = case_visits[i:i + TERMS_PER_QUERY]
        for visit in db.session.scalars(contact_query(chunk, rule, minutes, cutoff, exclude_visitor_id)):
            if visit.id in case_ids or visit.visitor_id == exclude_visitor_id:
                continue
            best = _best_match(visit, by_venue[visit.venue_id].case_visits, rule, minutes)
            if best is not None:
                found.append((visit, *best))
    unique = {visit.id: (visit, case_visit, minutes_) for visit, case_visit, minutes_ in found}
    people = _visitors({visit.visitor_id for visit, _, _ in unique.values()})
    for visit, case_visit, minutes_ in unique.values():
        visitor = people[visit.visitor_id]
        lead = people.get(visitor.lead_id) if visitor.lead_id else None
        by_venue[visit.venue_id].contacts.append(Contact(
            visit=visit, visitor=visitor, case_visit=case_visit, overlap_minutes=minutes_,
            ends_at=effective_end(visit),
            estimated_end=visit.checked_out_at is None or visit.out_method == "auto",
            lead=lead, household=exclude_visitor_id is not None and visitor.lead_id == exclude_visitor_id,
        ))
    for group in by_venue.values():
        group.contacts.sort(key=lambda c: (-c.overlap_minutes, c.visit.checked_in_at, c.visit.id))
    return list(by_venue.values())


def _best_match(visit, case_visits, rule, minutes):
    """(case visit, overlap minutes) with the longest overlap under the rule, or None."""
    start, end = visit.checked_in_at, effective_end(visit)
    best = None
    for case_visit in case_visits:
        case_start, case_end = case_visit.checked_in_at, effective_end(case_visit)
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
        for person in db.session.scalars(select(Visitor).where(Visitor.id.in_(batch))):
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
