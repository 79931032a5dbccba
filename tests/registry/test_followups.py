"""Follow-ups: recording actions, the last action and reminder counts, places still not registered."""
import csv
import io
from datetime import date, timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.clock import utcnow
from portal.registry.followups import follow_up_places, record_follow_up, with_last_actions
from portal.registry.models import FollowUp
from portal.clock import local_date

from ..html import check_page
from ..factories import establishment


def follow_ups():
    return db.session.scalar(select(func.count()).select_from(FollowUp))


def remind(official, place, times, start=date(2026, 1, 5)):
    for i in range(times):
        record_follow_up(official, establishment=place, action="reminded", action_on=start + timedelta(days=i))
    db.session.commit()


def test_official_records_a_follow_up_and_sees_it(client, make, login):
    ward = make.wards(1)[0]
    place = establishment(ward, name="Karaoke Ánh Trăng")
    login(make.user(role="ward_official", wards=[ward], name="Cán bộ Lan"))
    client.set_cookie("lang", "en")
    html = check_page(client.get(f"/registry/establishments/{place.registration_number}/"))
    assert f'value="{local_date(utcnow()).isoformat()}"' in html  # today is the default date
    response = client.post(f"/registry/establishments/{place.registration_number}/follow-ups",
                           data={"action": "reminded", "action_on": "05/01/2026", "note": "Gọi điện nhắc"})
    assert response.status_code == 302
    html = check_page(client.get(response.headers["Location"]))
    assert "05/01/2026" in html and "Gọi điện nhắc" in html and "Cán bộ Lan" in html
    html = check_page(client.get(f"/reports/wards/{ward.code}/not-registered"))
    assert "Reminded" in html and "05/01/2026" in html


def test_bad_follow_ups_are_explained_and_not_saved(client, make, login):
    ward = make.wards(1)[0]
    place = establishment(ward)
    login(make.user(role="ward_official", wards=[ward]))
    client.set_cookie("lang", "en")
    url = f"/registry/establishments/{place.registration_number}/follow-ups"
    tomorrow = (local_date(utcnow()) + timedelta(days=1)).isoformat()
    cases = [
        ({"action": "", "action_on": "2026-01-05"}, "Choose what was done."),
        ({"action": "bribed", "action_on": "2026-01-05"}, "Choose what was done."),
        ({"action": "visited", "action_on": "31/02/2026"}, "Enter the date as day/month/year"),
        ({"action": "visited", "action_on": tomorrow}, "The date cannot be in the future."),
        ({"action": "visited", "action_on": "2026-01-05", "note": "x" * 501}, "Use at most 500 characters."),
        ({"action": "visited", "action_on": "2026-01-05", "note": "bad\x00note"}, "invisible control characters"),
    ]
    for data, message in cases:
        html = check_page(client.post(url, data=data), 422)
        assert message in html, message
    assert follow_ups() == 0


def test_venue_follow_up_shows_on_the_not_used_list(client, make, login):
    ward = make.wards(1)[0]
    venue = make.venue(name="Quán Nhậu Gió", ward_code=ward.code)
    login(make.user(role="ward_official", wards=[ward]))
    client.set_cookie("lang", "en")
    response = client.post(f"/registry/venues/{venue.short_code}/follow-ups",
                           data={"action": "warned", "action_on": "2026-02-01"})
    assert response.status_code == 302
    html = check_page(client.get(f"/reports/wards/{ward.code}/not-used"))
    assert "Quán Nhậu Gió" in html and "Warned" in html and "01/02/2026" in html


def test_reminder_counts_and_places_still_not_registered_after_three(make):
    ward = make.wards(1)[0]
    official = make.user(role="ward_official", wards=[ward])
    stubborn = establishment(ward, name="Cơ sở A")
    twice = establishment(ward, name="Cơ sở B")
    registered = establishment(ward, name="Cơ sở C")
    remind(official, stubborn, 3)
    remind(official, twice, 2)
    remind(official, registered, 4)
    record_follow_up(official, establishment=stubborn, action="visited", action_on=date(2026, 2, 1))
    registered.venue_id = make.venue(ward_code=ward.code).id
    db.session.commit()
    places = {row["name"]: row for row in with_last_actions(follow_up_places(ward.code), ward.code)}
    assert (places["Cơ sở A"]["reminders"], places["Cơ sở A"]["actions"]) == (3, 4)
    assert places["Cơ sở A"]["last"].action == "visited"
    assert places["Cơ sở A"]["stuck"] and not places["Cơ sở B"]["stuck"] and not places["Cơ sở C"]["stuck"]
    assert [row["name"] for row in follow_up_places(ward.code, stuck_only=True)] == ["Cơ sở A"]


def test_follow_up_page_filters_and_exports(client, make, login):
    ward = make.wards(1)[0]
    official = make.user(role="ward_official", wards=[ward])
    stubborn = establishment(ward, name="=Cơ sở Cứng Đầu")
    remind(official, stubborn, 3)
    remind(official, establishment(ward, name="Cơ sở Mới"), 1)
    login(official)
    client.set_cookie("lang", "en")
    html = check_page(client.get(f"/registry/wards/{ward.code}/follow-ups?stuck=1"))
    assert "1 place was reminded 3 times or more" in html
    assert "=Cơ sở Cứng Đầu" in html and "Cơ sở Mới" not in html
    response = client.get(f"/registry/wards/{ward.code}/follow-ups.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][3] == "Place name" and len(rows) == 3
    stuck_row = next(r for r in rows if "Cứng Đầu" in r[3])
    assert stuck_row[3] == "'=Cơ sở Cứng Đầu" and stuck_row[6] == "3" and stuck_row[-1] == "yes"
