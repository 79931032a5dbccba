"""The pass as a QR code (segno) and as an A6 card PDF (fpdf2, Open Sans for Vietnamese).

The QR code holds only the pass number: a camera that opens it sees digits, nothing about
the person.
"""
import io

import segno
import ttf_opensans
from fpdf import FPDF

from .tokens import grouped


def qr_for(token):
    """The QR code of a pass number (numeric mode, error correction Q survives a worn card)."""
    return segno.make_qr(token, error="q")


def qr_svg_inline(token, title):
    """SVG markup for embedding in a page."""
    out = io.BytesIO()
    qr_for(token).save(
        out, kind="svg", scale=8, border=4, xmldecl=False, svgns=True,
        title=title, svgclass="qr pass-qr", lineclass=None, omitsize=True,
    )
    return out.getvalue().decode()


def _png(token):
    out = io.BytesIO()
    qr_for(token).save(out, kind="png", scale=12, border=4)
    return out.getvalue()


def cards_pdf(cards, labels):
    """An A6 PDF with one pass per page; `cards` holds (name, token), `labels` the texts."""
    pdf = FPDF(format="A6", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_title(labels["title"])
    pdf.add_font("OpenSans", "", str(ttf_opensans.OPENSANS_REGULAR.path))
    pdf.add_font("OpenSans", "B", str(ttf_opensans.OPENSANS_BOLD.path))
    for name, token in cards:
        _card_page(pdf, name, token, labels)
    return bytes(pdf.output())


def _card_page(pdf, name, token, labels):
    pdf.add_page()
    margin = 7
    width = pdf.w - 2 * margin
    pdf.set_xy(margin, 6)
    pdf.set_font("OpenSans", "B", 15)
    pdf.multi_cell(width, 7, labels["heading"], align="C")
    pdf.set_font("OpenSans", "", 8)
    pdf.multi_cell(width, 4, labels["heading_en"], align="C")
    pdf.set_font("OpenSans", "B", 14 if len(name) <= 28 else 11)
    pdf.multi_cell(width, 7, name, align="C")
    size = 66
    top = pdf.get_y() + 1
    pdf.image(io.BytesIO(_png(token)), x=(pdf.w - size) / 2, y=top, w=size, h=size)
    pdf.set_xy(margin, top + size + 1)
    pdf.set_font("Courier", "B", 10)
    groups = grouped(token).split(" ")
    half = (len(groups) + 1) // 2
    pdf.multi_cell(width, 5, " ".join(groups[:half]) + "\n" + " ".join(groups[half:]), align="C")
    pdf.ln(1)
    pdf.set_font("OpenSans", "B", 9)
    pdf.multi_cell(width, 4.5, labels["instructions"], align="C")
    pdf.set_font("OpenSans", "", 7.5)
    pdf.multi_cell(width, 3.6, labels["instructions_en"], align="C")
    pdf.set_xy(margin, pdf.h - 10)
    pdf.set_font("OpenSans", "", 7)
    pdf.multi_cell(width, 3.5, labels["issued"], align="C")
