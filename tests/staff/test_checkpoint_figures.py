"""Checkpoint figures at a fixed clock: per lane and direction, per local hour and live; crossings,
rejected scans, the usual (median), 95th percentile (nearest rank) and longest gap between scans."""
from datetime import datetime, timedelta, timezone

from portal.clock import day_bounds
from portal.extensions import db
from portal.staff.checkpoint_figures import checkpoint_figures, nearest_rank
from portal.staff.crossings import add_lane, retire_lane
from portal.staff.models import Scan

from ..factories import staff_at
from ..html import check_page

TZ = "Asia/Ho_Chi_Minh"
# 10:00 on 2 March 2026 in Hồ Chí Minh City; the local day began at 17:00 UTC on 1 March.
NOW = datetime(2026, 3, 2, 3, 0, tzinfo=timezone.utc)
START, END = day_bounds(NOW, TZ)


def local(hour, minute=0, second=0):
    """A local time on NOW's day, as aware UTC."""
    return datetime(2026, 3, 2, hour, minute, second, tzinfo=timezone(timedelta(hours=7))).astimezone(timezone.utc)


def scan(venue, at, outcome, lane=None, direction=None, user=None, device="aaaaaaaaaaaa"):
    """One row of the scan log, as the scanner writes it at a checkpoint."""
    db.session.add(Scan(venue_id=venue.id, user_id=user.id if user else None, device=device, scanned_at=at,
                        outcome=outcome, method="staff", lane_id=lane.id if lane else None,
                        direction=lane.direction if lane else direction))
    db.session.commit()


def lanes(make, names=(("Làn 1", "in"), ("Làn 2", "out"))):
    venue = make.venue(name="Chốt QL13", category="checkpoint")
    return venue, [add_lane(venue, name, direction, NOW - timedelta(days=1)) for name, direction in names]


def test_the_nearest_rank_percentile_is_a_gap_that_happened():
    assert nearest_rank([], 95) is None
    assert nearest_rank([7.0], 95) == 7.0
    assert [nearest_rank([15, 20, 35, 40, 50], p) for p in (5, 30, 40, 50, 95, 100)] == [15, 20, 20, 35, 50, 50]
    # 20 gaps of 1..20 s: rank ceil(0.95 × 20) = 19; interpolating would say 19.05.
    assert nearest_rank(list(range(20, 0, -1)), 95) == 19


