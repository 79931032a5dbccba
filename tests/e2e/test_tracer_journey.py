"""A tracer's journey in headless Chromium with JavaScript off at 320 px: case → visits → contacts →
export → exposure window → the warned visitor sees the warning on /me. CSRF is on, as in production."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.checkin.models import Visit
from portal.extensions import db

from ..factories import PASSWORD, People


def test_tracer_finds_contacts_exports_and_warns_a_visitor(serve, new_page, make, artifacts, page_width,
                                                          external_requests):
    server = serve(WTF_CSRF_ENABLED=True)
    people = People()
    venue = make.venue(name="Chợ Thủ Dầu Một - Cổng chính", address="1 Đường Bạch Đằng")
    tracer = make.user(role="tracer", name="Bác sĩ Lan")

    # A visitor checks in from their phone; they had come 25 minutes ago and the confirmed case half
    # an hour ago, both still inside: 25 minutes together by now (only time passed counts).
    visitor = new_page(server=server)
    visitor.goto(f"/v/{venue.token}")
    visitor.fill("#full_name", "Trần Thị Bích")
    visitor.fill("#phone", "0912 345 678")
    visitor.fill("#birth_year", "1990")
    visitor.get_by_role("button", name="Ghi nhận vào").click()
    expect(visitor).to_have_url(re.compile(r"/visit/"))
    db.session.rollback()
    visit = db.session.scalar(select(Visit))
    visit.checked_in_at -= timedelta(minutes=25)  # the case's window below is marked minutes later
    visit.due_out_at -= timedelta(minutes=25)
    db.session.commit()
    case_person = people.person("Nguyễn Văn Ca", phone="0987 000 111", created=people.now - timedelta(days=1))
    people.visit(case_person, venue, people.now - timedelta(minutes=30))

    page = new_page(server=server, width=1024, height=900)
    page.goto("/auth/login")
    page.fill("#phone", tracer.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/tracing/$"))

    page.get_by_role("link", name="Bắt đầu truy vết").click()
    expect(page).to_have_url(re.compile(r"/tracing/cases/new$"))
    page.get_by_role("button", name="Mở ca bệnh").click()  # nothing filled in: told what to fix
    expect(page.locator(".error-summary")).to_be_visible()
    page.fill("#reference", "F0-2021-0927-001")
    page.fill("#purpose", "Tìm người tiếp xúc gần của ca dương tính")
    page.get_by_role("button", name="Mở ca bệnh").click()
    expect(page.locator("h1")).to_have_text("Ca bệnh F0-2021-0927-001", use_inner_text=True)

    page.fill("#phone", "0987 000 111")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page).to_have_url(re.compile(r"/tracing/cases/[^/]+/visits$"))
    expect(page.locator("body")).to_contain_text("Nguyễn Văn Ca")
    expect(page.locator("body")).to_contain_text(venue.name)
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts / "tracer-1-visits.png"), full_page=True)

    page.get_by_role("link", name="Tìm người tiếp xúc").click()
    expect(page).to_have_url(re.compile(r"/tracing/cases/[^/]+/contacts(\?|$)"))
    expect(page.locator("body")).to_contain_text("Trần Thị Bích")
    expect(page.locator("body")).to_contain_text("0912 345 678")
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts / "tracer-2-contacts.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất CSV").click()
    exported = download.value.path().read_text("utf-8-sig")
    assert "Trần Thị Bích" in exported and "0912 345 678" in exported

    page.get_by_role("link", name="Đánh dấu khung giờ phơi nhiễm").first.click()
    expect(page).to_have_url(re.compile(r"/tracing/cases/[^/]+/exposures/new"))
    expect(page.locator("#venue_code")).to_have_value(venue.short_code)
    page.get_by_label("đi xét nghiệm càng sớm càng tốt").check()
    page.get_by_role("button", name="Cảnh báo người đến").click()
    expect(page).to_have_url(re.compile(r"/tracing/cases/[^/]+/$"))
    expect(page.locator(".flash", has_text="1 người sẽ thấy cảnh báo")).to_be_visible()
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts / "tracer-3-exposure-window.png"), full_page=True)

    narrow = new_page(server=server)  # the tracer's pages also work on a small screen
    narrow.goto("/auth/login")
    narrow.fill("#phone", tracer.phone)
    narrow.fill("#password", PASSWORD)
    narrow.get_by_role("button", name="Đăng nhập").click()
    expect(narrow).to_have_url(re.compile(r"/tracing/$"))  # logged in before leaving the page
    narrow.goto(page.url)
    expect(narrow.locator("h1")).to_have_text("Ca bệnh F0-2021-0927-001", use_inner_text=True)
    assert page_width(narrow) <= 320

    visitor.goto("/me")
    warning = visitor.locator(".notice").first
    expect(warning).to_contain_text("Cảnh báo y tế", use_inner_text=True)
    expect(warning).to_contain_text(venue.name, use_inner_text=True)
    expect(warning).to_contain_text("đi xét nghiệm", use_inner_text=True)
    assert page_width(visitor) <= 320
    visitor.screenshot(path=str(artifacts / "tracer-4-visitor-sees-warning.png"), full_page=True)

    db.session.rollback()
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["case", "lookup", "visits", "contacts", "export", "exposure"]
    assert external_requests == []
