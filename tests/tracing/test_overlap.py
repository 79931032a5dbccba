"""The contact rules, boundary by boundary: a pure table, then the same cases through the database."""
from datetime import datetime, timedelta, timezone

import pytest

from portal.tracing.contacts import contact_count, find_contacts, is_contact, overlap
from portal.tracing.services import person_visits

DAY = datetime(2021, 9, 14, tzinfo=timezone.utc)


def at(hhmm, day=0):
    hours, minutes = map(int, hhmm.split(":"))
    return DAY + timedelta(days=day, hours=hours, minutes=minutes)


# (label, case in, case out, other in, other out, overlap rule ≥ 15 min, hour rule)
PURE = [
    ("touching after", at("10:00"), at("11:00"), at("11:00"), at("12:00"), False, True),
    ("touching before", at("09:00"), at("10:00"), at("10:00"), at("11:00"), False, True),
    ("exactly 15 minutes", at("10:00"), at("11:00"), at("10:45"), at("11:30"), True, True),
    ("14 minutes", at("10:00"), at("11:00"), at("10:46"), at("11:30"), False, True),
    ("inside, 10 minutes", at("10:00"), at("11:00"), at("10:10"), at("10:20"), False, True),
    ("apart", at("10:00"), at("11:00"), at("13:00"), at("14:00"), False, False),
    ("in 61 minutes after", at("10:00"), at("12:00"), at("11:01"), at("12:00"), True, False),
    ("in 61 minutes before", at("10:00"), at("11:00"), at("08:59"), at("10:30"), True, False),
    ("overnight, after midnight", at("23:00"), at("01:00", 1), at("00:30", 1), at("02:00", 1), True, False),
    ("overnight, before midnight", at("23:00"), at("01:00", 1), at("22:00"), at("23:20"), True, True),
]


@pytest.mark.parametrize("label,case_in,case_out,other_in,other_out,by_overlap,by_hour", PURE,
                         ids=[row[0] for row in PURE])
def test_contact_rules_table(label, case_in, case_out, other_in, other_out, by_overlap, by_hour):
    assert is_contact("overlap", 15, case_in, case_out, other_in, other_out) is by_overlap
    assert is_contact("hour", 15, case_in, case_out, other_in, other_out) is by_hour
    # overlap is symmetric
    assert overlap(case_in, case_out, other_in, other_out) == overlap(other_in, other_out, case_in, case_out)


def test_minimum_overlap_is_configurable():
    assert is_contact("overlap", 10, at("10:00"), at("11:00"), at("10:10"), at("10:20"))
    assert not is_contact("overlap", 11, at("10:00"), at("11:00"), at("10:10"), at("10:20"))


# Through the database. Times are minutes relative to the case's check-in, 3 days ago.
# (label, venue default stay, case (in, out|None), other (in, out|None), rule, minutes, expected overlap|None)
DB_CASES = [
    ("touching intervals", 60, (0, 60), (60, 120), "overlap", 15, None),
    ("overlap of exactly N", 60, (0, 60), (45, 90), "overlap", 15, 15),
    ("one minute short of N", 60, (0, 60), (46, 90), "overlap", 15, None),
    ("other never checked out: default stay", 60, (0, 60), (30, None), "overlap", 15, 30),
    ("other never checked out, ends as case arrives", 60, (0, 60), (-60, None), "overlap", 15, None),
    ("other never checked out, 10 minutes", 60, (0, 60), (-50, None), "overlap", 10, 10),
    ("other checked out after due: auto-closed at default stay", 30, (0, 25), (-10, 200), "overlap", 15, 20),
    ("case never checked out", 60, (0, None), (50, 120), "overlap", 10, 10),
    ("overnight stay", 720, (0, 600), (-300, 120), "overlap", 15, 120),
    ("long open stay found by the look-back", 720, (0, 30), (-700, None), "overlap", 15, 20),
    ("PC-Covid rule: 60 minutes after", 60, (0, 30), (60, 90), "hour", 15, 0),
    ("PC-Covid rule: 61 minutes after", 60, (0, 30), (61, 90), "hour", 15, None),
    ("PC-Covid rule: 60 minutes before, no overlap", 60, (0, 30), (-60, -40), "hour", 15, 0),
]


