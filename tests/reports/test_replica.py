"""PORTAL_REPORTS_DATABASE_URL: the heavy report pages read a second connection; writes stay on the primary.

The "replica" here is a second engine on the test database itself, so both see the same rows and
the statements each engine runs show where every query went.
"""
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from portal.audit.models import AuditEntry
from portal.extensions import REPORTS_BIND, db

from .. import factories
from ..factories import Factories, visit, visitor


@pytest.fixture
def replica_app(make_app):
    url = make_app().config["SQLALCHEMY_DATABASE_URI"]
    app = make_app(PORTAL_REPORTS_DATABASE_URL=url)
    with app.app_context():
        yield app
        db.engines[REPORTS_BIND].dispose()


@contextmanager
def statements():
    """{"primary": [...], "replica": [...]}: the SQL each engine ran meanwhile."""
    seen = {"primary": [], "replica": []}
    engines = {"primary": db.engines[None], "replica": db.engines[REPORTS_BIND]}
    listeners = []
    for name, engine in engines.items():
        def listen(conn, cursor, statement, parameters, context, executemany, name=name):
            seen[name].append(statement)
        event.listen(engine, "before_cursor_execute", listen)
        listeners.append((engine, listen))
    try:
        yield seen
    finally:
        for engine, listen in listeners:
            event.remove(engine, "before_cursor_execute", listen)


def _logged_in(app, user):
    client = app.test_client()
    response = client.post("/auth/login", data={"phone": user.phone, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def _data(app):
    make = Factories(app)
    ward = make.wards(1)[0]
    venue = make.venue(name="Chợ Phú Cường", ward_code=ward.code)
    visit(venue, visitor(), factories.minute_now())
    official = make.user(role="ward_official", wards=[ward])
    admin = make.user(role="province_admin")
    db.session.commit()
    return ward, official, admin


@pytest.mark.parametrize("path", ["/reports/", "/reports/wards/{ward}/", "/reports/wards/{ward}/not-used",
                                  "/reports/periodic", "/reports/periodic.csv", "/reports/high-risk",
                                  "/registry/wards/{ward}/follow-ups"])
def test_report_pages_read_the_replica_and_the_account_from_the_primary(replica_app, path):
    ward, _official, admin = _data(replica_app)
    client = _logged_in(replica_app, admin)
    with statements() as seen:
        response = client.get(path.format(ward=ward.code))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    replica_reads = [s for s in seen["replica"] if s.lstrip().upper().startswith("SELECT")]
    assert replica_reads, "the page read nothing from the replica"
    assert all(s.lstrip().upper().startswith("SELECT") for s in seen["replica"] if not _transaction(s))
    # The primary loaded the account (the role guard) before the page began, and none of its figures.
    primary = [s for s in seen["primary"] if not _transaction(s)]
    assert any("FROM users" in s for s in primary)
    heavy = [s for s in primary if any(f"FROM {table}" in s or f"JOIN {table}" in s
                                       for table in ("visits", "venues", "establishments"))]
    assert not heavy, heavy


def _transaction(statement):
    return statement.strip().upper() in ("BEGIN", "COMMIT", "ROLLBACK", "SELECT 1")


def test_writes_of_a_replica_page_go_to_the_primary(replica_app):
    """A page marked for the replica that writes (here: an audit entry inside the request) writes
    to the primary; nothing is ever sent to the replica but SELECTs."""
    from flask import g

    from portal.audit.services import record
    from portal.clock import utcnow
    from portal.extensions import reads_from_replica

    _ward, official, _admin = _data(replica_app)

    @reads_from_replica
    def page():
        assert g.portal_read_replica
        entry = record(official, None, "own_data", {}, 0, utcnow())
        db.session.commit()
        return entry.id

    with replica_app.test_request_context("/"), statements() as seen:
        entry_id = page()
        assert not g.portal_read_replica  # the mark ends with the page
    assert any("INSERT" in s.upper() and "audit_entries" in s for s in seen["primary"])
    assert not any(not s.lstrip().upper().startswith("SELECT") and not _transaction(s) for s in seen["replica"])
    assert db.session.get(AuditEntry, entry_id) is not None


def test_without_a_reports_database_every_query_goes_to_the_primary(app, client, make, login):
    ward = make.wards(1)[0]
    login(make.user(role="ward_official", wards=[ward]))
    assert REPORTS_BIND not in db.engines
    assert client.get(f"/reports/wards/{ward.code}/").status_code == 200
    assert db.session.scalar(select(AuditEntry.id).limit(1)) is None  # a plain page writes nothing
