"""Visitor rules: profiles, remembered devices and dependents.

A phone number alone never gives access to anyone: registering with a number that is already
known makes a new profile, and only a device token (held in one browser's cookie) opens a
person's visits. Functions flush, never commit.
"""
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from ..crypto import lookup_hash, plain_hash
from .. import signals
from ..extensions import db, execute_compiled
from ..identifiers import is_ref
from . import queries
from .models import Device, Visitor
from .notice import NOTICE_VERSION


def device_for(token):
    """The device remembered under this token (with its visitor), or None."""
    if not token:
        return None
    return db.session.scalar(queries.device(), {"token_hash": plain_hash(token)})


def device_among(tokens):
    """(device, token) for the first of these tokens that is remembered, or (None, None)."""
    tokens = [t for t in tokens if t]
    if not tokens:
        return None, None
    by_hash = {plain_hash(t): t for t in tokens}
    devices = {
        d.token_hash: d
        for d in db.session.scalars(
            select(Device).options(joinedload(Device.visitor)).where(Device.token_hash.in_(list(by_hash)))
        )
    }
    for token_hash, token in by_hash.items():
        if token_hash in devices:
            return devices[token_hash], token
    return None, None


def dependents_of(visitor):
    """The visitor's dependents, oldest profile first."""
    return list(db.session.scalars(queries.dependents(), {"lead": visitor.id}))


def household_ids(visitor, dependents=None):
    """The ids of a visitor and their dependents."""
    people = dependents if dependents is not None else dependents_of(visitor)
    return [visitor.id] + [d.id for d in people]


def owns_visit(device, visit):
    """Whether a visit belongs to this device's person or one of their dependents."""
    if device is None or visit is None:
        return False
    if visit.visitor_id == device.visitor_id:
        return True
    return db.session.scalar(queries.dependent_id(), {"id": visit.visitor_id, "lead": device.visitor_id}) is not None


def register_visitor(full_name, phone_e164, birth_year, now, *, notice_version=None):
    """A new visitor profile (encrypted name and phone, keyed hash of the phone for tracers), with
    the privacy notice version they were shown (None: they are shown it at their next scan)."""
    visitor = Visitor(
        full_name=full_name,
        phone=phone_e164,
        phone_hash=lookup_hash(phone_e164),
        birth_year=birth_year,
        created_at=now,
        last_seen_at=now,
        notice_version=notice_version,
    )
    db.session.add(visitor)
    db.session.flush()
    return visitor


def card_holder(id_number):
    """The first profile with this 12-digit ID card number (found by its keyed hash), or None."""
    return db.session.scalar(
        select(Visitor).where(Visitor.id_number_hash == lookup_hash(id_number)).order_by(Visitor.id).limit(1)
    )


def register_card_holder(full_name, id_number, birth_year, now):
    """A new profile from a scanned ID card: the name as received, the ID number encrypted with
    its keyed hash for look-ups; no phone, no address."""
    visitor = Visitor(full_name=full_name, id_number=id_number, id_number_hash=lookup_hash(id_number),
                      birth_year=birth_year, created_at=now, last_seen_at=now)
    db.session.add(visitor)
    db.session.flush()
    return visitor


def remember_device(visitor, token, now, replacing=None):
    """Remember a visitor under a device token (only its hash is stored).

    `replacing` is the device this browser held before ("not me"): it is forgotten.
    """
    if replacing is not None:
        db.session.delete(replacing)
        db.session.flush()
    device = Device(token_hash=plain_hash(token), visitor_id=visitor.id, created_at=now, last_seen_at=now)
    db.session.add(device)
    db.session.flush()
    return device


def forget_device(device):
    """This browser no longer remembers its person; the person's visits stay for tracing."""
    db.session.delete(device)
    db.session.flush()


def dependent_by_ref(lead, ref):
    """The lead's dependent with this reference, or None."""
    if not is_ref(ref):
        return None
    return db.session.scalar(select(Visitor).where(Visitor.ref == ref, Visitor.lead_id == lead.id))


def add_dependent(lead, full_name, birth_year, now):
    """A household member without a phone, checked in by the lead."""
    dependent = Visitor(
        full_name=full_name, birth_year=birth_year, lead_id=lead.id, created_at=now, last_seen_at=now
    )
    db.session.add(dependent)
    db.session.flush()
    return dependent


def update_dependent(dependent, full_name, birth_year):
    """Correct a dependent's name or year of birth."""
    dependent.full_name = full_name
    dependent.birth_year = birth_year
    db.session.flush()
    return dependent


def update_profile(visitor, full_name, birth_year):
    """Correct one's own name or year of birth (the same rule as a dependent's; the phone or ID
    number changes only by registering again, since tracers find people by them)."""
    return update_dependent(visitor, full_name, birth_year)


def remove_dependent(dependent):
    """Take a dependent off the household list.

    A dependent without visits is deleted; one with visits is unlinked, and the profile goes
    with the retention purge once its visits expire (tracers may still need them until then).
    """
    if signals.any_record(dependent.id):
        dependent.lead_id = None
        db.session.flush()
    else:
        db.session.execute(delete(Visitor).where(Visitor.id == dependent.id))
        db.session.expunge(dependent)


def agree_to_notice(visitor_id):
    """Record that this person read the privacy notice in force (one statement, no ORM load)."""
    execute_compiled(queries.agree_to_notice(), {"visitor": visitor_id, "version": NOTICE_VERSION})


def seen_again(device_id, visitor_id, now):
    """Note a remembered device and its person as seen, at most once a day per device: the
    retention of profiles and devices counts from it (visits keep a profile alive themselves)."""
    execute_compiled(queries.device_seen(), {"device": device_id, "now": now})
    execute_compiled(queries.visitor_seen(), {"visitor": visitor_id, "now": now})
