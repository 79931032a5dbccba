"""Account forms without retyping: refused forms keep what was entered, the ward filter, ward names."""
import re
from types import SimpleNamespace

from sqlalchemy import select

from portal.auth.models import User
from portal.divisions.models import Division
from portal.extensions import db
from portal.officials.wards import ward_picker

from ..html import check_page

REFUSED = 422  # a refused form: Unprocessable Content, and nothing is saved


def ward(name):
    return db.session.scalar(select(Division).where(Division.name == name))


def boxes(html):
    """The ward checkboxes: {code: checked}."""
    found = re.findall(r'<input type="checkbox" name="wards" value="(\d+)"( checked)?>', html)
    return {code: bool(checked) for code, checked in found}


def value_of(html, name):
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', match.group(0)) if match else None
    return value.group(1) if value else None


def page(client, url, data, status=REFUSED):
    response = client.post(url, data=data)
    assert response.status_code == status
    return check_page(response, response.status_code)


def admin_in(client, make, login):
    login(make.user(role="province_admin"))
    client.set_cookie("lang", "en")


def test_a_refused_account_form_keeps_names_phone_role_password_and_wards(client, make, login):
    admin_in(client, make, login)
    taken = make.user(role="tracer")
    a, b = ward("Phường Thủ Dầu Một"), ward("Phường Tân Định")
    data = {"role": "ward_official", "full_name": "Nguyễn Thị Lan", "phone": taken.phone,
            "password": "mật khẩu dài đủ", "wards": [a.code, b.code]}
    html = page(client, "/officials/new", data)
    assert "already exists" in html
    assert value_of(html, "full_name") == "Nguyễn Thị Lan" and value_of(html, "phone") == taken.phone
    assert value_of(html, "password") == "mật khẩu dài đủ"
    assert re.search(r'<option selected value="ward_official">|<option value="ward_official" selected', html)
    checked = {code for code, on in boxes(html).items() if on}
    assert checked == {a.code, b.code}
    assert client.post("/officials/new", data=data).headers["Cache-Control"] == "no-store"
    # A password refused for itself is not shown again.
    html = page(client, "/officials/new", {**data, "phone": "0901234599", "password": "short"})
    assert value_of(html, "password") in (None, "") and value_of(html, "full_name") == "Nguyễn Thị Lan"
    assert db.session.scalar(select(User).where(User.full_name == "Nguyễn Thị Lan")) is None


def test_the_ward_filter_narrows_the_list_keeps_what_was_entered_and_saves_nothing(client, make, login):
    admin_in(client, make, login)
    chosen = ward("Phường Tân Định")
    data = {"role": "ward_official", "full_name": "Trần Văn Bình", "phone": "0901234598",
            "password": "mật khẩu dài đủ", "wards": [chosen.code], "ward_filter": "thu dau", "filter": "1"}
    html = page(client, "/officials/new", data, status=200)
    listed = boxes(html)
    assert listed[chosen.code] is True  # chosen, though it does not match: never dropped by a filter
    assert ward("Phường Thủ Dầu Một").code in listed and not listed[ward("Phường Thủ Dầu Một").code]
    assert ward("Phường Sài Gòn").code not in listed
    assert len(listed) < 10
    assert value_of(html, "full_name") == "Trần Văn Bình" and value_of(html, "phone") == "0901234598"
    assert value_of(html, "password") == "mật khẩu dài đủ" and value_of(html, "ward_filter") == "thu dau"
    assert re.search(r'<p role="status">Wards matching (&#34;|")thu dau(&#34;|"): \d+\. Nothing is saved yet\.</p>', html)
    assert db.session.scalar(select(User).where(User.phone == "+84901234598")) is None
    # "Show all wards" brings the whole list back, still keeping the choice.
    html = page(client, "/officials/new", {**data, "filter": "all"}, status=200)
    assert len(boxes(html)) == db.session.query(Division).count() and boxes(html)[chosen.code]
    # Then the account is created with the ward picked from the filtered list.
    data = {**data, "wards": [chosen.code, ward("Phường Thủ Dầu Một").code]}
    del data["filter"]
    assert client.post("/officials/new", data=data).status_code == 302
    official = db.session.scalar(select(User).where(User.phone == "+84901234598"))
    assert {w.division_code for w in official.wards} == {chosen.code, ward("Phường Thủ Dầu Một").code}


