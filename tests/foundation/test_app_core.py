"""The application core: config order, secrets, health, headers, languages."""
import os

import pytest
from sqlalchemy import func, select

import portal
from portal import ConfigurationError, create_app
from portal.config import Defaults
from portal.divisions.models import Division
from portal.divisions.services import load_divisions
from portal.extensions import db

from ..html import check_page


def test_refuses_to_start_without_secret_key_outside_testing(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": None})


def test_environment_overrides_instance_and_test_mapping_overrides_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_BASE_URL", "https://from-env.example.vn/")
    monkeypatch.setenv("PORTAL_RETENTION_DAYS", "14")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                      "PORTAL_RETENTION_DAYS": 7})
    assert app.config["PORTAL_BASE_URL"] == "https://from-env.example.vn"
    assert app.config["PORTAL_RETENTION_DAYS"] == 7


def test_settings_are_read_from_defaults_then_instance_then_environment_then_test_mapping(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "SECRET_KEY", "PORTAL_LOG_LEVEL", "PORTAL_TRACE_DAYS", "PORTAL_CONTACT_MINUTES",
                 "PORTAL_RETENTION_DAYS", "PORTAL_LOOKUP_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "config.py").write_text(
        'SECRET_KEY = "instance-secret-key-that-is-long-enough-0123"\n'
        "PORTAL_TRACE_DAYS = 10\n"
        "PORTAL_CONTACT_MINUTES = 20\n"
        "PORTAL_RETENTION_DAYS = 21\n"
    )
    monkeypatch.setenv("PORTAL_CONTACT_MINUTES", "25")
    monkeypatch.setenv("PORTAL_RETENTION_DAYS", "14")
    monkeypatch.setenv("PORTAL_LOOKUP_LIMIT", "5 per minute")
    app = create_app({"TESTING": True, "PORTAL_RETENTION_DAYS": 7}, instance_path=str(tmp_path))
    config = app.config
    assert app.instance_path == str(tmp_path)
    assert config["PORTAL_LOG_LEVEL"] == Defaults.PORTAL_LOG_LEVEL == "INFO"  # nothing else sets it
    assert Defaults.PORTAL_TRACE_DAYS == 14 and config["PORTAL_TRACE_DAYS"] == 10  # instance over defaults
    assert config["SECRET_KEY"] == "instance-secret-key-that-is-long-enough-0123"
    assert config["PORTAL_CONTACT_MINUTES"] == 25  # environment over instance
    assert Defaults.PORTAL_LOOKUP_LIMIT != "5 per minute" and config["PORTAL_LOOKUP_LIMIT"] == "5 per minute"
    assert config["PORTAL_RETENTION_DAYS"] == 7  # test mapping over environment over instance
    # With no database configured anywhere, the SQLite file lives in the instance folder.
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'portal.sqlite3'}"


def test_the_instance_folder_is_instance_next_to_the_package_by_default(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    expected = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(portal.__file__))), "instance")
    assert app.instance_path == expected


def test_database_url_uses_psycopg3(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/portal")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/portal"


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_security_headers_on_every_page(client):
    for url in ("/", "/auth/login", "/does-not-exist", "/healthz"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_home_page_is_vietnamese_first_and_english_is_remembered(client):
    html = check_page(client.get("/"))
    assert 'lang="vi"' in html and "Quét mã khi vào" in html
    response = client.get("/lang/en?next=/auth/login")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")
    html = check_page(client.get("/"))
    assert 'lang="en"' in html and "Scan when you come in" in html


def test_language_link_never_redirects_elsewhere(client):
    response = client.get("/lang/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"
    response = client.get("/lang/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_unknown_page_is_a_friendly_404_without_traceback(client):
    html = check_page(client.get("/nope"), 404)
    assert "Traceback" not in html


def test_loading_divisions_twice_changes_nothing(app):
    before = db.session.scalar(select(func.count()).select_from(Division))
    assert before > 100  # HCMC has 168 wards and communes since 1 July 2025
    assert load_divisions("79") == (0, 0)
    assert db.session.scalar(select(func.count()).select_from(Division)) == before
    names = set(db.session.scalars(select(Division.name)))
    assert "Phường Thủ Dầu Một" in names  # the former Bình Dương is part of province 79


def test_divisions_cli_rejects_unknown_province(runner):
    result = runner.invoke(args=["divisions", "load", "--province", "999"])
    assert result.exit_code != 0
    assert "999" in result.output


def test_session_cookie_is_httponly_lax_and_secure_behind_https(make_app):
    app = make_app(PORTAL_SECURE_COOKIES=None, PORTAL_BASE_URL="https://vaora.example.vn")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    plain = make_app(PORTAL_SECURE_COOKIES=None, PORTAL_BASE_URL="http://127.0.0.1:8000")
    assert plain.config["SESSION_COOKIE_SECURE"] is False


def test_whether_a_hook_is_a_coroutine_is_asked_once_per_function(app, monkeypatch):
    """Flask asks it of every view and hook at every request; the portal keeps the answer."""
    import flask.app

    asked = []
    real = flask.app.iscoroutinefunction
    monkeypatch.setattr(flask.app, "iscoroutinefunction", lambda func: asked.append(func) or real(func))
    client = app.test_client()
    client.get("/healthz")
    first = len(asked)
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert len(asked) == first  # nothing asked again

    def plain():
        return "x"

    async def waiting():
        return "y"

    assert app.ensure_sync(plain) is plain
    with pytest.raises(RuntimeError, match="async"):  # Flask's own answer: no async extra installed
        app.ensure_sync(waiting)
