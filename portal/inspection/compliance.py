"""QR compliance as a safety condition: each venue's state and the reasons for it.

A venue meets the conditions when it is active, matched to the ward's registry of establishments,
its last inspection (not older than a setting) found it meeting them, people scanned in recently
and enough of them scanned out. Each finding is a Reason with the state it leads to; the venue's
state is the worst of them. Figures are counts only, never who visited.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..checkin.figures import closed_visit, counted, percent, proper_exit
from ..checkin.models import Visit
from ..clock import local_date
from ..extensions import db
from ..registry.models import Establishment
from .models import Inspection

#: The states, from best to worst.
STATES = {
    "meets": _l("Meets the conditions"),
    "unknown": _l("Not inspected or unknown"),
    "to_fix": _l("To fix"),
    "not_compliant": _l("Not compliant"),
}
_RANK = {state: rank for rank, state in enumerate(STATES)}
CHUNK = 500  # venue ids per query (SQLite's bound parameters)


@dataclass(frozen=True)
class Thresholds:
    """The PORTAL_COMPLIANCE_* settings."""

    scan_days: int = 7
    checkout_percent: int = 50
    checkout_visits: int = 20
    inspection_days: int = 365
    certificate_days: int = 90

    @classmethod
    def from_config(cls, config):
        """The thresholds of an app's config."""
        return cls(scan_days=int(config["PORTAL_COMPLIANCE_SCAN_DAYS"]),
                   checkout_percent=int(config["PORTAL_COMPLIANCE_CHECKOUT_PERCENT"]),
                   checkout_visits=int(config["PORTAL_COMPLIANCE_CHECKOUT_VISITS"]),
                   inspection_days=int(config["PORTAL_COMPLIANCE_INSPECTION_DAYS"]),
                   certificate_days=int(config["PORTAL_COMPLIANCE_CERTIFICATE_DAYS"]))


def _day(value):
    return value.strftime("%d/%m/%Y")


def _what(p):
    """What an inspection asks to fix: its note and the checklist questions answered no."""
    parts = [p["note"]] if p.get("note") else []
    if p.get("missing"):
        parts.append(_("missing: %(items)s", items="; ".join(str(label) for label in p["missing"])))
    return " — ".join(parts) or _("see the inspection")


#: Each reason's text, translated when shown; `p` holds its figures.
REASON_TEXTS = {
    "suspended": lambda p: _("The venue is suspended."),
    "violation": lambda p: _("The inspection of %(day)s found a violation: %(what)s", day=p["day"],
                             what=_what(p)),
    "fix_overdue": lambda p: _("The inspection of %(day)s asked to fix by %(fix_by)s and that date has "
                               "passed: %(what)s", day=p["day"], fix_by=p["fix_by"], what=_what(p)),
    "to_fix": lambda p: _("To fix by %(fix_by)s (inspection of %(day)s): %(what)s", day=p["day"],
                          fix_by=p["fix_by"], what=_what(p)),
    "no_scans": lambda p: _("No check-in in the last %(days)d days.", **p),
    "low_checkout": lambda p: _("Only %(share)d in 100 finished visits of the last %(days)d days were checked "
                                "out by the visitor; at least %(least)d are needed.", **p),
    "never_inspected": lambda p: _("Never inspected."),
    "inspection_old": lambda p: _("The last inspection, on %(day)s, is older than %(days)d days.", **p),
    "not_matched": lambda p: _("Not matched to the ward's registry of establishments."),
    "departed": lambda p: _("The establishment %(number)s has left the registry.", **p),
    # What a venue meeting the conditions shows.
    "inspected_meets": lambda p: _("The inspection of %(day)s found it meeting the conditions.", **p),
    "scans": lambda p: _("%(count)d check-ins in the last %(days)d days.", **p),
    "checkout_ok": lambda p: _("%(share)d in 100 finished visits checked out by the visitor.", **p),
    "checkout_few": lambda p: _("Too few finished visits (%(closed)d) to judge check-outs.", **p),
    "matched": lambda p: _("Matched to the registry: %(number)s.", **p),
}


@dataclass(frozen=True)
class Reason:
    """One finding: its code, the state it leads to, its figures."""

    code: str
    state: str
    params: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def text(self):
        return REASON_TEXTS[self.code](self.params)


@dataclass
class Compliance:
    """A venue's compliance: the state, the reasons for it (problems first), and its figures."""

    venue: object
    state: str
    reasons: list
    checkins: int = 0
    share: int | None = None
    inspection: object = None
    establishment: object = None

    @property
    def state_label(self):
        return STATES[self.state]

    @property
    def meets(self):
        return self.state == "meets"

    def texts(self):
        """The reasons as translated sentences."""
        return [r.text for r in self.reasons]


def _fix(inspection):
    return {"note": inspection.note or "", "missing": inspection.missing()}


