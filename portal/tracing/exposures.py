"""Exposure windows: a tracer marks a venue and time; visitors who were there are warned.

Which visitors were warned is kept in `exposure_notices`, read only to show each visitor their
own warnings (the `visitor_notices` hook) and to count them for the tracer.
"""
import secrets
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only

from ..checkin.models import Visit
from ..extensions import db, execute_compiled
from ..visitors.models import Visitor
from . import queries
from .contacts import MAX_STAY, stay_end
from .models import Exposure, ExposureNotice
from .services import TracingError, retention_cutoff, same_person_ids

ADVICE = {
    "monitor": _l("Monitor your health for 14 days and call a health station if you feel unwell"),
    "test": _l("Get tested as soon as possible"),
    "isolate": _l("Isolate at home and call your health station"),
}
MAX_WINDOW = timedelta(hours=24)


def check_window(starts_at, ends_at, *, now, cutoff):
    """Raise TracingError unless the window is forwards, ≤ 24 h, past, and within retention."""
    if starts_at is None:
        raise TracingError("window_missing", "starts_at")
    if ends_at is None:
        raise TracingError("window_missing", "ends_at")
    if ends_at <= starts_at:
        raise TracingError("window_reversed", "ends_at")
    if ends_at - starts_at > MAX_WINDOW:
        raise TracingError("window_long", "ends_at")
    if ends_at > now:
        raise TracingError("window_future", "ends_at")
    if starts_at < cutoff:
        raise TracingError("window_old", "starts_at")


def exposed_visitor_ids(venue_id, starts_at, ends_at, cutoff, exclude_visitor_ids=()):
    """Visitors whose stay at the venue overlapped [starts_at, ends_at) (touching does not count)."""
    rows = db.session.execute(
        select(Visit.visitor_id, Visit.checked_in_at, Visit.due_out_at, Visit.checked_out_at, Visit.out_method)
        .where(
            Visit.venue_id == venue_id,
            Visit.checked_in_at >= max(starts_at - MAX_STAY, cutoff),
            Visit.checked_in_at < ends_at,
            Visit.due_out_at > starts_at,
            Visit.fabricated.is_(False),  # found fabricated by an official: nobody to warn
        )
    )
    found = set()
    for visitor_id, _checked_in_at, due_out_at, checked_out_at, out_method in rows:
        if _warn_end(due_out_at, checked_out_at, out_method) > starts_at and visitor_id not in exclude_visitor_ids:
            found.add(visitor_id)
    return found


def _warn_end(due_out_at, checked_out_at, out_method):
    """The end of a stay for warning: without a real check-out, the whole usual stay (warn wide)."""
    return due_out_at if checked_out_at is None or out_method == "auto" else checked_out_at


def create_exposure(actor, case, venue, starts_at, ends_at, advice, *, now, retention_days):
    """Mark an exposure window for a case and warn every visitor who overlapped it."""
    if advice not in ADVICE:
        raise TracingError("advice", "advice")
    cutoff = retention_cutoff(now, retention_days)
    check_window(starts_at, ends_at, now=now, cutoff=cutoff)
    exposure = Exposure(
        ref=secrets.token_urlsafe(16), case_id=case.id, venue_id=venue.id, starts_at=starts_at,
        ends_at=ends_at, advice=advice, created_by_id=actor.id, created_at=now,
    )
    db.session.add(exposure)
    db.session.flush()
    exclude = same_person_ids(case.visitor) if case.visitor is not None else ()
    warned = exposed_visitor_ids(venue.id, starts_at, ends_at, cutoff, exclude_visitor_ids=set(exclude))
    db.session.add_all(
        ExposureNotice(exposure_id=exposure.id, visitor_id=visitor_id, created_at=now)
        for visitor_id in sorted(warned)
    )
    exposure.warned_count = len(warned)
    db.session.flush()
    return exposure


def exposures_for(visitor_ids, cutoff):
    """Distinct exposure windows warning any of these visitors, newest first, within retention."""
    ids = [i for i in visitor_ids if i is not None]
    if not ids:
        return []
    one = len(ids) == 1
    params = {"id": ids[0]} if one else {"ids": ids}
    if execute_compiled(queries.warned(one), params).first() is None:
        return []
    return db.session.scalars(queries.exposures(), {"ids": ids, "cutoff": cutoff}).all()


def own_stays(exposure, visitor_ids, now, *, with_names):
    """The stays of these warned people at the exposure's venue that overlapped its window:
    [(name or None, checked-in time, StayEnd)], the person's own times rather than the window."""
    visits = [
        v for v in db.session.execute(queries.own_visits(), {
            "exposure": exposure.id, "ids": list(visitor_ids), "venue": exposure.venue_id,
            "in_from": exposure.starts_at - MAX_STAY, "in_to": exposure.ends_at, "starts": exposure.starts_at})
        if _warn_end(v.due_out_at, v.checked_out_at, v.out_method) > exposure.starts_at
    ]
    names = {}
    if with_names and visits:
        names = {p.id: p.full_name for p in db.session.scalars(
            select(Visitor).options(load_only(Visitor.id, Visitor.full_name))
            .where(Visitor.id.in_(sorted({v.visitor_id for v in visits}))))}
    return [(names.get(v.visitor_id), v.checked_in_at, stay_end(v, now)) for v in visits]


def person_data(visitor_ids, names, now):
    """The `person_data` section of tracing: every exposure warning kept for the household."""
    found = db.session.execute(
        select(ExposureNotice.visitor_id, ExposureNotice.created_at, Exposure)
        .join(Exposure, Exposure.id == ExposureNotice.exposure_id)
        .options(joinedload(Exposure.venue))  # each row names its place
        .where(ExposureNotice.visitor_id.in_(list(visitor_ids)))
        .order_by(ExposureNotice.created_at, Exposure.id, ExposureNotice.visitor_id)
    )
    header = [_("Person"), _("Place"), _("From"), _("To"), _("Advice"), _("Warned on")]
    rows = [[names.get(visitor_id), e.venue.name, e.starts_at, e.ends_at, str(ADVICE.get(e.advice, e.advice)),
             warned_at] for visitor_id, warned_at, e in found]
    return [("warnings", _("Health warnings"), header, rows)]


def visitor_notices(visitor_ids, now):
    """The `visitor_notices` hook: one warning per exposure window that concerns these visitors,
    with their own times at the venue."""
    cutoff = retention_cutoff(now, current_app.config["PORTAL_RETENTION_DAYS"])
    ids = [i for i in visitor_ids if i is not None]
    household = len(set(ids)) > 1
    return [
        Markup(render_template("tracing/_notice.html", exposure=e, advice=ADVICE[e.advice], household=household,
                               stays=own_stays(e, ids, now, with_names=household)))
        for e in exposures_for(ids, cutoff)
    ]


visitor_notices.notice_hint = queries.warning_kept  # a page without a warning skips `exposures_for`
