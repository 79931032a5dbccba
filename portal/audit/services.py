"""Writing and reading audit entries. Nothing here changes or deletes one (expiry: maintenance.py)."""
from sqlalchemy import func, select

from ..extensions import db
from .models import AuditEntry

#: What a tracer did with visitors' personal data (the province dashboard counts these).
TRACER_ACTIONS = ("case", "lookup", "visits", "contacts", "export", "exposure")

#: Every action an entry may record; the audit page shows their labels.
ACTIONS = (*TRACER_ACTIONS,
           "suspend", "reopen",
           # Venue staff: a phone look-up, an assisted check-in or check-out; a pass card
           # printed for someone else.
           "assist_lookup", "assist_in", "assist_out", "card",
           # A province administrator on an account: a login pause lifted, a new first password.
           "login_unpause", "new_password",
           # An administrator expired old audit entries (portal/audit/maintenance.py).
           "expire")


def describe(params):
    """Parameters as `key=value` pairs in a fixed order; values must never be personal data."""
    parts = []
    for key in sorted(params):
        value = params[key]
        if value is None or value == "":
            continue
        parts.append(f"{key}={value}")
    return " ".join(parts)[:300]


def record(actor, case, action, params, row_count, now):
    """Add one audit entry for a look-up or export by `actor` for `case`."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action}")
    entry = AuditEntry(
        at=now,
        actor_id=actor.id,
        actor_role=actor.role,
        case_id=case.id if case is not None else None,
        action=action,
        query=describe(params),
        row_count=int(row_count),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries_page(page, per_page=50, case_id=None):
    """(entries, total) for one page of the audit log, newest first."""
    query = select(AuditEntry)
    count = select(func.count()).select_from(AuditEntry)
    if case_id is not None:
        query = query.where(AuditEntry.case_id == case_id)
        count = count.where(AuditEntry.case_id == case_id)
    total = db.session.scalar(count)
    entries = db.session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return entries, total


def entries_since(moment, actions=TRACER_ACTIONS):
    """How many audit entries of these actions (by default the tracers') were written since `moment`."""
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry)
        .where(AuditEntry.at >= moment, AuditEntry.action.in_(actions))
    )
