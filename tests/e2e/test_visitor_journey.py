"""A visitor's journey in headless Chromium with JavaScript off at 320 px: scan the poster's QR
code, check in as a new visitor, open the link again and check out."""
import zxingcpp
from PIL import Image
import io

from sqlalchemy import select

from portal.checkin.models import Visit
from portal.extensions import db
from portal.venues.poster import qr_png
from portal.visitors.models import Device, Visitor


def scan_poster(base_url, venue):
    """Decode the poster PNG's QR code the way a phone camera does."""
    image = Image.open(io.BytesIO(qr_png(base_url, venue)))
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    return results[0].text


def test_scan_check_in_as_new_visitor_then_check_out(live_server, new_page, make, artifacts,
                                                     page_width, external_requests):
    venue = make.venue(name="Chợ Thủ Dầu Một - Cổng chính", address="1 Đường Bạch Đằng")
    url = scan_poster(live_server.url, venue)
    assert url == f"{live_server.url}/v/{venue.token}"

    page = new_page()
    page.goto(url)
    assert page.locator("h1").inner_text() == venue.name
    assert page_width(page) <= 320
    page.screenshot(path=str(artifacts / "visitor-1-first-time-form.png"), full_page=True)

    page.fill("#full_name", "Trần Thị Bích")
    page.fill("#phone", "0912 345 678")
    page.fill("#birth_year", "1990")
    page.get_by_role("button", name="Ghi nhận vào").click()
    assert "/visit/" in page.url
    assert page.locator("h1").inner_text() == "Đã vào"
    assert venue.name in page.content()
    page.screenshot(path=str(artifacts / "visitor-2-checked-in.png"), full_page=True)

    page.goto(url)  # the camera opens the same link when leaving
    assert page.get_by_role("button", name="Ghi nhận ra").is_visible()
    assert page_width(page) <= 320
    page.screenshot(path=str(artifacts / "visitor-3-inside-check-out-button.png"), full_page=True)
    page.get_by_role("button", name="Ghi nhận ra").click()
    assert page.locator("h1").inner_text() == "Đã ra"
    page.screenshot(path=str(artifacts / "visitor-4-checked-out.png"), full_page=True)

    page.goto(url)  # next time: one tap
    assert page.get_by_role("button", name="Ghi nhận vào: Trần Thị Bích").is_visible()
    page.screenshot(path=str(artifacts / "visitor-5-one-tap.png"), full_page=True)

    db.session.rollback()
    visits = list(db.session.scalars(select(Visit)))
    assert len(visits) == 1 and visits[0].checked_out_at is not None and visits[0].out_method == "self"
    assert db.session.scalar(select(Visitor.full_name)) == "Trần Thị Bích"
    assert len(list(db.session.scalars(select(Device)))) == 1
    assert external_requests == []
