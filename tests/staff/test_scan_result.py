"""What staff see after a scan: entry and exit never look alike, the venue's check word of the day,
and every person a household scan moved."""
import re
from datetime import timedelta
from pathlib import Path

import pytest

from portal.checkin.services import check_in, day_word
from portal.clock import utcnow
from portal.extensions import db
from portal.visitors.services import add_dependent

from ..factories import person, staff_at
from ..html import check_page
from ..passes.helpers import with_pass

CSS = Path(__file__).resolve().parents[2] / "portal" / "static" / "css" / "staff.css"


@pytest.fixture
def scan(client, make, login):
    venue = make.venue()
    login(staff_at(make, venue))

    def post(value):
        return check_page(client.post(f"/staff/{venue.short_code}/scan", data={"token": value}))

    post.venue = venue
    return post


def result(html):
    """(classes of the result box, its big word, its text)."""
    box = re.search(r'<section class="scan-result ([^"]*)"(.*?)</section>', html, re.S)
    return set(box.group(1).split()), re.search(r'class="scan-dir">([^<]*)<', box.group(2)).group(1), box.group(2)


def background(selector):
    return re.search(re.escape(selector) + r"\{background:(#[0-9a-f]{6})", CSS.read_text()).group(1)


def test_entry_and_exit_differ_in_words_and_colour(scan, monkeypatch):
    token = with_pass(person("Trần Thị Hoa"))
    now = utcnow()
    monkeypatch.setattr("portal.staff.views.scanner.utcnow", lambda: now)
    entry_classes, entry_word, entry_text = result(scan(token))
    now += timedelta(minutes=10)
    exit_classes, exit_word, exit_text = result(scan(token))
    assert (entry_word, exit_word) == ("VÀO", "RA")
    assert "scan-in" in entry_classes and "scan-out" not in entry_classes
    assert "scan-out" in exit_classes and "scan-in" not in exit_classes
    assert "Đi vào" in entry_text and "Đi ra" in exit_text and "Đi ra" not in entry_text


def test_the_colours_of_entry_exit_and_refusal_are_all_different_and_not_green():
    colours = [background(".scan-in"), background(".scan-out"), background(".scan-bad")]
    assert len(set(colours)) == 3
    assert "#0b6e3a" not in colours  # the green once used for both directions


def test_the_result_shows_the_venues_check_word_of_the_day(scan, app):
    word = day_word(app.config["SECRET_KEY"], scan.venue, utcnow(), app.config["PORTAL_TIMEZONE"])
    token = with_pass(person("Đỗ Văn Kiểm"))
    for _ in range(2):  # in, then at once again (a repeat): the same word both times
        _, _, text = result(scan(token))
        assert f'Từ kiểm tra hôm nay: <strong lang="vi">{word}</strong>' in text


def test_a_refused_scan_shows_no_check_word(scan):
    classes, word, text = result(scan("hello"))
    assert classes == {"scan-bad"} and word == "KHÔNG GHI NHẬN" and "Từ kiểm tra" not in text


def test_a_household_scan_names_everyone_it_took_out(scan):
    parent = person("Ngô Thị Lan", device_token="h" * 43)
    children = [add_dependent(parent, name, 2016, utcnow()) for name in ("Ngô Bảo Ngọc", "Ngô Minh Khang")]
    check_in(parent, scan.venue, utcnow() - timedelta(minutes=30), dependents=children)
    db.session.commit()
    classes, word, text = result(scan(with_pass(parent)))
    assert word == "RA" and "scan-out" in classes
    assert "Ngô Thị Lan" in text and "Ra cùng: Ngô Bảo Ngọc, Ngô Minh Khang." in text
    assert "3 người đã ra với lần quét này." in text


def test_a_lone_person_is_not_counted_as_a_household(scan):
    _, _, text = result(scan(with_pass(person("Lê Một Mình"))))
    assert "người đã ra" not in text


def test_the_result_speaks_english_too(client, scan):
    client.set_cookie("lang", "en")
    token = with_pass(person("Trịnh Công Sơn"))
    _, word, text = result(scan(token))
    assert word == "IN" and "Entering" in text and "Check word of the day" in text
