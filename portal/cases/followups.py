"""Contacts followed up: a trace's contacts confirmed as F1 (of a case) or F2 (of an F1), their
quarantine, test results, and the step that turns a positive contact into a case.

The contacts come from portal/tracing's one contact pipeline (tracing.operations.trace_contacts),
never from a second query. A quarantine ends `PORTAL_QUARANTINE_DAYS` local days (Asia/Ho_Chi_Minh)
after the local day the exposure ended.
"""
import secrets
from datetime import timedelta

from sqlalchemy import select

from ..audit.services import record
from ..clock import local_date
from ..collation import sorted_vi
from ..extensions import db
from ..tracing import operations as tracing
from ..tracing.services import attach_person
from .access import scoped
from .classification import TEST_KINDS, TEST_RESULTS
from .models import CaseContact, CaseTest
from .services import CaseError, Person, new_case, province_ward


def quarantine_end(exposed_at, days, tz_name):
    """The last local day of quarantine after an exposure that ended at `exposed_at` (UTC)."""
    return local_date(exposed_at, tz_name) + timedelta(days=days)


def root_trace(contact):
    """The tracing case an audit entry about this contact names: its case's trace."""
    return contact.case.trace_case


def source_trace(case, parent):
    """The trace whose contacts become F1 (of `case`) or F2 (of the F1 `parent`)."""
    return parent.trace_case if parent is not None else case.trace_case


def trace_contacts(actor, case, parent, window, *, now, settings):
    """The contacts of the case's (or the F1's) trace, grouped by venue (audited by tracing)."""
    trace = source_trace(case, parent)
    if trace is None or trace.visitor_id is None:
        raise CaseError("trace", "no_person")
    return tracing.trace_contacts(actor, trace, window, now=now, settings=settings.tracing)


def _already(case):
    """Visitor ids and phone hashes of the case's person and of everyone already followed up for it."""
    query = select(CaseContact.visitor_id, CaseContact.phone_hash).where(CaseContact.case_id == case.id)
    rows = db.session.execute(query).all()
    visitors = {r.visitor_id for r in rows if r.visitor_id} | ({case.visitor_id} if case.visitor_id else set())
    phones = {r.phone_hash for r in rows if r.phone_hash} | ({case.phone_hash} if case.phone_hash else set())
    return visitors, phones


def confirm_contacts(actor, case, parent, window, visit_ids, *, residence_ward_code, now, settings):
    """Follow up the chosen contact visits as F1 (or F2 under `parent`); returns (added, skipped).

    One row per person: their latest exposure among the chosen visits. People already followed up
    for this case are skipped. The ward is the residence the tracer gives, else the venue's.
    """
    wanted = {int(v) for v in visit_ids}
    if not wanted:
        raise CaseError("visits", "none_chosen")
    residence = province_ward(residence_ward_code, settings.province).code if residence_ward_code else None
    groups = trace_contacts(actor, case, parent, window, now=now, settings=settings)
    chosen = {}
    for group in groups:
        for contact in group.contacts:
            if contact.visit.id not in wanted:
                continue
            case_end = group.case_ends[contact.case_visit.id].at
            ended = min(contact.ends_at, case_end)
            person = contact.visitor
            key = person.id
            if key not in chosen or ended > chosen[key][1]:
                chosen[key] = (contact, ended, group.venue)
    if not chosen:
        raise CaseError("visits", "none_found")
    seen_visitors, seen_phones = _already(case)
    added, skipped = [], 0
    for contact, ended, venue in chosen.values():
        person = contact.visitor
        if person.id in seen_visitors or (person.phone_hash and person.phone_hash in seen_phones):
            skipped += 1
            continue
        row = CaseContact(
            ref=secrets.token_urlsafe(16), level="F2" if parent is not None else "F1", case_id=case.id,
            parent_id=parent.id if parent is not None else None, full_name=person.full_name, phone=person.phone,
            phone_hash=person.phone_hash, birth_year=person.birth_year, visitor_id=person.id, venue_id=venue.id,
            exposed_at=ended, overlap_minutes=contact.overlap_minutes, residence_ward_code=residence,
            ward_code=residence or venue.ward_code,
            quarantine_ends_on=quarantine_end(ended, settings.quarantine_days, settings.tz_name),
            status="quarantine", created_by_id=actor.id, created_at=now,
        )
        db.session.add(row)
        added.append(row)
        seen_visitors.add(person.id)
    db.session.flush()
    record(actor, case.trace_case, "health_contact", {"level": "F2" if parent is not None else "F1",
                                                      "skipped": skipped}, len(added), now)
    return added, skipped


