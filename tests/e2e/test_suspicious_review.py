"""A ward official at 320 px with JavaScript off reads a suspicious-check-ins entry and marks it fabricated."""
from playwright.sync_api import expect
from sqlalchemy import select

from portal.checkin.models import Visit
from portal.extensions import db
from portal.inspection.flags import store
from portal.inspection.suspicious import Finding

from ..factories import PASSWORD
from ..inspection.suspicious_seed import NOW, local, visits

VIEWPORT = 320


def test_an_official_marks_an_entry_fabricated_at_320_px_without_javascript(serve, new_page, make, page_width,
                                                                          external_requests):
    server = serve()
    ward = make.wards(1)[0]
    venue = make.venue(name="Quán Nhậu Đêm Khuya Bên Sông Sài Gòn", ward_code=ward.code)
    rows = visits(venue, [local(20, 8, m) for m in range(3)])
    store(Finding(venue.id, "checkout", local(20, 0), local(21, 0),
                  {"finished": 30, "checked_out": 0, "percent": 0.0}), NOW)
    db.session.commit()
    official = make.user(role="ward_official", wards=[ward])

    page = new_page(server=server)
    page.goto("/auth/login")
    page.fill("#phone", official.phone)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Lượt quét đáng ngờ").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lượt quét đáng ngờ")
    expect(page.locator("section.card")).to_contain_text("Hầu như không ai quét ra")
    assert page_width(page) <= VIEWPORT
    page.get_by_role("button", name="Giả mạo").click()
    expect(page.get_by_text("Đã đánh dấu giả mạo: 3 lượt không còn được tính.")).to_be_visible()
    assert page_width(page) <= VIEWPORT
    db.session.expire_all()
    assert set(db.session.scalars(select(Visit.id).where(Visit.fabricated.is_(True)))) == {r.id for r in rows}
    assert external_requests == []
