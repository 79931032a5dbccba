"""The lean check-in core (checkin/core/): its statements, its lock, and the follower rule."""
import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from portal.checkin import core, services
from portal.checkin.models import Visit
from portal.crypto import plain_hash
from portal.extensions import db
from portal.visitors.services import add_dependent, register_visitor, remember_device

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)


def _open_visits(visitor_id):
    return db.session.scalars(select(Visit).where(Visit.visitor_id == visitor_id,
                                                  Visit.checked_out_at.is_(None))).all()


def test_two_check_ins_of_one_person_at_once_leave_one_open_visit(app, make):
    """The second check-in waits for the first (the person's lock on PostgreSQL, the database's
    write lock on SQLite) and closes the visit the first recorded."""
    first, second = make.venue(name="Cổng A"), make.venue(name="Cổng B")
    person = register_visitor("Phan Văn Đồng", "+84912000111", 1980, T0)
    remember_device(person, "d" * 43, T0)
    db.session.commit()
    ids = (person.id, first.id, second.id, first.token, second.token)
    db.session.remove()
    locked, done, errors = threading.Event(), [], []

    def tap(venue_id, token, nonce, hold):
        try:
            with app.app_context():
                found = core.arrival("token", token, plain_hash("d" * 43), lock=True)
                assert found is not None and found.visitor_id == ids[0]
                core.check_in(ids[0], venue_id, 60, T0 + timedelta(seconds=len(done)), nonce=nonce)
                if hold:
                    locked.set()
                    threading.Event().wait(0.5)  # keep the lock while the other one starts
                db.session.commit()
                done.append(venue_id)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            locked.set()

    holder = threading.Thread(target=tap, args=(ids[1], ids[3], "a" * 22, True))
    holder.start()
    locked.wait(10)
    other = threading.Thread(target=tap, args=(ids[2], ids[4], "b" * 22, False))
    other.start()
    holder.join(30)
    other.join(30)
    assert not errors, errors
    assert done == [ids[1], ids[2]]
    still_open = _open_visits(ids[0])
    assert [v.venue_id for v in still_open] == [ids[2]]
    moved = db.session.scalar(select(Visit).where(Visit.visitor_id == ids[0], Visit.venue_id == ids[1]))
    assert moved.out_method == "moved"


def test_a_dependent_who_joined_later_leaves_at_the_lead_s_time(make):
    """The close statement ends each visit by its own due time; a follower whose own due time
    differs takes the lead's time and method afterwards."""
    venue, elsewhere = make.venue(default_stay_minutes=30), make.venue(name="Nơi khác")
    lead = register_visitor("Bà Ngoại", "+84912000222", 1950, T0)
    child = add_dependent(lead, "Bé Na", 2018, T0)
    visit = services.check_in(lead, venue, T0)
    later = T0 + timedelta(minutes=20)  # "check them in too", 20 minutes on: due 20 minutes later
    services.check_in(lead, venue, later, dependents=[child])
    child_visit = db.session.scalar(select(Visit).where(Visit.visitor_id == child.id))
    assert child_visit.lead_visit_id == visit.id and child_visit.due_out_at == later + timedelta(minutes=30)
    core.lock_person(lead.id, T0 + timedelta(minutes=40))
    core.check_in(lead.id, elsewhere.id, 60, T0 + timedelta(minutes=40))  # the lead's visit is overdue
    db.session.expire_all()
    assert (visit.out_method, visit.checked_out_at) == ("auto", T0 + timedelta(minutes=30))
    assert (child_visit.out_method, child_visit.checked_out_at) == ("auto", T0 + timedelta(minutes=30))


def test_a_replayed_nonce_closes_nothing_and_records_nothing(make):
    here, there = make.venue(name="Ở đây"), make.venue(name="Ở kia")
    person = register_visitor("Trần Văn Lặp", "+84912000333", 1990, T0)
    first = core.check_in(person.id, here.id, 60, T0, nonce="r" * 22)
    core.check_in(person.id, there.id, 60, T0 + timedelta(minutes=1))
    replay = core.check_in(person.id, here.id, 60, T0 + timedelta(minutes=2), nonce="r" * 22)
    assert replay.id == first.id and not replay.new
    assert [v.venue_id for v in _open_visits(person.id)] == [there.id]  # the replay moved nobody
    assert db.session.scalar(select(db.func.count(Visit.id))) == 2


def test_a_check_in_post_counts_its_device_and_its_address_in_one_evaluation(make_app, make, monkeypatch):
    from portal import ratelimits

    from .helpers import register, tap_check_in

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    client = app.test_client()
    first, second = make.venue(name="Một"), make.venue(name="Hai")
    assert register(client, first).status_code == 303
    evaluations = []
    real = ratelimits.take
    monkeypatch.setattr(ratelimits, "take", lambda counters: evaluations.append(list(counters)) or real(counters))
    monkeypatch.setattr("portal.checkin.limits.take", ratelimits.take)
    assert tap_check_in(client, second).status_code == 303
    # the page (GET, not counted) then the POST: one evaluation, the device's and the address's counters
    assert [[scope for _setting, _key, scope in counters] for counters in evaluations] == [
        ["checkin-device", "checkin-ip"]]


