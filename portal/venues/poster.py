"""The venue poster: QR code (segno) as SVG, PNG and an A4 PDF with Vietnamese text."""
import io
from datetime import datetime

import segno
from markupsafe import escape
import ttf_opensans
from fpdf import FPDF

from .services import checkin_url, short_url


def qr_for(base_url, venue):
    """The QR code of a venue's check-in URL (error correction Q survives a worn print)."""
    return segno.make_qr(checkin_url(base_url, venue), error="q")


def qr_svg(base_url, venue):
    """Standalone SVG bytes."""
    out = io.BytesIO()
    qr_for(base_url, venue).save(out, kind="svg", scale=10, border=4, xmldecl=True)
    return out.getvalue()


def qr_svg_inline(base_url, venue, label="QR"):
    """SVG markup for embedding in the poster page, named for screen readers by `label`."""
    out = io.BytesIO()
    qr_for(base_url, venue).save(
        out, kind="svg", scale=10, border=4, xmldecl=False, svgns=True,
        svgclass="qr", lineclass=None, omitsize=True,
    )
    # aria-label rather than an SVG <title>: the page keeps a single <title>.
    svg = out.getvalue().decode()
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def qr_png(base_url, venue, scale=12):
    """PNG bytes."""
    out = io.BytesIO()
    qr_for(base_url, venue).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def poster_pdf(base_url, venue, printed_on: datetime, labels):
    """An A4 PDF poster; `labels` holds the translated headings for the current language."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_title(venue.name)
    pdf.add_font("OpenSans", "", str(ttf_opensans.OPENSANS_REGULAR.path))
    pdf.add_font("OpenSans", "B", str(ttf_opensans.OPENSANS_BOLD.path))
    pdf.add_page()
    width = pdf.w - 30

    pdf.set_xy(15, 15)
    pdf.set_font("OpenSans", "B", 22)
    pdf.multi_cell(width, 10, labels["heading"], align="C")
    pdf.set_font("OpenSans", "B", 26)
    pdf.multi_cell(width, 12, venue.name, align="C")
    pdf.set_font("OpenSans", "", 13)
    pdf.multi_cell(width, 7, f"{venue.address}, {venue.ward.name}", align="C")

    size = 120
    pdf.image(io.BytesIO(qr_png(base_url, venue, scale=10)), x=(pdf.w - size) / 2, y=pdf.get_y() + 4, w=size, h=size)
    pdf.set_y(pdf.get_y() + size + 8)

    pdf.set_font("OpenSans", "B", 28)
    pdf.multi_cell(width, 12, labels["code"] + ": " + venue.short_code, align="C")
    pdf.set_font("OpenSans", "", 13)
    pdf.multi_cell(width, 7, short_url(base_url, venue), align="C")
    pdf.ln(4)
    pdf.set_font("OpenSans", "B", 15)
    for line in labels["instructions"]:
        pdf.multi_cell(width, 8, line, align="C")
    pdf.set_font("OpenSans", "", 11)
    for line in labels.get("secondary", ()):
        pdf.multi_cell(width, 6, line, align="C")
    pdf.set_y(pdf.h - 20)
    pdf.set_font("OpenSans", "", 10)
    pdf.multi_cell(width, 5, labels["printed"], align="C")
    return bytes(pdf.output())
