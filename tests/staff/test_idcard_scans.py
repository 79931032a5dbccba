"""Chip ID cards at the staff scanner: the first scan registers the holder, later scans toggle them;
refused payloads record nothing; the pass keeps working beside the card."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from portal.checkin.models import Visit
from portal.clock import utcnow
from portal.crypto import lookup_hash
from portal.extensions import db
from portal.staff.models import Scan
from portal.tracing.services import find_person
from portal.visitors.models import Visitor

from ..checkin.helpers import visits_of
from ..factories import People, person, staff_at
from ..html import check_page
from ..passes.helpers import with_pass
from .test_idcard import payload

NUMBER = "079185001234"


@pytest.fixture
def clock(monkeypatch):
    now = [utcnow()]
    monkeypatch.setattr("portal.staff.views.scanner.utcnow", lambda: now[0])
    return now


@pytest.fixture
def scan(client, make, login, clock):
    venue = make.venue()
    login(staff_at(make, venue))

    def post(value, nonce=None):
        data = {"token": value, **({"nonce": nonce} if nonce else {})}
        return check_page(client.post(f"/staff/{venue.short_code}/scan", data=data))

    post.venue = venue
    return post


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_first_scan_registers_the_holder_from_the_card_and_checks_them_in(scan):
    html = scan(payload())
    assert "VÀO" in html and "scan-in" in html and "Trần Thị Cước" in html
    [holder] = db.session.scalars(select(Visitor)).all()
    assert (holder.full_name, holder.birth_year, holder.id_number, holder.phone) == (
        "Trần Thị Cước", 1985, NUMBER, None)
    assert holder.id_number_hash == lookup_hash(NUMBER)
    [visit] = visits_of(holder)
    assert visit.is_open and visit.venue_id == scan.venue.id and visit.in_method == "staff"
    assert db.session.scalar(select(Scan.method)) == "card"


def test_the_card_number_is_stored_encrypted_and_the_address_nowhere(scan):
    scan(payload())
    row = db.session.execute(text("select full_name, id_number, id_number_hash from visitors")).one()
    stored = " ".join(str(value) for value in row)
    assert NUMBER not in stored and "Cước" not in stored and "Lê Lợi" not in stored


def test_later_scans_toggle_the_same_person(scan, clock):
    scan(payload())
    clock[0] += timedelta(minutes=20)
    html = scan(payload())
    assert "RA" in html and "scan-out" in html and "Trần Thị Cước" in html
    clock[0] += timedelta(minutes=20)
    assert "VÀO" in scan(payload())
    assert count(Visitor) == 1
    [holder] = db.session.scalars(select(Visitor)).all()
    assert [v.is_open for v in visits_of(holder)] == [False, True]


def test_a_scanner_firing_twice_records_once(scan, clock):
    scan(payload())
    clock[0] += timedelta(seconds=1)
    html = scan(payload())
    assert "VÀO" in html and "chỉ ghi một lần" in html and "scan-repeat" in html
    assert count(Visit) == 1 and db.session.scalar(select(Scan.outcome).order_by(Scan.id.desc())) == "repeat"


def test_a_reloaded_card_scan_toggles_nothing(scan):
    scan(payload(), nonce="c" * 32)
    html = scan(payload(), nonce="c" * 32)
    assert "VÀO" in html and count(Visit) == 1 and count(Scan) == 1


def test_a_known_id_number_finds_the_person_and_keeps_their_name(scan):
    known = People().person("Trần Thị Cước Đã Sửa", id_number=NUMBER)
    html = scan(payload(name="Trafn Thij Cuwowcs"))
    assert "Trần Thị Cước Đã Sửa" in html and "Trafn" not in html
    assert count(Visitor) == 1 and len(visits_of(known)) == 1


def test_a_mangled_name_is_recorded_as_received_with_a_warning(scan):
    html = scan(payload(name="Nguyeenx Thij Hoa"))
    assert "bộ gõ tiếng Việt" in html and "sang tiếng Anh" in html and "Nguyeenx Thij Hoa" in html
    assert db.session.scalar(select(Visitor.full_name)) == "Nguyeenx Thij Hoa"
    assert "bộ gõ tiếng Việt" not in scan(payload("001204012345", "", "Nguyễn Văn An", "01022004", "Nam"))


@pytest.mark.parametrize("raw, outcome, message", [
    (payload(name="Trần|Thị Cước"), "card_fields", "có dấu | trong họ tên"),
    ("079185001234|Trần Thị Cước|15031985", "card_fields", "lần quét này có 3"),
    (payload(born="30021985"), "card_date", "Ngày sinh không phải là một ngày có thật"),
    (payload(issued="01011980"), "card_date", "Ngày cấp không sau ngày sinh"),
    (payload("079085001234"), "card_number", "Chữ số thứ 4"),
    (payload("099185001234"), "card_number", "mã tỉnh"),
    (payload("079184001234"), "card_number", "Chữ số thứ 5 và 6"),
    (payload(name="<script>"), "card_name", "ký tự &lt; và &gt;"),
])
def test_a_refused_card_says_why_and_records_nothing(scan, raw, outcome, message):
    html = scan(raw)
    assert "scan-bad" in html and "KHÔNG GHI NHẬN" in html and message in html
    assert count(Visitor) == count(Visit) == 0
    assert db.session.scalar(select(Scan.outcome)) == outcome


@pytest.mark.parametrize("raw", ["https://vaora.example.vn/v/abcdefabcdefabcdefabcd", "https://example.com/khai-bao?x=1"])
def test_a_web_address_scanned_by_mistake_is_a_poster_not_a_card(scan, raw):
    html = scan(raw)
    assert "scan-bad" in html and "mã trên áp phích" in html and "không phải CCCD" in html
    assert db.session.scalar(select(Scan.outcome)) == "venue_code" and count(Visit) == 0


def test_a_10_kb_paste_is_refused_before_it_is_parsed(scan, monkeypatch):
    def never(*args):
        raise AssertionError("parsed")

    monkeypatch.setattr("portal.staff.idcard.parse", never)
    monkeypatch.setattr("portal.passes.tokens.parse", never)
    html = scan(payload() + "|" + "x" * 10240)
    assert "scan-bad" in html and "Đây không phải thẻ Vào Ra hay CCCD" in html
    assert count(Visitor) == 0 and db.session.scalar(select(Scan.outcome)) == "malformed"


def test_the_pass_works_beside_the_card(scan, clock):
    holder = person("Lý Thị Tâm")
    assert "Lý Thị Tâm" in scan(with_pass(holder)) and "Trần Thị Cước" in scan(payload())
    assert len(visits_of(holder)) == 1 and count(Visit) == 2


def test_a_closed_venue_registers_nobody_from_a_card(scan):
    scan.venue.status = "suspended"
    db.session.commit()
    html = scan(payload())
    assert "tạm dừng hoặc đã đóng" in html and count(Visitor) == 0


def test_tracers_find_a_card_holder_by_the_id_number(scan):
    scan(payload())
    found = find_person(cutoff=utcnow() - timedelta(days=1), id_number="079 185 001 234")
    assert found is not None and found.full_name == "Trần Thị Cước"


def test_the_scanner_page_asks_for_a_pass_or_an_id_card(client, scan):
    html = check_page(client.get(f"/staff/{scan.venue.short_code}/scan"))
    assert "Thẻ hoặc CCCD" in html and "mặt sau CCCD" in html
