"""Official accounts: `flask users create`, the province admin's account pages, deactivation."""
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db

from ..html import check_page
from ..factories import PASSWORD


def user(phone):
    return db.session.scalar(select(User).where(User.phone == phone))


def test_cli_creates_the_first_province_admin_who_lands_on_the_dashboard(runner, client):
    result = runner.invoke(args=["users", "create", "--role", "province_admin", "--phone", "0901 234 567",
                                 "--name", "Sở TT&TT", "--password-stdin"], input="a long secret phrase\n")
    assert result.exit_code == 0, result.output
    admin = user("+84901234567")
    assert admin.role == "province_admin" and admin.full_name == "Sở TT&TT"
    assert admin.check_password("a long secret phrase")
    response = client.post("/auth/login", data={"phone": "0901234567", "password": "a long secret phrase"})
    assert response.headers["Location"] == "/reports/"
    check_page(client.get("/reports/"))


def test_cli_creates_ward_officials_with_their_wards(runner, make):
    a, b = make.wards(2)
    result = runner.invoke(args=["users", "create", "--role", "ward_official", "--phone", "0901234568",
                                 "--ward", a.code, "--ward", b.code, "--password-stdin"], input="another long one\n")
    assert result.exit_code == 0, result.output
    assert {w.division_code for w in user("+84901234568").wards} == {a.code, b.code}


def test_cli_refuses_bad_accounts_with_a_message(runner, make):
    ward = make.wards(1)[0]
    make.user(role="tracer", phone="0901234569")
    cases = [
        (["--role", "ward_official", "--phone", "0901234570"], "needs at least one --ward"),
        (["--role", "ward_official", "--phone", "0901234570", "--ward", "99999"], "unknown ward code"),
        (["--role", "tracer", "--phone", "0901234570", "--ward", ward.code], "only ward officials have wards"),
        (["--role", "tracer", "--phone", "0901234569"], "already exists"),
        (["--role", "tracer", "--phone", "12345"], "not a valid Vietnamese phone number"),
        (["--role", "owner", "--phone", "0901234570"], "Invalid value for '--role'"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["users", "create", *args, "--password-stdin"], input="long enough password\n")
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    result = runner.invoke(args=["users", "create", "--role", "tracer", "--phone", "0901234570",
                                 "--password-stdin"], input="short\n")
    assert result.exit_code == 1 and "at least 10 characters" in result.output
    assert user("+84901234570") is None


def test_admin_creates_an_official_and_assigns_wards(client, make, login):
    a, b = make.wards(2)
    login(make.user(role="province_admin"))
    client.set_cookie("lang", "en")
    html = check_page(client.get("/officials/new"))
    assert f'name="wards" value="{a.code}"' in html
    response = client.post("/officials/new", data={"role": "ward_official", "full_name": "Cán bộ Phường",
                                                   "phone": "0901234571", "password": "mật khẩu dài đủ",
                                                   "wards": [a.code]})
    assert response.status_code == 302
    official = user("+84901234571")
    assert [w.division_code for w in official.wards] == [a.code]
    response = client.post(f"/officials/{official.id}/", data={"full_name": "Cán bộ Mới", "wards": [a.code, b.code]})
    assert response.status_code == 302
    official = user("+84901234571")
    assert official.full_name == "Cán bộ Mới" and {w.division_code for w in official.wards} == {a.code, b.code}
    html = check_page(client.get("/officials/"))
    assert "Cán bộ Mới" in html and "Ward official" in html


def test_admin_form_explains_bad_input_and_saves_nothing(client, make, login):
    ward = make.wards(1)[0]
    make.user(role="tracer", phone="0901234572")
    login(make.user(role="province_admin"))
    client.set_cookie("lang", "en")
    base = {"role": "ward_official", "full_name": "Ai đó", "phone": "0901234573", "password": "long enough pw"}
    cases = [
        ({}, "Choose at least one ward for a ward official."),
        ({"role": "tracer", "wards": [ward.code]}, "Only ward officials have wards"),
        ({"role": "owner"}, "Choose a role."),
        ({"wards": ["99999"]}, "Choose wards of this province."),
        ({"phone": "0901234572", "role": "tracer"}, "already exists"),
        ({"phone": "abc"}, "Enter a Vietnamese phone number"),
        ({"password": "short", "wards": [ward.code]}, "Use 10 to 128 characters."),
        ({"full_name": "<script>", "wards": [ward.code]}, "&lt; and &gt;"),
    ]
    for change, message in cases:
        html = check_page(client.post("/officials/new", data={**base, **change}), 422)
        assert message in html, message
    assert user("+84901234573") is None


def test_deactivated_official_loses_access_at_once(client, make, login, app):
    ward = make.wards(1)[0]
    official = make.user(role="ward_official", wards=[ward])
    admin = make.user(role="province_admin")
    login(official)
    assert client.get(f"/reports/wards/{ward.code}/").status_code == 200
    admin_client = app.test_client()
    admin_client.post("/auth/login", data={"phone": admin.phone, "password": PASSWORD})
    assert admin_client.post(f"/officials/{official.id}/active", data={"active": "0"}).status_code == 302
    response = client.get(f"/reports/wards/{ward.code}/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    response = client.post("/auth/login", data={"phone": official.phone, "password": PASSWORD})
    assert response.status_code == 422  # refused
    admin_client.post(f"/officials/{official.id}/active", data={"active": "1"})
    assert login(official).status_code == 302


def test_admin_cannot_deactivate_themselves_or_manage_owners(client, make, login):
    admin = make.user(role="province_admin")
    owner = make.owner()
    login(admin)
    client.set_cookie("lang", "en")
    html = check_page(client.post(f"/officials/{admin.id}/active", data={"active": "0"}, follow_redirects=True))
    assert "You cannot deactivate your own account." in html
    assert user(admin.phone).active
    assert client.get(f"/officials/{owner.id}/").status_code == 404
    assert client.post(f"/officials/{owner.id}/active", data={"active": "0"}).status_code == 404
    assert user(owner.phone).active


def test_the_last_province_admin_stays_active(make):
    from portal.officials.services import OfficialError, set_active

    import pytest

    only_admin = make.user(role="province_admin")
    with pytest.raises(OfficialError) as caught:
        set_active(only_admin, False, make.user(role="tracer"))
    assert caught.value.code == "last_admin"
    second = make.user(role="province_admin")
    set_active(only_admin, False, second)
    assert not only_admin.active
