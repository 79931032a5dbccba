"""Retiring a poster retires the short code printed on it: an old code opens nothing, anywhere."""
import secrets
from types import SimpleNamespace

from sqlalchemy import select

from portal.auth.models import VenueStaff
from portal.extensions import db
from portal.clock import utcnow
from portal.venues import services
from portal.venues.models import RetiredToken, Venue

from ..html import check_page, page_text
from ..checkin.helpers import count_visits, register
from ..factories import PASSWORD

RETIRED = "Áp phích này không còn hiệu lực"


def signed_in(app, user):
    browser = app.test_client()
    assert browser.post("/auth/login", data={"phone": user.phone, "password": PASSWORD}).status_code == 302
    return browser


def current(venue):
    db.session.rollback()
    return db.session.get(Venue, venue.id)


def test_a_shared_photo_of_the_old_poster_code_stops_checking_people_in(app, client, make, login):
    owner = make.owner()
    venue = make.venue(owner, name="Tiệm Vàng Kim Thành")
    old_code = venue.short_code
    login(owner)
    response = client.post(f"/venues/{old_code}/retire")
    venue = current(venue)
    new_code = venue.short_code
    assert new_code != old_code
    assert db.session.scalar(select(RetiredToken.short_code).where(RetiredToken.venue_id == venue.id)) == old_code
    html = check_page(client.get(response.headers["Location"]))
    assert f"/venues/{new_code}/" in response.headers["Location"]
    assert old_code in html and new_code in html  # the owner is told both

    # Someone types the code from a photo of the old poster, in any case and spacing.
    visitor = app.test_client()
    spaced = f" {old_code[:3].lower()} {old_code[3:]} "
    for url in (f"/c/{old_code}", f"/c/{old_code.lower()}"):
        html = check_page(visitor.get(url), 410)
        assert RETIRED in html and "Tiệm Vàng Kim Thành" not in html and 'name="code"' in html
    html = check_page(visitor.get("/c", query_string={"code": spaced}, follow_redirects=True), 410)
    assert RETIRED in html
    check_page(visitor.post(f"/c/{old_code}", data={
        "full_name": "Nguyễn Văn An", "phone": "0912 345 678", "birth_year": "1985", "nonce": "n" * 22}), 410)
    assert count_visits() == 0

    # The new poster carries the new code, and it works.
    poster = page_text(client.get(f"/venues/{new_code}/poster"))
    assert f"/c/{new_code}" in poster and old_code not in poster
    assert "Tiệm Vàng Kim Thành" in check_page(visitor.get(f"/c/{new_code}"))
    assert register(visitor, venue).status_code == 303 and count_visits() == 1


def test_an_old_code_opens_no_owner_staff_or_official_page(app, client, make, login):
    ward = make.wards(1)[0]
    owner = make.owner()
    venue = make.venue(owner, ward_code=ward.code)
    staff = make.user(role="staff")
    db.session.add(VenueStaff(user_id=staff.id, venue_id=venue.id))
    db.session.commit()
    old_code = venue.short_code
    services.retire_token(venue, utcnow())
    db.session.commit()
    new_code = current(venue).short_code

    login(owner)
    for path in ("/", "/edit", "/poster", "/poster.pdf", "/retire"):
        assert_404(client.get(f"/venues/{old_code}{path}"))
    assert_404(client.post(f"/venues/{old_code}/retire"))
    assert current(venue).short_code == new_code  # the old code could not retire the new poster
    html = check_page(client.get("/venues/"))
    assert new_code in html and old_code not in html

    scanner = signed_in(app, staff)
    assert_404(scanner.get(f"/staff/{old_code}/scan"))
    assert scanner.get(f"/staff/{new_code}/scan").status_code == 200
    officer = signed_in(app, make.user(role="ward_official", wards=[ward]))
    assert_404(officer.get(f"/registry/venues/{old_code}/"))
    assert_404(officer.post(f"/registry/venues/{old_code}/suspend", data={"reason": "x"}))
    assert officer.get(f"/registry/venues/{new_code}/").status_code == 200


def assert_404(response):
    assert response.status_code == 404, response.status_code


def test_retiring_twice_retires_both_codes(client, make, login):
    owner = make.owner()
    venue = make.venue(owner)
    codes = [venue.short_code]
    login(owner)
    for _ in range(2):
        client.post(f"/venues/{codes[-1]}/retire")
        codes.append(current(venue).short_code)
    assert len(set(codes)) == 3
    assert [client.get(f"/c/{code}").status_code for code in codes] == [410, 410, 200]


def test_new_short_codes_never_reuse_a_retired_code(app, make, monkeypatch):
    venue = make.venue()
    retired = venue.short_code
    services.retire_token(venue, utcnow())
    db.session.commit()
    in_use = current(venue).short_code
    fresh = "KMNPRTW"
    owner = make.owner()
    # The random draw first hits the retired code, then the code in use, then a free one.
    letters = iter(retired + in_use + fresh)
    draws = SimpleNamespace(choice=lambda alphabet: next(letters), token_urlsafe=secrets.token_urlsafe)
    monkeypatch.setattr(services, "secrets", draws)  # only the venue module's draws
    assert services.new_short_code() == fresh
    letters = iter(retired + fresh)
    other = make.venue(owner, name="Nhà Thuốc Long Châu")
    assert other.short_code == fresh and services.is_retired_code(retired.lower())
