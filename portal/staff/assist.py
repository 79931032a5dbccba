"""Assisted check-in: staff act only on proof the person standing there carries.

A look-up needs the phone number together with the year of birth and shows masked names only.
The list comes back to the server as a signed, dated state bound to the staff account and the
venue, and each person in it as a handle that means nothing outside that look-up: no visitor
id or reference reaches the page. Every look-up and every assisted check-in or check-out
writes an audit entry (who, venue, when, what kind; never the person's data).
Functions take the actor, venue and `now`, flush and never commit.
"""
import hashlib
import hmac
import secrets
import unicodedata

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import or_, select

from ..audit.services import record
from ..crypto import lookup_hash
from ..extensions import db
from ..passes.services import find_or_create_deviceless
from ..visitors.models import Visitor
from .scanning import ScanResult, direction_now, log_scan, only_out, toggle

#: At most this many people are offered for one phone number and year of birth.
MATCH_LIMIT = 12
_SALT = "vaora-staff-assist-pick"


class PickExpired(ValueError):
    """The list of people was made for another account or venue, was altered, or is too old."""


def masked_name(full_name):
    """Each word's first letter and a star for every other letter: "Ngô Thị Lan" → "N** T** L**"."""
    words = unicodedata.normalize("NFC", full_name or "").split()
    return " ".join(word[0] + "*" * (len(word) - 1) for word in words)


def people_matching(phone_hash, birth_year):
    """The people this phone and year of birth both match, the most recently seen first.

    A household member without a phone matches through their lead's phone, with their own
    year of birth. The same name seen twice (one person who registered on two phones) is
    offered once.
    """
    leads = select(Visitor.id).where(Visitor.phone_hash == phone_hash)
    found = db.session.scalars(
        select(Visitor)
        .where(Visitor.birth_year == birth_year, or_(Visitor.phone_hash == phone_hash, Visitor.lead_id.in_(leads)))
        .order_by(Visitor.last_seen_at.desc(), Visitor.id.desc())
        .limit(MATCH_LIMIT)
    )
    seen, people = set(), []
    for person in found:
        key = " ".join((person.full_name or "").casefold().split())
        if key not in seen:
            seen.add(key)
            people.append(person)
    return people


def look_up(actor, venue, phone, birth_year, now):
    """The people matching a phone number (E.164) and year of birth at staff's request; audited."""
    people = people_matching(lookup_hash(phone), birth_year)
    record(actor, None, "assist_lookup", {"venue": venue.short_code}, len(people), now)
    return people


def _serializer(secret_key):
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def new_pick(secret_key, actor, venue, phone, birth_year):
    """The signed, dated state of one look-up for the confirmation form (no name, no phone)."""
    # "n" makes every look-up's handles new, even for the same person within the same second.
    return _serializer(secret_key).dumps(
        {"u": actor.id, "v": venue.short_code, "h": lookup_hash(phone), "y": birth_year, "n": secrets.token_hex(8)}
    )


def read_pick(secret_key, state, actor, venue, max_age):
    """The people of a look-up state made for this account and venue; PickExpired otherwise."""
    try:
        data = _serializer(secret_key).loads(state or "", max_age=max_age)
    except BadSignature:  # altered, or older than max_age (SignatureExpired is a BadSignature)
        raise PickExpired() from None
    if not isinstance(data, dict) or data.get("u") != actor.id or data.get("v") != venue.short_code:
        raise PickExpired()
    return people_matching(data.get("h"), data.get("y"))


def handle(secret_key, state, person):
    """The form value that chooses one person of a look-up; it means nothing outside it."""
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(key, f"{state}|{person.ref}".encode(), hashlib.sha256).hexdigest()[:24]


def chosen(secret_key, state, people, value):
    """The person whose handle is `value`, or None."""
    for person in people:
        if value and hmac.compare_digest(handle(secret_key, state, person), value):
            return person
    return None


def _shown(full_name, how):
    # Found by phone: staff never saw the name, so it stays masked; typed in: it is what they typed.
    return masked_name(full_name) if how == "phone" else full_name


def assist(visitor, venue, actor, device, now, nonce=None, *, how):
    """Staff check a person in or out by hand (the visit is marked assisted); audited.

    `how` is "phone" (found by phone and year of birth) or "details" (typed in by staff).
    Household members who go out with the person are named masked. A form sent twice (same
    `nonce`) fails on the scan log's unique nonce; the caller rolls back and answers with
    `assisted_before`.
    """
    if only_out(venue, visitor.id, now):
        result = ScanResult("inactive")
    else:
        direction, people = toggle(visitor, venue, now, "assisted")
        result = ScanResult(direction, _shown(visitor.full_name, how), direction,
                            together=tuple(masked_name(p.full_name) for p in people))
        record(actor, None, f"assist_{direction}", {"venue": venue.short_code, "how": how}, 1 + len(people), now)
    log_scan(venue, actor, device, now, result.outcome, "assisted", nonce)
    return result


def assist_new(full_name, phone, birth_year, venue, actor, device, now, nonce=None):
    """Check in someone from details staff typed in; a person entered before is reused."""
    if venue.status != "active":
        result = ScanResult("inactive")
        log_scan(venue, actor, device, now, result.outcome, "assisted", nonce)
        return result
    visitor = find_or_create_deviceless(full_name, phone, birth_year, now)
    return assist(visitor, venue, actor, device, now, nonce, how="details")


def assisted_before(visitor, venue, now, how):
    """The answer to an assisted form sent again: the person's direction now, nothing recorded.

    `visitor` is None for someone entered without a phone number: they can only have been
    checked in.
    """
    if visitor is None:
        return ScanResult("repeat", None, "in")
    return ScanResult("repeat", _shown(visitor.full_name, how), direction_now(visitor.id, venue, now))
