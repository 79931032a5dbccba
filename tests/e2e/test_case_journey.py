"""A tracer's journey in headless Chromium at 320 px with JavaScript off: record a case, trace it,
confirm two F1s, and turn one who tests positive into a case with the chain kept."""
import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from portal.cases.models import CaseContact, HealthCase
from portal.clock import local_date, utcnow
from portal.extensions import db

from ..factories import PASSWORD, People


def test_tracer_records_traces_confirms_and_links(serve, new_page, make, artifacts, page_width,
                                                   external_requests):
    server = serve(WTF_CSRF_ENABLED=True)
    ward = make.wards(1)[0]
    tracer = make.user(role="tracer", name="Bác sĩ Hạnh")
    venue = make.venue(ward_code=ward.code, name="Chợ Thủ Dầu Một")
    people = People()
    start = people.now - timedelta(hours=3)
    case = people.person(name="Trần Văn Ca", phone="0912000401")
    binh = people.person(name="Nguyễn Thị Bình", phone="0912000402")
    cuong = people.person(name="Lê Văn Cường", phone="0912000403")
    people.visit(case, venue, start, start + timedelta(minutes=60))
    people.visit(binh, venue, start + timedelta(minutes=5), start + timedelta(minutes=50))
    people.visit(cuong, venue, start + timedelta(minutes=20), start + timedelta(minutes=58))
    today = local_date(utcnow()).isoformat()

    page = new_page(server=server)
    page.goto("/auth/login")
    page.fill("#phone", tracer.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto("/cases/")
    page.get_by_role("link", name="Ghi nhận ca bệnh").click()
    expect(page).to_have_url(re.compile(r"/cases/new$"))
    page.fill("#phone", "0912 000 401")
    page.select_option("#ward", ward.code)
    page.fill("#positive_on", today)
    page.get_by_label("Vàng – nguy cơ trung bình").check()
    page.get_by_label("Chăm sóc tại nhà").check()
    page.get_by_role("button", name="Ghi nhận ca bệnh").click()
    expect(page.locator(".flash")).to_contain_text("Đã ghi nhận ca bệnh F0-")
    expect(page.locator("h1")).to_contain_text("Ca bệnh F0-")
    assert page_width(page) <= 320
    page.screenshot(path=str(artifacts / "cases-1-case.png"), full_page=True)

    page.get_by_role("link", name="Các lần ghé và lần qua chốt").click()
    expect(page.locator("body")).to_contain_text("Chợ Thủ Dầu Một")
    page.go_back()
    page.get_by_role("link", name="Người tiếp xúc: chọn các F1").click()
    expect(page.locator("h1")).to_contain_text("F1")
    assert page_width(page) <= 320
    page.get_by_label("Nguyễn Thị Bình").check()
    page.get_by_label("Lê Văn Cường").check()
    page.get_by_role("button", name="Theo dõi những người đã đánh dấu").click()
    expect(page.locator(".flash")).to_contain_text("Đã đưa 2 người vào theo dõi")
    page.screenshot(path=str(artifacts / "cases-2-f1s.png"), full_page=True)

    page.get_by_role("link", name="Nguyễn Thị Bình").click()
    expect(page.locator("h1")).to_contain_text("F1: Nguyễn Thị Bình")
    assert page_width(page) <= 320
    page.fill("#positive-tested_on", today)
    page.check("#positive-kind-0")
    page.check("#positive-risk_level-0")
    page.check("#positive-care_place-0")
    page.get_by_role("button", name="Ghi nhận thành ca bệnh").click()
    expect(page.locator("h1")).to_contain_text("Ca bệnh F0-")
    expect(page.locator(".chain")).to_contain_text("Chợ Thủ Dầu Một")
    assert page_width(page) <= 320
    page.screenshot(path=str(artifacts / "cases-3-chain.png"), full_page=True)

    db.session.rollback()
    first, second = db.session.scalars(select(HealthCase).order_by(HealthCase.id)).all()
    f1 = db.session.scalar(select(CaseContact).where(CaseContact.became_case_id == second.id))
    assert f1.case_id == first.id and second.full_name == "Nguyễn Thị Bình"
    expect(page.locator(".chain")).to_contain_text(first.code)
    assert external_requests == []
