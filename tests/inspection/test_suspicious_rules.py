"""The four suspicious-check-in rules at their thresholds, on seeded data at a fixed clock, and the daily job."""
from datetime import date, timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.inspection.models import SuspiciousFlag
from portal.inspection.suspicious import Thresholds, evaluate_day

from .suspicious_seed import NOW, SMALL, TZ, aged, local, registrations, visits

TODAY = date(2026, 11, 20)


def findings(rule, limits=SMALL, day=TODAY):
    return [f for f in evaluate_day(day, NOW, limits, TZ) if f.rule == rule]


def test_thresholds_come_from_the_settings(app):
    app.config.update(PORTAL_SUSPICIOUS_BURST_COUNT=7, PORTAL_SUSPICIOUS_JUMP_FACTOR=3)
    limits = Thresholds.from_config(app.config)
    assert limits.burst_count == 7 and limits.jump_factor == 3
    assert limits.checkout_visits == app.config["PORTAL_SUSPICIOUS_CHECKOUT_VISITS"] == 30


def test_a_burst_needs_enough_registrations_from_few_addresses_within_the_minutes(make):
    below, at, spread = make.venue(name="Quán A"), make.venue(name="Quán B"), make.venue(name="Quán C")
    # 14 then 15 registrations from two addresses within 140 seconds; 15 from three addresses (5 each).
    registrations(below, local(20, 9), ["203.0.113.7", "203.0.113.8"] * 7)
    burst = registrations(at, local(20, 9), ["203.0.113.7", "203.0.113.8"] * 7 + ["203.0.113.7"])
    registrations(spread, local(20, 9), ["198.51.100.1", "198.51.100.2", "198.51.100.3"] * 5)
    found = findings("burst")
    assert [f.venue_id for f in found] == [at.id]
    assert found[0].figures == {"registrations": 15, "addresses": 2, "minutes": 5, "in_window": 15}
    assert sorted(found[0].matched) == sorted(r.visit_id for r in burst)
    assert (found[0].window_start, found[0].window_end) == (burst[0].registered_at, burst[-1].registered_at)


def test_a_burst_must_fit_in_the_minutes_and_ignores_other_addresses(make):
    slow, mixed = make.venue(name="Quán Chậm"), make.venue(name="Quán Đông")
    # 15 registrations from one address, one every 21.5 seconds: the 15th is 5 min 1 s after the first.
    registrations(slow, local(20, 9), ["203.0.113.9"] * 15, every=timedelta(seconds=21.5))
    # 15 from one address among 10 from ten others: only the 15 are matched.
    ips = ["192.0.2.1"] * 15 + [f"192.0.2.{i}" for i in range(10, 20)]
    rows = registrations(mixed, local(20, 10), ips, every=timedelta(seconds=5))
    found = findings("burst")
    assert [f.venue_id for f in found] == [mixed.id]
    assert found[0].figures == {"registrations": 15, "addresses": 1, "minutes": 5, "in_window": 25}
    assert sorted(found[0].matched) == sorted(r.visit_id for r in rows[:15])


def test_out_of_hours_check_ins_against_the_opening_hours(make):
    below = make.venue(name="Tiệm A", opens_at="08:00", closes_at="20:00")
    at = make.venue(name="Tiệm B", opens_at="08:00", closes_at="20:00")
    # 07:00 and 21:00 are exactly the 60-minute margin away: not outside.
    visits(below, [local(20, 2, m) for m in range(4)] + [local(20, 7, 0), local(20, 21, 0)])
    late = visits(at, [local(20, 2, m) for m in range(5)] + [local(20, 7, 0)])
    found = [f for f in evaluate_day(TODAY, local(20, 23, 59), SMALL, TZ) if f.rule == "hours"]
    assert [f.venue_id for f in found] == [at.id]
    assert found[0].figures == {"opens_at": "08:00", "closes_at": "20:00", "outside": 5, "checkins": 6,
                                "margin_minutes": 60}
    assert sorted(found[0].matched) == sorted(v.id for v in late[:5])  # 07:00 is within the margin


def test_opening_hours_past_midnight(make):
    bar = make.venue(name="Quán Đêm", opens_at="18:00", closes_at="02:00")
    visits(bar, [local(20, 1, 30), local(20, 2, 59)] + [local(20, 10, m) for m in range(5)])
    found = [f for f in evaluate_day(TODAY, local(20, 23, 59), SMALL, TZ) if f.rule == "hours"]
    assert [(f.venue_id, f.figures["outside"], f.figures["checkins"]) for f in found] == [(bar.id, 5, 7)]


