"""Pass rules: issue, replace (retiring the old pass), find by number, claim a scan.

Every function takes `now` (aware UTC) where time matters and flushes; the caller commits.
"""
from datetime import timedelta

from sqlalchemy import delete, func, or_, select, update

from ..audit.services import record
from ..crypto import lookup_hash, plain_hash
from ..extensions import db
from ..text import clean_text
from ..visitors.erasure import Part
from ..visitors.models import Device, Visitor
from ..visitors.services import register_visitor
from . import tokens
from .models import Pass

#: Two scans of one pass at one venue closer together than this toggle once.
DEBOUNCE = timedelta(seconds=2)


def active_pass(visitor_id):
    """The visitor's pass in use, or None."""
    return db.session.scalar(
        select(Pass)
        .where(Pass.visitor_id == visitor_id, Pass.retired_at.is_(None))
        .order_by(Pass.issued_at.desc())
        .limit(1)
    )


def passes_of(visitor_ids):
    """Every pass of these people still kept, replaced ones too, oldest first."""
    return list(db.session.scalars(
        select(Pass).where(Pass.visitor_id.in_(list(visitor_ids))).order_by(Pass.issued_at, Pass.id)
    ))


def issue_pass(visitor, now, *, kind="self", issued_by=None):
    """A new pass for the visitor; any pass they had is retired. Returns the pass."""
    for old in db.session.scalars(
        select(Pass).where(Pass.visitor_id == visitor.id, Pass.retired_at.is_(None))
    ):
        old.retired_at = now
    token = tokens.new_token()
    card = Pass(
        visitor_id=visitor.id,
        token_hash=plain_hash(token),
        token=token,
        kind=kind,
        issued_at=now,
        issued_by_id=issued_by.id if issued_by is not None else None,
    )
    db.session.add(card)
    db.session.flush()
    return card


def pass_for(visitor, now):
    """The visitor's active pass, issuing one if they have none."""
    return active_pass(visitor.id) or issue_pass(visitor, now)


def new_visitor(full_name, phone, birth_year, now):
    """A visitor without a device (printed card, assisted check-in); phone is E.164 or None."""
    return register_visitor(clean_text(full_name), phone or None, birth_year, now)


def find_or_create_deviceless(full_name, phone, birth_year, now):
    """The visitor without a device entered before with these exact details, else a new one.

    Staff entering the same person again (a lost card, a second assisted visit) reuse the record
    instead of duplicating the person for tracers. People with a device are never matched:
    their own profile stays theirs.
    """
    visitor = deviceless_match(full_name, phone, birth_year)
    if visitor is None:
        return new_visitor(full_name, phone, birth_year, now)
    visitor.last_seen_at = now
    return visitor


def deviceless_match(full_name, phone, birth_year):
    """The visitor without a device already entered with exactly these details, or None."""
    if not phone:
        return None
    has_device = select(Device.id).where(Device.visitor_id == Visitor.id).exists()
    candidates = db.session.scalars(
        select(Visitor).where(
            Visitor.phone_hash == lookup_hash(phone),
            Visitor.birth_year == birth_year,
            Visitor.lead_id.is_(None),
            ~has_device,
        )
    )
    wanted = clean_text(full_name).casefold()
    for visitor in candidates:
        if (visitor.full_name or "").casefold() == wanted:
            return visitor
    return None


def issue_card(actor, full_name, phone, birth_year, now):
    """A printed pass for someone without a smartphone; a lost card is replaced, not duplicated.

    Returns (pass, visitor). A person who already has a card with the same name, phone and
    year of birth gets a new number and the old card stops working. Audited: who printed a
    card and whether it replaced one, never for whom.
    """
    visitor = find_or_create_deviceless(full_name, phone, birth_year, now)
    replaced = active_pass(visitor.id) is not None
    card = issue_pass(visitor, now, kind="card", issued_by=actor)
    record(actor, None, "card", {"card": "replacement" if replaced else "new"}, 1, now)
    return card, visitor


def find_pass(token):
    """The pass with this (already parsed) number, active or not, or None."""
    return db.session.scalar(select(Pass).where(Pass.token_hash == plain_hash(token)))


def claim_scan(token, venue_id, now):
    """Mark an active pass as scanned here now, unless it was scanned here moments ago.

    One conditional UPDATE, so two scanners (or one scanner firing twice) racing on the same
    pass cannot both toggle it: the database lets exactly one of them change the row.
    Returns the holder's visitor id when this scan may toggle them, else None.
    """
    return db.session.execute(
        update(Pass)
        .where(
            Pass.token_hash == plain_hash(token),
            Pass.retired_at.is_(None),
            Pass.visitor_id.is_not(None),
            or_(
                Pass.last_scan_venue_id.is_(None),
                Pass.last_scan_venue_id != venue_id,
                Pass.last_scan_at.is_(None),
                Pass.last_scan_at <= now - DEBOUNCE,
                Pass.last_scan_at > now + DEBOUNCE,
            ),
        )
        .values(last_scan_at=now, last_scan_venue_id=venue_id)
        .returning(Pass.visitor_id)
        .execution_options(synchronize_session=False)
    ).scalar()


def erase_passes(visitor_ids, held, now, apply):
    """The `erase_person_data` answer of passes: every pass of these people is deleted (the
    health service never needs a pass, so held people lose theirs too); a scanned old card then
    reads "unknown". Returns a `visitors.erasure.Part`."""
    ids = list(visitor_ids)
    count = db.session.scalar(select(func.count(Pass.id)).where(Pass.visitor_id.in_(ids)))
    if apply and count:
        db.session.execute(delete(Pass).where(Pass.visitor_id.in_(ids)).execution_options(synchronize_session=False))
        db.session.flush()
    return Part(removed={"passes": count})
