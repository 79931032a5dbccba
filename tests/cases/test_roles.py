"""Item 7: who sees the register. A ward health official sees only their wards (404 elsewhere);
province health officials and tracers see the whole province; nobody else sees anything."""
import pytest
from sqlalchemy import select

from portal.cases.models import CaseContact, CaseTest
from portal.clock import local_date, utcnow
from portal.extensions import db
from portal.officials.services import OfficialError, create_official


@pytest.fixture
def two_wards(client, scene, record_case, wards, login, tracer):
    """A case of ward B (wards[1]) with an F1 of ward B, and a case of ward A with an F1 of ward A."""
    case_b = record_case(ward=wards[1].code)
    client.post(f"/cases/{case_b.ref}/contacts", data={"visit": [scene["visits"]["binh"].id],
                                                       "residence": wards[1].code})
    case_a = record_case(phone="", full_name="Mai Thị An", ward=wards[0].code)
    f1_b = db.session.scalar(select(CaseContact).where(CaseContact.case_id == case_b.id))
    # Case A's F1 is Cường, exposed at the same market (ward A).
    f1_a = CaseContact(ref="f1-of-ward-a", level="F1", case_id=case_a.id, full_name="Lê Văn Cường",
                       exposed_at=utcnow(), overlap_minutes=30, ward_code=wards[0].code,
                       quarantine_ends_on=local_date(utcnow()), status="quarantine", created_by_id=tracer.id,
                       created_at=utcnow())
    db.session.add(f1_a)
    db.session.commit()
    client.post("/auth/logout")
    return case_a, case_b, f1_a, f1_b


def _pages(case, contact):
    return [f"/cases/{case.ref}/", f"/cases/f/{contact.ref}/"]


def test_ward_health_official_sees_only_their_wards(client, make, login, wards, two_wards):
    case_a, case_b, f1_a, f1_b = two_wards
    official = make.user(role="ward_health", wards=[wards[0]], name="Y tá Phường A")
    login(official)
    for url in _pages(case_a, f1_a):
        assert client.get(url).status_code == 200, url
    for url in _pages(case_b, f1_b):
        assert client.get(url).status_code == 404, url
    today = local_date(utcnow()).isoformat()
    test = {"test-tested_on": today, "test-kind": "pcr", "test-result": "negative"}
    assert client.post(f"/cases/f/{f1_b.ref}/tests", data=test).status_code == 404
    assert client.post(f"/cases/{case_b.ref}/classify", data={"risk_level": "red", "care_place": "hospital",
                                                               "status": "under_care"}).status_code == 404
    assert client.post(f"/cases/f/{f1_b.ref}/positive", data={}).status_code == 404
    # They record test results in their own ward, but neither record cases nor trace.
    assert client.post(f"/cases/f/{f1_a.ref}/tests", data=test).status_code == 302
    assert db.session.scalar(select(CaseTest.result).where(CaseTest.contact_id == f1_a.id)) == "negative"
    assert client.get("/cases/new").status_code == 404
    assert client.get(f"/cases/{case_a.ref}/contacts").status_code == 404
    lists = client.get("/cases/").get_data(as_text=True) + client.get("/cases/f/").get_data(as_text=True)
    assert "Mai Thị An" in lists and "Lê Văn Cường" in lists
    assert "Trần Văn Ca" not in lists and "Nguyễn Thị Bình" not in lists


@pytest.mark.parametrize("role", ["province_health", "tracer"])
def test_province_wide_roles_see_every_ward(client, make, login, two_wards, role):
    case_a, case_b, f1_a, f1_b = two_wards
    login(make.user(role=role))
    for url in _pages(case_a, f1_a) + _pages(case_b, f1_b):
        assert client.get(url).status_code == 200, url
    html = client.get("/cases/").get_data(as_text=True)
    assert html.index("Mai Thị An") < html.index("Trần Văn Ca")  # Vietnamese order of names
    assert (client.get("/cases/new").status_code == 200) is (role == "tracer")


@pytest.mark.parametrize("role", ["owner", "staff", "checkpoint", "ward_official", "province_admin", "inspector"])
def test_other_roles_see_nothing(client, make, login, wards, two_wards, role):
    case_a, case_b, f1_a, f1_b = two_wards
    login(make.user(role=role, wards=[wards[0], wards[1]] if role == "ward_official" else ()))
    for url in ["/cases/", "/cases/f/", "/cases/new"] + _pages(case_a, f1_a) + _pages(case_b, f1_b):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client, two_wards):
    response = client.get(f"/cases/{two_wards[0].ref}/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_province_admin_creates_health_officials(app, wards):
    ward = create_official(role="ward_health", full_name="Y Tá Phường", phone="0912000301", password="x" * 12,
                           ward_codes=[wards[0].code], province_code=app.config["PORTAL_PROVINCE"])
    assert [w.division_code for w in ward.wards] == [wards[0].code]
    province = create_official(role="province_health", full_name="Bác Sĩ Tỉnh", phone="0912000302",
                               password="x" * 12, province_code=app.config["PORTAL_PROVINCE"])
    assert province.wards == []
    with pytest.raises(OfficialError) as missing:
        create_official(role="ward_health", full_name="Y Tá", phone="0912000303", password="x" * 12,
                        province_code=app.config["PORTAL_PROVINCE"])
    assert missing.value.code == "wards_missing"
    with pytest.raises(OfficialError):
        create_official(role="province_health", full_name="Bác Sĩ", phone="0912000304", password="x" * 12,
                        ward_codes=[wards[0].code], province_code=app.config["PORTAL_PROVINCE"])


def test_health_official_created_on_the_accounts_page(client, make, login, wards):
    login(make.user(role="province_admin"))
    response = client.post("/officials/new", data={
        "role": "ward_health", "full_name": "Y Tá Phường Bến Nghé", "phone": "0912000305",
        "password": "a long first password", "wards": [wards[0].code]})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
