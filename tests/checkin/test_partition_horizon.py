"""On PostgreSQL the check-in's statements look only at visits begun before the day after tomorrow
(`statements.partition_horizon`), written into their SQL, so that their plans leave out the
partitions made ahead of time; the visitor sees the same pages."""
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from portal import partitions
from portal.checkin.core.statements import partition_horizon
from portal.clock import utcnow
from portal.extensions import db

from .helpers import register, venue_url, visits
from ..html import hidden_fields

PARTITION = re.compile(r"\bvisits_p(\d{8})\b")


@contextmanager
def statements_with_parameters():
    """Yield a list that fills with the (SQL, parameters) of each statement run."""
    seen = []

    def record(conn, cursor, statement, params, context, executemany):
        seen.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_the_horizon_is_the_day_after_tomorrow_of_the_later_of_the_clock_and_now(app):
    today = utcnow().date()
    with app.test_request_context("/"):
        if db.engine.dialect.name != "postgresql":
            assert partition_horizon(utcnow()) is None  # SQLite keeps one plain table
            return
        assert partition_horizon() == today + timedelta(days=2)
        assert partition_horizon(utcnow() - timedelta(days=40)) == today + timedelta(days=2)
        ahead = utcnow() + timedelta(days=5)  # a clock ahead of this one
        assert partition_horizon(ahead) == ahead.date() + timedelta(days=2)
        assert partition_horizon(ahead.replace(tzinfo=None)) == ahead.date() + timedelta(days=2)


def _partition_days(sql, params):
    plan = db.session.connection().exec_driver_sql("EXPLAIN " + sql, params).scalars().all()
    return {day for line in plan for day in PARTITION.findall(line)}


@pytest.mark.postgresql
def test_the_check_in_s_statements_leave_out_the_partitions_made_ahead(client, make):
    first, second = make.venue(name="A"), make.venue(name="B")
    register(client, first)
    url = venue_url(second)
    with statements_with_parameters() as seen:
        data = hidden_fields(client.get(url).get_data(as_text=True), url)
        response = client.post(url, data=data)
        assert response.status_code == 303
        assert client.get(response.headers["Location"]).status_code == 200
    assert [v.venue_id for v in visits() if v.checked_out_at is None] == [second.id]

    today = partitions.utc_today()
    horizon = today + timedelta(days=2)
    made = set(partitions.days_of(db.session.connection(), "visits"))
    assert {today, horizon, horizon + timedelta(days=1)} <= made  # there is something to leave out
    on_visits = [(sql, params) for sql, params in seen if re.search(r"\bvisits\b", sql)]
    # the venue page's household, the POST's close and insert, the confirmation
    assert len(on_visits) == 3, [sql[:60] for sql, _ in seen]
    for sql, params in on_visits:
        assert f"TIMESTAMP '{horizon.isoformat()}'" in sql
        days = _partition_days(sql, params)
        assert f"{today:%Y%m%d}" in days, sql[:80]
        assert not [day for day in days if day >= f"{horizon:%Y%m%d}"], (sql[:80], days)
