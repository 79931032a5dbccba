"""Suspicious-check-ins entries: storing the daily job's findings, who sees them, and decisions.

Ward officials see the entries of their wards' venues, province administrators every entry;
`flag_for` answers 404 outside that. Deciding "fabricated" marks the visits the rule matched
(kept for audit and purged as usual; every count and contact list leaves them out). Functions
flush; the caller commits.
"""
from datetime import timedelta

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import false, select, update
from sqlalchemy.orm import joinedload

from ..audit import services as audit
from ..checkin.models import Visit
from ..clock import local_date
from ..extensions import db
from ..security import visible_ward_codes
from ..venues.models import Venue
from .models import FLAG_STATUSES, SuspiciousFlag
from .suspicious import Thresholds, evaluate_day

#: Who reads and decides the entries.
REVIEWERS = ("ward_official", "province_admin")
DECISIONS = ("reviewed", "fabricated")


class FlagError(ValueError):
    """A decision that cannot be taken; `code` says why."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def run(days, now, config, tz_name):
    """Evaluate every rule for each local day and store the findings: (new entries, updated)."""
    limits = Thresholds.from_config(config)
    added = updated = 0
    for day in days:
        for finding in evaluate_day(day, now, limits, tz_name):
            was_new = store(finding, now)
            if was_new is True:
                added += 1
            elif was_new is False:
                updated += 1
    return added, updated


def store(finding, now):
    """Add an entry for a finding, or refresh the open entry of the same venue, rule and window
    start (True added, False refreshed, None left as decided)."""
    flag = db.session.scalar(select(SuspiciousFlag).where(
        SuspiciousFlag.venue_id == finding.venue_id, SuspiciousFlag.rule == finding.rule,
        SuspiciousFlag.window_start == finding.window_start))
    if flag is None:
        db.session.add(SuspiciousFlag(
            venue_id=finding.venue_id, rule=finding.rule, window_start=finding.window_start,
            window_end=finding.window_end, figures=finding.figures, matched=finding.matched,
            found_at=now, status="open"))
        db.session.flush()
        return True
    if flag.status != "open":
        return None
    flag.window_end, flag.figures, flag.matched = finding.window_end, finding.figures, finding.matched
    db.session.flush()
    return False


def visible_flags(actor):
    """A select() of the entries this actor may see, with their venue and its ward."""
    query = select(SuspiciousFlag).join(Venue, Venue.id == SuspiciousFlag.venue_id).options(
        joinedload(SuspiciousFlag.venue).joinedload(Venue.ward))
    if not actor.is_active or actor.role not in REVIEWERS:
        return query.where(false())
    codes = visible_ward_codes(actor)
    if codes is not None:
        query = query.where(Venue.ward_code.in_(codes or set()))
    return query


def listed(actor, status):
    """The entries to list (one status, or every one), newest window first, then by venue name
    in Vietnamese order."""
    query = visible_flags(actor)
    if status in FLAG_STATUSES:
        query = query.where(SuspiciousFlag.status == status)
    return db.session.scalars(query.order_by(
        SuspiciousFlag.window_start.desc(), Venue.name_sort, SuspiciousFlag.rule, SuspiciousFlag.id)).all()


def flag_for(actor, flag_id):
    """One entry the actor may see, else 404."""
    flag = db.session.scalar(visible_flags(actor).where(SuspiciousFlag.id == flag_id))
    if flag is None:
        abort(404)
    return flag


def decide(actor, flag, decision, now):
    """Mark an open entry reviewed (fine) or fabricated, with its audit entry; returns the visits marked."""
    if decision not in DECISIONS:
        raise FlagError("decision_unknown")
    if flag.status != "open":
        raise FlagError("already_decided")
    marked = mark_fabricated(flag) if decision == "fabricated" else 0
    flag.status, flag.reviewer_id, flag.decided_at = decision, actor.id, now
    flag.marked_visits = marked if decision == "fabricated" else None
    audit.record(actor, None, "flag_" + decision,
                 {"entry": flag.id, "venue": flag.venue.short_code, "rule": flag.rule}, marked, now)
    db.session.flush()
    return marked


def mark_fabricated(flag):
    """Mark the visits the entry's rule matched: its listed visits, else the venue's visits in its window."""
    query = update(Visit).where(Visit.venue_id == flag.venue_id, Visit.fabricated.is_(False))
    if flag.matched is not None:
        ids = [int(i) for i in flag.matched]
        if not ids:
            return 0
        # The window bounds the matched visits too: on PostgreSQL only its day partitions are read.
        query = query.where(Visit.id.in_(ids), Visit.checked_in_at >= flag.window_start - timedelta(days=1),
                            Visit.checked_in_at <= flag.window_end + timedelta(days=1))
    else:
        query = query.where(Visit.checked_in_at >= flag.window_start, Visit.checked_in_at < flag.window_end)
    result = db.session.execute(query.values(fabricated=True).execution_options(synchronize_session=False))
    return result.rowcount


def figure_lines(flag):
    """The entry's figures as sentences an official reads (counts only)."""
    f = flag.figures or {}
    if flag.rule == "burst":
        return [_("%(count)d first-time registrations within %(minutes)d minutes from %(addresses)d client "
                  "addresses.", count=f.get("registrations", 0), minutes=f.get("minutes", 0),
                  addresses=f.get("addresses", 0)),
                _("First-time registrations in that time from any address: %(count)d.", count=f.get("in_window", 0))]
    if flag.rule == "hours":
        if f.get("opens_at"):
            hours = _("Opening hours set by the owner: %(opens)s to %(closes)s.",
                      opens=f["opens_at"], closes=f["closes_at"])
        else:
            hours = _("Usual hours learned from %(count)d check-ins of the previous 14 days.",
                      count=f.get("baseline_visits", 0))
        return [_("%(outside)d of %(count)d check-ins more than %(margin)d minutes outside the usual hours.",
                  outside=f.get("outside", 0), count=f.get("checkins", 0), margin=f.get("margin_minutes", 0)),
                hours]
    if flag.rule == "jump":
        return [_("%(count)d check-ins in the day against a daily average of %(average)s over %(days)d days.",
                  count=f.get("checkins", 0), average=f.get("average", 0), days=f.get("days", 14))]
    if flag.rule == "checkout":
        return [_("%(out)d of %(count)d finished visits were checked out (%(rate)s in a hundred).",
                  out=f.get("checked_out", 0), count=f.get("finished", 0), rate=f.get("percent", 0))]
    return []


def evaluated_days(now, tz_name, day=None):
    """The local days the daily job evaluates: the given one, else yesterday and today."""
    if day is not None:
        return [day]
    today = local_date(now, tz_name)
    return [today - timedelta(days=1), today]
