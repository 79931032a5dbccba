"""Item 2: contacts of a case's trace confirmed as F1s; an F1 tested positive becomes a case with
the link kept; F2s from an F1's own trace; checkpoint crossings stay events of the trace."""
from datetime import timedelta

from sqlalchemy import func, select

from portal.checkin.models import Visit
from portal.cases.models import CaseContact, CaseTest, HealthCase
from portal.clock import local_date, utcnow
from portal.extensions import db


def _f1s(case):
    return {c.full_name: c for c in db.session.scalars(select(CaseContact).where(CaseContact.case_id == case.id))}


def test_contacts_confirmed_into_f1s(client, scene, record_case, wards, app):
    case = record_case()
    page = client.get(f"/cases/{case.ref}/contacts")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Nguyễn Thị Bình" in html and "Lê Văn Cường" in html and "Phạm Văn Dũng" not in html
    visits = scene["visits"]
    response = client.post(f"/cases/{case.ref}/contacts",
                           data={"visit": [visits["binh"].id, visits["cuong"].id], "residence": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.ref}/")
    f1s = _f1s(case)
    assert set(f1s) == {"Nguyễn Thị Bình", "Lê Văn Cường"}
    binh = f1s["Nguyễn Thị Bình"]
    assert binh.level == "F1" and binh.venue_id == scene["venue"].id and binh.status == "quarantine"
    assert binh.overlap_minutes == 45 and binh.exposed_at == visits["binh"].checked_out_at
    # No residence recorded: the ward of the exposure venue.
    assert binh.ward_code == wards[0].code and binh.residence_ward_code is None
    days = app.config["PORTAL_QUARANTINE_DAYS"]
    assert binh.quarantine_ends_on == local_date(binh.exposed_at) + timedelta(days=days)
    # Confirming the same people again adds nobody.
    client.post(f"/cases/{case.ref}/contacts", data={"visit": [visits["binh"].id], "residence": wards[1].code})
    assert len(_f1s(case)) == 2
    # Nothing ticked: a clear message, nothing saved.
    response = client.post(f"/cases/{case.ref}/contacts", data={"residence": ""})
    assert response.status_code == 422
    # The case page lists the F1s.
    html = client.get(f"/cases/{case.ref}/").get_data(as_text=True)
    assert "Nguyễn Thị Bình" in html and "Lê Văn Cường" in html


def test_residence_ward_given_by_the_tracer(client, scene, record_case, wards):
    case = record_case()
    client.post(f"/cases/{case.ref}/contacts", data={"visit": [scene["visits"]["binh"].id],
                                                     "residence": wards[1].code})
    binh = _f1s(case)["Nguyễn Thị Bình"]
    assert binh.ward_code == wards[1].code == binh.residence_ward_code
    response = client.post(f"/cases/f/{binh.ref}/residence", data={"residence-residence": wards[0].code})
    assert response.status_code == 302
    db.session.refresh(binh)
    assert binh.ward_code == wards[0].code


def test_f1_tested_positive_becomes_a_case_with_the_link_kept(client, scene, record_case):
    case = record_case()
    visits = scene["visits"]
    client.post(f"/cases/{case.ref}/contacts", data={"visit": [visits["binh"].id, visits["cuong"].id]})
    binh = _f1s(case)["Nguyễn Thị Bình"]
    today = local_date(utcnow()).isoformat()
    response = client.post(f"/cases/f/{binh.ref}/tests",
                           data={"test-tested_on": today, "test-kind": "antigen", "test-result": "negative"})
    assert response.status_code == 302
    response = client.post(f"/cases/f/{binh.ref}/positive", data={
        "positive-tested_on": today, "positive-kind": "pcr", "positive-risk_level": "green",
        "positive-care_place": "home"})
    assert response.status_code == 302
    new = db.session.scalar(select(HealthCase).where(HealthCase.id == binh.became_case_id))
    assert new is not None and response.headers["Location"].endswith(f"/cases/{new.ref}/")
    assert new.full_name == "Nguyễn Thị Bình" and new.visitor_id == scene["binh"].id
    assert new.trace_case.visitor_id == scene["binh"].id  # her own trace starts at once
    db.session.refresh(binh)
    assert binh.status == "became_case" and binh.closed_at is not None
    assert [(t.kind, t.result) for t in db.session.scalars(select(CaseTest).where(CaseTest.contact_id == binh.id)
                                                           .order_by(CaseTest.id))] == [
        ("antigen", "negative"), ("pcr", "positive")]
    # The chain is visible on both pages: who infected whom, where.
    html = client.get(f"/cases/{new.ref}/").get_data(as_text=True)
    assert case.code in html and "Chợ Bến Thành" in html
    html = client.get(f"/cases/{case.ref}/").get_data(as_text=True)
    assert new.code in html
    # A second time is refused.
    response = client.post(f"/cases/f/{binh.ref}/positive", data={
        "positive-tested_on": today, "positive-kind": "pcr", "positive-risk_level": "green",
        "positive-care_place": "home"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(HealthCase)) == 2


def test_f2_from_an_f1s_own_trace(client, scene, record_case, make, wards):
    people = scene["people"]
    other = make.venue(ward_code=wards[1].code, name="Quán Cà Phê Gió")
    eve = people.person(name="Hoàng Thị Én", phone="0912000105")
    start = scene["start"] + timedelta(hours=2)
    people.visit(scene["binh"], other, start, start + timedelta(minutes=40))
    people.visit(eve, other, start, start + timedelta(minutes=40))
    case = record_case()
    client.post(f"/cases/{case.ref}/contacts", data={"visit": [scene["visits"]["binh"].id]})
    binh = _f1s(case)["Nguyễn Thị Bình"]
    response = client.post(f"/cases/f/{binh.ref}/trace")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/f/{binh.ref}/contacts")
    html = client.get(f"/cases/f/{binh.ref}/contacts").get_data(as_text=True)
    assert "Hoàng Thị Én" in html
    assert "Trần Văn Ca" in html  # the case met her too, but is never followed up as her F2
    visit_ids = list(db.session.scalars(select(Visit.id).where(Visit.venue_id.in_([other.id, scene["venue"].id]))))
    client.post(f"/cases/f/{binh.ref}/contacts", data={"visit": visit_ids})
    f2 = {c.full_name: c for c in db.session.scalars(select(CaseContact).where(CaseContact.level == "F2"))}
    # Cường met Bình at the market (and was not followed up yet): her F2 too; the case never is.
    assert set(f2) == {"Hoàng Thị Én", "Lê Văn Cường"}
    assert all(c.parent_id == binh.id and c.case_id == case.id for c in f2.values())
    assert f2["Hoàng Thị Én"].ward_code == wards[1].code


def test_crossings_are_events_of_the_trace_not_contacts(client, scene, record_case, make):
    """The case's trace is portal/tracing's: its visits page lists the case's checkpoint crossings as
    events, and the contacts to follow up (the one contact pipeline) never include a crossing."""
    from portal.staff.crossings import record_crossing

    people = scene["people"]
    checkpoint = make.venue(name="Chốt Quốc Lộ 13", category="checkpoint", default_stay_minutes=5)
    other = people.person(name="Người Cùng Chốt", phone="0912000106")
    crossed = scene["start"] + timedelta(hours=2)
    record_crossing(scene["case"], checkpoint, "in", actor=None, now=crossed, method="pass")
    record_crossing(other, checkpoint, "in", actor=None, now=crossed, method="pass")
    db.session.commit()
    case = record_case()
    client.set_cookie("lang", "en")
    html = client.get(f"/tracing/cases/{case.trace_case.ref}/visits").get_data(as_text=True)
    assert "Checkpoint crossings" in html and "Chốt Quốc Lộ 13" in html and "Chợ Bến Thành" in html
    html = client.get(f"/cases/{case.ref}/contacts").get_data(as_text=True)
    assert html.count('type="checkbox" name="visit"') == 2
    assert "Người Cùng Chốt" not in html and "Chốt Quốc Lộ 13" not in html
