"""The case register's rules: record a case, change its classification, list and chain cases.

Every function takes explicit arguments (actor, now, settings), flushes and writes its own audit
entry (portal/audit) when it touches a person's health data; the caller commits once.
"""
import secrets
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..clock import local_date
from ..collation import sorted_vi
from ..crypto import lookup_hash
from ..divisions.models import Division
from ..extensions import db
from ..passes.services import find_pass
from ..passes.tokens import parse as parse_pass
from ..text import normalise_phone
from ..tracing import operations as tracing
from ..tracing.services import attach_person, find_person, normalise_id_number, retention_cutoff
from .access import scoped
from .classification import CARE_PLACES, OPEN_STATUS, RISK_LEVELS, STATUSES
from .models import CaseClassification, CaseContact, HealthCase

#: How far back a positive test may be entered.
MAX_POSITIVE_AGE_DAYS = 60


class CaseError(ValueError):
    """A rule stopped the request; `field` names the form field, `code` the message."""

    def __init__(self, field, code):
        super().__init__(code)
        self.field = field
        self.code = code


class Settings(NamedTuple):
    """The configuration the register depends on."""

    tz_name: str
    retention_days: int  # visits and visitor profiles (PORTAL_RETENTION_DAYS)
    quarantine_days: int  # PORTAL_QUARANTINE_DAYS
    case_retention_days: int  # PORTAL_CASE_RETENTION_DAYS
    province: str
    tracing: tracing.Settings


def settings_from(config):
    """The register's settings of an app's config."""
    return Settings(config["PORTAL_TIMEZONE"], config["PORTAL_RETENTION_DAYS"], int(config["PORTAL_QUARANTINE_DAYS"]),
                    int(config["PORTAL_CASE_RETENTION_DAYS"]), str(config["PORTAL_PROVINCE"]),
                    tracing.settings_from(config))


class Person(NamedTuple):
    """Who a case is about, as typed or found."""

    full_name: str
    phone: str | None
    id_number: str | None
    birth_year: int | None
    visitor: object | None


def province_ward(code, province):
    """The ward with this code in the province, else CaseError."""
    ward = db.session.get(Division, str(code or ""))
    if ward is None or ward.province_code != province:
        raise CaseError("ward", "ward")
    return ward


def find_visitor(*, phone=None, id_number=None, pass_number=None, now, settings):
    """The checked-in person with this pass, phone or ID number (first found, in that order), or None.

    CaseError for a malformed value. Uses the look-up hashes of portal/visitors and portal/passes.
    """
    cutoff = retention_cutoff(now, settings.retention_days)
    if pass_number:
        try:
            found = find_pass(parse_pass(pass_number))
        except ValueError as exc:
            raise CaseError("pass_number", "pass_number") from exc
        if found is not None and found.visitor is not None:
            return found.visitor
    if phone:
        try:
            visitor = find_person(cutoff=cutoff, phone=phone)
        except ValueError as exc:
            raise CaseError("phone", "phone") from exc
        if visitor is not None:
            return visitor
    if id_number:
        try:
            return find_person(cutoff=cutoff, id_number=id_number)
        except ValueError as exc:
            raise CaseError("id_number", "id_number") from exc
    return None


def person_from(*, full_name, phone, id_number, pass_number, birth_year, now, settings):
    """The Person of a new case: typed values first, the found visitor's for what is left blank."""
    visitor = find_visitor(phone=phone, id_number=id_number, pass_number=pass_number, now=now, settings=settings)
    try:
        phone = normalise_phone(phone) if phone else None
    except ValueError as exc:
        raise CaseError("phone", "phone") from exc
    try:
        id_number = normalise_id_number(id_number) if id_number else None
    except ValueError as exc:
        raise CaseError("id_number", "id_number") from exc
    name = (full_name or "").strip() or (visitor.full_name if visitor is not None else "")
    if not name:
        raise CaseError("full_name", "name_missing" if not pass_number and not phone and not id_number
                        else "not_found")
    if visitor is not None:
        phone = phone or visitor.phone
        id_number = id_number or visitor.id_number
        birth_year = birth_year or visitor.birth_year
    return Person(name, phone, id_number, birth_year, visitor)


def _check_choice(value, choices, field):
    if value not in choices:
        raise CaseError(field, field)


def _code(positive_on):
    """The register's code for a new case: F0-<year>-<month and day of the positive test>-<serial of that day>."""
    serial = db.session.scalar(select(func.count()).select_from(HealthCase)
                               .where(HealthCase.positive_on == positive_on)) + 1
    return f"F0-{positive_on:%Y-%m%d}-{serial:03d}"


def _open_trace(actor, code, visitor, purpose, now):
    """The tracing case this record's trace starts from (portal/tracing), with its person if known."""
    trace = tracing.open_case(actor, code, purpose, now=now)
    if visitor is not None:
        attach_person(trace, visitor)
    return trace


