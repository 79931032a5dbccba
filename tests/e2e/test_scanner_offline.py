"""A checkpoint lane in headless Chromium with JavaScript on, at 320 px: scans go through while the
network is up, are kept on the device (and counted on screen) while it is cut, and are sent, in
the order taken and marked late, when it returns; a scan kept twice is recorded once."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db
from portal.staff.models import Crossing, Lane, Scan

from ..factories import PASSWORD, person, staff_at
from ..passes.helpers import with_pass
from .test_scanner import focused

pytestmark = pytest.mark.once


def scan(page, token):
    """A barcode scanner types the code into the focused field and presses Enter."""
    focused(page)
    page.keyboard.type(token)
    page.keyboard.press("Enter")


def test_a_lane_keeps_scanning_while_the_network_is_cut(serve, new_page, make, artifacts, page_width,
                                                        external_requests):
    server = serve(WTF_CSRF_ENABLED=True)
    checkpoint = make.venue(name="Chốt kiểm soát Cầu Bà Lụa", category="checkpoint")
    officer = staff_at(make, checkpoint, role="checkpoint")
    lane = Lane(venue_id=checkpoint.id, name="Làn 2 - ra", direction="out", active=True, created_at=utcnow())
    db.session.add(lane)
    db.session.commit()
    people = [(f"Người Qua Chốt {i + 1}", with_pass(person(f"Người Qua Chốt {i + 1}"))) for i in range(4)]

    page = new_page(js=True, server=server)
    page.goto("/auth/login")
    page.fill("#phone", officer.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(re.escape(f"/staff/{checkpoint.short_code}/scan") + "$"))
    page.goto(f"/staff/{checkpoint.short_code}/scan?lane={lane.id}")
    result = page.locator(".scan-result")

    # Online: the script sends the scan as the form would, and shows the server's answer.
    scan(page, people[0][1])
    expect(result.locator(".scan-name")).to_have_text(people[0][0], use_inner_text=True)
    expect(result).to_have_class(re.compile(r"(^|\s)scan-cross-out(\s|$)"))
    expect(page.locator("#scan-queue")).to_be_hidden()

    # The network drops: the next scans are kept on the device and counted.
    page.context.set_offline(True)
    for _name, token in people[1:3]:
        scan(page, token)
        expect(result).to_have_class(re.compile(r"(^|\s)scan-kept(\s|$)"))
        expect(page.locator("#token")).to_have_value("")
    expect(page.locator("#queue-count")).to_contain_text("chờ gửi: 2", use_inner_text=True)
    # A third scan while the network is down, and a pass number misread by the scanner. Each is
    # typed once the field is empty again: typed sooner, its first keys joined the scan before it.
    scan(page, people[3][1])
    expect(page.locator("#queue-count")).to_contain_text("chờ gửi: 3", use_inner_text=True)
    expect(page.locator("#token")).to_have_value("")
    scan(page, "1234")
    expect(page.locator("#queue-count")).to_contain_text("chờ gửi: 4", use_inner_text=True)
    assert page_width(page) <= 320
    page.screenshot(path=str(artifacts / "scanner-offline-1-kept.png"), full_page=True)
    db.session.rollback()
    assert len(db.session.scalars(select(Crossing)).all()) == 1  # nothing of the kept scans arrived

    # The network returns: the kept scans are sent, in the order taken, and marked late.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#queue-count")).to_contain_text("đã được gửi", use_inner_text=True)
    expect(page.locator("#queue-count")).to_be_visible()
    # The one the server refused is listed for the officer, with the reason.
    expect(page.locator("#queue-refused")).to_be_visible()
    expect(page.locator("#queue-refused li")).to_have_count(1)
    expect(page.locator("#queue-refused li")).to_contain_text("…1234", use_inner_text=True)
    page.screenshot(path=str(artifacts / "scanner-offline-2-sent.png"), full_page=True)
    db.session.rollback()
    crossings = db.session.scalars(select(Crossing).order_by(Crossing.crossed_at, Crossing.id)).all()
    assert len(crossings) == 4
    assert {(c.direction, c.lane_id) for c in crossings} == {("out", lane.id)}
    by_person = [c.visitor_id for c in crossings]
    assert len(set(by_person)) == 4
    late = db.session.scalars(select(Scan).where(Scan.late.is_(True)).order_by(Scan.scanned_at)).all()
    assert [s.failed for s in late] == [False, False, False, True]
    assert all(s.received_at >= s.scanned_at for s in late)

    # Kept scans are gone from the device once sent: a reload sends nothing twice; the officer
    # clears the list of refused scans when they have dealt with them.
    page.reload()
    expect(page.locator("#queue-refused li")).to_have_count(1)
    page.get_by_role("button", name="Xoá danh sách này").click()
    expect(page.locator("#scan-queue")).to_be_hidden()
    db.session.rollback()
    assert len(db.session.scalars(select(Crossing)).all()) == 4
    assert external_requests == []
