"""The live figures of the province's record of processing (`flask data record`).

docs/data-protection.md describes what the portal keeps, why and for how long; these are the
figures that go with it: how many rows each category of data holds, the oldest row's time (UTC),
and how many accounts each role has. Counts only: nothing here reads a name, a phone or a visit.
The counts are exact, so on a province's full database the command may take a minute.
"""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from ..audit.models import AuditEntry
from ..auth.models import ROLES, User
from ..checkin.models import RegistrationAddress, Visit
from ..extensions import db
from ..passes.models import Pass
from ..registry.models import Establishment, FollowUp
from ..staff.models import Crossing, Scan
from ..tracing.models import Case, Exposure, ExposureNotice
from ..venues.models import Venue
from ..visitors.models import Device, ErasureLog, Visitor
from .models import DataRequest


@dataclass(frozen=True)
class Category:
    """One category of data in the record: its key, how the output names it, and its rows."""

    key: str
    label: str
    model: type
    #: The column whose smallest value is the oldest row's time.
    time_column: str
    #: Extra conditions narrowing the table to this category (profiles vs dependents).
    where: tuple = ()


def categories():
    """The categories, in the record's order: people's data first, then officials' and accounts'."""
    return (
        Category("visitor_profiles", "visitor profiles", Visitor, "created_at", (Visitor.lead_id.is_(None),)),
        Category("dependents", "dependents", Visitor, "created_at", (Visitor.lead_id.is_not(None),)),
        Category("devices", "remembered devices", Device, "created_at"),
        Category("visits", "visits", Visit, "checked_in_at"),
        Category("registration_addresses", "registrations' address hashes", RegistrationAddress, "registered_at"),
        Category("passes", "passes", Pass, "issued_at"),
        Category("scans", "pass scans", Scan, "scanned_at"),
        Category("crossings", "checkpoint crossings", Crossing, "crossed_at"),
        Category("cases", "cases", Case, "created_at"),
        Category("exposures", "exposure windows", Exposure, "created_at"),
        Category("exposure_notices", "exposure warnings", ExposureNotice, "created_at"),
        Category("venues", "venues", Venue, "created_at"),
        Category("establishments", "registry establishments", Establishment, "imported_at"),
        Category("follow_ups", "follow-ups", FollowUp, "created_at"),
        Category("data_requests", "data requests received in person", DataRequest, "received_at"),
        Category("erasures", "deletions carried out (counts only)", ErasureLog, "at"),
        Category("accounts", "accounts", User, "created_at"),
        Category("audit_entries", "audit entries", AuditEntry, "at"),
    )


def _figures_of(category):
    """(rows, oldest time or None) of one category."""
    column = getattr(category.model, category.time_column)
    count, oldest = db.session.execute(
        select(func.count(), func.min(column)).select_from(category.model).where(*category.where)
    ).one()
    return int(count), oldest


def accounts_by_role():
    """{role: accounts}, every known role listed (0 when none), then any other role found."""
    found = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    counts = {role: int(found.pop(role, 0)) for role in ROLES}
    counts.update({role: int(n) for role, n in sorted(found.items())})
    return counts


def figures(now):
    """Everything `flask data record` prints, as a dict ready for JSON or text."""
    rows = {}
    for category in categories():
        count, oldest = _figures_of(category)
        rows[category.key] = {"label": category.label, "rows": count, "oldest": oldest}
    return {
        "as_of": now,
        "database": db.engine.dialect.name,
        "retention_days": int(current_app.config["PORTAL_RETENTION_DAYS"]),
        "data_key_set": bool(current_app.config.get("PORTAL_DATA_KEY")),
        "categories": rows,
        "accounts_by_role": accounts_by_role(),
    }


def utc_text(moment):
    """A time as `2026-12-03 08:15 UTC`; `none` when there is none."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "none"


def as_lines(found):
    """The figures as plain text, one line per figure, in a wording that stays the same."""
    lines = [
        f"as of: {utc_text(found['as_of'])}",
        f"database: {found['database']}",
        f"retention period (PORTAL_RETENTION_DAYS): {found['retention_days']} days",
        f"personal data encrypted (PORTAL_DATA_KEY set): {'yes' if found['data_key_set'] else 'no'}",
    ]
    for figure in found["categories"].values():
        lines.append(f"{figure['label']}, rows: {figure['rows']}")
        lines.append(f"{figure['label']}, oldest: {utc_text(figure['oldest'])}")
    for role, count in found["accounts_by_role"].items():
        lines.append(f"accounts with role {role}: {count}")
    return lines


def as_json(found):
    """The figures as a JSON-ready dict: times as ISO 8601 in UTC (or null)."""
    def iso(moment):
        return moment.isoformat(timespec="seconds") if moment is not None else None

    return {
        **found,
        "as_of": iso(found["as_of"]),
        "categories": {key: {**figure, "oldest": iso(figure["oldest"])}
                       for key, figure in found["categories"].items()},
    }
