"""Writing and reading audit entries. Nothing here changes or deletes one (expiry: maintenance.py)."""
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

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
           # A scanner referred a person to health staff (an active case or contact under
           # quarantine) instead of letting them in or through (portal/staff/scanning.py).
           "scan_refer",
           # A health official saw a ward's risk-group list: names of people to test (portal/rounds).
           "risk_group",
           # A province administrator on an account: a login pause lifted, a new first password.
           "login_unpause", "new_password",
           # An administrator expired old audit entries (portal/audit/maintenance.py).
           "expire",
           # A province administrator downloaded the audit log itself (portal/audit/routes.py).
           "audit_export",
           # An account holder downloaded what the portal keeps about them (portal/privacy/account.py).
           "own_data",
           # A ward official's data request made in person (portal/privacy/requests.py): finding the
           # person, opening the request, seeing the person on its page, handing over their data file,
           # correcting, deleting, closing it.
           "request_find", "request_open", "request_view", "request_data", "request_correct",
           "request_delete", "request_done",
           # A ward official or province administrator decided on a suspicious-check-ins entry
           # (portal/inspection/flags.py): fine, or fabricated (its visits leave every count).
           "flag_reviewed", "flag_fabricated",
           # The case register (portal/cases): a case recorded, a case or contact's page seen, a list
           # of cases or contacts seen, a classification changed, contacts followed up, a test
           # recorded, a contact's ward or quarantine changed.
           "health_case", "health_view", "health_list", "health_classify", "health_contact", "health_test",
           "health_update")


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


def _with_names():
    """The log and its export name each entry's actor and case: loaded with the entries, not row by row."""
    # Built when asked, not at import: options configure the mappers, and every model must be mapped first.
    return joinedload(AuditEntry.actor), joinedload(AuditEntry.case)


def _conditions(case_id=None, where=None):
    """SQL conditions for a case and an AuditFilter (portal/audit/filters.py)."""
    conditions = list(where.conditions()) if where is not None else []
    if case_id is not None:
        conditions.append(AuditEntry.case_id == case_id)
    return conditions


def entries_page(page, per_page=50, case_id=None, where=None):
    """(entries, total) for one page of the audit log, newest first, narrowed by an AuditFilter."""
    conditions = _conditions(case_id, where)
    total = db.session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    entries = db.session.scalars(
        select(AuditEntry).options(*_with_names()).where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return entries, total


def entries_for_export(where, limit):
    """At most `limit` entries matching an AuditFilter, newest first."""
    return db.session.scalars(
        select(AuditEntry).options(*_with_names()).where(*_conditions(where=where))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).all()


def entries_since(moment, actions=TRACER_ACTIONS):
    """How many audit entries of these actions (by default the tracers') were written since `moment`."""
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry)
        .where(AuditEntry.at >= moment, AuditEntry.action.in_(actions))
    )
