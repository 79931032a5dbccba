"""The audit log is append-only in the database itself; expiry is one audited, documented path."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from portal.audit.maintenance import MaintenanceError, expire_entries, unlocked
from portal.audit.models import AuditEntry, AuditMaintenance
from portal.audit.services import record
from portal.extensions import db
from portal.clock import utcnow

from ..html import check_page

TAMPERING = [
    "UPDATE audit_entries SET query = 'nothing happened' WHERE id = :id",
    "UPDATE audit_entries SET actor_id = actor_id WHERE id = :id",
    "DELETE FROM audit_entries WHERE id = :id",
    "DELETE FROM audit_entries",
]


@pytest.fixture
def logged(make):
    """Two entries by a tracer: one 400 days old, one 10 days old."""
    tracer = make.user(role="tracer")
    now = utcnow()
    old = record(tracer, None, "lookup", {"by": "phone"}, 1, now - timedelta(days=400))
    recent = record(tracer, None, "lookup", {"by": "id_number"}, 2, now - timedelta(days=10))
    db.session.commit()
    return old.id, recent.id


def _entries():
    return db.session.execute(select(AuditEntry.id, AuditEntry.query, AuditEntry.action).order_by(AuditEntry.id)).all()


def test_plain_sql_cannot_change_or_delete_an_audit_entry(logged):
    before = _entries()
    db.session.rollback()  # the test's own read must not hold a lock TRUNCATE would wait for
    statements = TAMPERING + (["TRUNCATE audit_entries"] if db.engine.dialect.name == "postgresql" else [])
    for statement in statements:
        with db.engine.connect() as conn:
            with pytest.raises(DBAPIError, match="append-only"):
                conn.execute(text(statement), {"id": logged[0]})
            conn.rollback()
    db.session.rollback()
    assert _entries() == before and len(before) == 2


def test_expiry_deletes_only_old_entries_and_is_itself_recorded(app, logged, make, runner):
    admin = make.user(role="province_admin", name="Quản Trị Tỉnh")
    result = runner.invoke(args=["audit", "expire", "--as", admin.phone, "--days", "365"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 audit entries" in result.output
    db.session.rollback()
    remaining = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.id for e in remaining[:-1]] == [logged[1]]
    expiry = remaining[-1]
    assert (expiry.action, expiry.actor_id, expiry.actor_role, expiry.row_count) == (
        "expire", admin.id, "province_admin", 1)
    assert "days=365" in expiry.query
    # The lock is closed again: nothing of the maintenance is left to open it.
    assert db.session.scalar(select(func.count()).select_from(AuditMaintenance)) == 0
    with db.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("DELETE FROM audit_entries"))


def test_the_expiry_shows_on_the_audit_page(client, login, logged, make):
    admin = make.user(role="province_admin")
    expire_entries(admin, 365, utcnow())
    db.session.commit()
    login(admin)
    html = check_page(client.get("/audit/"))
    assert "Xoá các mục nhật ký cũ hơn thời hạn đã cho" in html and "days=365" in html


@pytest.mark.parametrize("role", ["tracer", "ward_official", "owner"])
def test_only_a_province_administrator_may_expire(logged, make, runner, role):
    other = make.user(role=role, wards=make.wards(1) if role == "ward_official" else ())
    result = runner.invoke(args=["audit", "expire", "--as", other.phone, "--days", "365"])
    assert result.exit_code != 0 and "only an active province administrator" in result.output
    db.session.rollback()
    assert len(_entries()) == 2


def test_recent_entries_cannot_be_expired(logged, make, runner):
    admin = make.user(role="province_admin")
    result = runner.invoke(args=["audit", "expire", "--as", admin.phone, "--days", "30"])
    assert result.exit_code != 0 and "365" in result.output
    with pytest.raises(MaintenanceError):
        expire_entries(admin, 30, utcnow())
    db.session.rollback()
    assert len(_entries()) == 2


def test_a_failed_maintenance_leaves_the_log_locked(logged):
    with pytest.raises(RuntimeError):
        with unlocked("a run that fails half-way", utcnow()):
            db.session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": logged[0]})
            raise RuntimeError("disk full")
    db.session.rollback()
    assert len(_entries()) == 2
    assert db.session.scalar(select(func.count()).select_from(AuditMaintenance)) == 0
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": logged[0]})
    db.session.rollback()