def _open_case_for(person):
    """An open case about the same person (by phone or ID number), or None."""
    matches = []
    if person.phone:
        matches.append(HealthCase.phone_hash == lookup_hash(person.phone))
    if person.id_number:
        matches.append(HealthCase.id_number_hash == lookup_hash(person.id_number))
    if not matches:
        return None
    return db.session.scalar(select(HealthCase).where(or_(*matches), HealthCase.status == OPEN_STATUS).limit(1))


def new_case(actor, person, *, ward_code, positive_on, risk_level, care_place, now, settings, purpose,
             source_contact=None):
    """Record a confirmed case with its first classification and its trace (audited)."""
    ward = province_ward(ward_code, settings.province)
    today = local_date(now, settings.tz_name)
    if positive_on is None:
        raise CaseError("positive_on", "positive_missing")
    if positive_on > today:
        raise CaseError("positive_on", "positive_future")
    if positive_on < today - timedelta(days=MAX_POSITIVE_AGE_DAYS):
        raise CaseError("positive_on", "positive_old")
    _check_choice(risk_level, RISK_LEVELS, "risk_level")
    _check_choice(care_place, CARE_PLACES, "care_place")
    if _open_case_for(person) is not None:
        raise CaseError("full_name", "duplicate")
    code = _code(positive_on)
    trace = _open_trace(actor, code, person.visitor, purpose, now)
    case = HealthCase(
        ref=secrets.token_urlsafe(16), code=code, full_name=person.full_name, phone=person.phone,
        phone_hash=lookup_hash(person.phone) if person.phone else None, id_number=person.id_number,
        id_number_hash=lookup_hash(person.id_number) if person.id_number else None,
        birth_year=person.birth_year, visitor_id=person.visitor.id if person.visitor is not None else None,
        ward_code=ward.code, positive_on=positive_on, risk_level=risk_level, care_place=care_place,
        status=OPEN_STATUS, trace_case_id=trace.id, created_by_id=actor.id, created_at=now,
    )
    db.session.add(case)
    db.session.flush()
    if source_contact is not None:
        source_contact.became_case_id = case.id
    db.session.add(CaseClassification(case_id=case.id, risk_level=risk_level, care_place=care_place,
                                      status=OPEN_STATUS, changed_by_id=actor.id, changed_at=now))
    record(actor, trace, "health_case", {"ward": ward.code, "found": "yes" if person.visitor else "no",
                                         "from": "contact" if source_contact else None}, 1, now)
    db.session.flush()
    return case


def classify(actor, case, *, risk_level, care_place, status, now):
    """Change a case's classification; the change joins its history (audited)."""
    _check_choice(risk_level, RISK_LEVELS, "risk_level")
    _check_choice(care_place, CARE_PLACES, "care_place")
    _check_choice(status, STATUSES, "status")
    if (risk_level, care_place, status) == (case.risk_level, case.care_place, case.status):
        raise CaseError("risk_level", "unchanged")
    case.risk_level, case.care_place, case.status = risk_level, care_place, status
    case.closed_at = None if status == OPEN_STATUS else (case.closed_at or now)
    db.session.add(CaseClassification(case_id=case.id, risk_level=risk_level, care_place=care_place, status=status,
                                      changed_by_id=actor.id, changed_at=now))
    record(actor, case.trace_case, "health_classify",
           {"risk": risk_level, "care": care_place, "status": status}, 1, now)
    db.session.flush()
    return case


def view_case(actor, case, now):
    """Audit that `actor` saw the case's page (its person and health data)."""
    record(actor, case.trace_case, "health_view", {"what": "case"}, 1, now)


def case_list(actor, now):
    """The cases `actor` may see, in Vietnamese order of the person's name (audited)."""
    rows = db.session.scalars(scoped(select(HealthCase).options(joinedload(HealthCase.ward)), HealthCase.ward_code,
                                     actor)).all()
    record(actor, None, "health_list", {"what": "cases"}, len(rows), now)
    return sorted_vi(rows, key=lambda c: c.full_name)


def _source_of(case):
    return db.session.scalar(select(CaseContact).where(CaseContact.became_case_id == case.id).limit(1))


class Link(NamedTuple):
    """One step of a chain of transmission: `case` infected `contact` at the contact's place."""

    case: HealthCase
    contact: CaseContact
    became: HealthCase | None


def chain_before(case, limit=20):
    """Who infected whom up to this case, the earliest first: [Link]."""
    links, seen = [], {case.id}
    while (contact := _source_of(case)) is not None and len(links) < limit:
        links.append(Link(contact.case, contact, case))
        case = contact.case
        if case.id in seen:
            break
        seen.add(case.id)
    return list(reversed(links))


def cases_from(case):
    """The cases that came from this case's contacts: [Link]."""
    rows = db.session.execute(
        select(CaseContact, HealthCase).join(HealthCase, HealthCase.id == CaseContact.became_case_id)
        .where(CaseContact.case_id == case.id).order_by(HealthCase.positive_on, HealthCase.id))
    return [Link(case, contact, became) for contact, became in rows]


def case_from_contact(contact):
    """The case this contact became, or None."""
    return contact.became_case