def contact_list(actor, now, case=None):
    """The contacts `actor` may see (of one case, or all), in Vietnamese order of name (audited)."""
    query = scoped(select(CaseContact), CaseContact.ward_code, actor)
    if case is not None:
        query = query.where(CaseContact.case_id == case.id)
    rows = db.session.scalars(query).all()
    if case is None:
        record(actor, None, "health_list", {"what": "contacts"}, len(rows), now)
    return sorted_vi(rows, key=lambda c: c.full_name)


def view_contact(actor, contact, now):
    """Audit that `actor` saw a followed-up contact's page."""
    record(actor, root_trace(contact), "health_view", {"what": contact.level}, 1, now)


def display_status(contact, now, tz_name):
    """The status code shown: "ended" once a quarantine still marked open has run out."""
    if contact.status == "quarantine" and contact.quarantine_ends_on < local_date(now, tz_name):
        return "ended"
    return contact.status


def _check_test(tested_on, kind, result, now, tz_name):
    if tested_on is None:
        raise CaseError("tested_on", "tested_missing")
    if tested_on > local_date(now, tz_name):
        raise CaseError("tested_on", "tested_future")
    if kind not in TEST_KINDS:
        raise CaseError("kind", "kind")
    if result not in TEST_RESULTS:
        raise CaseError("result", "result")


def record_test(actor, contact, *, tested_on, kind, result, now, settings):
    """Record a test of a followed-up contact (audited)."""
    _check_test(tested_on, kind, result, now, settings.tz_name)
    if contact.status == "became_case":
        raise CaseError("result", "already_case")
    test = CaseTest(contact_id=contact.id, tested_on=tested_on, kind=kind, result=result, recorded_by_id=actor.id,
                    recorded_at=now)
    db.session.add(test)
    record(actor, root_trace(contact), "health_test", {"level": contact.level, "result": result}, 1, now)
    db.session.flush()
    return test


def become_case(actor, contact, *, tested_on, kind, risk_level, care_place, now, settings, purpose):
    """An F1 (or F2) tested positive becomes a confirmed case in one step, linked to them (audited)."""
    if contact.status == "became_case":
        raise CaseError("tested_on", "already_case")
    _check_test(tested_on, kind, "positive", now, settings.tz_name)
    person = Person(contact.full_name, contact.phone, None, contact.birth_year, contact.visitor)
    case = new_case(actor, person, ward_code=contact.ward_code, positive_on=tested_on, risk_level=risk_level,
                    care_place=care_place, now=now, settings=settings, purpose=purpose, source_contact=contact)
    db.session.add(CaseTest(contact_id=contact.id, tested_on=tested_on, kind=kind, result="positive",
                            recorded_by_id=actor.id, recorded_at=now))
    contact.status, contact.closed_at = "became_case", now
    db.session.flush()
    return case


def set_residence(actor, contact, ward_code, *, now, settings):
    """Record the contact's ward of residence: they belong to that ward from now on (audited)."""
    ward = province_ward(ward_code, settings.province)
    contact.residence_ward_code = contact.ward_code = ward.code
    record(actor, root_trace(contact), "health_update", {"ward": ward.code}, 1, now)
    db.session.flush()


def release(actor, contact, *, now):
    """End a contact's quarantine (audited); the retention period runs from now."""
    if contact.status != "quarantine":
        raise CaseError("status", "not_in_quarantine")
    contact.status, contact.closed_at = "released", now
    record(actor, root_trace(contact), "health_update", {"status": "released"}, 1, now)
    db.session.flush()


def open_trace(actor, contact, *, now, purpose):
    """The F1's own trace (portal/tracing), opened once, from which F2s are confirmed."""
    if contact.level != "F1":
        raise CaseError("trace", "f2_trace")
    if contact.trace_case is None:
        trace = tracing.open_case(actor, f"{contact.case.code}-F1-{contact.id}", purpose, now=now)
        if contact.visitor is not None:
            attach_person(trace, contact.visitor)
        contact.trace_case_id = trace.id
        db.session.flush()
        db.session.refresh(contact)
    return contact.trace_case


def followed_for(visitor_ids):
    """Rows about these visitors still open (for their own page): [CaseContact]."""
    ids = [i for i in visitor_ids if i is not None]
    if not ids:
        return []
    return db.session.scalars(select(CaseContact).where(CaseContact.visitor_id.in_(ids),
                                                        CaseContact.status == "quarantine")).all()

