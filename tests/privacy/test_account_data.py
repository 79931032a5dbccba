"""/account/: every account holder sees and downloads what the portal keeps about them, and only that."""
import json

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.audit.services import record
from portal.auth.models import ROLES
from portal.clock import utcnow
from portal.extensions import db
from portal.tracing.services import create_case

from ..factories import staff_at
from ..html import check_page, page_text

URLS = ("/account/", "/account/data.json", "/account/data.csv")


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")
    return client


@pytest.fixture
def two_accounts(make):
    """A tracer with a case and an audit entry of their own, and another tracer with theirs."""
    me = make.user(role="tracer", name="Bác sĩ Trần Của Tôi")
    other = make.user(role="tracer", name="Bác sĩ Lê Người Khác")
    now = utcnow()
    case = create_case(me, "F0-MINE-001", "Truy vết", now)
    record(me, case, "lookup", {"by": "phone"}, 1, now)
    other_case = create_case(other, "F0-OTHER-002", "Truy vết", now)
    record(other, other_case, "lookup", {"by": "id_number"}, 0, now)
    db.session.commit()
    return me, other


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reaches_its_own_page(make, english, login, role):
    user = make.user(role=role, name=f"Tài Khoản {role}")
    login(user)
    text = page_text(english.get("/account/"))
    assert f"Tài Khoản {role}" in text and "Your account and your data" in text
    for url in URLS[1:]:
        assert english.get(url).status_code == 200, (role, url)


def test_the_page_shows_the_account_and_its_own_audit_trail_only(two_accounts, english, login):
    me, other = two_accounts
    login(me)
    response = english.get("/account/")
    html = check_page(response)
    text = page_text(response)
    assert me.full_name in text and "Health tracer" in text
    assert "Looked a person up" in text and "F0-MINE-001" in text and "by=phone" in text
    assert "Cases you opened: 1" in text
    assert other.full_name not in text and "F0-OTHER-002" not in text and "by=id_number" not in text
    assert 'class="table-scroll"' in html
    # The header links to the page, marked as the current one.
    assert 'href="/account/" aria-current="page"' in html


def test_no_parameter_opens_another_account(two_accounts, english, login):
    me, other = two_accounts
    login(me)
    for url in URLS:
        body = english.get(f"{url}?user_id={other.id}&id={other.id}").get_data(as_text=True)
        assert other.full_name not in body and "F0-OTHER-002" not in body
        assert me.full_name in body


def test_officials_see_their_wards_and_owners_and_staff_their_venues(make, english, login):
    ward = make.wards(1)[0]
    official = make.user(role="ward_official", wards=[ward])
    login(official)
    assert ward.name in page_text(english.get("/account/"))
    english.post("/auth/logout")

    owner = make.owner()
    venue = make.venue(owner, name="Quán Cà Phê Sáng")
    login(owner)
    text = page_text(english.get("/account/"))
    assert "Quán Cà Phê Sáng" in text and venue.short_code in text and "owner" in text
    english.post("/auth/logout")

    staff = staff_at(make, venue, role="checkpoint")
    login(staff)
    text = page_text(english.get("/account/"))
    assert "Quán Cà Phê Sáng" in text and "staff or checkpoint officer" in text


def test_the_json_download_holds_the_account_and_its_audit_trail(two_accounts, english, login):
    me, other = two_accounts
    login(me)
    response = english.get("/account/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="vao-ra-my-account-')
    document = json.loads(response.get_data(as_text=True))
    sections = document["sections"]
    assert set(sections) == {"account", "wards", "venues", "audit", "records"}
    account = {row["Field"]: row["Value"] for row in sections["account"]["rows"]}
    assert account["Full name"] == me.full_name and account["Role"] == "Health tracer"
    assert account["Created"].endswith("+07:00")
    audit = sections["audit"]["rows"]
    assert [(row["Action"], row["Case"], row["What was asked"]) for row in audit] == [
        ("Looked a person up", "F0-MINE-001", "by=phone")]
    assert sections["records"]["rows"] == [{"Records": "Cases you opened", "Count": 1}]
    assert other.full_name not in response.get_data(as_text=True)


def test_the_csv_download_holds_every_section(two_accounts, english, login):
    me, other = two_accounts
    login(me)
    response = english.get("/account/data.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].endswith('.csv"')
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    assert f'"Your account","Full name","{me.full_name}"' in body
    assert '"Your audit trail",' in body and '"F0-MINE-001","by=phone"' in body
    assert other.full_name not in body and "F0-OTHER-002" not in body


def test_a_download_is_audited_without_its_contents(two_accounts, english, login):
    me, _other = two_accounts
    login(me)
    english.get("/account/")  # looking is not recorded
    english.get("/account/data.csv")
    english.get("/account/data.json")
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == me.id, AuditEntry.action == "own_data")
        .order_by(AuditEntry.id)).all()
    assert [e.query for e in entries] == ["format=csv", "format=json"]
    assert all(e.case_id is None and e.actor_role == "tracer" for e in entries)
    # The earlier download now shows in the trail.
    assert "Downloaded their own account's data" in page_text(english.get("/account/"))


def test_the_header_links_to_the_account_page_only_when_logged_in(make, english, login):
    assert 'href="/account/"' not in english.get("/").get_data(as_text=True)
    login(make.owner())
    assert 'href="/account/"' in english.get("/").get_data(as_text=True)