def test_counts_and_gaps_per_lane_at_a_fixed_clock(app, make):
    venue, (lane_in, lane_out) = lanes(make)
    # Lane 1, from 08:00: gaps of 2, 4, … 20 s (ten gaps), every scan a crossing in, but one repeat.
    at = local(8)
    scan(venue, at, "in", lane_in)
    for n in range(1, 11):
        at += timedelta(seconds=2 * n)
        scan(venue, at, "repeat" if n == 3 else "in", lane_in)
    # Lane 2: two crossings out and a rejected card, 30 s then 90 s apart.
    scan(venue, local(9), "out", lane_out)
    scan(venue, local(9, 0, 30), "card_date", lane_out)
    scan(venue, local(9, 2), "out", lane_out)

    cp = checkpoint_figures(venue, START, END, NOW, TZ)
    one, two = cp.groups
    assert (one.lane_name, one.direction, two.lane_name, two.direction) == ("Làn 1", "in", "Làn 2", "out")
    p = one.period
    assert (p.scans, p.crossings_in, p.crossings_out, p.repeats, p.rejected) == (11, 10, 0, 1, 0)
    assert p.gaps == [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
    assert (p.median_gap, p.p95_gap, p.longest_gap) == (11, 20, 20)
    q = two.period
    assert (q.crossings, q.crossings_out, q.rejected, q.gaps) == (2, 2, 1, [30, 90])
    assert (q.median_gap, q.p95_gap, q.longest_gap) == (60, 90, 90)
    # The checkpoint: gaps pooled, never a gap between two lanes.
    t = cp.total
    assert (t.crossings_in, t.crossings_out, t.rejected, len(t.gaps)) == (10, 2, 1, 12)
    assert (t.median_gap, t.p95_gap, t.longest_gap) == (13, 90, 90)
    assert cp.busiest_hour == datetime(2026, 3, 2, 8, tzinfo=timezone(timedelta(hours=7)))
    assert cp.busiest_hour_crossings == 10


def test_hours_are_local_and_a_gap_counts_only_inside_one_hour(app, make):
    venue, (lane_in, _out) = lanes(make)
    scan(venue, datetime(2026, 3, 1, 16, 30, tzinfo=timezone.utc), "in", lane_in)  # 23:30 on 1 March: another day
    scan(venue, datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc), "in", lane_in)  # 06:30 local on 2 March
    scan(venue, local(8, 59, 50), "in", lane_in)
    scan(venue, local(9, 0, 10), "malformed", lane_in)
    scan(venue, local(9, 0, 40), "in", lane_in)

    cp = checkpoint_figures(venue, START, END, NOW, TZ)
    group = cp.groups[0]
    assert [h.strftime("%d/%m %H:%M") for h in cp.hours] == ["02/03 06:00", "02/03 08:00", "02/03 09:00"]
    six, eight, nine = (group.hours[h] for h in cp.hours)
    assert (six.crossings, six.gaps, eight.crossings, eight.gaps) == (1, [], 1, [])
    assert (nine.crossings, nine.rejected, nine.gaps) == (1, 1, [30])
    # The day: 06:30 → 08:59:50 → 09:00:10 → 09:00:40; the scan of the evening before is left out.
    assert group.period.gaps == [8990, 20, 30] and group.period.crossings == 3
    assert group.period.longest_gap == 8990 and group.period.median_gap == 30


def test_live_is_the_last_15_minutes_up_to_now(app, make):
    venue, (lane_in, lane_out) = lanes(make)
    for minutes, outcome in ((20, "in"), (15, "in"), (10, "in"), (5, "unknown"), (4.5, "in"), (0, "in")):
        scan(venue, NOW - timedelta(minutes=minutes), outcome, lane_in)
    scan(venue, NOW - timedelta(minutes=50), "out", lane_out)

    cp = checkpoint_figures(venue, START, END, NOW, TZ)
    live, quiet = cp.groups[0].live, cp.groups[1].live
    assert cp.live_minutes == 15
    # 15 minutes ago exactly is out; now is in: 9:50, 9:55, 9:55:30, 10:00.
    assert (live.scans, live.crossings, live.rejected, live.gaps) == (4, 3, 1, [300, 30, 270])
    assert (live.median_gap, live.p95_gap, live.longest_gap) == (270, 300, 300)
    assert (quiet.scans, quiet.median_gap) == (0, None) and cp.groups[1].last_scan_at == NOW - timedelta(minutes=50)
    assert (cp.last_hour.crossings, cp.last_hour.rejected) == (6, 1)
    assert cp.groups[0].last_scan_at == NOW
    # The same rows an hour later: nothing live any more, the day unchanged.
    later = checkpoint_figures(venue, START, END, NOW + timedelta(hours=1), TZ)
    assert later.live.scans == 0 and later.last_hour.scans == 0 and later.total.crossings == 6


def test_lanes_without_scans_retired_lanes_and_directions_chosen_on_the_form(app, make):
    venue, (lane_in, lane_out) = lanes(make, (("Làn B", "in"), ("Làn A", "out")))
    scan(venue, local(9), "in", lane_in)
    retire_lane(lane_in)
    db.session.commit()
    # Scans before lanes existed or at a checkpoint without lanes: the direction chosen on the form.
    scan(venue, local(8), "out", direction="out")
    scan(venue, local(8, 1), "in", direction="in")
    scan(venue, local(8, 1, 5), "in", direction="in")
    scan(venue, local(8, 2), "queue_lane")  # an offline scan with no lane and no direction: refused

    cp = checkpoint_figures(venue, START, END, NOW, TZ)
    assert [(g.lane_name, g.lane_active, g.direction) for g in cp.groups] == [
        ("Làn A", True, "out"), ("Làn B", False, "in"), (None, True, "in"), (None, True, "out"), (None, True, None)]
    quiet, retired, chosen_in, chosen_out, nowhere = cp.groups
    assert quiet.period.scans == 0 and quiet.period.median_gap is None and quiet.last_scan_at is None
    assert retired.period.crossings_in == 1
    assert (chosen_in.period.crossings_in, chosen_in.period.gaps) == (2, [5])
    assert (chosen_out.period.crossings_out, chosen_out.period.gaps) == (1, [])
    assert (nowhere.period.rejected, nowhere.period.crossings) == (1, 0)


