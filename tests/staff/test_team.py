"""Owners add and remove staff accounts; province admins create and assign checkpoint officers."""
import pytest
from sqlalchemy import select

from portal.auth.models import User, VenueStaff
from portal.extensions import db

from ..html import check_page
from ..factories import PASSWORD, next_phone


def account(phone):
    return db.session.scalar(select(User).where(User.phone == "+84" + phone[1:]))


def links():
    return {(row.user_id, row.venue_id) for row in db.session.scalars(select(VenueStaff))}


@pytest.fixture
def owner_at_team(client, make, login):
    owner = make.owner()
    venue = make.venue(owner)
    login(owner)
    return owner, venue, f"/staff/{venue.short_code}/team"


def test_an_owner_adds_a_staff_member_who_then_scans(client, owner_at_team):
    owner, venue, url = owner_at_team
    check_page(client.get(url))
    phone = next_phone()
    response = client.post(url, data={"full_name": "Trần Văn Gác", "phone": phone, "password": "mật khẩu dài"})
    assert response.status_code == 302
    staff = account(phone)
    assert staff.role == "staff" and links() == {(staff.id, venue.id)}
    assert "Trần Văn Gác" in check_page(client.get(url))

    client.post("/auth/logout")
    response = client.post("/auth/login", data={"phone": phone, "password": "mật khẩu dài"})
    assert client.get(response.headers["Location"]).headers["Location"].endswith(f"/staff/{venue.short_code}/scan")


def test_removing_a_staff_member_ends_their_access(client, make, login, owner_at_team):
    owner, venue, url = owner_at_team
    phone = next_phone()
    client.post(url, data={"full_name": "Trần Văn Gác", "phone": phone, "password": PASSWORD})
    staff = account(phone)
    assert client.post(url + "/remove", data={"user": str(staff.id)}).status_code == 302
    assert links() == set()
    db.session.refresh(staff)
    assert staff.active is False
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"phone": phone, "password": PASSWORD})
    assert response.status_code == 422  # refused: the account is switched off


def test_an_owner_cannot_remove_someone_who_does_not_work_there(client, make, owner_at_team):
    owner, venue, url = owner_at_team
    stranger = make.user(role="staff")
    assert client.post(url + "/remove", data={"user": str(stranger.id)}).status_code == 404
    assert client.post(url + "/remove", data={"user": "abc"}).status_code == 400


def test_a_staff_member_can_work_at_two_venues_of_one_owner(client, make, owner_at_team):
    owner, venue, url = owner_at_team
    second = make.venue(owner, name="Quán Hai")
    phone = next_phone()
    client.post(url, data={"full_name": "Trần Văn Gác", "phone": phone, "password": PASSWORD})
    response = client.post(f"/staff/{second.short_code}/team", data={"full_name": "Gác", "phone": phone, "password": "khác hẳn rồi"})
    assert response.status_code == 302
    staff = account(phone)
    assert links() == {(staff.id, venue.id), (staff.id, second.id)}
    assert staff.check_password(PASSWORD)  # unchanged


@pytest.mark.parametrize("who", ["owner", "other_owners_staff", "already_here"])
def test_a_phone_of_another_account_is_refused(client, make, owner_at_team, who):
    owner, venue, url = owner_at_team
    if who == "owner":
        phone = make.owner().phone
    elif who == "other_owners_staff":
        other_venue = make.venue()
        phone = next_phone()
        staff = make.user(role="staff", phone=phone)
        db.session.add(VenueStaff(user_id=staff.id, venue_id=other_venue.id))
        db.session.commit()
    else:
        phone = next_phone()
        client.post(url, data={"full_name": "Trần Văn Gác", "phone": phone, "password": PASSWORD})
    before = links()
    html = check_page(client.post(url, data={"full_name": "Ai Đó", "phone": phone, "password": PASSWORD}), 422)
    assert 'class="error-summary"' in html
    assert links() == before


@pytest.mark.parametrize(
    "data",
    [
        {"full_name": "", "phone": "0912000111", "password": PASSWORD},
        {"full_name": "Lê A", "phone": "abc", "password": PASSWORD},
        {"full_name": "Lê A", "phone": "0912000111", "password": "short"},
    ],
)
def test_bad_staff_details_are_explained(client, owner_at_team, data):
    owner, venue, url = owner_at_team
    html = check_page(client.post(url, data=data), 422)
    assert 'class="error-summary"' in html
    assert db.session.scalar(select(User).where(User.role == "staff")) is None


