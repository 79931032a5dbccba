"""The venue poster: QR code (segno) as SVG, PNG and an A4 PDF with Vietnamese text."""
import io
from datetime import datetime

import segno
from markupsafe import escape
import ttf_opensans
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from .services import checkin_url, short_url


def qr_for(base_url, venue):
    """The QR code of a venue's (or an entrance's) check-in URL (error correction Q survives a worn print)."""
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


def _name_size(name):
    """Long names get smaller letters so the poster stays one page."""
    return 26 if len(name) <= 40 else 19 if len(name) <= 100 else 15


def _write(pdf, blocks, dry_run=False):
    """Centred paragraphs (style, size, line height, text); returns their height in mm."""
    height = 0
    for style, size, line_height, text in blocks:
        pdf.set_font("OpenSans", style, size)
        if dry_run:
            height += pdf.multi_cell(0, line_height, text, align="C", dry_run=True,
                                     output=MethodReturnValue.HEIGHT)
        else:
            pdf.multi_cell(0, line_height, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return height


def poster_pdf(base_url, venue, printed_on: datetime, labels, entrance=None):
    """An A4 PDF poster on one page; `labels` holds the translated texts.

    An entrance's poster carries the entrance's name, QR and code. The QR code is as large as
    the page allows (at most 120 mm) once the texts are placed.
    """
    target = entrance or venue  # whose token and short code the poster prints
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(15, 15, 15)
    pdf.set_title(venue.name)
    pdf.add_font("OpenSans", "", str(ttf_opensans.OPENSANS_REGULAR.path))
    pdf.add_font("OpenSans", "B", str(ttf_opensans.OPENSANS_BOLD.path))
    pdf.add_page()

    size = _name_size(venue.name)
    header = [
        ("B", 22, 10, labels["heading"]),
        ("B", size, size * 0.47, venue.name),
        *([("B", 18, 9, entrance.name)] if entrance is not None else []),
        ("", 13 if len(venue.address) <= 120 else 10, 6, f"{venue.address}, {venue.ward.name}"),
    ]
    below_qr = [
        ("B", 28, 12, labels["code"] + ": " + target.short_code),
        ("", 13, 7, short_url(base_url, target)),
        ("B", 4, 4, ""),
        *[("B", 15, 8, line) for line in labels["instructions"]],
        *[("", 11, 5.5, line) for line in labels.get("secondary", ())],
    ]
    footer_top = pdf.h - 20
    _write(pdf, header)
    qr_top = pdf.get_y() + 4
    room = footer_top - 4 - _write(pdf, below_qr, dry_run=True) - 4 - qr_top
    qr_size = max(50, min(120, room))
    pdf.image(io.BytesIO(qr_png(base_url, target, scale=10)), x=(pdf.w - qr_size) / 2, y=qr_top,
              w=qr_size, h=qr_size)
    pdf.set_y(qr_top + qr_size + 4)
    _write(pdf, below_qr)
    pdf.set_y(footer_top)
    _write(pdf, [("", 10, 5, labels["printed"])])
    return bytes(pdf.output())
