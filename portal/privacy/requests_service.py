"""Requests about a person's data made in person to a ward official: find the person, open the
request, then hand over their data, correct it or delete it, and close the request.

The official verifies the person standing in front of them (their pass, their ID card or another
identity document) and acts for them with the same functions the person's own phone uses
(`visitors.data.sections_for`, `visitors.services.update_profile`, `visitors.erasure`). Every step
writes an audit entry in the same transaction: the request's random reference, its kind, the
ward, how the person was found or verified and counts, never a name, a number or a phone.
Functions take the actor and `now`, flush and never commit.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from ..audit.services import record
from ..crypto import lookup_hash
from ..divisions.access import visible_wards
from ..divisions.models import Division
from ..errors import not_found
from ..extensions import db
from ..identifiers import is_ref
from ..passes import tokens
from ..passes.services import find_pass
from ..security import visible_ward_codes
from ..text import normalise_phone
from ..tracing.services import normalise_id_number
from ..visitors import data as visitor_data
from ..visitors import erasure
from ..visitors import services as visitor_services
from ..visitors.models import Visitor
from .models import KINDS, VERIFICATIONS, DataRequest

#: Ways to find the person: their pass number, their ID card number, their phone number.
FIND_BY = ("pass", "card", "phone")
#: At most this many people are offered for one phone number.
MATCH_LIMIT = 12
#: Completed requests the list shows, newest first.
DONE_SHOWN = 50
#: Raised by the erasure when a feature could not answer: nothing was deleted.
ERASE_REFUSED = erasure.Incomplete


class FindProblem(ValueError):
    """The number typed cannot be looked up: `code` says why (malformed, mistyped, replaced…)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def due_at(received_at):
    """When a request received at `received_at` must be answered (PORTAL_DATA_REQUEST_DAYS later)."""
    return received_at + timedelta(days=int(current_app.config["PORTAL_DATA_REQUEST_DAYS"]))


def _scoped(actor):
    """A select() of the requests received in the wards the actor may see."""
    query = select(DataRequest)
    codes = visible_ward_codes(actor)
    if codes is not None:
        query = query.where(DataRequest.ward_code.in_(codes))
    return query


def open_requests(actor):
    """The actor's wards' open requests, the soonest due first."""
    return db.session.scalars(
        _scoped(actor).where(DataRequest.done_at.is_(None)).order_by(DataRequest.due_at, DataRequest.id)
    ).all()


def done_requests(actor, limit=DONE_SHOWN):
    """The actor's wards' completed requests, the newest first."""
    return db.session.scalars(
        _scoped(actor).where(DataRequest.done_at.is_not(None))
        .order_by(DataRequest.done_at.desc(), DataRequest.id.desc()).limit(limit)
    ).all()


def request_for(actor, ref):
    """The request with this reference if it was received in a ward the actor may see, else 404."""
    found = db.session.scalar(_scoped(actor).where(DataRequest.ref == ref)) if is_ref(ref) else None
    if found is None:
        not_found()
    return found


def ward_names(requests):
    """{ward code: ward name} for these requests."""
    codes = {r.ward_code for r in requests}
    if not codes:
        return {}
    return dict(db.session.execute(select(Division.code, Division.name).where(Division.code.in_(codes))).all())


def wards_for(actor):
    """The wards the actor may receive a request in, by name."""
    return db.session.scalars(visible_wards(actor)).all()


# Finding the person ------------------------------------------------------------------------------

def _by_pass(raw):
    try:
        number = tokens.parse(raw)
    except tokens.TokenProblem as exc:
        raise FindProblem("pass_" + exc.code) from None
    found = find_pass(number)
    if found is not None and found.visitor_id is not None and found.retired_at is not None:
        raise FindProblem("pass_replaced")
    return [found.visitor] if found is not None and found.visitor is not None else []


def _by_card(raw):
    try:
        number = normalise_id_number(raw)
    except ValueError:
        raise FindProblem("card_malformed") from None
    holder = visitor_services.card_holder(number)
    return [holder] if holder is not None else []


def _by_phone(raw):
    """The profiles registered with this phone number and their household members."""
    try:
        phone = normalise_phone(raw)
    except ValueError:
        raise FindProblem("phone_malformed") from None
    phone_hash = lookup_hash(phone)
    leads = select(Visitor.id).where(Visitor.phone_hash == phone_hash)
    return db.session.scalars(
        select(Visitor).where(or_(Visitor.phone_hash == phone_hash, Visitor.lead_id.in_(leads)))
        .order_by(Visitor.last_seen_at.desc(), Visitor.id.desc()).limit(MATCH_LIMIT)
    ).all()


_FINDERS = {"pass": _by_pass, "card": _by_card, "phone": _by_phone}


