"""A quarantine ends PORTAL_QUARANTINE_DAYS local days (Asia/Ho_Chi_Minh) after the exposure's
local day: an exposure ending at 23:59 and one ending at 00:30 the next local day differ by one."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.cases.views import followed, register, traces
from portal.cases.followups import quarantine_end
from portal.cases.models import CaseContact
from portal.extensions import db

UTC = timezone.utc
# 10:00 on 10 March 2026 in Ho Chi Minh City.
FIXED = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)


def test_quarantine_end_counts_local_days():
    tz = "Asia/Ho_Chi_Minh"
    assert quarantine_end(datetime(2026, 3, 9, 16, 59, tzinfo=UTC), 14, tz) == date(2026, 3, 23)  # 23:59 local
    assert quarantine_end(datetime(2026, 3, 9, 17, 0, tzinfo=UTC), 14, tz) == date(2026, 3, 24)  # 00:00 local
    assert quarantine_end(datetime(2026, 3, 9, 17, 0, tzinfo=UTC), 7, tz) == date(2026, 3, 17)
    # The UTC date would have said 9 March for both.
    assert quarantine_end(datetime(2026, 3, 9, 17, 0, tzinfo=UTC), 14, "UTC") == date(2026, 3, 23)


@pytest.mark.parametrize("days", [14, 7])
def test_f1s_confirmed_across_midnight_at_a_fixed_clock(make_app, make, monkeypatch, days):
    app = make_app(PORTAL_QUARANTINE_DAYS=days)
    with app.app_context():
        from ..factories import Factories, People

        make = Factories(app)
        people = People()
        for pages in (register, traces, followed):
            monkeypatch.setattr(pages, "utcnow", lambda: FIXED)
        ward = make.wards(1)[0]
        venue = make.venue(ward_code=ward.code, name="Bến xe Miền Đông", default_stay_minutes=180)
        case = people.person(name="Trần Văn Ca", phone="0912000201")
        late = people.person(name="Vũ Thị Khuya", phone="0912000202")
        early = people.person(name="Đinh Văn Sớm", phone="0912000203")
        people.visit(case, venue, datetime(2026, 3, 9, 16, 0, tzinfo=UTC), datetime(2026, 3, 9, 17, 40, tzinfo=UTC))
        v_early = people.visit(early, venue, datetime(2026, 3, 9, 16, 0, tzinfo=UTC),
                               datetime(2026, 3, 9, 16, 59, tzinfo=UTC))
        v_late = people.visit(late, venue, datetime(2026, 3, 9, 17, 0, tzinfo=UTC),
                              datetime(2026, 3, 9, 17, 30, tzinfo=UTC))
        tracer = make.user(role="tracer")
        client = app.test_client()
        client.post("/auth/login", data={"phone": tracer.phone, "password": "correct horse battery"})
        response = client.post("/cases/new", data={"phone": "0912000201", "ward": ward.code,
                                                   "positive_on": "2026-03-10", "risk_level": "green",
                                                   "care_place": "home"})
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        ref = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]
        response = client.post(f"/cases/{ref}/contacts?date_from=2026-03-09&date_to=2026-03-10",
                                data={"visit": [v_early.id, v_late.id]})
        assert response.status_code == 302
        rows = {c.full_name: c for c in db.session.scalars(select(CaseContact))}
        assert rows["Đinh Văn Sớm"].quarantine_ends_on == date(2026, 3, 9) + timedelta(days=days)
        assert rows["Vũ Thị Khuya"].quarantine_ends_on == date(2026, 3, 10) + timedelta(days=days)
        html = client.get("/cases/f/").get_data(as_text=True)
        assert (date(2026, 3, 10) + timedelta(days=days)).strftime("%d/%m/%Y") in html
