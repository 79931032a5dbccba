"""What tracing keeps and deletes when a person deletes their data (visitors/erasure.py).

A person is held (`person_holds`) while
- a case is about them (`Case.visitor_id`) and was opened within the retention period: the
  portal has no "closed" state, so a case is open as long as its data may still be read; or
- an exposure warning tells them to watch their health, get tested or isolate, and the exposure
  ended less than `WATCH_DAYS` days ago: the 14 days of the "monitor" advice, which also bound
  the quarantine after an "isolate" or "test" advice.
A held person's warnings stay (the purge deletes them `PORTAL_RETENTION_DAYS` after their
window ended); everyone else's are deleted, and cases forget who they were about (the case, a
tracer's record without personal data, stays).
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..visitors.erasure import Hold, Kept, Part
from .models import Case, Exposure, ExposureNotice

#: The watch or quarantine period after an exposure ends, in days.
WATCH_DAYS = 14

WHY = {
    "case": _l("A health tracer has an open case about this person: the health service needs these records "
               "to find the case's contacts."),
    "watch": _l("This person was warned of an exposure less than %(days)d days ago: the health service follows "
                "them up during the watch or quarantine period.", days=WATCH_DAYS),
}


def person_holds(visitor_ids, now):
    """The `person_holds` answer of tracing: {visitor_id: Hold} for open cases and watch periods."""
    ids = list(visitor_ids)
    retention = timedelta(days=current_app.config["PORTAL_RETENTION_DAYS"])
    watch = timedelta(days=WATCH_DAYS)
    held = {}

    def hold(visitor_id, reason, until):
        if visitor_id not in held or until > held[visitor_id].until:
            held[visitor_id] = Hold(reason=reason, why=WHY[reason], until=until)

    for visitor_id, opened in db.session.execute(
        select(Case.visitor_id, func.max(Case.created_at))
        .where(Case.visitor_id.in_(ids), Case.created_at >= now - retention).group_by(Case.visitor_id)
    ):
        hold(visitor_id, "case", opened + retention)
    for visitor_id, ended in db.session.execute(
        select(ExposureNotice.visitor_id, func.max(Exposure.ends_at))
        .join(Exposure, Exposure.id == ExposureNotice.exposure_id)
        .where(ExposureNotice.visitor_id.in_(ids), Exposure.ends_at >= now - watch)
        .group_by(ExposureNotice.visitor_id)
    ):
        hold(visitor_id, "watch", ended + watch)
    return held


def erase_person_data(visitor_ids, held, now, apply):
    """The `erase_person_data` answer of tracing: delete the warnings of people not held (keep the
    held ones'), and make cases forget the people who go."""
    going = [i for i in visitor_ids if i not in held]
    retention = timedelta(days=current_app.config["PORTAL_RETENTION_DAYS"])
    kept = []
    for reason in sorted({h.reason for h in held.values()}):
        who = [i for i, h in held.items() if h.reason == reason]
        count, last_end = db.session.execute(
            select(func.count(), func.max(Exposure.ends_at))
            .select_from(ExposureNotice).join(Exposure, Exposure.id == ExposureNotice.exposure_id)
            .where(ExposureNotice.visitor_id.in_(who))
        ).one()
        if count:
            kept.append(Kept(what=_l("Health warnings: %(count)d", count=count), why=WHY[reason],
                             until=last_end + retention, category="warnings", count=count, reason=reason))
    if not going:
        return Part(removed={"warnings": 0}, kept=kept)
    gone = db.session.scalar(select(func.count()).select_from(ExposureNotice)
                             .where(ExposureNotice.visitor_id.in_(going)))
    if apply:
        db.session.execute(delete(ExposureNotice).where(ExposureNotice.visitor_id.in_(going))
                           .execution_options(synchronize_session=False))
        db.session.execute(update(Case).where(Case.visitor_id.in_(going)).values(visitor_id=None)
                           .execution_options(synchronize_session=False))
        db.session.flush()
    return Part(removed={"warnings": gone}, kept=kept)