def _inspection_reasons(inspection, today, t, tz_name):
    if inspection is None:
        return [Reason("never_inspected", "unknown")]
    day = local_date(inspection.inspected_at, tz_name)
    if (today - day).days > t.inspection_days:
        return [Reason("inspection_old", "unknown", {"day": _day(day), "days": t.inspection_days})]
    if inspection.result == "violation":
        return [Reason("violation", "not_compliant", {"day": _day(day), **_fix(inspection)})]
    if inspection.result == "to_fix":
        params = {"day": _day(day), **_fix(inspection),
                  "fix_by": _day(inspection.fix_by) if inspection.fix_by else "?"}
        if inspection.fix_by is not None and inspection.fix_by < today:
            return [Reason("fix_overdue", "not_compliant", params)]
        return [Reason("to_fix", "to_fix", params)]
    return [Reason("inspected_meets", "meets", {"day": _day(day)})]


def _registry_reasons(establishment):
    if establishment is None:
        return [Reason("not_matched", "unknown")]
    if establishment.status != "listed":
        return [Reason("departed", "unknown", {"number": establishment.registration_number})]
    return [Reason("matched", "meets", {"number": establishment.registration_number})]


def _scan_reasons(counts, t):
    checkins, closed, proper = counts
    if not checkins:
        return [Reason("no_scans", "not_compliant", {"days": t.scan_days})], None
    reasons = [Reason("scans", "meets", {"count": checkins, "days": t.scan_days})]
    share = percent(proper, closed)
    if closed < max(t.checkout_visits, 1):
        reasons.append(Reason("checkout_few", "meets", {"closed": closed}))
    elif share < t.checkout_percent:
        reasons.append(Reason("low_checkout", "not_compliant",
                              {"share": share, "days": t.scan_days, "least": t.checkout_percent}))
    else:
        reasons.append(Reason("checkout_ok", "meets", {"share": share}))
    return reasons, share


def judge(venue, *, establishment, inspection, counts, today, thresholds, tz_name=None):
    """The Compliance of one venue from what is known about it (no database access)."""
    reasons = [Reason("suspended", "not_compliant")] if venue.status == "suspended" else []
    reasons += _inspection_reasons(inspection, today, thresholds, tz_name)
    scan_reasons, share = _scan_reasons(counts, thresholds)
    reasons += scan_reasons + _registry_reasons(establishment)
    state = max((r.state for r in reasons), key=_RANK.__getitem__)
    # A venue that does not meet the conditions lists only what is wrong.
    shown = [r for r in reasons if r.state != "meets"] if state != "meets" else reasons
    shown.sort(key=lambda r: -_RANK[r.state])
    return Compliance(venue=venue, state=state, reasons=shown, checkins=counts[0], share=share,
                      inspection=inspection, establishment=establishment)


def _chunks(ids):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _latest_inspections(ids):
    found = {}
    for part in _chunks(ids):
        ranked = select(Inspection.id, func.row_number().over(
            partition_by=Inspection.venue_id,
            order_by=(Inspection.inspected_at.desc(), Inspection.id.desc())).label("n")
        ).where(Inspection.venue_id.in_(part)).subquery()
        for inspection in db.session.scalars(
                select(Inspection).join(ranked, ranked.c.id == Inspection.id).where(ranked.c.n == 1)):
            found[inspection.venue_id] = inspection
    return found


def _establishments(ids):
    found = {}
    for part in _chunks(ids):
        for est in db.session.scalars(select(Establishment).where(Establishment.venue_id.in_(part))):
            found[est.venue_id] = est
    return found


def _counts(ids, now, days):
    found = {}
    since = now - timedelta(days=days)
    for part in _chunks(ids):
        for venue_id, checkins, closed, proper in db.session.execute(
                select(Visit.venue_id, func.count(), func.sum(closed_visit()), func.sum(proper_exit()))
                .where(Visit.venue_id.in_(part), Visit.checked_in_at >= since, Visit.checked_in_at <= now,
                       counted())
                .group_by(Visit.venue_id)):
            found[venue_id] = (int(checkins), int(closed or 0), int(proper or 0))
    return found


def compliance_of_venues(venues, now, thresholds, tz_name=None):
    """{venue id: Compliance} of these venues at `now`, in a few queries."""
    ids = [v.id for v in venues]
    inspections, establishments = _latest_inspections(ids), _establishments(ids)
    counts = _counts(ids, now, thresholds.scan_days)
    today = local_date(now, tz_name)
    return {v.id: judge(v, establishment=establishments.get(v.id), inspection=inspections.get(v.id),
                        counts=counts.get(v.id, (0, 0, 0)), today=today, thresholds=thresholds,
                        tz_name=tz_name)
            for v in venues}


def compliance_of(venue, now, thresholds, tz_name=None):
    """One venue's Compliance at `now`."""
    return compliance_of_venues([venue], now, thresholds, tz_name)[venue.id]
