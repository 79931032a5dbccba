"""A suspension proposed by an inspection, confirmed by an official through the registry's own
suspension (a follow-up "suspended": the venue's status changes, the decision is audited)."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..registry.followups import record_follow_up
from ..venues.models import Venue
from .models import Inspection
from .records import RecordError, mark_suspension_confirmed


def confirm_suspension(actor, inspection, reason, now, today):
    """Suspend the inspected venue for this proposal (VenueError or RecordError when a rule stops it)."""
    if inspection.suspension != "proposed":
        raise RecordError("reason", "not_proposed")
    record_follow_up(actor, venue=inspection.venue, action="suspended", action_on=today, note=reason, now=now)
    return mark_suspension_confirmed(inspection, actor, now)


def open_proposals(venues_query):
    """Inspections proposing a suspension still waiting for a decision, among these venues."""
    ids = venues_query.with_only_columns(Venue.id)
    return db.session.scalars(
        select(Inspection).options(joinedload(Inspection.venue), joinedload(Inspection.inspector))
        .where(Inspection.suspension == "proposed", Inspection.venue_id.in_(ids))
        .order_by(Inspection.inspected_at)
    ).all()
