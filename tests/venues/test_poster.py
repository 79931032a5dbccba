"""The poster: its QR always encodes {PORTAL_BASE_URL}/v/<token>; the PDF prints Vietnamese."""
import io
import re

import pytest
import zxingcpp
from pypdf import PdfReader

from portal.venues import poster

from ..html import check_page
from ..factories import PASSWORD
from .test_tokens import BASE, decode_png

FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


@pytest.fixture
def venue_and_owner(make, login):
    owner = make.owner()
    venue = make.venue(owner, name="Tiệm Bánh Mì Hòa Mã Đặc Biệt", address="53 Đường Phan Đình Phùng")
    login(owner)
    return venue


def qr_modules(svg):
    """The path drawing the dark modules of the one QR code in an SVG or page."""
    [path] = re.findall(r'<path[^>]* d="([^"]+)"', svg)
    return path


def pdf_qr_texts(data):
    """The texts of the QR codes in the images of a PDF's pages."""
    texts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for image in page.images:
            texts += [b.text for b in zxingcpp.read_barcodes(image.image)]
    return texts


def test_png_qr_decodes_to_exactly_the_checkin_url(client, venue_and_owner):
    venue = venue_and_owner
    response = client.get(f"/venues/{venue.short_code}/poster.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert decode_png(response.data) == f"{BASE}/v/{venue.token}"


def test_downloads_are_attachments_with_the_code_in_the_name(client, venue_and_owner):
    code = venue_and_owner.short_code
    for kind, mimetype in (("png", "image/png"), ("svg", "image/svg+xml"), ("pdf", "application/pdf")):
        response = client.get(f"/venues/{code}/poster.{kind}?download=1")
        assert response.mimetype == mimetype
        assert response.headers["Content-Disposition"] == f'attachment; filename="poster-{code}.{kind}"'
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_svg_is_the_qr_of_the_checkin_url(client, venue_and_owner):
    venue = venue_and_owner
    svg = client.get(f"/venues/{venue.short_code}/poster.svg").data
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    assert svg == poster.qr_svg(BASE, venue)
    assert b"<script" not in svg.lower()


def test_a_forged_host_header_does_not_change_any_qr_code(client, venue_and_owner):
    venue = venue_and_owner
    code, url = venue.short_code, f"{BASE}/v/{venue.token}"
    # The session cookie belongs to the real host: log in again through the forged one.
    login = client.post("/auth/login", headers=FORGED,
                        data={"phone": venue.owner.phone, "password": PASSWORD})
    assert login.status_code == 302

    png = client.get(f"/venues/{code}/poster.png", headers=FORGED).data
    assert decode_png(png) == url

    svg = client.get(f"/venues/{code}/poster.svg", headers=FORGED).data
    assert svg == poster.qr_svg(BASE, venue)
    assert svg != poster.qr_svg("http://evil.example", venue)

    pdf = client.get(f"/venues/{code}/poster.pdf", headers=FORGED).data
    assert pdf_qr_texts(pdf) == [url]
    assert b"evil.example" not in pdf

    html = check_page(client.get(f"/venues/{code}/poster", headers=FORGED))
    assert qr_modules(poster.qr_svg_inline(BASE, venue)) == qr_modules(html)
    assert qr_modules(poster.qr_svg_inline("http://evil.example", venue)) != qr_modules(html)
    assert "evil.example" not in html
    assert f"{BASE}/c/{code}" in html


def test_pdf_is_one_a4_page_with_the_vietnamese_name_and_the_qr(client, venue_and_owner):
    venue = venue_and_owner
    response = client.get(f"/venues/{venue.short_code}/poster.pdf")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = reader.pages[0].extract_text()
    assert "Tiệm Bánh Mì Hòa Mã Đặc Biệt" in text
    assert "53 Đường Phan Đình Phùng" in text
    assert venue.short_code in text and f"{BASE}/c/{venue.short_code}" in text
    assert "Quét mã QR này khi VÀO và khi RA." in text  # Vietnamese instructions
    assert "In ngày" in text  # the date printed
    assert pdf_qr_texts(response.data) == [f"{BASE}/v/{venue.token}"]


def pdf_layout(data):
    """(baselines of the text lines, (bottom, top) of the QR image), in points from the bottom."""
    page = PdfReader(io.BytesIO(data)).pages[0]
    lines = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size:
                      lines.append(tm[5]) if text.strip() else None)
    [(size, y)] = re.findall(rb"([\d.]+) 0 0 [\d.]+ [\d.]+ ([\d.]+) cm", page.get_contents().get_data())
    return lines, (float(y), float(y) + float(size))


@pytest.mark.parametrize("name,address", [
    ("Tiệm Bánh Mì Hòa Mã", "53 Đường Phan Đình Phùng"),
    ("Công Ty TNHH Thương Mại Dịch Vụ Xuất Nhập Khẩu Kỹ Thuật Điện Lạnh " * 3, "Lô " * 99),
])
def test_every_line_of_the_pdf_is_on_the_page_and_clear_of_the_qr(client, make, login, name,
                                                                   address):
    owner = make.owner()
    venue = make.venue(owner, name=name[:200], address=address[:300])
    login(owner)
    data = client.get(f"/venues/{venue.short_code}/poster.pdf").data
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    lines, (qr_bottom, qr_top) = pdf_layout(data)
    a4_height, margin = 841.89, 10 / 25.4 * 72
    assert qr_top - qr_bottom >= 50 / 25.4 * 72  # at least 5 cm wide
    assert all(margin < y < a4_height - margin for y in lines)
    assert not [y for y in lines if qr_bottom - 5 < y < qr_top + 5]  # nothing printed over the QR
    assert pdf_qr_texts(data) == [f"{BASE}/v/{venue.token}"]


def test_poster_page_is_printable_with_everything_on_it(client, venue_and_owner):
    venue = venue_and_owner
    html = check_page(client.get(f"/venues/{venue.short_code}/poster"))
    assert re.search(r"css/print\.[0-9a-f]{10}\.css", html)
    assert "<h1>Tiệm Bánh Mì Hòa Mã Đặc Biệt</h1>" in html
    assert "53 Đường Phan Đình Phùng" in html and venue.ward.name in html
    assert venue.short_code in html
    assert 'aria-label="Mã QR để quét khi vào và khi ra tại Tiệm Bánh Mì Hòa Mã Đặc Biệt"' in html
    assert "Quét mã QR này khi VÀO và khi RA." in html
    assert "In ngày" in html


def test_poster_page_speaks_english_when_chosen(client, venue_and_owner):
    client.get("/lang/en")
    html = check_page(client.get(f"/venues/{venue_and_owner.short_code}/poster"))
    assert "Scan this QR code when you COME IN and when you LEAVE." in html


def test_every_poster_link_on_the_venue_page_leads_to_the_venues_own_poster(client, venue_and_owner):
    venue = venue_and_owner
    html = check_page(client.get(f"/venues/{venue.short_code}/"))
    links = set(re.findall(r'href="(/venues/[^"?]*poster[^"?]*)', html))
    assert links == {f"/venues/{venue.short_code}/poster"} | {
        f"/venues/{venue.short_code}/poster.{kind}" for kind in ("pdf", "png", "svg")}
    for link in links:
        assert client.get(link).status_code == 200, link