def test_only_the_owner_manages_a_venues_staff(client, make, login):
    venue = make.venue()
    login(make.owner())
    assert client.get(f"/staff/{venue.short_code}/team").status_code == 404
    client.post("/auth/logout")
    from ..factories import staff_at

    login(staff_at(make, venue))
    assert client.get(f"/staff/{venue.short_code}/team").status_code == 404


def test_the_owners_venue_page_links_to_staff_and_scanner(client, owner_at_team):
    owner, venue, url = owner_at_team
    html = client.get(f"/venues/{venue.short_code}/").get_data(as_text=True)
    assert f'href="{url}"' in html and f'href="/staff/{venue.short_code}/scan"' in html


@pytest.fixture
def admin(client, make, login):
    user = make.user(role="province_admin")
    login(user)
    return user


def test_province_admins_create_and_assign_checkpoint_officers(client, make, admin):
    checkpoint = make.venue(name="Chốt QL13", category="checkpoint")
    check_page(client.get("/staff/checkpoints"))
    phone = next_phone()
    response = client.post("/staff/checkpoints/officers", data={"full_name": "Thiếu uý Nam", "phone": phone, "password": PASSWORD})
    assert response.status_code == 302
    officer = account(phone)
    assert officer.role == "checkpoint" and links() == set()

    response = client.post("/staff/checkpoints/assign", data={"officer": str(officer.id), "venue": checkpoint.short_code})
    assert response.status_code == 302 and links() == {(officer.id, checkpoint.id)}
    html = check_page(client.get("/staff/checkpoints"))
    assert "Thiếu uý Nam" in html and "Chốt QL13" in html

    client.post("/auth/logout")
    response = client.post("/auth/login", data={"phone": phone, "password": PASSWORD})
    assert client.get(response.headers["Location"]).headers["Location"].endswith(f"/staff/{checkpoint.short_code}/scan")


def test_officers_go_only_to_checkpoint_venues(client, make, admin):
    shop = make.venue(category="shop")
    officer = make.user(role="checkpoint")
    html = check_page(client.post("/staff/checkpoints/assign", data={"officer": str(officer.id), "venue": shop.short_code}), 422)
    assert 'class="error-summary"' in html and links() == set()


def test_unassign_and_switch_off_an_officer(client, make, admin):
    checkpoint = make.venue(category="checkpoint")
    officer = make.user(role="checkpoint")
    client.post("/staff/checkpoints/assign", data={"officer": str(officer.id), "venue": checkpoint.short_code})
    data = {"user": str(officer.id), "venue": checkpoint.short_code}
    assert client.post("/staff/checkpoints/unassign", data=data).status_code == 302
    assert links() == set()
    assert client.post("/staff/checkpoints/unassign", data=data).status_code == 404
    client.post("/staff/checkpoints/assign", data={"officer": str(officer.id), "venue": checkpoint.short_code})
    assert client.post("/staff/checkpoints/deactivate", data={"user": str(officer.id)}).status_code == 302
    db.session.refresh(officer)
    assert officer.active is False and links() == set()


def test_an_officer_phone_already_in_use_is_refused(client, make, admin):
    taken = make.owner().phone
    html = check_page(client.post("/staff/checkpoints/officers", data={"full_name": "A B", "phone": taken, "password": PASSWORD}), 422)
    assert 'class="error-summary"' in html
    assert db.session.scalar(select(User).where(User.role == "checkpoint")) is None


def test_only_province_admins_manage_officers(client, make, login):
    login(make.user(role="ward_official", wards=make.wards(1)))
    assert client.get("/staff/checkpoints").status_code == 404
    assert client.post("/staff/checkpoints/officers", data={}).status_code == 404


def test_the_start_page_lists_every_venue_of_a_staff_member(client, make, login):
    from ..factories import staff_at

    owner = make.owner()
    first, second = make.venue(owner, name="Quán Một"), make.venue(owner, name="Quán Hai")
    staff = staff_at(make, first)
    db.session.add(VenueStaff(user_id=staff.id, venue_id=second.id))
    db.session.commit()
    login(staff)
    html = check_page(client.get("/staff/"))
    for venue in (first, second):
        assert f'href="/staff/{venue.short_code}/scan"' in html
    assert 'href="/passes/card/new"' not in html  # cards for someone else are for officials only


def test_province_admins_start_on_the_checkpoints(client, make, admin):
    checkpoint = make.venue(name="Chốt Ngã Tư", category="checkpoint")
    shop = make.venue(name="Tiệm Tạp Hoá", category="shop")
    html = check_page(client.get("/staff/"))
    assert "Chốt Ngã Tư" in html and shop.name not in html
    assert f'href="/staff/{checkpoint.short_code}/figures"' in html
    assert f'href="/staff/{checkpoint.short_code}/scan"' not in html
