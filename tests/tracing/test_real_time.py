"""The contact list counts only time that has passed: a fixed clock, before and after check-outs.

Seen on main: at 17:18 a stay that began at 17:15 was counted up to its projected exit, so a
2-minute overlap showed as 59 minutes, and the list changed once people checked out.
"""
import csv
import io
from datetime import timedelta

import pytest

from portal.checkin.services import check_out
from portal.extensions import db
from portal.tracing import routes as tracing_routes
from portal.tracing.contacts import find_contacts
from portal.tracing.services import person_visits


@pytest.fixture
def scene(make, people):
    """A shop with a 60-minute usual stay; `at(m)` is m minutes after 17:00 yesterday (UTC)."""
    venue = make.venue(name="Tiệm Vàng Kim Hoa", default_stay_minutes=60)
    base = people.now.replace(hour=10, minute=0) - timedelta(days=1)  # 17:00 in Hồ Chí Minh City

    def at(minutes):
        return base + timedelta(minutes=minutes)

    return venue, at


def contacts_at(people, case, now, minutes=1, rule="overlap"):
    """The contact list of `case` as the tracer sees it at the clock `now`."""
    groups = find_contacts(person_visits([case.id], now - timedelta(days=2), now), rule=rule, minutes=minutes,
                           cutoff=now - timedelta(days=28), now=now, exclude_visitor_ids=[case.id])
    return [(c.visitor.full_name, c.overlap_minutes, c.ends_at, c.estimated_end, c.inside)
            for g in groups for c in g.contacts]


def test_an_open_stay_counts_up_to_the_query_not_its_projected_exit(scene, people):
    venue, at = scene
    case, other = people.person("Ca Bệnh"), people.person("Khách Đến Trước")
    other_visit = people.visit(other, venue, at(15))  # 17:15, due out 18:15
    case_visit = people.visit(case, venue, at(16))  # 17:16, due out 18:16
    clock = at(18)  # 17:18: both are still inside
    assert contacts_at(people, case, clock) == [("Khách Đến Trước", 2, clock, True, True)]  # not 59
    # Under the default rule (15 minutes) two minutes together is no contact at all.
    assert contacts_at(people, case, clock, minutes=15) == []
    # Both check out at 17:18: the same clock gives the same answer, now with real ends.
    check_out(other_visit, clock)
    check_out(case_visit, clock)
    db.session.commit()
    assert contacts_at(people, case, clock) == [("Khách Đến Trước", 2, clock, False, False)]
    # Asked later, nothing grows: they left at 17:18.
    assert contacts_at(people, case, at(50)) == [("Khách Đến Trước", 2, clock, False, False)]


def test_check_outs_change_the_counts_only_where_real_time_passed(scene, people):
    venue, at = scene
    case = people.person("Ca Bệnh")
    anh, binh, chi = people.person("Anh"), people.person("Bình"), people.person("Chi")
    anh_visit = people.visit(anh, venue, at(0))
    people.visit(binh, venue, at(10))
    people.visit(chi, venue, at(5), at(12))  # left before the case came
    people.visit(case, venue, at(16))
    before = contacts_at(people, case, at(30))
    assert [(name, minutes) for name, minutes, *_ in before] == [("Anh", 14), ("Bình", 14)]
    assert contacts_at(people, case, at(30)) == before  # the same query at the same clock
    check_out(anh_visit, at(30))
    db.session.commit()
    after = contacts_at(people, case, at(30))
    assert [(name, minutes) for name, minutes, *_ in after] == [("Anh", 14), ("Bình", 14)]
    assert [(name, estimated) for name, _m, _end, estimated, _in in after] == [("Anh", False), ("Bình", True)]
    # A quarter of an hour later only Bình, still inside with the case, has more time together.
    later = contacts_at(people, case, at(45))
    assert [(name, minutes, inside) for name, minutes, _end, _est, inside in later] == [
        ("Bình", 29, True), ("Anh", 14, False)]


def test_events_after_the_clock_do_not_change_an_answer_at_that_clock(scene, people):
    venue, at = scene
    case, early, late = people.person("Ca Bệnh"), people.person("Đến Sớm"), people.person("Đến Muộn")
    early_visit = people.visit(early, venue, at(0))
    case_visit = people.visit(case, venue, at(10))
    clock = at(20)
    first = contacts_at(people, case, clock)
    first_hour = contacts_at(people, case, clock, rule="hour")
    # What happens after 17:20: check-outs and a new arrival.
    check_out(early_visit, at(40))
    people.visit(late, venue, at(35))
    check_out(case_visit, at(50))
    db.session.commit()
    assert first == [("Đến Sớm", 10, clock, True, True)]
    assert contacts_at(people, case, clock) == first
    assert contacts_at(people, case, clock, rule="hour") == first_hour
    assert [name for name, *_ in contacts_at(people, case, at(60))] == ["Đến Sớm", "Đến Muộn"]


def test_a_stay_never_checked_out_keeps_its_estimated_end(scene, people):
    venue, at = scene
    case, forgot = people.person("Ca Bệnh"), people.person("Quên Quét Ra")
    people.visit(forgot, venue, at(0))  # due out at 18:00, never checked out
    people.visit(case, venue, at(30), at(100))
    [row] = contacts_at(people, case, at(120))
    assert row == ("Quên Quét Ra", 30, at(60), True, False)


def _fixed_clock(monkeypatch, clock):
    monkeypatch.setattr(tracing_routes, "utcnow", lambda: clock)


def test_the_contacts_page_and_export_at_a_fixed_clock(client, open_case, make, people, scene, monkeypatch):
    venue, at = scene
    case = people.person("Ca Bệnh", phone="0912 700 000")
    other = people.person("Khách Đến Trước", phone="0912 700 001")
    other_visit = people.visit(other, venue, at(15))
    case_visit = people.visit(case, venue, at(16))
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": "0912700000"})
    _fixed_clock(monkeypatch, at(18))
    day = (at(0) + timedelta(hours=7)).date().isoformat()
    query = f"?date_from={day}&date_to={day}&rule=overlap&minutes=1"
    html = client.get(case_url + "contacts" + query).get_data(as_text=True)
    assert "<td>2</td>" in html and "<td>59</td>" not in html
    assert "vẫn còn ở đây lúc lập danh sách" in html  # both the case and the other are still inside
    rows = list(csv.reader(io.StringIO(client.get(case_url + "contacts.csv" + query).get_data(as_text=True))))
    assert rows[1][-3:-1] == ["có, vẫn còn ở đây lúc lập danh sách", "2"]
    check_out(other_visit, at(18))
    check_out(case_visit, at(18))
    db.session.commit()
    html = client.get(case_url + "contacts" + query).get_data(as_text=True)
    assert "<td>2</td>" in html and "vẫn còn ở đây" not in html and "ước tính" not in html
    rows = list(csv.reader(io.StringIO(client.get(case_url + "contacts.csv" + query).get_data(as_text=True))))
    assert rows[1][-3:-1] == ["không", "2"]
