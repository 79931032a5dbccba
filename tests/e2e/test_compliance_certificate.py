"""A ward official at 320 px with JavaScript off finds the venues meeting the QR conditions, prints a
market's compliance certificate, and anyone opening its QR's URL reads that it is current."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from portal.clock import utcnow

from ..factories import PASSWORD, establishment
from ..inspection.compliance_data import inspect, scans

VIEWPORT = 320


def log_in(page, user):
    page.goto("/auth/login")
    page.fill("#phone", user.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_certificate_is_printed_and_its_qr_url_verifies(serve, new_page, make, artifacts, page_width,
                                                          external_requests):
    server = serve()
    ward = make.wards(1)[0]
    now = utcnow()
    market = make.venue(name="Chợ Thủ Dầu Một", category="market", ward_code=ward.code)
    establishment(ward, name="Chợ Thủ Dầu Một", venue=market, category="market")
    make.venue(name="Quán Chưa Ai Quét", ward_code=ward.code)
    official = make.user(role="ward_official", wards=[ward])
    inspect(market, official, "meets", at=now - timedelta(days=2))
    scans(market, checked_out=4, forgot=1, at=now - timedelta(hours=3))

    page = new_page(server=server)
    log_in(page, official)
    page.goto("/inspection/compliance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuân thủ quét mã QR")
    page.select_option("#state", "meets")
    page.get_by_role("button", name="Áp dụng").click()
    expect(page.locator("ul.compliance > li")).to_have_count(1)
    assert page_width(page) <= VIEWPORT
    page.get_by_role("link", name="Giấy chứng nhận tuân thủ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chợ Thủ Dầu Một")
    expect(page.locator("svg.qr")).to_be_visible()
    assert page_width(page) <= VIEWPORT
    page.screenshot(path=str(artifacts / "compliance-certificate.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator("p.no-print").first).to_be_hidden()
    url = re.search(r"https?://[^\s<]+/inspection/certificates/[A-Za-z0-9_.\-]+", page.content()).group(0)
    assert url.startswith(server.url + "/inspection/certificates/")

    anyone = new_page(server=server)
    anyone.goto(url)
    expect(anyone.locator(".verdict")).to_contain_text("Còn hiệu lực: cơ sở này đạt yêu cầu.")
    expect(anyone.locator("dl")).to_contain_text("Chợ Thủ Dầu Một")
    assert page_width(anyone) <= VIEWPORT
    assert external_requests == []
