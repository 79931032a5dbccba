"""The check-in rules other features call: check_in, check_out, open_visit_for, close_stale."""
from datetime import date, datetime, timedelta, timezone

import pytest

from portal.checkin import services
from portal.checkin.figures import today_counts
from portal.checkin.words import WORDS, check_word
from portal.extensions import db
from portal.visitors.services import add_dependent, register_visitor

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)  # 08:00 in Hồ Chí Minh City


@pytest.fixture
def person(app):
    visitor = register_visitor("Võ Thị Sáu", "+84912000001", 1990, T0)
    db.session.commit()
    return visitor


def test_check_in_and_out(make, person):
    venue = make.venue(default_stay_minutes=45)
    visit = services.check_in(person, venue, T0, method="staff")
    assert visit.in_method == "staff" and visit.due_out_at == T0 + timedelta(minutes=45)
    assert services.open_visit_for(person.id, T0 + timedelta(minutes=10)) is visit
    services.check_out(visit, T0 + timedelta(minutes=20), method="staff")
    assert visit.checked_out_at == T0 + timedelta(minutes=20) and visit.out_method == "staff"
    assert services.open_visit_for(person.id, T0 + timedelta(minutes=21)) is None


def test_checking_in_where_already_inside_returns_the_same_visit(make, person):
    venue = make.venue()
    first = services.check_in(person, venue, T0)
    assert services.check_in(person, venue, T0 + timedelta(minutes=5)) is first


def test_nonce_makes_check_in_idempotent_and_belongs_to_one_person(make, person):
    venue = make.venue()
    visit = services.check_in(person, venue, T0, nonce="n" * 22)
    services.check_out(visit, T0 + timedelta(minutes=1))
    assert services.check_in(person, venue, T0 + timedelta(minutes=2), nonce="n" * 22) is visit
    other = register_visitor("Người Khác", "+84912000002", 1980, T0)
    with pytest.raises(services.NonceTaken):
        services.check_in(other, venue, T0, nonce="n" * 22)


def test_open_visit_is_closed_automatically_when_read_after_its_due_time(make, person):
    venue = make.venue(default_stay_minutes=30)
    visit = services.check_in(person, venue, T0)
    assert services.open_visit_for(person.id, T0 + timedelta(minutes=30)) is None
    assert visit.out_method == "auto" and visit.checked_out_at == T0 + timedelta(minutes=30)


def test_late_check_out_is_recorded_as_automatic_at_the_due_time(make, person):
    venue = make.venue(default_stay_minutes=30)
    visit = services.check_in(person, venue, T0)
    services.check_out(visit, T0 + timedelta(hours=5))
    assert visit.out_method == "auto" and visit.checked_out_at == T0 + timedelta(minutes=30)


def test_dependents_follow_the_lead_and_others_dependents_are_refused(make, person):
    venue, elsewhere = make.venue(), make.venue(name="B")
    child = add_dependent(person, "Bé Su", 2019, T0)
    visit = services.check_in(person, venue, T0, dependents=[child])
    child_visit = services.open_visit_for(child.id, T0)
    assert child_visit.lead_visit_id == visit.id
    services.check_in(person, elsewhere, T0 + timedelta(minutes=5))
    assert child_visit.out_method == "moved"  # closed with the lead's visit
    stranger = register_visitor("Người Lạ", "+84912000003", 1970, T0)
    with pytest.raises(ValueError):
        services.check_in(stranger, venue, T0, dependents=[child])


def test_open_visits_for_several_people_closes_overdue_ones(make, person):
    venue = make.venue(default_stay_minutes=10)
    child = add_dependent(person, "Bé Su", 2019, T0)
    services.check_in(person, venue, T0, dependents=[child])
    assert set(services.open_visits_for([person.id, child.id], T0 + timedelta(minutes=5))) == {person.id, child.id}
    assert services.open_visits_for([person.id, child.id], T0 + timedelta(minutes=11)) == {}
    assert services.open_visits_for([], T0) == {}


def test_close_stale_closes_in_batches(make, person):
    venue = make.venue(default_stay_minutes=10)
    people = [person] + [register_visitor(f"Khách {i}", f"+8491200010{i}", 1990, T0) for i in range(4)]
    for p in people:
        services.check_in(p, venue, T0)
    db.session.commit()
    assert services.close_stale(T0 + timedelta(minutes=9)) == 0
    assert services.close_stale(T0 + timedelta(minutes=10), batch=2) == 5
    db.session.expire_all()
    assert all(v.out_method == "auto" for v in services.history([p.id for p in people], T0, T0))


def test_history_is_newest_first_and_bounded(make, person):
    venue = make.venue()
    old = services.check_in(person, venue, T0 - timedelta(days=30))
    new = services.check_in(person, make.venue(name="B"), T0)
    assert services.history([person.id], T0, T0 - timedelta(days=28)) == [new]
    assert old.out_method == "auto"  # overdue long before the next check-in


def test_venue_figures_count_today_and_inside_without_names(make, person):
    venue = make.venue(default_stay_minutes=60)
    yesterday = register_visitor("Hôm Qua", "+84912000009", 1990, T0)
    services.check_in(yesterday, venue, T0 - timedelta(hours=2))  # 06:00 local: today too
    services.check_in(person, venue, T0)
    late = register_visitor("Đêm Qua", "+84912000008", 1990, T0)
    services.check_in(late, venue, T0 - timedelta(hours=9))  # 23:00 local the day before
    counts = today_counts(venue, T0 + timedelta(minutes=5), "Asia/Ho_Chi_Minh")
    assert counts == {"checked_in_today": 2, "inside_now": 1}


def test_check_word_changes_with_day_and_venue_and_is_stable():
    words = {check_word("secret", 1, date(2026, 11, d)) for d in range(1, 29)}
    assert len(words) > 10 and words <= set(WORDS)
    assert check_word("secret", 1, date(2026, 11, 1)) == check_word("secret", 1, date(2026, 11, 1))
    days = [date(2026, 11, d) for d in range(1, 29)]
    assert [check_word("other", 1, d) for d in days] != [check_word("secret", 1, d) for d in days]
    assert {check_word("secret", v, date(2026, 11, 1)) for v in range(1, 30)} != {check_word("secret", 1, date(2026, 11, 1))}


def test_day_word_uses_the_local_date(make):
    venue = make.venue()
    evening_utc = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)  # 01:00 on the 21st locally
    assert services.day_word("k", venue, evening_utc, "Asia/Ho_Chi_Minh") == check_word("k", venue.id, date(2026, 11, 21))
