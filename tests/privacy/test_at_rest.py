"""A copy of the database file, and the logs, show no visitor's phone number in clear."""
import io
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import create_app
from portal.divisions.services import load_divisions
from portal.extensions import db
from portal.clock import utcnow
from portal.passes.services import pass_for
from portal.visitors.models import Visitor

from ..checkin.helpers import register, tap_check_in
from ..conftest import IsolatedClient, base_config, reset_schema
from ..factories import PASSWORD, Factories

PHONES = ("0912 345 678", "0988 765 432")


def _forms(phone):
    """Every way a phone number could appear in clear text."""
    digits = phone.replace(" ", "")
    return {phone, digits, "+84" + digits[1:], "84" + digits[1:], digits[1:], phone.replace(" ", ".")}


@pytest.fixture
def file_app(tmp_path, _migrated):
    """An app on its own SQLite file (whatever database the suite uses), migrated and with wards."""
    path = tmp_path / "copy.sqlite3"
    app = create_app(base_config(str(tmp_path), SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}"))
    app.test_client_class = IsolatedClient
    reset_schema(app)
    with app.app_context():
        load_divisions("79")
        db.session.commit()
    yield app, path
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def captured_logs():
    """Everything logged at any level while the test runs (werkzeug, SQLAlchemy, the portal)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    # Alembic's fileConfig disables the loggers that existed when the migrations ran: wake them,
    # and log every SQL statement with its parameters too.
    loggers = [lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    saved = [(lg, lg.disabled, lg.level) for lg in loggers + [root]]
    for logger in loggers:
        logger.disabled = False
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    for logger, disabled, level in saved:
        logger.disabled, logger.level = disabled, level


def test_database_file_and_logs_hold_no_phone_in_clear(file_app, captured_logs):
    app, path = file_app
    with app.app_context():
        make = Factories(app)
        market, shop = make.venue(name="Chợ Mới"), make.venue(name="Tiệm Tạp Hoá")
        tracer = make.user(role="tracer")
        visitor_client, other_client, tracer_client = app.test_client(), app.test_client(), app.test_client()
        register(visitor_client, market, name="Nguyễn Văn An", phone=PHONES[0])
        register(other_client, market, name="Trần Thị Bình", phone=PHONES[1])
        visitor_client.post("/me/dependents/new", data={"full_name": "Bé Na", "birth_year": "2018"})
        tap_check_in(visitor_client, shop)
        for person in db.session.scalars(select(Visitor)):
            pass_for(person, utcnow())
        db.session.commit()
        tracer_client.post("/auth/login", data={"phone": tracer.phone, "password": PASSWORD})
        case_url = tracer_client.post("/tracing/cases/new", data={"reference": "F0-FILE", "purpose": "Tìm F1"}
                                      ).headers["Location"]
        tracer_client.post(case_url + "lookup", data={"phone": PHONES[0]})
        assert "Trần Thị Bình" in tracer_client.get(case_url + "contacts?rule=hour").get_data(as_text=True)
        assert PHONES[1] in tracer_client.get(case_url + "contacts.csv?rule=hour").get_data().decode("utf-8")
        start = utcnow() - timedelta(hours=1)
        tracer_client.post(case_url + "exposures/new", data={
            "venue_code": market.short_code, "starts_at": f"{start + timedelta(hours=7):%Y-%m-%dT%H:%M}",
            "ends_at": f"{utcnow() + timedelta(hours=7):%Y-%m-%dT%H:%M}", "advice": "test"})
        tracer_client.post(case_url + "lookup", data={"phone": "0912 000 999"})  # unknown: audited, not logged
        visitor_client.get("/me")
        app.test_cli_runner().invoke(args=["data", "purge"])
        db.session.remove()
        db.engine.dispose()
    stored = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        file = path.with_name(path.name + suffix)
        if file.exists():
            stored += file.read_bytes()
    assert len(stored) > 100_000 and "Chợ Mới".encode() in stored  # the copy is real, venues are in clear
    logged = captured_logs.getvalue()
    assert "INSERT INTO visitors" in logged and "purge older than" in logged  # the logs were captured
    for phone in PHONES + ("0912 000 999",):
        for form in _forms(phone):
            assert form.encode() not in stored, form
            assert form not in logged, form
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Bé Na"):
        assert name.encode() not in stored and name not in logged
