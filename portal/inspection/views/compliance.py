"""QR compliance pages: the lists with filters and downloads, the printable certificate, and the
public page a scanned certificate opens."""
from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ...clock import utcnow
from ...exports import export_response
from ...extensions import reads_from_replica
from ...security import roles_required
from ...venues.models import CATEGORIES
from .. import bp
from ..access import COMPLIANCE_ROLES, compliance_ward_codes, venue_for_compliance
from ..certificates import certificate_token, qr_svg_inline, verification_url, verify_certificate
from ..compliance import STATES, Thresholds, compliance_of
from ..compliance_lists import (ComplianceQuery, compliance_rows, export_header, export_rows, in_state, page_of,
                                scope_wards, state_counts, ward_summary)


def _thresholds():
    return Thresholds.from_config(current_app.config)


@bp.route("/compliance/", defaults={"fmt": "html"})
@bp.route("/compliance.<fmt>")
@roles_required(*COMPLIANCE_ROLES)
@reads_from_replica
def compliance(fmt):
    """QR compliance of the venues in scope, by state, ward and category: pages, CSV and XLSX."""
    if fmt not in ("html", "csv", "xlsx"):
        abort(404)
    province = current_app.config["PORTAL_PROVINCE"]
    query = ComplianceQuery.parse(request.args)
    wards = scope_wards(compliance_ward_codes(current_user), province)
    if query.ward and query.ward not in {w.code for w in wards}:
        abort(404)
    every = compliance_rows(current_user, query, utcnow(), _thresholds(), province)
    rows = in_state(every, query.state)
    if fmt != "html":
        name = f"compliance-{query.ward or 'all'}" + (f"-{query.state}" if query.state else "")
        return export_response(fmt, name, _("QR compliance"), export_header(), export_rows(rows))
    shown, pages = page_of(rows, query.page)
    summary = ward_summary(every, wards) if not query.ward and len(wards) > 1 else []
    return render_template("inspection/compliance.html", query=query, rows=shown, total=len(rows),
                           pages=pages, wards=wards, states=STATES, categories=CATEGORIES,
                           counts=state_counts(every), summary=summary)


@bp.route("/<code>/certificate")
@roles_required(*COMPLIANCE_ROLES)
def certificate(code):
    """A printable compliance certificate with its verification QR, for a venue meeting the conditions."""
    venue = venue_for_compliance(current_user, code, current_app.config["PORTAL_PROVINCE"])
    now, thresholds = utcnow(), _thresholds()
    found = compliance_of(venue, now, thresholds)
    qr = url = None
    if found.meets:
        url = verification_url(current_app.config["PORTAL_BASE_URL"],
                               certificate_token(current_app.config["SECRET_KEY"], venue, now))
        qr = Markup(qr_svg_inline(url, _("Verification QR of the certificate")))
    return render_template("inspection/certificate.html", venue=venue, found=found, qr=qr, url=url, issued=now,
                           days=thresholds.certificate_days)


@bp.route("/certificates/<token>")
def certificate_check(token):
    """What a scanned certificate says: current or not, with the venue's public name and address only."""
    check = verify_certificate(current_app.config["SECRET_KEY"], token, utcnow(), _thresholds())
    status = 404 if check.outcome in ("invalid", "unknown") else 200
    return render_template("inspection/certificate_check.html", check=check,
                           days=_thresholds().certificate_days), status
