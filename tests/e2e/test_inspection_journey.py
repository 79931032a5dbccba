"""An inspector on a phone at 320 px with JavaScript off checks three posters of one market (genuine,
retired, fake), records a violation, and the owner sees what to fix on their venue page."""
import re

from playwright.sync_api import expect

from portal.clock import utcnow
from portal.extensions import db
from portal.venues.services import checkin_url, retire_token

from ..factories import PASSWORD
from ..inspection.helpers import inspector

VIEWPORT = 320
FAKE = "https://vao-ra.example.com/v/AbCdEfGhIjKlMnOpQrStUvWx"
NOTE = "Gỡ áp phích giả ở cổng phụ và áp phích cũ ở quầy"


def log_in(page, user):
    page.goto("/auth/login")
    page.fill("#phone", user.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_an_inspector_catches_a_retired_and_a_fake_poster(serve, new_page, make, artifacts, page_width,
                                                         external_requests):
    server = serve(WTF_CSRF_ENABLED=True)
    ward = make.wards(1)[0]
    market = make.venue(name="Chợ Thủ Dầu Một", category="market", ward_code=ward.code)
    base = server.app.config["PORTAL_BASE_URL"]
    old_poster = checkin_url(base, market)
    retire_token(market, utcnow())
    db.session.commit()
    genuine = checkin_url(base, market)
    user = inspector(make, server.app, ["market"], [ward])

    def shot(page, name):
        page.screenshot(path=str(artifacts / f"inspection-{name}.png"), full_page=True)
        assert page_width(page) <= VIEWPORT, (name, page_width(page))

    page = new_page(server=server)
    log_in(page, user)
    expect(page).to_have_url(re.compile("/inspection/$"))
    page.get_by_role("link", name="Chợ Thủ Dầu Một").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chợ Thủ Dầu Một")
    for payload, verdict in [(genuine, "Thật và còn hiệu lực"), (old_poster, "Đã thu hồi"),
                             (FAKE, "Giả: mã QR dẫn đến trang web khác")]:
        page.fill("#payload", payload)
        with page.expect_navigation():
            page.press("#payload", "Enter")  # what a barcode scanner does after typing
        expect(page.locator(".verdict")).to_contain_text(verdict)
    expect(page.locator(".verdict")).to_contain_text(FAKE)
    shot(page, "fake-verdict")
    expect(page.locator("#checks + ol > li")).to_have_count(3)

    page.check("#poster_every_entrance")
    page.check("#result-2")
    page.fill("#note", NOTE)
    page.check("#propose_suspension")
    shot(page, "record-form")
    page.get_by_role("button", name="Ghi nhận đợt kiểm tra").click()
    expect(page.locator("#history")).to_contain_text("Vi phạm")
    expect(page.locator("#history")).to_contain_text(NOTE)
    shot(page, "recorded")
    assert external_requests == []

    owner_page = new_page(server=server)
    log_in(owner_page, market.owner)
    owner_page.goto(f"/venues/{market.short_code}/")
    panel = owner_page.locator("#inspection")
    expect(panel).to_contain_text("Vi phạm")
    expect(panel).to_contain_text("Cần khắc phục")
    expect(panel).to_contain_text(NOTE)
    expect(panel).to_contain_text("Thấy mọi người quét mã")
    expect(panel).to_contain_text("Đã thu hồi")
    expect(panel).to_contain_text(FAKE)
    shot(owner_page, "owner-what-to-fix")

    official = make.user(role="ward_official", wards=[ward], name="Cán bộ Phường Thủ Dầu Một")
    official_page = new_page(server=server)
    log_in(official_page, official)
    official_page.goto(f"/registry/venues/{market.short_code}/")
    history = official_page.locator("#inspections")
    expect(history).to_contain_text(NOTE)
    shot(official_page, "official-history")
    history.get_by_role("button", name="Xác nhận tạm đình chỉ").click()
    expect(official_page.locator("main")).to_contain_text("Đã xác nhận tạm đình chỉ")
    owner_page.reload()
    expect(owner_page.locator("main")).to_contain_text(NOTE)
    shot(owner_page, "owner-suspended")


def test_the_inspection_pages_have_no_serious_accessibility_finding(new_page, make, live_server):
    from .accessibility import blocking_violations, log_in as log_in_waiting

    ward = make.wards(1)[0]
    market = make.venue(name="Chợ Phú Lợi", category="market", ward_code=ward.code)
    user = inspector(make, live_server.app, ["market"], [ward])
    page = new_page(js=True)
    log_in_waiting(page, user)
    found = {}
    for url in ("/inspection/", f"/inspection/{market.short_code}/"):
        page.goto(url)
        found[url] = blocking_violations(page)
    page.fill("#payload", "x" * 600)
    with page.expect_navigation():
        page.press("#payload", "Enter")
    found["malformed"] = blocking_violations(page)
    expect(page.locator(".error-summary")).to_contain_text("không phải áp phích")
    assert found == {key: [] for key in found}
