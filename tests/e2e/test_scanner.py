"""A checkpoint lane in headless Chromium with JavaScript off: the officer picks their lane, a barcode
scanner types each pass number and Enter into the focused input, 20 people in a row, and 20 crossings
into the area are recorded (no visit)."""
import io
import re

import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from portal.checkin.models import Visit
from portal.clock import utcnow
from portal.extensions import db
from portal.passes.card import qr_for
from portal.staff.models import Crossing, Lane

from ..factories import PASSWORD, person, staff_at
from ..passes.helpers import with_pass


def read_pass(token):
    """What a barcode scanner reads from a pass's QR code (and then types)."""
    out = io.BytesIO()
    qr_for(token).save(out, kind="png", scale=6, border=4)
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(out.getvalue())))
    return code.text


def focused(page):
    """The pass input has the focus (autofocus applies with the first rendering, without JavaScript).

    The scanning station's window is in front, as at a real checkpoint: Chromium keeps autofocus
    pending while a page is in the background.
    """
    page.bring_to_front()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'token'", timeout=30000)


def test_a_barcode_scanner_checks_in_20_people(serve, new_page, make, artifacts, page_width, external_requests):
    server = serve(WTF_CSRF_ENABLED=True)
    checkpoint = make.venue(name="Chốt kiểm soát QL13 - Lái Thiêu", category="checkpoint")
    officer = staff_at(make, checkpoint, role="checkpoint")
    lane = Lane(venue_id=checkpoint.id, name="Làn 1 - vào", direction="in", active=True, created_at=utcnow())
    db.session.add(lane)
    db.session.commit()
    people = [(f"Người Thứ {i + 1}", with_pass(person(f"Người Thứ {i + 1}"))) for i in range(20)]

    page = new_page(server=server)
    page.goto("/auth/login")
    page.fill("#phone", officer.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(re.escape(f"/staff/{checkpoint.short_code}/scan") + "$"))
    with page.expect_navigation():  # the officer first says which lane they stand at
        page.get_by_role("link", name=re.compile("Làn 1 - vào")).click()
    expect(page).to_have_url(re.compile(re.escape(f"/staff/{checkpoint.short_code}/scan?lane={lane.id}") + "$"))
    page.wait_for_load_state()
    focused(page)
    expect(page.locator("#camera")).to_be_hidden()  # the camera needs JavaScript; never required
    assert page_width(page) <= 320
    page.screenshot(path=str(artifacts / "scanner-1-ready.png"), full_page=True)

    for name, token in people:
        typed = read_pass(token)
        assert typed == token
        # The scanner is a keyboard: it types into whatever has focus, then presses Enter.
        with page.expect_navigation():
            page.keyboard.type(typed)
            page.keyboard.press("Enter")
        result = page.locator(".scan-result")
        expect(result.locator(".scan-name")).to_have_text(name, use_inner_text=True)
        expect(result).to_have_class(re.compile(r"(^|\s)scan-ok(\s|$)"))
        expect(result).to_have_class(re.compile(r"(^|\s)scan-cross-in(\s|$)"))
        focused(page)
        expect(page.locator("#token")).to_have_value("")
    assert page_width(page) <= 320
    page.screenshot(path=str(artifacts / "scanner-2-after-20-scans.png"), full_page=True)

    with page.expect_navigation():
        page.keyboard.type(people[0][1][:-1] + "0" if people[0][1][-1] != "0" else people[0][1][:-1] + "1")
        page.keyboard.press("Enter")
    expect(page.locator(".scan-result")).to_have_class(re.compile(r"(^|\s)scan-bad(\s|$)"))
    expect(page.locator(".scan-result")).to_contain_text("KHÔNG GHI NHẬN", use_inner_text=True)
    page.screenshot(path=str(artifacts / "scanner-3-mistyped.png"), full_page=True)

    db.session.rollback()
    assert db.session.scalars(select(Visit).where(Visit.venue_id == checkpoint.id)).all() == []
    crossings = db.session.scalars(select(Crossing).where(Crossing.venue_id == checkpoint.id)).all()
    assert len(crossings) == 20 and {(c.direction, c.lane_id, c.method) for c in crossings} == {("in", lane.id, "pass")}
    assert len({c.visitor_id for c in crossings}) == 20
    assert external_requests == []
