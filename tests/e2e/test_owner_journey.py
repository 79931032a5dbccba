"""A shop owner on an old phone: JavaScript off, 320 px wide, from sign-up to a retired poster."""
import io

from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.venues.models import Venue

from ..factories import PASSWORD

VIEWPORT = 320


def current_venue(live_server):
    """The one venue in the database, read through the served app."""
    with live_server.app.app_context():
        venue = db.session.scalar(select(Venue))
        return venue.short_code, venue.token


def test_owner_signs_up_registers_prints_and_retires_a_poster(
    page, live_server, artifacts, page_width, external_requests
):
    def look(name):
        """Every page fits 320 px without sideways scrolling; keep a screenshot to look at."""
        page.screenshot(path=str(artifacts / f"owner-{name}.png"), full_page=True)
        assert page_width(page) <= VIEWPORT, (name, page_width(page))
        assert page.locator("h1").count() == 1

    page.goto("/")
    look("01-home")
    page.get_by_role("link", name="Đăng ký địa điểm và in áp phích mã QR").click()

    page.get_by_label("Họ và tên").fill("Phạm Thị Thu Hương")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Mật khẩu", exact=True).fill("mật khẩu dài dài")
    page.get_by_label("Nhập lại mật khẩu").fill("mật khẩu dài khác")
    page.get_by_role("button", name="Tạo tài khoản").click()
    look("02-signup-error")
    assert page.get_by_role("alert").filter(has_text="Hai mật khẩu không khớp.").count() == 1
    assert page.get_by_label("Số điện thoại").input_value() == "0912 345 678"
    page.get_by_label("Mật khẩu", exact=True).fill("mật khẩu dài dài")
    page.get_by_label("Nhập lại mật khẩu").fill("mật khẩu dài dài")
    page.get_by_role("button", name="Tạo tài khoản").click()
    assert page.url.endswith("/venues/new")

    page.get_by_role("button", name="Đăng ký", exact=True).click()  # empty form first: every error listed
    look("03-venue-errors")
    assert page.locator(".error-summary li").count() >= 4
    # The contact phone starts as the owner's own: one field less to type.
    assert page.get_by_label("Điện thoại liên hệ").input_value().replace(" ", "") == "0912345678"

    page.get_by_label("Tên địa điểm").fill("Tiệm Tạp Hoá Thu Hương")
    page.get_by_label("Loại địa điểm").select_option(label="Cửa hàng")
    page.get_by_label("Số đăng ký kinh doanh hoặc mã số thuế").fill("3700123456")
    page.get_by_label("Địa chỉ (số nhà, đường)").fill("27 Đường Cách Mạng Tháng Tám")
    page.get_by_label("Phường hoặc xã").select_option(label="Phường Thủ Dầu Một")
    page.get_by_label("Điện thoại liên hệ").fill("0912 345 678")
    page.get_by_label("Thời gian lưu lại thông thường (phút)").fill("30")
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    look("04-venue")
    assert page.get_by_role("heading", name="Tiệm Tạp Hoá Thu Hương").count() == 1
    code, old_token = current_venue(live_server)

    page.get_by_role("link", name="In áp phích").click()
    look("05-poster")
    assert page.locator("svg.qr").count() == 1
    assert f"{live_server.url}/c/{code}" in page.content()
    printed = page.pdf(format="A4", print_background=True)  # the browser's own Print to PDF
    (artifacts / "owner-poster-printed.pdf").write_bytes(printed)
    printed_pdf = PdfReader(io.BytesIO(printed))
    assert len(printed_pdf.pages) == 1  # the print stylesheet fits one A4 sheet
    assert "Tiệm Tạp Hoá Thu Hương" in printed_pdf.pages[0].extract_text()
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF (A4)").click()
    download = download_info.value
    assert download.suggested_filename == f"poster-{code}.pdf"
    pdf_path = artifacts / "owner-poster.pdf"
    download.save_as(str(pdf_path))
    text = PdfReader(io.BytesIO(pdf_path.read_bytes())).pages[0].extract_text()
    assert "Tiệm Tạp Hoá Thu Hương" in text and code in text

    page.get_by_role("link", name="Huỷ áp phích cũ và tạo áp phích mới").click()
    look("06-retire-confirm")
    page.get_by_role("button", name="Đồng ý, huỷ áp phích cũ").click()
    look("07-retired")
    assert "Áp phích cũ không còn hoạt động." in page.content()
    new_code, new_token = current_venue(live_server)
    assert new_code != code and new_token != old_token

    response = page.goto(f"/v/{old_token}")
    assert response.status == 410
    look("08-old-poster")
    assert "Áp phích này không còn hiệu lực" in page.content()
    assert page.goto(f"/c/{code}").status == 410  # the code printed on the old poster is retired too

    page.goto(f"/venues/{new_code}/poster")
    look("09-new-poster")
    assert f"/c/{new_code}" in page.content()

    page.goto("/venues/")
    page.get_by_role("button", name="Đăng xuất").click()
    look("10-logged-out")
    assert "Bạn đã đăng xuất." in page.content()
    assert external_requests == []


def test_english_pages_fit_too(page, live_server, page_width, artifacts):
    page.goto("/")
    page.get_by_role("link", name="English").click()
    page.goto("/auth/signup")
    page.get_by_role("button", name="Create account").click()
    page.screenshot(path=str(artifacts / "owner-en-signup-errors.png"), full_page=True)
    assert page.get_by_text("Enter your full name.").count() == 2
    assert page_width(page) <= VIEWPORT


def test_long_names_and_addresses_fit_a_narrow_screen(new_page, live_server, page_width, artifacts,
                                                      make):
    owner = make.owner(phone="0912000222")
    venue = make.venue(
        owner, name="Công Ty TNHH Thương Mại Dịch Vụ Xuất Nhập Khẩu Kỹ Thuật " * 3,
        address="Lô" + "B" * 60 + " Khu Công Nghiệp Sóng Thần",
        registration_number="3700123456-001",
    )
    page = new_page()
    page.goto("/auth/login")
    page.get_by_label("Số điện thoại").fill("0912000222")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    for name, url in (("list", "/venues/"), ("show", f"/venues/{venue.short_code}/"),
                      ("edit", f"/venues/{venue.short_code}/edit"),
                      ("retire", f"/venues/{venue.short_code}/retire"),
                      ("poster", f"/venues/{venue.short_code}/poster")):
        page.goto(url)
        page.screenshot(path=str(artifacts / f"owner-long-{name}.png"), full_page=True)
        assert page_width(page) <= VIEWPORT, (name, page_width(page))
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "owner-long-poster-print.png"), full_page=True)
    printed_bytes = page.pdf(format="A4")
    (artifacts / "owner-long-poster-printed.pdf").write_bytes(printed_bytes)
    printed = PdfReader(io.BytesIO(printed_bytes))
    assert len(printed.pages) == 1
