"""Wide tables at 320 and 1280 px, JavaScript off: the page never scrolls sideways; a table wider than
the screen scrolls inside its own region, which is named, takes the keyboard focus, scrolls with the
arrow keys and keeps its first column in view. Screenshots go to test-artifacts/."""
from datetime import timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from portal.audit.services import record
from portal.clock import utcnow
from portal.extensions import db

from ..factories import visit, visitor
from ..reports.data import csv_bytes
from .accessibility import log_in

WIDTHS = (320, 1280)

#: Each scroll region: its name, focusability, and whether its content is wider than the region.
REGIONS = """() => [...document.querySelectorAll('.table-scroll')].map(r => ({
    role: r.getAttribute('role'), tabindex: r.getAttribute('tabindex'),
    name: r.getAttribute('aria-label') || '', wider: r.scrollWidth > r.clientWidth + 1}))"""


def check_layout(page, width, page_width, artifacts, name):
    """No sideways scrolling of the page; every table region focusable and named; a screenshot."""
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts / f"tables-{name}-{width}px.png"), full_page=True)
    assert page_width(page) <= width, (name, width, page_width(page))
    regions = page.evaluate(REGIONS)
    assert page.locator("main table").count() == len(regions), name  # every table is wrapped
    for region in regions:
        assert (region["role"], region["tabindex"]) == ("region", "0"), (name, region)
        assert region["name"].strip(), (name, region)
    return regions


def scrolls_by_keyboard(page, region):
    """Focus a region with Tab-like focus, press the right arrow: it scrolls; its first column stays."""
    region.focus()
    expect(region).to_be_focused()
    first = region.locator("tr >> nth=1").locator(":scope > *").first
    before = first.bounding_box()["x"]
    # Smooth scrolling is off in the test browser (conftest); a busy machine may still drop a key
    # press, so press again a few times: a region the keyboard cannot scroll never moves.
    for _attempt in range(4):
        expect(region).to_be_focused()
        for _ in range(8):
            page.keyboard.press("ArrowRight")
        try:
            page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle(), timeout=2000)
            break
        except PlaywrightTimeout:
            continue
    assert region.evaluate("r => r.scrollLeft") > 0
    where = None
    for _ in range(50):  # and until it has settled
        if where == (where := region.evaluate("r => r.scrollLeft")):
            break
        page.wait_for_timeout(100)
    assert abs(first.bounding_box()["x"] - before) < 1  # sticky: still where it was


def wards_with_visits(make, wards):
    """Visits today and yesterday in each ward, so reports have figures to show."""
    now = utcnow()
    for i, ward in enumerate(wards):
        venue = make.venue(name=f"Chợ Phường {ward.name}", category="market", ward_code=ward.code)
        for hours in (2, 26):
            visit(venue, visitor(f"Khách {i}-{hours}", phone=f"+849128{i:02d}{hours:03d}"),
                  now - timedelta(hours=hours), out_after=timedelta(minutes=20), out_method="self")


@pytest.mark.parametrize("width", WIDTHS)
def test_owner_venue_page_fits(new_page, make, page_width, artifacts, width):
    owner = make.owner(name="Phạm Thị Thu Hương")
    venue = make.venue(owner, name="Công Ty TNHH Thương Mại Dịch Vụ Thu Hương",
                       registration_number="3700123456-001")
    page = new_page(width=width, height=900)
    log_in(page, owner)
    page.goto(f"/venues/{venue.short_code}/")
    expect(page.locator("h1")).to_contain_text("Thu Hương")
    check_layout(page, width, page_width, artifacts, "owner-venue")


@pytest.mark.parametrize("width", WIDTHS)
def test_ward_list_and_import_result_fit(new_page, make, page_width, artifacts, tmp_path, width):
    ward = make.wards(1)[0]
    official = make.user(role="ward_official", wards=[ward], name="Cán bộ Lan")
    wards_with_visits(make, [ward])
    for name in ("Quán Cà Phê Sương Sớm Đại Lộ Bình Dương", "Tiệm Bánh Mì Hương Quê"):
        make.venue(name=name, address="45 Đại lộ Bình Dương, Khu phố 3", ward_code=ward.code)  # unused
    page = new_page(width=width, height=900)
    log_in(page, official)
    page.goto(f"/reports/wards/{ward.code}/not-used")
    expect(page.locator("main table tbody tr")).to_have_count(2)
    check_layout(page, width, page_width, artifacts, "ward-list")

    bad = tmp_path / "loi.csv"
    bad.write_bytes(csv_bytes([[f"12{i}", "Cơ sở có tên rất dài " * 3, "1 Đường A", "Phường Hoàn Kiếm",
                                "Không rõ loại hình"] for i in range(12)]))
    page.goto("/registry/import")
    page.set_input_files("#file", str(bad))
    page.locator("form", has=page.locator("#file")).locator("button").click()
    expect(page.locator(".error-summary").first).to_be_visible()
    check_layout(page, width, page_width, artifacts, "import-refused")

    good = tmp_path / "danh-sach.csv"
    good.write_bytes(csv_bytes([["3700123458", "Chợ Phú Lợi", "3 Phú Lợi", ward.code, "Chợ"],
                                ["3700123459", "Tạp hoá Cô Hoa", "12 Nguyễn Trãi", ward.code, "Cửa hàng"]]))
    page.set_input_files("#file", str(good))
    page.locator("form", has=page.locator("#file")).locator("button").click()
    expect(page.locator(".flash").first).to_be_visible()
    regions = check_layout(page, width, page_width, artifacts, "import-result")
    assert regions  # the recent imports table at least


@pytest.mark.parametrize("width", WIDTHS)
def test_periodic_report_and_audit_log_scroll_inside(new_page, make, page_width, artifacts, width):
    admin = make.user(role="province_admin", name="Quản trị Tỉnh")
    wards_with_visits(make, make.wards(3))
    for i in range(3):
        record(admin, None, "card", {"venue": f"CHO{i:03d}", "note": "x" * 120}, i, utcnow())
    db.session.commit()
    page = new_page(width=width, height=900)
    log_in(page, admin)

    page.goto("/reports/periodic")
    expect(page.locator("table.report")).to_be_visible()
    regions = check_layout(page, width, page_width, artifacts, "periodic")
    assert regions[0]["wider"], "the report is wider than the screen: it scrolls inside its region"
    expect(page.locator(".scroll-hint").first).to_be_visible()  # said in words, at any width
    scrolls_by_keyboard(page, page.locator(".table-scroll").first)
    page.screenshot(path=str(artifacts / f"tables-periodic-scrolled-{width}px.png"), full_page=True)

    page.goto("/audit/")
    expect(page.locator("main table")).to_be_visible()
    check_layout(page, width, page_width, artifacts, "audit-log")
    more = expect(page.locator("th.col-more").first)
    more.to_be_hidden() if width == 320 else more.to_be_visible()  # the query: left out on a phone
