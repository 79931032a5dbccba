"""Entrances: an owner gives each gate of a venue its own poster, token and short code."""
import io
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from portal.clock import utcnow
from portal.extensions import db
from portal.venues import services
from portal.venues.entrances import MAX_ENTRANCES, add_entrance, retire_entrance
from portal.venues.models import Entrance, RetiredToken, Venue

from ..factories import PASSWORD
from ..html import assert_form_error, check_page, page_text
from .test_tokens import BASE, decode_png

NAME_REQUIRED = ("Nhập tên lối vào.", "Enter the name of the entrance.")
NAME_TAKEN = ("Địa điểm này đã có một lối vào mang tên này.", "This venue already has an entrance with this name.")
MARKUP = ("Không dùng các ký tự < và >.", "Do not use the characters < and >.")


@pytest.fixture
def market(make, login):
    """A logged-in owner's market."""
    owner = make.owner()
    venue = make.venue(owner, name="Chợ Thủ Dầu Một", category="market", address="1 Đường Bạch Đằng")
    login(owner)
    return SimpleNamespace(owner=owner, venue=venue, url=f"/venues/{venue.short_code}/entrances/")


def entrances(venue):
    db.session.rollback()
    return db.session.scalars(select(Entrance).where(Entrance.venue_id == venue.id).order_by(Entrance.id)).all()


def test_an_owner_adds_an_entrance_and_prints_its_own_poster(client, market):
    html = check_page(client.get(market.url))
    assert "Các lối vào của Chợ Thủ Dầu Một" in html and "Áp phích chính" in html
    response = client.post(market.url, data={"name": "  Cổng   Bắc "})
    assert response.status_code == 303 and response.headers["Location"].endswith(market.url)
    [gate] = entrances(market.venue)
    assert gate.name == "Cổng Bắc" and gate.retired_at is None
    assert gate.token != market.venue.token and gate.short_code != market.venue.short_code
    assert services.is_token(gate.token) and services.is_short_code(gate.short_code)

    html = check_page(client.get(market.url))
    assert "Đã thêm lối vào Cổng Bắc." in html and gate.short_code in html
    show = check_page(client.get(f"/venues/{market.venue.short_code}/"))
    assert "Cổng Bắc" in show and gate.short_code in show

    base = f"/venues/entrances/{gate.short_code}/poster"
    poster = check_page(client.get(base))
    assert "Cổng Bắc" in poster and "Chợ Thủ Dầu Một" in poster
    assert f"Mã: {gate.short_code}" in poster and f"{BASE}/c/{gate.short_code}" in poster
    assert f"Mã: {market.venue.short_code}" not in poster
    png = client.get(base + ".png")
    assert png.mimetype == "image/png" and decode_png(png.data) == f"{BASE}/v/{gate.token}"
    pdf = client.get(base + ".pdf?download=1")
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == f'attachment; filename="poster-{gate.short_code}.pdf"'
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Cổng Bắc" in text and gate.short_code in text and market.venue.short_code not in text

    # The venue's own poster is unchanged: its token and code.
    own = client.get(f"/venues/{market.venue.short_code}/poster.png")
    assert decode_png(own.data) == f"{BASE}/v/{market.venue.token}"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_refused_entrance_name_answers_422_and_adds_nothing(client, market, lang):
    client.set_cookie("lang", lang)
    assert_form_error(client.post(market.url, data={"name": "  "}), NAME_REQUIRED, lang)
    assert_form_error(client.post(market.url, data={"name": "<b>Cổng</b>"}), MARKUP, lang)
    assert client.post(market.url, data={"name": "Cổng Nam"}).status_code == 303
    assert_form_error(client.post(market.url, data={"name": "cổng  nam"}), NAME_TAKEN, lang)
    assert [e.name for e in entrances(market.venue)] == ["Cổng Nam"]


def test_a_venue_has_a_bounded_number_of_entrances(make):
    venue = make.venue(name="Bệnh viện Đa khoa", category="health")
    for i in range(MAX_ENTRANCES):
        add_entrance(venue, f"Cổng {i}", utcnow())
    with pytest.raises(services.VenueError) as refused:
        add_entrance(venue, "Cổng thêm", utcnow())
    assert refused.value.code == "entrance_too_many"
    # A retired entrance frees its place; its name may be used again.
    retire_entrance(db.session.scalar(select(Entrance).where(Entrance.name == "Cổng 0")), utcnow())
    assert add_entrance(venue, "Cổng 0", utcnow()).name == "Cổng 0"


