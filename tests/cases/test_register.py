"""Item 1: a tracer records a confirmed case; its classification changes with a history."""
from datetime import timedelta

from sqlalchemy import func, select, text

from portal.audit.models import AuditEntry
from portal.cases.models import CaseClassification, HealthCase
from portal.clock import local_date, utcnow
from portal.extensions import db
from portal.passes.services import issue_pass

from .conftest import case_form


def _count():
    return db.session.scalar(select(func.count()).select_from(HealthCase))


def test_case_found_by_phone_starts_its_trace(client, scene, record_case, tracer, wards):
    case = record_case()
    assert case.full_name == "Trần Văn Ca" and case.visitor_id == scene["case"].id
    assert case.ward_code == wards[0].code and case.status == "under_care" and case.risk_level == "yellow"
    # The trace is a tracing case about the same person, not a free-text reference.
    assert case.trace_case.visitor_id == scene["case"].id and case.trace_case.reference == case.code
    assert case.code.startswith("F0-")
    page = client.get(f"/cases/{case.ref}/").get_data(as_text=True)
    assert "Trần Văn Ca" in page and f"/tracing/cases/{case.trace_case.ref}/visits" in page
    # The name and phone are encrypted at rest.
    raw = db.session.execute(text("SELECT full_name, phone FROM health_cases")).one()
    assert "Trần".encode() not in bytes(raw[0]) and b"912000101" not in bytes(raw[1])
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == tracer.id)))
    assert {"case", "health_case", "health_view"} <= actions


def test_case_found_by_pass_number(client, scene, record_case):
    card = issue_pass(scene["binh"], utcnow())
    db.session.commit()
    case = record_case(phone="", pass_number=card.token)
    assert case.full_name == "Nguyễn Thị Bình" and case.visitor_id == scene["binh"].id


def test_new_person_entered_by_name(client, record_case):
    case = record_case(phone="", full_name="Đỗ Thị Mới", id_number="079123456789")
    assert case.full_name == "Đỗ Thị Mới" and case.visitor_id is None and case.id_number == "079123456789"
    assert case.trace_case.visitor_id is None
    page = client.get(f"/cases/{case.ref}/").get_data(as_text=True)
    assert f"/tracing/cases/{case.trace_case.ref}/" in page  # look the person up in the check-ins first


def test_bad_input_saves_nothing(client, login, tracer, wards, app):
    login(tracer)
    client.set_cookie("lang", "en")
    today = local_date(utcnow())
    cases = [
        ({"phone": "", "full_name": ""}, "Enter the person"),
        ({"phone": "12"}, "Vietnamese phone number"),
        ({"phone": "", "pass_number": "1234"}, "not a pass number"),
        ({"phone": "0912999999"}, "Nobody was found"),
        ({"positive_on": (today + timedelta(days=1)).isoformat(), "full_name": "A B"}, "cannot be in the future"),
        ({"positive_on": "31/02/2026", "full_name": "A B"}, "day/month/year"),
        ({"ward": "99999", "full_name": "A B"}, "ward of the province"),
        ({"risk_level": "purple", "full_name": "A B"}, "risk level"),
        ({"birth_year": "19x5", "full_name": "A B"}, "year the person was born"),
    ]
    for change, message in cases:
        data = case_form(wards[0], **{"positive_on": today.isoformat(), **change})
        response = client.post("/cases/new", data=data)
        assert response.status_code == 422, (change, response.status_code)
        assert message in response.get_data(as_text=True), change
    assert _count() == 0


def test_classification_changes_keep_their_history(client, scene, record_case, make, login):
    case = record_case()
    for risk, care, status in (("orange", "facility", "under_care"), ("red", "hospital", "under_care"),
                               ("red", "hospital", "recovered")):
        response = client.post(f"/cases/{case.ref}/classify",
                               data={"risk_level": risk, "care_place": care, "status": status})
        assert response.status_code == 302
    db.session.refresh(case)
    history = db.session.scalars(select(CaseClassification).where(CaseClassification.case_id == case.id)
                                 .order_by(CaseClassification.id)).all()
    assert [(h.risk_level, h.care_place, h.status) for h in history] == [
        ("yellow", "home", "under_care"), ("orange", "facility", "under_care"), ("red", "hospital", "under_care"),
        ("red", "hospital", "recovered")]
    assert all(h.changed_by.full_name == "Bác sĩ Truy Vết" for h in history)
    assert case.status == "recovered" and case.closed_at is not None
    # The same classification again is refused, and nothing is added.
    response = client.post(f"/cases/{case.ref}/classify",
                           data={"risk_level": "red", "care_place": "hospital", "status": "recovered"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(CaseClassification)) == 4
    # A province health official changes it back to under care: the case opens again.
    official = make.user(role="province_health")
    login(official)
    response = client.post(f"/cases/{case.ref}/classify",
                           data={"risk_level": "orange", "care_place": "hospital", "status": "under_care"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.closed_at is None
    page = client.get(f"/cases/{case.ref}/").get_data(as_text=True)
    assert page.count("<tr>") >= 5 + 1  # five history rows and the header


def test_one_open_case_per_person(client, scene, record_case, wards):
    record_case()
    client.set_cookie("lang", "en")
    today = local_date(utcnow())
    response = client.post("/cases/new", data=case_form(wards[0], positive_on=today.isoformat()))
    assert response.status_code == 422 and "already has an open case" in response.get_data(as_text=True)
    assert _count() == 1
