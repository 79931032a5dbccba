"""Shared fixtures: one migrated database per test session, emptied after each test."""
import base64
import contextvars
import os
import tempfile

import pytest
from sqlalchemy import text

from flask.testing import FlaskClient

from portal import create_app
from portal.extensions import db, limiter

from . import factories

TEST_DATA_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
KEEP_TABLES = {"divisions"}


def _database_url(tmpdir):
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmpdir}/test.sqlite3"


def pytest_collection_modifyitems(config, items):
    """Tests marked `once` and the browser tests (tests/e2e) run in the SQLite pass only: on
    PostgreSQL they are deselected (not skipped), as CI runs the suite on both databases. Tests
    marked `postgresql` (partitions) run in the PostgreSQL pass only."""
    if not os.environ.get("TEST_DATABASE_URL"):
        # Tests of what only PostgreSQL has (partitions) run in the PostgreSQL pass only.
        postgresql_only = [item for item in items if item.get_closest_marker("postgresql") is not None]
        if postgresql_only:
            config.hook.pytest_deselected(items=postgresql_only)
            items[:] = [item for item in items if item.get_closest_marker("postgresql") is None]
        return

    def once(item):
        return item.get_closest_marker("once") is not None or "/e2e/" in f"/{item.nodeid}"

    if any(once(item) for item in items):
        config.hook.pytest_deselected(items=[item for item in items if once(item)])
        items[:] = [item for item in items if not once(item)]


def base_config(tmpdir, **overrides):
    """The configuration every test app starts from."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmpdir),
        "PORTAL_DATA_KEY": TEST_DATA_KEY,
        "PORTAL_BASE_URL": "https://vaora.example.vn",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PORTAL_RATELIMIT_STORAGE_URL": "portal-memory://",
        "PORTAL_SECURE_COOKIES": False,
    }
    config.update(overrides)
    return config


def reset_schema(app):
    """Drop everything, then build the schema from the migrations only."""
    from flask_migrate import upgrade

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            # The primary's tables only: an app built earlier with a reports replica left its
            # bind's metadata on the shared `db`, and this app has no such engine.
            db.drop_all(bind_key=None)
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production, not in the test's.

    Afterwards the test's own session is rolled back, so it ends its read snapshot and
    reloads objects the request may have changed.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        try:
            db.session.rollback()
        except RuntimeError:  # no app context in this test
            pass
        return response


@pytest.fixture(scope="session")
def db_dir():
    with tempfile.TemporaryDirectory(prefix="vaora-test-") as tmpdir:
        yield tmpdir


@pytest.fixture(scope="session")
def _migrated(db_dir):
    app = create_app(base_config(db_dir))
    reset_schema(app)
    with app.app_context():
        from portal.divisions.services import load_divisions

        load_divisions("79")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return True


def empty_tables():
    """Delete every row except the divisions, children first.

    The append-only audit log opens only through its one maintenance path (portal/audit/
    maintenance.py), like `flask audit expire`, and only inside this transaction.
    """
    from portal.audit.maintenance import unlocked
    from portal.clock import utcnow

    db.session.rollback()
    with unlocked("tests: empty every table", utcnow()):
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in KEEP_TABLES | {"audit_maintenance"}:
                db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def make_app(db_dir, _migrated):
    """A factory for apps sharing the test database, with config overrides."""
    apps = []

    def make(**overrides):
        app = create_app(base_config(db_dir, **overrides))
        app.test_client_class = IsolatedClient
        # Flask-Limiter keeps "storage unreachable, count in memory" in its one module-wide
        # object: after a test with Redis down, a new app would count partly in that fallback.
        limiter._storage_dead = False
        apps.append(app)
        return app

    yield make
    if apps:
        with apps[0].app_context():
            empty_tables()
    # Close each app's pooled connections now rather than at garbage collection, so parallel
    # PostgreSQL runs stay under the server's connection limit.
    for made in apps:
        with made.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories bound to the test database: make.owner(), make.venue(owner) …"""
    return factories.Factories(app)


@pytest.fixture
def login(client):
    """Log a user in through the real login form."""

    def do(user, password=factories.PASSWORD):
        response = client.post("/auth/login", data={"phone": user.phone, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do
