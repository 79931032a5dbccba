"""Set-up commands: instance config, divisions and demo data are each made once."""
import base64
import os
import stat

import pytest
from sqlalchemy import func, select

from portal import ConfigurationError, create_app
from portal.auth.models import User
from portal.bootstrap import write_config
from portal.demo.cli import ACCOUNTS, VENUES
from portal.divisions.models import Division
from portal.extensions import db
from portal.venues.models import Venue


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_write_config_writes_fresh_secrets_once(tmp_path):
    instance = tmp_path / "instance"
    assert write_config(str(instance)) is True
    path = instance / "config.py"
    first = path.read_text()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

    settings = {}
    exec(first, settings)  # noqa: S102 - our own generated file
    assert len(settings["SECRET_KEY"]) >= 32
    assert len(base64.urlsafe_b64decode(settings["PORTAL_DATA_KEY"])) == 32

    assert write_config(str(instance)) is False
    assert path.read_text() == first
    other = tmp_path / "other"
    write_config(str(other))
    assert (other / "config.py").read_text() != first  # random, not a default


def test_the_written_config_lets_the_app_start_outside_testing(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", "PORTAL_DATA_KEY"):
        monkeypatch.delenv(name, raising=False)
    write_config(str(tmp_path))
    settings = {}
    exec((tmp_path / "config.py").read_text(), settings)  # noqa: S102
    app = create_app({"SECRET_KEY": settings["SECRET_KEY"],
                      "PORTAL_DATA_KEY": settings["PORTAL_DATA_KEY"],
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert not app.testing and not app.debug


@pytest.mark.parametrize("secret", [None, "", "too-short-secret"])
def test_refuses_to_start_without_a_real_secret_key(monkeypatch, tmp_path, secret):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": secret,
                    "PORTAL_DATA_KEY": base64.urlsafe_b64encode(b"k" * 32).decode()})


def test_refuses_to_start_without_a_data_key(monkeypatch, tmp_path):
    monkeypatch.delenv("PORTAL_DATA_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="PORTAL_DATA_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                    "SECRET_KEY": "s" * 40, "PORTAL_DATA_KEY": None})


def test_debug_and_testing_start_without_secrets(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    uri = f"sqlite:///{tmp_path}/x.db"
    create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": None, "TESTING": True})
    create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": None, "DEBUG": True})


def test_every_portal_setting_can_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_SQLITE_BUSY_TIMEOUT_MS", "2500")
    monkeypatch.setenv("PORTAL_SECURE_COOKIES", "yes")
    monkeypatch.setenv("PORTAL_LOCALES", "vi, en")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["PORTAL_SQLITE_BUSY_TIMEOUT_MS"] == 2500
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PORTAL_LOCALES"] == ("vi", "en")


def test_flask_divisions_load_twice_changes_nothing(runner):
    before = count(Division)
    result = runner.invoke(args=["divisions", "load"])
    assert result.exit_code == 0, result.output
    assert "province 79: 0 added, 0 updated" in result.output
    result = runner.invoke(args=["divisions", "load", "--province", "79"])
    assert "0 added, 0 updated" in result.output
    assert count(Division) == before == 168


def test_flask_demo_load_twice_creates_the_demo_data_once(app, runner, monkeypatch, tmp_path):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert count(User) == len(ACCOUNTS)
    assert count(Venue) == sum(len(v) for v in VENUES.values())
    roles = set(db.session.scalars(select(User.role)))
    assert {"province_admin", "ward_official", "owner"} <= roles

    logins = (tmp_path / "demo-logins.txt").read_text()
    assert stat.S_IMODE(os.stat(tmp_path / "demo-logins.txt").st_mode) == 0o600
    for _role, _name, phone in ACCOUNTS:
        assert phone in first.output and phone in logins

    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert count(User) == len(ACCOUNTS)
    assert count(Venue) == sum(len(v) for v in VENUES.values())
    assert second.output == first.output  # the same logins, printed again


def test_demo_logins_work(app, client, runner, monkeypatch, tmp_path):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    runner.invoke(args=["demo", "load"])
    for line in (tmp_path / "demo-logins.txt").read_text().splitlines():
        role, phone, password = line.split()
        response = client.post("/auth/login", data={"phone": phone, "password": password})
        assert response.status_code == 302, line
        client.post("/auth/logout")