def test_another_owner_can_neither_see_nor_add_entrances(app, client, make, market):
    gate = add_entrance(market.venue, "Cổng Bắc", utcnow())
    db.session.commit()
    mine = make.venue(market.owner, name="Quầy Thuốc Tây")
    other = app.test_client()
    stranger = make.owner()
    assert other.post("/auth/login", data={"phone": stranger.phone, "password": PASSWORD}).status_code == 302
    code, gate_code = market.venue.short_code, gate.short_code
    for url in (f"/venues/{code}/entrances/", f"/venues/entrances/{gate_code}/poster",
                f"/venues/entrances/{gate_code}/poster.png", f"/venues/entrances/{gate_code}/retire"):
        assert other.get(url).status_code == 404, url
        assert client.get(url).status_code == 200, url  # while its owner sees it
    assert other.post(f"/venues/{code}/entrances/", data={"name": "Cổng lạ"}).status_code == 404
    assert other.post(f"/venues/entrances/{gate_code}/retire").status_code == 404
    # An entrance code is not a venue code, nor a venue code an entrance's.
    assert client.get(f"/venues/{gate_code}/").status_code == 404
    assert client.get(f"/venues/entrances/{mine.short_code}/poster").status_code == 404
    assert [e.name for e in entrances(market.venue)] == ["Cổng Bắc"]
    assert entrances(market.venue)[0].retired_at is None


def test_a_retired_entrance_answers_410_and_keeps_its_row(client, market):
    client.post(market.url, data={"name": "Cổng Tây"})
    [gate] = entrances(market.venue)
    retire_url = f"/venues/entrances/{gate.short_code}/retire"
    html = check_page(client.get(retire_url))
    assert "Ngừng dùng lối vào Cổng Tây?" in html and gate.short_code in html
    response = client.post(retire_url)
    assert response.status_code == 303
    assert "Áp phích của lối vào Cổng Tây không còn hoạt động." in check_page(client.get(response.headers["Location"]))
    [gate] = entrances(market.venue)
    assert gate.retired_at is not None
    assert db.session.get(RetiredToken, gate.token).short_code == gate.short_code
    assert client.get(f"/venues/entrances/{gate.short_code}/poster").status_code == 404
    assert "Cổng Tây" not in page_text(client.get(market.url)).split("Thêm lối vào")[0]
    visitor = client.application.test_client()
    for url in (f"/v/{gate.token}", f"/c/{gate.short_code}", f"/c/{gate.short_code.lower()}"):
        assert "Áp phích này không còn hiệu lực" in check_page(visitor.get(url), 410)


def test_entrance_codes_share_the_venues_never_reuse_rule(make, monkeypatch):
    venue = make.venue(name="Nhà máy Giày Thái Bình", category="factory")
    gate = add_entrance(venue, "Cổng số 2", utcnow())
    retired = add_entrance(venue, "Cổng số 3", utcnow())
    retire_entrance(retired, utcnow())
    db.session.commit()
    # The random letters first repeat the entrance's code, then the retired one, then a free code.
    letters = iter(gate.short_code + retired.short_code + "ACEFHKM")
    monkeypatch.setattr(services.secrets, "choice", lambda alphabet: next(letters))
    assert services.new_short_code() == "ACEFHKM"


def test_the_duplicate_venue_message_points_to_entrances(client, make, login):
    owner = make.owner()
    ward = make.wards(1)[0]
    make.venue(owner, registration_number="3700123456", address="5 Đường Trần Phú", ward_code=ward.code)
    login(owner)
    response = client.post("/venues/new", data={
        "name": "Chợ cổng sau", "category": "market", "registration_number": "3700123456",
        "address": "5 Đường Trần Phú", "ward_code": ward.code, "contact_phone": owner.phone,
        "default_stay_minutes": "60"})
    assert response.status_code == 422
    assert "Hãy thêm nó làm lối vào trên trang của địa điểm đã đăng ký." in page_text(response)
    assert db.session.scalar(select(func.count()).select_from(Venue)) == 1
