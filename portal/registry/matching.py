"""Match establishments to venues: by registration number, else proposals by similar name and address.

Names and addresses are compared without accents and without legal-form words ("Công ty TNHH"),
so "CÔNG TY TNHH PHỞ HƯƠNG VIỆT" and "Quán Phở Hương Việt" come out close.
"""
import re

from rapidfuzz import fuzz, process
from sqlalchemy import select, update

from ..extensions import db
from ..identifiers import digits_only
from ..venues.models import Venue
from .match_keys import fold
from .models import Establishment, MatchProposal

PROPOSE_AT = 75  # combined score (0-100) from which a venue is proposed
NAME_AT = 60  # and the name alone must be at least this close
PER_ESTABLISHMENT = 3
_LEGAL_FORMS = re.compile(
    r"\b(cong ty|tnhh|co phan|mot thanh vien|hai thanh vien|mtv|dntn|doanh nghiep tu nhan|ho kinh doanh|"
    r"hkd|chi nhanh|cn|cua hang|quan|co so)\b"
)
_ADDRESS_WORDS = re.compile(r"\b(so|duong|d|pho|phuong|p|xa|ap|khu pho|kp|to|thanh pho|tp)\b")
_SPACES = re.compile(r"\s+")


def name_key(name):
    """A name without accents and legal-form words, for comparison."""
    folded = fold(name)
    return _SPACES.sub(" ", _LEGAL_FORMS.sub(" ", folded)).strip() or folded


def address_key(address):
    """An address without accents and the usual street words."""
    folded = fold(address)
    return _SPACES.sub(" ", _ADDRESS_WORDS.sub(" ", folded)).strip() or folded


def score(establishment_name, establishment_address, venue_name, venue_address):
    """How alike an establishment and a venue look, 0-100."""
    by_name = fuzz.token_set_ratio(name_key(establishment_name), name_key(venue_name))
    by_address = fuzz.token_set_ratio(address_key(establishment_address), address_key(venue_address))
    return round(0.7 * by_name + 0.3 * by_address)



def _linked_venue_ids():
    return set(db.session.scalars(select(Establishment.venue_id).where(Establishment.venue_id.is_not(None))))


def _unmatched(ward_codes):
    query = select(Establishment.id, Establishment.registration_number, Establishment.name,
                   Establishment.address, Establishment.ward_code).where(
        Establishment.status == "listed", Establishment.venue_id.is_(None)
    )
    if ward_codes is not None:
        query = query.where(Establishment.ward_code.in_(ward_codes))
    return db.session.execute(query).all()


def match_by_registration(ward_codes, now):
    """Link unmatched establishments to the venue with the same registration number; returns how many."""
    pending = _unmatched(ward_codes)
    if not pending:
        return 0
    linked = _linked_venue_ids()
    by_number = {}
    for venue in db.session.execute(
        select(Venue.id, Venue.registration_number, Venue.ward_code, Venue.address)
        .where(Venue.registration_number.is_not(None), Venue.status != "closed")
        .order_by(Venue.id)
    ):
        if venue.id not in linked:
            by_number.setdefault(digits_only(venue.registration_number), []).append(venue)
    changes = []
    for est in pending:
        candidates = [v for v in by_number.get(est.registration_number, ()) if v.id not in linked]
        if not candidates:
            continue
        # Branches share a number: prefer the venue in the same ward at the most similar address.
        best = max(candidates, key=lambda v: (v.ward_code == est.ward_code,
                                              fuzz.ratio(address_key(v.address), address_key(est.address))))
        linked.add(best.id)
        changes.append({"id": est.id, "venue_id": best.id, "matched_at": now, "matched_by_id": None})
    _apply_links(changes, now)
    return len(changes)


def _apply_links(changes, now):
    if not changes:
        return
    db.session.execute(update(Establishment), changes)
    ids = [c["id"] for c in changes]
    for start in range(0, len(ids), 500):
        db.session.execute(
            update(MatchProposal)
            .where(MatchProposal.establishment_id.in_(ids[start:start + 500]), MatchProposal.status == "open")
            .values(status="superseded", decided_at=now)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()


def propose_matches(ward_codes, now):
    """Add proposals (venues in the same ward with a similar name and address); returns how many."""
    pending = _unmatched(ward_codes)
    if not pending:
        return 0
    linked = _linked_venue_ids()
    by_ward = {}
    for est in pending:
        by_ward.setdefault(est.ward_code, []).append(est)
    known = {tuple(row) for row in db.session.execute(
        select(MatchProposal.establishment_id, MatchProposal.venue_id)
        .join(Establishment, Establishment.id == MatchProposal.establishment_id)
        .where(Establishment.ward_code.in_(list(by_ward)))
    )}
    added = []
    for ward_code, establishments in by_ward.items():
        venues = [v for v in db.session.execute(
            select(Venue.id, Venue.name, Venue.address)
            .where(Venue.ward_code == ward_code, Venue.status != "closed")
        ) if v.id not in linked]
        if not venues:
            continue
        names = [name_key(v.name) for v in venues]
        for est in establishments:
            found = process.extract(name_key(est.name), names, scorer=fuzz.token_set_ratio,
                                    limit=PER_ESTABLISHMENT * 3, score_cutoff=NAME_AT)
            scored = []
            for _name, by_name, index in found:
                venue = venues[index]
                by_address = fuzz.token_set_ratio(address_key(est.address), address_key(venue.address))
                total = round(0.7 * by_name + 0.3 * by_address)
                if total >= PROPOSE_AT and (est.id, venue.id) not in known:
                    scored.append((total, venue.id))
            for total, venue_id in sorted(scored, reverse=True)[:PER_ESTABLISHMENT]:
                added.append({"establishment_id": est.id, "venue_id": venue_id, "score": total,
                              "status": "open", "created_at": now})
    if added:
        db.session.execute(MatchProposal.__table__.insert(), added)
        db.session.flush()
    return len(added)


def refresh_matches(ward_codes, now):
    """Match by registration number, then propose; returns (matched, proposed)."""
    return match_by_registration(ward_codes, now), propose_matches(ward_codes, now)


class MatchError(ValueError):
    """The proposal cannot be confirmed; `code` says why."""


def confirm(proposal, actor, now):
    """Link the establishment to the proposed venue; other open proposals for either are superseded."""
    if proposal.status != "open":
        raise MatchError("decided")
    establishment = proposal.establishment
    if establishment.venue_id is not None:
        raise MatchError("matched")
    taken = db.session.scalar(select(Establishment.id).where(Establishment.venue_id == proposal.venue_id))
    if taken is not None:
        raise MatchError("venue_taken")
    establishment.venue_id = proposal.venue_id
    establishment.matched_at = now
    establishment.matched_by_id = actor.id
    proposal.status, proposal.decided_at, proposal.decided_by_id = "confirmed", now, actor.id
    db.session.execute(
        update(MatchProposal)
        .where(MatchProposal.status == "open", MatchProposal.id != proposal.id,
               (MatchProposal.establishment_id == establishment.id) | (MatchProposal.venue_id == proposal.venue_id))
        .values(status="superseded", decided_at=now, decided_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return establishment


def reject(proposal, actor, now):
    """Mark a proposal wrong; it is not proposed again."""
    if proposal.status != "open":
        raise MatchError("decided")
    proposal.status, proposal.decided_at, proposal.decided_by_id = "rejected", now, actor.id
    db.session.flush()
    return proposal
