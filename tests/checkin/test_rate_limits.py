"""Rate limits on check-in POSTs and code look-ups, per device and per IP address; a friendly
429 page; counters shared by two app processes through Redis."""
import pytest

from ..conftest import base_config
from ..html import check_page, hidden_inputs
from .helpers import count_visits, register, tap_check_in, venue_url
from .processes import REDIS_URL, Browser, app_process, redis_counters


@pytest.fixture
def limited(make_app, make):
    """An app with small limits, counters in memory.

    Made after the `app` fixture: Flask-Limiter keeps one `enabled` flag for the process, set
    by the app initialised last.
    """
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_CHECKIN_LIMIT="3 per minute", PORTAL_CHECKIN_IP_LIMIT="3 per minute",
                   PORTAL_LOOKUP_LIMIT="2 per minute", RATELIMIT_STORAGE_URI="memory://")
    return app


def browser(app, ip="10.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def test_check_ins_per_device_are_limited_with_a_friendly_page(limited, make):
    venues = [make.venue(name=f"Quán {i}") for i in range(5)]
    phone = browser(limited)
    assert register(phone, venues[0]).status_code == 303  # the device token is issued here
    # The same device moving between networks (mobile data, Wi-Fi) keeps its own count.
    for i in (1, 2, 3):
        phone.environ_base["REMOTE_ADDR"] = f"10.0.1.{i}"
        assert tap_check_in(phone, venues[i]).status_code == 303
    phone.environ_base["REMOTE_ADDR"] = "10.0.1.4"
    html = check_page(tap_check_in(phone, venues[4]), 429)
    assert "Quá nhiều lần thử" in html
    assert count_visits(venue_id=venues[4].id) == 0


def test_check_ins_per_ip_address_are_limited(limited, make):
    venue = make.venue()
    phones = [browser(limited, ip="10.9.9.9") for _ in range(4)]
    for i, phone in enumerate(phones[:3]):
        assert register(phone, venue, phone=f"0912 000 00{i}").status_code == 303
    check_page(register(phones[3], venue, phone="0912 000 009"), 429)
    assert count_visits() == 3
    assert register(browser(limited, ip="10.9.9.10"), venue, phone="0912 000 010").status_code == 303


def test_code_look_ups_are_limited_but_page_views_by_token_are_not(limited, make):
    venue = make.venue()
    phone = browser(limited)
    for _ in range(2):
        check_page(phone.get(f"/c/{venue.short_code}"))
    check_page(phone.get(f"/c/{venue.short_code}"), 429)
    guesser = browser(limited, ip="10.0.0.7")
    for code in ("AAAAAAA", "CCCCCCC"):
        check_page(guesser.get(f"/c/{code}"), 404)
    check_page(guesser.get(f"/c/{venue.short_code}"), 429)  # guessing codes is slowed down too
    for _ in range(5):
        check_page(phone.get(venue_url(venue)))


def test_limits_are_off_when_disabled(client, make):
    venue = make.venue()
    for _ in range(40):
        assert client.get(f"/c/{venue.short_code}").status_code == 200


def test_counters_are_shared_by_two_app_processes_through_redis(db_dir, make):
    venues = [make.venue(name=f"Điểm {i}") for i in range(6)]
    with redis_counters() as (store, prefix):
        config = base_config(db_dir, RATELIMIT_ENABLED=True, PORTAL_RATELIMIT_STORAGE_URL=REDIS_URL,
                             RATELIMIT_KEY_PREFIX=prefix, PORTAL_CHECKIN_LIMIT="4 per minute",
                             PORTAL_CHECKIN_IP_LIMIT="4 per minute",
                             PORTAL_LOOKUP_LIMIT="3 per minute")
        with app_process(config) as first, app_process(config) as second:
            servers = [Browser(first), Browser(second)]
            phone = servers[0]

            def check_in_at(server, venue):
                server.cookies = phone.cookies  # one phone, two servers behind a load balancer
                _status, _headers, html = server.get(f"/v/{venue.token}")
                data = hidden_inputs(html)
                data.update(full_name="Lâm Văn Bền", phone="0912 345 678", birth_year="1980")
                return server.post(f"/v/{venue.token}", data)[0]

            statuses = [check_in_at(servers[i % 2], venues[i]) for i in range(5)]
            assert statuses == [303, 303, 303, 303, 429]  # 2 + 2 allowed, the 5th refused
            assert any(b"/checkin-ip/" in key for key in store.scan_iter(f"*{prefix}*"))

            looker = [Browser(first), Browser(second)]
            codes = [looker[i % 2].get(f"/c/{venues[0].short_code}")[0] for i in range(4)]
            assert codes == [200, 200, 200, 429]
        assert count_visits() == 4


def test_check_ins_go_on_when_redis_is_unreachable(make_app, make):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_RATELIMIT_STORAGE_URL="redis://127.0.0.1:1/0",
                   PORTAL_CHECKIN_LIMIT="2 per minute")
    venue = make.venue()
    phone = browser(app)
    assert register(phone, venue).status_code == 303
    assert count_visits() == 1
    # Limits still hold, counted in this process's memory meanwhile.
    for i in range(2):
        tap_check_in(phone, make.venue(name=f"Nơi {i}"))
    check_page(tap_check_in(phone, make.venue(name="Nơi cuối")), 429)


def test_many_phones_behind_one_carrier_address_all_check_in(make_app, make):
    """The per-IP limit is far above the per-device one: a carrier's NAT is not one person."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    limit = int(app.config["PORTAL_CHECKIN_LIMIT"].split()[0])
    venue = make.venue()
    statuses = [register(browser(app, ip="100.64.0.1"), venue, phone=f"0912 {i:06d}").status_code
                for i in range(limit + 5)]
    assert statuses == [303] * (limit + 5)
    assert count_visits() == limit + 5


@pytest.mark.parametrize("proxies, second_phone", [(1, 303), (0, 429)])
def test_behind_a_trusted_proxy_each_phone_counts_under_its_own_address(make_app, make, proxies,
                                                                         second_phone):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", PORTAL_PROXY_COUNT=proxies,
                   PORTAL_CHECKIN_LIMIT="100 per minute", PORTAL_CHECKIN_IP_LIMIT="2 per minute")
    venue = make.venue()

    def phone(address):
        client = browser(app, ip="127.0.0.1")  # every request arrives from nginx
        client.environ_base["HTTP_X_FORWARDED_FOR"] = address
        return client

    first = [phone("203.0.113.7") for _ in range(3)]
    assert [register(p, venue, phone=f"0913 00000{i}").status_code for i, p in enumerate(first)] == [
        303, 303, 429]
    # Trusted: the other phone has its own count. Not trusted: the header is ignored (a client
    # could send any address) and everyone shares nginx's.
    assert register(phone("198.51.100.9"), venue, phone="0913 000 009").status_code == second_phone