def people_for(by, raw):
    """The people a pass number, ID card number or phone number leads to (not audited: see find)."""
    if by not in FIND_BY:
        raise FindProblem("by")
    return list(_FINDERS[by](raw))


def find(actor, by, raw, now):
    """The people matching the number the official typed; audited (how, how many; never the number)."""
    people = people_for(by, raw)
    record(actor, None, "request_find", {"by": by}, len(people), now)
    return people


def household_of(person):
    """(the household's lead, its members): a dependent belongs to their lead's household."""
    if person.lead_id is not None:
        lead = db.session.get(Visitor, person.lead_id)
        if lead is not None:
            return lead, visitor_services.dependents_of(lead)
    return person, visitor_services.dependents_of(person)


# The request's steps ------------------------------------------------------------------------------

def open_request(actor, ward, kind, verified_with, person, now):
    """A new request of `person`, received now in `ward` by `actor`; audited."""
    if kind not in KINDS or verified_with not in VERIFICATIONS:
        raise ValueError("unknown kind or verification")
    if visible_ward_codes(actor) is not None and ward.code not in visible_ward_codes(actor):
        raise ValueError("not the actor's ward")
    request = DataRequest(kind=kind, ward_code=ward.code, received_by_id=actor.id, received_at=now,
                          due_at=due_at(now), verified_with=verified_with, visitor_id=person.id)
    db.session.add(request)
    db.session.flush()
    record(actor, None, "request_open",
           {"request": request.ref, "kind": kind, "ward": ward.code, "verified": verified_with}, 1, now)
    return request


def person_of(request):
    """The person an open request is about, or None (done, or their profile is no longer kept)."""
    if request.done_at is not None or request.visitor_id is None:
        return None
    return db.session.get(Visitor, request.visitor_id)


def viewed(actor, request, now):
    """Audit that the request's page showed the person to the official."""
    record(actor, None, "request_view", {"request": request.ref, "kind": request.kind}, 1, now)


def close(actor, request, now, outcome, action="request_done", params=None, rows=0):
    """Mark the request done: who asked is forgotten (visitor_id NULL), a short outcome stays.

    Outcomes are stable codes and counts, never personal data, read by `forms.outcome_text`:
    "handed_over", "withdrawn", "corrected name+birth_year", "deleted profiles=2 visits=3; kept=1".
    """
    request.done_at = now
    request.done_by_id = actor.id
    request.visitor_id = None
    request.outcome = (outcome or "")[:200]
    db.session.flush()
    record(actor, None, action, {"request": request.ref, "kind": request.kind, **(params or {})}, rows, now)
    return request


def data_sections(actor, request, person, now):
    """Everything kept about the person's household (a dependent: about them) for the data file;
    audited with the number of rows. Raises `signals.Incomplete` when a feature could not answer."""
    sections = visitor_data.sections_for(person, now)
    rows = sum(len(s[3]) for s in sections)
    record(actor, None, "request_data", {"request": request.ref, "format": "csv"}, rows, now)
    return sections


def handed_over(actor, request, now):
    """The official handed the data file over: the access request is done."""
    return close(actor, request, now, "handed_over")


def withdraw(actor, request, now):
    """The person withdrew the request (or it cannot be answered): closed, nothing changed."""
    return close(actor, request, now, "withdrawn", params={"outcome": "withdrawn"})


def correct(actor, request, person, full_name, birth_year, now):
    """Save the person's corrected name and year of birth; the correction request is done."""
    changed = []
    if full_name != person.full_name:
        changed.append("name")
    if birth_year != person.birth_year:
        changed.append("birth_year")
    visitor_services.update_profile(person, full_name, birth_year)
    fields = "+".join(changed) or "none"
    return close(actor, request, now, f"corrected {fields}", action="request_correct",
                 params={"fields": fields}, rows=1 if changed else 0)


def erasure_preview(person, now):
    """What deleting the person would delete and keep (visitors.erasure.preview); raises
    ERASE_REFUSED when a feature could not answer."""
    return erasure.preview(person, now)


def erase(actor, request, person, now):
    """Delete the person's data (a lead: their household) as their own phone would; the request is
    done with the counts deleted and kept. Returns the Erasure. When the erasure refuses (a
    feature failed), it raises ERASE_REFUSED and nothing is deleted: the caller rolls back."""
    request.visitor_id = None  # who asked is forgotten before their profile goes
    db.session.flush()
    result = erasure.erase(person, now, kind="official")
    removed = sum(result.removed.values())
    counts = " ".join(f"{key}={count}" for key, count in sorted(result.removed.items()) if count)
    outcome = f"deleted {counts}; kept={len(result.kept)}"
    close(actor, request, now, outcome, action="request_delete",
          params={"removed": removed, "kept": len(result.kept)}, rows=removed)
    return result