@pytest.mark.parametrize("label,stay,case,other,rule,minutes,expected", DB_CASES, ids=[c[0] for c in DB_CASES])
def test_contact_rules_in_the_database(make, people, label, stay, case, other, rule, minutes, expected):
    venue = make.venue(default_stay_minutes=stay)
    base = people.now - timedelta(days=3)
    t = lambda m: None if m is None else base + timedelta(minutes=m)  # noqa: E731
    f0, f1 = people.person("Ca Bệnh"), people.person("Người Khác")
    people.visit(f0, venue, t(case[0]), t(case[1]))
    people.visit(f1, venue, t(other[0]), t(other[1]))
    groups = find_contacts(person_visits([f0.id], base - timedelta(days=1), people.now), rule=rule, minutes=minutes,
                           cutoff=people.now - timedelta(days=28), now=people.now, exclude_visitor_ids=[f0.id])
    found = [(c.visitor.full_name, c.overlap_minutes) for g in groups for c in g.contacts]
    assert found == ([] if expected is None else [("Người Khác", expected)])


def test_dependents_are_contacts_with_their_leads_phone(make, people):
    venue = make.venue()
    base = people.now - timedelta(days=2)
    f0 = people.person("Ca Bệnh")
    mother = people.person("Mẹ", phone="0987 654 321")
    child = people.dependent(mother, "Con Nhỏ")
    people.visit(f0, venue, base, base + timedelta(minutes=60))
    people.visit(mother, venue, base + timedelta(minutes=20), base + timedelta(minutes=50), dependents=[child])
    groups = find_contacts(person_visits([f0.id], base - timedelta(hours=1), people.now), rule="overlap",
                           minutes=15, cutoff=people.now - timedelta(days=28), now=people.now, exclude_visitor_ids=[f0.id])
    contacts = {c.visitor.full_name: c for c in groups[0].contacts}
    assert set(contacts) == {"Mẹ", "Con Nhỏ"}
    assert contacts["Con Nhỏ"].lead.phone == "+84987654321"
    assert contacts["Con Nhỏ"].overlap_minutes == 30
    assert contact_count(groups) == (2, 2)


def test_the_case_household_is_marked_and_the_case_itself_excluded(make, people):
    venue = make.venue()
    base = people.now - timedelta(days=1)
    f0 = people.person("Ca Bệnh")
    son = people.dependent(f0, "Con Trai")
    people.visit(f0, venue, base, base + timedelta(minutes=40), dependents=[son])
    groups = find_contacts(person_visits([f0.id], base - timedelta(hours=1), people.now), rule="overlap",
                           minutes=15, cutoff=people.now - timedelta(days=28), now=people.now, exclude_visitor_ids=[f0.id])
    [contact] = groups[0].contacts
    assert contact.visitor.full_name == "Con Trai" and contact.household


def test_contacts_are_grouped_by_venue_in_visit_order_and_ignore_other_venues(make, people):
    market, cafe, elsewhere = make.venue(name="Chợ"), make.venue(name="Quán cà phê"), make.venue(name="Nơi khác")
    base = people.now - timedelta(days=4)
    f0, a, b, c = (people.person(n) for n in ("Ca Bệnh", "An", "Bình", "Chi"))
    people.visit(f0, market, base, base + timedelta(minutes=60))
    people.visit(f0, cafe, base + timedelta(hours=2), base + timedelta(hours=3))
    people.visit(a, cafe, base + timedelta(hours=2), base + timedelta(hours=3))
    people.visit(b, market, base + timedelta(minutes=10), base + timedelta(minutes=55))
    people.visit(c, elsewhere, base, base + timedelta(hours=3))
    groups = find_contacts(person_visits([f0.id], base - timedelta(hours=1), people.now), rule="overlap",
                           minutes=15, cutoff=people.now - timedelta(days=28), now=people.now, exclude_visitor_ids=[f0.id])
    assert [(g.venue.name, [x.visitor.full_name for x in g.contacts]) for g in groups] == [
        ("Chợ", ["Bình"]), ("Quán cà phê", ["An"])]
    assert groups[1].contacts[0].overlap_minutes == 60


def test_rows_older_than_retention_are_never_contacts(make, people):
    venue = make.venue()
    old = people.now - timedelta(days=28, minutes=30)
    f0, other = people.person("Ca Bệnh"), people.person("Người Cũ")
    people.visit(other, venue, old - timedelta(minutes=10), old + timedelta(minutes=50))
    people.visit(f0, venue, old + timedelta(minutes=31), old + timedelta(minutes=60))
    cutoff = people.now - timedelta(days=28)
    groups = find_contacts(person_visits([f0.id], cutoff, people.now), rule="overlap", minutes=15,
                           cutoff=cutoff, now=people.now, exclude_visitor_ids=[f0.id])
    assert [c for g in groups for c in g.contacts] == []