def test_usual_hours_are_learned_from_the_last_14_days(make):
    learned, young = make.venue(name="Chợ A"), make.venue(name="Chợ B")
    for venue, count in ((learned, 20), (young, 19)):
        visits(venue, [local(20 - 1 - i % 14, 10, i) for i in range(count)])  # mornings around 10:00
        visits(venue, [local(20, 3, m) for m in range(5)] + [local(20, 11, 5)])
    found = findings("hours")
    assert [f.venue_id for f in found] == [learned.id]
    assert found[0].figures == {"baseline_visits": 20, "outside": 5, "checkins": 6, "margin_minutes": 60}


def test_a_jump_against_the_14_day_average(make):
    below, at, busy = (aged(make.venue(name=n)) for n in ("Quán 1", "Quán 2", "Quán 3"))
    for venue in (below, at):
        visits(venue, [local(20 - 1 - i % 14, 9) for i in range(28)])  # 2 a day: 4 × 2 = 8 < 10
    visits(busy, [local(20 - 1 - i % 14, 9) for i in range(42)])  # 3 a day: 4 × 3 = 12
    visits(below, [local(20, 9, m) for m in range(9)])
    visits(at, [local(20, 9, m) for m in range(10)])
    visits(busy, [local(20, 9, m) for m in range(11)])
    found = findings("jump")
    assert [(f.venue_id, f.figures) for f in found] == [(at.id, {"checkins": 10, "average": 2.0, "days": 14})]
    visits(busy, [local(20, 10)])
    assert {f.venue_id for f in findings("jump")} == {at.id, busy.id}


def test_a_jump_needs_a_venue_old_enough_for_a_baseline(make):
    new = make.venue(name="Quán Mới")  # registered at the real clock, after the fixed one
    visits(new, [local(20, 9, m) for m in range(30)])
    assert findings("jump") == []


def test_almost_no_check_outs_among_finished_visits(make):
    nine, ten, five_percent, under = (make.venue(name=n) for n in ("Nhà 1", "Nhà 2", "Nhà 3", "Nhà 4"))
    visits(nine, [local(20, 8, m) for m in range(9)])
    visits(ten, [local(20, 8, m) for m in range(10)])
    visits(ten, [local(20, 11, 30)])  # not yet due at NOW: not finished
    visits(five_percent, [local(20, 8, m) for m in range(19)])
    visits(five_percent, [local(20, 8, 30)], out=timedelta(minutes=20), out_method="self")
    visits(under, [local(20, 8, m) for m in range(39)])
    visits(under, [local(20, 8, 40)], out=timedelta(minutes=20), out_method="self")
    visits(under, [local(20, 8, 50)], out=timedelta(minutes=60), out_method="auto")
    found = {f.venue_id: f.figures for f in findings("checkout")}
    assert found == {ten.id: {"finished": 10, "checked_out": 0, "percent": 0.0},
                     under.id: {"finished": 41, "checked_out": 1, "percent": 2.4}}


def test_fabricated_visits_count_for_no_rule(make):
    venue = make.venue(name="Nhà 5")
    rows = visits(venue, [local(20, 8, m) for m in range(10)])
    assert findings("checkout")
    rows[0].fabricated = True
    db.session.commit()
    assert findings("checkout") == []


def test_the_daily_job_stores_entries_once(app, make, monkeypatch):
    monkeypatch.setattr("portal.inspection.cli.utcnow", lambda: NOW)
    app.config.update(PORTAL_SUSPICIOUS_CHECKOUT_VISITS=10, PORTAL_SUSPICIOUS_JUMP_COUNT=10)
    yesterday, today = make.venue(name="Nhà Hôm Qua"), make.venue(name="Nhà Hôm Nay")
    visits(yesterday, [local(19, 8, m) for m in range(10)])
    visits(today, [local(20, 8, m) for m in range(10)])
    visits(today, [local(18, 8, m) for m in range(10)])  # the day before yesterday: not looked at
    runner = app.test_cli_runner()
    first = runner.invoke(args=["inspection", "suspicious"])
    assert first.exit_code == 0, first.output
    assert "2026-11-19, 2026-11-20: 2 new entries, 0 refreshed" in first.output
    again = runner.invoke(args=["inspection", "suspicious"])
    assert "2 new entries" not in again.output and "0 new entries, 2 refreshed" in again.output
    rows = db.session.scalars(select(SuspiciousFlag).order_by(SuspiciousFlag.window_start)).all()
    assert [(f.venue_id, f.rule, f.status) for f in rows] == [(yesterday.id, "checkout", "open"),
                                                             (today.id, "checkout", "open")]
    earlier = runner.invoke(args=["inspection", "suspicious", "--date", "2026-11-18"])
    assert "1 new entries" in earlier.output
    assert db.session.scalar(select(func.count()).select_from(SuspiciousFlag)) == 3
    bad = runner.invoke(args=["inspection", "suspicious", "--date", "20/11/2026"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