def test_the_core_writes_in_the_sessions_transaction_whichever_it_is_now(make):
    """The core keeps the session's connection for the transaction it serves: what it wrote goes
    with a rollback and stays with a commit, and after either it writes in the next transaction."""
    venue = make.venue()
    person = register_visitor("Lê Thị Giao", "+84912000444", 1985, T0)
    db.session.commit()
    person, venue = person.id, venue.id
    core.check_in(person, venue, 60, T0)
    db.session.rollback()
    assert _open_visits(person) == []  # written in the transaction that was rolled back
    kept = core.check_in(person, venue, 60, T0 + timedelta(minutes=1))
    db.session.commit()
    core.close_visit(kept.id, T0 + timedelta(minutes=2))
    db.session.rollback()
    assert [v.id for v in _open_visits(person)] == [kept.id]  # the commit kept it, the close went
    core.close_visit(kept.id, T0 + timedelta(minutes=3))
    db.session.commit()
    db.session.close()
    assert _open_visits(person) == []


def test_the_venue_page_s_look_up_brings_the_household_the_household_query_gives(make):
    """`arrival_page` finds venue, device, person and household in one statement: the members
    and open visits are those `household` reads by itself, and an overdue visit is closed by
    either; a device remembered by no one brings no household."""
    venue, elsewhere = make.venue(name="Nhà văn hoá"), make.venue(name="Tiệm bánh", default_stay_minutes=30)
    lead = register_visitor("Đỗ Thị Hằng", "+84912000666", 1970, T0)
    child, other = add_dependent(lead, "Bé Bi", 2017, T0), add_dependent(lead, "Bé Bo", 2019, T0)
    remember_device(lead, "h" * 43, T0)
    db.session.commit()
    core.check_in(lead.id, elsewhere.id, 30, T0, dependents=[child.id])  # due at T0 + 30 min
    core.check_in(other.id, venue.id, 600, T0)
    db.session.commit()
    now = T0 + timedelta(minutes=10)
    row, rows = core.arrival_page("token", venue.token, plain_hash("h" * 43))
    assert (row.id, row.visitor_id, row.full_name) == (venue.id, lead.id, "Đỗ Thị Hằng")
    from_page = core.household(lead.id, now, rows)
    assert from_page == core.household(lead.id, now)
    members, stays = from_page
    assert [m.id for m in members] == [lead.id, child.id, other.id] and members[0].full_name is None
    assert {v: s.venue_id for v, s in stays.items()} == {lead.id: elsewhere.id, child.id: elsewhere.id,
                                                          other.id: venue.id}
    later = T0 + timedelta(minutes=40)  # the visit elsewhere is overdue: closed at its due time
    row, rows = core.arrival_page("token", venue.token, plain_hash("h" * 43))
    assert set(core.household(lead.id, later, rows)[1]) == {other.id}
    db.session.commit()
    assert _open_visits(lead.id) == [] and _open_visits(child.id) == []
    stranger, rows = core.arrival_page("code", venue.short_code, plain_hash("x" * 43))
    assert stranger.visitor_id is None and len(rows) == 1 and rows[0].member_id is None
    assert core.arrival_page("token", "no-such-token", None) is None


def test_the_confirmation_s_look_up_brings_those_who_came_along(make):
    """`confirmation_page` finds the visit, the device's person and the household in one
    statement: the companions are those `companions` reads by itself; a device remembered by no
    one brings none."""
    venue = make.venue(name="Thư viện")
    lead = register_visitor("Vũ Minh Khoa", "+84912000777", 1981, T0)
    child, home = add_dependent(lead, "Bé Su", 2016, T0), add_dependent(lead, "Bé Ở Nhà", 2020, T0)
    remember_device(lead, "k" * 43, T0)
    db.session.commit()
    visit = core.check_in(lead.id, venue.id, 60, T0, dependents=[child.id])
    db.session.commit()
    row, rows = core.confirmation_page(visit.ref, plain_hash("k" * 43))
    assert (row.id, row.device_visitor_id, row.full_name) == (visit.id, lead.id, "Vũ Minh Khoa")
    ids, going = core.companions(row.id, row.device_visitor_id, rows)
    assert (sorted(ids), going) == (sorted(core.companions(visit.id, lead.id)[0]),
                                    core.companions(visit.id, lead.id)[1])
    assert sorted(ids) == sorted([lead.id, child.id, home.id])
    assert [c.full_name for c in going] == ["Bé Su"]
    row, rows = core.confirmation_page(visit.ref, plain_hash("z" * 43))
    assert row.device_visitor_id is None and core.companions(row.id, None, rows) == ([], [])
    assert core.confirmation_page("no-such-ref", None) is None
