"""The exposure warning on /me (and at the next scan) shows the person's own times at the venue.

Seen on main: the warning said "you were at the market from 09:00 to 21:00", the tracer's exposure
window, although the person was there from 18:05 to 18:40.
"""
import re
from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.clock import utcnow
from portal.tracing.exposures import create_exposure
from portal.tracing.services import create_case
from portal.visitors.models import Visitor

from ..checkin.helpers import NAME, register, tap_check_in, venue_url, visits
from ..html import check_page


def local(value):
    """A UTC time as the pages show it (Asia/Ho_Chi_Minh, UTC+7)."""
    return (value + timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")


def warning(html):
    """The text of the one exposure warning on a page."""
    [notice] = re.findall(r'<div class="notice" role="alert">(.*?)</div>', html, re.S)
    return notice


def move(visit, start, end=None, method="self"):
    """Put a visit in the past: in at `start`, out at `end` (None: it closed by itself)."""
    visit.checked_in_at = start
    visit.due_out_at = start + timedelta(minutes=60)
    visit.checked_out_at = end or visit.due_out_at
    visit.out_method = method if end else "auto"


def expose(make, venue, starts, ends):
    """A tracer marks an exposure window at the venue."""
    tracer = make.user(role="tracer")
    case = create_case(tracer, "F0-2021-0918-001", "Tìm người tiếp xúc", utcnow())
    exposure = create_exposure(tracer, case, venue, starts, ends, "test", now=utcnow(), retention_days=28)
    db.session.commit()
    return exposure


def yesterday_at(hour_local, minute=0):
    return utcnow().replace(hour=hour_local - 7, minute=minute, second=0, microsecond=0) - timedelta(days=1)


def test_the_warning_gives_my_check_in_and_check_out_not_the_window(client, make):
    market, shop = make.venue(name="Chợ Đêm Bến Thành"), make.venue(name="Tạp hoá Cô Ba")
    register(client, market)
    start, end = yesterday_at(18, 5), yesterday_at(18, 40)
    move(visits()[0], start, end)
    db.session.commit()
    window = (yesterday_at(9), yesterday_at(21))
    exposure = expose(make, market, *window)
    assert exposure.warned_count == 1
    for html in (check_page(client.get("/me")),
                 check_page(client.get(tap_check_in(client, shop).headers["Location"]))):
        notice = warning(html)
        assert "Chợ Đêm Bến Thành" in notice and "xét nghiệm" in notice
        assert f"Bạn vào lúc {local(start)} và ra lúc {local(end)}." in notice
        assert local(window[0]) not in notice and local(window[1]) not in notice


def test_a_household_warning_names_each_person_with_their_own_times(client, make):
    market = make.venue(name="Chợ Đêm Bến Thành")
    register(client, market)
    client.post("/me/dependents/new", data={"full_name": "Bé Mai", "birth_year": "2017"})
    child = db.session.scalar(select(Visitor).where(Visitor.lead_id.is_not(None)))
    tap_check_in(client, market, dependents=[child.ref])
    lead_visit, child_visit = visits(visitor_id=child.lead_id)[0], visits(visitor_id=child.id)[0]
    move(lead_visit, yesterday_at(18, 5), yesterday_at(18, 40))
    move(child_visit, yesterday_at(18, 10))  # never checked out: closed at the usual stay
    db.session.commit()
    expose(make, market, yesterday_at(18), yesterday_at(19))
    notice = warning(check_page(client.get("/me")))
    assert "Bạn hoặc người bạn khai báo hộ đã ở Chợ Đêm Bến Thành" in notice
    assert f"{NAME}: vào lúc {local(yesterday_at(18, 5))}, ra lúc {local(yesterday_at(18, 40))}." in notice
    assert f"Bé Mai: vào lúc {local(yesterday_at(18, 10))}, không quét ra (khoảng {local(yesterday_at(19, 10))})." \
        in notice
    assert local(yesterday_at(18)) not in notice and local(yesterday_at(19)) not in notice


def test_someone_still_inside_is_told_since_when_only(client, make):
    market = make.venue(name="Chợ Đêm Bến Thành", default_stay_minutes=240)
    register(client, market)
    start = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=90)
    visit = visits()[0]
    visit.checked_in_at, visit.due_out_at = start, start + timedelta(minutes=240)
    db.session.commit()
    expose(make, market, start - timedelta(minutes=30), start + timedelta(minutes=30))
    notice = warning(check_page(client.get(venue_url(market))))
    assert f"Bạn vào lúc {local(start)} và chưa quét ra." in notice
    assert local(start + timedelta(minutes=240)) not in notice  # no projected exit
