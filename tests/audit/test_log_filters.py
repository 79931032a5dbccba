"""The audit log page: filters by account, action and local days; bad input is refused with 422."""
from datetime import datetime, timezone

import pytest
from portal.audit.services import record
from portal.extensions import db

from ..html import check_page


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.fixture
def log(make):
    """Two tracers and a staff member with entries on either side of local midnights (UTC+7)."""
    lan = make.user(role="tracer", name="Nguyễn Thị Lan", phone="0912 555 001")
    duc = make.user(role="tracer", name="Trần Đức Minh", phone="0912 555 002")
    staff = make.user(role="staff", name="Lê Văn Quầy", phone="0912 555 003")
    # 24/11 23:59 local, 25/11 00:30, 25/11 23:59 and 26/11 00:00 local time.
    record(lan, None, "lookup", {"by": "phone", "mark": "a"}, 1, utc(2026, 11, 24, 16, 59))
    record(lan, None, "contacts", {"mark": "b"}, 4, utc(2026, 11, 24, 17, 30))
    record(duc, None, "lookup", {"by": "id_number", "mark": "c"}, 1, utc(2026, 11, 25, 16, 59))
    record(staff, None, "assist_in", {"venue": "ABC123", "mark": "d"}, 1, utc(2026, 11, 25, 17, 0))
    db.session.commit()
    return {"lan": lan, "duc": duc, "staff": staff}


@pytest.fixture
def admin(client, login, make):
    user = make.user(role="province_admin", name="Quản Trị Tỉnh")
    login(user)
    return user


def marks(html):
    return sorted(m for m in "abcd" if f"mark={m}" in html)


def test_the_page_speaks_vietnamese_with_local_times_and_the_admins_navigation(client, log, admin):
    html = check_page(client.get("/audit/"))
    assert marks(html) == ["a", "b", "c", "d"]
    assert "Tra cứu một người" in html and "Xem danh sách tiếp xúc" in html
    table = html.split("<tbody>")[1]
    assert "Nhân viên ghi vào hộ một người" in table and "Nhân viên tra cứu" not in table
    assert "(Cán bộ truy vết)" in html and "(tracer)" not in html and "(staff)" not in html
    assert "24/11/2026 23:59" in html and "26/11/2026 00:00" in html  # UTC+7, not UTC
    assert 'class="official-nav' in html and 'href="/officials/"' in html
    nav = html.split('class="official-nav')[1].split("</nav>")[0]
    assert 'href="/audit/"' in nav and 'href="/reports/"' in nav  # the log is reached from every page
    assert 'action="/audit/"' in html and 'method="get"' in html  # works without JavaScript


@pytest.mark.parametrize("person, expected", [
    ("Nguyễn Thị Lan", ["a", "b"]),
    ("nguyen thi", ["a", "b"]),  # without accents or capitals
    ("ĐỨC", ["c"]),
    ("0912 555 002", ["c"]),
    ("+84912555003", ["d"]),
    ("555 00", ["a", "b", "c", "d"]),
    ("Quản Trị", []),  # an account with no entries
    ("Không Ai", []),
])
def test_filter_by_the_accounts_name_or_phone(client, log, admin, person, expected):
    html = check_page(client.get("/audit/", query_string={"person": person}))
    assert marks(html) == expected
    assert f'value="{person}"' in html  # what was typed stays in the form
    if not expected:
        assert "Không có mục nào khớp với bộ lọc này." in html


def test_filter_by_action_offers_every_action_in_vietnamese(client, log, admin):
    html = check_page(client.get("/audit/?action=lookup"))
    assert marks(html) == ["a", "c"]
    assert '<option selected value="lookup">Tra cứu một người</option>' in html
    assert '<option value="audit_export">Xuất nhật ký truy cập</option>' in html
    assert '<option value="">Tất cả thao tác</option>' in html


