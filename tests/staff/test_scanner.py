"""The scanner page: one input, each scan toggles the person in or out, red with a reason otherwise."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.checkin.models import Visit
from portal.extensions import db
from portal.clock import utcnow
from portal.passes import tokens
from portal.staff.models import Scan

from ..checkin.helpers import visits_of
from ..html import check_page, hidden
from ..passes.helpers import with_pass
from ..factories import person, staff_at


@pytest.fixture
def clock(monkeypatch):
    """The time the scanner routes see; tests move it forward."""
    now = [utcnow()]
    monkeypatch.setattr("portal.staff.views.scanner.utcnow", lambda: now[0])
    return now


@pytest.fixture
def scanner(client, make, login):
    """A venue, a staff member logged in at it, and a function that scans a value."""
    venue = make.venue()
    staff = staff_at(make, venue)
    login(staff)

    def scan(value, nonce=None):
        data = {"token": value}
        if nonce:
            data["nonce"] = nonce
        return client.post(f"/staff/{venue.short_code}/scan", data=data)

    scan.venue = venue
    scan.staff = staff
    return scan


def scan_count(**where):
    query = select(func.count(Scan.id))
    for key, value in where.items():
        query = query.where(getattr(Scan, key) == value)
    return db.session.scalar(query)


def test_staff_log_in_straight_to_their_scanner(client, make):
    venue = make.venue()
    staff = staff_at(make, venue)
    response = client.post("/auth/login", data={"phone": staff.phone, "password": "correct horse battery"})
    assert response.headers["Location"].endswith("/staff/")
    response = client.get("/staff/")
    assert response.headers["Location"].endswith(f"/staff/{venue.short_code}/scan")


def test_the_scanner_page_has_one_focused_input_and_works_as_a_plain_form(client, scanner):
    html = check_page(client.get(f"/staff/{scanner.venue.short_code}/scan"))
    assert len(__import__("re").findall(r"<input[^>]*autofocus", html)) == 1
    assert 'name="token"' in html and 'method="post"' in html
    assert f'action="/staff/{scanner.venue.short_code}/scan"' in html
    assert "<script>" not in html  # the camera script is an external, optional file
    assert 'id="camera" hidden' in html


def test_a_scan_checks_in_then_the_next_checks_out(client, scanner, clock):
    visitor = person("Trần Thị Hoa")
    token = with_pass(visitor)

    html = check_page(scanner(token))
    assert "Trần Thị Hoa" in html and "VÀO" in html and "scan-ok" in html
    [visit] = visits_of(visitor)
    assert visit.in_method == "staff" and visit.venue_id == scanner.venue.id and visit.is_open

    clock[0] += timedelta(minutes=5)
    html = check_page(scanner(tokens.grouped(token)))  # typed by hand, as printed
    assert "RA" in html and "scan-ok" in html
    [visit] = visits_of(visitor)
    assert visit.out_method == "staff" and visit.checked_out_at == clock[0]

    clock[0] += timedelta(minutes=5)
    check_page(scanner(token))
    assert [v.is_open for v in visits_of(visitor)] == [False, True]
    assert scan_count(outcome="in") == 2 and scan_count(outcome="out") == 1


def test_the_page_is_ready_for_the_next_scan_at_once(client, scanner):
    token = with_pass(person())
    html = scanner(token).get_data(as_text=True)
    assert 'name="token"' in html and 'autofocus' in html
    assert token not in html  # the input is empty again
    assert hidden(html, "nonce")


def test_two_scans_of_one_pass_within_a_second_toggle_once(client, scanner, clock):
    visitor = person("Phạm Văn Bình")
    token = with_pass(visitor)
    first = scanner(token).get_data(as_text=True)
    clock[0] += timedelta(milliseconds=800)
    second = scanner(token).get_data(as_text=True)
    assert "VÀO" in first and "VÀO" in second
    assert "Quét lại trong vài giây: chỉ ghi một lần." in second
    [visit] = visits_of(visitor)
    assert visit.is_open
    assert scan_count(outcome="in") == 1 and scan_count(outcome="repeat") == 1


def test_a_reloaded_scanner_page_does_not_toggle_again(client, scanner, clock):
    visitor = person()
    token = with_pass(visitor)
    scanner(token, nonce="a" * 32)
    clock[0] += timedelta(minutes=1)
    html = scanner(token, nonce="a" * 32).get_data(as_text=True)
    assert "VÀO" in html
    [visit] = visits_of(visitor)
    assert visit.is_open and scan_count() == 1


def test_scanning_elsewhere_moves_the_person(client, make, scanner):
    visitor = person()
    token = with_pass(visitor)
    other = make.venue(name="Chợ Cũ")
    from portal.checkin.services import check_in

    check_in(visitor, other, utcnow() - timedelta(minutes=10))
    db.session.commit()
    scanner(token)
    first, second = visits_of(visitor)
    assert first.venue_id == other.id and first.out_method == "moved"
    assert second.venue_id == scanner.venue.id and second.is_open


@pytest.mark.parametrize(
    "value, outcome, message",
    [
        ("hello", "malformed", "Đây không phải thẻ Vào Ra"),
        ("", "malformed", "Đây không phải thẻ Vào Ra"),
        ("1234", "malformed", "Đây không phải thẻ Vào Ra"),
        ("x" * 5000, "malformed", "Đây không phải thẻ Vào Ra"),
        ("https://vaora.example.vn/v/abcdefabcdefabcdefabcd", "venue_code", "mã trên áp phích"),
    ],
)
def test_a_value_that_is_no_pass_is_red_with_the_reason(client, scanner, value, outcome, message):
    html = check_page(scanner(value))
    assert "scan-bad" in html and "KHÔNG GHI NHẬN" in html and message in html
    assert db.session.scalar(select(func.count(Visit.id))) == 0
    assert scan_count(outcome=outcome) == 1


def test_a_mistyped_digit_is_caught_by_the_check_digit(client, scanner):
    visitor = person()
    token = with_pass(visitor)
    wrong = token[:5] + str((int(token[5]) + 1) % 10) + token[6:]
    swapped = token[:7] + token[8] + token[7] + token[9:] if token[7] != token[8] else wrong
    for value in (wrong, swapped):
        html = check_page(scanner(value))
        assert "scan-bad" in html and "gõ hoặc đọc sai" in html
    assert visits_of(visitor) == [] and scan_count(outcome="mistyped") == 2


def test_an_unknown_pass_is_red(client, scanner):
    html = check_page(scanner(tokens.new_token()))
    assert "scan-bad" in html and "Không có thẻ nào mang số này" in html
    assert scan_count(outcome="unknown") == 1


def test_a_replaced_pass_is_red_and_the_new_one_works(client, scanner, clock):
    visitor = person("Đỗ Thị Mai")
    old = with_pass(visitor)
    new = with_pass(visitor)
    html = check_page(scanner(old))
    assert "scan-bad" in html and "đã được thay bằng thẻ mới" in html and "Đỗ Thị Mai" not in html
    assert visits_of(visitor) == []
    assert "VÀO" in scanner(new).get_data(as_text=True)


def test_the_pass_of_a_deleted_person_is_red(client, scanner):
    from portal.privacy.services import purge

    visitor = person("Người Đã Xoá")
    token = with_pass(visitor, now=utcnow() - timedelta(days=40))
    visitor.last_seen_at = visitor.created_at = utcnow() - timedelta(days=40)
    db.session.commit()
    purge(utcnow() - timedelta(days=28), 1000, db.session.commit)
    html = check_page(scanner(token))
    assert "scan-bad" in html and "dữ liệu của người giữ thẻ đã bị xoá" in html
    assert "Người Đã Xoá" not in html
    assert db.session.scalar(select(func.count(Visit.id))) == 0


def test_a_suspended_venue_records_nothing(client, scanner):
    token = with_pass(person())
    scanner.venue.status = "suspended"
    db.session.commit()
    html = check_page(scanner(token))
    assert "scan-bad" in html and "tạm dừng hoặc đã đóng" in html
    assert db.session.scalar(select(func.count(Visit.id))) == 0


def test_a_suspended_venue_still_lets_the_people_inside_out(client, scanner, clock):
    inside, outside = person("Người Ở Trong"), person("Người Ở Ngoài")
    inside_token, outside_token = with_pass(inside), with_pass(outside)
    check_page(scanner(inside_token))
    scanner.venue.status = "suspended"
    db.session.commit()

    clock[0] += timedelta(minutes=5)
    html = check_page(scanner(inside_token))
    assert "scan-ok" in html and "RA" in html
    [visit] = visits_of(inside)
    assert visit.checked_out_at == clock[0] and visit.out_method == "staff"
    html = check_page(scanner(outside_token))
    assert "scan-bad" in html and visits_of(outside) == []


def test_staff_see_only_the_name(client, scanner):
    visitor = person("Hoàng Văn Chí", phone="0912888777", birth_year=1961)
    html = scanner(with_pass(visitor)).get_data(as_text=True)
    assert "Hoàng Văn Chí" in html
    for private in ("0912888777", "912 888 777", "+84912888777", "1961"):
        assert private not in html


def test_the_scanner_device_is_remembered_in_a_cookie(client, scanner):
    token = with_pass(person())
    scanner(token)
    cookie = client.get_cookie("vaora_scanner", path="/staff")
    assert cookie is not None and len(cookie.value) == 12
    assert db.session.scalar(select(Scan.device)) == cookie.value
    assert db.session.scalar(select(Scan.user_id)) == scanner.staff.id


def test_a_scan_counts_as_being_seen_for_retention(client, scanner, clock):
    from portal.visitors.models import Visitor

    visitor = person()
    token = with_pass(visitor)
    visitor.last_seen_at = utcnow() - timedelta(days=20)
    db.session.commit()
    scanner(token)
    assert db.session.get(Visitor, visitor.id).last_seen_at == clock[0]
    clock[0] += timedelta(hours=1)
    scanner(token)  # the way out counts too
    assert db.session.get(Visitor, visitor.id).last_seen_at == clock[0]


@pytest.mark.parametrize("field", ["token", "nonce"])
def test_tampered_form_fields_never_reach_the_database(client, scanner, field):
    token = with_pass(person("Lý Thị Tâm"))
    data = {"token": token, "nonce": "b" * 32}
    data[field] = data[field][:10] + "\x00" + data[field][10:]
    html = check_page(client.post(f"/staff/{scanner.venue.short_code}/scan", data=data))
    if field == "token":
        assert "scan-bad" in html and scan_count(outcome="malformed") == 1
    else:
        assert "Lý Thị Tâm" in html and db.session.scalar(select(Scan.nonce)) is None


def test_the_scanner_speaks_english_too(client, scanner):
    client.set_cookie("lang", "en")
    html = check_page(scanner(with_pass(person("Trịnh Công Sơn"))))
    assert '<html lang="en">' in html and ">IN<" in html and "Trịnh Công Sơn" in html
    html = check_page(scanner("nope"))
    assert "NOT RECORDED" in html and "This is not a Vào Ra pass" in html