def test_other_checkpoints_and_other_days_are_left_out(app, make):
    venue, (lane_in, _out) = lanes(make)
    other = make.venue(name="Chốt Khác", category="checkpoint")
    scan(other, local(9), "in", direction="in")
    scan(venue, local(9) - timedelta(days=1), "in", lane_in)
    scan(venue, local(9) + timedelta(days=1), "in", lane_in)
    cp = checkpoint_figures(venue, START, END, NOW, TZ)
    assert cp.total.scans == 0 and cp.hours == [] and cp.busiest_hour is None


def test_the_figures_page_of_a_checkpoint_shows_lanes_live_and_per_hour_without_names(
        client, make, login, monkeypatch):
    monkeypatch.setattr("portal.staff.views.scanner.utcnow", lambda: NOW)
    venue, (lane_in, lane_out) = lanes(make)
    officer = staff_at(make, venue, "checkpoint")
    scan(venue, local(8), "in", lane_in, user=officer)
    scan(venue, local(8, 0, 12), "in", lane_in, user=officer)
    scan(venue, local(9, 58), "card_number", lane_out, user=officer, device="bbbbbbbbbbbb")
    scan(venue, local(9, 59), "out", lane_out, user=officer, device="bbbbbbbbbbbb")
    login(officer)
    client.set_cookie("lang", "en")
    html = check_page(client.get(f"/staff/{venue.short_code}/figures"))
    assert '<dd class="figure-in">2</dd>' in html and '<dd class="figure-out">1</dd>' in html
    assert '<dd class="figure-rejected">1</dd>' in html
    assert "Live: the last 15 minutes" in html and "Làn 1" in html and "Làn 2" in html
    live = html.split('class="checkpoint-live"')[1].split("</table>")[0]
    # Lane 1 scanned at 08:00 only: nothing live; lane 2: a rejected card, then a crossing 60 s later.
    assert '<td class="num crossings">0</td>' in live and '<td class="num median">60 s</td>' in live
    today = html.split('class="checkpoint-today"')[1].split("</table>")[0]
    assert '<td class="num median">12 s</td>' in today
    hours = html.split('class="checkpoint-hours"')
    assert len(hours) == 3 and "<th scope=\"row\">08:00</th>" in hours[1] and "<th scope=\"row\">09:00</th>" in hours[1]
    assert 'class="table-scroll"' in html  # the wide tables scroll inside their own region at 320 px
    assert officer.full_name not in html and "aaaaaaaaaaaa" not in html and "bbbbbbbbbbbb" not in html
    client.set_cookie("lang", "vi")
    html = client.get(f"/staff/{venue.short_code}/figures").get_data(as_text=True)
    assert "Trực tiếp: 15 phút gần nhất" in html and "12 giây" in html


def test_a_shop_keeps_its_figures_per_scanner(client, make, login, monkeypatch):
    monkeypatch.setattr("portal.staff.views.scanner.utcnow", lambda: NOW)
    venue = make.venue()
    staff = staff_at(make, venue)
    scan(venue, local(8), "in", user=staff)
    login(venue.owner)
    html = check_page(client.get(f"/staff/{venue.short_code}/figures"))
    assert '<dd class="figure-scans">1</dd>' in html and "checkpoint-live" not in html
