"""First-time registrations (new visitor profiles) per IP address are limited in the rate-limit
storage; remembered visitors checking in are never counted against it.

Seen on main: one client made 1,200 visitors in 30 seconds, enough to make a venue look busy or to
bury the real contacts of a case under fabricated ones.
"""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.visitors.models import Device, Visitor

from ..conftest import base_config
from ..html import check_page, hidden_fields, hidden_inputs
from .helpers import count_visits, register, tap_check_in, venue_url
from .processes import REDIS_URL, Browser, app_process, redis_counters


@pytest.fixture
def limited(make_app, make):
    """Registrations limited to 3 a minute per IP; the other limits out of the way. Made after
    the `app` fixture: Flask-Limiter keeps one `enabled` flag, set by the app made last."""
    return make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                    PORTAL_REGISTRATION_IP_LIMIT="3 per minute;100 per hour",
                    PORTAL_CHECKIN_LIMIT="100 per minute", PORTAL_CHECKIN_IP_LIMIT="1000 per minute")


def browser(app, ip="10.20.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def counts():
    """(visitors, remembered devices, visits)."""
    return (db.session.scalar(select(func.count(Visitor.id))), db.session.scalar(select(func.count(Device.id))),
            count_visits())


def test_one_client_cannot_fabricate_more_visitors_than_the_limit(limited, make):
    venue = make.venue(name="Quán Cà Phê Sáng")
    statuses = [register(browser(limited), venue, name=f"Người Giả {i}", phone=f"0912 555 {i:03d}").status_code
                for i in range(10)]
    assert statuses == [303] * 3 + [429] * 7
    assert counts() == (3, 3, 3)  # the refused ones left no profile, device or visit behind


def test_over_the_limit_the_page_says_why_in_the_users_language_and_saves_nothing(limited, make):
    venue = make.venue()
    for i in range(3):
        register(browser(limited), venue, phone=f"0912 556 {i:03d}")
    phone = browser(limited)
    response = register(phone, venue, name="Trần Thị Bích", phone="0912 556 999")
    html = check_page(response, 429)
    assert "Quá nhiều lượt khai báo mới từ mạng này" in html and "chưa được lưu" in html
    assert 0 < int(response.headers["Retry-After"]) <= 61
    assert f'href="{venue_url(venue)}"' in html  # try again from the same venue
    assert counts() == (3, 3, 3)
    english = browser(limited)
    english.set_cookie("lang", "en")
    html = check_page(register(english, venue, phone="0912 556 998"), 429)
    assert "Too many new sign-ups from this network" in html


def test_same_person_adding_a_second_profile_on_a_device_is_counted_too(limited, make):
    venue = make.venue()
    phone = browser(limited)
    assert register(phone, venue).status_code == 303
    url = venue_url(venue) + "?new=1"  # "Not me? Check in as someone else"
    statuses = []
    for i in range(3):
        data = hidden_fields(phone.get(url).get_data(as_text=True))
        data.update(full_name=f"Người Khác {i}", phone=f"0912 557 {i:03d}", birth_year="1990")
        statuses.append(phone.post(url, data=data).status_code)
    assert statuses == [303, 303, 429]
    assert counts()[0] == 3


def test_remembered_visitors_checking_in_are_not_counted(limited, make):
    venues = [make.venue(name=f"Điểm {i}") for i in range(4)]
    regulars = [browser(limited) for _ in range(2)]
    for i, phone in enumerate(regulars):
        assert register(phone, venues[0], phone=f"0912 558 {i:03d}").status_code == 303
    # Many one-tap check-ins from the same network: none of them is a registration.
    taps = [tap_check_in(phone, venue).status_code for _ in range(3) for phone in regulars for venue in venues[1:]]
    assert taps == [303] * len(taps)
    # So one first-time registration is still free, then the limit holds...
    assert register(browser(limited), venues[0], phone="0912 558 100").status_code == 303
    assert register(browser(limited), venues[0], phone="0912 558 101").status_code == 429
    # ...and the regulars keep checking in.
    assert [tap_check_in(phone, venues[0]).status_code for phone in regulars] == [303, 303]


def test_invalid_forms_and_other_networks_are_not_counted(limited, make):
    venue = make.venue()
    script = browser(limited)
    for _ in range(5):
        html = check_page(register(script, venue, name="", phone="123"), 422)
        assert "error-summary" in html
    other_network = browser(limited, ip="10.20.0.2")
    assert [register(browser(limited), venue, phone=f"0912 559 {i:03d}").status_code for i in range(3)] == [303] * 3
    assert register(other_network, venue, phone="0912 559 100").status_code == 303
    assert counts()[0] == 4


def test_a_malformed_limit_setting_stops_the_app_from_starting(make_app):
    with pytest.raises(ValueError, match="PORTAL_REGISTRATION_IP_LIMIT"):
        make_app(PORTAL_REGISTRATION_IP_LIMIT="lots per minute")


def test_registrations_still_work_and_are_limited_while_redis_is_unreachable(make_app, make):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_RATELIMIT_STORAGE_URL="redis://127.0.0.1:1/0",
                   PORTAL_REGISTRATION_IP_LIMIT="2 per minute", PORTAL_CHECKIN_LIMIT="100 per minute")
    venue = make.venue()
    statuses = [register(browser(app), venue, phone=f"0912 560 {i:03d}").status_code for i in range(3)]
    assert statuses == [303, 303, 429]  # counted in this process's memory meanwhile
    assert counts()[0] == 2


@pytest.mark.once  # two server processes: the database does not matter here
def test_the_limit_is_exact_across_two_app_processes_through_redis(db_dir, make):
    venue = make.venue()
    with redis_counters() as (store, prefix):
        config = base_config(db_dir, RATELIMIT_ENABLED=True, PORTAL_RATELIMIT_STORAGE_URL=REDIS_URL,
                             RATELIMIT_KEY_PREFIX=prefix, PORTAL_REGISTRATION_IP_LIMIT="3 per minute",
                             PORTAL_CHECKIN_LIMIT="100 per minute", PORTAL_CHECKIN_IP_LIMIT="1000 per minute")
        with app_process(config) as first, app_process(config) as second:

            def register_at(server, i):
                phone = Browser(server)  # a new browser each time, as a script would
                _status, _headers, html = phone.get(f"/v/{venue.token}")
                data = hidden_inputs(html)
                data.update(full_name=f"Người Giả {i}", phone=f"0912 561 {i:03d}", birth_year="1980")
                return phone.post(f"/v/{venue.token}", data)[0]

            statuses = [register_at((first, second)[i % 2], i) for i in range(6)]
            assert statuses == [303, 303, 303, 429, 429, 429]  # 3 in all, not 3 per process
            assert any(b"/registration-ip/" in key for key in store.scan_iter(f"*{prefix}*"))
        assert counts()[0] == 3
