"""The one way to delete audit entries: expiry by an administrator, and the tests' clean-up.

The database refuses UPDATE and DELETE on audit_entries (migration 0008) unless the transaction
sees a row in audit_maintenance. `unlocked` adds that row inside the caller's transaction and
removes it before the caller commits, so the lock is open for that one transaction only.
"""
import logging
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import delete, insert

from ..extensions import db
from .models import AuditEntry, AuditMaintenance
from .services import record

log = logging.getLogger(__name__)

#: An audit log outlives the data it describes: entries younger than this are never expired.
MIN_EXPIRY_DAYS = 365


class MaintenanceError(ValueError):
    """The maintenance was refused."""


@contextmanager
def unlocked(reason, now):
    """Let the current transaction change or delete audit entries; the caller commits after.

    On an error the caller must roll back, which also removes the unlocking row.
    """
    db.session.execute(insert(AuditMaintenance).values(reason=reason[:100], opened_at=now))
    log.warning("audit log unlocked for maintenance: %s", reason)
    yield
    # Every row, so that one a crashed run might have committed cannot leave the log open.
    db.session.execute(delete(AuditMaintenance))
    db.session.flush()


def expire_entries(actor, days, now):
    """Delete audit entries older than `days` and record who did it; returns how many.

    Only an active province administrator; `days` at least MIN_EXPIRY_DAYS. The caller commits.
    """
    if actor is None or not actor.is_active or actor.role != "province_admin":
        raise MaintenanceError("only an active province administrator may expire audit entries")
    if days < MIN_EXPIRY_DAYS:
        raise MaintenanceError(f"audit entries are kept at least {MIN_EXPIRY_DAYS} days")
    before = now - timedelta(days=days)
    with unlocked(f"expire entries older than {days} days", now):
        result = db.session.execute(
            delete(AuditEntry).where(AuditEntry.at < before).execution_options(synchronize_session=False)
        )
    count = result.rowcount
    # Written after the lock closed, and younger than `before`: the expiry itself stays on record.
    record(actor, None, "expire", {"days": days, "before": before.date().isoformat()}, count, now)
    return count