def test_the_filter_ignores_accents_and_escapes_what_was_typed(client, make, login):
    admin_in(client, make, login)
    html = page(client, "/officials/new", {"ward_filter": "DĨ AN", "filter": "1"}, status=200)
    assert ward("Phường Dĩ An").code in boxes(html)
    html = page(client, "/officials/new", {"ward_filter": "<b>x", "filter": "1"}, status=200)
    assert "<b>x" not in html and "No ward matches." in html and boxes(html) == {}


def test_wards_are_grouped_by_former_province(client, make, login):
    admin_in(client, make, login)
    html = check_page(client.get("/officials/new"))
    groups = dict(re.findall(r"<summary>Former ([^<]+?) \((\d+)\)</summary>", html))
    assert groups == {"Thành phố Hồ Chí Minh": "102", "Tỉnh Bà Rịa – Vũng Tàu": "30", "Tỉnh Bình Dương": "36"}
    section = html.split("<summary>Former Tỉnh Bình Dương")[1].split("</details>")[0]
    assert "Phường Thủ Dầu Một" in section and "Phường Tân Định" not in section
    client.set_cookie("lang", "vi")
    assert "<summary>Tỉnh Bình Dương cũ (36)</summary>" in client.get("/officials/new").get_data(as_text=True)


def test_other_provinces_group_wards_by_first_letter():
    wards = [SimpleNamespace(code=c, name=n, kind=k) for c, n, k in [
        ("1", "Phường An Lạc", "phường"), ("2", "Xã Bình Minh", "xã"), ("3", "Phường Ánh Dương", "phường"),
        ("4", "Xã An Phú", "xã")]]
    picker = ward_picker(wards, ["4"], "", "01")
    assert picker.chosen == [("4", "Xã An Phú")]
    assert [(label, [code for code, _ in items]) for label, items in picker.groups] == [
        ("A", ["1"]), ("Á", ["3"]), ("B", ["2"])]
    assert ward_picker(wards, [], "binh", "01").shown == 1


def test_editing_an_official_filters_wards_and_keeps_the_changed_name(client, make, login):
    a, b = ward("Phường Thủ Dầu Một"), ward("Phường Dĩ An")
    official = make.user(role="ward_official", wards=[a], name="Lê Văn Cũ")
    admin_in(client, make, login)
    data = {"full_name": "Lê Văn Mới", "wards": [a.code, b.code], "ward_filter": "sai gon", "filter": "1"}
    html = page(client, f"/officials/{official.id}/", data, status=200)
    assert value_of(html, "full_name") == "Lê Văn Mới"
    checked = {code for code, on in boxes(html).items() if on}
    assert checked == {a.code, b.code} and ward("Phường Sài Gòn").code in boxes(html)
    db.session.expire_all()
    assert db.session.get(User, official.id).full_name == "Lê Văn Cũ"  # nothing saved
    html = page(client, f"/officials/{official.id}/", {"full_name": "Lê Văn Mới", "wards": []})
    assert value_of(html, "full_name") == "Lê Văn Mới" and "Choose at least one ward" in html


def test_the_accounts_list_names_the_wards(client, make, login):
    a, b = ward("Phường Thủ Dầu Một"), ward("Phường Dĩ An")
    make.user(role="ward_official", wards=[a, b], name="Phạm Thị Hai Phường")
    make.user(role="tracer", name="Võ Văn Truy Vết")
    admin_in(client, make, login)
    html = check_page(client.get("/officials/"))
    row = html.split("Phạm Thị Hai Phường")[1].split("</tr>")[0]
    assert "Phường Thủ Dầu Một" in row and "Phường Dĩ An" in row and ">2<" not in row
    assert "<td>—</td>" in html.split("Võ Văn Truy Vết")[1].split("</tr>")[0]


def test_enter_in_any_box_saves_rather_than_filters(client, make, login):
    """Browsers press a form's first submit button on Enter: on both account forms it is the save button."""
    login(make.user(role="province_admin"))
    other = make.user(role="tracer")
    for url in ("/officials/new", f"/officials/{other.id}/"):
        html = check_page(client.get(url))
        form = html.split('<form method="post" novalidate>', 1)[1]
        first_button = re.search(r"<button[^>]*>", form).group(0)
        assert 'name="filter"' not in first_button, url
        assert 'class="default-submit"' in first_button
