"""The pass as a QR code (segno) and as an A6 card PDF (fpdf2, Open Sans for Vietnamese).

The QR code holds only the pass number: a camera that opens it sees digits, nothing about
the person.
"""
import io

import segno
from markupsafe import escape
import ttf_opensans
from fpdf import FPDF

from .tokens import grouped


def qr_for(token):
    """The QR code of a pass number (numeric mode, error correction Q survives a worn card)."""
    return segno.make_qr(token, error="q")


def qr_svg_inline(token, label):
    """SVG markup for embedding in a page, labelled for screen readers (`label` is escaped)."""
    out = io.BytesIO()
    qr_for(token).save(
        out, kind="svg", scale=8, border=4, xmldecl=False, svgns=True,
        svgclass="qr pass-qr", lineclass=None, omitsize=True,
    )
    svg = out.getvalue().decode()
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def _png(token):
    out = io.BytesIO()
    qr_for(token).save(out, kind="png", scale=12, border=4)
    return out.getvalue()


def cards_pdf(cards, labels):
    """An A6 PDF with one pass per page; `cards` holds (name, token), `labels` the texts."""
    pdf = FPDF(format=(105, 148), unit="mm")  # A6
    pdf.set_margins(7, 6, 7)
    pdf.set_auto_page_break(False)
    pdf.set_title(labels["title"])
    pdf.add_font("OpenSans", "", str(ttf_opensans.OPENSANS_REGULAR.path))
    pdf.add_font("OpenSans", "B", str(ttf_opensans.OPENSANS_BOLD.path))
    for name, token in cards:
        _card_page(pdf, name, token, labels)
    return bytes(pdf.output())


def _card_page(pdf, name, token, labels):
    pdf.add_page()
    margin = pdf.l_margin
    width = pdf.w - 2 * margin

    def line(height, text):
        pdf.multi_cell(width, height, text, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_xy(margin, 6)
    pdf.set_font("OpenSans", "B", 15)
    line(7, labels["heading"])
    pdf.set_font("OpenSans", "", 8)
    line(4, labels["heading_en"])
    pdf.set_font("OpenSans", "B", 14 if len(name) <= 28 else 11)
    line(7, name)
    size = 66
    top = pdf.get_y() + 1
    pdf.image(io.BytesIO(_png(token)), x=(pdf.w - size) / 2, y=top, w=size, h=size)
    pdf.set_xy(margin, top + size + 1)
    pdf.set_font("Courier", "B", 10)
    groups = grouped(token).split(" ")
    half = (len(groups) + 1) // 2
    line(5, " ".join(groups[:half]) + "\n" + " ".join(groups[half:]))
    pdf.ln(1)
    pdf.set_font("OpenSans", "B", 9)
    line(4.5, labels["instructions"])
    pdf.set_font("OpenSans", "", 7.5)
    line(3.6, labels["instructions_en"])
    pdf.set_xy(margin, pdf.h - 10)
    pdf.set_font("OpenSans", "", 7)
    line(3.5, labels["issued"])
