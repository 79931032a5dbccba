"""Inspection records: posters checked during a visit, the record itself, and the suspension an
inspector proposes after a violation. Functions flush; the caller commits."""
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..text import clean_text, has_control_chars, has_markup
from .models import CHECKLIST, RESULTS, Inspection, PosterCheck

NOTE_MAX = 1000  # inspections.note
#: Posters checked longer ago than this belong to an inspection left unrecorded, not to today's.
PENDING_FOR = timedelta(hours=12)


class RecordError(ValueError):
    """A rule stopped the record; `field` names the form field, `code` the reason."""

    def __init__(self, field, code):
        super().__init__(code)
        self.field = field
        self.code = code


def add_check(actor, venue, verdict, now):
    """Keep one poster's verdict until the inspector records the inspection."""
    check = PosterCheck(venue_id=venue.id, inspector_id=actor.id, checked_at=now, verdict=verdict.kind,
                        found_venue_id=verdict.venue.id if verdict.venue is not None else None,
                        entrance_id=verdict.entrance.id if verdict.entrance is not None else None,
                        shown=verdict.shown)
    db.session.add(check)
    db.session.flush()
    return check


def pending_checks(actor, venue, now):
    """The posters this actor checked at this venue in the last hours that no recorded inspection
    holds yet."""
    return db.session.scalars(
        select(PosterCheck).where(PosterCheck.venue_id == venue.id, PosterCheck.inspector_id == actor.id,
                                  PosterCheck.inspection_id.is_(None), PosterCheck.checked_at >= now - PENDING_FOR)
        .order_by(PosterCheck.id)
    ).all()


def discard_check(actor, venue, check_id):
    """Remove a pending check (scanned twice, or the wrong poster); False when there is none."""
    check = db.session.get(PosterCheck, check_id)
    if check is None or check.inspection_id is not None or check.venue_id != venue.id \
            or check.inspector_id != actor.id:
        return False
    db.session.delete(check)
    db.session.flush()
    return True


def _note(text):
    note = (clean_text(text) or "").replace("\r\n", "\n").strip()
    if len(note) > NOTE_MAX:
        raise RecordError("note", "note_long")
    if has_control_chars(note.replace("\n", " ")) or has_markup(note):
        raise RecordError("note", "note_plain")
    return note or None


def record_inspection(actor, venue, *, checklist, result, fix_by, note, propose_suspension, now, today):
    """Record an inspection with the posters checked so far (RecordError when a rule fails)."""
    if result not in RESULTS:
        raise RecordError("result", "result")
    if result == "to_fix":
        if fix_by is None:
            raise RecordError("fix_by", "fix_by_missing")
        if fix_by <= today:
            raise RecordError("fix_by", "fix_by_past")
    elif fix_by is not None:
        fix_by = None if result == "meets" else fix_by
    note = _note(note)
    if propose_suspension and result != "violation":
        raise RecordError("propose_suspension", "suspension_without_violation")
    if result in ("to_fix", "violation") and not note:
        raise RecordError("note", "note_missing")
    inspection = Inspection(venue_id=venue.id, inspector_id=actor.id, inspected_at=now, result=result,
                            fix_by=fix_by if isinstance(fix_by, date) else None, note=note,
                            suspension="proposed" if propose_suspension else None,
                            **{column: bool(checklist.get(column)) for column, _label in CHECKLIST})
    db.session.add(inspection)
    db.session.flush()
    for check in pending_checks(actor, venue, now):
        check.inspection_id = inspection.id
    db.session.flush()
    return inspection


def inspections_of(venue, limit=20):
    """The venue's inspections, latest first, with their inspector and posters."""
    return db.session.scalars(
        select(Inspection).options(joinedload(Inspection.inspector)).where(Inspection.venue_id == venue.id)
        .order_by(Inspection.inspected_at.desc(), Inspection.id.desc()).limit(limit)
    ).all()


def latest_inspection(venue):
    """The venue's last inspection, or None."""
    found = inspections_of(venue, limit=1)
    return found[0] if found else None


def mark_suspension_confirmed(inspection, actor, now):
    """The proposal is confirmed by an official (the caller suspended the venue)."""
    inspection.suspension = "confirmed"
    inspection.suspension_decided_by = actor.id
    inspection.suspension_decided_at = now
    db.session.flush()
    return inspection
