"""Retiring a poster token, and reaching a venue by its short code."""
import io

import zxingcpp
from PIL import Image
from sqlalchemy import select

from portal.extensions import db
from portal.venues.models import RetiredToken, Venue

from ..html import check_page, page_text

BASE = "https://vaora.example.vn"


def decode_png(data):
    """The text of the one QR code in a PNG."""
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))
    return barcode.text


def test_retiring_the_token_makes_old_posters_gone_and_a_new_poster(client, make, login):
    owner = make.owner()
    venue = make.venue(owner, name="Tiệm Vàng Kim Thành")
    old_token, code = venue.token, venue.short_code
    login(owner)
    old_png = client.get(f"/venues/{code}/poster.png").data
    old_svg = client.get(f"/venues/{code}/poster.svg").data
    assert decode_png(old_png) == f"{BASE}/v/{old_token}"

    response = client.post(f"/venues/{code}/retire")
    assert response.status_code == 302
    html = check_page(client.get(response.headers["Location"]))
    assert "Áp phích cũ không còn hoạt động." in html

    venue = db.session.scalar(select(Venue))
    assert venue.token != old_token and venue.short_code != code
    assert db.session.get(RetiredToken, old_token).venue_id == venue.id
    code = venue.short_code  # the owner's pages follow the new code

    html = check_page(client.get(f"/v/{old_token}"), 410)
    assert "Áp phích này không còn hiệu lực" in html
    assert "Tiệm Vàng Kim Thành" in check_page(client.get(f"/v/{venue.token}"))

    new_png = client.get(f"/venues/{code}/poster.png").data
    assert new_png != old_png and decode_png(new_png) == f"{BASE}/v/{venue.token}"
    assert client.get(f"/venues/{code}/poster.svg").data != old_svg
    assert old_token not in page_text(client.get(f"/venues/{code}/poster"))


def test_retiring_twice_keeps_every_old_token_gone(client, make, login):
    owner = make.owner()
    venue = make.venue(owner)
    first = venue.token
    login(owner)
    client.post(f"/venues/{venue.short_code}/retire")
    second = db.session.scalar(select(Venue.token))
    client.post(f"/venues/{db.session.scalar(select(Venue.short_code))}/retire")
    third = db.session.scalar(select(Venue.token))
    assert len({first, second, third}) == 3
    assert client.get(f"/v/{first}").status_code == 410
    assert client.get(f"/v/{second}").status_code == 410
    assert client.get(f"/v/{third}").status_code == 200


def test_retiring_asks_for_confirmation_first(client, make, login):
    owner = make.owner()
    venue = make.venue(owner, name="Tiệm Vàng Kim Thành")
    token = venue.token
    login(owner)
    show = check_page(client.get(f"/venues/{venue.short_code}/"))
    assert f'href="/venues/{venue.short_code}/retire"' in show
    html = check_page(client.get(f"/venues/{venue.short_code}/retire"))
    assert "Huỷ áp phích của Tiệm Vàng Kim Thành?" in html
    assert f'method="post" action="/venues/{venue.short_code}/retire"' in html
    assert db.session.scalar(select(Venue.token)) == token


def test_unknown_token_is_404(client):
    check_page(client.get("/v/thisTokenWasNeverIssued0123456789"), 404)
    check_page(client.get("/v/%00"), 404)


def test_short_code_is_case_insensitive(client, make):
    venue = make.venue(name="Nhà Thuốc Long Châu")
    for typed in (venue.short_code, venue.short_code.lower(), venue.short_code.title()):
        assert "Nhà Thuốc Long Châu" in check_page(client.get(f"/c/{typed}"))


def test_the_code_box_on_the_home_page_leads_to_the_same_page(client, make):
    venue = make.venue(name="Nhà Thuốc Long Châu")
    html = check_page(client.get("/"))
    assert 'action="/c"' in html and 'name="code"' in html
    typed = " " + venue.short_code[:3].lower() + " " + venue.short_code[3:] + " "
    response = client.get("/c", query_string={"code": typed}, follow_redirects=True)
    assert "Nhà Thuốc Long Châu" in check_page(response)
    assert response.request.path.upper() == f"/C/{venue.short_code}"


def test_unknown_codes_get_a_clear_page(client):
    for url in ("/c/NNNNNNN", "/c?code=", "/c?code=%3Cscript%3E", "/c/" + "A" * 300, "/c/%00"):
        html = check_page(client.get(url), 404)
        assert "<script" not in html.lower()
