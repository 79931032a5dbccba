"""An owner sees and changes only their own venues: everything else is a plain 404."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.venues.models import RetiredToken, Venue

from ..html import check_page
from .data import venue_form

GET_URLS = [
    "/venues/{code}/",
    "/venues/{code}/edit",
    "/venues/{code}/retire",
    "/venues/{code}/poster",
    "/venues/{code}/poster.svg",
    "/venues/{code}/poster.png",
    "/venues/{code}/poster.pdf",
    "/venues/{code}/poster.pdf?download=1",
    "/venues/{code}/poster.png?download=1",
    "/venues/{code}/poster.svg?download=1",
]


@pytest.fixture
def others_venue(make, login):
    """Owner A is logged in; owner B's venue is returned."""
    login(make.owner(name="Chủ A"))
    return make.venue(make.owner(name="Chủ B"), name="Quán Của Chủ B")


@pytest.mark.parametrize("url", GET_URLS)
def test_another_owners_venue_pages_and_downloads_are_404(client, others_venue, url):
    response = client.get(url.format(code=others_venue.short_code))
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Quán Của Chủ B" not in html and others_venue.token not in html


def test_another_owners_venue_cannot_be_edited(client, make, others_venue):
    response = client.post(f"/venues/{others_venue.short_code}/edit",
                           data=venue_form(others_venue.ward, name="Đã Bị Sửa"))
    check_page(response, 404)
    assert db.session.scalar(select(Venue.name)) == "Quán Của Chủ B"


def test_another_owners_token_cannot_be_retired(client, others_venue):
    token = others_venue.token
    check_page(client.post(f"/venues/{others_venue.short_code}/retire"), 404)
    assert db.session.scalar(select(Venue.token)) == token
    assert db.session.scalar(select(func.count()).select_from(RetiredToken)) == 0


@pytest.mark.parametrize("url", ["/venues/{code}/", "/venues/{code}/poster.pdf"])
def test_own_venue_pages_answer(client, make, login, url):
    owner = make.owner()
    venue = make.venue(owner)
    login(owner)
    assert client.get(url.format(code=venue.short_code)).status_code == 200


@pytest.mark.parametrize("code", ["NOPE123", "x", "%00", "A" * 50, "<script>", "ÀÁÂ"])
def test_unknown_or_malformed_codes_are_404(client, make, login, code):
    login(make.owner())
    check_page(client.get(f"/venues/{code}/"), 404)


def test_unknown_poster_format_is_404(client, make, login):
    owner = make.owner()
    venue = make.venue(owner)
    login(owner)
    check_page(client.get(f"/venues/{venue.short_code}/poster.gif"), 404)


def test_logged_out_visitors_are_sent_to_login_for_every_venue_url(client, make):
    venue = make.venue()
    for url in GET_URLS:
        response = client.get(url.format(code=venue.short_code))
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.post(f"/venues/{venue.short_code}/retire").status_code == 302
