"""The audit log: every look-up and export is recorded, without personal data; admins read it."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db

from ..html import check_page
from ..tracing.conftest import open_case, tracer  # noqa: F401  (fixtures)
from ..factories import People

PHONE, CONTACT_PHONE, ID_NUMBER = "0912 400 000", "0912 400 001", "079185004444"


@pytest.fixture
def people(app):
    return People()


@pytest.fixture
def traced(client, open_case, people, make, tracer):  # noqa: F811
    venue = make.venue(name="Nhà Văn Hoá")
    start = people.now - timedelta(days=2)
    f0 = people.person("Hoàng Thị Bệnh", phone=PHONE, id_number=ID_NUMBER)
    people.visit(f0, venue, start, start + timedelta(minutes=60))
    contact = people.person("Đỗ Văn Gần", phone=CONTACT_PHONE)
    people.visit(contact, venue, start, start + timedelta(minutes=60))
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": PHONE})
    client.post(case_url + "lookup", data={"id_number": ID_NUMBER})
    client.get(case_url + "visits")
    client.get(case_url + "contacts?rule=overlap&minutes=20")
    client.get(case_url + "contacts.csv")
    client.post(case_url + "exposures/new", data={
        "venue_code": venue.short_code, "starts_at": f"{start + timedelta(hours=7):%Y-%m-%dT%H:%M}",
        "ends_at": f"{start + timedelta(hours=8):%Y-%m-%dT%H:%M}", "advice": "monitor"})
    client.post("/auth/logout")
    return venue


def test_each_look_up_and_export_writes_who_when_case_what_and_rows(traced, tracer, people):  # noqa: F811
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.row_count) for e in entries] == [
        ("case", 0), ("lookup", 1), ("lookup", 1), ("visits", 1), ("contacts", 1), ("export", 1), ("exposure", 1)]
    assert {e.actor_id for e in entries} == {tracer.id} and {e.actor_role for e in entries} == {"tracer"}
    assert {e.case.reference for e in entries} == {"F0-2021-0917-003"}
    assert all(abs(e.at - people.now) < timedelta(minutes=5) for e in entries)
    assert entries[1].query == "by=phone" and entries[2].query == "by=id_number"
    assert "minutes=20" in entries[4].query and "rule=overlap" in entries[4].query


def test_audit_entries_hold_no_personal_data(traced):
    forbidden = ["Hoàng Thị Bệnh", "Đỗ Văn Gần", ID_NUMBER, "079 185"]
    for phone in (PHONE, CONTACT_PHONE):
        digits = phone.replace(" ", "")
        forbidden += [phone, digits, "+84" + digits[1:], digits[1:]]
    for entry in db.session.scalars(select(AuditEntry)):
        text = " ".join(str(getattr(entry, c.name)) for c in AuditEntry.__table__.columns)
        assert not any(value in text for value in forbidden), text


def test_province_admins_read_the_log_and_nobody_else_does(client, login, make, traced, tracer):  # noqa: F811
    admin = make.user(role="province_admin", name="Quản Trị Tỉnh")
    login(admin)
    html = check_page(client.get("/audit/"))
    assert "F0-2021-0917-003" in html and "Bác sĩ Truy Vết" in html and "by=id_number" in html
    assert "Hoàng Thị Bệnh" not in html and "0912 400 000" not in html
    client.post("/auth/logout")
    for role in ("owner", "staff", "checkpoint", "ward_official", "tracer"):
        login(make.user(role=role, wards=make.wards(1) if role == "ward_official" else ()))
        assert client.get("/audit/").status_code == 404, role
        client.post("/auth/logout")


def test_the_log_pages_and_bad_page_numbers_are_harmless(client, login, make, traced):
    login(make.user(role="province_admin"))
    for page in ("0", "-1", "abc", "99999999999", "2"):
        check_page(client.get(f"/audit/?page={page}"))


def test_audit_entries_cannot_be_changed_or_deleted_through_the_portal(app, client, login, make, traced):
    login(make.user(role="province_admin"))
    entry = db.session.scalar(select(AuditEntry))
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/audit"):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for url in ("/audit/", f"/audit/{entry.id}", f"/audit/{entry.id}/delete", f"/audit/{entry.id}/edit"):
            assert client.open(url, method=method).status_code in (404, 405), (method, url)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.id == entry.id)) is not None


def test_the_province_dashboard_links_to_the_log_with_this_weeks_count(client, login, make, traced):
    login(make.user(role="province_admin"))
    html = check_page(client.get("/reports/"))
    assert "Nhật ký truy cập dữ liệu cá nhân" in html and 'href="/audit/"' in html
    assert "7 ngày qua: 7." in html


def test_the_dashboards_count_is_the_tracers_alone(client, login, make, traced):
    from portal.audit.services import record
    from portal.clock import utcnow

    admin = make.user(role="province_admin")
    record(admin, None, "login_unpause", {"account": 1}, 0, utcnow())
    record(make.user(role="ward_official"), None, "suspend", {"venue": "ABC123"}, 0, utcnow())
    db.session.commit()
    login(admin)
    html = check_page(client.get("/reports/"))
    assert "7 ngày qua: 7." in html
