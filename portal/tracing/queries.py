"""The tracing statements asked often (on every visitor page, once per case visit), built once with
bound parameters: building an ORM statement costs about as much as running it, and SQLAlchemy
caches the compiled form of one statement object. Built on first use, when every model is mapped."""
from functools import cache

from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.orm import joinedload

from ..checkin.models import Visit
from ..venues.models import Venue
from .models import Exposure, ExposureNotice


# Asked on every check-in page for a table that holds nothing for nearly everyone: a cheap
# look at the notices' visitor index first, and the windows only when one is there.
@cache
def warned(one):
    """One exposure warning the person `id` (`one`) or any of `ids`, if there is one. One person
    is nearly every page: `=` rather than an IN, which is rendered again at every run."""
    who = ExposureNotice.visitor_id
    return (
        select(ExposureNotice.exposure_id)
        .where(who == bindparam("id") if one else who.in_(bindparam("ids", expanding=True)))
        .limit(1)
    )


def warning_kept(visitor_id):
    """The `visitor_notices` hint: whether a warning of the person in the column `visitor_id` is
    kept (the notices' visitor index), for a visitor page to ask in its own look-up."""
    return exists().where(ExposureNotice.visitor_id == visitor_id)


@cache
def exposures():
    """The exposure windows warning any of `ids` that end after `cutoff`, newest first, with
    their venue and its ward (the warning names both)."""
    return (
        select(Exposure)
        .options(joinedload(Exposure.venue).joinedload(Venue.ward))
        .where(
            Exposure.id.in_(
                select(ExposureNotice.exposure_id)
                .where(ExposureNotice.visitor_id.in_(bindparam("ids", expanding=True)))
            ),
            Exposure.ends_at >= bindparam("cutoff", type_=Exposure.__table__.c.ends_at.type),
        )
        .order_by(Exposure.starts_at.desc(), Exposure.id.desc())
    )


@cache
def own_visits():
    """The visits of the warned people among `ids` that overlapped one exposure window."""
    warned_ids = select(ExposureNotice.visitor_id).where(
        ExposureNotice.exposure_id == bindparam("exposure"),
        ExposureNotice.visitor_id.in_(bindparam("ids", expanding=True)),
    )
    return (
        select(Visit.id, Visit.visitor_id, Visit.checked_in_at, Visit.due_out_at, Visit.checked_out_at,
               Visit.out_method)
        .where(
            Visit.visitor_id.in_(warned_ids),
            Visit.venue_id == bindparam("venue"),
            Visit.checked_in_at >= bindparam("in_from"),
            Visit.checked_in_at < bindparam("in_to"),
            Visit.due_out_at > bindparam("starts"),
        )
        .order_by(Visit.checked_in_at, Visit.id)
    )


# The contact rules: one statement per step, each case visit one range scan of the
# (venue_id, checked_in_at) index with its own parameters.
@cache
def candidates():
    """Step 1, once per case visit: the ids of visits at the venue that can overlap it.

    Only indexed columns are read, so the scan stays inside ix_visits_venue_in_due (the row id is
    part of every index): the hours of check-ins before a stay cost no table reads.
    """
    return select(Visit.id).where(
        Visit.venue_id == bindparam("venue_id"),
        Visit.checked_in_at >= bindparam("in_from"),
        Visit.checked_in_at <= bindparam("in_to"),
        Visit.due_out_at >= bindparam("end_from"),
    )


@cache
def contact_rows(columns):
    """Step 2: these columns of the candidates, keeping stays whose real check-out came late enough."""
    return select(*(getattr(Visit, name) for name in columns)).where(
        Visit.id.in_(bindparam("ids", expanding=True)),
        or_(Visit.checked_out_at.is_(None), Visit.out_method == "auto",
            Visit.checked_out_at >= bindparam("end_from")),
        Visit.visitor_id.notin_(bindparam("exclude", expanding=True)),
        Visit.fabricated.is_(False),  # found fabricated by an official (portal/inspection/suspicious.py)
    )
