"""The periodic report opens on the last day with data, takes dates as people write them, labels its changes."""
from datetime import date, timedelta

from portal.clock import local_date, utcnow

from ..factories import visit, visitor
from ..html import check_page
from .test_periodic import DAY, local


def test_it_opens_on_the_last_day_with_check_ins_not_an_empty_yesterday(client, make, login):
    ward = make.wards(1)[0]
    venue = make.venue(ward_code=ward.code)
    visit(venue, visitor(), local(DAY, 9), timedelta(minutes=20), "self")
    login(make.user(role="ward_official", wards=[ward]))
    html = check_page(client.get("/reports/periodic"))
    assert 'value="19/11/2026"' in html
    assert "19/11/2026" in html.split("<h1>")[1].split("</h1>")[0]


def test_without_any_check_in_it_opens_on_yesterday(client, make, login):
    login(make.user(role="province_admin"))
    html = check_page(client.get("/reports/periodic"))
    yesterday = local_date(utcnow()) - timedelta(days=1)
    assert f'value="{yesterday.strftime("%d/%m/%Y")}"' in html


def test_a_ward_official_opens_on_their_own_wards_last_day(client, make, login):
    mine, other = make.wards(2)
    visit(make.venue(ward_code=mine.code), visitor(), local(DAY, 9), timedelta(minutes=20), "self")
    visit(make.venue(ward_code=other.code, name="Khác"), visitor("Người Khác", "+84912000099"),
          local(DAY + timedelta(days=3), 9), timedelta(minutes=20), "self")
    login(make.user(role="ward_official", wards=[mine]))
    assert 'value="19/11/2026"' in check_page(client.get("/reports/periodic"))


def test_dates_are_taken_as_day_month_year_and_as_a_date_picker_sends_them(client, make, login):
    login(make.user(role="province_admin"))
    for typed in ("19/11/2026", "2026-11-19", " 19/11/2026 "):
        html = check_page(client.get(f"/reports/periodic?date={typed}"))
        assert 'value="19/11/2026"' in html
    html = check_page(client.get("/reports/periodic?date=31/02/2026"), 422)
    assert "25/11/2026" in html  # the error shows the one date format


def test_one_date_format_in_every_hint(client, make, login):
    ward = make.wards(1)[0]
    venue = make.venue(ward_code=ward.code)
    login(make.user(role="province_admin"))
    pages = ["/reports/periodic", f"/registry/venues/{venue.short_code}/", "/reports/zones"]
    for url in pages:
        html = check_page(client.get(url))
        assert "YYYY" not in html and "NNNN" not in html and "2026-11-25" not in html, url
        assert "25/11/2026" in html, url


def test_changes_say_what_they_compare_with(client, make, login):
    login(make.user(role="province_admin"))
    html = check_page(client.get(f"/reports/periodic?date={DAY.strftime('%d/%m/%Y')}"))
    assert "so với ngày trước:" in html
    weekly = check_page(client.get(f"/reports/periodic?date={DAY.strftime('%d/%m/%Y')}&period=weekly"))
    assert "so với 7 ngày trước:" in weekly
    assert date(2026, 11, 19) == DAY
