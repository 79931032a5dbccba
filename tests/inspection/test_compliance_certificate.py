"""The compliance certificate: printable only while the venue meets the conditions, with a QR whose
signed URL tells anyone scanning it whether the certificate is current, never personal data."""
import re
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.inspection.certificates import certificate_token, verify_certificate
from portal.venues.services import retire_token

from ..html import check_page
from .compliance_data import NOW, RULES, good_venue, inspect
from .helpers import BASE, inspector, signed_in

SECRET = "test-secret-key-that-is-long-enough-0123456789"  # tests/conftest.py SECRET_KEY


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves: the certificate pages read it."""
    now = {"at": NOW}
    monkeypatch.setattr("portal.inspection.views.compliance.utcnow", lambda: now["at"])
    return now


def seed(make, app):
    ward = make.wards(1)[0]
    owner = make.user(role="owner", name="Trần Thị Chủ Chợ")
    checker = inspector(make, app, ["market"], [ward])
    venue = good_venue(make, ward, checker, name="Chợ Ấp Bắc", owner=owner)
    return ward, owner, checker, venue


def certificate_url(html):
    found = re.search(rf'{re.escape(BASE)}/inspection/certificates/([A-Za-z0-9_.\-]+)', html)
    assert found, "no verification URL on the certificate"
    return found.group(0), found.group(1)


def test_a_venue_meeting_the_conditions_gets_a_printable_certificate_with_a_qr(app, make, clock):
    ward, _owner, checker, venue = seed(make, app)
    html = check_page(signed_in(app, checker).get(f"/inspection/{venue.short_code}/certificate"))
    assert "QR compliance certificate" in html and "Chợ Ấp Bắc" in html and "/static/css/print." in html
    assert '<svg role="img" aria-label="Verification QR of the certificate"' in html
    assert "Issued on 20/11/2026" in html and "valid for 90 days" in html
    url, _token = certificate_url(html)
    assert url.startswith(BASE + "/inspection/certificates/")


def test_no_certificate_while_the_venue_does_not_meet_the_conditions(app, make, clock):
    ward, _owner, checker, venue = seed(make, app)
    inspect(venue, checker, "violation", at=NOW - timedelta(hours=1), note="Mã QR giả ở cổng chính")
    html = check_page(signed_in(app, checker).get(f"/inspection/{venue.short_code}/certificate"))
    assert "No certificate for Chợ Ấp Bắc" in html and "Mã QR giả ở cổng chính" in html
    assert "<svg" not in html and "/inspection/certificates/" not in html


def test_scanning_a_current_certificate_says_current_with_public_details_only(app, make, client, clock):
    ward, owner, checker, venue = seed(make, app)
    _url, token = certificate_url(signed_in(app, checker).get(f"/inspection/{venue.short_code}/certificate")
                                  .get_data(as_text=True))
    clock["at"] = NOW + timedelta(hours=6)  # later that day: the scans of the last 7 days still count
    client.set_cookie("lang", "en")
    html = check_page(client.get(f"/inspection/certificates/{token}"))  # anyone, not logged in
    assert "Current: this establishment meets the conditions." in html
    assert "Chợ Ấp Bắc" in html and venue.address in html and ward.name in html
    assert "Meets the conditions" in html and "20/11/2026" in html
    for private in (owner.full_name, owner.phone, venue.contact_phone, venue.token, "inspection of"):
        assert private not in html


def test_a_certificate_older_than_the_setting_is_stale(app, make, client, clock):
    _ward, _owner, _checker, venue = seed(make, app)
    token = certificate_token(SECRET, venue, NOW - timedelta(days=91))
    client.set_cookie("lang", "en")
    html = check_page(client.get(f"/inspection/certificates/{token}"))
    assert "Expired: this certificate is older than 90 days." in html and "Chợ Ấp Bắc" in html
    assert verify_certificate(SECRET, certificate_token(SECRET, venue, NOW - timedelta(days=89)), NOW,
                              RULES).outcome == "current"


def test_a_tampered_or_made_up_token_is_not_genuine(app, make, client, clock):
    _ward, _owner, _checker, venue = seed(make, app)
    token = certificate_token(SECRET, venue, NOW)
    payload, signature = token.split(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    client.set_cookie("lang", "en")
    for bad in (forged, certificate_token("another-secret-key-0123456789abcdef", venue, NOW), "abc", "x" * 400):
        html = check_page(client.get(f"/inspection/certificates/{bad}"), 404)
        assert "Not a genuine certificate of this portal" in html and "Chợ Ấp Bắc" not in html


def test_a_venue_that_stopped_meeting_the_conditions_is_not_current(app, make, client, clock):
    _ward, _owner, checker, venue = seed(make, app)
    token = certificate_token(SECRET, venue, NOW - timedelta(days=2))
    venue.status = "suspended"
    db.session.commit()
    client.set_cookie("lang", "en")
    html = check_page(client.get(f"/inspection/certificates/{token}"))
    assert "Not current: this establishment no longer meets the conditions." in html
    assert "Not compliant" in html


def test_a_certificate_still_names_its_venue_after_the_poster_code_changed(app, make, clock):
    _ward, _owner, _checker, venue = seed(make, app)
    token = certificate_token(SECRET, venue, NOW)
    retire_token(venue, NOW)
    db.session.commit()
    check = verify_certificate(SECRET, token, NOW, RULES)
    assert check.outcome == "current" and check.venue.id == venue.id


def test_the_certificate_page_is_scoped(app, make, clock):
    _ward, _owner, _checker, venue = seed(make, app)
    other_ward = make.wards(2)[1]
    outsider = signed_in(app, make.user(role="ward_official", wards=[other_ward]))
    assert outsider.get(f"/inspection/{venue.short_code}/certificate").status_code == 404
    assert signed_in(app, make.user(role="owner")).get(f"/inspection/{venue.short_code}/certificate").status_code == 404
    assert check_page(signed_in(app, make.user(role="province_admin"))
                      .get(f"/inspection/{venue.short_code}/certificate"))
