"""A ward official's journey in headless Chromium with JavaScript off: import the registry (a bad
file first), review the lists, confirm a match, record a follow-up, export and print."""
import csv
import io
import re

from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.registry.models import Establishment, FollowUp

from ..factories import PASSWORD
from ..reports.data import HEADER_VI, csv_bytes


def test_official_imports_reviews_follows_up_and_exports(serve, new_page, make, artifacts, page_width,
                                                          external_requests, tmp_path):
    server = serve(WTF_CSRF_ENABLED=True)  # the real forms, with their CSRF tokens
    ward = make.wards(1)[0]
    official = make.user(role="ward_official", wards=[ward], name="Cán bộ Lan")
    make.venue(name="Cà phê Sương Sớm", registration_number="3700123456", ward_code=ward.code)
    make.venue(name="Tap hoa Co Hoa", address="12 Nguyen Trai", ward_code=ward.code)
    rows = [
        ["3700123456", "Quán Cà phê Sương Sớm", "45 Đại lộ Bình Dương", ward.code, "Nhà hàng"],
        ["3700123457", "Tạp hoá Cô Hoa", "12 Nguyễn Trãi", ward.name, "Cửa hàng"],
        ["3700123458", "Chợ Phú Lợi", "3 Phú Lợi", ward.code, "Chợ"],
        ["3700123459", '=HYPERLINK("http://evil.example","Bấm")', "9 Hùng Vương", ward.code, "Chợ"],
    ]
    bad = tmp_path / "danh-sach-loi.csv"
    bad.write_bytes(csv_bytes(rows + [["12", "Sai mã", "1 Đường A", "Phường Hoàn Kiếm", ""]]))
    good = tmp_path / "danh-sach.csv"
    good.write_bytes(csv_bytes(rows, header=HEADER_VI, encoding="utf-8-sig"))

    page = new_page(width=1280, height=900, server=server)
    page.goto("/auth/login")
    page.fill("#phone", official.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(re.escape(f"/reports/wards/{ward.code}/") + "$"))
    expect(page.locator("svg.chart")).to_have_count(1)
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts / "official-1-ward-dashboard.png"), full_page=True)

    page.get_by_role("link", name="Nhập danh sách cơ sở").click()
    expect(page).to_have_url(re.compile(r"/registry/import$"))
    page.set_input_files("#file", str(bad))
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.locator(".error-summary")).to_contain_text("Chưa nhập gì")
    expect(page.locator("body")).to_contain_text("Hà Nội")
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts / "official-2-import-rejected.png"), full_page=True)
    db.session.rollback()
    assert db.session.scalar(select(Establishment.id)) is None

    page.set_input_files("#file", str(good))
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.locator(".flash", has_text="Đã nhập tệp.")).to_be_visible()
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts / "official-3-imported.png"), full_page=True)

    page.goto(f"/reports/wards/{ward.code}/")
    page.get_by_role("link", name="Kết quả có thể khớp (1)").click()
    page.get_by_role("button", name="Cùng một nơi: xác nhận").click()
    expect(page.locator(".flash", has_text="Đã ghép: Tạp hoá Cô Hoa")).to_be_visible()

    page.goto(f"/reports/wards/{ward.code}/")
    page.get_by_role("link", name="Chưa đăng ký", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(f"/reports/wards/{ward.code}/not-registered") + "$"))
    expect(page.locator("body")).to_contain_text("2 nơi")  # matched by number and confirmed: two left
    page.select_option("#category", "market")
    page.get_by_role("button", name="Áp dụng").click()
    expect(page).to_have_url(re.compile(r"[?&]category=market(&|$)"))
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts / "official-4-not-registered.png"), full_page=True)

    page.get_by_role("link", name="Chợ Phú Lợi").click()
    expect(page).to_have_url(re.compile(r"/registry/establishments/3700123458/$"))
    page.select_option("#action", "reminded")
    page.fill("#note", "Đã gọi điện nhắc chủ chợ")
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(page.locator(".flash", has_text="Đã ghi nhận việc theo dõi.")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Đã gọi điện nhắc chủ chợ")
    db.session.rollback()
    assert db.session.scalar(select(FollowUp.action)) == "reminded"

    page.goto(f"/reports/wards/{ward.code}/not-registered")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải CSV").click()
    path = artifacts / "official-not-registered.csv"
    download.value.save_as(str(path))
    exported = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    names = {row[1] for row in exported[1:]}
    assert names == {"Chợ Phú Lợi", "'=HYPERLINK(\"http://evil.example\",\"Bấm\")"}
    reminded = next(row for row in exported if row[1] == "Chợ Phú Lợi")
    assert reminded[4] == "1" and reminded[5] == "Đã nhắc nhở"

    page.get_by_role("link", name="In danh sách đi kiểm tra").click()
    expect(page.locator("table.field-list tbody tr")).to_have_count(2)
    page.wait_for_load_state()
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "official-5-field-list-print.png"), full_page=True)

    narrow = new_page(server=server)  # 320 px: nothing wider than the screen
    narrow.goto("/auth/login")
    narrow.fill("#phone", official.phone)
    narrow.fill("#password", PASSWORD)
    narrow.get_by_role("button", name="Đăng nhập").click()
    expect(narrow).to_have_url(re.compile(re.escape(f"/reports/wards/{ward.code}/") + "$"))  # logged in
    for url in (f"/reports/wards/{ward.code}/", f"/reports/wards/{ward.code}/not-registered",
                f"/registry/wards/{ward.code}/follow-ups", "/registry/import", "/reports/periodic"):
        narrow.goto(url)
        expect(narrow).to_have_url(re.compile(re.escape(url)))
        assert page_width(narrow) <= 320, url
    narrow.screenshot(path=str(artifacts / "official-6-periodic-320px.png"), full_page=True)
    assert external_requests == []
