"""Poster verification: every verdict the inspector can get for what a poster's QR holds."""
import pytest

from portal.clock import utcnow
from portal.extensions import db
from portal.inspection.verify import Malformed, verify_poster
from portal.venues.entrances import add_entrance, retire_entrance
from portal.venues.services import checkin_url, retire_token, short_url

from .helpers import BASE


@pytest.fixture
def shop(make):
    return make.venue(name="Tạp hoá Cô Hoa", category="shop")


def test_the_venues_own_poster_is_genuine(shop):
    verdict = verify_poster(checkin_url(BASE, shop), shop, BASE)
    assert verdict.kind == "genuine" and verdict.venue.id == shop.id


def test_the_printed_short_url_and_the_typed_code_are_genuine(shop):
    assert verify_poster(short_url(BASE, shop), shop, BASE).kind == "genuine"
    typed = shop.short_code.lower()[:3] + " " + shop.short_code.lower()[3:]
    assert verify_poster(typed + "\r\n", shop, BASE).kind == "genuine"


def test_an_entrance_poster_of_this_venue_is_genuine(shop):
    gate = add_entrance(shop, "Cổng sau", utcnow())
    db.session.commit()
    verdict = verify_poster(checkin_url(BASE, gate), shop, BASE)
    assert verdict.kind == "entrance" and verdict.entrance.id == gate.id
    assert verify_poster(gate.short_code, shop, BASE).kind == "entrance"


def test_an_old_poster_is_retired(shop):
    old_url, old_code = checkin_url(BASE, shop), shop.short_code
    retire_token(shop, utcnow())
    db.session.commit()
    assert verify_poster(old_url, shop, BASE).kind == "retired"
    assert verify_poster(old_code, shop, BASE).kind == "retired"
    assert verify_poster(checkin_url(BASE, shop), shop, BASE).kind == "genuine"


def test_a_retired_entrance_poster_is_retired(shop):
    gate = add_entrance(shop, "Cổng phụ", utcnow())
    url = checkin_url(BASE, gate)
    retire_entrance(gate, utcnow())
    db.session.commit()
    assert verify_poster(url, shop, BASE).kind == "retired"


def test_an_unknown_token_or_code_is_unknown(shop):
    verdict = verify_poster(f"{BASE}/v/{'A' * 32}", shop, BASE)
    assert verdict.kind == "unknown"
    assert verify_poster("HELLO WORLD", shop, BASE).kind == "unknown"
    assert verify_poster(f"{BASE}/about", shop, BASE).kind == "unknown"


def test_another_venues_poster_is_a_copy(make, shop):
    other = make.venue(name="Quán cà phê Sương Sớm", address="45 Đại lộ Bình Dương")
    verdict = verify_poster(checkin_url(BASE, other), shop, BASE)
    assert verdict.kind == "other_venue" and verdict.venue.id == other.id
    assert verify_poster(other.short_code, shop, BASE).kind == "other_venue"


@pytest.mark.parametrize("payload", [
    "https://vaora-example.vn/v/abcdefghijklmnopqrstuvwx",
    "https://evil.example.com/v/abcdefghijklmnopqrstuvwx",
    "https://vaora.example.vn@evil.example.com/v/abcdefghijklmnopqrstuvwx",
    "http://vaora.example.vn/v/abcdefghijklmnopqrstuvwx",
    "https://vaora.example.vn:8443/v/abcdefghijklmnopqrstuvwx",
    "www.evil.example.com/c/ABCDEF",
    "javascript://%0aalert(1)",
])
def test_a_qr_pointing_to_another_host_is_fake_with_its_target(shop, payload):
    verdict = verify_poster(payload, shop, BASE)
    assert verdict.kind == "foreign_host"
    assert verdict.shown == payload


def test_another_hosts_url_with_our_token_is_still_fake(shop):
    verdict = verify_poster(f"https://evil.example.com/v/{shop.token}", shop, BASE)
    assert verdict.kind == "foreign_host"


@pytest.mark.parametrize("payload, code", [
    ("", "empty"),
    ("   \r\n", "empty"),
    ("x" * 10 * 1024, "long"),
    ("https://vaora.example.vn/v/\x00abc", "control"),
    ("ABC\u202eDEF", "control"),
])
def test_malformed_payloads_are_refused(shop, payload, code):
    with pytest.raises(Malformed) as caught:
        verify_poster(payload, shop, BASE)
    assert caught.value.code == code
