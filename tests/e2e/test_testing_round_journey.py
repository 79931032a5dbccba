"""A ward health official's journey in headless Chromium at 320 px with JavaScript off: plan testing
rounds for a red ward, open day 1 and enter how many were tested and positive at each place."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from portal.clock import local_date, utcnow
from portal.extensions import db
from portal.reports.zones import set_level
from portal.rounds.models import ScreeningRound

from ..factories import PASSWORD, establishment, visit, visitor


def test_health_official_plans_rounds_and_enters_results(serve, new_page, make, artifacts, page_width,
                                                         external_requests):
    server = serve(WTF_CSRF_ENABLED=True)
    ward = make.wards(1)[0]
    official = make.user(role="ward_health", wards=[ward], name="Bác sĩ Lan")
    set_level(make.user(role="province_admin"), ward, 4, local_date(utcnow()) - timedelta(days=1))
    market = make.venue(name="Chợ Phú Cường", category="market", ward_code=ward.code)
    establishment(ward, name="Chợ Phú Cường", category="market", venue=market)
    cafe = make.venue(name="Cà phê Sân Vườn", category="restaurant", ward_code=ward.code)
    visit(cafe, visitor(name="Khách Quen", phone="+84912000777"), utcnow() - timedelta(hours=5))
    db.session.commit()
    start = local_date(utcnow()) + timedelta(days=1)

    page = new_page(server=server)
    page.goto("/auth/login")
    page.fill("#phone", official.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto("/testing/")
    expect(page.locator("main")).to_contain_text(ward.name)  # due: the ward is red
    page.select_option("#ward_code", ward.code)
    page.fill("#start_on", start.isoformat())
    page.get_by_role("button", name="Lên kế hoạch").click()
    expect(page.locator(".flash")).to_contain_text("Đã lên kế hoạch 3 đợt xét nghiệm")
    expect(page).to_have_url(re.compile(r"/testing/\d+$"))
    assert page_width(page) <= 320
    page.screenshot(path=str(artifacts / "rounds-1-day1.png"), full_page=True)

    first = db.session.scalars(select(ScreeningRound).order_by(ScreeningRound.held_on)).first()
    places = {p.name: p.id for p in first.places}
    assert set(places) == {"Chợ Phú Cường", "Cà phê Sân Vườn"}
    page.fill(f"#tested-{places['Chợ Phú Cường']}", "300")
    page.fill(f"#positive-{places['Chợ Phú Cường']}", "400")  # a slip: more positive than tested
    page.fill(f"#tested-{places['Cà phê Sân Vườn']}", "40")
    page.get_by_role("button", name="Lưu số liệu").click()
    expect(page.locator(".error-summary")).to_contain_text("Số dương tính nhiều hơn")
    page.fill(f"#positive-{places['Chợ Phú Cường']}", "4")
    page.get_by_role("button", name="Lưu số liệu").click()
    expect(page.locator(".flash")).to_contain_text("Đã lưu số liệu")
    expect(page.locator("main")).to_contain_text("340 người được xét nghiệm, 4 dương tính")
    page.screenshot(path=str(artifacts / "rounds-2-counts.png"), full_page=True)
    page.goto("/testing/")
    expect(page.locator("tbody")).to_contain_text(start.strftime("%d/%m/%Y"))
    assert page_width(page) <= 320
    assert external_requests == []
