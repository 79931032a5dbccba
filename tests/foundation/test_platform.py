"""Times, redirects and the database connection."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from portal.extensions import db
from portal.i18n import local_datetime, safe_next


def test_times_are_stored_utc_and_shown_in_ho_chi_minh_time(app):
    with app.test_request_context("/"):
        late_evening_utc = datetime(2026, 1, 1, 17, 30, tzinfo=timezone.utc)
        assert local_datetime(late_evening_utc) == "02/01/2026 00:30"
        assert local_datetime(late_evening_utc, "time") == "00:30"
        assert local_datetime(None) == ""


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", "javascript:alert(1)", "venues/", "",
])
def test_redirect_targets_stay_on_this_site(target):
    assert safe_next(target, "/fallback") == "/fallback"


@pytest.mark.parametrize("target", ["/", "/venues/new", "/venues/?page=2", "/auth/login?next=/x"])
def test_relative_paths_are_kept(target):
    assert safe_next(target) == target


def test_a_backslash_login_redirect_stays_on_site(client, make):
    from ..factories import PASSWORD

    owner = make.owner()
    response = client.post("/auth/login?next=/\\evil.example",
                           data={"phone": owner.phone, "password": PASSWORD})
    assert response.headers["Location"].endswith("/venues/")


def test_the_database_connection_is_set_up_for_concurrent_workers(app):
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            # WAL: readers never block the writer; the busy timeout makes writers wait their turn.
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10000
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        else:
            assert db.engine.dialect.driver == "psycopg"  # psycopg 3
            assert conn.execute(text("SELECT 1")).scalar() == 1