@pytest.mark.parametrize("query, expected", [
    ({"date_from": "25/11/2026", "date_to": "25/11/2026"}, ["b", "c"]),  # one local day, both ends
    ({"date_from": "2026-11-25", "date_to": "2026-11-25"}, ["b", "c"]),  # the date picker's form
    ({"date_from": " 26/11/2026 "}, ["d"]),
    ({"date_to": "24/11/2026"}, ["a"]),
    ({"date_from": "24/11/2026", "date_to": "25/11/2026", "action": "lookup", "person": "Minh"}, ["c"]),
])
def test_filter_by_local_days(client, log, admin, query, expected):
    html = check_page(client.get("/audit/", query_string=query))
    assert marks(html) == expected


def test_dates_are_shown_back_as_day_month_year(client, log, admin):
    html = check_page(client.get("/audit/?date_from=2026-11-24&date_to=25/11/2026"))
    assert 'name="date_from" type="text" value="24/11/2026"' in html
    assert 'name="date_to" type="text" value="25/11/2026"' in html
    assert "Ví dụ 25/11/2026." in html
    # The download links carry the filters in the portal's format.
    assert "/audit/export.csv?date_from=24/11/2026&amp;date_to=25/11/2026" in html
    html = check_page(client.get("/audit/?date_from=25-11-2026"), status=422)
    assert 'value="25-11-2026"' in html  # a refused value is shown as typed, to correct it


@pytest.mark.parametrize("query, message", [
    ({"date_from": "31/02/2026"}, "Nhập ngày theo dạng ngày/tháng/năm"),
    ({"date_to": "hôm qua"}, "Nhập ngày theo dạng ngày/tháng/năm"),
    ({"date_from": "01/01/0001"}, "Nhập một ngày trong khoảng năm 2000 đến 2099."),
    ({"date_to": "9999-12-31"}, "Nhập một ngày trong khoảng năm 2000 đến 2099."),
    ({"date_from": "26/11/2026", "date_to": "25/11/2026"}, "Ngày cuối không được trước ngày đầu."),
    ({"action": "drop_table"}, "Chọn một thao tác trong danh sách."),
    ({"person": "x" * 121}, "120"),
    ({"person": "<script>"}, "&lt;"),
    ({"person": "Lan\x00"}, "ký tự điều khiển"),
])
def test_bad_filters_are_refused_with_a_clear_message(client, log, admin, query, message):
    response = client.get("/audit/", query_string=query)
    html = check_page(response, status=422)
    assert 'class="error-summary"' in html and message in html
    assert marks(html) == []  # no entries shown under a refused filter
    response = client.get("/audit/export.csv", query_string=query)
    assert response.status_code == 422 and "text/html" in response.headers["Content-Type"]


def test_filters_are_kept_when_paging(client, make, admin, monkeypatch):
    import portal.audit.routes as routes

    monkeypatch.setattr(routes, "PER_PAGE", 2)
    tracer = make.user(role="tracer", name="Phạm Văn Trang")
    for n in range(5):
        record(tracer, None, "lookup", {"n": n}, 1, utc(2026, 11, 20, 3, n))
        record(tracer, None, "visits", {"n": n}, 1, utc(2026, 11, 20, 3, n))
    db.session.commit()
    html = check_page(client.get("/audit/?action=visits"))
    assert "Trang 1 / 3" in html and 'href="/audit/?page=2&amp;action=visits">Cũ hơn' in html
    html = check_page(client.get("/audit/?action=visits&page=3"))
    table = html.split("<tbody>")[1]
    assert "n=0" in table and "n=1" not in table and "Tra cứu một người" not in table
    assert 'href="/audit/?page=2&amp;action=visits">Mới hơn' in html


def test_every_action_an_entry_may_record_has_one_vietnamese_label(app):
    from portal.audit.labels import ACTION_LABELS, action_label
    from portal.audit.services import ACTIONS

    assert list(ACTION_LABELS) == list(ACTIONS)
    labels = [action_label(code) for code in ACTIONS]
    assert len(set(labels)) == len(labels) and not set(labels) & set(ACTIONS)
    assert action_label("retired_code") == "retired_code"  # an older release's entry still shows
